/* The terminal UI's pure parts: layout, timeline scale, event filter, tree flattening
 * with collapse, replay stepping and compare figures. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/python.h"
#include "view/output.h"
#include "view/view.h"

/* The source ended with an end line at end_ns, lost events, everything followed. */
static void session_end_at(struct session *s, uint64_t lost, uint64_t end_ns)
{
	struct fs_replay_info info = {.schema = FS_RECORD_SCHEMA, .have_end = true};

	info.end.t_ns = end_ns;
	info.end.lost = lost;
	info.end.complete = true;
	session_end(s, &info);
}

static bool rect_inside(const struct rect *r, int cols, int rows)
{
	return r->h > 0 && r->w > 0 && r->y >= 0 && r->x >= 0 && r->y + r->h <= rows &&
	       r->x + r->w <= cols;
}

static bool rect_overlap(const struct rect *a, const struct rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static void test_layout_sizes(void **state)
{
	static const int sizes[][2] = {{80, 24}, {100, 30}, {132, 43}, {200, 60}, {81, 25}};
	struct layout l;

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int cols = sizes[s][0], rows = sizes[s][1];

		assert_int_equal(layout_compute(&l, cols, rows, -1), 0);
		assert_false(l.too_small);
		assert_true(rect_inside(&l.title, cols, rows));
		assert_true(rect_inside(&l.status, cols, rows));
		assert_int_equal(l.status.y, rows - 1);
		for (int i = 0; i < PANE_COUNT; i++) {
			/* header line plus at least 3 rows of content, at least 20 columns */
			assert_true(rect_inside(&l.pane[i], cols, rows));
			assert_true(l.pane[i].h >= 4);
			assert_true(l.pane[i].w >= 20);
			assert_false(rect_overlap(&l.pane[i], &l.title));
			assert_false(rect_overlap(&l.pane[i], &l.status));
			for (int j = i + 1; j < PANE_COUNT; j++)
				assert_false(rect_overlap(&l.pane[i], &l.pane[j]));
		}
		/* tree and timeline share their rows */
		assert_int_equal(l.pane[PANE_TREE].y, l.pane[PANE_TIMELINE].y);
		assert_int_equal(l.pane[PANE_TREE].h, l.pane[PANE_TIMELINE].h);
	}
}

static void test_layout_too_small(void **state)
{
	struct layout l;
	struct compare_layout c;

	(void)state;
	assert_int_equal(layout_compute(&l, 79, 24, -1), -1);
	assert_true(l.too_small);
	assert_int_equal(layout_compute(&l, 80, 23, -1), -1);
	assert_true(l.too_small);
	assert_int_equal(layout_compute(&l, 0, 0, -1), -1);
	assert_int_equal(layout_compute(&l, -5, 10, PANE_TREE), -1);
	assert_int_equal(layout_compare(&c, 40, 10, false), -1);
	assert_true(c.too_small);
}

static void test_layout_maximized(void **state)
{
	struct layout l;

	(void)state;
	assert_int_equal(layout_compute(&l, 120, 40, PANE_EVENTS), 0);
	assert_int_equal(l.pane[PANE_EVENTS].w, 120);
	assert_int_equal(l.pane[PANE_EVENTS].h, 38);
	assert_int_equal(l.pane[PANE_TREE].h, 0);
	assert_int_equal(l.pane[PANE_DETAILS].w, 0);
}

static void test_layout_compare(void **state)
{
	struct compare_layout c;

	(void)state;
	static const int sizes[][2] = {{80, 24}, {120, 36}, {200, 60}};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int first = 0; first < 2; first++) {
			int w = sizes[s][0], h = sizes[s][1];

			assert_int_equal(layout_compare(&c, w, h, first), 0);
			for (int i = 0; i < 3; i++) {
				assert_true(rect_inside(&c.tree[i], w, h));
				assert_false(rect_overlap(&c.tree[i], &c.table));
				assert_false(rect_overlap(&c.tree[i], &c.axis));
				if (i)
					assert_false(rect_overlap(&c.tree[i], &c.tree[i - 1]));
				assert_true(c.tree[i].h >= (first ? 2 : 4));
			}
			assert_true(rect_inside(&c.table, w, h));
			/* the table whole when asked, or on a tall screen */
			if (first || h >= 36)
				assert_int_equal(c.table.h, 14);
		}
	/* 120x36: the runs get six rows each (a header and five processes) */
	layout_compare(&c, 120, 36, false);
	assert_int_equal(c.tree[0].h, 6);
}

static void test_timeline_fit_and_cols(void **state)
{
	struct timeline t;
	int c0, c1;

	(void)state;
	timeline_init(&t);
	timeline_update(&t, 1000000000ull); /* 1 s */
	assert_true(t.fit);
	assert_int_equal(t.t0, 0);
	assert_true(t.span >= 1000000000ull);
	assert_int_equal(timeline_col(&t, 0, 100), 0);
	/* the end of the run is inside the window, near its right edge */
	assert_true(timeline_col(&t, 1000000000ull, 100) >= 95);
	assert_true(timeline_col(&t, 1000000000ull, 100) < 100);
	assert_true(timeline_col(&t, t.span * 2, 100) >= 100);
	/* a bar over the first half covers about half of the columns */
	assert_true(timeline_bar(&t, 0, 500000000ull, 100, &c0, &c1));
	assert_int_equal(c0, 0);
	assert_true(c1 >= 47 && c1 <= 50);
	/* a run that grows: a fitted scale follows it */
	timeline_update(&t, 4000000000ull);
	assert_true(t.span >= 4000000000ull);
	/* a zero-length run never divides by zero */
	timeline_update(&t, 0);
	assert_true(t.span >= TIMELINE_MIN_SPAN_NS);
	assert_true(timeline_bar(&t, 0, 0, 10, &c0, &c1));
	assert_int_equal(c0, 0);
	assert_int_equal(c1, 0);
}

