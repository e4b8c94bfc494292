/* The UI's input loop: live runs through src/live.h, replays of recordings, compare
 * runs, keys, the playback clock; and the entry points of tui.h. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"
#include "tui/tui_internal.h"
#include "base/clock.h"
#include "workload/invoker.h"

#define TUI_POLL_MS 10 /* ring buffer wait per loop turn: keys answer well within 100 ms */
#define TUI_IDLE_MS 25
#define TUI_EVENT_BUDGET_NS 20000000ull /* stop reading events after 20 ms to draw */

static const char *const tui_methods[] = {"fork", "spawn", "forkserver"};

static bool tui_curses_on;

void tui_message(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	tui_sanitize(a->msg);
	a->msg_until_ns = clock_monotonic_ns() + 4000000000ull;
}

bool tui_curses_start(struct tui_app *a)
{
	const char *cs = nl_langinfo(CODESET);

	if (tui_curses_on)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(a->error, sizeof(a->error), "the terminal UI needs a terminal");
		return false;
	}
	if (!newterm(NULL, stdout, stdin)) {
		snprintf(a->error, sizeof(a->error), "cannot use the terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "");
		return false;
	}
	tui_curses_on = true;
	a->ascii = !cs || strcmp(cs, "UTF-8") != 0;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(0);
	tui_colors_init(a);
	return true;
}

void tui_curses_stop(void)
{
	if (!tui_curses_on)
		return;
	curs_set(1);
	endwin();
	tui_curses_on = false;
}

static void tui_app_init(struct tui_app *a)
{
	memset(a, 0, sizeof(*a));
	a->sel_idx = -1;
	a->maximized = -1;
	a->ev_sel = -1;
	a->cmp_active = -1;
	a->speed_idx = 3; /* 1x */
	a->sess = &a->main_run.sess;
	vtree_init(&a->tree);
	timeline_init(&a->tl);
	evfilter_init(&a->filt);
	for (int k = 0; k < 3; k++)
		snprintf(a->cmp[k].method, sizeof(a->cmp[k].method), "%s", tui_methods[k]);
}

static void tui_slot_reset(struct tui_run_slot *s)
{
	if (s->used)
		session_free(&s->sess);
	s->used = false;
	s->done = false;
	s->error[0] = '\0';
}

/* Stop a live run now: whatever remains is killed and reaped. */
static void tui_live_kill(struct tui_app *a)
{
	if (!a->live)
		return;
	live_free(a->live);
	a->live = NULL;
	a->live_done = true;
}

static void tui_record_close(struct tui_app *a, bool write_end)
{
	if (!a->record)
		return;
	if (write_end) {
		struct fs_end end = {.t_ns = session_total_ns(&a->main_run.sess),
				     .events = a->main_run.sess.count,
				     .lost = a->main_run.sess.lost};

		record_write_end(a->record, &end);
	}
	if (fclose(a->record) != 0 && !a->error[0])
		snprintf(a->error, sizeof(a->error), "writing %s failed: %s", a->record_path,
			 strerror(errno));
	a->record = NULL;
}

static void tui_app_free(struct tui_app *a)
{
	bool recording_open = a->record && a->live && !a->live_done;

	tui_live_kill(a);
	tui_record_close(a, recording_open);
	tui_slot_reset(&a->main_run);
	for (int k = 0; k < 3; k++)
		tui_slot_reset(&a->cmp[k]);
	record_header_clear(&a->rec_header);
	vtree_free(&a->tree);
	free(a->fidx);
	a->fidx = NULL;
}

/* The session being fed by the live run. */
static struct tui_run_slot *tui_feed(struct tui_app *a)
{
	return a->cmp_active >= 0 ? &a->cmp[a->cmp_active] : &a->main_run;
}

/* Each traced event: into the session (and the recording). During a storm, give the
 * loop back after a time budget so that keys and drawing keep up; the rest of the
 * events stay in the ring buffer for the next turn. */
static int tui_on_event(void *ctx, const struct fs_event *ev)
{
	struct tui_app *a = ctx;
	struct tui_run_slot *s = tui_feed(a);

	if (session_push(&s->sess, ev) != 0)
		tui_message(a, "out of memory: events dropped");
	if (a->record && s == &a->main_run)
		record_write_event(a->record, ev);
	if (a->live && live_running(a->live) && (s->sess.count & 63) == 0 &&
	    clock_monotonic_ns() - a->poll_start_ns > TUI_EVENT_BUDGET_NS)
		return -1;
	return 0;
}

