/* Unit tests for the process model (src/model.c, src/analysis.c) from synthetic events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "unit_events.h"

#define MS 1000000ull /* nanoseconds */
#define ROOT 100
#define PY "/usr/bin/python3"
#define FS_CODE "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})"
#define RT_CODE "from multiprocessing.resource_tracker import main;main(4)"
#define SPAWN_CODE                                                                                 \
	"from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)"

/* The newest entry of pid (must exist). */
static const struct fs_proc *proc_of(const struct fs_model *m, uint32_t pid)
{
	int idx = model_find(m, pid);

	assert_true(idx >= 0);
	return model_proc(m, (size_t)idx);
}

/* A model whose root runs `python3 main.py`. */
static struct fs_model *model_python_root(void)
{
	const char *argv[] = {PY, "main.py", NULL};
	struct fs_model *m = model_new(ROOT);

	assert_non_null(m);
	do_exec(m, 0, ROOT, 50, PY, argv);
	return m;
}

static void start_forkserver(struct fs_model *m, uint64_t t, uint32_t pid)
{
	const char *argv[] = {PY, "-B", "-s", "-c", FS_CODE, NULL};

	do_fork(m, t, ROOT, ROOT, pid);
	do_exec(m, t + MS, pid, ROOT, PY, argv);
}

static void start_spawn(struct fs_model *m, uint64_t t, uint32_t tid, uint32_t pid)
{
	const char *argv[] = {PY, "-c", SPAWN_CODE, "--multiprocessing-fork", NULL};

	do_fork(m, t, ROOT, tid, pid);
	do_exec(m, t + MS, pid, ROOT, PY, argv);
}

static void test_tree(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_model_stats *st;
	const struct fs_proc *root, *c;
	int r = model_root(m);

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, ROOT, ROOT, 102);
	do_fork(m, 3 * MS, 101, 101, 104);
	do_fork(m, 4 * MS, ROOT, ROOT, 103);
	assert_int_equal(r, 0);
	root = model_proc(m, (size_t)r);
	assert_int_equal(root->pid, ROOT);
	assert_int_equal(root->role, FS_ROLE_MAIN);
	assert_string_equal(names_role_machine(root->role), "main");
	assert_false(root->unseen_start);
	assert_true(root->is_python);
	assert_true(root->exec_seen);
	assert_int_equal(root->argc, 2);
	assert_string_equal(root->argv[1], "main.py");
	assert_null(root->argv[2]);
	assert_string_equal(root->filename, PY);
	/* children in start order: 101, 102, 103 */
	c = model_proc(m, (size_t)root->first_child);
	assert_int_equal(c->pid, 101);
	c = model_proc(m, (size_t)c->next_sibling);
	assert_int_equal(c->pid, 102);
	c = model_proc(m, (size_t)c->next_sibling);
	assert_int_equal(c->pid, 103);
	assert_int_equal(c->next_sibling, -1);
	c = proc_of(m, 104);
	assert_int_equal(c->parent, model_find(m, 101));
	assert_int_equal(proc_of(m, 101)->first_child, model_find(m, 104));
	/* a fork child inherits argv and python-ness: a provisional fork child */
	assert_true(c->argv_inherited);
	assert_false(c->exec_seen);
	assert_int_equal(c->argc, 2);
	assert_string_equal(c->argv[1], "main.py");
	assert_true(c->is_python);
	assert_int_equal(c->role, FS_ROLE_MP_CHILD);
	assert_int_equal(c->start_method, FS_METHOD_FORK);
	assert_string_equal(names_method(c->start_method), "fork");
	assert_non_null(strstr(c->role_reason, "fork child"));
	assert_int_equal(c->starter, 101);
	assert_int_equal(c->ppid, 101);
	assert_int_equal(c->start_ns, 3 * MS);
	st = model_stats(m);
	assert_int_equal(st->forks, 4);
	assert_int_equal(st->execs, 1);
	assert_int_equal(st->events, 5);
	assert_int_equal(st->live, 5);
	assert_int_equal(st->peak_live, 5);
	assert_int_equal(st->by_role[FS_ROLE_MAIN], 1);
	assert_int_equal(st->by_role[FS_ROLE_MP_CHILD], 4);
	assert_int_equal(model_count(m), 5);
	do_exit(m, 5 * MS, 104, 101, 0, 0);
	assert_int_equal(st->live, 4);
	assert_int_equal(st->peak_live, 5);
	assert_true(proc_of(m, 104)->exited);
	assert_int_equal(proc_of(m, 104)->exit_code, 0);
	assert_int_equal(proc_of(m, 104)->end_ns, 5 * MS);
	assert_null(model_proc(m, 5));
	assert_int_equal(model_find(m, 999), -1);
	model_free(m);
}

static void test_reparent(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, 101, 101, 102);
	do_exit(m, 3 * MS, 101, ROOT, 0, 0);
	do_exit(m, 4 * MS, 102, 50, 0, 0); /* adopted by the subreaper (forkscope, pid 50) */
	p = proc_of(m, 102);
	assert_true(p->reparented);
	assert_int_equal(p->ppid, 50);
	assert_int_equal(p->ppid_history_len, 2);
	assert_int_equal(p->ppid_history[0], 101);
	assert_int_equal(p->ppid_history[1], 50);
	/* the tree keeps the original parent */
	assert_int_equal(p->parent, model_find(m, 101));
	assert_int_equal(p->starter, 101);
	p = proc_of(m, 101);
	assert_false(p->reparented);
	assert_int_equal(p->ppid_history_len, 1);
	model_free(m);
}

static void test_ppid_history_full(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;
	const char *argv[] = {"/bin/sleep", "1", NULL};

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	for (uint32_t i = 0; i < 6; i++)
		do_exec(m, (2 + i) * MS, 101, 200 + i, "/bin/sleep", argv);
	p = proc_of(m, 101);
	assert_int_equal(p->ppid_history_len, FS_PPID_HISTORY);
	assert_int_equal(p->ppid_history[0], ROOT); /* the original parent stays first */
	assert_int_equal(p->ppid_history[FS_PPID_HISTORY - 1], 205);
	assert_int_equal(p->ppid, 205);
	assert_true(p->reparented);
	model_free(m);
}

