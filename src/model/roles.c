/* Python roles from an exec's argv: forkserver, resource tracker, spawn child.
 * See /work/shared/python-multiprocessing.md for the command lines CPython builds, and
 * docs/model.md for the forms of 3.8 to 3.14 (3.14's forkserver: `authkey_r` in its
 * keywords; 3.14.3: `main_path`, `sys_argv`; 3.14.4: `import sys; ` first and the
 * parent's sys.argv after the code). */
#include <ctype.h>
#include <string.h>

#include "model/roles.h"

/* A `-c CODE` statement that marks a role: `from <module> import <name>`. */
struct code_pattern {
	const char *module;
	const char *name;
	enum fs_role role;
	enum fs_method method;
	const char *reason;
};

static const struct code_pattern code_patterns[] = {
    {"multiprocessing.forkserver", "main", FS_ROLE_FORKSERVER, FS_METHOD_NONE,
     "exec'd `-c from multiprocessing.forkserver import main; main(...)`: the forkserver"},
    {"multiprocess.forkserver", "main", FS_ROLE_FORKSERVER, FS_METHOD_NONE,
     "exec'd `-c from multiprocess.forkserver import main; main(...)`: the forkserver "
     "(multiprocess, dill's fork of multiprocessing)"},
    {"billiard.forkserver", "main", FS_ROLE_FORKSERVER, FS_METHOD_NONE,
     "exec'd `-c from billiard.forkserver import main; main(...)`: the forkserver (billiard)"},
    {"multiprocessing.resource_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from multiprocessing.resource_tracker import main; main(...)`: "
     "the resource tracker"},
    {"multiprocess.resource_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from multiprocess.resource_tracker import main; main(...)`: "
     "the resource tracker (multiprocess)"},
    {"billiard.resource_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from billiard.resource_tracker import main; main(...)`: "
     "the resource tracker (billiard)"},
    {"multiprocessing.semaphore_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from multiprocessing.semaphore_tracker import main; main(...)`: "
     "the semaphore tracker (the resource tracker before Python 3.8)"},
    {"multiprocess.semaphore_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from multiprocess.semaphore_tracker import main; main(...)`: "
     "the semaphore tracker (multiprocess)"},
    {"billiard.semaphore_tracker", "main", FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE,
     "exec'd `-c from billiard.semaphore_tracker import main; main(...)`: "
     "the semaphore tracker (billiard)"},
    {"multiprocessing.spawn", "spawn_main", FS_ROLE_MP_CHILD, FS_METHOD_SPAWN,
     "exec'd `-c from multiprocessing.spawn import spawn_main; spawn_main(...)`: "
     "a spawn child"},
    {"multiprocess.spawn", "spawn_main", FS_ROLE_MP_CHILD, FS_METHOD_SPAWN,
     "exec'd `-c from multiprocess.spawn import spawn_main; spawn_main(...)`: "
     "a spawn child (multiprocess)"},
    {"billiard.spawn", "spawn_main", FS_ROLE_MP_CHILD, FS_METHOD_SPAWN,
     "exec'd `-c from billiard.spawn import spawn_main; spawn_main(...)`: "
     "a spawn child (billiard)"},
};

static const char reason_forkserver_argv[] =
    "exec'd `-c import sys; from multiprocessing.forkserver import main; main(...)` and "
    "its parent's argv (Python 3.14.4 and later): the forkserver, not the script it names";
static const char reason_frozen_forkserver[] =
    "a frozen app exec'd itself as `<exe> -c from multiprocessing.forkserver import main; "
    "main(...)`: the forkserver (Python 3.14 starts it by default on Linux)";
static const char reason_frozen_tracker[] =
    "a frozen app exec'd itself as `<exe> -c from multiprocessing.resource_tracker import "
    "main;main(N)`: the resource tracker";

static const char reason_fork_flag[] =
    "exec'd Python `-c CODE ... --multiprocessing-fork`: a spawn child";
static const char reason_billiard_flag[] =
    "exec'd Python `-c CODE ... --billiard-fork`: a spawn child (billiard)";
static const char reason_frozen[] =
    "exec'd a frozen app as `<exe> --multiprocessing-fork key=value...`: a spawn child";
static const char reason_frozen_billiard[] =
    "exec'd a frozen app as `<exe> --billiard-fork key=value...`: a spawn child (billiard)";

/* Interpreter flags that take no value; they may be combined (-sE). */
static const char python_flags[] = "BsSEIPOuvqbdiRx";

