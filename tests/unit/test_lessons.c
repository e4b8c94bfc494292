/* Unit tests for the lessons (src/model/lessons.c) and their sentences
 * (src/output/lesson_text.c), from synthetic events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/lessons.h"
#include "model/model.h"
#include "output/lesson_text.h"
#include "unit_events.h"

#define MS 1000000ull
#define ROOT 100
#define PY "/usr/bin/python3"
#define FS_CODE "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})"
#define RT_CODE "from multiprocessing.resource_tracker import main;main(4)"

static struct fs_lessons *L;
static uint64_t nev;

/* Lessons after the event just applied (the shared `ev`). */
static size_t after(struct fs_model *m)
{
	return lessons_after_event(L, m, &ev, nev++);
}

static struct fs_model *start(void)
{
	const char *argv[] = {PY, "main.py", NULL};
	struct fs_model *m = model_new(ROOT);

	assert_non_null(m);
	L = lessons_new();
	assert_non_null(L);
	nev = 0;
	do_fork(m, 0, 50, 50, ROOT);
	after(m);
	do_exec(m, 0, ROOT, 50, PY, argv);
	after(m);
	return m;
}

static void stop(struct fs_model *m)
{
	lessons_free(L);
	L = NULL;
	model_free(m);
}

static const char *text_of(size_t i)
{
	static char buf[1024];

	lesson_text(lessons_at(L, i), buf, sizeof(buf));
	return buf;
}

static void test_forkserver(void **state)
{
	const char *fs_argv[] = {PY, "-c", FS_CODE, NULL};
	const char *rt_argv[] = {PY, "-c", RT_CODE, NULL};
	struct fs_model *m = start();
	char q[512];

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	assert_int_equal(after(m), 0);
	do_exec(m, 2 * MS, 101, ROOT, PY, rt_argv);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 0)->kind, FS_LESSON_TRACKER_STARTED);
	do_fork(m, 3 * MS, ROOT, ROOT, 102);
	after(m);
	do_exec(m, 4 * MS, 102, ROOT, PY, fs_argv);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 1)->kind, FS_LESSON_FORKSERVER_STARTED);
	assert_int_equal(lessons_at(L, 1)->event, 5);
	assert_string_equal(text_of(1),
			    "main forked the forkserver (102); from now on the forkserver forks "
			    "every child");
	do_fork(m, 10 * MS, 102, 102, 103);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 2)->kind, FS_LESSON_FORKSERVER_CHILD);
	assert_string_equal(text_of(2), "the forkserver (102) forked 103 for main: its parent is "
					"the forkserver, not main");
	lesson_question(lessons_at(L, 2), q, sizeof(q));
	assert_string_equal(q, "Under forkserver: who will be the new child's parent? main / "
			       "forkserver / resource tracker");
	lesson_answer(lessons_at(L, 2), q, sizeof(q));
	assert_string_equal(q, "the forkserver (102)");
	/* the second child is no new lesson */
	do_fork(m, 11 * MS, 102, 102, 104);
	assert_int_equal(after(m), 0);
	assert_int_equal(lessons_next(L, 6), 2);
	assert_int_equal(lessons_prev(L, 6), 2);
	assert_int_equal(lessons_prev(L, 5), 1);
	assert_int_equal(lessons_next(L, 7), 3);
	assert_int_equal(lessons_prev(L, 1), -1);
	stop(m);
}

/* A child SIGTERMed by main, which then exits without starting anything: a daemon kill,
 * told at main's exit (the kernel's evidence alone: no facts). */
static void test_daemon_kill(void **state)
{
	struct fs_model *m = start();

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	after(m);
	do_signal(m, 900 * MS, ROOT, 101, 15);
	after(m);
	do_exit(m, 901 * MS, 101, ROOT, 0, 15);
	assert_int_equal(after(m), 0); /* pending: main may start something yet */
	do_exit(m, 950 * MS, ROOT, 50, 0, 0);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 0)->kind, FS_LESSON_DAEMON_KILLED);
	assert_int_equal(lessons_at(L, 0)->t_ns, 950 * MS);
	assert_string_equal(text_of(0), "main exited right after sending SIGTERM to its child 101 "
					"(a daemon at exit, or a pool closed at the end)");
	model_finish(m);
	assert_int_equal(lessons_finish(L, m), 0);
	stop(m);
}

/* A start after the kill: it was no daemon kill, just a kill. */
static void test_kill_then_start(void **state)
{
	struct fs_model *m = start();

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	after(m);
	do_signal(m, 100 * MS, ROOT, 101, 15);
	after(m);
	do_exit(m, 101 * MS, 101, ROOT, 0, 15);
	assert_int_equal(after(m), 0);
	do_fork(m, 200 * MS, ROOT, ROOT, 102);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 0)->kind, FS_LESSON_KILLED);
	assert_string_equal(text_of(0), "101 was killed by SIGTERM from main");
	stop(m);
}

/* A grandchild whose parent exits first is re-parented to the subreaper (the launcher). */
static void test_orphan(void **state)
{
	struct fs_model *m = start();

	(void)state;
	do_fork(m, 1 * MS, ROOT, ROOT, 101);
	after(m);
	do_exit(m, 5 * MS, ROOT, 50, 0, 0);
	after(m);
	do_exit(m, 9 * MS, 101, 50, 0, 0);
	assert_int_equal(after(m), 1);
	assert_int_equal(lessons_at(L, 0)->kind, FS_LESSON_ORPHANED);
	assert_string_equal(text_of(0), "main exited before its child 101: the orphan was "
					"re-parented to forkscope (50), the subreaper");
	stop(m);
}

/* Two busy threads of one process over the same second: cores busy from their CPU time. */
static void test_threads_turns(void **state)
{
	struct fs_model *m = start();

	(void)state;
	lessons_set_cpus(L, 2);
	for (uint32_t tid = 201; tid <= 202; tid++) {
		ev_reset(FS_EV_THREAD, 100 * MS);
		ev.pid = ROOT;
		ev.tid = tid;
		ev.target = ROOT;
		assert_int_equal(model_apply(m, &ev), 0);
		after(m);
	}
	for (uint32_t tid = 201; tid <= 202; tid++) {
		ev_reset(FS_EV_RUN, 100 * MS);
		ev.pid = ROOT;
		ev.tid = tid;
		ev.end_ns = 1100 * MS;
		ev.cpu_ns = 500 * MS;
		ev.switches = 1;
		assert_int_equal(model_apply(m, &ev), 0);
		after(m);
	}
	for (uint32_t tid = 201; tid <= 202; tid++) {
		ev_reset(FS_EV_THREAD_EXIT, 1100 * MS);
		ev.pid = ROOT;
		ev.tid = tid;
		assert_int_equal(model_apply(m, &ev), 0);
		assert_int_equal(after(m), tid == 202);
	}
	assert_int_equal(lessons_at(L, 0)->kind, FS_LESSON_THREADS_TURNS);
	assert_string_equal(text_of(0), "two threads of 100 take turns: together they use 1.0 of 2 "
					"cores");
	stop(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forkserver),	    cmocka_unit_test(test_daemon_kill),
	    cmocka_unit_test(test_kill_then_start), cmocka_unit_test(test_orphan),
	    cmocka_unit_test(test_threads_turns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