static void test_pid_reuse(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_model_stats *st = model_stats(m);
	const struct fs_proc *a, *b;
	int ia, ib;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	ia = model_find(m, 101);
	do_exit(m, 2 * MS, 101, ROOT, 3, 0);
	do_fork(m, 3 * MS, ROOT, ROOT, 101);
	ib = model_find(m, 101);
	assert_int_not_equal(ia, ib);
	a = model_proc(m, (size_t)ia);
	b = model_proc(m, (size_t)ib);
	assert_int_equal(a->generation, 0);
	assert_int_equal(b->generation, 1);
	assert_true(a->exited);
	assert_int_equal(a->exit_code, 3);
	assert_false(a->exit_lost);
	assert_false(b->exited);
	assert_int_equal(b->start_ns, 3 * MS);
	/* both generations are children of the root, in order */
	assert_int_equal(model_proc(m, (size_t)model_root(m))->first_child, ia);
	assert_int_equal(a->next_sibling, ib);
	/* the exit of 101 was lost: the reuse closes the old entry */
	do_fork(m, 4 * MS, 101, 101, 102);
	do_fork(m, 5 * MS, ROOT, ROOT, 102);
	a = proc_of(m, 102);
	assert_int_equal(a->generation, 1);
	assert_int_equal(a->parent, model_root(m));
	b = model_proc(m, (size_t)model_find(m, 102) - 1);
	assert_int_equal(b->pid, 102);
	assert_true(b->exited);
	assert_true(b->exit_lost);
	assert_int_equal(b->exit_code, -1);
	assert_int_equal(b->end_ns, 5 * MS);
	assert_int_equal(st->live, 3); /* root, 101 (gen 1), 102 (gen 1) */
	assert_int_equal(model_count(m), 5);
	model_free(m);
}

static void test_unseen(void **state)
{
	const char *sleep_argv[] = {"/bin/sleep", "5", NULL};
	struct fs_model *m = model_new(ROOT);
	const struct fs_proc *p;

	(void)state;
	assert_int_equal(model_root(m), -1);
	/* the root is first seen by its exec: known start (the launch) */
	do_exec(m, 0, ROOT, 50, "/bin/sleep", sleep_argv);
	p = proc_of(m, ROOT);
	assert_false(p->unseen_start);
	assert_int_equal(p->role, FS_ROLE_MAIN);
	assert_false(p->is_python);
	assert_int_equal(model_root(m), model_find(m, ROOT));
	/* an exec of an unknown child of the root */
	do_exec(m, 1 * MS, 200, ROOT, "/bin/sleep", sleep_argv);
	p = proc_of(m, 200);
	assert_true(p->unseen_start);
	assert_int_equal(p->parent, model_root(m));
	assert_int_equal(p->start_ns, 1 * MS);
	assert_int_equal(p->role, FS_ROLE_OTHER);
	/* an exit of an unknown process whose parent is unknown */
	do_exit(m, 2 * MS, 300, 999, 1, 0);
	p = proc_of(m, 300);
	assert_true(p->unseen_start);
	assert_true(p->exited);
	assert_int_equal(p->exit_code, 1);
	assert_int_equal(p->parent, -1);
	assert_int_equal(p->ppid, 999);
	assert_true(p->is_python); /* by its comm */
	/* a signal to an unknown process */
	do_signal(m, 3 * MS, ROOT, 400, 15);
	p = proc_of(m, 400);
	assert_true(p->unseen_start);
	assert_false(p->exited);
	do_exit(m, 4 * MS, 400, ROOT, 0, 15);
	p = proc_of(m, 400);
	assert_int_equal(p->killed_by, ROOT);
	assert_int_equal(p->kill_sent_ns, 3 * MS);
	assert_int_equal(model_count(m), 4);
	/* the workload is over: who still looks alive (the root, 200) lost its exit */
	assert_int_equal(model_stats(m)->live, 2);
	model_end(m, 9 * MS);
	assert_int_equal(model_stats(m)->live, 0);
	p = proc_of(m, 200);
	assert_true(p->exited);
	assert_true(p->exit_lost);
	assert_int_equal(p->end_ns, 9 * MS);
	assert_false(proc_of(m, 400)->exit_lost); /* its exit was seen */
	model_free(m);
}

static void test_forkserver_children(void **state)
{
	const char *rt_argv[] = {PY, "-c", RT_CODE, NULL};
	struct fs_model *m = model_python_root();
	const struct fs_proc *fs, *c;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_exec(m, 2 * MS, 101, ROOT, PY, rt_argv);
	start_forkserver(m, 3 * MS, 102);
	do_fork(m, 10 * MS, 102, 102, 103);
	do_fork(m, 11 * MS, 102, 102, 104);
	assert_int_equal(proc_of(m, 101)->role, FS_ROLE_RESOURCE_TRACKER);
	assert_string_equal(names_role_machine(FS_ROLE_RESOURCE_TRACKER), "resource_tracker");
	fs = proc_of(m, 102);
	assert_int_equal(fs->role, FS_ROLE_FORKSERVER);
	assert_int_equal(fs->start_method, FS_METHOD_NONE);
	assert_null(names_method(fs->start_method));
	assert_int_equal(fs->starter, ROOT);
	c = proc_of(m, 103);
	assert_int_equal(c->ppid, 102);
	assert_int_equal(c->parent, model_find(m, 102));
	assert_int_equal(c->starter, ROOT);
	assert_int_equal(c->starter_idx, model_root(m));
	assert_int_equal(c->role, FS_ROLE_MP_CHILD);
	assert_int_equal(c->start_method, FS_METHOD_FORKSERVER);
	assert_string_equal(names_method(c->start_method), "forkserver");
	assert_non_null(strstr(c->role_reason, "forkserver"));
	assert_true(c->argv_inherited);
	assert_string_equal(c->argv[4], FS_CODE);
	assert_int_equal(model_stats(m)->by_role[FS_ROLE_FORKSERVER], 1);
	assert_int_equal(model_stats(m)->by_role[FS_ROLE_MP_CHILD], 2);
	model_free(m);
}

static void test_spawn_and_exec_roles(void **state)
{
	const char *ls_argv[] = {"/bin/ls", "-l", NULL};
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	/* before its exec a spawn child looks like a fork child */
	p = proc_of(m, 101);
	assert_int_equal(p->role, FS_ROLE_MP_CHILD);
	assert_int_equal(p->start_method, FS_METHOD_FORK);
	do_exec(m, 2 * MS, 101, ROOT, PY,
		(const char *[]){PY, "-c", SPAWN_CODE, "--multiprocessing-fork", NULL});
	p = proc_of(m, 101);
	assert_int_equal(p->role, FS_ROLE_MP_CHILD);
	assert_int_equal(p->start_method, FS_METHOD_SPAWN);
	assert_non_null(strstr(p->role_reason, "spawn child"));
	assert_false(p->argv_inherited);
	assert_int_equal(p->exec_ns, 2 * MS);
	/* a subprocess: fork then exec of something else */
	do_fork(m, 3 * MS, ROOT, ROOT, 102);
	do_exec(m, 4 * MS, 102, ROOT, "/bin/ls", ls_argv);
	p = proc_of(m, 102);
	assert_int_equal(p->role, FS_ROLE_OTHER);
	assert_int_equal(p->start_method, FS_METHOD_NONE);
	assert_false(p->is_python);
	/* a child of a non-Python process is other */
	do_fork(m, 5 * MS, 102, 102, 103);
	assert_int_equal(proc_of(m, 103)->role, FS_ROLE_OTHER);
	assert_false(proc_of(m, 103)->is_python);
	/* the root exec'ing something else stays main */
	do_exec(m, 6 * MS, ROOT, 50, PY, (const char *[]){PY, "-c", FS_CODE, NULL});
	assert_int_equal(proc_of(m, ROOT)->role, FS_ROLE_MAIN);
	assert_int_equal(model_stats(m)->by_role[FS_ROLE_MP_CHILD], 1);
	assert_int_equal(model_stats(m)->by_role[FS_ROLE_OTHER], 2);
	assert_int_equal(model_stats(m)->by_role[FS_ROLE_FORKSERVER], 0);
	model_free(m);
}