static void test_timeline_zoom_pan(void **state)
{
	struct timeline t;
	uint64_t total = 1000000000ull, anchor = 500000000ull;
	long before;
	int c0, c1;

	(void)state;
	timeline_init(&t);
	timeline_update(&t, total);
	before = timeline_col(&t, anchor, 100);
	timeline_zoom(&t, 4.0, anchor, total);
	assert_false(t.fit);
	assert_true(t.span < 300000000ull);
	/* the anchor stays where it was on screen */
	assert_true(labs(timeline_col(&t, anchor, 100) - before) <= 1);
	/* a bar outside the window is not drawn; one across it is clipped */
	assert_false(timeline_bar(&t, 0, 10, 100, &c0, &c1));
	assert_true(timeline_bar(&t, 0, total, 100, &c0, &c1));
	assert_int_equal(c0, 0);
	assert_int_equal(c1, 99);
	/* pan right by 10 columns moves t0 by 10% of the span */
	uint64_t t0 = t.t0, span = t.span;

	timeline_pan(&t, 10, 100, total);
	assert_true(t.t0 > t0);
	assert_true(t.t0 - t0 <= span / 10 + 1 && t.t0 - t0 >= span / 10 - 1);
	/* panning far left stops at 0, far right stops at the end */
	for (int i = 0; i < 100; i++)
		timeline_pan(&t, -50, 100, total);
	assert_int_equal(t.t0, 0);
	for (int i = 0; i < 100; i++)
		timeline_pan(&t, 50, 100, total);
	assert_true(t.t0 + t.span <= total + total / 50);
	assert_true(t.t0 + t.span >= total);
	/* zooming in a lot stops at the minimum span; zooming out returns to fit */
	for (int i = 0; i < 60; i++)
		timeline_zoom(&t, 2.0, anchor, total);
	assert_int_equal(t.span, TIMELINE_MIN_SPAN_NS);
	for (int i = 0; i < 60; i++)
		timeline_zoom(&t, 0.5, anchor, total);
	assert_true(t.fit);
	assert_int_equal(t.t0, 0);
}

static struct view_ev make_ev(uint32_t type, uint32_t pid, uint32_t ppid, uint32_t target, int sig)
{
	struct view_ev e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.pid = pid;
	e.ppid = ppid;
	e.target = target;
	e.sig = sig;
	snprintf(e.comm, sizeof(e.comm), "python3");
	return e;
}

static void test_filter(void **state)
{
	struct evfilter f;
	struct view_ev fork_ev = make_ev(FS_EV_FORK, 101, 100, 0, 0);
	struct view_ev exit_ev = make_ev(FS_EV_EXIT, 101, 100, 0, 0);
	struct view_ev term = make_ev(FS_EV_SIGNAL, 100, 0, 101, SIGTERM);
	struct view_ev chld = make_ev(FS_EV_SIGNAL, 101, 0, 100, SIGCHLD);
	struct view_ev other = make_ev(FS_EV_EXIT, 200, 1, 0, 0);
	char args[] = "python3\0-c\0from multiprocessing.forkserver import main";
	struct view_ev exec_ev = make_ev(FS_EV_EXEC, 102, 100, 0, 0);
	char desc[64];

	(void)state;
	exec_ev.args = args;
	exec_ev.args_len = sizeof(args);
	evfilter_init(&f);
	assert_true(evfilter_match(&f, &fork_ev));
	assert_true(evfilter_match(&f, &term));
	assert_false(evfilter_match(&f, &chld)); /* SIGCHLD hidden by default */
	f.hide_sigchld = false;
	assert_true(evfilter_match(&f, &chld));
	/* by type */
	evfilter_cycle_type(&f); /* fork */
	assert_true(evfilter_match(&f, &fork_ev));
	assert_false(evfilter_match(&f, &exit_ev));
	evfilter_cycle_type(&f); /* exec */
	evfilter_cycle_type(&f); /* exit */
	assert_true(evfilter_match(&f, &exit_ev));
	assert_false(evfilter_match(&f, &term));
	evfilter_describe(&f, desc, sizeof(desc));
	assert_non_null(strstr(desc, "exit"));
	evfilter_cycle_type(&f); /* signal */
	evfilter_cycle_type(&f); /* all again */
	assert_int_equal(f.types, 0);
	/* by PID: its fork as child and as parent, signals sent and received */
	f.pid = 101;
	assert_true(evfilter_match(&f, &fork_ev));
	assert_true(evfilter_match(&f, &term));
	assert_true(evfilter_match(&f, &chld));
	assert_false(evfilter_match(&f, &other));
	f.pid = 100;
	assert_true(evfilter_match(&f, &fork_ev));
	assert_false(evfilter_match(&f, &exit_ev));
	/* by text in argv, comm or PID */
	f.pid = 0;
	snprintf(f.text, sizeof(f.text), "forkserver");
	assert_true(evfilter_match(&f, &exec_ev));
	assert_false(evfilter_match(&f, &fork_ev));
	snprintf(f.text, sizeof(f.text), "200");
	assert_true(evfilter_match(&f, &other));
	assert_false(evfilter_match(&f, &exit_ev));
	evfilter_describe(&f, desc, sizeof(desc));
	assert_non_null(strstr(desc, "\"200\""));
}

static void test_texts(void **state)
{
	struct view_ev term = make_ev(FS_EV_SIGNAL, 100, 0, 101, SIGTERM);
	struct view_ev killed = make_ev(FS_EV_EXIT, 101, 100, 0, SIGKILL);
	char buf[256];

	(void)state;
	view_event_text(&term, buf, sizeof(buf));
	assert_non_null(strstr(buf, "100 -> 101  SIGTERM"));
	assert_null(strstr(buf, "("));
	term.sig_result = 1;
	view_event_text(&term, buf, sizeof(buf));
	assert_non_null(strstr(buf, "SIGTERM (ignored by the target)"));
	term.flags = FS_F_TARGET_EXITING; /* the kernel's "ignored" for a dying target */
	view_event_text(&term, buf, sizeof(buf));
	assert_non_null(strstr(buf, "SIGTERM (dropped: the target was already exiting)"));
	killed.exit_code = -1;
	view_event_text(&killed, buf, sizeof(buf));
	assert_non_null(strstr(buf, "killed SIGKILL"));
	/* a tiny buffer is never overrun */
	view_event_text(&term, buf, 4);
	assert_true(strlen(buf) <= 3);
}

/* ---- model-backed parts ---- */

static void push_fork(struct session *s, uint64_t t, uint32_t pid, uint32_t ppid)
{
	static struct fs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = t;
	ev.type = FS_EV_FORK;
	ev.pid = pid;
	ev.ppid = ppid;
	ev.tid = ppid;
	ev.parent_threads = 1;
	snprintf(ev.comm, sizeof(ev.comm), "python3");
	assert_int_equal(session_push(s, &ev), 0);
}

static void push_exit(struct session *s, uint64_t t, uint32_t pid, uint32_t ppid)
{
	static struct fs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = t;
	ev.type = FS_EV_EXIT;
	ev.pid = pid;
	ev.ppid = ppid;
	snprintf(ev.comm, sizeof(ev.comm), "python3");
	assert_int_equal(session_push(s, &ev), 0);
}

/* 100 (root) -> 101 -> {103, 104}; 100 -> 102 */
static void build_family(struct session *s)
{
	assert_int_equal(session_init(s, 100), 0);
	push_fork(s, 10, 100, 0); /* the root: its parent is outside the trace */
	push_fork(s, 20, 101, 100);
	push_fork(s, 30, 102, 100);
	push_fork(s, 40, 103, 101);
	push_fork(s, 50, 104, 101);
	push_exit(s, 60, 104, 101);
}

