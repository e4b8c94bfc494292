/* Unit tests for Python's facts in the model (src/model/pyfacts.c, pyanalysis.c, the
 * recycling and daemon-kill parts of analysis.c), the tree's Python fields and the
 * header's clock base, from synthetic events and channel records. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "base/names.h"
#include "model/channel.h"
#include "model/model.h"
#include "model/python.h"
#include "output/format.h"
#include "output/tree_print.h"
#include "record/record.h"
#include "record/replay.h"
#include "unit_events.h"

#define MS 1000000ull
#define ROOT 100
#define BASE 7000000000000ull /* CLOCK_MONOTONIC at t_ns = 0 */
#define PY "/usr/bin/python3"
#define FS_CODE "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})"
#define SPAWN_CODE                                                                                 \
	"from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)"

/* pid writes one record: the magic, then the facts (one per line) of fmt. */
static void chan(struct fs_model *m, uint64_t t, uint32_t pid, const char *fmt, ...)
{
	va_list ap;
	int n;

	ev_reset(FS_EV_CHANNEL, t);
	ev.pid = pid;
	ev.tid = pid;
	memcpy(ev.args, FS_CHANNEL_MAGIC, 5);
	va_start(ap, fmt);
	n = vsnprintf(ev.args + 5, FS_CHANNEL_MAX - 5, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && n < (int)FS_CHANNEL_MAX - 5);
	ev.args_len = 5 + (uint32_t)n;
	assert_int_equal(model_apply(m, &ev), 0);
}

/* A monotonic time: t on the trace's clock. */
static unsigned long long mono(uint64_t t)
{
	return (unsigned long long)(BASE + t);
}

static const struct fs_proc *proc_of(const struct fs_model *m, uint32_t pid)
{
	int idx = model_find(m, pid);

	assert_true(idx >= 0);
	return model_proc(m, (size_t)idx);
}

/* A model of `python3 main.py` (with the clock base) whose hook said hello at 2 ms. */
static struct fs_model *model_py(void)
{
	const char *argv[] = {PY, "main.py", NULL};
	struct fs_model *m = model_new(ROOT);

	assert_non_null(m);
	model_set_clock_base(m, BASE);
	do_fork(m, 0, 50, 50, ROOT);
	do_exec(m, 1 * MS, ROOT, 50, PY, argv);
	chan(m, 3 * MS, ROOT, "{\"fact\":\"hello\",\"py_version\":\"3.11.2\",\"mono_ns\":%llu}",
	     mono(2 * MS));
	return m;
}

/* child says it is a multiprocessing process of that kind (and pool) at t */
static void told_process(struct fs_model *m, uint64_t t, uint32_t pid, const char *name,
			 const char *kind, int pool, bool daemon)
{
	char pool_field[32] = "";

	if (pool)
		snprintf(pool_field, sizeof(pool_field), ",\"pool\":%d", pool);
	chan(m, t, pid,
	     "{\"fact\":\"process\",\"name\":\"%s\",\"daemon\":%s,\"target\":\"__main__.f\","
	     "\"kind\":\"%s\",\"method\":\"fork\"%s,\"mono_ns\":%llu}\n"
	     "{\"fact\":\"ready\",\"mono_ns\":%llu}",
	     name, daemon ? "true" : "false", kind, pool_field, mono(t - MS / 2), mono(t - MS / 4));
}

/* worker pid tells n tasks of job 0 from index first, at t */
static void told_tasks(struct fs_model *m, uint64_t t, uint32_t pid, int first, int n, int items)
{
	char rec[FS_CHANNEL_MAX];
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(
		    rec + len, sizeof(rec) - len,
		    "{\"fact\":\"task\",\"index\":%d,\"items\":%d,\"start_ns\":%llu,"
		    "\"end_ns\":%llu,\"job\":0}\n",
		    first + i, items, mono(t - MS + (uint64_t)i * 10),
		    mono(t - MS + (uint64_t)i * 10 + 5));
	chan(m, t, pid, "%s", rec);
}

/* ---------------------------------------------------------------- hello and the clock */

static void test_hello_and_clock(void **state)
{
	struct fs_model *m = model_py(), *bare;
	const struct fs_proc *r = proc_of(m, ROOT);
	uint64_t fallbacks;

	(void)state;
	assert_string_equal(r->py.version, "3.11.2");
	assert_int_equal(r->py.hook, FS_PY_HOOK_SPOKE);
	assert_int_equal(r->py.hello_ns, 2 * MS); /* its own time, not the write's (3 ms) */
	assert_int_equal(model_py_stats(m)->clock_fallbacks, 0);
	assert_int_equal(model_py_stats(m)->hellos, 1);
	/* outside [the writer's start, the write]: the write's time */
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	chan(m, 12 * MS, 101, "{\"fact\":\"ready\",\"mono_ns\":%llu}", mono(9 * MS));
	assert_int_equal(proc_of(m, 101)->py.ready_ns, 12 * MS);
	chan(m, 14 * MS, 101, "{\"fact\":\"end\",\"mono_ns\":%llu}", mono(15 * MS));
	assert_int_equal(proc_of(m, 101)->py.end_ns, 14 * MS);
	fallbacks = model_py_stats(m)->clock_fallbacks;
	assert_int_equal(fallbacks, 2);
	/* before the base, not a number, missing */
	do_fork(m, 20 * MS, ROOT, ROOT, 102);
	chan(m, 21 * MS, 102, "{\"fact\":\"ready\",\"mono_ns\":5}");
	chan(m, 22 * MS, 102, "{\"fact\":\"end\",\"mono_ns\":\"soon\"}");
	chan(m, 23 * MS, 102, "{\"fact\":\"exit_cleanup\"}");
	assert_int_equal(proc_of(m, 102)->py.ready_ns, 21 * MS);
	assert_int_equal(proc_of(m, 102)->py.end_ns, 22 * MS);
	assert_int_equal(proc_of(m, 102)->py.exit_cleanup_ns, 23 * MS);
	assert_int_equal(model_py_stats(m)->clock_fallbacks, fallbacks + 3);
	/* within range but at its very bounds: kept */
	chan(m, 24 * MS, 101, "{\"fact\":\"exit_cleanup\",\"mono_ns\":%llu}", mono(10 * MS));
	assert_int_equal(proc_of(m, 101)->py.exit_cleanup_ns, 10 * MS);
	model_free(m);

	/* no base (an older recording): every fact at its write's time */
	bare = model_new(ROOT);
	assert_non_null(bare);
	do_fork(bare, 0, 50, 50, ROOT);
	chan(bare, 3 * MS, ROOT, "{\"fact\":\"hello\",\"py_version\":\"3.12.1\",\"mono_ns\":%llu}",
	     mono(2 * MS));
	assert_int_equal(proc_of(bare, ROOT)->py.hello_ns, 3 * MS);
	assert_int_equal(model_py_stats(bare)->clock_fallbacks, 1);
	model_free(bare);
}