static void test_killed_by(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, ROOT, ROOT, 102);
	do_signal(m, 3 * MS, 102, 101, 15);
	do_signal(m, 4 * MS, ROOT, 101, 15);
	do_signal(m, 5 * MS, 102, 101, 9);
	ev_reset(FS_EV_SIGNAL, 6 * MS); /* ignored by the target: not the killer */
	ev.pid = 77;
	ev.target = 101;
	ev.sig = 15;
	ev.sig_result = 1;
	assert_int_equal(model_apply(m, &ev), 0);
	do_exit(m, 7 * MS, 101, ROOT, 0, 15);
	p = proc_of(m, 101);
	assert_int_equal(p->signal, 15);
	assert_int_equal(p->exit_code, -1);
	assert_int_equal(p->killed_by, ROOT);
	assert_int_equal(p->kill_sent_ns, 4 * MS);
	/* a signal to a process that already exited changes nothing */
	do_signal(m, 8 * MS, 102, 101, 15);
	assert_int_equal(proc_of(m, 101)->killed_by, ROOT);
	assert_int_equal(model_count(m), 3);
	assert_int_equal(model_stats(m)->signals, 5);
	model_free(m);
}

static void test_daemon_kill_yes(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, ROOT, ROOT, 102);
	do_exit(m, 50 * MS, 102, ROOT, 0, 0);
	do_signal(m, 100 * MS, ROOT, 101, 15);
	do_exit(m, 101 * MS, 101, ROOT, -1, 15);
	model_finish(m);
	assert_false(proc_of(m, 101)->daemon_kill); /* the starter has not exited yet */
	do_exit(m, 102 * MS, ROOT, 50, 0, 0);
	model_finish(m);
	assert_true(proc_of(m, 101)->daemon_kill);
	assert_false(proc_of(m, 102)->daemon_kill);
	assert_int_equal(model_stats(m)->daemon_kills, 1);
	model_finish(m); /* idempotent */
	assert_int_equal(model_stats(m)->daemon_kills, 1);
	model_free(m);
}

static void test_daemon_kill_no(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	/* terminated early while its starter goes on starting processes */
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_signal(m, 10 * MS, ROOT, 101, 15);
	do_exit(m, 11 * MS, 101, ROOT, -1, 15);
	do_fork(m, 20 * MS, ROOT, ROOT, 102);
	/* killed by someone else than its starter */
	do_fork(m, 21 * MS, ROOT, ROOT, 103);
	do_signal(m, 30 * MS, 102, 103, 15);
	do_exit(m, 31 * MS, 103, ROOT, -1, 15);
	/* SIGKILL is not a daemon shutdown */
	do_signal(m, 40 * MS, ROOT, 102, 9);
	do_exit(m, 41 * MS, 102, ROOT, -1, 9);
	/* a SIGTERM with no signal event seen: sender unknown */
	do_fork(m, 42 * MS, ROOT, ROOT, 104);
	do_exit(m, 43 * MS, 104, ROOT, -1, 15);
	do_exit(m, 50 * MS, ROOT, 50, 0, 0);
	model_finish(m);
	assert_false(proc_of(m, 101)->daemon_kill);
	assert_false(proc_of(m, 102)->daemon_kill);
	assert_false(proc_of(m, 103)->daemon_kill);
	assert_false(proc_of(m, 104)->daemon_kill);
	assert_int_equal(proc_of(m, 104)->killed_by, 0);
	assert_int_equal(model_stats(m)->daemon_kills, 0);
	model_free(m);
}

static void test_daemon_kill_forkserver(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	start_forkserver(m, 1 * MS, 101);
	do_fork(m, 10 * MS, 101, 101, 102);
	do_fork(m, 11 * MS, 101, 101, 103);
	/* main terminates 102, then asks the forkserver for another child: not a daemon kill */
	do_signal(m, 20 * MS, ROOT, 102, 15);
	do_exit(m, 21 * MS, 102, 101, -1, 15);
	do_fork(m, 30 * MS, 101, 101, 104);
	/* at exit main terminates the daemonic 103 and 104 */
	do_signal(m, 40 * MS, ROOT, 103, 15);
	do_signal(m, 40 * MS, ROOT, 104, 15);
	do_exit(m, 41 * MS, 103, 101, -1, 15);
	do_exit(m, 41 * MS, 104, 101, -1, 15);
	do_exit(m, 42 * MS, ROOT, 50, 0, 0);
	model_finish(m);
	assert_false(proc_of(m, 102)->daemon_kill);
	assert_true(proc_of(m, 103)->daemon_kill);
	assert_true(proc_of(m, 104)->daemon_kill);
	assert_int_equal(proc_of(m, 103)->starter, ROOT);
	assert_int_equal(proc_of(m, 103)->ppid, 101);
	assert_int_equal(model_stats(m)->daemon_kills, 2);
	model_free(m);
}

/* Pool(2, maxtasksperchild) under fork: replacements cloned from the handler thread 150. */
static void test_recycle_fork(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, ROOT, ROOT, 102);
	do_exit(m, 100 * MS, 101, ROOT, 0, 0);
	do_fork(m, 102 * MS, ROOT, 150, 103);
	p = proc_of(m, 103);
	assert_int_equal(p->replaces, 101);
	assert_int_equal(p->slot, 1);
	assert_int_equal(proc_of(m, 101)->slot, 1);
	assert_int_equal(proc_of(m, 101)->replaced_by, 103);
	do_exit(m, 200 * MS, 102, ROOT, 0, 0);
	do_fork(m, 201 * MS, ROOT, 150, 104);
	do_exit(m, 300 * MS, 103, ROOT, 0, 0);
	do_fork(m, 301 * MS, ROOT, 150, 105);
	/* exited 1: a failing worker, not recycled */
	do_exit(m, 400 * MS, 104, ROOT, 1, 0);
	do_fork(m, 401 * MS, ROOT, 150, 106);
	/* too late: more than 1 s after the exit */
	do_exit(m, 500 * MS, 105, ROOT, 0, 0);
	do_fork(m, 1600 * MS, ROOT, 150, 107);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(proc_of(m, 103)->replaces, 101);
		assert_int_equal(proc_of(m, 104)->replaces, 102);
		assert_int_equal(proc_of(m, 104)->slot, 2);
		assert_int_equal(proc_of(m, 102)->slot, 2);
		assert_int_equal(proc_of(m, 105)->replaces, 103);
		assert_int_equal(proc_of(m, 105)->slot, 1);
		assert_int_equal(proc_of(m, 106)->replaces, 0);
		assert_int_equal(proc_of(m, 106)->slot, 0);
		assert_int_equal(proc_of(m, 107)->replaces, 0);
		assert_int_equal(model_stats(m)->recycled, 3);
		model_finish(m); /* the whole-trace pass gives the same answer */
	}
	model_free(m);
}

