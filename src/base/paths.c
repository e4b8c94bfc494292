/* Where forkscope's data files (demos, the Python hook) are. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"

/* Whether dir/demos is a folder, or is there but closed to us (EACCES: a folder on the
 * way may not be entered), so that the error names that folder, not another one. */
static int paths_has_demos(const char *dir)
{
	char probe[PATH_MAX + 8];
	struct stat st;

	snprintf(probe, sizeof(probe), "%s/demos", dir);
	if (stat(probe, &st) != 0)
		return errno == EACCES;
	return S_ISDIR(st.st_mode);
}

const char *paths_data_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	const char *env = getenv("FORKSCOPE_HOME");
	char *slash;
	ssize_t n;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), "/usr/local/share/forkscope");
		return dir;
	}
	exe[n] = '\0';
	/* a binary replaced while it runs (make install over it) reads "PATH (deleted)" */
	if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
		exe[n - 10] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	/* a build: build/forkscope beside build/share/forkscope */
	snprintf(dir, sizeof(dir), "%.*s/share/forkscope", PATH_MAX - 32, exe);
	if (paths_has_demos(dir))
		return dir;
	/* an install: PREFIX/bin/forkscope and PREFIX/share/forkscope */
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%.*s/share/forkscope", PATH_MAX - 32, exe[0] ? exe : "");
	return dir;
}