/* ---------------------------------------------------------------- each kind of fact */

static void test_process_kinds(void **state)
{
	const char *spawn_argv[] = {PY, "-c", SPAWN_CODE, "--multiprocessing-fork", NULL};
	const char *fs_argv[] = {PY, "-c", FS_CODE, NULL};
	const char *odd_argv[] = {PY, "-c", "import tracker_of_3_14; tracker_of_3_14.main(4)",
				  NULL};
	struct fs_model *m = model_py();
	const struct fs_proc *p;
	const struct fs_pool *pl;
	char why[256];

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	told_process(m, 12 * MS, 101, "Bob-the-child", "process", 0, true);
	p = proc_of(m, 101);
	assert_string_equal(p->py.name, "Bob-the-child");
	assert_string_equal(p->py.target, "__main__.f");
	assert_int_equal(p->py.kind, FS_PY_KIND_PROCESS);
	assert_true(p->py.daemon_told && p->py.daemon);
	assert_int_equal(p->py.method, FS_METHOD_FORK);
	assert_int_equal(p->py.ready_ns, 12 * MS - MS / 4);
	assert_true(model_py_why(m, p, why, sizeof(why)));
	assert_string_equal(why, "multiprocessing says it is Bob-the-child, a daemonic Process");
	format_proc_python(p, why, sizeof(why));
	assert_string_equal(why, "Bob-the-child (Process, daemon)");
	/* a Pool's worker, an executor's, a Manager's server */
	do_fork(m, 20 * MS, ROOT, ROOT, 102);
	told_process(m, 22 * MS, 102, "ForkPoolWorker-3", "pool_worker", 1, true);
	chan(m, 23 * MS, ROOT,
	     "{\"fact\":\"pool\",\"pool\":1,\"processes\":2,\"maxtasksperchild\":3,"
	     "\"method\":\"fork\",\"mono_ns\":%llu}",
	     mono(22 * MS));
	p = proc_of(m, 102);
	assert_int_equal(p->py.pool, 1);
	model_py_why(m, p, why, sizeof(why));
	assert_string_equal(why, "multiprocessing says it is ForkPoolWorker-3 of Pool #1");
	format_proc_python(p, why, sizeof(why));
	assert_string_equal(why, "ForkPoolWorker-3 (Pool worker, Pool #1)");
	pl = model_pool_of(m, p);
	assert_non_null(pl);
	assert_false(pl->executor);
	assert_true(pl->told);
	assert_int_equal(pl->creator_pid, ROOT);
	assert_int_equal(pl->processes, 2);
	assert_int_equal(pl->maxtasksperchild, 3);
	assert_int_equal(pl->workers, 1);
	assert_int_equal(pl->method, FS_METHOD_FORK);
	assert_int_equal(pl->created_ns, 22 * MS);
	do_fork(m, 30 * MS, ROOT, ROOT, 103);
	told_process(m, 32 * MS, 103, "ForkProcess-4", "executor_worker", 2, false);
	chan(m, 33 * MS, ROOT, "{\"fact\":\"executor_shutdown\",\"pool\":2,\"mono_ns\":%llu}",
	     mono(33 * MS));
	p = proc_of(m, 103);
	model_py_why(m, p, why, sizeof(why));
	assert_string_equal(
	    why, "multiprocessing says it is ForkProcess-4, a worker of ProcessPoolExecutor #2");
	pl = model_pool_of(m, p);
	assert_true(pl->executor);
	assert_int_equal(pl->shutdown_ns, 33 * MS);
	assert_int_equal(model_pool_count(m), 2);
	do_fork(m, 40 * MS, ROOT, ROOT, 104);
	told_process(m, 42 * MS, 104, "SyncManager-1", "manager", 0, false);
	assert_int_equal(proc_of(m, 104)->py.kind, FS_PY_KIND_MANAGER);
	assert_string_equal(names_py_kind(proc_of(m, 104)->py.kind), "manager");
	/* a spawn child: its own hello, the main module imported again, then ready */
	do_fork(m, 50 * MS, ROOT, ROOT, 105);
	do_exec(m, 51 * MS, 105, ROOT, PY, spawn_argv);
	chan(m, 70 * MS, 105,
	     "{\"fact\":\"hello\",\"py_version\":\"3.11.2\",\"mono_ns\":%llu}\n"
	     "{\"fact\":\"phase\",\"phase\":\"main_imported\",\"mono_ns\":%llu}",
	     mono(60 * MS), mono(68 * MS));
	told_process(m, 72 * MS, 105, "SpawnProcess-5", "process", 0, false);
	p = proc_of(m, 105);
	assert_int_equal(p->py.hello_ns, 60 * MS);
	assert_int_equal(p->py.main_imported_ns, 68 * MS);
	assert_true(p->py.ready_ns > p->py.main_imported_ns);
	/* helpers: a recognised forkserver, a tracker whose command line the kernel did not
	 * recognise (Python tells) */
	do_fork(m, 80 * MS, ROOT, ROOT, 106);
	do_exec(m, 81 * MS, 106, ROOT, PY, fs_argv);
	chan(m, 90 * MS, 106, "{\"fact\":\"helper\",\"kind\":\"forkserver\",\"mono_ns\":%llu}",
	     mono(89 * MS));
	p = proc_of(m, 106);
	assert_int_equal(p->role, FS_ROLE_FORKSERVER);
	assert_int_equal(p->py.kind, FS_PY_KIND_FORKSERVER);
	model_py_why(m, p, why, sizeof(why));
	assert_string_equal(why, "multiprocessing says it is the forkserver");
	do_fork(m, 91 * MS, ROOT, ROOT, 107);
	do_exec(m, 92 * MS, 107, ROOT, PY, odd_argv);
	assert_int_equal(proc_of(m, 107)->role, FS_ROLE_OTHER);
	chan(m, 95 * MS, 107,
	     "{\"fact\":\"helper\",\"kind\":\"resource_tracker\",\"mono_ns\":%llu}", mono(94 * MS));
	p = proc_of(m, 107);
	assert_int_equal(p->role, FS_ROLE_RESOURCE_TRACKER);
	assert_non_null(strstr(p->role_reason, "its hook says"));
	/* forks from a threaded parent, join, the exit cleanup */
	chan(m, 96 * MS, ROOT,
	     "{\"fact\":\"fork\",\"threads\":4,\"thread_names\":\"MainThread,a,b,c\"}\n"
	     "{\"fact\":\"fork\",\"threads\":2}\n"
	     "{\"fact\":\"join\",\"child_pid\":101,\"name\":\"Bob-the-child\",\"mono_ns\":%llu}\n"
	     "{\"fact\":\"exit_cleanup\",\"mono_ns\":%llu}",
	     mono(95 * MS), mono(96 * MS));
	p = proc_of(m, ROOT);
	assert_int_equal(p->py.threaded_forks, 2);
	assert_int_equal(p->py.fork_threads_max, 4);
	assert_int_equal(p->py.exit_cleanup_ns, 96 * MS);
	assert_int_equal(proc_of(m, 101)->py.join_ns, 95 * MS);
	/* pool actions, the first of each */
	chan(m, 97 * MS, ROOT,
	     "{\"fact\":\"pool_close\",\"pool\":1}\n{\"fact\":\"pool_join\",\"pool\":1}\n"
	     "{\"fact\":\"pool_terminate\",\"pool\":1}\n{\"fact\":\"pool_terminate\",\"pool\":1}");
	pl = model_pool_of(m, proc_of(m, 102));
	assert_true(pl->close_ns && pl->join_ns && pl->terminate_ns);
	assert_int_equal(model_py_stats(m)->ignored, 0);
	assert_int_equal(model_py_stats(m)->foreign, 0);
	model_free(m);
}