/* Start the workload with a method ("" = default) into a slot. 0, or -1 with the reason
 * in s->error; *usage set when the user's input is at fault. */
static int tui_live_begin(struct tui_app *a, struct tui_run_slot *s, const char *method,
			  bool *usage)
{
	struct fs_live_opts o;
	const struct fs_header *h;

	tui_live_kill(a);
	tui_slot_reset(s);
	a->cli = *a->base_cli;
	a->cli.method = method[0] ? method : NULL;
	a->cli.no_tui = false;
	memset(&o, 0, sizeof(o));
	o.cli = &a->cli;
	o.output = FS_LIVE_OUTPUT_PIPE;
	o.on_event = tui_on_event;
	o.ctx = a;
	*usage = false;
	a->live_cap_hits = 0;
	a->live = live_start(&o, usage, s->error, sizeof(s->error));
	if (!a->live)
		return -1;
	h = live_header(a->live);
	if (session_init(&s->sess, h->root_pid) != 0) {
		snprintf(s->error, sizeof(s->error), "out of memory");
		tui_live_kill(a);
		return -1;
	}
	session_set_limits(&s->sess, VIEW_EVENT_LIMIT, VIEW_TOMBSTONE_LIMIT);
	s->used = true;
	a->live_done = false;
	if (s == &a->main_run && a->record_path) {
		tui_record_close(a, false);
		a->record = fopen(a->record_path, "w");
		if (!a->record)
			snprintf(s->error, sizeof(s->error), "cannot write %s: %s", a->record_path,
				 strerror(errno));
		else {
			invoker_give(a->record_path);
			record_write_header(a->record, h);
		}
	}
	return 0;
}

/* A fresh main run: views reset to follow it. */
static int tui_main_begin(struct tui_app *a, bool *usage)
{
	int rc;

	a->sel_idx = -1;
	a->tree_top = 0;
	a->ev_sel = -1;
	a->f_sess = NULL;
	a->paused = false;
	a->out_n = 0;
	a->out_part_len = 0;
	timeline_init(&a->tl);
	rc = tui_live_begin(a, &a->main_run, a->method, usage);
	a->sess = &a->main_run.sess;
	if (rc != 0) {
		/* keep something to show: an empty session */
		if (!a->main_run.used && session_init(&a->main_run.sess, 0) == 0)
			a->main_run.used = true;
		a->live_done = true;
	}
	return rc;
}

/* Read what the workload printed (never on our screen): lines into a ring. */
static void tui_read_output(struct tui_app *a)
{
	char buf[4096];
	int fd = a->live ? live_output_fd(a->live) : -1;
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			bool eol = buf[i] == '\n';

			if (!eol && a->out_part_len + 1 < TUI_OUT_WIDTH)
				a->out_part[a->out_part_len++] = buf[i];
			if (eol || a->out_part_len + 1 >= TUI_OUT_WIDTH) {
				a->out_part[a->out_part_len] = '\0';
				tui_sanitize(a->out_part);
				memcpy(a->out_lines[a->out_head], a->out_part, a->out_part_len + 1);
				a->out_head = (a->out_head + 1) % TUI_OUT_LINES;
				if (a->out_n < TUI_OUT_LINES)
					a->out_n++;
				a->out_part_len = 0;
			}
		}
	}
}

/* The next compare run, or the end of the comparison. */
static void tui_compare_next(struct tui_app *a)
{
	bool usage;

	while (++a->cmp_active < 3) {
		if (tui_live_begin(a, &a->cmp[a->cmp_active], tui_methods[a->cmp_active], &usage) ==
		    0)
			return;
		a->cmp[a->cmp_active].done = true;
	}
	a->cmp_active = -1;
	tui_message(a, "compare finished");
}

static void tui_compare_start(struct tui_app *a)
{
	if (!a->base_cli) {
		tui_message(a, "compare needs a live run (forkscope run, or the demo picker)");
		return;
	}
	tui_live_kill(a);
	if (a->record && a->main_run.used)
		tui_record_close(a, true);
	for (int k = 0; k < 3; k++)
		tui_slot_reset(&a->cmp[k]);
	a->cmp_active = -1;
	a->screen = SCR_COMPARE;
	tui_compare_next(a);
}