static uint32_t row_pid(const struct session *s, const struct vtree *t, size_t i)
{
	return model_proc(s->model, (size_t)t->rows[i].idx)->pid;
}

static void test_tree_flatten(void **state)
{
	struct session s;
	struct vtree t;
	char prefix[64];
	int row;

	(void)state;
	build_family(&s);
	vtree_init(&t);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 5);
	/* depth first, children in start order */
	assert_int_equal(row_pid(&s, &t, 0), 100);
	assert_int_equal(row_pid(&s, &t, 1), 101);
	assert_int_equal(row_pid(&s, &t, 2), 103);
	assert_int_equal(row_pid(&s, &t, 3), 104);
	assert_int_equal(row_pid(&s, &t, 4), 102);
	assert_int_equal(t.rows[0].depth, 0);
	assert_int_equal(t.rows[2].depth, 2);
	assert_true(t.rows[3].last);
	assert_false(t.rows[1].last);
	/* 103 sits under 101, which has a later sibling (102): a vertical line passes */
	vtree_prefix(&t.rows[2], true, 40, prefix, sizeof(prefix));
	assert_string_equal(prefix, "| |-");
	vtree_prefix(&t.rows[4], true, 40, prefix, sizeof(prefix));
	assert_string_equal(prefix, "`-");
	vtree_prefix(&t.rows[0], true, 40, prefix, sizeof(prefix));
	assert_string_equal(prefix, "");
	/* collapse 101: its two children disappear, the row says how many are hidden */
	assert_int_equal(vtree_set_collapsed(&t, 101, true), 0);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 3);
	assert_true(t.rows[1].collapsed);
	assert_int_equal(t.rows[1].hidden, 2);
	assert_int_equal(row_pid(&s, &t, 2), 102);
	row = vtree_find_row(&t, model_find(s.model, 103));
	assert_int_equal(row, -1);
	/* collapsing a leaf changes nothing; expanding brings the rows back */
	assert_int_equal(vtree_set_collapsed(&t, 102, true), 0);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 3);
	assert_false(t.rows[2].collapsed);
	assert_int_equal(vtree_set_collapsed(&t, 101, false), 0);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 5);
	/* collapse the root: one row */
	assert_int_equal(vtree_set_collapsed(&t, 100, true), 0);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.rows[0].hidden, 4);
	vtree_expand_all(&t);
	assert_int_equal(vtree_build(&t, s.model), 0);
	assert_int_equal(t.n, 5);
	vtree_free(&t);
	session_free(&s);
}

static void test_tree_deep_prefix(void **state)
{
	struct vtree_row r;
	char buf[256];
	int w;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.depth = 50;
	r.last = true;
	w = vtree_prefix(&r, true, 20, buf, sizeof(buf));
	assert_true(w <= 20);
	assert_int_equal((int)strlen(buf), w);
	assert_memory_equal(buf, "..", 2);
	w = vtree_prefix(&r, false, 20, buf, 5); /* a short buffer is never overrun */
	assert_true(strlen(buf) < 5);
}

static void test_session_seek(void **state)
{
	struct session s;
	const struct fs_proc *p;

	(void)state;
	build_family(&s);
	session_end_at(&s, 0, 70);
	assert_int_equal(s.cursor, 6);
	assert_true(s.finished);
	assert_int_equal(session_now_ns(&s), 70);
	/* step back: 104 is alive again */
	assert_int_equal(session_seek(&s, 5), 0);
	assert_false(s.finished);
	p = model_proc(s.model, (size_t)model_find(s.model, 104));
	assert_false(p->exited);
	assert_int_equal(session_now_ns(&s), 50);
	/* jump to the start: nothing yet; then two events */
	assert_int_equal(session_seek(&s, 0), 0);
	assert_int_equal(model_count(s.model), 0);
	assert_int_equal(session_seek(&s, 2), 0);
	assert_int_equal(model_count(s.model), 2);
	assert_int_equal(model_find(s.model, 103), -1);
	/* past the end clamps; the model is finished again */
	assert_int_equal(session_seek(&s, 1000), 0);
	assert_int_equal(s.cursor, 6);
	assert_true(s.finished);
	p = model_proc(s.model, (size_t)model_find(s.model, 104));
	assert_true(p->exited);
	assert_int_equal(evstore_lower_bound(&s.store, 35), 3);
	assert_int_equal(evstore_lower_bound(&s.store, 1000), 6);
	session_free(&s);
}

static void test_session_paused_push(void **state)
{
	struct session s;

	(void)state;
	build_family(&s);
	assert_int_equal(session_seek(&s, 3), 0);
	/* events arriving while the cursor is held back are stored, not applied */
	push_fork(&s, 70, 105, 100);
	assert_int_equal(s.cursor, 3);
	assert_int_equal(s.store.n, 7);
	assert_int_equal(model_find(s.model, 105), -1);
	assert_int_equal(session_seek(&s, s.store.n), 0);
	assert_true(model_find(s.model, 105) >= 0);
	session_free(&s);
}

static void test_compare_stats(void **state)
{
	struct session s;
	struct compare_stats c;

	(void)state;
	build_family(&s);
	session_end_at(&s, 3, 100);
	compare_compute(&s, &c);
	assert_int_equal(c.procs, 5);
	assert_int_equal(c.lost, 3);
	assert_int_equal(c.total_ns, 100);
	assert_true(c.peak_live >= 4);
	/* 101 forks 103 20 ns after its own fork; 104's exit does not count as its start */
	assert_int_equal(c.children, 1);
	assert_int_equal(c.start_max_ns, 20);
	assert_int_equal(c.start_avg_ns, 20);
	session_free(&s);
}

static void push_exec(struct session *s, uint64_t t, uint32_t pid, uint32_t ppid, const char *code)
{
	static struct fs_event ev;
	const char *argv[] = {"/usr/bin/python3", "-B", "-c", code};
	size_t off = 0;

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = t;
	ev.type = FS_EV_EXEC;
	ev.pid = pid;
	ev.ppid = ppid;
	snprintf(ev.filename, sizeof(ev.filename), "%s", argv[0]);
	snprintf(ev.comm, sizeof(ev.comm), "python3");
	for (int i = 0; i < (code ? 4 : 1); i++) {
		memcpy(ev.args + off, argv[i], strlen(argv[i]) + 1);
		off += strlen(argv[i]) + 1;
	}
	ev.args_len = (uint32_t)off;
	assert_int_equal(session_push(s, &ev), 0);
}

/* pid writes one channel record of facts (no clock base: placed at t) */
static void push_chan(struct session *s, uint64_t t, uint32_t pid, const char *facts)
{
	static struct fs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = t;
	ev.type = FS_EV_CHANNEL;
	ev.pid = pid;
	ev.tid = pid;
	memcpy(ev.args, FS_CHANNEL_MAGIC, 5);
	memcpy(ev.args + 5, facts, strlen(facts));
	ev.args_len = 5 + (uint32_t)strlen(facts);
	assert_int_equal(session_push(s, &ev), 0);
}