/* Pool under forkserver: the forkserver forks every worker from its main thread. */
static void test_recycle_forkserver(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	start_forkserver(m, 1 * MS, 101);
	do_fork(m, 10 * MS, 101, 101, 102);
	do_fork(m, 11 * MS, 101, 101, 103);
	do_exit(m, 100 * MS, 102, 101, 0, 0); /* 103 still alive */
	do_fork(m, 103 * MS, 101, 101, 104);
	do_fork(m, 150 * MS, 101, 101, 105);  /* 104 alive, it lived beside 103 */
	do_exit(m, 200 * MS, 103, 101, 0, 0); /* 104 and 105 alive */
	do_fork(m, 201 * MS, 101, 101, 106);
	/* then every worker exits, and two new children follow at once: a new pool or
	 * executor, or replacements? The forkserver forks both alike: no claim */
	do_exit(m, 300 * MS, 104, 101, 0, 0);
	do_exit(m, 300 * MS, 105, 101, 0, 0);
	do_exit(m, 301 * MS, 106, 101, 0, 0);
	do_fork(m, 302 * MS, 101, 101, 107);
	do_fork(m, 303 * MS, 101, 101, 108);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(proc_of(m, 104)->replaces, 102);
		assert_int_equal(proc_of(m, 104)->slot, 1);
		assert_int_equal(proc_of(m, 104)->start_method, FS_METHOD_FORKSERVER);
		/* 105 started while 103, a worker beside 102, still ran: but 102 is taken;
		 * it is no replacement (nothing else exited before it) */
		assert_int_equal(proc_of(m, 105)->replaces, 0);
		/* 106 follows 103's exit while 104 and 105 run: a replacement */
		assert_int_equal(proc_of(m, 106)->replaces, 103);
		assert_int_equal(proc_of(m, 106)->slot, 2);
		assert_int_equal(proc_of(m, 103)->replaced_by, 106);
		/* with no worker left running, 107 and 108 are not claimed */
		assert_int_equal(proc_of(m, 107)->replaces, 0);
		assert_int_equal(proc_of(m, 108)->replaces, 0);
		assert_int_equal(model_stats(m)->recycled, 2);
		model_finish(m);
	}
	model_free(m);
}

/* Sequential Process().start() after join() from the main thread is not recycling. */
static void test_sequential_not_recycling(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_exit(m, 10 * MS, 101, ROOT, 0, 0);
	do_fork(m, 11 * MS, ROOT, ROOT, 102);
	start_spawn(m, 20 * MS, ROOT, 103);
	do_exit(m, 30 * MS, 103, ROOT, 0, 0);
	start_spawn(m, 31 * MS, ROOT, 104);
	model_finish(m);
	assert_int_equal(proc_of(m, 102)->replaces, 0);
	assert_int_equal(proc_of(m, 104)->replaces, 0);
	assert_int_equal(proc_of(m, 101)->slot, 0);
	assert_int_equal(model_stats(m)->recycled, 0);
	model_free(m);
}

/* spawn replacements get their role at exec; a thread's subprocess gives its claim back. */
static void test_recycle_spawn(void **state)
{
	const char *true_argv[] = {"/bin/true", NULL};
	struct fs_model *m = model_python_root();

	(void)state;
	start_spawn(m, 1 * MS, ROOT, 101);
	start_spawn(m, 2 * MS, ROOT, 102);
	do_exit(m, 100 * MS, 101, ROOT, 0, 0);
	/* a subprocess from another thread: provisional fork child until its exec */
	do_fork(m, 101 * MS, ROOT, 160, 103);
	assert_int_equal(proc_of(m, 103)->replaces, 101);
	do_exec(m, 101 * MS + 1000, 103, ROOT, "/bin/true", true_argv);
	assert_int_equal(proc_of(m, 103)->replaces, 0);
	assert_int_equal(proc_of(m, 103)->slot, 0);
	assert_int_equal(proc_of(m, 101)->replaced_by, 0);
	assert_int_equal(proc_of(m, 101)->slot, 0);
	assert_int_equal(model_stats(m)->recycled, 0);
	start_spawn(m, 102 * MS, 150, 104);
	assert_int_equal(proc_of(m, 104)->replaces, 101);
	assert_int_equal(proc_of(m, 104)->start_method, FS_METHOD_SPAWN);
	assert_int_equal(proc_of(m, 104)->slot, 1);
	assert_int_equal(model_stats(m)->recycled, 1);
	model_finish(m);
	assert_int_equal(proc_of(m, 104)->replaces, 101);
	assert_int_equal(proc_of(m, 104)->slot, 1);
	assert_int_equal(proc_of(m, 103)->replaces, 0);
	assert_int_equal(model_stats(m)->recycled, 1);
	model_free(m);
}

