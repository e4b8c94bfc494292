/* The mouse: a click selects the process of a tree or timeline row, or an event (and its
 * process), and focuses the pane; a double click does what Enter does; the wheel moves
 * in the pane under it (three rows a notch). On the compare screen a click chooses a run,
 * a double click opens it. A terminal that reports no mouse changes nothing: every key
 * still works, and a report that cannot be read is ignored. */
#include <curses.h>

#include "tui/tui_internal.h"

#define TUI_WHEEL_ROWS 3
/* a press, or a press and its release read at once (curses makes them a click) */
#define TUI_CLICK (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)

void tui_mouse_start(void)
{
	/* presses, not clicks: no wait to tell a click from a drag */
	mouseinterval(0);
	mousemask(TUI_CLICK | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}

/* The pane under (y, x) on the main screen, or -1. */
static int tui_mouse_pane(const struct tui_app *a, int y, int x)
{
	for (int k = 0; k < PANE_COUNT; k++) {
		const struct rect *r = &a->lay.pane[k];

		if (r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w)
			return k;
	}
	return -1;
}

/* A click on line `line` (0: the first under the header) of the tree or the timeline. */
static void tui_mouse_tree(struct tui_app *a, int line)
{
	int pitch = a->tree_pitch > 0 ? a->tree_pitch : 1;
	long row = (long)a->tree_top + line / pitch;

	if (line < 0 || line / pitch >= a->tree_rows || row >= (long)a->tree.n)
		return;
	while (row > 0 && a->tree.rows[row].thread >= 0)
		row--; /* a thread row: its process */
	a->sel_idx = a->tree.rows[row].idx;
	a->det_scroll = 0;
}

/* A click on line `line` of the event log: that event, and its process in the tree. */
static void tui_mouse_event(struct tui_app *a, int line)
{
	long pos = (long)a->ev_top + line;
	const struct view_ev *e;
	int idx;

	if (a->log_view != TUI_LOG_EVENTS || line < 0 || pos >= (long)tui_visible_events(a))
		return;
	a->ev_sel = pos;
	e = session_event(a->sess, a->fidx[pos]);
	idx = e ? model_find(a->sess->model, e->pid) : -1;
	if (idx >= 0)
		a->sel_idx = idx;
}

/* The compare screen: a click chooses the run under it, a double click opens it. */
static void tui_mouse_compare(struct tui_app *a, const MEVENT *ev)
{
	struct compare_layout l;

	if (layout_compare(&l, COLS, LINES, a->cmp_table_first) != 0)
		return;
	for (int k = 0; k < 3; k++)
		if (ev->y >= l.tree[k].y && ev->y < l.tree[k].y + l.tree[k].h) {
			a->cmp_sel = k;
			if (ev->bstate & BUTTON1_DOUBLE_CLICKED)
				tui_compare_open(a, k);
		}
}

void tui_mouse(struct tui_app *a)
{
	MEVENT ev;
	int pane, line;

	if (getmouse(&ev) != OK)
		return; /* nothing to read: the terminal's report was not one */
	if (a->screen == SCR_COMPARE) {
		if (ev.bstate & TUI_CLICK)
			tui_mouse_compare(a, &ev);
		return;
	}
	if (a->screen != SCR_MAIN || a->lay.too_small)
		return;
	pane = tui_mouse_pane(a, ev.y, ev.x);
	if (pane < 0 || !(ev.bstate & (TUI_CLICK | BUTTON4_PRESSED | BUTTON5_PRESSED)))
		return;
	a->focus = pane;
	line = ev.y - a->lay.pane[pane].y - 1;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		int delta = (ev.bstate & BUTTON4_PRESSED) ? -TUI_WHEEL_ROWS : TUI_WHEEL_ROWS;

		if (pane == PANE_EVENTS && a->log_view != TUI_LOG_EVENTS)
			tui_output_scroll(a, delta);
		else
			tui_key_move(a, delta);
		return;
	}
	if (!(ev.bstate & TUI_CLICK))
		return;
	if (pane == PANE_TREE || pane == PANE_TIMELINE)
		tui_mouse_tree(a, line);
	else if (pane == PANE_EVENTS)
		tui_mouse_event(a, line);
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		tui_key(a, '\n');
}