#define PYW                                                                                        \
	"{\"fact\":\"process\",\"name\":\"ForkPoolWorker-%d\",\"kind\":\"pool_worker\","           \
	"\"pool\":1,\"method\":\"fork\"}\n{\"fact\":\"ready\"}"

/* A Python root with a forkserver (start 1000, first fork 1900) and three workers whose
 * ready facts come 300, 100 and 200 ns after their forks; one ran two tasks. */
static void build_python(struct session *s)
{
	char rec[512];

	assert_int_equal(session_init(s, 100), 0);
	push_fork(s, 10, 100, 0);
	push_exec(s, 20, 100, 0, NULL);
	push_chan(s, 30, 100, "{\"fact\":\"hello\",\"py_version\":\"3.11.2\"}");
	push_fork(s, 1000, 106, 100);
	push_exec(s, 1100, 106, 100,
		  "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})");
	push_fork(s, 1900, 107, 106);
	push_fork(s, 2000, 101, 100);
	push_fork(s, 2100, 102, 100);
	snprintf(rec, sizeof(rec), PYW, 1);
	push_chan(s, 2300, 101, rec);
	snprintf(rec, sizeof(rec), PYW, 2);
	push_chan(s, 2200, 102, rec);
	push_fork(s, 3000, 103, 100);
	snprintf(rec, sizeof(rec), PYW, 3);
	push_chan(s, 3200, 103, rec);
	push_chan(s, 5000, 101,
		  "{\"fact\":\"task\",\"job\":0,\"index\":0,\"items\":2,\"start_ns\":2400,"
		  "\"end_ns\":2500}\n{\"fact\":\"task\",\"job\":0,\"index\":1,\"items\":2,"
		  "\"start_ns\":4000,\"end_ns\":4500}");
}