static const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool roles_is_python_name(const char *path)
{
	const char *s;
	bool version = false;

	if (!path)
		return false;
	s = path_basename(path);
	if (strncmp(s, "python", 6) == 0)
		s += 6;
	else if (strncmp(s, "pypy", 4) == 0)
		s += 4;
	else
		return false;
	/* optional version X or X.Y[.Z], then ABI letters (d debug, t free-threaded, m) */
	if (isdigit((unsigned char)*s)) {
		version = true;
		while (isdigit((unsigned char)*s))
			s++;
		while (*s == '.' && isdigit((unsigned char)s[1])) {
			s++;
			while (isdigit((unsigned char)*s))
				s++;
		}
	}
	while (version && (*s == 'd' || *s == 't' || *s == 'm'))
		s++;
	if (strcmp(s, "-dbg") == 0)
		s += 4;
	return *s == '\0';
}

/* True when the kernel ran filename as a #! script: argv became [interp, (arg), filename, ...]. */
static bool exec_is_script(const char *filename, char *const *argv, int argc)
{
	if (!filename || !*filename || argc < 2 || !argv[0] || strcmp(argv[0], filename) == 0)
		return false;
	if (argv[1] && strcmp(argv[1], filename) == 0)
		return true;
	return argc >= 3 && argv[2] && strcmp(argv[2], filename) == 0;
}

/* True when the exec'd program is a Python interpreter (a #! script counts by its interpreter). */
static bool exec_runs_python(const char *filename, char *const *argv, int argc)
{
	const char *argv0 = argc > 0 && argv ? argv[0] : NULL;

	if (argv && exec_is_script(filename, argv, argc))
		return roles_is_python_name(argv0);
	return roles_is_python_name(filename) || roles_is_python_name(argv0);
}

bool roles_is_python(const char *filename, char *const *argv, int argc, const char *comm)
{
	if ((filename && *filename) || (argv && argc > 0))
		return exec_runs_python(filename, argv, argc);
	/* nothing but the comm (a process seen only by its exit or a signal) */
	return roles_is_python_name(comm);
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* s past a whole token tok (not followed by an identifier character or a dot), or NULL. */
static const char *match_token(const char *s, const char *tok)
{
	size_t n = strlen(tok);

	if (strncmp(s, tok, n) != 0 || is_ident_char(s[n]) || s[n] == '.')
		return NULL;
	return s + n;
}

/* True when the statement at s reads `from <module> import <name>`. */
static bool stmt_is_import(const char *s, const char *module, const char *name)
{
	s = match_token(skip_blanks(s), "from");
	if (!s || (*s != ' ' && *s != '\t'))
		return false;
	s = match_token(skip_blanks(s), module);
	if (!s || (*s != ' ' && *s != '\t'))
		return false;
	s = match_token(skip_blanks(s), "import");
	if (!s || (*s != ' ' && *s != '\t'))
		return false;
	return match_token(skip_blanks(s), name) != NULL;
}

/* Past a Python string literal starting at its quote (single or triple quoted). */
static const char *skip_string(const char *s)
{
	char q = *s;
	bool triple = s[1] == q && s[2] == q;

	s += triple ? 3 : 1;
	while (*s) {
		if (*s == '\\' && s[1]) {
			s += 2;
			continue;
		}
		if (*s == q && (!triple || (s[1] == q && s[2] == q)))
			return s + (triple ? 3 : 1);
		if (!triple && *s == '\n')
			return s;
		s++;
	}
	return s;
}

/* True when one statement of code (not text inside a string or a comment) is the import. */
static bool code_imports(const char *code, const char *module, const char *name)
{
	bool start = true;
	const char *s = code;

	while (*s) {
		if (start && stmt_is_import(s, module, name))
			return true;
		start = false;
		if (*s == '\'' || *s == '"') {
			s = skip_string(s);
			continue;
		}
		if (*s == '#') {
			while (*s && *s != '\n')
				s++;
			continue;
		}
		if (*s == ';' || *s == '\n')
			start = true;
		s++;
	}
	return false;
}

/* Index in argv of the CODE of `-c CODE` after the interpreter flags, or -1 (a script, -m, an
 * unknown option). Handles -sE, -Bc CODE, -cCODE, -W arg, -Warg, -X arg, -Xarg and
 * --check-hash-based-pycs arg; *code points at CODE (also when glued: -cCODE). */
static int args_code_index(char *const *argv, int argc, const char **code)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!a || a[0] != '-' || a[1] == '\0')
			return -1;
		if (a[1] == '-') {
			if (strcmp(a, "--check-hash-based-pycs") != 0)
				return -1;
			i++;
			continue;
		}
		for (const char *f = a + 1; *f; f++) {
			if (strchr(python_flags, *f))
				continue;
			if (*f == 'W' || *f == 'X') {
				if (f[1] == '\0')
					i++; /* the value is the next argument */
				break;
			}
			if (*f != 'c')
				return -1;
			if (f[1]) {
				*code = f + 1;
				return i;
			}
			if (i + 1 < argc && argv[i + 1]) {
				*code = argv[i + 1];
				return i + 1;
			}
			return -1;
		}
	}
	return -1;
}

