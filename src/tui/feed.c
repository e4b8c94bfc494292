/* Where the UI's events come from: the live run (src/workload/live.h) feeding a session
 * and the recording (-o FILE), compare runs (fork, spawn and forkserver one after the
 * other) and running again. The workload's output arrives as events like the others (the
 * model makes its lines, pane_output.c shows them); its terminal's bytes are drained. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "output/status.h"
#include "base/names.h"
#include "tui/tui_internal.h"
#include "base/clock.h"
#include "workload/invoker.h"

#define TUI_POLL_MS 10 /* ring buffer wait per loop turn: keys answer well within 100 ms */
#define TUI_EVENT_BUDGET_NS 20000000ull /* stop reading events after 20 ms to draw */

const enum fs_method tui_methods[3] = {FS_METHOD_FORK, FS_METHOD_SPAWN, FS_METHOD_FORKSERVER};

/* A slot back to unused: its session freed, no error. */
void tui_slot_reset(struct tui_run_slot *s)
{
	if (s->used)
		session_free(&s->sess);
	s->used = false;
	s->done = false;
	s->error[0] = '\0';
}

/* Stop a live run now: whatever remains is killed and reaped. */
void tui_live_kill(struct tui_app *a)
{
	if (!a->live)
		return;
	tui_lecture_thaw(a);
	live_free(a->live);
	a->live = NULL;
	a->live_done = true;
}

/* Close the recording, with its end line when write_end; a failed write goes to a->error. */
void tui_record_close(struct tui_app *a, bool write_end)
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
	if (s == &a->main_run)
		tui_lecture_event(a, ev); /* the narration, and step mode's freeze */
	if (s == &a->main_run && !a->live_base_set && a->live) {
		/* the first event is the root's fork, made up as it happens: its time against
		 * the live clock gives the offset of the two time bases */
		uint64_t el = live_elapsed_ns(a->live);

		a->live_base_ns = ev->t_ns > el ? ev->t_ns - el : 0;
		a->live_base_set = true;
	}
	/* forkscope's exit status is the workload's: its main process's end */
	if (s == &a->main_run && ev->type == FS_EV_EXIT && ev->pid == s->sess.root_pid)
		a->workload_status = status_of_exit(ev->exit_code, ev->sig);
	if (a->live && live_running(a->live) && (s->sess.count & 63) == 0 &&
	    clock_monotonic_ns() - a->poll_start_ns > TUI_EVENT_BUDGET_NS)
		return -1;
	return 0;
}