static void test_compare_ready(void **state)
{
	struct session s;
	struct compare_stats c;
	const struct fs_proc *w;
	uint64_t at[FS_PY_PHASE_COUNT];
	size_t idx[4];
	unsigned char marks[10];
	struct timeline tl;

	(void)state;
	build_python(&s);
	session_end_at(&s, 0, 10000);
	compare_compute(&s, &c);
	assert_int_equal(c.ready_children, 3);
	assert_int_equal(c.ready_median_ns, 200);
	assert_int_equal(c.ready_max_ns, 300);
	assert_true(c.fsrv_timed);
	assert_int_equal(c.fsrv_once_ns, 900);
	/* the compare axis's marks: the median's length from the first child's fork (101 at
	 * 2000), the forkserver's start (1000) to its first fork */
	assert_int_equal(c.ready_from_ns, 2000);
	assert_int_equal(c.ready_to_ns, 2200);
	assert_int_equal(c.fsrv_from_ns, 1000);
	assert_int_equal(c.fsrv_to_ns, 1900);
	/* the phases and tasks of one worker */
	w = model_proc(s.model, (size_t)model_find(s.model, 101));
	vpy_phases(w, at);
	assert_int_equal(at[FS_PY_PHASE_FORK], 2000);
	assert_int_equal(at[FS_PY_PHASE_EXEC], 0);
	assert_int_equal(at[FS_PY_PHASE_READY], 2300);
	assert_string_equal(names_py_phase(FS_PY_PHASE_HELLO), "interpreter ready");
	assert_null(names_py_phase(FS_PY_PHASE_COUNT));
	assert_int_equal(vpy_tasks(s.model, w, idx, 1), 2);
	assert_int_equal(model_task(s.model, idx[0])->index, 0);
	assert_int_equal(model_task(s.model, idx[0])->items, 2);
	/* on a 10-column axis over [0, 10000): ready at column 2, the tasks at 2 and 4 */
	timeline_init(&tl);
	timeline_update(&tl, 10000);
	vpy_marks(s.model, w, &tl, 10, marks);
	assert_int_equal(marks[2], VPY_READY); /* over the task in the same column */
	assert_int_equal(marks[4], VPY_TASK);
	assert_int_equal(marks[5], VPY_NONE);
	w = model_proc(s.model, (size_t)model_find(s.model, 103));
	assert_int_equal(vpy_tasks(s.model, w, idx, 4), 0);
	{
		/* the rows of a frame at once: the same marks, each on its own row */
		const struct fs_proc *rows[2] = {
		    w, model_proc(s.model, (size_t)model_find(s.model, 101))};
		unsigned char two[20];

		vpy_marks_rows(s.model, rows, 2, &tl, 10, two);
		assert_int_equal(two[3], VPY_READY); /* 103: ready at 3200, no task */
		assert_int_equal(two[4], VPY_NONE);
		assert_memory_equal(two + 10, marks, 10);
	}
	session_free(&s);
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *write_temp(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_view_%d.jsonl", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_session_load(void **state)
{
	static const char header[] =
	    "{\"type\":\"header\",\"schema\":1,\"tool\":\"forkscope 0.1.0\",\"root_pid\":10,"
	    "\"command\":[\"/usr/bin/python3\",\"x.py\"],\"method\":\"spawn\",\"python\":null,"
	    "\"kernel\":\"Linux\",\"start_realtime_ns\":1}\n";
	static const char events[] =
	    "{\"type\":\"fork\",\"t_ns\":5,\"pid\":10,\"ppid\":9,\"parent_tid\":9,"
	    "\"comm\":\"forkscope\",\"parent_threads\":1}\n"
	    "{\"type\":\"exec\",\"t_ns\":6,\"pid\":10,\"ppid\":9,\"filename\":\"/usr/bin/python3\","
	    "\"argv\":[\"/usr/bin/python3\",\"x.py\"]}\n";
	char text[2048], err[256] = "", line[256];
	struct fs_header h;
	struct session s;
	const char *path;

	(void)state;
	/* a whole recording: header, events, end */
	snprintf(text, sizeof(text), "%s%s{\"type\":\"end\",\"t_ns\":9,\"events\":2,\"lost\":4}\n",
		 header, events);
	path = write_temp(text);
	assert_int_equal(session_init(&s, 0), 0);
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), 0);
	assert_int_equal(s.root_pid, 10);
	assert_int_equal(s.store.n, 2);
	assert_true(s.complete);
	assert_int_equal(s.lost, 4);
	assert_int_equal(session_total_ns(&s), 9);
	assert_string_equal(h.method, "spawn");
	assert_int_equal(s.cursor, 0); /* a replay starts at the beginning */
	assert_int_equal(session_seek(&s, 2), 0);
	assert_true(s.finished);
	assert_int_equal(model_count(s.model), 1); /* forkscope itself is not in the model */
	/* the exec line names the program by its base name */
	view_event_text(&s.store.ev[1], line, sizeof(line));
	assert_non_null(strstr(line, "exec"));
	assert_non_null(strstr(line, " python3 x.py"));
	assert_null(strstr(line, "/usr/bin"));
	record_header_clear(&h);
	/* the last line cut short (forkscope killed while writing it): no error, the session
	 * says where the recording stops */
	snprintf(text, sizeof(text), "%s%s{\"type\":\"fork\",\"t_n", header, events);
	path = write_temp(text);
	err[0] = '\0';
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), 0);
	assert_int_equal(s.store.n, 2);
	assert_int_equal(s.info.cut_line, 4);
	assert_true(s.complete);
	record_header_clear(&h);
	/* a broken line before the end: what was read is kept, with the reason */
	snprintf(text, sizeof(text), "%s%s{\"type\":\"fork\",\"t_n\n%s", header, events, events);
	path = write_temp(text);
	err[0] = '\0';
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), 1);
	assert_int_equal(s.store.n, 2);
	assert_true(err[0] != '\0');
	record_header_clear(&h);
	/* a header only: an empty run */
	path = write_temp(header);
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), 0);
	assert_int_equal(s.store.n, 0);
	assert_int_equal(model_count(s.model), 0);
	record_header_clear(&h);
	/* not a recording at all, an empty file, a missing file */
	path = write_temp("hello world\n");
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), -1);
	path = write_temp("");
	assert_int_equal(session_load(&s, path, &h, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	unlink(path);
	assert_int_equal(session_load(&s, "/nonexistent/x.jsonl", &h, err, sizeof(err)), -1);
	session_free(&s);
}

/* ---- bounded sessions: event limit, tombstones, reading the recording again ---- */

/* Event k of a synthetic run of short-lived children of 100 (fork, exec for every fifth,
 * a signal for every seventh, exit; PIDs reused); false past the end. */
static bool synth_event(size_t k, size_t procs, struct fs_event *ev)
{
	size_t i = (k - 1) / 4, step = (k - 1) % 4;
	uint32_t pid = 1000 + (uint32_t)(i % 700);
	uint64_t t = 1000 + (uint64_t)i * 1000;

	memset(ev, 0, FS_EVENT_HEAD_SIZE);
	if (k == 0) { /* the root's fork by forkscope */
		ev->type = FS_EV_FORK;
		ev->t_ns = 1;
		ev->pid = 100;
		ev->ppid = 1;
		ev->tid = 1;
		return true;
	}
	if (i >= procs)
		return false;
	snprintf(ev->comm, sizeof(ev->comm), "python3");
	ev->pid = pid;
	ev->ppid = 100;
	switch (step) {
	case 0:
		ev->type = FS_EV_FORK;
		ev->t_ns = t;
		ev->tid = 100;
		ev->parent_threads = 1;
		break;
	case 1:
		ev->type = i % 5 ? FS_EV_SIGNAL : FS_EV_EXEC;
		ev->t_ns = t + 100;
		if (ev->type == FS_EV_EXEC) {
			snprintf(ev->filename, sizeof(ev->filename), "/bin/true");
			memcpy(ev->args, "/bin/true\0x", 12);
			ev->args_len = 12;
		} else {
			ev->pid = 100;
			ev->target = pid;
			ev->sig = i % 7 ? 10 : 15;
		}
		break;
	case 2:
		ev->type = FS_EV_SIGNAL; /* SIGCHLD to the parent, at the exit */
		ev->t_ns = t + 500;
		ev->target = 100;
		ev->sig = SIGCHLD;
		break;
	default:
		ev->type = FS_EV_EXIT;
		ev->t_ns = t + 500;
		ev->sig = i % 7 ? 0 : 15;
		ev->exit_code = i % 7 ? 0 : -1;
		break;
	}
	return true;
}

/* A recording of synth_event's run to a temporary file; returns the number of events. */
static size_t synth_write(const char *path, size_t procs, size_t upto)
{
	static struct fs_event ev;
	char *command[] = {"/usr/bin/python3", "x.py", NULL};
	struct fs_header h = {.schema = 1,
			      .tool = "forkscope 0.1.0",
			      .root_pid = 100,
			      .command = command,
			      .command_len = 2,
			      .kernel = "Linux"};
	struct fs_end end = {0};
	FILE *f = fopen(path, "w");
	size_t n = 0;

	assert_non_null(f);
	assert_int_equal(record_write_header(f, &h), 0);
	while (n < upto && synth_event(n, procs, &ev)) {
		assert_int_equal(record_write_event(f, &ev), 0);
		end.t_ns = ev.t_ns + 10;
		n++;
	}
	end.events = n;
	if (upto == SIZE_MAX)
		assert_int_equal(record_write_end(f, &end), 0);
	assert_int_equal(fclose(f), 0);
	return n;
}

/* Both sessions show the same thing at their cursors. */
static void assert_same_view(const struct session *a, const struct session *b)
{
	const struct fs_model_stats *x = model_stats(a->model), *y = model_stats(b->model);
	size_t sx = 0, sy = 0;

	assert_int_equal(a->cursor, b->cursor);
	assert_int_equal(session_now_ns(a), session_now_ns(b));
	assert_int_equal(x->events, y->events);
	assert_int_equal(x->forks, y->forks);
	assert_int_equal(x->exits, y->exits);
	assert_int_equal(x->live, y->live);
	assert_int_equal(x->daemon_kills, y->daemon_kills);
	for (int r = 0; r < FS_ROLE_COUNT; r++) {
		sx += x->by_role[r];
		sy += y->by_role[r];
	}
	assert_int_equal(sx, sy);
	assert_int_equal(model_count(a->model) + x->retired, model_count(b->model) + y->retired);
	if (a->cursor > 0) {
		const struct view_ev *e = session_event(a, a->cursor - 1);
		const struct view_ev *f = session_event(b, b->cursor - 1);

		assert_non_null(f);
		if (!e) { /* dropped: only the one before the first kept event */
			assert_int_equal(a->cursor, session_first(a));
			e = f;
		}
		assert_int_equal(e->t_ns, f->t_ns);
		assert_int_equal(e->pid, f->pid);
		assert_int_equal(e->type, f->type);
	}
}

/* A replay under limits matches one that keeps everything, at every kind of seek. */
static void test_session_limits_replay(void **state)
{
	char path[64], err[256] = "";
	struct session full, lim;
	struct fs_header h;
	struct compare_stats cf, cl;
	size_t n, first, pos[] = {SIZE_MAX, 6000, 5999, 5998, 50, 0, 2000, 101, 99, 3, SIZE_MAX};
	uint64_t times[] = {UINT64_MAX, 5000, 1200000, 0, 1499500, 1499501, 700000};

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_view_lim_%d.jsonl", (int)getpid());
	n = synth_write(path, 1500, SIZE_MAX);
	assert_int_equal(session_init(&full, 0), 0);
	assert_int_equal(session_load(&full, path, &h, err, sizeof(err)), 0);
	record_header_clear(&h);
	assert_int_equal(session_init(&lim, 0), 0);
	session_set_limits(&lim, 100, 40);
	assert_int_equal(session_load(&lim, path, &h, err, sizeof(err)), 0);
	record_header_clear(&h);
	assert_int_equal(lim.count, n);
	assert_int_equal(full.count, n);
	assert_int_equal(full.store.n, n);
	assert_int_equal(lim.store.n, 100); /* the rest is read again as the cursor moves */
	assert_int_equal(session_total_ns(&lim), session_total_ns(&full));
	for (size_t k = 0; k < sizeof(pos) / sizeof(pos[0]); k++) {
		assert_int_equal(session_seek(&full, pos[k]), 0);
		assert_int_equal(session_seek(&lim, pos[k]), 0);
		assert_same_view(&lim, &full);
		assert_true(lim.store.n <= 100);
		assert_true(model_count(lim.model) <= 40 + model_stats(lim.model)->live);
	}
	assert_true(lim.finished);
	assert_true(session_first(&lim) > 0);
	assert_null(session_event(&lim, 0));
	assert_true(model_stats(lim.model)->retired > 0);
	compare_compute(&full, &cf);
	compare_compute(&lim, &cl);
	assert_int_equal(cl.procs, cf.procs);
	assert_int_equal(cl.procs, 1501);
	/* step back one event at a time from the end, as ',' does: from the model of the
	 * dropped events and the kept ones, without reading the file again */
	first = session_first(&lim);
	for (int k = 0; k < 5; k++) {
		assert_int_equal(session_seek(&full, full.cursor - 1), 0);
		assert_int_equal(session_seek(&lim, lim.cursor - 1), 0);
		assert_same_view(&lim, &full);
		assert_int_equal(session_first(&lim), first);
	}
	/* to the first kept event and just before it (read again) */
	assert_int_equal(session_seek(&full, first), 0);
	assert_int_equal(session_seek(&lim, first), 0);
	assert_same_view(&lim, &full);
	assert_int_equal(session_first(&lim), first);
	assert_int_equal(session_seek(&full, first - 1), 0);
	assert_int_equal(session_seek(&lim, first - 1), 0);
	assert_same_view(&lim, &full);
	assert_int_equal(session_seek(&full, SIZE_MAX), 0);
	assert_int_equal(session_seek(&lim, SIZE_MAX), 0);
	for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++) {
		assert_int_equal(session_seek_time(&full, times[k]), 0);
		assert_int_equal(session_seek_time(&lim, times[k]), 0);
		assert_same_view(&lim, &full);
	}
	/* playback: the clock moves forward a little at a time */
	session_seek(&full, 0);
	session_seek(&lim, 0);
	for (uint64_t t = 0; t < 1600000; t += 77777) {
		assert_int_equal(session_seek_time(&full, t), 0);
		assert_int_equal(session_seek_time(&lim, t), 0);
		assert_same_view(&lim, &full);
	}
	/* the recording changes under the replay: it ends where the file does now */
	synth_write(path, 1500, 3000);
	assert_int_equal(session_seek(&lim, 0), 0);
	assert_int_equal(session_seek(&lim, SIZE_MAX), -1);
	assert_int_equal(lim.count, 3000);
	assert_int_equal(lim.cursor, 3000);
	assert_int_equal(session_seek(&lim, SIZE_MAX), 0);
	assert_true(lim.finished);
	unlink(path);
	assert_int_equal(session_seek(&lim, 10), -1); /* gone: no crash */
	session_free(&full);
	session_free(&lim);
}

