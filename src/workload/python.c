/* Python interpreters: recognise one by name and ask it for its real executable. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload/command.h"
#include "workload/python.h"
#include "workload/readable.h"

bool python_is_name(const char *path)
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

pid_t python_start_code(const char *interp, const char *code, int *out_fd)
{
	int fds[2];
	pid_t pid;

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
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	*out_fd = fds[0];
	return pid;
}

int python_probe(const char *interp, char *exe, size_t exelen, char *version, size_t verlen)
{
	static const char code[] = "import sys, platform\n"
				   "print(sys.executable)\n"
				   "print(platform.python_version())\n";
	char buf[PATH_MAX + 64];
	size_t got = 0;
	int fd = -1, status = 0, rc = -1;
	pid_t pid;
	ssize_t n;

	pid = python_start_code(interp, code, &fd);
	if (pid < 0)
		return -1;
	while (got < sizeof(buf) - 1 &&
	       ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0 || (n < 0 && errno == EINTR)))
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
	close(fd);
	return rc;
}

int python_resolve(const char *name, char *exe, size_t exelen, char *version, size_t verlen,
		   char *err, size_t errlen)
{
	char found[PATH_MAX], real[PATH_MAX];
	int rc = command_find(name, found, sizeof(found));

	if (rc != 0) {
		snprintf(err, errlen, "python interpreter not found: %s (%s)", name, strerror(-rc));
		return -1;
	}
	if (python_probe(found, real, sizeof(real), version, verlen) != 0) {
		if (command_is_script(found)) {
			snprintf(err, errlen, "cannot find the interpreter behind %s", found);
			return -1;
		}
		snprintf(exe, exelen, "%s", found);
		return 0;
	}
	snprintf(exe, exelen, "%s", command_is_script(found) ? real : found);
	return 0;
}

int python_hook_choose(const struct fs_cli *cli, const char *data_dir, struct python_hook *h,
		       char *err, size_t errlen)
{
	const char *old = getenv("PYTHONPATH");
	bool has_old = old && *old, method = cli->method && !cli->is_demo;
	char hook[PATH_MAX];
	int readable;

	memset(h, 0, sizeof(*h));
	if (!method && cli->no_pyhook)
		return 0;
	snprintf(hook, sizeof(hook), "%.*s/pyhook/sitecustomize.py", PATH_MAX - 32, data_dir);
	readable = readable_check(hook);
	if (readable != 0) {
		if (!method)
			return 0;
		readable_explain("the Python hook", hook, -readable, err, errlen);
		return -1;
	}
	snprintf(h->pythonpath, sizeof(h->pythonpath), "PYTHONPATH=%.*s/pyhook%s%.*s", PATH_MAX / 2,
		 data_dir, has_old ? ":" : "", PATH_MAX / 2, has_old ? old : "");
	if (method)
		snprintf(h->method, sizeof(h->method), "FORKSCOPE_METHOD=%s", cli->method);
	h->facts = !cli->no_pyhook;
	return 0;
}
