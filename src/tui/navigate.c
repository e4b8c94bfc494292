/* Moving in the panes: the tree's selection, the event log's, the details' scroll, folding
 * and the parent (Left/Right), the timeline's pan and zoom, the focus between panes. */
#include <curses.h>

#include "tui/tui_internal.h"

/* Move the tree selection by delta rows (clamped), over thread rows. */
static void tui_move_sel(struct tui_app *a, int delta)
{
	int row = vtree_find_row(&a->tree, a->sel_idx);

	if (a->tree.n == 0)
		return;
	row = row < 0 ? 0 : row + delta;
	if (row < 0)
		row = 0;
	if (row >= (int)a->tree.n)
		row = (int)a->tree.n - 1;
	/* thread rows are not selectable: on to the next process row that way, else back */
	while (row > 0 && row < (int)a->tree.n - 1 && a->tree.rows[row].thread >= 0)
		row += delta < 0 ? -1 : 1;
	while (row > 0 && a->tree.rows[row].thread >= 0)
		row--;
	a->sel_idx = a->tree.rows[row].idx;
	a->det_scroll = 0;
}

/* Move the event log's selection by delta among the events up to the cursor (clamped). */
static void tui_move_event(struct tui_app *a, long delta)
{
	long vis = 0;

	tui_refilter(a);
	for (size_t i = 0; i < a->nf && a->fidx[i] < a->sess->cursor; i++)
		vis++;
	if (vis == 0)
		return;
	if (a->ev_sel < 0)
		a->ev_sel = vis - 1;
	a->ev_sel += delta;
	if (a->ev_sel < 0)
		a->ev_sel = 0;
	if (a->ev_sel >= vis)
		a->ev_sel = vis - 1;
}

/* Rows in a page of the focused pane. */
int tui_page(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[a->focus];

	return r->h > 2 ? r->h - 2 : 1;
}

/* Vertical movement in the focused pane. */
void tui_key_move(struct tui_app *a, int delta)
{
	switch (a->focus) {
	case PANE_EVENTS:
		tui_move_event(a, delta);
		break;
	case PANE_DETAILS:
		a->det_scroll += delta;
		if (a->det_scroll < 0)
			a->det_scroll = 0;
		break;
	default:
		tui_move_sel(a, delta);
		break;
	}
}

/* Left/Right: fold in the tree, pan in the timeline. */
void tui_key_side(struct tui_app *a, bool right)
{
	int row = vtree_find_row(&a->tree, a->sel_idx);
	const struct vtree_row *r;
	const struct fs_proc *p;

	if (a->focus == PANE_TIMELINE) {
		timeline_pan(&a->tl, right ? 8 : -8, a->lay.pane[PANE_TIMELINE].w,
			     tui_time_total(a));
		return;
	}
	if (row < 0)
		return;
	r = &a->tree.rows[row];
	p = model_proc(a->sess->model, (size_t)r->idx);
	if (right) {
		vtree_set_collapsed(&a->tree, p->pid, false);
	} else if (r->has_children && !r->collapsed) {
		vtree_set_collapsed(&a->tree, p->pid, true);
	} else if (p->parent >= 0) {
		a->sel_idx = p->parent; /* on a leaf or a folded row: go to the parent */
	}
}

/* Zoom the timeline by factor around the selected process's start (when shown), else its
 * middle. */
void tui_zoom(struct tui_app *a, double factor)
{
	uint64_t anchor = a->tl.t0 + a->tl.span / 2;
	const struct fs_proc *p =
	    a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(a->sess->model)
		? model_proc(a->sess->model, (size_t)a->sel_idx)
		: NULL;

	if (p && p->start_ns >= a->tl.t0 && p->start_ns <= a->tl.t0 + a->tl.span)
		anchor = p->start_ns;
	timeline_zoom(&a->tl, factor, anchor, tui_time_total(a));
}

/* Focus the pane step places on (a maximized pane follows the focus). */
void tui_focus_step(struct tui_app *a, int step)
{
	a->focus = (a->focus + step) % PANE_COUNT;
	/* the CPU view hides the event log and the details: past them */
	for (int k = 0; k < PANE_COUNT && a->lay.pane[a->focus].h <= 0 && a->maximized < 0; k++)
		a->focus = (a->focus + (step > 0 ? 1 : PANE_COUNT - 1)) % PANE_COUNT;
	if (a->maximized >= 0)
		a->maximized = a->focus;
}