/* Malformed events never crash and change nothing they should not. */
static void test_bad_input(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	assert_int_equal(model_apply(NULL, &ev), -1);
	assert_int_equal(model_apply(m, NULL), -1);
	ev_reset(99, 1);
	assert_int_equal(model_apply(m, &ev), 0);
	do_fork(m, 1 * MS, ROOT, ROOT, 0);    /* pid 0 */
	do_fork(m, 1 * MS, ROOT, ROOT, ROOT); /* a thread, not a process */
	do_signal(m, 1 * MS, ROOT, ROOT, 0);
	do_signal(m, 1 * MS, ROOT, ROOT, 999);
	assert_int_equal(model_count(m), 1);
	/* argv without a final NUL, fields without NULs, a length beyond the buffer */
	do_fork(m, 2 * MS, ROOT, ROOT, 101);
	ev_reset(FS_EV_EXEC, 3 * MS);
	ev.pid = 101;
	ev.ppid = ROOT;
	memset(ev.filename, 'f', sizeof(ev.filename));
	memset(ev.comm, 'c', sizeof(ev.comm));
	memcpy(ev.args, "a\0bc", 4);
	ev.args_len = 4;
	assert_int_equal(model_apply(m, &ev), 0);
	p = proc_of(m, 101);
	assert_int_equal(p->argc, 2);
	assert_string_equal(p->argv[1], "bc");
	assert_int_equal(strlen(p->filename), FS_FILENAME_LEN);
	assert_int_equal(strlen(p->comm), FS_COMM_LEN - 1);
	memset(ev.args, 'x', sizeof(ev.args));
	ev.args_len = 100000;
	assert_int_equal(model_apply(m, &ev), 0);
	p = proc_of(m, 101);
	assert_int_equal(p->argc, 1);
	assert_int_equal(strlen(p->argv[0]), FS_ARGS_LEN);
	assert_true(p->argv_truncated);
	ev.args_len = 0;
	assert_int_equal(model_apply(m, &ev), 0);
	p = proc_of(m, 101);
	assert_int_equal(p->argc, 0);
	assert_null(p->argv[0]);
	assert_string_equal(names_role_machine((enum fs_role)42), "other");
	assert_null(names_method(FS_METHOD_NONE));
	model_finish(NULL);
	model_set_lost(m, 7);
	assert_int_equal(model_stats(m)->lost, 7);
	model_free(m);
	model_free(NULL);
}

/* Many processes: the table and the PID hash grow, lookups stay right. */
static void test_scale(void **state)
{
	struct fs_model *m = model_python_root();
	const uint32_t n = 200000;
	size_t sum = 0;

	(void)state;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pid = 1000 + i % 30000; /* PIDs wrap around: reuse */

		do_fork(m, (i + 1) * 1000ull, ROOT, ROOT, pid);
		do_exit(m, (i + 1) * 1000ull + 500, pid, ROOT, 0, 0);
	}
	model_finish(m);
	assert_int_equal(model_count(m), n + 1);
	assert_int_equal(proc_of(m, 1000)->generation, (n - 1) / 30000);
	assert_int_equal(model_stats(m)->live, 1);
	assert_int_equal(model_stats(m)->peak_live, 2);
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		sum += model_stats(m)->by_role[r];
	assert_int_equal(sum, n + 1);
	model_free(m);
}

/* ---------------------------------------------------------------- tombstone retirement */

/* The table is consistent: sorted serials, child lists both ways, links in range, and
 * every live process is the newest entry of its PID. Returns the exited count. */
static size_t check_table(const struct fs_model *m)
{
	size_t n = model_count(m), linked = 0, listed = 0, exited = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(m, i);
		int prev = -1, c;

		if (i > 0)
			assert_true(p->serial > model_proc(m, i - 1)->serial);
		assert_int_equal(model_find_serial(m, p->serial), (int)i);
		assert_true(p->parent >= -1 && p->parent < (int)n);
		assert_true(p->starter_idx >= -1 && p->starter_idx < (int)n);
		assert_true(p->replaces_idx >= -1 && p->replaces_idx < (int)n);
		if (p->replaces_idx >= 0)
			assert_int_equal(model_proc(m, (size_t)p->replaces_idx)->pid, p->replaces);
		linked += p->parent >= 0;
		exited += p->exited;
		if (!p->exited)
			assert_int_equal(model_find(m, p->pid), (int)i);
		for (c = p->first_child; c >= 0; c = model_proc(m, (size_t)c)->next_sibling) {
			assert_true(c < (int)n);
			assert_int_equal(model_proc(m, (size_t)c)->parent, (int)i);
			assert_int_equal(model_proc(m, (size_t)c)->prev_sibling, prev);
			prev = c;
			listed++;
		}
		assert_int_equal(p->last_child, prev);
	}
	assert_int_equal(linked, listed);
	return exited;
}

/* The kept process p of a retired model matches the same process (by serial) of a model
 * that kept everything. */
static void assert_same_proc(const struct fs_model *m, const struct fs_proc *p,
			     const struct fs_model *full, bool recycling)
{
	int j = model_find_serial(full, p->serial);
	const struct fs_proc *q;

	assert_true(j >= 0);
	q = model_proc(full, (size_t)j);
	assert_int_equal(p->pid, q->pid);
	assert_int_equal(p->role, q->role);
	assert_int_equal(p->start_method, q->start_method);
	assert_int_equal(p->start_ns, q->start_ns);
	assert_int_equal(p->exited, q->exited);
	assert_int_equal(p->end_ns, q->end_ns);
	assert_int_equal(p->exit_code, q->exit_code);
	assert_int_equal(p->signal, q->signal);
	assert_int_equal(p->killed_by, q->killed_by);
	assert_int_equal(p->daemon_kill, q->daemon_kill);
	assert_int_equal(p->unseen_start, q->unseen_start);
	if (recycling) {
		assert_int_equal(p->replaces, q->replaces);
		assert_int_equal(p->replaced_by, q->replaced_by);
		assert_int_equal(p->slot, q->slot);
	}
	assert_int_equal(p->ppid, q->ppid);
	assert_int_equal(p->argc, q->argc);
	if (p->parent >= 0)
		assert_int_equal(model_proc(m, (size_t)p->parent)->serial,
				 model_proc(full, (size_t)q->parent)->serial);
	else
		assert_int_equal(q->parent, -1); /* a parent is never retired before its child */
	if (p->starter_idx >= 0)
		assert_int_equal(model_proc(m, (size_t)p->starter_idx)->serial,
				 model_proc(full, (size_t)q->starter_idx)->serial);
}

/* Short-lived children of ROOT from t on: each lives 1 ms; PIDs from pid0, wrapping. */
static uint64_t churn(struct fs_model *m, uint64_t t, uint32_t parent, uint32_t pid0, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t pid = pid0 + (uint32_t)(i % 2000);

		do_fork(m, t, parent, parent, pid);
		do_exit(m, t + MS / 2, pid, parent, 0, 0);
		t += MS;
	}
	return t;
}

static void test_retire_limit(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_model_stats *st = model_stats(m);
	size_t sum = 0;
	uint64_t t;

	(void)state;
	model_set_tombstone_limit(m, 100);
	do_fork(m, 1 * MS, ROOT, ROOT, 101); /* lives throughout */
	t = churn(m, 2 * MS, ROOT, 1000, 1000);
	assert_true(check_table(m) <= 100);
	assert_true(model_count(m) <= 100 + st->live);
	assert_true(model_count(m) >= 100 - 100 / 8 + st->live);
	assert_int_equal(st->retired, 1000 + 2 - model_count(m));
	/* the live ones and the newest exits stay; the oldest are gone */
	assert_false(proc_of(m, 101)->exited);
	assert_false(proc_of(m, ROOT)->exited);
	for (uint32_t pid = 1000 + 999 - 50; pid <= 1999; pid++)
		assert_true(proc_of(m, pid)->exited);
	assert_int_equal(model_find(m, 1000), -1);
	/* stats count every process, retired or not */
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		sum += st->by_role[r];
	assert_int_equal(sum, 1000 + 2);
	assert_int_equal(st->by_role[FS_ROLE_MP_CHILD], 1001);
	assert_int_equal(st->exits, 1000);
	assert_int_equal(st->forks, 1001);
	assert_int_equal(st->live, 2);
	assert_int_equal(st->peak_live, 3);
	/* no limit: nothing more goes */
	model_set_tombstone_limit(m, 0);
	churn(m, t, ROOT, 3000, 300);
	assert_int_equal(check_table(m), model_count(m) - 2);
	assert_true(model_count(m) > 300);
	model_free(m);
}