static void test_tasks(void **state)
{
	struct fs_model *m = model_py();
	const struct fs_task *t;
	const struct fs_proc *w;

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	told_process(m, 12 * MS, 101, "ForkPoolWorker-1", "pool_worker", 1, true);
	told_tasks(m, 20 * MS, 101, 0, 2, 3);
	chan(m, 30 * MS, 101, "{\"fact\":\"task\",\"index\":4,\"start_ns\":%llu,\"end_ns\":%llu}",
	     mono(29 * MS), mono(28 * MS)); /* ends before it starts: it starts at its end */
	w = proc_of(m, 101);
	assert_int_equal(w->py.tasks, 3);
	assert_int_equal(w->py.items, 7);
	assert_int_equal(model_task_count(m), 3);
	t = model_task(m, 0);
	assert_true(t->serial == w->serial);
	assert_int_equal(t->job, 0);
	assert_int_equal(t->index, 0);
	assert_int_equal(t->items, 3);
	assert_int_equal(t->start_ns, 19 * MS);
	assert_int_equal(t->end_ns, 19 * MS + 5);
	t = model_task(m, 2);
	assert_int_equal(t->job, FS_TASK_NO_JOB);
	assert_int_equal(t->items, 1);
	assert_int_equal(t->start_ns, 28 * MS);
	assert_int_equal(t->end_ns, 28 * MS);
	assert_null(model_task(m, 3));
	/* bounded: the oldest go */
	for (int i = 0; i < FS_TASK_KEEP / 32 + 8; i++)
		told_tasks(m, 40 * MS + (uint64_t)i * MS, 101, 100 + i * 32, 32, 1);
	assert_int_equal(model_task_count(m), FS_TASK_KEEP);
	assert_int_equal(model_py_stats(m)->tasks_forgotten,
			 model_py_stats(m)->tasks - FS_TASK_KEEP);
	assert_int_equal(proc_of(m, 101)->py.tasks, model_py_stats(m)->tasks);
	t = model_task(m, FS_TASK_KEEP - 1);
	assert_int_equal(t->index, 100 + (FS_TASK_KEEP / 32 + 8) * 32 - 1);
	model_free(m);
}

/* The batch form: one "tasks" fact, entries "index,items,start,duration" from base_ns;
 * any bad entry and the whole fact is ignored. */
static void test_tasks_batch(void **state)
{
	struct fs_model *m = model_py();
	const struct fs_task *t;
	const struct fs_proc *w;
	static const char *const bad[] = {
	    "1,1,0",			 /* three numbers */
	    "1,1,0,5;x",		 /* not a number */
	    "1,1,-1,5",			 /* a sign */
	    "1,4294967296,0,5",		 /* items over 32 bits */
	    "1,1,0,5;;",		 /* an empty entry */
	    "1,1,0,5,",			 /* a fifth field */
	    "1,1,0,1234567890123456789", /* 19 digits */
	    "",				 /* no entry */
	};
	uint64_t applied;

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	told_process(m, 12 * MS, 101, "ForkPoolWorker-1", "pool_worker", 1, true);
	chan(m, 20 * MS, 101,
	     "{\"fact\":\"tasks\",\"base_ns\":%llu,\"t\":\"0,2,0,5;1,1,10,7;\","
	     "\"job\":3}\n{\"fact\":\"tasks\",\"base_ns\":%llu,\"t\":\"9,1,0,0\"}",
	     mono(19 * MS), mono(19 * MS + 50));
	w = proc_of(m, 101);
	assert_int_equal(w->py.tasks, 3);
	assert_int_equal(w->py.items, 4);
	assert_int_equal(model_task_count(m), 3);
	t = model_task(m, 0);
	assert_int_equal(t->job, 3);
	assert_int_equal(t->index, 0);
	assert_int_equal(t->items, 2);
	assert_int_equal(t->start_ns, 19 * MS);
	assert_int_equal(t->end_ns, 19 * MS + 5);
	t = model_task(m, 1);
	assert_int_equal(t->index, 1);
	assert_int_equal(t->start_ns, 19 * MS + 10);
	assert_int_equal(t->end_ns, 19 * MS + 17);
	t = model_task(m, 2);
	assert_int_equal(t->job, FS_TASK_NO_JOB);
	assert_int_equal(t->index, 9);
	assert_int_equal(t->start_ns, 19 * MS + 50);
	applied = model_py_stats(m)->applied;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		chan(m, 30 * MS, 101, "{\"fact\":\"tasks\",\"base_ns\":%llu,\"t\":\"%s\"}",
		     mono(29 * MS), bad[i]);
	/* a base out of range, a duration that runs past the clock */
	chan(m, 30 * MS, 101, "{\"fact\":\"tasks\",\"base_ns\":0,\"t\":\"1,1,0,0\"}");
	chan(m, 30 * MS, 101,
	     "{\"fact\":\"tasks\",\"base_ns\":9223372036854775800,"
	     "\"t\":\"1,1,100,100\"}");
	assert_int_equal(model_task_count(m), 3);
	assert_int_equal(proc_of(m, 101)->py.tasks, 3);
	assert_int_equal(model_py_stats(m)->applied, applied);
	/* only a worker's */
	chan(m, 31 * MS, ROOT, "{\"fact\":\"tasks\",\"base_ns\":%llu,\"t\":\"0,1,0,1\"}",
	     mono(30 * MS));
	assert_int_equal(model_task_count(m), 3);
	model_free(m);
}

