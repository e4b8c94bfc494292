/* The event log pane: the incrementally filtered event list, its scroll, and the lines;
 * the output pane (pane_output.c) takes its place with o and i. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/text.h"

/* Keep the filtered index list up to date (incrementally as events arrive). It holds the
 * numbers of events in memory: those dropped leave it, and when a replay reads its file
 * again from the start the list starts again. */
void tui_refilter(struct tui_app *a)
{
	const struct session *s = a->sess;
	size_t first = session_first(s), end = first + s->store.n, k = 0;

	if (a->f_sess != a->sess || a->f_scanned > s->count || first < a->f_first) {
		a->nf = 0;
		a->f_scanned = 0;
		a->f_sess = a->sess;
	}
	a->f_first = first;
	while (k < a->nf && a->fidx[k] < first)
		k++;
	if (k) {
		memmove(a->fidx, a->fidx + k, (a->nf - k) * sizeof(*a->fidx));
		a->nf -= k;
		if (a->ev_sel >= 0)
			a->ev_sel = a->ev_sel > (long)k ? a->ev_sel - (long)k : 0;
	}
	if (a->f_scanned < first)
		a->f_scanned = first;
	for (; a->f_scanned < end; a->f_scanned++) {
		if (!evfilter_match(&a->filt, session_event(s, a->f_scanned)))
			continue;
		if (a->nf == a->capf) {
			size_t cap = a->capf ? a->capf * 2 : 1024;
			size_t *grown = realloc(a->fidx, cap * sizeof(*grown));

			if (!grown)
				return;
			a->fidx = grown;
			a->capf = cap;
		}
		a->fidx[a->nf++] = a->f_scanned;
	}
}
/* Filtered events before the cursor. */
size_t tui_visible_events(const struct tui_app *a)
{
	size_t lo = 0, hi = a->nf;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->fidx[mid] < a->sess->cursor)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
/* Bring the filtered list up to date, keep the selected event among those shown, and
 * scroll: to the newest when following the cursor, else to keep the selection in view. */
void tui_events_update(struct tui_app *a)
{
	int rows = a->lay.pane[PANE_EVENTS].h - 1;
	size_t vis;
	long pos;

	tui_refilter(a);
	if (a->log_view != TUI_LOG_EVENTS) {
		tui_output_update(a);
		return;
	}
	vis = tui_visible_events(a);
	if (a->ev_sel >= (long)vis)
		a->ev_sel = vis ? (long)vis - 1 : -1;
	pos = a->ev_sel >= 0 ? a->ev_sel : (long)vis - 1;
	if (a->ev_sel < 0) {
		a->ev_top = (int)vis - rows;
	} else {
		if (pos < a->ev_top)
			a->ev_top = (int)pos;
		if (pos >= a->ev_top + rows)
			a->ev_top = (int)pos - rows + 1;
	}
	if (a->ev_top > (int)vis - rows)
		a->ev_top = (int)vis - rows;
	if (a->ev_top < 0)
		a->ev_top = 0;
}

/* One event's row in the event log's place: those of the selected process highlighted,
 * signals in red, the selected row reversed. */
void tui_draw_event_row(const struct tui_app *a, const struct view_ev *e, int y, bool selected)
{
	const struct rect *r = &a->lay.pane[PANE_EVENTS];
	const struct fs_proc *sel = tui_selected(a);
	char line[512];
	int attr = A_NORMAL;

	view_event_text(e, line, sizeof(line));
	text_sanitize(line);
	if (sel && view_event_involves(e, sel->pid))
		attr = tui_attr(a, C_MATCH) | A_BOLD;
	if (e->type == FS_EV_SIGNAL && e->sig != SIGCHLD && !(attr & A_BOLD))
		attr = tui_attr(a, C_SIGNAL);
	if (selected) {
		attr |= A_REVERSE;
		tui_fill(y, r->x, r->w, A_REVERSE);
	}
	tui_put(y, r->x, r->w, attr, line);
}

/* The event log: the filtered events up to the cursor, from ev_top on. */
void tui_draw_events(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_EVENTS];
	size_t vis;
	int rows = r->h - 1;
	char head[256], fdesc[128];

	if (a->log_view != TUI_LOG_EVENTS) {
		tui_draw_output(a);
		return;
	}
	vis = tui_visible_events(a);
	evfilter_describe(&a->filt, fdesc, sizeof(fdesc));
	snprintf(head, sizeof(head), " Events %zu/%zu  filter: %s%s", vis, a->sess->cursor, fdesc,
		 session_first(a->sess) ? "  (older events dropped)" : "");
	tui_pane_header(a, r, PANE_EVENTS, head);
	for (int i = 0; i < rows && (size_t)(a->ev_top + i) < vis; i++) {
		const struct view_ev *e = session_event(a->sess, a->fidx[a->ev_top + i]);

		if (!e)
			break;
		tui_draw_event_row(a, e, r->y + 1 + i,
				   a->ev_sel >= 0 && a->ev_top + i == a->ev_sel);
	}
}
