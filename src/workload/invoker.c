/* The user who ran sudo: whom the workload runs as and who owns the recordings. */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "workload/invoker.h"
#include "base/parse.h"

int invoker_sudo(uid_t *uid, gid_t *gid, char *name, size_t namelen, char *home, size_t homelen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	size_t u, g;
	struct passwd *pw;

	if (geteuid() != 0 || parse_size(su, 1, 0x7fffffff, &u) != 0 ||
	    parse_size(sg, 0, 0x7fffffff, &g) != 0)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	pw = getpwuid(*uid);
	snprintf(name, namelen, "%s", pw ? pw->pw_name : "");
	snprintf(home, homelen, "%s", pw ? pw->pw_dir : "/");
	return 0;
}

void invoker_give(const char *path)
{
	char name[64], home[PATH_MAX];
	uid_t uid;
	gid_t gid;

	if (path && invoker_sudo(&uid, &gid, name, sizeof(name), home, sizeof(home)) == 0 &&
	    chown(path, uid, gid) != 0)
		return; /* best effort: the file stays root's */
}
