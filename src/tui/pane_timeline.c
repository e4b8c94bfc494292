/* The timeline pane: one bar per tree row on a shared time axis, with forks, execs, exits
 * and the signals each process received, and when it ran: running, runnable (preempted,
 * waiting for a CPU), blocked; a thread row (threads shown) has its own. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"
#include "model/python.h"

/* One character per column of the scale: a tick every ~10 columns with its time. */
static void tui_draw_axis(const struct tui_app *a, const struct rect *r)
{
	char head[512], t[32];
	int w = r->w, off;

	snprintf(head, sizeof(head), " Timeline %s", a->tl.fit ? "(whole run)" : "(zoomed)");
	names_duration(a->tl.t0 + a->tl.span, t, sizeof(t));
	if ((int)strlen(head) + 1 + (int)strlen(t) + 14 >= w) /* narrow: room for the times */
		snprintf(head, sizeof(head), " Timeline%s", a->tl.fit ? "" : " (zoom)");
	tui_pane_header(a, r, PANE_TIMELINE, head);
	off = (int)strlen(head) + 1;
	/* labels at the left and right edges of the window */
	names_duration(a->tl.t0, t, sizeof(t));
	if (off + 12 < w)
		tui_put(r->y, r->x + off, w - off,
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
	/* Python's marks, named when the run has its facts and there is room */
	if (model_py_stats(a->sess->model)->hellos && off + (int)strlen(t) + 2 + 14 + 14 < w)
		tui_put(r->y, r->x + off + (int)strlen(t) + 2, 14,
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER),
			"@ ready : task");
	names_duration(a->tl.t0 + a->tl.span, t, sizeof(t));
	if ((int)strlen(t) + off + 14 < w)
		tui_put(r->y, r->x + w - (int)strlen(t) - 1, (int)strlen(t),
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
}
/* The signals each process row shown received between its start and its end, in one pass
 * over the events: a row of w per tree row shown, 0 where none, '!' delivered, '~' not
 * (ignored, already pending, queue full; the later signal of a column wins); SIGCHLD is
 * left out: it is everywhere. NULL when there are none (or out of memory). */
static unsigned char *tui_signal_marks(const struct tui_app *a, int rows, int w)
{
	const struct fs_model *m = a->sess->model;
	unsigned char *out = NULL;

	for (size_t k = session_first(a->sess); k < a->sess->cursor; k++) {
		const struct view_ev *e = session_event(a->sess, k);
		long c;

		if (!e)
			break;
		if (e->type != FS_EV_SIGNAL || e->sig == SIGCHLD)
			continue;
		c = timeline_col(&a->tl, e->t_ns, w);
		if (c < 0 || c >= w)
			continue;
		for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
			const struct vtree_row *row = &a->tree.rows[a->tree_top + i];
			const struct fs_proc *p = model_proc(m, (size_t)row->idx);

			if (row->thread >= 0 || e->target != p->pid || e->t_ns < p->start_ns ||
			    (p->exited && e->t_ns > p->end_ns))
				continue;
			if (!out && !(out = calloc((size_t)rows, (size_t)w)))
				return NULL;
			out[(size_t)i * (size_t)w + (size_t)c] =
			    names_sig_delivered(e->sig_result) ? '!' : '~';
		}
	}
	return out;
}

/* A row's signal marks (sm: its row of tui_signal_marks, NULL for none): '!' bold in the
 * signal colour, '~' dim (never the kill mark's red). */
static void tui_draw_signals(const struct tui_app *a, const unsigned char *sm, int y, int row_attr)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];

	for (int c = 0; sm && c < r->w; c++) {
		if (!sm[c])
			continue;
		attrset(sm[c] == '!' ? tui_attr(a, C_SIGNAL) | (int)A_BOLD
				     : tui_soften(a, row_attr & ~(int)A_BOLD));
		mvaddch(y, r->x + c, sm[c]);
	}
	attrset(A_NORMAL);
}

