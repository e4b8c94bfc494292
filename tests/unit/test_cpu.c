/* The UI's CPU arithmetic (view/cpu.c): the run index from a session whose run events are
 * out of t_ns order, cores busy over intervals, lanes per CPU, running / runnable /
 * blocked per column, marks per process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "view/cpu.h"

#define MS 1000000ull

static struct fs_event ev_run(uint32_t pid, uint32_t tid, uint32_t cpu, uint64_t t0, uint64_t t1,
			      uint32_t left)
{
	struct fs_event e;

	memset(&e, 0, sizeof(e));
	e.type = FS_EV_RUN;
	e.pid = pid;
	e.tid = tid;
	e.cpu = cpu;
	e.t_ns = t0;
	e.end_ns = t1;
	e.cpu_ns = t1 - t0;
	e.left = left;
	e.switches = 1;
	return e;
}

static struct fs_event ev_fork(uint32_t pid, uint32_t ppid, uint64_t t)
{
	struct fs_event e;

	memset(&e, 0, sizeof(e));
	e.type = FS_EV_FORK;
	e.pid = pid;
	e.ppid = ppid;
	e.tid = ppid;
	e.t_ns = t;
	return e;
}

/* A workload: 100 alone on CPU 0 for 0-100 ms; its threads 101 and 102 take turns on CPU
 * 1 in 10 ms runs over 100-200 ms; children 200 and 300 run at once on CPUs 0 and 2 over
 * 200-300 ms. Runs come when they end, after the events that follow their start. */
static void gil_session(struct session *s)
{
	assert_int_equal(session_init(s, 100), 0);
	assert_int_equal(session_push(s, &(struct fs_event){.type = FS_EV_EXEC, .pid = 100}), 0);
	for (int k = 0; k < 10; k++) {
		uint32_t tid = k % 2 ? 102 : 101;
		struct fs_event e = ev_run(100, tid, 1, 100 * MS + (uint64_t)k * 10 * MS,
					   110 * MS + (uint64_t)k * 10 * MS, FS_LEFT_BLOCKED);

		if (k == 0) {
			struct fs_event alone = ev_run(100, 100, 0, 0, 100 * MS, FS_LEFT_BLOCKED);

			assert_int_equal(session_push(s, &alone), 0);
		}
		assert_int_equal(session_push(s, &e), 0);
	}
	struct fs_event f1 = ev_fork(200, 100, 200 * MS), f2 = ev_fork(300, 100, 200 * MS);
	struct fs_event r1 = ev_run(200, 200, 0, 200 * MS, 300 * MS, FS_LEFT_EXITED);
	struct fs_event r2 = ev_run(300, 300, 2, 200 * MS, 300 * MS, FS_LEFT_EXITED);

	assert_int_equal(session_push(s, &f1), 0);
	assert_int_equal(session_push(s, &f2), 0);
	assert_int_equal(session_push(s, &r2), 0); /* out of order: ends first */
	assert_int_equal(session_push(s, &r1), 0);
}

static void test_cores_busy(void **state)
{
	struct session s;
	struct vcpu c;

	(void)state;
	gil_session(&s);
	vcpu_init(&c);
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 13);
	assert_int_equal(c.ncpus, 3);
	assert_int_equal(c.cpus[0], 0);
	assert_int_equal(c.cpus[2], 2);
	/* one alone: 1 core; two threads taking turns: 1 core; two processes: 2 */
	assert_true(vcpu_cores(&c, 0, 100 * MS, 0) > 0.99 && vcpu_cores(&c, 0, 100 * MS, 0) < 1.01);
	assert_true(vcpu_cores(&c, 100 * MS, 200 * MS, 0) > 0.99);
	assert_true(vcpu_cores(&c, 100 * MS, 200 * MS, 0) < 1.01);
	assert_true(vcpu_cores(&c, 200 * MS, 300 * MS, 0) > 1.99);
	assert_true(vcpu_cores(&c, 0, 300 * MS, 0) > 1.32 && vcpu_cores(&c, 0, 300 * MS, 0) < 1.34);
	/* one process, one thread, a part of a run */
	assert_int_equal(vcpu_busy_ns(&c, 0, 300 * MS, 100, 0), 200 * MS);
	assert_int_equal(vcpu_busy_ns(&c, 0, 300 * MS, 100, 101), 50 * MS);
	assert_int_equal(vcpu_busy_ns(&c, 205 * MS, 210 * MS, 300, 0), 5 * MS);
	assert_int_equal(vcpu_runs(&c, 100, 0), 11);
	assert_int_equal(vcpu_runs(&c, 100, 102), 5);
	assert_true(vcpu_cores(&c, 5, 5, 0) == 0);
	/* marks by first run: 100, then 200 and 300 */
	assert_int_equal(vcpu_symbol(&c, 100), '1');
	assert_int_equal(vcpu_symbol(&c, 200), '2');
	assert_int_equal(vcpu_symbol(&c, 300), '3');
	assert_int_equal(vcpu_symbol(&c, 999), ' ');
	/* stepping back drops the runs after the cursor; forward takes them again */
	assert_int_equal(session_seek(&s, 3), 0);
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(session_seek(&s, s.count), 0);
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 13);
	vcpu_free(&c);
	session_free(&s);
}

