/* Unit tests for src/roles.c: Python roles from an exec's argv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/roles.h"

#define FS_CODE "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})"
#define RT_CODE "from multiprocessing.resource_tracker import main;main(4)"
#define SPAWN_CODE                                                                                 \
	"from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)"

static const char *const py = "/usr/bin/python3";

/* Classify a NULL-terminated argv run from filename. */
static struct fs_exec_role classify_argv(const char *filename, const char *const *argv)
{
	struct fs_exec_role r;
	int argc = 0;

	while (argv[argc])
		argc++;
	roles_classify(filename, (char *const *)argv, argc, &r);
	return r;
}

static void assert_role(const char *filename, const char *const *argv, enum fs_role role,
			enum fs_method method)
{
	struct fs_exec_role r = classify_argv(filename, argv);

	assert_int_equal(r.role, role);
	assert_int_equal(r.method, method);
	if (role == FS_ROLE_OTHER)
		assert_null(r.reason);
	else
		assert_non_null(r.reason);
}

static void test_helpers(void **state)
{
	const char *fs[] = {py, "-c", FS_CODE, NULL};
	const char *rt[] = {py, "-c", RT_CODE, NULL};
	const char *st[] = {py, "-c", "from multiprocessing.semaphore_tracker import main;main(3)",
			    NULL};
	const char *sp[] = {py, "-c", SPAWN_CODE, "--multiprocessing-fork", NULL};
	struct fs_exec_role r;

	(void)state;
	assert_role(py, fs, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, rt, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py, st, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py, sp, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	r = classify_argv(py, sp);
	assert_non_null(strstr(r.reason, "spawn child"));
	r = classify_argv(py, fs);
	assert_non_null(strstr(r.reason, "forkserver"));
}

static void test_interpreter_flags(void **state)
{
	const char *a[] = {py, "-B", "-s", "-E", "-c", SPAWN_CODE, "--multiprocessing-fork", NULL};
	const char *b[] = {py, "-sE", "-I", "-c", FS_CODE, NULL};
	const char *c[] = {py, "-W", "ignore", "-X", "dev", "-c", RT_CODE, NULL};
	const char *d[] = {py, "-Wdefault", "-Xfrozen_modules=off", "-OO", "-c", FS_CODE, NULL};
	const char *e[] = {py, "--check-hash-based-pycs", "never", "-c", FS_CODE, NULL};
	const char *f[] = {py, "-Bc", FS_CODE, NULL};
	const char *g[] = {py, "-c" FS_CODE, NULL};
	const char *h[] = {py,	"-bb", "-u", "-P", "-q", "-c", SPAWN_CODE, "--multiprocessing-fork",
			   NULL};
	/* a value that looks like -c is still the value of -W/-X */
	const char *i[] = {py, "-W", "-c", FS_CODE, NULL};
	const char *j[] = {py, "-X", "-c", FS_CODE, NULL};
	const char *k[] = {py, "-Q", "-c", FS_CODE, NULL}; /* unknown flag */
	const char *l[] = {py, "--help", "-c", FS_CODE, NULL};
	const char *n[] = {py, "-c", NULL};
	const char *o[] = {py, "-W", NULL};

	(void)state;
	assert_role(py, a, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, b, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, c, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py, d, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, e, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, f, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, g, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, h, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, i, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, j, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, k, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, l, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, n, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, o, FS_ROLE_OTHER, FS_METHOD_NONE);
}

static void test_variants(void **state)
{
	const char *bs[] = {py, "-c",
			    "from billiard.spawn import spawn_main; spawn_main(tracker_fd=5, "
			    "pipe_handle=7)",
			    "--billiard-fork", NULL};
	const char *bf[] = {py, "-c", "from billiard.forkserver import main; main(1, 2)", NULL};
	const char *ms[] = {py, "-c",
			    "from multiprocess.spawn import spawn_main; spawn_main(tracker_fd=5, "
			    "pipe_handle=7)",
			    "--multiprocessing-fork", NULL};
	const char *mf[] = {py, "-c", "from multiprocess.forkserver import main; main(1, 2)", NULL};
	const char *mr[] = {py, "-c", "from multiprocess.resource_tracker import main;main(4)",
			    NULL};
	/* Python <= 3.3 style: the flag after some other -c code */
	const char *old[] = {py, "-c", "from multiprocessing.forking import main; main()",
			     "--multiprocessing-fork", NULL};
	const char *bflag[] = {py, "-c", "import billiard", "--billiard-fork", NULL};
	/* a statement after others still counts */
	const char *later[] = {py, "-c", "import sys; from multiprocessing.forkserver import main",
			       NULL};
	const char *nl[] = {py, "-c", "import sys\n  from multiprocessing.spawn import spawn_main",
			    NULL};
	struct fs_exec_role r;

	(void)state;
	assert_role(py, bs, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, bf, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, ms, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, mf, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, mr, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py, old, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, bflag, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role(py, later, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py, nl, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	r = classify_argv(py, bs);
	assert_non_null(strstr(r.reason, "billiard"));
	r = classify_argv(py, mf);
	assert_non_null(strstr(r.reason, "multiprocess,"));
}

static void test_frozen(void **state)
{
	const char *a[] = {"/opt/app/myapp", "--multiprocessing-fork", "tracker_fd=5",
			   "pipe_handle=7", NULL};
	const char *b[] = {"/opt/app/myapp", "--billiard-fork", "pipe_handle=7", NULL};
	const char *c[] = {"/opt/app/myapp", "--multiprocessing-fork", "notakeyword", NULL};
	const char *d[] = {"/opt/app/myapp", "--multiprocessing-forks", "pipe_handle=7", NULL};
	const char *e[] = {"/opt/app/myapp", "-v", "--multiprocessing-fork", NULL};

	(void)state;
	assert_role("/opt/app/myapp", a, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role("/opt/app/myapp", b, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role("/opt/app/myapp", c, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", d, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", e, FS_ROLE_OTHER, FS_METHOD_NONE);
}

static void test_look_alikes(void **state)
{
	const char *a[] = {py, "-c", "print('spawn_main')", NULL};
	const char *b[] = {py, "-c", "print('from multiprocessing.spawn import spawn_main')", NULL};
	const char *c[] = {py, "forkserver.py", NULL};
	const char *d[] = {py, "script.py", "--multiprocessing-fork-ish", NULL};
	const char *e[] = {"grep", "multiprocessing.forkserver", "file", NULL};
	const char *f[] = {"grep", "-c", "from multiprocessing.forkserver import main", "f", NULL};
	const char *g[] = {"/bin/sh", "-c", "from multiprocessing.spawn import spawn_main", NULL};
	const char *h[] = {py, "-m", "multiprocessing.forkserver", NULL};
	const char *i[] = {py, "-c", "x = 'a; from multiprocessing.forkserver import main'", NULL};
	const char *j[] = {py, "-c", "# from multiprocessing.forkserver import main\nprint(1)",
			   NULL};
	const char *k[] = {py, "-c", "from multiprocessing.spawnx import spawn_main", NULL};
	const char *l[] = {py, "-c", "from multiprocessing.spawn import spawn_mainx", NULL};
	const char *m[] = {py, "-c", "from multiprocessing.forkserver import mainloop", NULL};
	const char *n[] = {py, "-c", "from xmultiprocessing.forkserver import main", NULL};
	const char *o[] = {py, "-c", "'''\nfrom multiprocessing.forkserver import main\n'''", NULL};
	const char *p[] = {py, "-c", "print(1)", "--multiprocessing-fork-ish", NULL};
	const char *q[] = {py, "script.py", "-c", FS_CODE, NULL};
	const char *r[] = {py, "-c", "from multiprocessing.forkserver import main.x", NULL};

	(void)state;
	assert_role(py, a, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, b, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, c, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, d, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/usr/bin/grep", e, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/usr/bin/grep", f, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/bin/sh", g, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, h, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, i, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, j, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, k, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, l, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, m, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, n, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, o, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, p, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, q, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role(py, r, FS_ROLE_OTHER, FS_METHOD_NONE);
}

/* CPython 3.14's command lines, copied from its sources' command building:
 * - forkserver, 3.14.0: Lib/multiprocessing/forkserver.py (stored commit 0119b6aa),
 *   ForkServer.ensure_running() lines 143-144 (`cmd = ('from multiprocessing.forkserver
 *   import main; ' + 'main(%d, %d, %r, **%r)')`), 146-151 (main_kws: only 'sys_path'
 *   survives desired_keys) and 167-172 (`main_kws['authkey_r'] = authkey_r`, `args = [exe]
 *   + util._args_from_interpreter_flags()`, `args += ['-c', cmd]`);
 * - forkserver, 3.14.3 (and 3.13.12): main_kws gains 'main_path' and 'sys_argv', repr'd;
 * - forkserver, 3.14.4 (gh-144503, also 3.13.13): same function, `cmd = ('import sys; '
 *   'from multiprocessing.forkserver import main; ' 'main(%d, %d, %r,
 *   sys_argv=sys.argv[1:], **%r)')` and `args += ['-c', cmd]; if sys_argv is not None:
 *   args += sys_argv`: the parent's argv follows the code;
 * - resource tracker: Lib/multiprocessing/resource_tracker.py, ResourceTracker._launch():
 *   `args = [exe, *util._args_from_interpreter_flags(), '-c',
 *   f'from multiprocessing.resource_tracker import main;main({r})']`;
 * - spawn child: Lib/multiprocessing/spawn.py get_command_line(): `[exe] + opts + ['-c',
 *   prog, '--multiprocessing-fork']` with prog `from multiprocessing.spawn import
 *   spawn_main; spawn_main(tracker_fd=.., pipe_handle=..)` (popen_spawn_posix.py);
 * - a frozen app: spawn.get_executable() is sys.executable, so the helpers run as
 *   `<app> -c CODE`; 3.14's default forkserver makes a frozen Linux app start them. */
#define FS314_CODE                                                                                 \
	"from multiprocessing.forkserver import main; main(6, 8, ['__main__'], **{'sys_path': "    \
	"['/home/ann/app', '/usr/local/lib/python314.zip', '/usr/local/lib/python3.14'], "         \
	"'authkey_r': 9})"
#define FS3143_CODE                                                                                \
	"from multiprocessing.forkserver import main; main(6, 8, ['__main__'], **{'sys_path': "    \
	"['/home/ann/app'], 'main_path': '/home/ann/app/app.py', 'sys_argv': ['app.py', "          \
	"'--n', \"it's\"], 'authkey_r': 9})"
#define FS3144_CODE                                                                                \
	"import sys; from multiprocessing.forkserver import main; main(6, 8, ['__main__'], "       \
	"sys_argv=sys.argv[1:], **{'sys_path': ['/home/ann/app'], 'main_path': "                   \
	"'/home/ann/app/app.py', 'authkey_r': 9})"

static void test_python314(void **state)
{
	static const char *const py314 = "/usr/local/bin/python3.14";
	const char *a[] = {py314, "-c", FS314_CODE, NULL};
	const char *b[] = {py314, "-c", FS3143_CODE, NULL};
	/* the parent's sys.argv after the code: a script name is not a main program */
	const char *c[] = {py314, "-c", FS3144_CODE, "app.py", "--n", "2", NULL};
	/* even when that argv ends like a spawn child's */
	const char *d[] = {py314, "-c", FS3144_CODE, "app.py", "--multiprocessing-fork", NULL};
	const char *e[] = {py314, "-X", "gil=0", "-P", "-c", FS3144_CODE, "app.py", NULL};
	const char *rt[] = {"/usr/local/bin/python3.14t", "-c",
			    "from multiprocessing.resource_tracker import main;main(5)", NULL};
	const char *sp[] = {
	    py314,
	    "-Wdefault",
	    "-c",
	    "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=6, "
	    "pipe_handle=10)",
	    "--multiprocessing-fork",
	    NULL};
	/* a frozen app (PyInstaller and the like) under 3.14's default forkserver */
	const char *ffs[] = {"/opt/app/myapp", "-c", FS314_CODE, NULL};
	const char *ffs4[] = {"/opt/app/myapp", "-c", FS3144_CODE, "--n", "2", NULL};
	const char *frt[] = {"/opt/app/myapp", "-c",
			     "from multiprocessing.resource_tracker import main;main(5)", NULL};
	/* not the command CPython builds: no call, a trailing argument, other code first */
	const char *n1[] = {"/opt/app/myapp", "-c", "from multiprocessing.forkserver import main",
			    NULL};
	const char *n2[] = {"/opt/app/myapp", "-c",
			    "from multiprocessing.resource_tracker import main;main(5)", "x", NULL};
	const char *n3[] = {"/opt/app/myapp", "-c",
			    "print(1); from multiprocessing.forkserver import main; main(1, 2)",
			    NULL};
	const char *n4[] = {"/opt/app/myapp", "-c",
			    "from multiprocessing.forkserver import mainx; main(1, 2)", NULL};
	/* as seen from a real /usr/bin/python3.14 (3.14.0, openSUSE's build), quoted in
	 * github.com/saltstack/pytest-shell-utilities issue 56 */
	const char *seen_fs[] = {
	    "/usr/bin/python3.14", "-c",
	    "from multiprocessing.forkserver import main; main(3, 5, "
	    "['__main__'], **{'sys_path': ['/tmp', '/usr/lib64/python314.zip', "
	    "'/usr/lib64/python3.14', '/usr/lib64/python3.14/lib-dynload', "
	    "'/usr/lib64/python3.14/site-packages', "
	    "'/usr/lib/python3.14/site-packages'], 'authkey_r': 7})",
	    NULL};
	const char *seen_rt[] = {"/usr/bin/python3.14", "-c",
				 "from multiprocessing.resource_tracker import main;main(3)", NULL};
	struct fs_exec_role r;

	(void)state;
	assert_role(seen_fs[0], seen_fs, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(seen_rt[0], seen_rt, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py314, a, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py314, b, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py314, c, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py314, d, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(py314, e, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role(rt[0], rt, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role(py314, sp, FS_ROLE_MP_CHILD, FS_METHOD_SPAWN);
	assert_role("/opt/app/myapp", ffs, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", ffs4, FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", frt, FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", n1, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", n2, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", n3, FS_ROLE_OTHER, FS_METHOD_NONE);
	assert_role("/opt/app/myapp", n4, FS_ROLE_OTHER, FS_METHOD_NONE);
	r = classify_argv("/opt/app/myapp", ffs);
	assert_non_null(strstr(r.reason, "frozen app"));
	r = classify_argv(py314, c);
	assert_null(strstr(r.reason, "frozen"));
	assert_non_null(strstr(r.reason, "parent's argv"));
	r = classify_argv(py314, a);
	assert_null(strstr(r.reason, "parent's argv"));
}

static void test_python_names(void **state)
{
	(void)state;
	assert_true(roles_is_python_name("python"));
	assert_true(roles_is_python_name("python3"));
	assert_true(roles_is_python_name("/usr/bin/python3.11"));
	assert_true(roles_is_python_name("/venv/bin/python"));
	assert_true(roles_is_python_name("python3.13t"));
	assert_true(roles_is_python_name("python3.8d"));
	assert_true(roles_is_python_name("python3.11-dbg"));
	assert_true(roles_is_python_name("pypy3"));
	assert_true(roles_is_python_name("pypy3.10"));
	assert_false(roles_is_python_name("python3-config"));
	assert_false(roles_is_python_name("/usr/bin/python-config"));
	assert_false(roles_is_python_name("python3.11-config"));
	assert_false(roles_is_python_name("ipython"));
	assert_false(roles_is_python_name("pythonista"));
	assert_false(roles_is_python_name("python3.x"));
	assert_false(roles_is_python_name("/usr/lib/python3/dist/bash"));
	assert_false(roles_is_python_name(""));
	assert_false(roles_is_python_name(NULL));
}

static void test_is_python(void **state)
{
	char *plain[] = {"python3", "x.py", NULL};
	char *other0[] = {"myname", NULL};
	/* #! script: argv became [interpreter, (arg), script path, args...] */
	char *shim[] = {"/usr/bin/env", "bash", "/root/.pyenv/shims/python3", "x.py", NULL};
	char *pyscript[] = {"/usr/bin/python3", "./tool.py", NULL};
	char *envpy[] = {"/usr/bin/env", "python3", "./tool.py", NULL};
	char *lsargv[] = {"ls", "-l", NULL};

	(void)state;
	assert_true(roles_is_python("/usr/bin/python3.11", plain, 2, "python3.11"));
	assert_true(roles_is_python("/usr/bin/python3.11", other0, 1, "python3.11"));
	assert_true(roles_is_python("/usr/local/bin/runner", plain, 2, "runner"));
	assert_false(roles_is_python("/root/.pyenv/shims/python3", shim, 4, "python3"));
	assert_true(roles_is_python("./tool.py", pyscript, 2, "tool.py"));
	assert_false(roles_is_python("./tool.py", envpy, 3, "tool.py"));
	assert_false(roles_is_python("/bin/ls", lsargv, 2, "ls"));
	/* comm only: a process seen by its exit alone */
	assert_true(roles_is_python(NULL, NULL, 0, "python3"));
	assert_false(roles_is_python(NULL, NULL, 0, "python3-config"));
	assert_false(roles_is_python(NULL, NULL, 0, "bash"));
	assert_false(roles_is_python(NULL, NULL, 0, NULL));
}

static void test_bad_input(void **state)
{
	struct fs_exec_role r = {FS_ROLE_MAIN, FS_METHOD_FORK, "x"};
	char *holes[] = {"python3", NULL, NULL};

	(void)state;
	roles_classify(NULL, NULL, 0, &r);
	assert_int_equal(r.role, FS_ROLE_OTHER);
	assert_null(r.reason);
	roles_classify(py, holes, 2, &r);
	assert_int_equal(r.role, FS_ROLE_OTHER);
	roles_classify(NULL, holes, 1, &r);
	assert_int_equal(r.role, FS_ROLE_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_helpers),	cmocka_unit_test(test_interpreter_flags),
	    cmocka_unit_test(test_variants),	cmocka_unit_test(test_frozen),
	    cmocka_unit_test(test_look_alikes), cmocka_unit_test(test_python_names),
	    cmocka_unit_test(test_is_python),	cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_python314),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