/* Python's marks over a process's bar (mk: its row of vpy_marks_rows, NULL for none):
 * ':' where a task starts; with ready, '@' (bold) where its target starts. */
static void tui_draw_python(const struct tui_app *a, const unsigned char *mk, int y, int attr,
			    bool ready)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];

	for (int c = 0; mk && c < r->w; c++)
		if (!ready && mk[c] == VPY_TASK) {
			attrset(attr);
			mvaddch(y, r->x + c, ':');
		} else if (ready && mk[c] == VPY_READY) {
			attrset((attr & ~A_DIM) | A_BOLD);
			mvaddch(y, r->x + c, '@');
		}
	attrset(A_NORMAL);
}

#define TUI_TL_ROWS 512 /* rows with Python's marks: more than a terminal has */

/* Python's marks of the rows shown, in one pass over the tasks (vpy_marks_rows): a row
 * of w per tree row shown (unused for thread rows and processes that told none); NULL when
 * no row has any, or out of memory. The caller frees it. */
static unsigned char *tui_python_marks(const struct tui_app *a, int rows, int w)
{
	const struct fs_model *m = a->sess->model;
	const struct fs_proc *procs[TUI_TL_ROWS];
	int at[TUI_TL_ROWS];
	size_t n = 0;
	unsigned char *packed, *out = NULL;

	for (int i = 0; i < rows && i < TUI_TL_ROWS && (size_t)(a->tree_top + i) < a->tree.n; i++) {
		const struct vtree_row *row = &a->tree.rows[a->tree_top + i];
		const struct fs_proc *p = model_proc(m, (size_t)row->idx);

		if (row->thread < 0 && (p->py.tasks || p->py.ready_ns)) {
			at[n] = i;
			procs[n++] = p;
		}
	}
	if (!n)
		return NULL;
	packed = malloc(n * (size_t)w);
	out = packed ? calloc((size_t)rows, (size_t)w) : NULL;
	if (out) {
		vpy_marks_rows(m, procs, n, &a->tl, w, packed);
		for (size_t k = 0; k < n; k++)
			memcpy(out + (size_t)at[k] * (size_t)w, packed + k * (size_t)w, (size_t)w);
	}
	free(packed);
	return out;
}

/* Over a bar, where runs are known: running '█' ('#' in ASCII) in the row's colour, on a
 * CPU part of the column '▒' ('%'), runnable '-' (yellow), blocked '.' (dim); columns
 * without a run keep the bar. */
void tui_draw_states(const struct tui_app *a, uint32_t pid, uint32_t tid, uint64_t from,
		     uint64_t to, int y, int attr)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	unsigned char st[1024];
	int w = r->w < (int)sizeof(st) ? r->w : (int)sizeof(st);

	if (a->cpu.indexed == 0 || to <= from)
		return;
	vcpu_states(&a->cpu, pid, tid, from, to, &a->tl, w, st);
	for (int c = 0; c < w; c++) {
		if (st[c] == VST_RUNNING) {
			attrset(attr | A_BOLD);
			mvaddstr(y, r->x + c, a->ascii ? "#" : "\u2588");
		} else if (st[c] == VST_PART) {
			attrset(attr);
			mvaddstr(y, r->x + c, a->ascii ? "%" : "\u2592");
		} else if (st[c] == VST_RUNNABLE) {
			attrset(tui_attr(a, C_RUNNABLE) | A_BOLD);
			mvaddch(y, r->x + c, '-');
		} else if (st[c] == VST_BLOCKED) {
			attrset(tui_soften(a, attr & ~(int)A_BOLD));
			mvaddch(y, r->x + c, '.');
		}
	}
	attrset(A_NORMAL);
}

/* A thread's row: its bar from creation to its end (or its process's, or now), with its
 * states; '|' where it ended. */
