/* The frame: what is decided before drawing (tui_frame_update) and the drawing of the main,
 * help and compare screens from the panes (pane_*.c); colours by role, the role legend,
 * and the put/fill helpers every pane uses. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"
#include "base/text.h"

const double tui_speeds[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
const int tui_nspeeds = (int)(sizeof(tui_speeds) / sizeof(tui_speeds[0]));

int tui_role_color(enum fs_role role, enum fs_method method)
{
	static const int by_role[FS_ROLE_COUNT] = {
	    [FS_ROLE_OTHER] = C_OTHER,		 [FS_ROLE_MAIN] = C_MAIN,
	    [FS_ROLE_FORKSERVER] = C_FORKSERVER, [FS_ROLE_RESOURCE_TRACKER] = C_TRACKER,
	    [FS_ROLE_MP_CHILD] = C_CHILD_FORK,
	};
	static const int child_by_method[FS_METHOD_COUNT] = {
	    [FS_METHOD_NONE] = C_CHILD_FORK,
	    [FS_METHOD_FORK] = C_CHILD_FORK,
	    [FS_METHOD_SPAWN] = C_CHILD_SPAWN,
	    [FS_METHOD_FORKSERVER] = C_CHILD_FSRV,
	};

	if ((unsigned)role >= FS_ROLE_COUNT)
		return C_OTHER;
	if (role == FS_ROLE_MP_CHILD && (unsigned)method < FS_METHOD_COUNT)
		return child_by_method[method];
	return by_role[role];
}
/* The colour pair of a process's role. */
int tui_proc_color(const struct fs_proc *p)
{
	return tui_role_color(p->role, p->start_method);
}
/* ASCII text clipped to w columns. */
void tui_put(int y, int x, int w, int attr, const char *s)
{
	int n = (int)strlen(s);

	if (w <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(attr);
	mvaddnstr(y, x, s, n < w ? n : w);
	attrset(A_NORMAL);
}

void tui_fill(int y, int x, int w, int attr)
{
	if (w <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

void tui_too_small(int cols, int rows)
{
	char line[128];
	int y = rows / 2 - 1;

	erase();
	snprintf(line, sizeof(line), "terminal too small: %dx%d", cols, rows);
	tui_put(y < 0 ? 0 : y, 0, cols, A_BOLD, line);
	snprintf(line, sizeof(line), "forkscope needs at least %dx%d", LAYOUT_MIN_COLS,
		 LAYOUT_MIN_ROWS);
	tui_put(y + 1, 0, cols, A_NORMAL, line);
	tui_put(y + 2, 0, cols, A_NORMAL, "enlarge it, or q to quit");
}
/* A pane's header line: reversed, brighter when it has the focus. */
void tui_pane_header(const struct tui_app *a, const struct rect *r, int pane, const char *text)
{
	int attr = tui_attr(a, a->focus == pane ? C_FOCUS : C_HEADER) | A_BOLD;

	tui_fill(r->y, r->x, r->w, attr);
	tui_put(r->y, r->x, r->w, attr, text);
}
/* The process selected in the tree, or NULL. */
const struct fs_proc *tui_selected(const struct tui_app *a)
{
	if (a->sel_idx < 0 || (size_t)a->sel_idx >= model_count(a->sess->model))
		return NULL;
	return model_proc(a->sess->model, (size_t)a->sel_idx);
}

/* The roles the legend shows, in its order, each in its colour. */
static const struct {
	enum fs_role role;
	enum fs_method method;
} tui_legend[] = {
    {FS_ROLE_MAIN, FS_METHOD_NONE},
    {FS_ROLE_FORKSERVER, FS_METHOD_NONE},
    {FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE},
    {FS_ROLE_MP_CHILD, FS_METHOD_FORK},
    {FS_ROLE_MP_CHILD, FS_METHOD_SPAWN},
    {FS_ROLE_MP_CHILD, FS_METHOD_FORKSERVER},
    {FS_ROLE_OTHER, FS_METHOD_NONE},
};

/* A legend entry's words: the short form for a narrow place, else the long one. */
static const char *tui_legend_name(size_t i, bool brief)
{
	return brief ? names_role_short(tui_legend[i].role, tui_legend[i].method)
		     : names_role_long(tui_legend[i].role, tui_legend[i].method);
}
/* Columns the whole legend takes (entries and the spaces after them). */
int tui_legend_width(bool brief)
{
	int w = 0;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++)
		w += (int)strlen(tui_legend_name(i, brief)) + 1;
	return w;
}

/* Columns the widest role takes in the long (or short) form. */
int tui_role_width(bool brief)
{
	int w = 0;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++)
		if ((int)strlen(tui_legend_name(i, brief)) > w)
			w = (int)strlen(tui_legend_name(i, brief));
	return w;
}
/* The role legend in colour from column x of row y (brief: the tree's short role names);
 * returns the width used. */
int tui_draw_legend(const struct tui_app *a, int y, int x, int w, bool on_title, bool brief)
{
	int used = 0;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++) {
		const char *name = tui_legend_name(i, brief);
		int color = tui_role_color(tui_legend[i].role, tui_legend[i].method);
		int attr = a->color ? (int)(COLOR_PAIR(color) | A_BOLD)
				    : tui_attr(a, on_title ? C_TITLE : C_OTHER);

		if (a->color && on_title)
			attr |= (int)A_REVERSE;
		tui_put(y, x + used, w - used, attr, name);
		used += (int)strlen(name) + 1;
	}
	return used;
}
/* Is the main screen following a live run: its events as they come, not paused, not
 * stepped back? */