/* ---------------------------------------------------------------- forged and foreign */

static void test_forged_and_foreign(void **state)
{
	struct fs_model *m = model_py();
	const struct fs_py_stats *st = model_py_stats(m);
	char big[600];

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	do_fork(m, 11 * MS, ROOT, ROOT, 102);
	do_fork(m, 12 * MS, 101, 101, 103); /* 101's child, not the root's */
	/* the root is the launched program, never a worker */
	told_process(m, 13 * MS, ROOT, "ForkPoolWorker-1", "pool_worker", 1, true);
	assert_int_equal(proc_of(m, ROOT)->py.kind, FS_PY_KIND_NONE);
	assert_int_equal(st->ignored, 1);
	/* kinds that are no kind, pools that are no pool, a worker claim of a helper kind */
	told_process(m, 14 * MS, 101, "x", "bogus", 0, false);
	told_process(m, 15 * MS, 101, "x", "forkserver", 0, false);
	chan(m, 16 * MS, 101, "{\"fact\":\"process\",\"kind\":\"process\",\"pool\":\"1\"}");
	chan(m, 16 * MS, 101, "{\"fact\":\"process\",\"kind\":\"pool_worker\",\"pool\":0}");
	chan(m, 16 * MS, 101, "{\"fact\":\"process\",\"kind\":\"process\",\"pool\":3}");
	assert_int_equal(proc_of(m, 101)->py.kind, FS_PY_KIND_NONE);
	assert_int_equal(st->ignored, 6);
	/* tasks only from workers; a task needs its times */
	told_tasks(m, 17 * MS, 102, 0, 1, 1);
	told_process(m, 18 * MS, 102, "ForkPoolWorker-2", "pool_worker", 1, true);
	chan(m, 19 * MS, 102, "{\"fact\":\"task\",\"index\":1}");
	chan(m, 19 * MS, 102,
	     "{\"fact\":\"task\",\"index\":1,\"items\":-2,\"start_ns\":1,"
	     "\"end_ns\":2}");
	assert_int_equal(proc_of(m, 102)->py.tasks, 0);
	assert_int_equal(st->ignored, 9);
	/* a process speaks only of the children it started */
	chan(m, 20 * MS, ROOT, "{\"fact\":\"terminate\",\"child_pid\":103}");
	chan(m, 20 * MS, 101, "{\"fact\":\"terminate\",\"child_pid\":102}");
	chan(m, 20 * MS, 101, "{\"fact\":\"kill\",\"child_pid\":101}");
	chan(m, 20 * MS, 101, "{\"fact\":\"join\",\"child_pid\":4242}");
	chan(m, 20 * MS, 101, "{\"fact\":\"join\",\"child_pid\":\"103\"}");
	assert_int_equal(proc_of(m, 103)->py.terminate_ns, 0);
	assert_int_equal(proc_of(m, 102)->py.terminate_ns, 0);
	assert_int_equal(st->ignored, 14);
	chan(m, 21 * MS, 101, "{\"fact\":\"terminate\",\"child_pid\":103}");
	assert_int_equal(proc_of(m, 103)->py.terminate_ns, 21 * MS);
	/* a helper claim the kernel contradicts (it saw a fork child), a phase not known */
	chan(m, 22 * MS, 101, "{\"fact\":\"helper\",\"kind\":\"forkserver\"}");
	chan(m, 22 * MS, 101, "{\"fact\":\"phase\",\"phase\":\"warm\"}");
	chan(m, 22 * MS, 101, "{\"fact\":\"fork\",\"threads\":1}");
	assert_int_equal(proc_of(m, 101)->role, FS_ROLE_MP_CHILD);
	assert_int_equal(st->ignored, 17);
	/* other kinds: kept as facts, not applied */
	chan(m, 23 * MS, 101, "{\"fact\":\"name\",\"name\":\"w1\"}\n{\"fact\":\"tally\"}");
	assert_int_equal(st->foreign, 2);
	/* a key that names a process or a time: the record is rejected whole */
	chan(m, 24 * MS, 101, "{\"fact\":\"hello\",\"py_version\":\"9\",\"pid\":102}");
	assert_int_equal(model_channel_stats(m)->rejected[FS_CHANNEL_FORGED], 1);
	assert_string_equal(proc_of(m, 102)->py.version, "3.11.2"); /* its parent's */
	/* a name longer than kept: cut at a character */
	memset(big, 'a', sizeof(big));
	memcpy(big + FS_PY_NAME_LEN - 2, "\xc3\xa9\xc3\xa9", 4); /* the cut falls inside */
	big[500] = '\0';
	chan(m, 25 * MS, 103, "{\"fact\":\"process\",\"kind\":\"process\",\"name\":\"%s\"}", big);
	assert_int_equal(strlen(proc_of(m, 103)->py.name), FS_PY_NAME_LEN - 2);
	model_free(m);
}

