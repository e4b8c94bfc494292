/* Keys: a table per screen maps each key to a small action_* function (htop style);
 * tui_key() dispatches. Actions change the app's state and draw nothing. The help screen's
 * list of keys is in draw.c: a key added here goes there too. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "tui/tui_internal.h"

/* Does a process match the search text (PID, comm, argv)? */
static bool tui_proc_matches(const struct fs_proc *p, const char *text)
{
	char num[16];

	snprintf(num, sizeof(num), "%" PRIu32, p->pid);
	if (!strcmp(num, text) || strstr(p->comm, text) ||
	    strstr(names_role_long(p->role, p->start_method), text))
		return true;
	for (int i = 0; p->argv && i < p->argc && p->argv[i]; i++)
		if (strstr(p->argv[i], text))
			return true;
	return false;
}

/* Select the next process (in tree order, after the selection) matching the search. */
static void tui_find_next(struct tui_app *a)
{
	int start;

	if (!a->search[0])
		return;
	vtree_expand_all(&a->tree);
	vtree_build(&a->tree, a->sess->model);
	start = vtree_find_row(&a->tree, a->sel_idx);
	for (size_t k = 1; k <= a->tree.n; k++) {
		size_t row = ((size_t)(start < 0 ? 0 : start) + k) % a->tree.n;
		const struct fs_proc *p = model_proc(a->sess->model, (size_t)a->tree.rows[row].idx);

		if (tui_proc_matches(p, a->search)) {
			a->sel_idx = a->tree.rows[row].idx;
			return;
		}
	}
	tui_message(a, "no process matches \"%s\"", a->search);
}

/* A key while the search prompt is open: Enter finds (and filters), Esc cancels. */
static void tui_prompt_key(struct tui_app *a, int ch)
{
	if (ch == 27) {
		a->prompting = false;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		a->prompting = false;
		snprintf(a->search, sizeof(a->search), "%s", a->prompt_buf);
		snprintf(a->filt.text, sizeof(a->filt.text), "%s", a->prompt_buf);
		a->f_sess = NULL;
		a->ev_sel = -1;
		if (a->search[0])
			tui_find_next(a);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (a->prompt_len)
			a->prompt_buf[--a->prompt_len] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && a->prompt_len + 1 < sizeof(a->prompt_buf)) {
		a->prompt_buf[a->prompt_len++] = (char)ch;
		a->prompt_buf[a->prompt_len] = '\0';
	}
}

/* Move the tree selection by delta rows (clamped). */
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
static int tui_page(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[a->focus];

	return r->h > 2 ? r->h - 2 : 1;
}

/* Vertical movement in the focused pane. */
static void tui_key_move(struct tui_app *a, int delta)
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
static void tui_key_side(struct tui_app *a, bool right)
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
static void tui_zoom(struct tui_app *a, double factor)
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

/* An action: what one key does. */
typedef void (*tui_action)(struct tui_app *a);

static void action_quit(struct tui_app *a)
{
	a->quit = true;
}

/* A key with nothing to do that still must not close the help screen (a resize). */
static void action_none(struct tui_app *a)
{
	(void)a;
}

static void action_help(struct tui_app *a)
{
	a->back_screen = a->screen;
	a->screen = SCR_HELP;
}

/* Any key on the help screen: back to where it was opened. */
static void action_help_close(struct tui_app *a)
{
	a->screen = a->back_screen;
}

/* Compare screen: stop a comparison still running and go back to the run. */
static void action_compare_back(struct tui_app *a)
{
	if (a->cmp_active >= 0) {
		tui_live_kill(a);
		a->cmp[a->cmp_active].done = true;
		a->cmp_active = -1;
	}
	a->screen = SCR_MAIN;
}

static void action_compare(struct tui_app *a)
{
	tui_compare_start(a);
}

static void action_up(struct tui_app *a)
{
	tui_key_move(a, -1);
}

static void action_down(struct tui_app *a)
{
	tui_key_move(a, 1);
}

static void action_page_up(struct tui_app *a)
{
	tui_key_move(a, -tui_page(a));
}

static void action_page_down(struct tui_app *a)
{
	tui_key_move(a, tui_page(a));
}

static void action_first(struct tui_app *a)
{
	tui_key_move(a, -1000000);
}

/* The last row; in the event log, follow the cursor again. */
static void action_last(struct tui_app *a)
{
	tui_key_move(a, 1000000);
	if (a->focus == PANE_EVENTS)
		a->ev_sel = -1; /* follow again */
}

/* Focus the pane step places on (a maximized pane follows the focus). */
static void tui_focus_step(struct tui_app *a, int step)
{
	a->focus = (a->focus + step) % PANE_COUNT;
	if (a->maximized >= 0)
		a->maximized = a->focus;
}

static void action_next_pane(struct tui_app *a)
{
	tui_focus_step(a, 1);
}