static bool tui_following_live(const struct tui_app *a)
{
	return a->live && !a->live_done && a->sess == &a->main_run.sess && !a->paused &&
	       a->sess->cursor == a->sess->count && a->live_base_set;
}

uint64_t tui_time_total(const struct tui_app *a)
{
	uint64_t total = session_total_ns(a->sess);

	return tui_following_live(a) && a->live_now_ns > total ? a->live_now_ns : total;
}

uint64_t tui_time_now(const struct tui_app *a)
{
	uint64_t now = session_now_ns(a->sess);

	return tui_following_live(a) && a->live_now_ns > now ? a->live_now_ns : now;
}

/* Scroll the tree (and the timeline's rows with it) so that the selection is visible. */
static void tui_tree_scroll(struct tui_app *a, int rows)
{
	int sel_row = vtree_find_row(&a->tree, a->sel_idx);

	if (rows < 1)
		rows = 1;
	if (sel_row >= 0) {
		if (sel_row < a->tree_top)
			a->tree_top = sel_row;
		if (sel_row >= a->tree_top + rows)
			a->tree_top = sel_row - rows + 1;
	}
	if (a->tree_top > (int)a->tree.n - rows)
		a->tree_top = (int)a->tree.n - rows;
	if (a->tree_top < 0)
		a->tree_top = 0;
}
/* Everything a frame needs decided before it is drawn: the layout, the tree rows and the
 * selection, the rows the tree and the timeline show (one less when the legend takes the
 * tree's last row), the tree's scroll, the timeline's fitted scale and the event log's
 * filter and scroll, the CPU view's place and the run index. Call it right before
 * tui_draw(). */
void tui_frame_update(struct tui_app *a)
{
	const struct rect *tree, *tl;

	tui_help_update(a);
	if (a->screen != SCR_MAIN)
		return;
	if (layout_compute(&a->lay, COLS, LINES, a->maximized) != 0)
		return;
	if (a->show_cpu && a->maximized < 0)
		layout_cpu(&a->lay);
	tui_lecture_layout(a); /* the narration line, the narration log */
	vcpu_update(&a->cpu, a->sess);
	vtree_build(&a->tree, a->sess->model);
	if (a->sel_idx < 0 && a->tree.n)
		a->sel_idx = a->tree.rows[0].idx;
	tree = &a->lay.pane[PANE_TREE];
	tl = &a->lay.pane[PANE_TIMELINE];
	a->tree_rows = (tree->h > 1 ? tree->h : tl->h) - 1;
	if (!tui_title_has_legend(a) && tree->h > 3)
		a->tree_rows--; /* the legend takes the tree's last row */
	/* a small tree (it fits twice) is spaced out: a blank line after each row, easier to
	 * follow from the back of a room than half a screen left empty */
	a->tree_pitch = a->tree.n && 2 * (int)a->tree.n - 1 <= a->tree_rows ? 2 : 1;
	a->tree_rows = (a->tree_rows + a->tree_pitch - 1) / a->tree_pitch;
	tui_tree_scroll(a, a->tree_rows);
	if (tl->h > 1 && tl->w > 2)
		timeline_update(&a->tl, tui_time_total(a));
	if (a->lay.pane[PANE_EVENTS].h > 1)
		tui_events_update(a);
	if (a->lay.pane[PANE_DETAILS].h > 1) { /* its scroll within the text, as less */
		int last = tui_details_lines(a) - (a->lay.pane[PANE_DETAILS].h - 1);

		if (a->det_scroll > last)
			a->det_scroll = last > 0 ? last : 0;
	}
}

/* One frame, drawn whole on stdscr from the state tui_frame_update() left; it changes
 * nothing (curses sends only what changed). */
void tui_draw(const struct tui_app *a)
{
	const struct rect *tree = &a->lay.pane[PANE_TREE];

	if (a->screen == SCR_HELP) {
		tui_draw_help(a);
		refresh();
		return;
	}
	if (a->screen == SCR_COMPARE) {
		tui_draw_compare(a);
		refresh();
		return;
	}
	erase();
	if (a->lay.too_small || a->lay.cols != COLS || a->lay.rows != LINES) {
		tui_too_small(COLS, LINES);
		refresh();
		return;
	}
	tui_draw_title(a);
	if (!tui_title_has_legend(a) && tree->h > 3)
		tui_draw_legend(a, tree->y + tree->h - 1, tree->x + 1, tree->w - 1, false,
				tui_legend_width(false) > tree->w - 1);
	if (tree->h > 1)
		tui_draw_tree(a);
	if (a->lay.pane[PANE_TIMELINE].h > 1)
		tui_draw_timeline(a);
	if (a->lay.pane[PANE_EVENTS].h > 1)
		tui_draw_events(a);
	if (a->lay.pane[PANE_DETAILS].h > 1)
		tui_draw_details(a);
	if (a->lay.cpu.h > 1)
		tui_draw_cpu(a);
	tui_draw_narration(a);
	tui_draw_status(a);
	refresh();
}