/* ---------------------------------------------------------------- recycling */

static void test_recycling_from_facts(void **state)
{
	struct fs_model *m = model_py();
	const struct fs_proc *c;

	(void)state;
	/* Pool(2, maxtasksperchild=3) under fork */
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	do_fork(m, 11 * MS, ROOT, ROOT, 102);
	told_process(m, 12 * MS, 101, "ForkPoolWorker-1", "pool_worker", 1, true);
	told_process(m, 13 * MS, 102, "ForkPoolWorker-2", "pool_worker", 1, true);
	chan(m, 14 * MS, ROOT,
	     "{\"fact\":\"pool\",\"pool\":1,\"processes\":2,\"maxtasksperchild\":3,"
	     "\"mono_ns\":%llu}",
	     mono(13 * MS));
	/* 101 ran its 3 tasks and retires; 102 ran one and died (exit 0 all the same) */
	told_tasks(m, 40 * MS, 101, 0, 3, 2);
	do_exit(m, 41 * MS, 101, ROOT, 0, 0);
	told_tasks(m, 42 * MS, 102, 3, 1, 2);
	do_exit(m, 43 * MS, 102, ROOT, 0, 0);
	/* the handler thread (150) starts a replacement: the kernel alone takes the newest
	 * exit (102), Python's facts the worker that ran its tasks (101) */
	do_fork(m, 45 * MS, ROOT, 150, 103);
	assert_int_equal(proc_of(m, 103)->replaces, 102);
	assert_false(proc_of(m, 103)->py.recycled);
	told_process(m, 47 * MS, 103, "ForkPoolWorker-3", "pool_worker", 1, true);
	c = proc_of(m, 103);
	assert_int_equal(c->replaces, 101);
	assert_true(c->py.recycled);
	assert_int_equal(proc_of(m, 101)->replaced_by, 103);
	assert_int_equal(proc_of(m, 102)->replaced_by, 0);
	assert_int_equal(model_stats(m)->recycled, 1);
	/* from scratch at the end: the same */
	model_end(m, 100 * MS);
	model_finish(m);
	c = proc_of(m, 103);
	assert_int_equal(c->replaces, 101);
	assert_true(c->py.recycled);
	assert_int_equal(model_stats(m)->recycled, 1);
	model_free(m);
}

static void test_executors_never_recycle(void **state)
{
	const char *fs_argv[] = {PY, "-c", FS_CODE, NULL};
	struct fs_model *seen = model_py(), *told = model_py();
	struct fs_model *ms[2] = {seen, told};

	(void)state;
	/* two executors in a row under forkserver: 111 exits while 112 still runs, then the
	 * second executor's first worker starts: to the kernel, a Pool's recycling */
	for (int k = 0; k < 2; k++) {
		struct fs_model *m = ms[k];

		do_fork(m, 5 * MS, ROOT, ROOT, 110);
		do_exec(m, 6 * MS, 110, ROOT, PY, fs_argv);
		do_fork(m, 10 * MS, 110, 110, 111);
		do_fork(m, 11 * MS, 110, 110, 112);
		if (k == 1) {
			told_process(m, 12 * MS, 111, "ForkProcess-1", "executor_worker", 1, false);
			told_process(m, 13 * MS, 112, "ForkProcess-2", "executor_worker", 1, false);
		}
		do_exit(m, 30 * MS, 111, 110, 0, 0);
		do_fork(m, 31 * MS, 110, 110, 113);
		if (k == 1)
			told_process(m, 33 * MS, 113, "ForkProcess-3", "executor_worker", 2, false);
		do_exit(m, 40 * MS, 112, 110, 0, 0);
		do_exit(m, 41 * MS, 113, 110, 0, 0);
		model_end(m, 50 * MS);
		model_finish(m);
	}
	assert_int_equal(proc_of(seen, 113)->replaces, 111);
	assert_int_equal(proc_of(told, 113)->replaces, 0);
	assert_int_equal(model_stats(told)->recycled, 0);
	model_free(seen);
	model_free(told);
}

/* ---------------------------------------------------------------- how a kill was meant */

/* child pid of the root killed by sig at t (the signal at t, the exit 1 ms later) */
static void killed(struct fs_model *m, uint64_t t, uint32_t pid, int sig)
{
	do_signal(m, t, ROOT, pid, sig);
	do_exit(m, t + MS, pid, ROOT, 0, sig);
}