/* One turn of the live run: events, reaping, the end of the run. */
static void tui_live_turn(struct tui_app *a)
{
	struct tui_run_slot *s = tui_feed(a);
	struct fs_end end;
	char err[256] = "";

	if (!a->live) {
		napms(TUI_IDLE_MS);
		return;
	}
	a->poll_start_ns = clock_monotonic_ns();
	if (live_poll(a->live, TUI_POLL_MS) != 0) {
		tui_read_output(a);
		a->live_lost = live_lost(a->live);
		a->live_elapsed_ns = live_elapsed_ns(a->live);
		a->live_cap_hits = live_cap_hits(a->live);
		a->live_max_procs = live_max_procs(a->live);
		return;
	}
	tui_read_output(a);
	a->live_cap_hits = live_cap_hits(a->live);
	live_finish(a->live, &end, err, sizeof(err));
	session_end(&s->sess, end.lost, end.t_ns);
	if (a->record && s == &a->main_run) {
		/* complete on disk: stepping back before the events kept in memory reads it */
		if (record_write_end(a->record, &end) == 0 && fflush(a->record) == 0 &&
		    !ferror(a->record))
			session_set_file(&s->sess, a->record_path);
	}
	if (err[0]) {
		snprintf(s->error, sizeof(s->error), "%s", err);
		tui_message(a, "%s", err);
	}
	s->done = true;
	tui_live_kill(a);
	if (a->cmp_active >= 0)
		tui_compare_next(a);
	else
		tui_message(a, "the workload has finished: r run again, m other method, c compare");
}

/* Playback of a replay or a finished run: advance the cursor with the clock. */
static void tui_playback(struct tui_app *a)
{
	struct session *s = a->sess;
	uint64_t now = clock_monotonic_ns();
	bool following = a->live && !a->live_done && a->sess == &a->main_run.sess;

	if (following) {
		if (!a->paused && s->cursor != s->count)
			session_seek(s, s->count);
		a->play_t = session_now_ns(s);
	} else if (!a->paused) {
		double dt = (double)(now - a->last_tick_ns) * tui_speeds[a->speed_idx];

		a->play_t += (uint64_t)dt;
		session_seek_time(s, a->play_t);
		if (s->cursor == s->count && a->play_t >= session_total_ns(s)) {
			a->paused = true;
			a->play_t = session_total_ns(s);
		}
	}
	a->last_tick_ns = now;
}

/* The selection before the model changes: its process's serial (indexes may change). */
struct tui_sel {
	const struct session *sess;
	uint64_t serial;
	bool valid;
};

static struct tui_sel tui_sel_save(const struct tui_app *a)
{
	struct tui_sel sel = {.sess = a->sess};
	const struct fs_proc *p =
	    a->sel_idx >= 0 ? model_proc(a->sess->model, (size_t)a->sel_idx) : NULL;

	if (p) {
		sel.serial = p->serial;
		sel.valid = true;
	}
	return sel;
}

/* After the model changed: the same process again (-1 when retired or not started yet). */
static void tui_sel_restore(struct tui_app *a, const struct tui_sel *sel)
{
	if (sel->valid && sel->sess == a->sess)
		a->sel_idx = model_find_serial(a->sess->model, sel->serial);
}

static void tui_seek(struct tui_app *a, size_t cursor)
{
	struct session *s = a->sess;
	struct tui_sel sel = tui_sel_save(a);

	if (session_seek(s, cursor) > 0)
		tui_message(a, "older events were dropped: cannot go back before event %zu",
			    session_first(s) + 1);
	tui_sel_restore(a, &sel);
	a->play_t = s->cursor_ns;
	if (s->cursor == s->count)
		a->play_t = session_total_ns(s);
}

/* Does a process match the search text (PID, comm, argv)? */
static bool tui_proc_matches(const struct fs_proc *p, const char *text)
{
	char num[16];

	snprintf(num, sizeof(num), "%" PRIu32, p->pid);
	if (!strcmp(num, text) || strstr(p->comm, text) || strstr(view_role_label(p), text))
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
			     session_total_ns(a->sess));
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