/* A live run under an event limit: bounded store, the model sees every event; going back
 * needs the recording. */
static void test_session_limits_live(void **state)
{
	static struct fs_event ev;
	char path[64];
	struct session s, full;
	size_t n = 0;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_view_live_%d.jsonl", (int)getpid());
	assert_int_equal(session_init(&s, 100), 0);
	assert_int_equal(session_init(&full, 100), 0);
	session_set_limits(&s, 64, 30);
	for (; n < 10 && synth_event(n, 400, &ev); n++) {
		assert_int_equal(session_push(&s, &ev), 0);
		assert_int_equal(session_push(&full, &ev), 0);
	}
	/* paused at 5: events that must go are applied first, the view jumps ahead */
	assert_int_equal(session_seek(&s, 5), 0);
	for (; synth_event(n, 400, &ev); n++) {
		assert_int_equal(session_push(&s, &ev), 0);
		assert_int_equal(session_push(&full, &ev), 0);
		assert_true(s.store.n <= 64);
		assert_true(s.cursor >= session_first(&s));
		assert_int_equal(model_stats(s.model)->events, s.cursor);
	}
	assert_int_equal(s.count, n);
	assert_true(s.cursor > 5 && s.cursor < n);
	assert_true(session_first(&s) > 0);
	assert_null(session_event(&s, 0));
	assert_non_null(session_event(&s, n - 1));
	assert_int_equal(session_seek(&s, n), 0);
	assert_same_view(&s, &full);
	/* back to the kept events: from the model of the dropped ones */
	assert_int_equal(session_seek(&full, session_first(&s) + 3), 0);
	assert_int_equal(session_seek(&s, session_first(&s) + 3), 0);
	assert_same_view(&s, &full);
	assert_int_equal(session_seek(&full, session_first(&s)), 0);
	assert_int_equal(session_seek(&s, session_first(&s)), 0);
	assert_same_view(&s, &full);
	assert_int_equal(session_seek_time(&full, session_event(&s, n - 5)->t_ns), 0);
	assert_int_equal(session_seek_time(&s, session_event(&s, n - 5)->t_ns), 0);
	assert_same_view(&s, &full);
	assert_int_equal(session_seek(&s, n), 0);
	/* back before them: impossible without a file, nothing changes */
	assert_int_equal(session_seek(&s, 10), 1);
	assert_int_equal(s.cursor, n);
	assert_int_equal(session_seek_time(&s, 0), 1);
	assert_int_equal(s.cursor, n);
	/* once the run is on disk, it is read again */
	synth_write(path, 400, SIZE_MAX);
	assert_int_equal(session_set_file(&s, path), 0);
	assert_int_equal(session_seek(&full, 10), 0);
	assert_int_equal(session_seek(&s, 10), 0);
	assert_same_view(&s, &full);
	assert_int_equal(session_seek(&full, n - 3), 0);
	assert_int_equal(session_seek(&s, n - 3), 0);
	assert_same_view(&s, &full);
	unlink(path);
	session_free(&s);
	session_free(&full);
}

