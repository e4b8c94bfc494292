/* Finding the program to run: PATH look-up and script detection. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload/command.h"

static bool command_is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int command_find(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	const char *p, *end;
	int rc = -ENOENT;

	if (!name || !*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		struct stat st;

		if (stat(name, &st) != 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!command_is_executable(name))
			return -EACCES;
		snprintf(out, outlen, "%s", name);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; p && *p; p = *end ? end + 1 : end) {
		char cand[PATH_MAX];

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)(end - p), p, name);
		if (command_is_executable(cand)) {
			snprintf(out, outlen, "%s", cand);
			return 0;
		}
		if (access(cand, F_OK) == 0)
			rc = -EACCES;
	}
	return rc;
}

bool command_is_script(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool script = false;

	if (fd >= 0) {
		char head[2] = {0, 0};

		script = read(fd, head, 2) == 2 && head[0] == '#' && head[1] == '!';
		close(fd);
	}
	return script;
}