/* True for `key=value` with an identifier key (tracker_fd=5, pipe_handle=7). */
static bool arg_is_keyword(const char *a)
{
	const char *s = a;

	if (!a || !(isalpha((unsigned char)*a) || *a == '_'))
		return false;
	while (is_ident_char(*s))
		s++;
	return *s == '=';
}

/* A frozen app's spawn child: `<exe> --multiprocessing-fork key=value...`; NULL if not one. */
static const char *frozen_fork_reason(char *const *argv, int argc)
{
	const char *reason;

	if (argc < 2 || !argv[1])
		return NULL;
	if (strcmp(argv[1], "--multiprocessing-fork") == 0)
		reason = reason_frozen;
	else if (strcmp(argv[1], "--billiard-fork") == 0)
		reason = reason_frozen_billiard;
	else
		return NULL;
	for (int i = 2; i < argc; i++)
		if (!arg_is_keyword(argv[i]))
			return NULL;
	return reason;
}

/* True when s reads `from <module> import main;` then the call `main(` (blanks between). */
static bool code_calls_main(const char *s, const char *module)
{
	s = skip_blanks(s);
	if (strncmp(s, "from ", 5) != 0)
		return false;
	s = skip_blanks(s + 5);
	s = match_token(s, module);
	if (!s || (*s != ' ' && *s != '\t'))
		return false;
	s = match_token(skip_blanks(s), "import");
	if (!s || (*s != ' ' && *s != '\t'))
		return false;
	s = match_token(skip_blanks(s), "main");
	if (!s || *skip_blanks(s) != ';')
		return false;
	s = skip_blanks(skip_blanks(s) + 1);
	return strncmp(s, "main(", 5) == 0;
}

/* A frozen app's forkserver or resource tracker: not a Python name, but exec'd exactly as
 * CPython builds the helper's command, `<exe> [flags] -c CODE [sys.argv...]` with CODE
 * opening on the import and the call (3.14.4 prefixes `import sys; `). The frozen
 * executable is sys.executable, which spawn.get_executable() returns; before 3.14 a
 * frozen app on Linux forked by default and rarely showed these. */
static bool frozen_helper(char *const *argv, int argc, struct fs_exec_role *out)
{
	const char *code = NULL, *s;
	int ci = args_code_index(argv, argc, &code);

	if (ci < 0)
		return false;
	s = skip_blanks(code);
	if (strncmp(s, "import sys;", 11) == 0)
		s += 11;
	if (code_calls_main(s, "multiprocessing.forkserver")) {
		out->role = FS_ROLE_FORKSERVER;
		out->reason = reason_frozen_forkserver;
	} else if (code_calls_main(s, "multiprocessing.resource_tracker") && ci == argc - 1) {
		out->role = FS_ROLE_RESOURCE_TRACKER;
		out->reason = reason_frozen_tracker;
	} else {
		return false;
	}
	out->method = FS_METHOD_NONE;
	return true;
}

void roles_classify(const char *filename, char *const *argv, int argc, struct fs_exec_role *out)
{
	const char *code = NULL, *last, *frozen;
	int ci;

	out->role = FS_ROLE_OTHER;
	out->method = FS_METHOD_NONE;
	out->reason = NULL;
	if (!argv || argc < 1)
		return;
	frozen = frozen_fork_reason(argv, argc);
	if (frozen) {
		out->role = FS_ROLE_MP_CHILD;
		out->method = FS_METHOD_SPAWN;
		out->reason = frozen;
		return;
	}
	/* `-c` means code only to Python (grep -c, sh -c are something else), or to a
	 * frozen app running one of multiprocessing's helper commands */
	if (!exec_runs_python(filename, argv, argc)) {
		frozen_helper(argv, argc, out);
		return;
	}
	ci = args_code_index(argv, argc, &code);
	if (ci < 0)
		return;
	for (size_t i = 0; i < sizeof(code_patterns) / sizeof(code_patterns[0]); i++) {
		const struct code_pattern *p = &code_patterns[i];

		if (code_imports(code, p->module, p->name)) {
			out->role = p->role;
			out->method = p->method;
			out->reason = p->reason;
			/* 3.14.4 (gh-144503) puts the parent's sys.argv after the code */
			if (p->role == FS_ROLE_FORKSERVER && ci + 1 < argc &&
			    strcmp(p->module, "multiprocessing.forkserver") == 0)
				out->reason = reason_forkserver_argv;
			return;
		}
	}
	/* spawn's command line ends with the flag (also older `forking import main` ones) */
	last = ci + 1 < argc ? argv[argc - 1] : NULL;
	if (last &&
	    (strcmp(last, "--multiprocessing-fork") == 0 || strcmp(last, "--billiard-fork") == 0)) {
		out->role = FS_ROLE_MP_CHILD;
		out->method = FS_METHOD_SPAWN;
		out->reason = last[2] == 'b' ? reason_billiard_flag : reason_fork_flag;
	}
}