/* ---- the output pane (view/output.h) ---- */

static void push_output(struct session *s, uint64_t t, uint32_t pid, uint32_t fd, const char *text)
{
	static struct fs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = t;
	ev.type = FS_EV_OUTPUT;
	ev.pid = pid;
	ev.tid = pid;
	ev.fd = fd;
	ev.args_len = (uint32_t)strlen(text);
	memcpy(ev.args, text, ev.args_len);
	assert_int_equal(session_push(s, &ev), 0);
}

/* The rows of a line at a width, joined with '|', notes in [brackets]. */
static void wrap_rows(const struct fs_output_line *l, int w, char *out, size_t len)
{
	struct vout_wrap wr;
	char row[VOUT_ROW_BYTES(VOUT_MAX_WIDTH)];
	size_t note_at, o = 0;

	out[0] = '\0';
	vout_wrap_init(&wr, l, w, true);
	while (vout_wrap_next(&wr, row, sizeof(row), &note_at))
		o += (size_t)snprintf(out + o, len - o, "%s%.*s%s%s%s", o ? "|" : "", (int)note_at,
				      row, row[note_at] ? "{" : "", row + note_at,
				      row[note_at] ? "}" : "");
}

static struct fs_output_line text_line(const char *text)
{
	struct fs_output_line l;

	memset(&l, 0, sizeof(l));
	l.data = (char *)text;
	l.len = (uint32_t)strlen(text);
	l.fd = 1;
	return l;
}