static void action_prev_pane(struct tui_app *a)
{
	tui_focus_step(a, PANE_COUNT - 1);
}

static void action_maximize(struct tui_app *a)
{
	a->maximized = a->maximized >= 0 ? -1 : a->focus;
}

/* Enter: on an event, select its process in the tree; else the details pane on or off. */
static void action_enter(struct tui_app *a)
{
	struct session *s = a->sess;

	if (a->focus == PANE_EVENTS && a->ev_sel >= 0 && (size_t)a->ev_sel < a->nf) {
		const struct view_ev *e = session_event(s, a->fidx[a->ev_sel]);
		int idx = e ? model_find(s->model, e->pid) : -1;

		if (idx >= 0)
			a->sel_idx = idx;
		a->focus = PANE_TREE;
		return;
	}
	a->maximized = a->maximized == PANE_DETAILS ? -1 : PANE_DETAILS;
	a->focus = a->maximized == PANE_DETAILS ? PANE_DETAILS : PANE_TREE;
	a->det_scroll = 0;
}

static void action_left(struct tui_app *a)
{
	tui_key_side(a, false);
}

static void action_right(struct tui_app *a)
{
	tui_key_side(a, true);
}

/* x: fold or unfold the selected process. */
static void action_fold(struct tui_app *a)
{
	struct session *s = a->sess;
	const struct fs_proc *p = a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(s->model)
				      ? model_proc(s->model, (size_t)a->sel_idx)
				      : NULL;

	if (p)
		vtree_set_collapsed(&a->tree, p->pid, !vtree_is_collapsed(&a->tree, p->pid));
}

static void action_unfold_all(struct tui_app *a)
{
	vtree_expand_all(&a->tree);
}

static void action_zoom_in(struct tui_app *a)
{
	tui_zoom(a, 2.0);
}

static void action_zoom_out(struct tui_app *a)
{
	tui_zoom(a, 0.5);
}

static void action_zoom_fit(struct tui_app *a)
{
	a->tl.fit = true;
}

static void action_find(struct tui_app *a)
{
	a->prompting = true;
	a->prompt_len = 0;
	a->prompt_buf[0] = '\0';
}

static void action_find_next(struct tui_app *a)
{
	tui_find_next(a);
}

/* The event log's filter changed: filter again from the start, follow the cursor. */
static void tui_filter_changed(struct tui_app *a)
{
	a->f_sess = NULL;
	a->ev_sel = -1;
}

static void action_filter_type(struct tui_app *a)
{
	evfilter_cycle_type(&a->filt);
	tui_filter_changed(a);
}

/* p: only the selected process's events, or all again. */
static void action_filter_pid(struct tui_app *a)
{
	struct session *s = a->sess;

	if (a->filt.pid)
		a->filt.pid = 0;
	else if (a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(s->model))
		a->filt.pid = model_proc(s->model, (size_t)a->sel_idx)->pid;
	tui_filter_changed(a);
}

static void action_filter_sigchld(struct tui_app *a)
{
	a->filt.hide_sigchld = !a->filt.hide_sigchld;
	tui_filter_changed(a);
}

/* Esc: the search and the event filters (type, process) cleared, a maximized pane back. */
static void action_escape(struct tui_app *a)
{
	bool any = a->search[0] || a->filt.text[0] || a->filt.types || a->filt.pid;

	a->maximized = -1;
	if (!any)
		return;
	a->search[0] = '\0';
	a->filt.text[0] = '\0';
	a->filt.types = 0;
	a->filt.pid = 0;
	tui_filter_changed(a);
	tui_message(a, "search and filters cleared: every event shown");
}

static void action_output(struct tui_app *a)
{
	a->show_output = !a->show_output;
}

/* space: pause or play; at the end of a finished run, play again from the start. */
static void action_play(struct tui_app *a)
{
	struct session *s = a->sess;

	if (a->paused && s->complete && s->cursor == s->count && !(a->live && !a->live_done))
		tui_seek(a, 0); /* at the end: play again from the start */
	a->paused = !a->paused;
}

static void action_step_back(struct tui_app *a)
{
	struct session *s = a->sess;

	a->paused = true;
	if (s->cursor)
		tui_seek(a, s->cursor - 1);
}

static void action_step(struct tui_app *a)
{
	a->paused = true;
	tui_seek(a, a->sess->cursor + 1);
}

static void action_slower(struct tui_app *a)
{
	if (a->speed_idx > 0)
		a->speed_idx--;
	tui_message(a, "speed %gx", tui_speeds[a->speed_idx]);
}

static void action_faster(struct tui_app *a)
{
	if (a->speed_idx + 1 < tui_nspeeds)
		a->speed_idx++;
	tui_message(a, "speed %gx", tui_speeds[a->speed_idx]);
}