static void tui_zoom(struct tui_app *a, double factor)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	uint64_t anchor = a->tl.t0 + a->tl.span / 2;
	const struct fs_proc *p =
	    a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(a->sess->model)
		? model_proc(a->sess->model, (size_t)a->sel_idx)
		: NULL;

	if (p && p->start_ns >= a->tl.t0 && p->start_ns <= a->tl.t0 + a->tl.span)
		anchor = p->start_ns;
	timeline_zoom(&a->tl, factor, anchor, session_total_ns(a->sess));
	(void)r;
}

static void tui_rerun(struct tui_app *a)
{
	bool usage;

	if (!a->base_cli) {
		tui_seek(a, 0);
		a->paused = false;
		return;
	}
	if (tui_main_begin(a, &usage) != 0)
		tui_message(a, "%s", a->main_run.error);
	else if (a->main_run.error[0])
		tui_message(a, "%s", a->main_run.error);
}

/* Keys of the main screen (and the global ones). */
static void tui_key(struct tui_app *a, int ch)
{
	struct session *s = a->sess;

	if (a->prompting) {
		tui_prompt_key(a, ch);
		return;
	}
	if (ch == 'q' || ch == KEY_F(10)) {
		a->quit = true;
		return;
	}
	if (ch == KEY_RESIZE)
		return;
	if (a->screen == SCR_HELP) {
		a->screen = a->back_screen;
		return;
	}
	if (ch == '?' || ch == KEY_F(1)) {
		a->back_screen = a->screen;
		a->screen = SCR_HELP;
		return;
	}
	if (a->screen == SCR_COMPARE) {
		if (ch == 'c' || ch == 27 || ch == KEY_BACKSPACE) {
			if (a->cmp_active >= 0) {
				tui_live_kill(a);
				a->cmp[a->cmp_active].done = true;
				a->cmp_active = -1;
			}
			a->screen = SCR_MAIN;
		} else if (ch == 'r') {
			tui_compare_start(a);
		}
		return;
	}
	switch (ch) {
	case KEY_UP:
	case 'k':
		tui_key_move(a, -1);
		break;
	case KEY_DOWN:
	case 'j':
		tui_key_move(a, 1);
		break;
	case KEY_PPAGE:
		tui_key_move(a, -tui_page(a));
		break;
	case KEY_NPAGE:
		tui_key_move(a, tui_page(a));
		break;
	case 'g':
		tui_key_move(a, -1000000);
		break;
	case 'G':
		tui_key_move(a, 1000000);
		if (a->focus == PANE_EVENTS)
			a->ev_sel = -1; /* follow again */
		break;
	case '\t':
	case KEY_BTAB:
		a->focus = (a->focus + (ch == '\t' ? 1 : PANE_COUNT - 1)) % PANE_COUNT;
		if (a->maximized >= 0)
			a->maximized = a->focus;
		break;
	case 'z':
		a->maximized = a->maximized >= 0 ? -1 : a->focus;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (a->focus == PANE_EVENTS && a->ev_sel >= 0 && (size_t)a->ev_sel < a->nf) {
			const struct view_ev *e = session_event(s, a->fidx[a->ev_sel]);
			int idx = e ? model_find(s->model, e->pid) : -1;

			if (idx >= 0)
				a->sel_idx = idx;
			a->focus = PANE_TREE;
			break;
		}
		a->maximized = a->maximized == PANE_DETAILS ? -1 : PANE_DETAILS;
		a->focus = a->maximized == PANE_DETAILS ? PANE_DETAILS : PANE_TREE;
		a->det_scroll = 0;
		break;
	case 27:
		a->maximized = -1;
		break;
	case KEY_LEFT:
	case 'h':
		tui_key_side(a, false);
		break;
	case KEY_RIGHT:
	case 'l':
		tui_key_side(a, true);
		break;
	case 'x': {
		const struct fs_proc *p =
		    a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(s->model)
			? model_proc(s->model, (size_t)a->sel_idx)
			: NULL;

		if (p)
			vtree_set_collapsed(&a->tree, p->pid,
					    !vtree_is_collapsed(&a->tree, p->pid));
		break;
	}
	case 'E':
		vtree_expand_all(&a->tree);
		break;
	case '+':
	case '=':
		tui_zoom(a, 2.0);
		break;
	case '-':
		tui_zoom(a, 0.5);
		break;
	case '0':
		a->tl.fit = true;
		break;
	case '/':
		a->prompting = true;
		a->prompt_len = 0;
		a->prompt_buf[0] = '\0';
		break;
	case 'n':
		tui_find_next(a);
		break;
	case 'f':
		evfilter_cycle_type(&a->filt);
		a->f_sess = NULL;
		a->ev_sel = -1;
		break;
	case 'p':
		if (a->filt.pid)
			a->filt.pid = 0;
		else if (a->sel_idx >= 0 && (size_t)a->sel_idx < model_count(s->model))
			a->filt.pid = model_proc(s->model, (size_t)a->sel_idx)->pid;
		a->f_sess = NULL;
		a->ev_sel = -1;
		break;
	case 's':
		a->filt.hide_sigchld = !a->filt.hide_sigchld;
		a->f_sess = NULL;
		a->ev_sel = -1;
		break;
	case 'o':
		a->show_output = !a->show_output;
		break;
	case ' ':
		if (a->paused && s->complete && s->cursor == s->count &&
		    !(a->live && !a->live_done))
			tui_seek(a, 0); /* at the end: play again from the start */
		a->paused = !a->paused;
		break;
	case ',':
		a->paused = true;
		if (s->cursor)
			tui_seek(a, s->cursor - 1);
		break;
	case '.':
		a->paused = true;
		tui_seek(a, s->cursor + 1);
		break;
	case '<':
		if (a->speed_idx > 0)
			a->speed_idx--;
		tui_message(a, "speed %gx", tui_speeds[a->speed_idx]);
		break;
	case '>':
		if (a->speed_idx + 1 < tui_nspeeds)
			a->speed_idx++;
		tui_message(a, "speed %gx", tui_speeds[a->speed_idx]);
		break;
	case KEY_HOME:
	case 'b':
		if (a->live && !a->live_done)
			a->paused = true;
		tui_seek(a, 0);
		break;
	case KEY_END:
	case 'e':
		tui_seek(a, s->count);
		if (a->live && !a->live_done)
			a->paused = false;
		break;
	case 'r':
		tui_rerun(a);
		break;
	case 'm':
		if (!a->base_cli) {
			tui_message(
			    a, "a recording cannot change its start method: use forkscope run");
			break;
		}
		for (int k = 0; k < 3; k++)
			if (!strcmp(a->method, tui_methods[k])) {
				snprintf(a->method, sizeof(a->method), "%s",
					 tui_methods[(k + 1) % 3]);
				goto rerun;
			}
		snprintf(a->method, sizeof(a->method), "%s", tui_methods[0]);
	rerun:
		tui_message(a, "method %s: running again", a->method);
		tui_rerun(a);
		break;
	case 'c':
		tui_compare_start(a);
		break;
	case 'd':
		if (a->from_picker) {
			a->back_to_picker = true;
			a->quit = true;
		}
		break;
	default:
		break;
	}
}