static void test_lanes(void **state)
{
	struct session s;
	struct vcpu c;
	struct timeline tl = {.t0 = 0, .span = 300 * MS};
	struct vcpu_cell cell[30];

	(void)state;
	gil_session(&s);
	vcpu_init(&c);
	assert_int_equal(vcpu_update(&c, &s), 0);
	/* 30 columns of 10 ms: lane 0 is 100 then idle then 200; lane 1 the threads; lane 2 */
	vcpu_lane(&c, 0, &tl, 30, cell);
	assert_int_equal(cell[0].pid, 100);
	assert_int_equal(cell[9].pid, 100);
	assert_int_equal(cell[9].busy_ns, 10 * MS);
	assert_int_equal(cell[12].pid, 0);
	assert_int_equal(cell[25].pid, 200);
	vcpu_lane(&c, 1, &tl, 30, cell);
	assert_int_equal(cell[5].pid, 0);
	assert_int_equal(cell[15].pid, 100);
	assert_int_equal(cell[15].busy_ns, 10 * MS);
	vcpu_lane(&c, 2, &tl, 30, cell);
	assert_int_equal(cell[15].pid, 0);
	assert_int_equal(cell[25].pid, 300);
	/* zoomed in: columns of 1 ms */
	tl.t0 = 150 * MS;
	tl.span = 30 * MS;
	vcpu_lane(&c, 1, &tl, 30, cell);
	for (int k = 0; k < 30; k++)
		assert_int_equal(cell[k].pid, 100);
	vcpu_lane(&c, 5, &tl, 30, cell); /* no such lane: all idle */
	assert_int_equal(cell[0].pid, 0);
	vcpu_free(&c);
	session_free(&s);
}

