/* Keys: a table per screen binds keys to small action_* functions (htop style), each
 * binding with its line of help: the help screen lists the tables themselves, so a key
 * cannot be missing there. tui_key() dispatches (the help screen's own keys are in
 * keys_help.c). Actions change the app's state and draw nothing. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "tui/keys.h"
#include "tui/tui_internal.h"

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
	a->help_top = 0;
}

/* X: the run in every export format (export_key.c), the status line says where. */
static void action_export(struct tui_app *a)
{
	tui_export(a);
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

	if (a->focus == PANE_EVENTS && a->log_view == TUI_LOG_EVENTS && a->ev_sel >= 0 &&
	    (size_t)a->ev_sel < a->nf) {
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

static void action_threads(struct tui_app *a)
{
	a->tree.threads = !a->tree.threads;
}

static void action_cpu_view(struct tui_app *a)
{
	a->show_cpu = !a->show_cpu;
	if (a->show_cpu && (a->focus == PANE_EVENTS || a->focus == PANE_DETAILS))
		a->focus = PANE_TREE; /* those two are hidden */
}

/* The event log's place shows view (or the event log again when it already does), with
 * the focus: its keys scroll it at once. */
static void tui_log_show(struct tui_app *a, enum tui_log_view view)
{
	a->log_view = a->log_view == view ? TUI_LOG_EVENTS : view;
	vout_init(&a->out);
	a->show_cpu = false; /* it takes the event log's place */
	a->focus = PANE_EVENTS;
	if (a->maximized >= 0)
		a->maximized = PANE_EVENTS;
}

static void action_output(struct tui_app *a)
{
	tui_log_show(a, TUI_LOG_OUTPUT);
}

static void action_output_events(struct tui_app *a)
{
	tui_log_show(a, TUI_LOG_BOTH);
}

/* The output pane's scrolling (vout_scroll: only the rows passed are wrapped). */
static void action_out_up(struct tui_app *a)
{
	tui_output_scroll(a, -1);
}

static void action_out_down(struct tui_app *a)
{
	tui_output_scroll(a, 1);
}

static void action_out_page_up(struct tui_app *a)
{
	tui_output_scroll(a, -tui_page(a));
}

static void action_out_page_down(struct tui_app *a)
{
	tui_output_scroll(a, tui_page(a));
}

static void action_out_first(struct tui_app *a)
{
	vout_home(&a->out);
}

static void action_out_last(struct tui_app *a)
{
	vout_end(&a->out);
}

/* space: pause or play; at the end of a finished run, play again from the start. In step
 * mode or with a question up: the lecture's (tui/lecture.c). */
static void action_play(struct tui_app *a)
{
	struct session *s = a->sess;

	if (tui_lecture_space(a))
		return;
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

static void action_mouse(struct tui_app *a)
{
	tui_mouse(a);
}

/* Home / End in the event log and the details: their first / last line, as less and htop;
 * in the tree and the timeline: the run's start / end (b / e). */
static void action_home(struct tui_app *a)
{
	if (a->focus == PANE_EVENTS || a->focus == PANE_DETAILS)
		action_first(a);
	else
		action_start(a);
}

static void action_end_key(struct tui_app *a)
{
	if (a->focus == PANE_EVENTS || a->focus == PANE_DETAILS)
		action_last(a);
	else
		action_end(a);
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

/* Lecture mode (tui/lecture.c): the narration log, lessons, step mode, questions. */
static void action_lesson_next(struct tui_app *a)
{
	tui_lecture_next(a);
}

static void action_lesson_prev(struct tui_app *a)
{
	tui_lecture_prev(a);
}

static void action_narration_log(struct tui_app *a)
{
	tui_lecture_toggle_log(a);
}

static void action_step_mode(struct tui_app *a)
{
	tui_lecture_toggle_step(a);
}

static void action_ask(struct tui_app *a)
{
	tui_lecture_toggle_ask(a);
}

/* d: back to the demo picker, when the run was started from it. */
static void action_picker(struct tui_app *a)
{
	if (a->from_picker) {
		a->back_to_picker = true;
		a->quit = true;
	}
}

/* The main screen, in the order of the help. */
static const struct tui_binding tui_main_keys[] = {
    TUI_SECTION("moving and panes"),
    {{KEY_UP, 'k'}, action_up, "Up k", "move up in the focused pane"},
    {{KEY_DOWN, 'j'}, action_down, "Down j", "move down in the focused pane"},
    {{KEY_PPAGE}, action_page_up, "PgUp", "a page up"},
    {{KEY_NPAGE}, action_page_down, "PgDn", "a page down"},
    {{'g'}, action_first, "g", "first row"},
    {{'G'}, action_last, "G", "last row (event log: follow the events again)"},
    /* before the playback's Home and End (b, e) below: the first binding of a key wins */
    {{KEY_HOME},
     action_home,
     "Home",
     "log, details: the first line; tree, timeline: the start (b)"},
    {{KEY_END},
     action_end_key,
     "End",
     "log, details: the last line (the log follows); tree: the end (e)"},
    {{KEY_MOUSE},
     action_mouse,
     "mouse",
     "click: a process or an event (double: Enter); wheel: scroll"},
    {{'\t'}, action_next_pane, "Tab", "next pane"},
    {{KEY_BTAB}, action_prev_pane, "Shift-Tab", "previous pane"},
    {{'z'}, action_maximize, "z", "maximize the pane, or not"},
    {{'\n', '\r', KEY_ENTER},
     action_enter,
     "Enter",
     "full details (again: back); on an event: its process"},
    TUI_SECTION("the tree and the timeline"),
    {{KEY_LEFT, 'h'}, action_left, "Left h", "tree: fold, or go to the parent; timeline: pan"},
    {{KEY_RIGHT, 'l'}, action_right, "Right l", "tree: unfold; timeline: pan"},
    {{'x'}, action_fold, "x", "fold or unfold the process"},
    {{'E'}, action_unfold_all, "E", "unfold everything"},
    {{'+', '='}, action_zoom_in, "+ =", "timeline: zoom in (around the process)"},
    {{'-'}, action_zoom_out, "-", "timeline: zoom out"},
    {{'0'}, action_zoom_fit, "0", "timeline: the whole run"},
    {{'t'}, action_threads, "t", "threads under their process (TID, state, CPU time), or not"},
    {{'u'}, action_cpu_view, "u", "CPU view: a lane per CPU used, cores busy (again: events)"},
    TUI_SECTION("finding and filtering"),
    {{'/'}, action_find, "/", "find a process (filters the event log too)"},
    {{'n'}, action_find_next, "n", "next process found"},
    {{'f'}, action_filter_type, "f", "event types: all, fork, exec, exit, signal"},
    {{'p'}, action_filter_pid, "p", "events of the selected process only (again: all)"},
    {{'s'}, action_filter_sigchld, "s", "show SIGCHLD in the event log, or not"},
    {{27}, action_escape, "Esc", "clear the search and the filters; leave a maximized pane"},
    TUI_SECTION("the workload's output"),
    {{'o'},
     action_output,
     "o",
     "its lines with their writers (PID in its role's colour, err: stderr) instead of the "
     "event log (again: events)"},
    {{'i'}, action_output_events, "i", "its lines among the events, in time order (again: events)"},
    TUI_SECTION("playback"),
    {{' '}, action_play, "space", "pause / play (live: freeze the view; events keep coming)"},
    {{','}, action_step_back, ",", "one event back"},
    {{'.'}, action_step, ".", "one event forward"},
    {{'<'}, action_slower, "<", "slower (down to 0.1x)"},
    {{'>'}, action_faster, ">", "faster (up to 100x)"},
    {{KEY_HOME, 'b'}, action_start, "Home b", "the start"},
    {{KEY_END, 'e'}, action_end, "End e", "the end (live: follow the events again)"},
    TUI_SECTION("lessons (narration, step mode, questions)"),
    {{']'}, action_lesson_next, "]", "next lesson: its event, process and sentence"},
    {{'['}, action_lesson_prev, "[", "previous lesson"},
    {{'L'}, action_narration_log, "L", "the narration log, every lesson (Enter on one: go there)"},
    {{'S'}, action_step_mode, "S", "step mode (live): freeze; space runs it to the next lesson"},
    {{'a'}, action_ask, "a", "questions before each lesson is shown (space: the answer)"},
    TUI_SECTION("runs"),
    {{'m'}, action_method, "m", "the next start method, and run again (live)"},
    {{'r'}, action_rerun, "r", "run again (live) / replay from the start"},
    {{'c'},
     tui_action_compare,
     "c",
     "compare fork, spawn, forkserver (live, or DEMO-METHOD.jsonl's); back"},
    {{'d'}, action_picker, "d", "back to the demo picker (when started from it)"},
    {{'X'},
     action_export,
     "X",
     "export the run: Perfetto, dot, Mermaid and SVG files next to its recording"},
    {{'?', KEY_F(1)}, action_help, "? F1", "this help"},
};

/* The output pane (o, i) while it has the focus, before the main screen's keys. */
static const struct tui_binding tui_output_keys[] = {
    TUI_SECTION("in the output pane (o, i), with the focus"),
    {{KEY_UP, 'k'}, action_out_up, "Up k", "a row up (held there: new lines do not move it)"},
    {{KEY_DOWN, 'j'}, action_out_down, "Down j", "a row down"},
    {{KEY_PPAGE}, action_out_page_up, "PgUp", "a page up"},
    {{KEY_NPAGE}, action_out_page_down, "PgDn", "a page down (at the end: follow again)"},
    {{KEY_HOME, 'g'}, action_out_first, "Home g", "the oldest line kept"},
    {{KEY_END, 'G'}, action_out_last, "End G", "the newest, following them as they come"},
};

/* Keys on the main and compare screens, after the screen's own. */
static const struct tui_binding tui_global_keys[] = {
    TUI_SECTION("on every screen (but in this help, where any key closes it)"),
    {{'q', KEY_F(10)}, action_quit, "q F10", "quit (a live workload is stopped)"},
    {{KEY_RESIZE}, action_none, NULL, NULL}, /* not a key: the terminal's new size */
};

/* The tables the help lists, in its order. */
static const struct {
	const struct tui_binding *b;
	size_t n;
} tui_help_tables[] = {
    {tui_main_keys, TUI_NKEYS(tui_main_keys)},
    {tui_output_keys, TUI_NKEYS(tui_output_keys)},
    {tui_compare_keys, TUI_COMPARE_NKEYS},
    {tui_global_keys, TUI_NKEYS(tui_global_keys)},
};

tui_action tui_key_action(const struct tui_binding *t, size_t n, int ch)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 4 && t[i].keys[k]; k++)
			if (t[i].keys[k] == ch && t[i].act)
				return t[i].act;
	return NULL;
}

/* The help's line i of keys: its binding, or NULL past the end. */
static const struct tui_binding *tui_help_binding(int i)
{
	for (size_t t = 0; t < TUI_NKEYS(tui_help_tables); t++)
		for (size_t k = 0; k < tui_help_tables[t].n; k++)
			if (tui_help_tables[t].b[k].help && i-- == 0)
				return &tui_help_tables[t].b[k];
	return NULL;
}

int tui_help_key_count(void)
{
	int n = 0;

	while (tui_help_binding(n))
		n++;
	return n;
}

void tui_help_key_line(int i, char *buf, size_t len, bool *heading)
{
	const struct tui_binding *b = tui_help_binding(i);

	*heading = b && !b->label;
	if (!b)
		snprintf(buf, len, "%s", "");
	else if (!b->label)
		snprintf(buf, len, "%s", b->help);
	else
		snprintf(buf, len, "  %-16s %s", b->label, b->help);
}

/* Does the output pane show, with the focus? */
static bool tui_output_focused(const struct tui_app *a)
{
	return a->screen == SCR_MAIN && a->log_view != TUI_LOG_EVENTS && a->focus == PANE_EVENTS &&
	       a->lay.pane[PANE_EVENTS].h > 1;
}

/* One key: the search prompt takes them all; on the help screen its scrolling keys, any
 * other closes it (q does not quit there); else the keys of the output pane when it has
 * the focus, the keys of the screen shown, then the keys of every screen. */
void tui_key(struct tui_app *a, int ch)
{
	tui_action act = NULL;

	if (a->prompting) {
		tui_prompt_key(a, ch);
		return;
	}
	if (a->screen == SCR_HELP) {
		tui_help_screen_key(a, ch);
		return;
	}
	if (tui_lecture_key(a, ch)) /* the narration log's keys, with the focus */
		return;
	if (tui_output_focused(a))
		act = tui_key_action(tui_output_keys, TUI_NKEYS(tui_output_keys), ch);
	if (!act)
		act = a->screen == SCR_COMPARE
			  ? tui_key_action(tui_compare_keys, TUI_COMPARE_NKEYS, ch)
			  : tui_key_action(tui_main_keys, TUI_NKEYS(tui_main_keys), ch);
	if (!act)
		act = tui_key_action(tui_global_keys, TUI_NKEYS(tui_global_keys), ch);
	a->last_key = ch;
	if (act)
		act(a);
}