int tui_live_loop(struct tui_app *a)
{
	uint64_t last_draw = 0;
	bool dirty = true;

	a->last_tick_ns = clock_monotonic_ns();
	while (!a->quit) {
		int ch, sig = live_stop_signal();
		uint64_t now;

		if (sig) {
			a->quit = true;
			break;
		}
		if (a->live) {
			struct tui_sel sel = tui_sel_save(a);

			tui_live_turn(a);
			tui_sel_restore(a, &sel);
		} else {
			napms(TUI_IDLE_MS);
		}
		while ((ch = getch()) != ERR) {
			tui_key(a, ch);
			dirty = true;
			if (a->quit)
				break;
		}
		if (a->quit)
			break;
		if (a->screen == SCR_MAIN) {
			struct tui_sel sel = tui_sel_save(a);

			tui_playback(a);
			tui_sel_restore(a, &sel);
		}
		now = clock_monotonic_ns();
		if (dirty || now - last_draw >= TUI_FRAME_NS) {
			tui_frame_update(a);
			tui_draw(a);
			last_draw = now;
			dirty = false;
		}
	}
	return 0;
}

/* Program-wide set-up of the entry points: locale and signals before curses. */
static void tui_setup(void)
{
	setlocale(LC_ALL, "");
	live_install_signal_handlers();
}

/* Print what went wrong once the terminal is ours no more. */
static int tui_finish(struct tui_app *a, int rc)
{
	tui_curses_stop();
	if (a->error[0]) {
		fprintf(stderr, "forkscope: %s\n", a->error);
		if (rc == 0)
			rc = 1;
	}
	return rc;
}