static void test_states(void **state)
{
	struct session s;
	struct vcpu c;
	struct timeline tl = {.t0 = 100 * MS, .span = 20 * MS};
	unsigned char st[20];

	(void)state;
	gil_session(&s);
	vcpu_init(&c);
	assert_int_equal(vcpu_update(&c, &s), 0);
	/* thread 101 runs 100-110, blocked 110-120; 102 the other way round */
	vcpu_states(&c, 100, 101, 0, 300 * MS, &tl, 20, st);
	assert_int_equal(st[0], VST_RUNNING);
	assert_int_equal(st[9], VST_RUNNING);
	assert_int_equal(st[10], VST_BLOCKED);
	assert_int_equal(st[19], VST_BLOCKED);
	vcpu_states(&c, 100, 102, 0, 300 * MS, &tl, 20, st);
	assert_int_equal(st[0], VST_NONE); /* before its first run */
	assert_int_equal(st[10], VST_RUNNING);
	/* at 20 ms a column, each thread was on the CPU half of each: part */
	tl.span = 200 * MS;
	vcpu_states(&c, 100, 101, 0, 300 * MS, &tl, 10, st);
	assert_int_equal(st[0], VST_PART);
	assert_int_equal(st[4], VST_PART);
	tl.span = 20 * MS;
	/* the process: running if any thread runs */
	vcpu_states(&c, 100, 0, 0, 300 * MS, &tl, 20, st);
	for (int k = 0; k < 20; k++)
		assert_int_equal(st[k], VST_RUNNING);
	/* preempted: runnable until the next run; exited: nothing after */
	struct vcpu d;
	struct vrun a = {
	    .t0 = 0, .t1 = 5 * MS, .cpu_ns = 5 * MS, .pid = 7, .tid = 7, .left = FS_LEFT_PREEMPTED};
	struct vrun b = {.t0 = 10 * MS,
			 .t1 = 15 * MS,
			 .cpu_ns = 5 * MS,
			 .pid = 7,
			 .tid = 7,
			 .left = FS_LEFT_EXITED};

	vcpu_init(&d);
	assert_int_equal(vcpu_add(&d, &b), 0);
	assert_int_equal(vcpu_add(&d, &a), 0);
	assert_int_equal(vcpu_index(&d), 0);
	tl.t0 = 0;
	vcpu_states(&d, 7, 0, 0, 20 * MS, &tl, 20, st);
	assert_int_equal(st[2], VST_RUNNING);
	assert_int_equal(st[7], VST_RUNNABLE);
	assert_int_equal(st[12], VST_RUNNING);
	assert_int_equal(st[17], VST_NONE);
	/* a merged run's gap counts as waiting */
	struct vrun m = {.t0 = 20 * MS,
			 .t1 = 40 * MS,
			 .cpu_ns = 4 * MS,
			 .pid = 8,
			 .tid = 8,
			 .left = FS_LEFT_BLOCKED};
	assert_int_equal(vcpu_add(&d, &m), 0);
	assert_int_equal(vcpu_index(&d), 0);
	tl.t0 = 20 * MS;
	vcpu_states(&d, 8, 0, 0, 100 * MS, &tl, 20, st);
	assert_int_equal(st[5], VST_BLOCKED);
	assert_int_equal(vcpu_busy_ns(&d, 0, 100 * MS, 8, 0), 4 * MS);
	vcpu_free(&d);
	vcpu_free(&c);
	session_free(&s);
}

/* Run events come when the run ends, with an earlier t_ns: seeking by time orders them by
 * their end, the time shown never goes back, and the CPU index follows the cursor. */
static void test_seek_with_runs(void **state)
{
	struct session s;
	struct vcpu c;
	struct fs_event fork = ev_fork(100, 1, 1 * MS), exitev = ev_fork(100, 1, 200 * MS);
	struct fs_event th = {.type = FS_EV_THREAD, .t_ns = 99 * MS, .pid = 100, .tid = 101};
	struct fs_event run = ev_run(100, 100, 0, 2 * MS, 100 * MS, FS_LEFT_BLOCKED);

	(void)state;
	exitev.type = FS_EV_EXIT;
	assert_int_equal(session_init(&s, 100), 0);
	assert_int_equal(session_push(&s, &fork), 0);
	assert_int_equal(session_push(&s, &th), 0);
	assert_int_equal(session_push(&s, &run), 0);
	assert_int_equal(session_now_ns(&s), 100 * MS); /* not back to the run's start */
	assert_int_equal(session_push(&s, &exitev), 0);
	assert_int_equal(evstore_lower_bound(&s.store, 100 * MS), 2);
	assert_int_equal(evstore_lower_bound(&s.store, 3 * MS), 1);
	vcpu_init(&c);
	assert_int_equal(session_seek_time(&s, 50 * MS), 0);
	assert_int_equal(s.cursor, 1); /* the fork only: the thread came at 99 ms */
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(session_seek_time(&s, 150 * MS), 0);
	assert_int_equal(s.cursor, 3); /* the run ended at 100 ms: shown; the exit is not */
	assert_int_equal(session_now_ns(&s), 100 * MS);
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(session_seek_time(&s, 99 * MS), 0);
	assert_int_equal(s.cursor, 2);
	assert_int_equal(vcpu_update(&c, &s), 0);
	assert_int_equal(c.n, 0);
	vcpu_free(&c);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cores_busy),
	    cmocka_unit_test(test_lanes),
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_seek_with_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
