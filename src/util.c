/* Small helpers of the command-line tool. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *util_data_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("FORKSCOPE_HOME");
	ssize_t n;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), ".");
		return dir;
	}
	dir[n] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir) {
			snprintf(dir, sizeof(dir), "/");
			return dir;
		}
		*slash = '\0';
	}
	return dir;
}

static bool util_is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int util_find_command(const char *name, char *out, size_t outlen)
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
		if (!util_is_executable_file(name))
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
		if (util_is_executable_file(cand)) {
			snprintf(out, outlen, "%s", cand);
			return 0;
		}
		if (access(cand, F_OK) == 0)
			rc = -EACCES;
	}
	return rc;
}

bool util_is_script(const char *path)
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

bool util_is_python_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strncmp(base, "python", 6) != 0)
		return false;
	for (const char *c = base + 6; *c; c++)
		if (!(*c >= '0' && *c <= '9') && *c != '.')
			return false;
	return true;
}

int util_python_probe(const char *interp, char *exe, size_t exelen, char *version, size_t verlen)
{
	static const char code[] = "import sys, platform\n"
				   "print(sys.executable)\n"
				   "print(platform.python_version())\n";
	char buf[PATH_MAX + 64];
	size_t got = 0;
	int fds[2], status = 0, rc = -1;
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(fds[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		execl(interp, interp, "-I", "-c", code, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0)
		goto out;
	while (got < sizeof(buf) - 1 && ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0 ||
					 (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		char *nl = strchr(buf, '\n');
		char *ver = nl ? nl + 1 : NULL;

		if (nl && ver) {
			*nl = '\0';
			ver[strcspn(ver, "\n")] = '\0';
			snprintf(exe, exelen, "%s", buf);
			snprintf(version, verlen, "%s", ver);
			rc = exe[0] == '/' ? 0 : -1;
		}
	}
out:
	close(fds[0]);
	return rc;
}

int util_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

int util_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

int util_sudo_invoker(uid_t *uid, gid_t *gid, char *name, size_t namelen, char *home,
		      size_t homelen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	size_t u, g;
	struct passwd *pw;

	if (geteuid() != 0 || util_parse_size(su, 1, 0x7fffffff, &u) != 0 ||
	    util_parse_size(sg, 0, 0x7fffffff, &g) != 0)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	pw = getpwuid(*uid);
	snprintf(name, namelen, "%s", pw ? pw->pw_name : "");
	snprintf(home, homelen, "%s", pw ? pw->pw_dir : "/");
	return 0;
}

void util_give_to_invoker(const char *path)
{
	char name[64], home[PATH_MAX];
	uid_t uid;
	gid_t gid;

	if (path && util_sudo_invoker(&uid, &gid, name, sizeof(name), home, sizeof(home)) == 0 &&
	    chown(path, uid, gid) != 0)
		return; /* best effort: the file stays root's */
}

static uint64_t util_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t util_monotonic_ns(void)
{
	return util_clock_ns(CLOCK_MONOTONIC);
}

uint64_t util_realtime_ns(void)
{
	return util_clock_ns(CLOCK_REALTIME);
}
