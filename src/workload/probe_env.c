/* forkscope doctor's checks of the user's side: the terminal and locale, the Python
 * interpreters found, the data folder (demos, the hook, the shipped recordings). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/paths.h"
#include "workload/command.h"
#include "workload/demos.h"
#include "workload/probe.h"
#include "workload/python.h"
#include "workload/readable.h"

#define PROBE_MAX_PYTHONS 32
#define PROBE_PYTHON_MS 5000 /* an interpreter that says nothing in 5 s is reported */

/* Whether ncurses will find a terminfo entry for term (the places it looks, no curses). */
static bool probe_terminfo(const char *term)
{
	const char *dirs[] = {getenv("TERMINFO"), "/etc/terminfo", "/lib/terminfo",
			      "/usr/share/terminfo"};
	const char *home = getenv("HOME");
	char path[PATH_MAX];

	if (home && *home) {
		snprintf(path, sizeof(path), "%.*s/.terminfo/%c/%.64s", PATH_MAX / 2, home, term[0],
			 term);
		if (access(path, R_OK) == 0)
			return true;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, sizeof(path), "%.*s/%c/%.64s", PATH_MAX / 2, dirs[i], term[0], term);
		if (access(path, R_OK) == 0)
			return true;
		snprintf(path, sizeof(path), "%.*s/%02x/%.64s", PATH_MAX / 2, dirs[i],
			 (unsigned char)term[0], term);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

void probe_terminal(struct probe_state *st)
{
	struct winsize ws;
	char found[128];
	const char *codeset, *term = getenv("TERM");

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) {
		st->emit(st->ctx, PROBE_WARN, "terminal", "stdout is not a terminal",
			 "the UI (forkscope, run, replay) needs one; run --no-tui, tree and "
			 "doctor work anywhere");
	} else {
		snprintf(found, sizeof(found), "%ux%u", (unsigned)ws.ws_col, (unsigned)ws.ws_row);
		if (ws.ws_col >= 80 && ws.ws_row >= 24)
			st->emit(st->ctx, PROBE_OK, "terminal", found, "");
		else
			st->emit(st->ctx, PROBE_WARN, "terminal", found,
				 "the UI needs 80x24 or more: enlarge the window or the font");
	}
	snprintf(found, sizeof(found), "TERM=%.64s", term ? term : "");
	if (!term || !*term || !strcmp(term, "dumb"))
		st->emit(st->ctx, PROBE_WARN, "TERM", found,
			 "the UI needs a real terminal type: set TERM (e.g. xterm-256color)");
	else if (!strchr(term, '/') && probe_terminfo(term))
		st->emit(st->ctx, PROBE_OK, "TERM", found, "");
	else
		st->emit(st->ctx, PROBE_WARN, "TERM", found,
			 "no terminfo entry for it: install ncurses-term, or set TERM to one "
			 "this machine knows (xterm-256color)");
	setlocale(LC_CTYPE, "");
	codeset = nl_langinfo(CODESET);
	snprintf(found, sizeof(found), "character set %.64s%s", codeset && *codeset ? codeset : "?",
		 getenv("NO_COLOR") ? ", NO_COLOR set (no colours)" : "");
	if (codeset && (!strcasecmp(codeset, "UTF-8") || !strcasecmp(codeset, "utf8")))
		st->emit(st->ctx, PROBE_OK, "locale", found, "");
	else
		st->emit(st->ctx, PROBE_WARN, "locale", found,
			 "ASCII lines and marks instead of box drawing; for those set "
			 "LANG=C.UTF-8 (or any UTF-8 locale)");
	setlocale(LC_CTYPE, "C");
}

/* Run interp -I -c code with a deadline; its stdout in out. 0, or -1 (cannot run,
 * failed, or silent past the deadline: then killed). */