static void tui_draw_thread_row(const struct tui_app *a, const struct fs_proc *p,
				const struct fs_thread *th, int y, uint64_t proc_end)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	uint64_t end = th && th->exited && th->end_ns ? th->end_ns : proc_end;
	int c0, c1, attr = tui_soften(a, tui_attr(a, tui_proc_color(p)));

	if (!th || !timeline_bar(&a->tl, th->start_ns, end, r->w, &c0, &c1))
		return;
	attrset(attr);
	tui_hbar(a, y, r->x + c0, c1 - c0 + 1, attr);
	tui_draw_states(a, p->pid, th->tid, th->start_ns, end, y, tui_attr(a, tui_proc_color(p)));
	if (th->exited && timeline_col(&a->tl, end, r->w) == c1) {
		attrset(attr);
		mvaddch(y, r->x + c1, '|');
	}
	attrset(A_NORMAL);
}

/* Bars from fork to exit (or now), task starts ':', exec '*', Python's ready '@', signals
 * received '!' (not delivered '~'), then the end on top, where it happened: '|' exit, 'X' killed by
 * a signal, '>' running,
 * '?' where a recording cut short stopped following it (unknown after). */
void tui_draw_timeline(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	const struct fs_model *m = a->sess->model;
	uint64_t now = tui_time_now(a);
	int rows = a->tree_rows, w = r->w;
	long now_col;
	unsigned char *marks, *sigs;

	if (w <= 2)
		return;
	tui_draw_axis(a, r);
	now_col = timeline_col(&a->tl, now, w);
	marks = tui_python_marks(a, rows, w);
	sigs = tui_signal_marks(a, rows, w);
	for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
		const struct vtree_row *row = &a->tree.rows[a->tree_top + i];
		const struct fs_proc *p = model_proc(m, (size_t)row->idx);
		uint64_t end = p->exited	     ? p->end_ns
			       : p->unknown_after_ns ? p->unknown_after_ns
						     : now;
		int y = r->y + 1 + i * a->tree_pitch, c0, c1, attr = tui_attr(a, tui_proc_color(p));
		const unsigned char *mk;
		long c;

		if (row->thread >= 0) {
			tui_draw_thread_row(a, p, model_thread(m, (size_t)row->thread), y, end);
			continue;
		}
		if (p->exited || p->unknown_after_ns)
			attr = tui_done_attr(a, attr);
		if (row->idx == a->sel_idx)
			attr |= A_BOLD;
		if (!timeline_bar(&a->tl, p->start_ns, end, w, &c0, &c1))
			continue;
		attrset(attr);
		tui_hbar(a, y, r->x + c0, c1 - c0 + 1, attr);
		tui_draw_states(a, p->pid, 0, p->start_ns, end, y, attr & ~A_DIM);
		mk = marks && i < TUI_TL_ROWS ? marks + (size_t)i * (size_t)w : NULL;
		tui_draw_python(a, mk, y, attr, false);
		attrset(attr);
		c = timeline_col(&a->tl, p->start_ns, w);
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '+');
		c = p->exec_ns ? timeline_col(&a->tl, p->exec_ns, w) : -1;
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '*');
		tui_draw_python(a, mk, y, attr, true);
		tui_draw_signals(a, sigs ? sigs + (size_t)i * (size_t)w : NULL, y, attr);
		if (p->exited && timeline_col(&a->tl, end, w) == c1 && p->signal) {
			/* killed: the fatal signal landed where the bar ends */
			attrset(tui_attr(a, C_KILL) | A_BOLD);
			mvaddch(y, r->x + c1, 'X');
		} else if (p->exited && timeline_col(&a->tl, end, w) == c1) {
			attrset(attr);
			mvaddch(y, r->x + c1, '|');
		} else if (!p->exited && p->unknown_after_ns &&
			   timeline_col(&a->tl, end, w) == c1) {
			attrset(attr);
			mvaddch(y, r->x + c1, '?');
		} else if (!p->exited && now_col == c1) {
			attrset(attr);
			mvaddch(y, r->x + c1, '>');
		}
		attrset(A_NORMAL);
	}
	free(marks);
	free(sigs);
}