/* A process with kept children stays, however old its exit. */
static void test_retire_keeps_parents(void **state)
{
	struct fs_model *m = model_python_root();
	uint64_t t;

	(void)state;
	model_set_tombstone_limit(m, 10);
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_fork(m, 2 * MS, 101, 101, 102); /* 102 outlives 101 */
	do_fork(m, 3 * MS, 102, 102, 103);
	do_exit(m, 4 * MS, 103, 102, 0, 0); /* an exited grandchild of 101 */
	do_fork(m, 5 * MS, 101, 101, 104);
	do_exit(m, 6 * MS, 104, 101, 0, 0);
	do_exit(m, 7 * MS, 101, ROOT, 0, 0);
	t = churn(m, 10 * MS, ROOT, 1000, 200);
	check_table(m);
	assert_int_equal(model_find(m, 103), -1); /* old leaves go */
	assert_int_equal(model_find(m, 104), -1);
	assert_true(proc_of(m, 101)->exited); /* the old parent of a live process stays */
	assert_int_equal(proc_of(m, 102)->parent, model_find(m, 101));
	assert_int_equal(proc_of(m, 101)->first_child, model_find(m, 102));
	assert_int_equal(proc_of(m, 101)->last_child, model_find(m, 102));
	/* once its last child is gone, it goes too (child first, then the older parent) */
	do_exit(m, t, 102, ROOT, 0, 0);
	churn(m, t + MS, ROOT, 3000, 200);
	check_table(m);
	assert_int_equal(model_find(m, 102), -1);
	assert_int_equal(model_find(m, 101), -1);
	assert_int_equal(model_stats(m)->retired, 200 + 200 + 4 - (model_count(m) - 1));
	model_free(m);
}

/* A PID used again after its entries were retired, a lost fork of a retired PID, signals. */
static void test_retire_pid_reuse(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;
	uint64_t t;

	(void)state;
	model_set_tombstone_limit(m, 16);
	do_fork(m, 1 * MS, ROOT, ROOT, 500);
	do_exit(m, 2 * MS, 500, ROOT, 7, 0);
	do_fork(m, 3 * MS, ROOT, ROOT, 501);
	do_exit(m, 4 * MS, 501, ROOT, 0, 0);
	t = churn(m, 5 * MS, ROOT, 1000, 100);
	assert_int_equal(model_find(m, 500), -1);
	assert_int_equal(model_find(m, 501), -1);
	/* 500 forked again: a new live entry under the root */
	do_fork(m, t, ROOT, ROOT, 500);
	p = proc_of(m, 500);
	assert_false(p->exited);
	assert_false(p->unseen_start);
	assert_int_equal(p->parent, model_root(m));
	assert_int_equal(p->start_ns, t);
	/* 501 exits with its fork lost: seen without its start, kept in the tree */
	do_signal(m, t + MS, ROOT, 501, 15);
	do_exit(m, t + 2 * MS, 501, ROOT, -1, 15);
	p = proc_of(m, 501);
	assert_true(p->unseen_start);
	assert_true(p->exited);
	assert_int_equal(p->killed_by, ROOT);
	assert_int_equal(p->parent, model_root(m));
	/* a PID reused while its old entry is still kept: a new generation */
	do_fork(m, t + 3 * MS, ROOT, ROOT, 501);
	assert_int_equal(proc_of(m, 501)->generation, 1);
	check_table(m);
	model_free(m);
}

/* One run with every kind of process: Pool recycling, forkserver children, daemons killed
 * at the main process's exit, a churning helper, lost forks, PID reuse. */
static void scenario_mixed(struct fs_model *m, bool finish_midway)
{
	uint64_t t = 1 * MS;
	uint32_t workers[4];
	uint32_t next = 2000;

	start_forkserver(m, t, 101);
	do_fork(m, 2 * MS, ROOT, ROOT, 110); /* the churning helper */
	for (uint32_t d = 0; d < 5; d++)
		do_fork(m, 3 * MS + d, ROOT, ROOT, 120 + d); /* daemons */
	for (int k = 0; k < 4; k++) {
		workers[k] = next++;
		do_fork(m, 4 * MS + (uint64_t)k, ROOT, ROOT, workers[k]);
	}
	t = 10 * MS;
	for (int round = 0; round < 150; round++) {
		for (int k = 0; k < 4; k++) {
			/* a worker retires; the handler thread forks its replacement */
			do_exit(m, t, workers[k], ROOT, 0, 0);
			workers[k] = 2000 + (next++ - 2000) % 3000;
			do_fork(m, t + MS / 4, ROOT, 150, workers[k]);
			t += MS;
		}
		/* forkserver children: one terminated by main, which then starts more */
		do_fork(m, t, 101, 101, 6000 + (uint32_t)round % 500);
		if (round % 3 == 0) {
			do_signal(m, t + MS / 8, ROOT, 6000 + (uint32_t)round % 500, 15);
			do_exit(m, t + MS / 4, 6000 + (uint32_t)round % 500, 101, -1, 15);
		} else {
			do_exit(m, t + MS / 4, 6000 + (uint32_t)round % 500, 101, 0, 0);
		}
		t = churn(m, t + MS, 110, 7000, 5);
		if (round == 20) {
			do_exit(m, t, 9000 + (uint32_t)round, 110, 0, 0); /* fork lost */
			do_exec(m, t, 9500, 110, PY, (const char *[]){PY, "x.py", NULL});
			do_exit(m, t + MS, 9500, 110, 0, 0);
		}
		if (finish_midway && round == 75)
			model_finish(m);
	}
	for (int k = 0; k < 4; k++)
		do_exit(m, t + (uint64_t)k, workers[k], ROOT, 0, 0);
	/* main terminates its daemons, which exit; the helper churns on */
	t += 10 * MS;
	for (uint32_t d = 0; d < 5; d++) {
		do_signal(m, t, ROOT, 120 + d, 15);
		do_exit(m, t + MS, 120 + d, ROOT, -1, 15);
	}
	t = churn(m, t + 2 * MS, 110, 7000, 100);
	do_exit(m, t, ROOT, 50, 0, 0);
	t = churn(m, t + MS, 110, 7000, 100);
	do_exit(m, t, 110, 1, 0, 0);
	do_exit(m, t + MS, 101, 1, 0, 0);
}