static void test_kill_attribution(void **state)
{
	struct fs_model *m = model_py();
	const struct fs_proc *p;
	char state_text[160];

	(void)state;
	for (uint32_t pid = 101; pid <= 109; pid++)
		do_fork(m, (pid - 100) * MS, ROOT, ROOT, pid);
	told_process(m, 20 * MS, 101, "the-daemon", "process", 0, true);
	told_process(m, 20 * MS, 102, "stopped", "process", 0, false);
	told_process(m, 20 * MS, 103, "ForkPoolWorker-1", "pool_worker", 1, true);
	told_process(m, 20 * MS, 104, "ForkPoolWorker-2", "pool_worker", 1, true);
	told_process(m, 20 * MS, 105, "killed", "process", 0, false);
	told_process(m, 20 * MS, 106, "ForkPoolWorker-3", "pool_worker", 2, true);
	told_process(m, 20 * MS, 107, "late", "process", 0, false);
	told_process(m, 20 * MS, 108, "stopped-last", "process", 0, false);
	/* 109 never speaks: the kernel's evidence alone */
	/* terminate() in the middle of the run, then more starts */
	chan(m, 30 * MS, ROOT, "{\"fact\":\"terminate\",\"child_pid\":102,\"mono_ns\":%llu}",
	     mono(30 * MS));
	killed(m, 31 * MS, 102, SIGTERM);
	/* kill() */
	chan(m, 32 * MS, ROOT, "{\"fact\":\"kill\",\"child_pid\":105,\"mono_ns\":%llu}",
	     mono(32 * MS));
	killed(m, 33 * MS, 105, SIGKILL);
	/* a terminate() told after the kernel's exit arrived (the channel's buffer is not the
	 * events'): placed by its own time, before the signal */
	killed(m, 35 * MS, 107, SIGTERM);
	chan(m, 37 * MS, ROOT, "{\"fact\":\"terminate\",\"child_pid\":107,\"mono_ns\":%llu}",
	     mono(34 * MS));
	assert_int_equal(proc_of(m, 107)->py.stop, FS_PY_STOP_TERMINATE);
	do_fork(m, 40 * MS, ROOT, ROOT, 110);
	do_exit(m, 41 * MS, 110, ROOT, 0, 0);
	/* leaving `with Pool()`: terminate() of pool 1, whose workers get SIGTERM (one with
	 * its own terminate fact, one without); then the exit cleanup: pool 2's finalizer
	 * and the daemon */
	chan(m, 50 * MS, ROOT,
	     "{\"fact\":\"pool_terminate\",\"pool\":1,\"mono_ns\":%llu}\n"
	     "{\"fact\":\"terminate\",\"child_pid\":103,\"mono_ns\":%llu}",
	     mono(50 * MS), mono(50 * MS + 10));
	killed(m, 51 * MS, 103, SIGTERM);
	killed(m, 51 * MS, 104, SIGTERM);
	/* a terminate() just before the end: to the kernel alone, a daemon kill */
	chan(m, 53 * MS, ROOT, "{\"fact\":\"terminate\",\"child_pid\":108,\"mono_ns\":%llu}",
	     mono(53 * MS));
	killed(m, 54 * MS, 108, SIGTERM);
	chan(m, 60 * MS, ROOT,
	     "{\"fact\":\"exit_cleanup\",\"mono_ns\":%llu}\n"
	     "{\"fact\":\"terminate\",\"child_pid\":106,\"during\":\"exit_cleanup\",\"mono_ns\":%"
	     "llu}",
	     mono(60 * MS), mono(60 * MS + 10));
	killed(m, 61 * MS, 106, SIGTERM);
	killed(m, 61 * MS, 101, SIGTERM);
	killed(m, 61 * MS, 109, SIGTERM);
	do_exit(m, 70 * MS, ROOT, 50, 0, 0);
	model_end(m, 80 * MS);
	model_finish(m);

	assert_int_equal(proc_of(m, 101)->py.stop, FS_PY_STOP_DAEMON_EXIT);
	assert_true(proc_of(m, 101)->daemon_kill);
	assert_int_equal(proc_of(m, 102)->py.stop, FS_PY_STOP_TERMINATE);
	assert_false(proc_of(m, 102)->daemon_kill);
	assert_int_equal(proc_of(m, 103)->py.stop, FS_PY_STOP_POOL_TERMINATE);
	assert_int_equal(proc_of(m, 104)->py.stop, FS_PY_STOP_POOL_TERMINATE);
	assert_false(proc_of(m, 103)->daemon_kill);
	assert_false(proc_of(m, 104)->daemon_kill);
	assert_int_equal(proc_of(m, 105)->py.stop, FS_PY_STOP_KILL);
	assert_int_equal(proc_of(m, 106)->py.stop, FS_PY_STOP_POOL_EXIT);
	assert_true(proc_of(m, 106)->daemon_kill);
	assert_int_equal(proc_of(m, 107)->py.stop, FS_PY_STOP_TERMINATE);
	assert_int_equal(proc_of(m, 108)->py.stop, FS_PY_STOP_TERMINATE);
	assert_false(proc_of(m, 108)->daemon_kill);
	p = proc_of(m, 109);
	assert_int_equal(p->py.stop, FS_PY_STOP_NONE);
	assert_true(p->daemon_kill); /* the kernel's rule: SIGTERM, then its starter's exit */
	assert_int_equal(model_stats(m)->daemon_kills, 3);
	format_proc_state(proc_of(m, 103), NAMES_STATE_LONG, state_text, sizeof(state_text));
	assert_string_equal(state_text, "killed SIGTERM by 100 (Pool.terminate() (a with block's "
					"end calls it))");
	format_proc_state(proc_of(m, 101), NAMES_STATE_LONG, state_text, sizeof(state_text));
	assert_string_equal(state_text,
			    "killed SIGTERM by 100 (terminated as a daemon at interpreter exit)");
	format_proc_state(p, NAMES_STATE_LONG, state_text, sizeof(state_text));
	assert_string_equal(state_text, "killed SIGTERM by 100 (sent as its starter exited)");
	assert_string_equal(names_py_stop(proc_of(m, 108)->py.stop), "terminate");
	model_free(m);
}

/* ---------------------------------------------------------------- no hook */