/* The UI's size, also before curses starts (the first run is started before it). */
static void tui_terminal_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	*rows = *cols = 0;
	if (LINES > 0 && COLS > 0) {
		*rows = (unsigned)LINES;
		*cols = (unsigned)COLS;
	} else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
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
	tui_terminal_size(&o.rows, &o.cols); /* the workload's terminal is the UI's size */
	o.on_event = tui_on_event;
	o.ctx = a;
	*usage = false;
	a->live_cap_hits = 0;
	if (s == &a->main_run) {
		a->workload_status = 0;
		a->live_base_set = false;
		a->live_now_ns = a->live_elapsed_ns = 0;
	}
	a->live = live_start(&o, usage, s->error, sizeof(s->error));
	if (!a->live)
		return -1;
	h = live_header(a->live);
	if (live_capture_warning(a->live))
		tui_message(a, "%s", live_capture_warning(a->live));
	if (s == &a->main_run && live_capturing(a->live))
		a->out_off[0] = '\0';
	else if (s == &a->main_run) /* what the output pane says instead of lines */
		snprintf(a->out_off, sizeof(a->out_off), "output not captured: %s",
			 live_capture_warning(a->live) ? live_capture_warning(a->live)
						       : "--no-capture (its output is discarded)");
	if (session_init(&s->sess, h->root_pid) != 0) {
		snprintf(s->error, sizeof(s->error), "out of memory");
		tui_live_kill(a);
		return -1;
	}
	session_set_limits(&s->sess, VIEW_EVENT_LIMIT, VIEW_TOMBSTONE_LIMIT);
	session_set_header(&s->sess, h); /* Python's facts: as its replay will */
	if (s == &a->main_run)
		tui_lecture_begin(a, h);
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
int tui_main_begin(struct tui_app *a, bool *usage)
{
	int rc;

	a->cmp_view = -1;
	a->sel_idx = -1;
	a->tree_top = 0;
	a->ev_sel = -1;
	a->f_sess = NULL;
	a->cpu.sess = NULL; /* the same session struct, a new run: index its runs again */
	a->paused = false;
	vout_init(&a->out);
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

/* Drain what the workload wrote to its terminal (never onto our screen): the text that is
 * shown comes from the kernel's output events, with its writer. */
static void tui_drain_output(struct tui_app *a)
{
	char buf[4096];
	int fd = a->live ? live_output_fd(a->live) : -1;

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

/* The next compare run, or the end of the comparison. */
static void tui_compare_next(struct tui_app *a)
{
	bool usage;

	while (++a->cmp_active < 3) {
		if (tui_live_begin(a, &a->cmp[a->cmp_active],
				   names_method(tui_methods[a->cmp_active]), &usage) == 0)
			return;
		a->cmp[a->cmp_active].done = true;
	}
	a->cmp_active = -1;
	tui_message(a, "compare finished");
}

/* A replay of DEMO-METHOD.jsonl (as make recordings names them): the three methods'
 * recordings beside it, loaded as the comparison's runs; false when it is not one. */
static bool tui_compare_recordings(struct tui_app *a)
{
	size_t stem = 0, len = strlen(a->file);

	for (int k = 0; k < 3 && !stem; k++) {
		char end[32];

		snprintf(end, sizeof(end), "-%s.jsonl", names_method(tui_methods[k]));
		if (len > strlen(end) && !strcmp(a->file + len - strlen(end), end))
			stem = len - strlen(end);
	}
	if (!stem)
		return false;
	for (int k = 0; k < 3; k++) {
		struct tui_run_slot *s = &a->cmp[k];
		struct fs_header h;
		char path[sizeof(a->file) + 32], err[256] = "";

		tui_slot_reset(s);
		snprintf(path, sizeof(path), "%.*s-%s.jsonl", (int)stem, a->file,
			 names_method(tui_methods[k]));
		memset(&h, 0, sizeof(h));
		s->used = session_init(&s->sess, 0) == 0;
		if (s->used && session_load(&s->sess, path, &h, err, sizeof(err)) < 0)
			snprintf(s->error, sizeof(s->error), "%.200s: %.50s", path, err);
		else if (s->used)
			session_seek(&s->sess, s->sess.count); /* the whole run, as a live one */
		record_header_clear(&h);
		s->done = true;
	}
	return true;
}

/* The main screen shows the main run again (after a compare run was opened there). */
static void tui_show_main(struct tui_app *a)
{
	a->cmp_view = -1;
	a->sess = &a->main_run.sess;
	a->sel_idx = -1;
	a->tree_top = 0;
	a->ev_sel = -1;
	a->f_sess = NULL;
	a->cpu.sess = NULL;
	vout_init(&a->out);
	timeline_init(&a->tl);
}

/* Compare run k in the full UI (its tree, timeline, events and details); c comes back. */
void tui_compare_open(struct tui_app *a, int k)
{
	if (k < 0 || k > 2 || !a->cmp[k].used || !a->cmp[k].done || a->cmp[k].error[0]) {
		tui_message(a, "run %d is not there yet", k + 1);
		return;
	}
	tui_show_main(a);
	a->cmp_view = k;
	a->sess = &a->cmp[k].sess;
	a->paused = true;
	a->screen = SCR_MAIN;
}

/* c on a compare run shown in the full UI: back to the comparison. */
void tui_compare_back(struct tui_app *a)
{
	tui_show_main(a);
	a->screen = SCR_COMPARE;
}

void tui_compare_start(struct tui_app *a)
{
	if (a->cmp_view >= 0)
		tui_show_main(a); /* the runs are made again: not one of them on show */
	if (!a->base_cli) {
		if (tui_compare_recordings(a)) {
			a->screen = SCR_COMPARE;
			tui_message(a, "the three recordings of %s", a->source_name);
		} else {
			tui_message(a, "compare needs a live run (forkscope run, or the demo "
				       "picker), or a recording named DEMO-METHOD.jsonl");
		}
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
void tui_live_turn(struct tui_app *a)
{
	struct tui_run_slot *s = tui_feed(a);
	struct fs_replay_info info = {.schema = FS_RECORD_SCHEMA};
	struct fs_end end;
	char err[256] = "";

	if (!a->live) {
		napms(TUI_IDLE_MS);
		return;
	}
	a->poll_start_ns = clock_monotonic_ns();
	if (live_poll(a->live, TUI_POLL_MS) != 0) {
		/* what was read from the kernel is on disk after every poll */
		if (a->record)
			fflush(a->record);
		tui_drain_output(a);
		a->live_lost = live_lost(a->live);
		a->live_elapsed_ns = live_elapsed_ns(a->live);
		a->live_now_ns = a->live_elapsed_ns + a->live_base_ns;
		a->live_cap_hits = live_cap_hits(a->live);
		a->live_max_procs = live_max_procs(a->live);
		return;
	}
	tui_drain_output(a);
	a->live_cap_hits = live_cap_hits(a->live);
	live_finish(a->live, &end, err, sizeof(err));
	info.have_end = true;
	info.end = end;
	session_end(&s->sess, &info);
	if (s == &a->main_run)
		tui_lecture_end(a, &info);
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

/* r: the live workload again (same method), or a replay from its start. */
void tui_rerun(struct tui_app *a)
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