/* Stats and analyses of a retired run match those of a run that kept everything. Pool
 * recycling matches exactly while a worker's exit is among the kept ones when its
 * replacement starts (limits 40 and up here); below that, fewer may be found. The
 * forkserver's one-at-a-time children are no replacements (no pool runs beside them). */
static void test_retire_analyses(void **state)
{
	size_t limits[] = {300, 150, 40, 8, 1};

	(void)state;
	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		struct fs_model *full = model_python_root(), *m = model_python_root();
		const struct fs_model_stats *a, *b;

		model_set_tombstone_limit(m, limits[l]);
		scenario_mixed(full, true);
		scenario_mixed(m, true);
		model_finish(full);
		model_finish(m);
		model_finish(m); /* idempotent */
		a = model_stats(m);
		b = model_stats(full);
		assert_true(a->retired > 0);
		assert_int_equal(b->retired, 0);
		assert_int_equal(model_count(m) + a->retired, model_count(full));
		assert_true(check_table(m) <= limits[l] + 1); /* + the root */
		assert_int_equal(b->daemon_kills, 5);
		assert_int_equal(a->daemon_kills, b->daemon_kills);
		assert_true(b->recycled >= 600);
		if (limits[l] >= 40)
			assert_int_equal(a->recycled, b->recycled);
		else
			assert_true(a->recycled <= b->recycled && a->recycled >= 500);
		assert_int_equal(a->events, b->events);
		assert_int_equal(a->exits, b->exits);
		assert_int_equal(a->live, b->live);
		assert_int_equal(a->peak_live, b->peak_live);
		for (int r = 0; r < FS_ROLE_COUNT; r++)
			assert_int_equal(a->by_role[r], b->by_role[r]);
		for (size_t i = 0; i < model_count(m); i++)
			assert_same_proc(m, model_proc(m, i), full, limits[l] >= 40);
		model_free(full);
		model_free(m);
	}
}

/* A million short-lived processes: the table stays within the limit plus the live ones. */
static void test_retire_million(void **state)
{
	struct fs_model *m = model_python_root();
	const struct fs_model_stats *st = model_stats(m);
	const uint32_t n = 1000000, width = 8;
	size_t most = 0;
	uint64_t t = MS;

	(void)state;
	model_set_tombstone_limit(m, 10000);
	start_forkserver(m, t, 101);
	/* `width` workers alive at a time, PIDs wrapping at 32768 like the kernel's */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pid = 300 + i % 32000;

		do_fork(m, t + i * 1000ull, 101, 101, pid);
		if (i >= width) {
			uint32_t old = 300 + (i - width) % 32000;

			do_exit(m, t + i * 1000ull + 500, old, 101, 0, 0);
		}
		if (model_count(m) > most)
			most = model_count(m);
		if (i % 65536 == 0)
			assert_true(model_count(m) <= 10000 + st->live);
	}
	assert_true(most <= 10000 + width + 3); /* root, forkserver, workers */
	assert_int_equal(st->by_role[FS_ROLE_MP_CHILD], n);
	assert_int_equal(st->retired, n - width - (model_count(m) - st->live));
	model_finish(m);
	assert_true(check_table(m) <= 10000);
	model_free(m);
}

/* A process first seen by a signal joins the tree when a later event names its parent. */
static void test_unseen_adopt(void **state)
{
	const char *argv[] = {"/bin/true", NULL};
	struct fs_model *m = model_python_root();
	const struct fs_proc *p;

	(void)state;
	do_signal(m, 1 * MS, ROOT, 700, 10);
	assert_int_equal(proc_of(m, 700)->parent, -1);
	do_fork(m, 2 * MS, 700, 700, 701);
	/* its exec names its own child as parent: never a cycle */
	do_exec(m, 3 * MS, 700, 701, "/bin/true", argv);
	p = proc_of(m, 700);
	assert_int_equal(p->parent, -1);
	assert_int_equal(proc_of(m, 701)->parent, model_find(m, 700));
	/* its exit names the root: adopted, with the mark kept */
	do_exit(m, 4 * MS, 700, ROOT, 0, 0);
	p = proc_of(m, 700);
	assert_int_equal(p->parent, model_root(m));
	assert_true(p->unseen_start);
	assert_int_equal(p->starter, ROOT);
	assert_int_equal(model_proc(m, (size_t)model_root(m))->last_child, model_find(m, 700));
	check_table(m);
	model_free(m);
}

/* A copy goes on independently of its original and ends as a model that saw it all. */
static void test_clone(void **state)
{
	struct fs_model *a = model_python_root(), *b = model_python_root(), *c;
	uint64_t t;

	(void)state;
	model_set_tombstone_limit(a, 40);
	model_set_tombstone_limit(b, 40);
	do_signal(a, 1 * MS, 77, ROOT, 10); /* a signal record to copy */
	do_signal(b, 1 * MS, 77, ROOT, 10);
	churn(a, 2 * MS, ROOT, 1000, 200);
	t = churn(b, 2 * MS, ROOT, 1000, 200);
	c = model_clone(a);
	assert_non_null(c);
	assert_int_equal(model_count(c), model_count(a));
	do_fork(a, t, ROOT, ROOT, 30000); /* the original only */
	assert_int_equal(model_count(c) + 1, model_count(a));
	assert_int_equal(model_find(c, 30000), -1);
	model_free(a); /* first: the exec strings are shared */
	churn(c, t, ROOT, 3000, 100);
	churn(b, t, ROOT, 3000, 100);
	do_exit(c, t + 1000 * MS, ROOT, 1, -1, 10);
	do_exit(b, t + 1000 * MS, ROOT, 1, -1, 10);
	model_finish(c);
	model_finish(b);
	check_table(c);
	assert_int_equal(model_count(c), model_count(b));
	assert_int_equal(model_stats(c)->retired, model_stats(b)->retired);
	assert_int_equal(proc_of(c, ROOT)->killed_by, 77);
	assert_string_equal(proc_of(c, ROOT)->argv[1], "main.py");
	for (size_t i = 0; i < model_count(c); i++)
		assert_same_proc(c, model_proc(c, i), b, true);
	model_free(c);
	model_free(b);
	assert_null(model_clone(NULL));
}

/* A thread event (created, ended) or a run of tid of process pid. */
static void do_thread(struct fs_model *m, uint32_t type, uint64_t t, uint32_t pid, uint32_t tid,
		      uint32_t creator)
{
	ev_reset(type, t);
	ev.pid = pid;
	ev.tid = tid;
	ev.target = creator;
	assert_int_equal(model_apply(m, &ev), 0);
}