/* Home: the start (a live run's view pauses there). */
static void action_start(struct tui_app *a)
{
	if (a->live && !a->live_done)
		a->paused = true;
	tui_seek(a, 0);
}

/* End: the end (a live run's view follows the events again). */
static void action_end(struct tui_app *a)
{
	tui_seek(a, a->sess->count);
	if (a->live && !a->live_done)
		a->paused = false;
}

static void action_rerun(struct tui_app *a)
{
	tui_rerun(a);
}

/* m: the next start method (fork, spawn, forkserver, fork...), and run again. */
static void action_method(struct tui_app *a)
{
	int next = 0;

	if (!a->base_cli) {
		tui_message(a, "a recording cannot change its start method: use forkscope run");
		return;
	}
	for (int k = 0; k < 3; k++)
		if (!strcmp(a->method, names_method(tui_methods[k]))) {
			next = (k + 1) % 3;
			break;
		}
	snprintf(a->method, sizeof(a->method), "%s", names_method(tui_methods[next]));
	tui_message(a, "method %s: running again", a->method);
	tui_rerun(a);
}

/* d: back to the demo picker, when the run was started from it. */
static void action_picker(struct tui_app *a)
{
	if (a->from_picker) {
		a->back_to_picker = true;
		a->quit = true;
	}
}

/* Keys on the main and compare screens, before the screen's own. */
static const tui_action tui_global_keys[KEY_MAX] = {
    ['q'] = action_quit,
    [KEY_F(10)] = action_quit,
    [KEY_RESIZE] = action_none,
};

/* The help screen: a resize redraws it; any other key (q too) closes it. */
static const tui_action tui_help_keys[KEY_MAX] = {
    [KEY_RESIZE] = action_none,
};

/* The compare screen. */
static const tui_action tui_compare_keys[KEY_MAX] = {
    ['?'] = action_help,
    [KEY_F(1)] = action_help,
    ['c'] = action_compare_back,
    [27] = action_compare_back,
    [KEY_BACKSPACE] = action_compare_back,
    ['r'] = action_compare,
};

/* The main screen, in the order of the help screen. */
static const tui_action tui_main_keys[KEY_MAX] = {
    /* moving and panes */
    [KEY_UP] = action_up,
    ['k'] = action_up,
    [KEY_DOWN] = action_down,
    ['j'] = action_down,
    [KEY_PPAGE] = action_page_up,
    [KEY_NPAGE] = action_page_down,
    ['g'] = action_first,
    ['G'] = action_last,
    ['\t'] = action_next_pane,
    [KEY_BTAB] = action_prev_pane,
    ['z'] = action_maximize,
    [27] = action_escape,
    ['\n'] = action_enter,
    ['\r'] = action_enter,
    [KEY_ENTER] = action_enter,
    /* the tree and the timeline */
    [KEY_LEFT] = action_left,
    ['h'] = action_left,
    [KEY_RIGHT] = action_right,
    ['l'] = action_right,
    ['x'] = action_fold,
    ['E'] = action_unfold_all,
    ['+'] = action_zoom_in,
    ['='] = action_zoom_in,
    ['-'] = action_zoom_out,
    ['0'] = action_zoom_fit,
    /* finding and filtering */
    ['/'] = action_find,
    ['n'] = action_find_next,
    ['f'] = action_filter_type,
    ['p'] = action_filter_pid,
    ['s'] = action_filter_sigchld,
    ['o'] = action_output,
    /* playback */
    [' '] = action_play,
    [','] = action_step_back,
    ['.'] = action_step,
    ['<'] = action_slower,
    ['>'] = action_faster,
    [KEY_HOME] = action_start,
    ['b'] = action_start,
    [KEY_END] = action_end,
    ['e'] = action_end,
    /* runs */
    ['m'] = action_method,
    ['r'] = action_rerun,
    ['c'] = action_compare,
    ['d'] = action_picker,
    ['?'] = action_help,
    [KEY_F(1)] = action_help,
};

/* The action of ch in a table, or NULL. */
static tui_action tui_key_action(const tui_action *table, int ch)
{
	return ch >= 0 && ch < KEY_MAX ? table[ch] : NULL;
}

/* One key: the search prompt takes them all; the help screen's own keys, any other closes
 * it (q does not quit there); else the keys of every screen, then of the screen shown. */
void tui_key(struct tui_app *a, int ch)
{
	tui_action act;

	if (a->prompting) {
		tui_prompt_key(a, ch);
		return;
	}
	if (a->screen == SCR_HELP) {
		act = tui_key_action(tui_help_keys, ch);
		(act ? act : action_help_close)(a);
		return;
	}
	act = tui_key_action(tui_global_keys, ch);
	if (!act)
		act =
		    tui_key_action(a->screen == SCR_COMPARE ? tui_compare_keys : tui_main_keys, ch);
	if (act)
		act(a);
}