/* Lines wrap at the width; a visible form is never split; the note follows the text. */
static void test_output_wrap(void **state)
{
	struct fs_output_line l = text_line("0123456789abcdefghijXYZ");
	char out[512];

	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	wrap_rows(&l, 10, out, sizeof(out));
	assert_string_equal(out, "0123456789|abcdefghij|XYZ");
	assert_int_equal(vout_line_rows(&l, 10, true), 3);
	assert_int_equal(vout_line_rows(&l, 23, true), 1);
	l = text_line("abcdefgh\x1b[2J");
	wrap_rows(&l, 10, out, sizeof(out));
	assert_string_equal(out, "abcdefgh|\\x1b[2J");
	l = text_line("evil \x1b]0;pwned\x07\x1b[2J\x1b[H end"); /* a title, a clear, a move */
	wrap_rows(&l, 80, out, sizeof(out));
	assert_string_equal(out, "evil \\x1b]0;pwned\\x07\\x1b[2J\\x1b[H end");
	l = text_line("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* three wide characters */
	wrap_rows(&l, 5, out, sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac|\xe8\xaa\x9e");
	l = text_line("");
	wrap_rows(&l, 10, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(vout_line_rows(&l, 10, true), 1);
	l = text_line("abc");
	l.cut = 5;
	wrap_rows(&l, 10, out, sizeof(out));
	assert_string_equal(out, "abc{ [+5 by}|{tes cut]}");
	l = text_line("");
	l.dropped_mark = true;
	l.dropped = 2048;
	wrap_rows(&l, 80, out, sizeof(out));
	assert_string_equal(out, "{[2048 bytes of output dropped: over 1024 KiB/s]}");
	setlocale(LC_CTYPE, "C");
}

static void test_output_columns(void **state)
{
	struct vout_src src = {.width = 48};
	struct vout_cols c;

	(void)state;
	vout_columns(&src, &c); /* "    101 c-fork  err text" */
	assert_int_equal(c.time, -1);
	assert_int_equal(c.pid, 0);
	assert_int_equal(c.role, 8);
	assert_int_equal(c.stream, 16);
	assert_int_equal(c.text, 20);
	assert_int_equal(c.text_w, 28);
	src.width = 40; /* no room for the role */
	vout_columns(&src, &c);
	assert_int_equal(c.role, -1);
	assert_int_equal(c.stream, 8);
	assert_int_equal(c.text, 12);
	src.events = true; /* under the event log's columns */
	src.width = 72;
	vout_columns(&src, &c);
	assert_int_equal(c.time, 0);
	assert_int_equal(c.stream, 11);
	assert_int_equal(c.pid, 18);
	assert_int_equal(c.role, 27);
	assert_int_equal(c.text, 35);
	src.width = 48;
	vout_columns(&src, &c);
	assert_int_equal(c.role, -1);
	assert_int_equal(c.text, 27);
	assert_int_equal(c.text_w, 21);
}

/* The filtered events of a session (all but runs and writes), up to its cursor. */
static size_t filter_all(const struct session *s, size_t *fidx, size_t cap)
{
	struct evfilter f;
	size_t n = 0;

	evfilter_init(&f);
	for (size_t i = 0; i < s->cursor && n < cap; i++)
		if (evfilter_match(&f, session_event(s, i)))
			fidx[n++] = i;
	return n;
}

/* An item as a word: its line's text, or the event's type and PID. */
static void item_word(const struct vout_item *it, char *buf, size_t len)
{
	if (it->line)
		snprintf(buf, len, "%.*s", (int)it->line->len, it->line->data);
	else
		snprintf(buf, len, "%s%u", it->ev->type == FS_EV_FORK ? "fork" : "exit",
			 it->ev->pid);
}

/* Events and lines in time order, the same both ways; the writer of each line. */
static void test_output_merge(void **state)
{
	struct session s;
	size_t fidx[16];
	struct vout_src src = {.sess = &s, .fidx = fidx, .events = true, .width = 80};
	struct vout_pos pos = vout_start();
	struct vout_item it;
	char seq[256] = "", back[256] = "", w[64];
	const char *want = "fork100 one fork101 two exit101 three";

	(void)state;
	assert_int_equal(session_init(&s, 100), 0);
	push_fork(&s, 10, 100, 0);
	push_output(&s, 15, 100, 1, "one\n");
	push_fork(&s, 20, 101, 100);
	push_output(&s, 25, 101, 2, "two\n");
	push_exit(&s, 30, 101, 100);
	push_output(&s, 35, 100, 1, "three\n");
	src.nf = filter_all(&s, fidx, 16);
	assert_int_equal(src.nf, 3);
	while (vout_next(&src, &pos, &it)) {
		item_word(&it, w, sizeof(w));
		snprintf(seq + strlen(seq), sizeof(seq) - strlen(seq), "%s%s", seq[0] ? " " : "",
			 w);
		if (it.line && it.line->fd == 2) {
			assert_non_null(vout_writer(&src, it.line));
			assert_int_equal(vout_writer(&src, it.line)->pid, 101);
		}
	}
	assert_string_equal(seq, want);
	pos = vout_end_pos();
	while (vout_prev(&src, &pos, &it)) {
		char tmp[256];

		item_word(&it, w, sizeof(w));
		snprintf(tmp, sizeof(tmp), "%s%s%s", w, back[0] ? " " : "", back);
		snprintf(back, sizeof(back), "%s", tmp);
	}
	assert_string_equal(back, want);
	/* without events: the lines; one writer's */
	src.events = false;
	pos = vout_start();
	assert_true(vout_next(&src, &pos, &it));
	assert_string_equal(it.line->data, "one");
	src.pid = 101;
	pos = vout_start();
	assert_true(vout_next(&src, &pos, &it));
	assert_string_equal(it.line->data, "two");
	assert_false(vout_next(&src, &pos, &it));
	session_free(&s);
}

/* The text of the first line shown. */
static const char *top_text(const struct vout *v, const struct vout_src *src)
{
	struct vout_pos pos = v->top;
	struct vout_item it;

	return vout_next(src, &pos, &it) && it.line ? it.line->data : "";
}

static void push_lines(struct session *s, int from, int to)
{
	char text[32];

	for (int i = from; i < to; i++) {
		snprintf(text, sizeof(text), "line %d\n", i);
		push_output(s, 100 + (uint64_t)i, 100, 1, text);
	}
}

/* Following the newest unless held; held, new lines do not move it; the end follows again;
 * a wrapped line scrolls by rows. */
static void test_output_scroll(void **state)
{
	struct session s;
	struct vout_src src = {.sess = &s, .width = 40};
	struct vout v;
	char big[400];

	(void)state;
	assert_int_equal(session_init(&s, 100), 0);
	push_fork(&s, 10, 100, 0);
	push_lines(&s, 0, 50);
	vout_init(&v);
	vout_update(&v, &src, 10);
	assert_true(v.follow);
	assert_string_equal(top_text(&v, &src), "line 40");
	vout_scroll(&v, &src, 10, -1);
	assert_false(v.follow);
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 39");
	push_lines(&s, 50, 55);
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 39");
	vout_scroll(&v, &src, 10, -9);
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 30");
	vout_scroll(&v, &src, 10, 9); /* a page down */
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 39");
	assert_false(v.follow);
	vout_scroll(&v, &src, 10, 100); /* past the end: following again */
	assert_true(v.follow);
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 45");
	vout_home(&v);
	vout_update(&v, &src, 10);
	assert_false(v.follow);
	assert_string_equal(top_text(&v, &src), "line 0");
	vout_scroll(&v, &src, 10, -5); /* nothing above */
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 0");
	vout_end(&v);
	vout_update(&v, &src, 10);
	assert_string_equal(top_text(&v, &src), "line 45");
	/* a line of 10 rows (text 28 columns): the newest rows, then row by row */
	memset(big, 'x', 280);
	big[280] = '\n';
	big[281] = '\0';
	push_output(&s, 1000, 100, 1, big);
	vout_update(&v, &src, 4);
	assert_int_equal(v.top_row, 6);
	vout_scroll(&v, &src, 4, -2);
	vout_update(&v, &src, 4);
	assert_int_equal(v.top_row, 4);
	assert_false(v.follow);
	vout_scroll(&v, &src, 4, -7); /* four rows of it, then lines 54, 53, 52 */
	vout_update(&v, &src, 4);
	assert_string_equal(top_text(&v, &src), "line 52");
	session_free(&s);
}

/* Replays and seeks keep the writes' bytes (the model gets them again); a flood of output
 * is bounded by bytes in memory as well as by events. */
static void test_output_session(void **state)
{
	struct session s;
	const struct fs_output_line *l;
	char text[FS_OUTPUT_CHUNK];
	size_t n;

	(void)state;
	assert_int_equal(session_init(&s, 100), 0);
	push_fork(&s, 10, 100, 0);
	push_output(&s, 11, 100, 2, "hello ");
	push_output(&s, 12, 100, 2, "world\n");
	assert_int_equal(session_seek(&s, 0), 0);
	assert_int_equal(model_output_count(s.model), 0);
	assert_int_equal(session_seek(&s, s.count), 0);
	assert_int_equal(model_output_count(s.model), 1);
	l = model_output_line(s.model, 0);
	assert_string_equal(l->data, "hello world");
	assert_int_equal(l->fd, 2);
	session_free(&s);

	assert_int_equal(session_init(&s, 100), 0);
	session_set_limits(&s, VIEW_EVENT_LIMIT, VIEW_TOMBSTONE_LIMIT);
	push_fork(&s, 10, 100, 0);
	memset(text, 'y', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	n = VIEW_BYTES_LIMIT / (sizeof(text) - 1) + 1000;
	for (size_t i = 0; i < n; i++) {
		text[sizeof(text) - 2] = i % 2 ? '\n' : 'y';
		push_output(&s, 20 + i, 100, 1, text);
		assert_true(s.store.bytes <= VIEW_BYTES_LIMIT);
	}
	assert_true(session_first(&s) > 0);
	assert_int_equal(s.count, n + 1);
	assert_true(model_output_count(s.model) > 0);
	session_free(&s);
}

/* A frame costs the rows it shows: following, held or scrolled, whatever the history. */
static void test_output_cost(void **state)
{
	struct session s;
	struct vout_src src = {.sess = &s, .width = 80};
	struct vout v;
	struct timespec t0, t1;
	double ms;

	(void)state;
	assert_int_equal(session_init(&s, 100), 0);
	push_fork(&s, 10, 100, 0);
	push_lines(&s, 0, 200000);
	vout_init(&v);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000; i++) {
		vout_update(&v, &src, 40);
		if (i == 500)
			vout_scroll(&v, &src, 40, -100000);
		if (i > 500)
			vout_scroll(&v, &src, 40, i % 2 ? -39 : 39);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("1000 frames over 200000 lines: %.1f ms\n", ms);
	assert_true(ms < 1000.0);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_sizes),
	    cmocka_unit_test(test_layout_too_small),
	    cmocka_unit_test(test_layout_maximized),
	    cmocka_unit_test(test_layout_compare),
	    cmocka_unit_test(test_timeline_fit_and_cols),
	    cmocka_unit_test(test_timeline_zoom_pan),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_texts),
	    cmocka_unit_test(test_tree_flatten),
	    cmocka_unit_test(test_tree_deep_prefix),
	    cmocka_unit_test(test_session_seek),
	    cmocka_unit_test(test_session_paused_push),
	    cmocka_unit_test(test_compare_stats),
	    cmocka_unit_test(test_compare_ready),
	    cmocka_unit_test(test_session_load),
	    cmocka_unit_test(test_session_limits_replay),
	    cmocka_unit_test(test_session_limits_live),
	    cmocka_unit_test(test_output_wrap),
	    cmocka_unit_test(test_output_columns),
	    cmocka_unit_test(test_output_merge),
	    cmocka_unit_test(test_output_scroll),
	    cmocka_unit_test(test_output_session),
	    cmocka_unit_test(test_output_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