static void do_run(struct fs_model *m, uint64_t t, uint64_t end, uint32_t pid, uint32_t tid,
		   uint64_t cpu_ns)
{
	ev_reset(FS_EV_RUN, t);
	ev.pid = pid;
	ev.tid = tid;
	ev.end_ns = end;
	ev.cpu_ns = cpu_ns;
	ev.switches = 1;
	assert_int_equal(model_apply(m, &ev), 0);
}

/* Threads and their CPU time: created, run, ended; the rest end with their process. */
static void test_threads(void **state)
{
	struct fs_model *m = model_python_root(), *c;
	const struct fs_proc *p;
	const struct fs_thread *t;

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	do_thread(m, FS_EV_THREAD, 2 * MS, 101, 102, 101);
	do_thread(m, FS_EV_THREAD, 3 * MS, 101, 103, 101);
	do_run(m, 2 * MS, 7 * MS, 101, 102, 5 * MS);
	do_run(m, 7 * MS, 12 * MS, 101, 103, 4 * MS);
	do_run(m, 12 * MS, 13 * MS, 101, 101, 1 * MS); /* the main thread: its entry now */
	do_thread(m, FS_EV_THREAD_EXIT, 14 * MS, 101, 102, 0);
	do_run(m, 1 * MS, 2 * MS, 999, 999, MS); /* of no process in the table: nothing */
	p = proc_of(m, 101);
	assert_true(p->cpu_ns == 10 * MS);
	assert_int_equal(p->nthreads, 3);
	assert_int_equal(p->runs, 3);
	t = model_thread(m, (size_t)p->first_thread);
	assert_int_equal(t->tid, 102);
	assert_int_equal(t->creator_tid, 101);
	assert_true(t->exited && t->end_ns == 14 * MS && t->cpu_ns == 5 * MS);
	t = model_thread(m, (size_t)t->next);
	assert_int_equal(t->tid, 103);
	assert_false(t->exited);
	t = model_thread(m, (size_t)t->next);
	assert_int_equal(t->tid, 101);
	assert_true(t->start_ns == 1 * MS); /* the main thread lives from the fork */
	assert_int_equal(t->next, -1);
	c = model_clone(m);
	assert_non_null(c);
	assert_true(model_digest(c) == model_digest(m));
	do_exit(m, 20 * MS, 101, ROOT, 0, 0);
	for (size_t i = 0; i < model_thread_count(m); i++)
		assert_true(model_thread(m, i)->exited && model_thread(m, i)->end_ns <= 20 * MS);
	assert_true(model_digest(c) != model_digest(m)); /* the clone went on its own */
	assert_int_equal(model_stats(m)->threads, 2);
	model_free(c);
	model_free(m);
}

/* Retirement takes a retired process's threads with it; the kept ones stay linked. */
static void test_threads_retired(void **state)
{
	struct fs_model *m = model_python_root();
	uint64_t t = 1 * MS;

	(void)state;
	model_set_tombstone_limit(m, 8);
	do_fork(m, t, ROOT, ROOT, 500); /* lives throughout, with a thread */
	do_thread(m, FS_EV_THREAD, t, 500, 501, 500);
	for (uint32_t k = 0; k < 40; k++) {
		uint32_t pid = 1000 + k * 2;

		do_fork(m, t, ROOT, ROOT, pid);
		do_thread(m, FS_EV_THREAD, t + 1, pid, pid + 1, pid);
		do_run(m, t + 1, t + 2, pid, pid + 1, 1);
		do_exit(m, t + 3, pid, ROOT, 0, 0);
		t += MS;
	}
	do_run(m, t, t + 5, 500, 501, 5);
	assert_true(model_stats(m)->retired > 0);
	for (size_t i = 0; i < model_thread_count(m); i++) {
		const struct fs_thread *th = model_thread(m, i);
		const struct fs_proc *p = model_proc(m, (size_t)th->proc);

		assert_non_null(p);
		assert_true(th->tid == p->pid || th->tid == p->pid + 1);
	}
	assert_true(proc_of(m, 500)->cpu_ns == 5);
	assert_int_equal(model_thread(m, (size_t)proc_of(m, 500)->first_thread)->tid, 501);
	model_free(m);
}

/* A vfork child of Python (subprocess, posix_spawn) is no multiprocessing child, even when
 * its exec fails and it exits 255 without ever exec'ing; a plain fork is. */
static void test_vfork_child_is_not_mp_child(void **state)
{
	struct fs_model *m = model_python_root();

	(void)state;
	ev_reset(FS_EV_FORK, 10);
	ev.pid = 201;
	ev.ppid = ROOT;
	ev.tid = ROOT;
	ev.parent_threads = 1;
	ev.clone_flags = FS_CLONE_VM | FS_CLONE_VFORK | 17;
	strcpy(ev.comm, "python3");
	assert_int_equal(model_apply(m, &ev), 0);
	do_exit(m, 20, 201, ROOT, 255, 0);
	assert_int_equal(proc_of(m, 201)->role, FS_ROLE_OTHER);
	assert_non_null(strstr(proc_of(m, 201)->role_reason, "vfork"));
	assert_true(proc_of(m, 201)->clone_flags & FS_CLONE_VFORK);
	do_fork(m, 30, ROOT, ROOT, 202); /* plain fork: clone flags without CLONE_VM */
	assert_int_equal(proc_of(m, 202)->role, FS_ROLE_MP_CHILD);
	assert_int_equal(proc_of(m, 202)->start_method, FS_METHOD_FORK);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vfork_child_is_not_mp_child),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_threads_retired),
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_reparent),
	    cmocka_unit_test(test_ppid_history_full),
	    cmocka_unit_test(test_pid_reuse),
	    cmocka_unit_test(test_unseen),
	    cmocka_unit_test(test_forkserver_children),
	    cmocka_unit_test(test_spawn_and_exec_roles),
	    cmocka_unit_test(test_killed_by),
	    cmocka_unit_test(test_daemon_kill_yes),
	    cmocka_unit_test(test_daemon_kill_no),
	    cmocka_unit_test(test_daemon_kill_forkserver),
	    cmocka_unit_test(test_recycle_fork),
	    cmocka_unit_test(test_recycle_forkserver),
	    cmocka_unit_test(test_sequential_not_recycling),
	    cmocka_unit_test(test_recycle_spawn),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_scale),
	    cmocka_unit_test(test_unseen_adopt),
	    cmocka_unit_test(test_retire_limit),
	    cmocka_unit_test(test_retire_keeps_parents),
	    cmocka_unit_test(test_retire_pid_reuse),
	    cmocka_unit_test(test_retire_analyses),
	    cmocka_unit_test(test_retire_million),
	    cmocka_unit_test(test_clone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