static void test_no_hook(void **state)
{
	const char *iso_argv[] = {PY, "-I", "-c", SPAWN_CODE, "--multiprocessing-fork", NULL};
	const char *true_argv[] = {"/bin/true", NULL};
	struct fs_model *m = model_py(), *off;
	char why[512];

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101); /* a fork child: its parent's hook */
	do_fork(m, 11 * MS, ROOT, ROOT, 102); /* a `python -I` spawn child: none */
	do_exec(m, 12 * MS, 102, ROOT, PY, iso_argv);
	do_fork(m, 13 * MS, 102, 102, 103);   /* its fork child: none either */
	do_fork(m, 14 * MS, ROOT, ROOT, 104); /* not Python */
	do_exec(m, 15 * MS, 104, ROOT, true_argv[0], true_argv);
	do_fork(m, 16 * MS, ROOT, ROOT, 105); /* a spawn child still running at the end */
	do_exec(m, 17 * MS, 105, ROOT, PY, iso_argv);
	do_fork(m, 18 * MS, ROOT, ROOT, 106); /* killed while it may still start up */
	do_exec(m, 18 * MS + 1, 106, ROOT, PY, iso_argv);
	killed(m, 19 * MS, 106, SIGTERM);
	do_fork(m, 18 * MS, ROOT, ROOT, 107); /* killed after it printed: it ran */
	do_exec(m, 18 * MS + 1, 107, ROOT, PY, iso_argv);
	ev_reset(FS_EV_OUTPUT, 18 * MS + 2);
	ev.pid = ev.tid = 107;
	ev.fd = 1;
	ev.args_len = 3;
	memcpy(ev.args, "hi\n", 3);
	assert_int_equal(model_apply(m, &ev), 0);
	killed(m, 19 * MS, 107, SIGTERM);
	assert_int_equal(proc_of(m, 101)->py.hook, FS_PY_HOOK_INHERITED);
	assert_string_equal(proc_of(m, 101)->py.version, "3.11.2");
	assert_string_equal(proc_of(m, 102)->py.version, ""); /* a new image */
	do_exit(m, 20 * MS, 103, 102, 0, 0);
	do_exit(m, 21 * MS, 102, ROOT, 0, 0);
	do_exit(m, 22 * MS, 104, ROOT, 0, 0);
	do_exit(m, 23 * MS, 101, ROOT, 0, 0);
	model_finish(m);
	assert_int_equal(proc_of(m, 102)->py.hook, FS_PY_HOOK_NONE);
	assert_int_equal(proc_of(m, 103)->py.hook, FS_PY_HOOK_NONE);
	assert_int_equal(proc_of(m, 104)->py.hook, FS_PY_HOOK_UNKNOWN);
	assert_int_equal(proc_of(m, 105)->py.hook, FS_PY_HOOK_UNKNOWN); /* not heard yet */
	assert_int_equal(proc_of(m, 106)->py.hook, FS_PY_HOOK_UNKNOWN); /* not guessed */
	assert_int_equal(proc_of(m, 107)->py.hook, FS_PY_HOOK_NONE);
	assert_int_equal(proc_of(m, ROOT)->py.hook, FS_PY_HOOK_SPOKE);
	assert_int_equal(proc_of(m, 101)->py.hook, FS_PY_HOOK_INHERITED);
	assert_false(model_py_why(m, proc_of(m, 102), why, sizeof(why)));
	assert_true(strncmp(why, "no hook: ", 9) == 0);
	assert_non_null(strstr(why, "a spawn child"));
	format_proc_python(proc_of(m, 102), why, sizeof(why));
	assert_string_equal(why, "[no hook]");
	model_stop_following(m, 30 * MS);
	model_finish(m);
	assert_int_equal(proc_of(m, 105)->py.hook, FS_PY_HOOK_UNKNOWN); /* nothing says it ran */
	model_free(m);

	/* the run said it had no hook: nobody is "no hook", although one spoke */
	off = model_py();
	model_set_pyhook(off, false);
	do_fork(off, 11 * MS, ROOT, ROOT, 102);
	do_exec(off, 12 * MS, 102, ROOT, PY, iso_argv);
	do_exit(off, 21 * MS, 102, ROOT, 0, 0);
	model_finish(off);
	assert_int_equal(proc_of(off, 102)->py.hook, FS_PY_HOOK_UNKNOWN);
	model_free(off);
	/* no word from anyone and not said: the run had no hook, nothing is claimed */
	off = model_new(ROOT);
	do_fork(off, 0, 50, 50, ROOT);
	do_exec(off, 1 * MS, ROOT, 50, PY, iso_argv);
	do_exit(off, 21 * MS, ROOT, 50, 0, 0);
	model_finish(off);
	assert_int_equal(proc_of(off, ROOT)->py.hook, FS_PY_HOOK_UNKNOWN);
	/* said on, and it never spoke */
	model_set_pyhook(off, true);
	model_finish(off);
	assert_int_equal(proc_of(off, ROOT)->py.hook, FS_PY_HOOK_NONE);
	model_free(off);
}

/* ---------------------------------------------------------------- clone, digest, outputs */

static void test_clone_and_digest(void **state)
{
	struct fs_model *m = model_py(), *c;
	uint64_t d;

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	told_process(m, 12 * MS, 101, "ForkPoolWorker-1", "pool_worker", 1, true);
	told_tasks(m, 20 * MS, 101, 0, 2, 1);
	c = model_clone(m);
	assert_non_null(c);
	assert_true(model_digest(c) == model_digest(m));
	assert_int_equal(model_task_count(c), 2);
	assert_int_equal(model_pool_count(c), 1);
	assert_string_equal(proc_of(c, 101)->py.name, "ForkPoolWorker-1");
	d = model_digest(m);
	told_tasks(m, 30 * MS, 101, 2, 1, 1);
	assert_true(model_digest(m) != d);
	told_tasks(c, 30 * MS, 101, 2, 1, 2); /* another item count: another digest */
	assert_true(model_digest(m) != model_digest(c));
	d = model_digest(m);
	chan(m, 31 * MS, ROOT, "{\"fact\":\"pool_close\",\"pool\":1}");
	assert_true(model_digest(m) != d);
	d = model_digest(m);
	model_set_clock_base(m, BASE + 1);
	assert_true(model_digest(m) != d);
	model_free(c);
	model_free(m);
}

