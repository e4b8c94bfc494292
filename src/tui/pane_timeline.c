/* The timeline pane: one bar per tree row on a shared time axis, with forks, execs, exits
 * and the signals each process received. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"

/* One character per column of the scale: a tick every ~10 columns with its time. */
static void tui_draw_axis(const struct tui_app *a, const struct rect *r)
{
	char head[512], t[32];
	int w = r->w, off;

	snprintf(head, sizeof(head), " Timeline %s", a->tl.fit ? "(whole run)" : "(zoomed)");
	tui_pane_header(a, r, PANE_TIMELINE, head);
	off = (int)strlen(head) + 1;
	/* labels at the left and right edges of the window */
	names_duration(a->tl.t0, t, sizeof(t));
	if (off + 12 < w)
		tui_put(r->y, r->x + off, w - off,
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
	names_duration(a->tl.t0 + a->tl.span, t, sizeof(t));
	if ((int)strlen(t) + off + 14 < w)
		tui_put(r->y, r->x + w - (int)strlen(t) - 1, (int)strlen(t),
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
}
/* Bars from fork to exit (or now), exec '*', signals received '!', end '|' or 'X'. */
void tui_draw_timeline(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	const struct fs_model *m = a->sess->model;
	uint64_t now = tui_time_now(a);
	int rows = a->tree_rows, w = r->w;
	long now_col;

	if (w <= 2)
		return;
	tui_draw_axis(a, r);
	now_col = timeline_col(&a->tl, now, w);
	for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
		const struct fs_proc *p = model_proc(m, (size_t)a->tree.rows[a->tree_top + i].idx);
		uint64_t end = p->exited ? p->end_ns : now;
		int y = r->y + 1 + i, c0, c1, attr = tui_attr(a, tui_proc_color(p));
		long c;

		if (p->exited)
			attr |= A_DIM;
		if (a->tree.rows[a->tree_top + i].idx == a->sel_idx)
			attr |= A_BOLD;
		if (!timeline_bar(&a->tl, p->start_ns, end, w, &c0, &c1))
			continue;
		attrset(attr);
		mvhline(y, r->x + c0, a->ascii ? '=' : ACS_HLINE, c1 - c0 + 1);
		if (a->ascii)
			mvhline(y, r->x + c0, '=', c1 - c0 + 1);
		if (p->exited && timeline_col(&a->tl, end, w) == c1)
			mvaddch(y, r->x + c1, p->signal ? 'X' : '|');
		else if (!p->exited && now_col == c1)
			mvaddch(y, r->x + c1, '>');
		c = timeline_col(&a->tl, p->start_ns, w);
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '+');
		c = p->exec_ns ? timeline_col(&a->tl, p->exec_ns, w) : -1;
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '*');
		attrset(A_NORMAL);
	}
	/* signals received by the visible processes (SIGCHLD left out: it is everywhere) */
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
			const struct fs_proc *p =
			    model_proc(m, (size_t)a->tree.rows[a->tree_top + i].idx);

			if (p->pid == e->target && e->t_ns >= p->start_ns &&
			    (!p->exited || e->t_ns <= p->end_ns)) {
				attrset(tui_attr(a, C_WARN) | A_BOLD);
				mvaddch(r->y + 1 + i, r->x + (int)c, '!');
				attrset(A_NORMAL);
			}
		}
	}
}