int tui_replay(const char *path)
{
	static struct tui_app app;
	struct tui_app *a = &app;
	const char *base = strrchr(path, '/');
	char cut[sizeof(a->error)] = ""; /* why the recording was cut short, or empty */
	int rc = 1, got;

	tui_setup();
	tui_app_init(a);
	if (session_init(&a->main_run.sess, 0) != 0) {
		snprintf(a->error, sizeof(a->error), "out of memory");
		goto out;
	}
	session_set_limits(&a->main_run.sess, VIEW_EVENT_LIMIT, VIEW_TOMBSTONE_LIMIT);
	a->main_run.used = true;
	got = session_load(&a->main_run.sess, path, &a->rec_header, cut, sizeof(cut));
	if (got < 0) {
		/* like forkscope tree: "FILE: line N: problem" */
		snprintf(a->error, sizeof(a->error), "%s: %.400s", path, cut);
		goto out;
	}
	if (got > 0) {
		tui_message(a, "recording cut short: %s", cut);
		a->msg_until_ns += 6000000000ull; /* time to read it */
	}
	snprintf(a->source_name, sizeof(a->source_name), "%s", base ? base + 1 : path);
	tui_sanitize(a->source_name);
	snprintf(a->method, sizeof(a->method), "%s",
		 a->rec_header.method ? a->rec_header.method : "");
	tui_sanitize(a->method);
	if (!tui_curses_start(a))
		goto out;
	rc = tui_live_loop(a);
	/* the problem is said again after the UI, and the exit status is 1 as for tree */
	if (got > 0 && !a->error[0])
		snprintf(a->error, sizeof(a->error), "%s: %.400s", path, cut);
out:
	rc = tui_finish(a, rc);
	tui_app_free(a);
	return rc;
}

/* Run a live workload in an already started UI; status in a->status. */
static int tui_run_in(struct tui_app *a, const struct fs_cli *cli)
{
	bool usage = false;
	const char *name = cli->argc > 0 ? cli->argv[0] : "?";
	const char *base = strrchr(name, '/');

	a->live_mode = true;
	a->base_cli = cli;
	a->record_path = cli->output;
	snprintf(a->method, sizeof(a->method), "%s", cli->method ? cli->method : "");
	snprintf(a->source_name, sizeof(a->source_name), "%s", base ? base + 1 : name);
	tui_sanitize(a->source_name);
	if (tui_main_begin(a, &usage) != 0) {
		snprintf(a->error, sizeof(a->error), "%s", a->main_run.error);
		return usage ? 2 : 1;
	}
	if (a->main_run.error[0]) {
		snprintf(a->error, sizeof(a->error), "%s", a->main_run.error);
		return 1;
	}
	return 0;
}

int tui_run(const struct fs_cli *cli)
{
	static struct tui_app app;
	struct tui_app *a = &app;
	int rc;

	tui_setup();
	tui_app_init(a);
	/* start first: a wrong demo name or a missing privilege fails before the screen */
	rc = tui_run_in(a, cli);
	if (rc != 0)
		goto out;
	if (!tui_curses_start(a)) {
		rc = 1;
		goto out;
	}
	rc = tui_live_loop(a);
out:
	tui_app_free(a);
	return tui_finish(a, rc);
}

/* Used by the picker: run a demo inside the running UI; true when the user asked to go
 * back to the picker, false to quit. */
bool tui_picker_run(const struct fs_cli *cli, bool compare, char *err, size_t errlen);

bool tui_picker_run(const struct fs_cli *cli, bool compare, char *err, size_t errlen)
{
	static struct tui_app app;
	struct tui_app *a = &app;
	bool back = false;

	tui_app_init(a);
	a->ascii = !nl_langinfo(CODESET) || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	tui_colors_init(a);
	a->from_picker = true;
	if (tui_run_in(a, cli) != 0) {
		snprintf(err, errlen, "%s", a->error);
		back = true;
		goto out;
	}
	if (compare)
		tui_compare_start(a);
	tui_live_loop(a);
	back = a->back_to_picker;
out:
	tui_app_free(a);
	if (a->error[0] && !err[0])
		snprintf(err, errlen, "%s", a->error);
	return back;
}