/* The tree's JSON, parsed. */
static struct json_object *tree_json(const struct fs_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_object *o;

	assert_non_null(f);
	assert_int_equal(tree_print_json(f, m), 0);
	fclose(f);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	free(buf);
	return o;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void test_tree_fields(void **state)
{
	struct fs_model *m = model_py();
	struct json_object *tree, *root, *kid, *v;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	do_fork(m, 10 * MS, ROOT, ROOT, 101);
	told_process(m, 12 * MS, 101, "Ford\\u001b[2J", "pool_worker", 1, true);
	told_tasks(m, 20 * MS, 101, 0, 3, 2);
	do_exit(m, 30 * MS, 101, ROOT, 0, 0);
	do_exit(m, 31 * MS, ROOT, 50, 0, 0);
	model_end(m, 40 * MS);
	model_finish(m);
	tree = tree_json(m);
	root = json_object_array_get_idx(tree, 0);
	assert_string_equal(json_object_get_string(get(root, "py_version")), "3.11.2");
	assert_string_equal(json_object_get_string(get(root, "py_hook")), "spoke");
	assert_true(json_object_is_type(get(root, "py_kind"), json_type_null));
	assert_true(json_object_is_type(get(root, "daemon"), json_type_null));
	assert_int_equal(json_object_get_int64(get(root, "interp_ready_ns")), 2 * MS);
	kid = json_object_array_get_idx(get(root, "children"), 0);
	assert_string_equal(json_object_get_string(get(kid, "py_name")), "Ford\x1b[2J");
	assert_string_equal(json_object_get_string(get(kid, "py_kind")), "pool_worker");
	assert_true(json_object_get_boolean(get(kid, "daemon")));
	assert_string_equal(json_object_get_string(get(kid, "target")), "__main__.f");
	assert_int_equal(json_object_get_int64(get(kid, "tasks")), 3);
	assert_int_equal(json_object_get_int64(get(kid, "task_items")), 6);
	assert_int_equal(json_object_get_int64(get(kid, "ready_ns")), 12 * MS - MS / 4);
	assert_string_equal(json_object_get_string(get(kid, "py_version")), "3.11.2");
	assert_string_equal(json_object_get_string(get(kid, "py_hook")), "spoke"); /* itself */
	assert_int_equal(json_object_get_int64(get(kid, "py_pool")), 1);
	assert_int_equal(json_object_get_int64(get(kid, "py_pool_creator")), ROOT);
	assert_true(json_object_is_type(get(kid, "py_stop"), json_type_null));
	v = get(kid, "why");
	assert_non_null(strstr(json_object_get_string(v), "of Pool #1"));
	assert_null(strchr(json_object_get_string(v), '\x1b')); /* escaped there */
	json_object_put(tree);
	/* the text tree: the name, escaped, and the tasks */
	f = open_memstream(&text, &len);
	tree_print_text(f, m, true);
	fclose(f);
	assert_non_null(strstr(text, "Ford\\x1b[2J (Pool worker, Pool #1)"));
	assert_non_null(strstr(text, "3 tasks (6 items), ready after"));
	assert_null(strchr(text, '\x1b'));
	free(text);
	model_free(m);
}

/* A recording with the header's clock base and hook, replayed: the facts placed by it. */
static void test_header_clock_replay(void **state)
{
	char path[] = "/tmp/fs-pyfacts-XXXXXX";
	struct fs_header h, got;
	struct fs_replay_info info;
	struct fs_model *m = NULL;
	char *argv[] = {PY, "main.py", NULL}, err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	memset(&h, 0, sizeof(h));
	h.tool = "forkscope test";
	h.root_pid = ROOT;
	h.command = argv;
	h.command_len = 2;
	h.kernel = "Linux";
	h.mono_base_ns = BASE;
	h.pyhook_said = true;
	h.pyhook = true;
	assert_int_equal(record_write_header(f, &h), 0);
	ev_reset(FS_EV_FORK, 0);
	ev.pid = ROOT;
	ev.ppid = 50;
	ev.tid = 50;
	strcpy(ev.comm, "python3");
	assert_int_equal(record_write_event(f, &ev), 0);
	ev_reset(FS_EV_CHANNEL, 3 * MS);
	ev.pid = ev.tid = ROOT;
	ev.args_len = (uint32_t)snprintf(ev.args, FS_CHANNEL_MAX,
					 "FSC1\n{\"fact\":\"hello\",\"py_version\":\"3.13.0\","
					 "\"mono_ns\":%llu}\n",
					 mono(2 * MS));
	assert_int_equal(record_write_event(f, &ev), 0);
	fclose(f);
	assert_int_equal(replay_model(path, 0, &m, &got, &info, err, sizeof(err)), 0);
	assert_int_equal(got.mono_base_ns, BASE);
	assert_true(got.pyhook_said && got.pyhook);
	assert_int_equal(proc_of(m, ROOT)->py.hello_ns, 2 * MS);
	assert_string_equal(proc_of(m, ROOT)->py.version, "3.13.0");
	record_header_clear(&got);
	model_free(m);
	unlink(path);
}

/* The words of Python's facts (base/names.c). */
static void test_names_py(void **state)
{
	struct names_py np = {FS_PY_KIND_PROCESS,
			      "a\x1b]0;x\x07"
			      "b",
			      0, false};
	char buf[128];

	(void)state;
	for (unsigned k = FS_PY_KIND_NONE + 1; k < FS_PY_KIND_COUNT; k++) {
		assert_non_null(names_py_kind((enum fs_py_kind)k));
		assert_non_null(names_py_kind_long((enum fs_py_kind)k));
		assert_int_equal(names_py_kind_parse(names_py_kind((enum fs_py_kind)k)), k);
	}
	assert_null(names_py_kind(FS_PY_KIND_NONE));
	assert_null(names_py_kind(FS_PY_KIND_COUNT));
	assert_int_equal(names_py_kind_parse("Process"), FS_PY_KIND_NONE);
	assert_int_equal(names_py_kind_parse(NULL), FS_PY_KIND_NONE);
	for (unsigned k = FS_PY_STOP_NONE + 1; k < FS_PY_STOP_COUNT; k++) {
		assert_non_null(names_py_stop((enum fs_py_stop)k));
		assert_non_null(names_py_stop_long((enum fs_py_stop)k));
	}
	assert_null(names_py_stop(FS_PY_STOP_NONE));
	assert_string_equal(names_py_hook(FS_PY_HOOK_NONE), "none");
	assert_string_equal(names_py_hook_long(FS_PY_HOOK_NONE), "no hook");
	assert_null(names_py_hook(FS_PY_HOOK_UNKNOWN));
	assert_null(names_py_hook(FS_PY_HOOK_COUNT));
	/* a name is escaped: nothing of it reaches a terminal raw */
	names_py_account(buf, sizeof(buf), &np);
	assert_string_equal(buf, "multiprocessing says it is a\\x1b]0;x\\x07b, a Process");
	np.kind = FS_PY_KIND_NONE;
	np.name = "";
	names_py_account(buf, sizeof(buf), &np);
	assert_string_equal(buf, "multiprocessing said nothing of it");
	np.kind = FS_PY_KIND_POOL_WORKER;
	np.pool = 2;
	names_py_account(buf, 20, &np); /* cut to fit */
	assert_int_equal(strlen(buf), 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hello_and_clock),
	    cmocka_unit_test(test_process_kinds),
	    cmocka_unit_test(test_tasks),
	    cmocka_unit_test(test_tasks_batch),
	    cmocka_unit_test(test_forged_and_foreign),
	    cmocka_unit_test(test_recycling_from_facts),
	    cmocka_unit_test(test_executors_never_recycle),
	    cmocka_unit_test(test_kill_attribution),
	    cmocka_unit_test(test_no_hook),
	    cmocka_unit_test(test_clone_and_digest),
	    cmocka_unit_test(test_tree_fields),
	    cmocka_unit_test(test_header_clock_replay),
	    cmocka_unit_test(test_names_py),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