static int probe_python_run(const char *interp, char *out, size_t outlen)
{
	static const char code[] =
	    "import sys, platform, sysconfig\n"
	    "print(sys.executable)\n"
	    "print(platform.python_version())\n"
	    "f = getattr(sys, '_is_gil_enabled', None)\n"
	    "print('off' if f is not None and not f() else 'on')\n"
	    "print(1 if sysconfig.get_config_var('Py_GIL_DISABLED') else 0)\n";
	struct pollfd pfd;
	size_t got = 0;
	int fd = -1, status = 0, rc = -1, waited = 0;
	pid_t pid;
	ssize_t n;

	out[0] = '\0';
	pid = python_start_code(interp, code, &fd);
	if (pid < 0)
		return -1;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < outlen - 1 && waited < PROBE_PYTHON_MS) {
		int ready = poll(&pfd, 1, 100);

		waited += 100;
		if (ready < 0 && errno != EINTR)
			break;
		if (ready <= 0)
			continue;
		n = read(fd, out + got, outlen - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	if (waited >= PROBE_PYTHON_MS)
		kill(pid, SIGKILL); /* our own child, by its PID */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
	close(fd);
	return rc;
}

/* One interpreter's line: "NAME: VERSION, GIL on|off, EXE". */
static void probe_python_one(struct probe_state *st, const char *check, const char *path,
			     const char *shown)
{
	char out[PATH_MAX + 128], found[2 * PATH_MAX + 160];
	char *exe = out, *ver, *gil, *ft;

	if (probe_python_run(path, out, sizeof(out)) != 0 || !(ver = strchr(exe, '\n')) ||
	    !(gil = strchr(ver + 1, '\n')) || !(ft = strchr(gil + 1, '\n'))) {
		snprintf(found, sizeof(found), "%.*s does not run", PATH_MAX, shown);
		st->emit(st->ctx, PROBE_WARN, check, found,
			 "reinstall it, or leave it out of --python");
		return;
	}
	*ver++ = '\0';
	*gil++ = '\0';
	*ft++ = '\0';
	ft[strcspn(ft, "\n")] = '\0';
	snprintf(found, sizeof(found), "Python %.32s, %s, %.*s%s%.*s", ver,
		 ft[0] == '1' ? (!strcmp(gil, "off") ? "free-threaded, GIL off"
						     : "free-threaded build, GIL on")
			      : "GIL on",
		 PATH_MAX / 2, shown, strcmp(shown, exe) ? " -> " : "", PATH_MAX / 2,
		 strcmp(shown, exe) ? exe : "");
	st->emit(st->ctx, PROBE_OK, check, found, "");
}

static int probe_version_order(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Add the matches of a pattern to the list (no duplicates), 3.9 before 3.10. */
static size_t probe_glob(const char *pattern, char list[][PATH_MAX], size_t n)
{
	glob_t g;

	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return n;
	qsort(g.gl_pathv, g.gl_pathc, sizeof(g.gl_pathv[0]), probe_version_order);
	for (size_t i = 0; i < g.gl_pathc && n < PROBE_MAX_PYTHONS; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(list[j], g.gl_pathv[i]);
		if (!seen)
			snprintf(list[n++], PATH_MAX, "%s", g.gl_pathv[i]);
	}
	globfree(&g);
	return n;
}

/* Under sudo, the home of the user who ran it (the workload runs as that user), or NULL. */
static const char *probe_sudo_home(void)
{
	const char *uid = getenv("SUDO_UID"), *home = getenv("HOME");
	struct passwd *pw;

	if (!uid || geteuid() != 0)
		return NULL;
	pw = getpwuid((uid_t)strtoul(uid, NULL, 10));
	if (!pw || !pw->pw_dir || (home && !strcmp(home, pw->pw_dir)))
		return NULL;
	return pw->pw_dir;
}

void probe_pythons(struct probe_state *st)
{
	static char list[PROBE_MAX_PYTHONS][PATH_MAX];
	static const char *const homes[] = {
	    "%s/.pyenv/versions/*/bin/python3",
	    "%s/.pyenv/versions/*/bin/python3.*t",
	    "%s/.local/share/uv/python/*/bin/python3",
	};
	char found[PATH_MAX], real[PATH_MAX], version[64], err[PATH_MAX + 64], pat[PATH_MAX];
	const char *home[2] = {getenv("HOME"), probe_sudo_home()};
	size_t n = 0;

	if (command_find("python3", found, sizeof(found)) != 0) {
		st->emit(st->ctx, PROBE_FAIL, "python3", "no python3 on PATH",
			 "install python3 (apt-get install python3) or give run --python PATH");
	} else if (python_resolve("python3", real, sizeof(real), version, sizeof(version), err,
				  sizeof(err)) != 0) {
		st->emit(st->ctx, PROBE_FAIL, "python3", err,
			 "fix the shim (pyenv global), or give run --python PATH");
	} else {
		/* the real interpreter behind a shim: what forkscope runs the demos with */
		probe_python_one(st, "python3", real, found);
	}
	if (access("/usr/bin/python3", X_OK) == 0)
		probe_python_one(st, "python", "/usr/bin/python3", "/usr/bin/python3");
	n = probe_glob("/usr/bin/python3.*t", list, n);
	n = probe_glob("/usr/local/bin/python3.*t", list, n);
	for (size_t h = 0; h < 2; h++) {
		for (size_t i = 0; home[h] && *home[h] && i < sizeof(homes) / sizeof(homes[0]);
		     i++) {
			snprintf(pat, sizeof(pat), homes[i], home[h]);
			n = probe_glob(pat, list, n);
		}
	}
	for (size_t i = 0; i < n; i++)
		probe_python_one(st, "python", list[i], list[i]);
}

/* How many files of a folder end with suffix (-1: the folder cannot be read). */
static int probe_count(const char *dir, const char *suffix)
{
	char pat[PATH_MAX + 16];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "%.*s/*%s", PATH_MAX - 8, dir, suffix);
	n = glob(pat, 0, NULL, &g);
	if (n == GLOB_NOMATCH)
		return access(dir, R_OK | X_OK) == 0 ? 0 : -1;
	if (n != 0)
		return -1;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

void probe_data(struct probe_state *st)
{
	const char *data = paths_data_dir();
	char path[PATH_MAX + 64], found[2 * PATH_MAX + 64], why[PATH_MAX + 256];
	struct fs_demo *demos = NULL;
	int n = demos_list_or_explain(&demos, why, sizeof(why)), rc;

	free(demos);
	if (n < 0) {
		st->emit(st->ctx, PROBE_FAIL, "demos", why,
			 "reinstall (make install), or set FORKSCOPE_HOME to the data folder");
	} else {
		snprintf(found, sizeof(found), "%d in %.*s", n, PATH_MAX, demos_dir());
		st->emit(st->ctx, PROBE_OK, "demos", found, "");
	}
	snprintf(path, sizeof(path), "%.*s/pyhook/sitecustomize.py", PATH_MAX, data);
	rc = readable_check(path);
	if (rc != 0) {
		readable_explain("the Python hook", path, -rc, why, sizeof(why));
		st->emit(st->ctx, PROBE_WARN, "Python hook", why,
			 "without it Python tells nothing (--no-pyhook) and run --method -- CMD "
			 "fails: reinstall (make install)");
	} else {
		snprintf(path, sizeof(path), "%.*s/pyhook/__pycache__", PATH_MAX, data);
		rc = probe_count(path, ".pyc");
		snprintf(found, sizeof(found), "%.*s/pyhook, %d byte-code files", PATH_MAX, data,
			 rc > 0 ? rc : 0);
		st->emit(st->ctx, rc > 0 ? PROBE_OK : PROBE_WARN, "Python hook", found,
			 rc > 0 ? ""
				: "no byte code: each Python start compiles the hook (make, or "
				  "python3 -m compileall on the folder)");
	}
	snprintf(path, sizeof(path), "%.*s/recordings", PATH_MAX, data);
	rc = probe_count(path, ".jsonl");
	snprintf(found, sizeof(found), "%d in %.*s (replay them without root)", rc > 0 ? rc : 0,
		 PATH_MAX, path);
	st->emit(st->ctx, rc > 0 ? PROBE_OK : PROBE_WARN, "recordings", found,
		 rc > 0 ? "" : "none shipped here: make install copies demos/recordings");
}
