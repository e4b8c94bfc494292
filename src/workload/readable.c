/* Why a file forkscope needs cannot be read: the user who tried (forkscope's effective
 * user, whose permissions an open uses), the system's reason, and, for a permission
 * problem, the first folder of the path that user may not enter, or the file's mode. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "workload/readable.h"
#include "base/text.h"

int readable_check(const char *path)
{
	/* O_NONBLOCK: a FIFO put in place of a data file must not hang us */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Why the effective user may not open path: the first folder it may not enter (no x
 * permission for it), else the file's own mode, else a guess. */
static void readable_hint(const char *path, char *buf, size_t len)
{
	char prefix[PATH_MAX];
	const char *slash;

	for (slash = *path ? strchr(path + 1, '/') : NULL; slash; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - path);

		if (n >= sizeof(prefix))
			break;
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		if (faccessat(AT_FDCWD, prefix, X_OK, AT_EACCESS) != 0) {
			snprintf(buf, len, "the folder %s is closed to that user", prefix);
			return;
		}
	}
	if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0)
		snprintf(buf, len, "its mode does not let that user read it");
	else
		snprintf(buf, len, "a parent folder is not readable by that user?");
}

/* A path comes from the command line or the environment: no control character or invalid
 * byte of it reaches the terminal (each byte of one becomes '?'); UTF-8 text stays. */
static void readable_safe(char *s)
{
	size_t left = strlen(s);

	while (left) {
		size_t n = text_utf8_len(s, left);

		if (n == 0 || text_is_control(s, n)) {
			if (n == 0)
				n = 1;
			memset(s, '?', n);
		}
		s += n;
		left -= n;
	}
}

void readable_explain(const char *what, const char *path, int err, char *buf, size_t len)
{
	uid_t uid = geteuid();
	struct passwd *pw;
	char user[128];

	if (err == ENOENT || err == ENOTDIR) {
		snprintf(buf, len, "cannot read %s %s: %s", what, path, strerror(err));
		readable_safe(buf);
		return;
	}
	pw = getpwuid(uid);
	if (pw)
		snprintf(user, sizeof(user), "%s (uid %u)", pw->pw_name, (unsigned)uid);
	else
		snprintf(user, sizeof(user), "uid %u", (unsigned)uid);
	if (err == EACCES || err == EPERM) {
		char hint[PATH_MAX + 64];

		readable_hint(path, hint, sizeof(hint));
		snprintf(buf, len, "cannot read %s %s as %s: %s (%s)", what, path, user,
			 strerror(err), hint);
	} else {
		snprintf(buf, len, "cannot read %s %s as %s: %s", what, path, user, strerror(err));
	}
	readable_safe(buf);
}
