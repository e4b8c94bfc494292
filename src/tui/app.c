/* The UI's input loop and entry points (tui.h): the terminal set up and restored, the app
 * state made and freed, replay of a recording, a live run, a run from the demo picker.
 * Events come through feed.c, keys go to keys.c, playback.c moves the clock. */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"
#include "base/names.h"
#include "base/text.h"
#include "tui/tui_internal.h"
#include "base/clock.h"

static bool tui_curses_on;

void tui_message(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	text_sanitize(a->msg);
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
	tui_mouse_start();
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
	a->cmp_view = -1;
	a->speed_idx = 3; /* 1x */
	a->sess = &a->main_run.sess;
	vtree_init(&a->tree);
	timeline_init(&a->tl);
	evfilter_init(&a->filt);
	for (int k = 0; k < 3; k++)
		snprintf(a->cmp[k].method, sizeof(a->cmp[k].method), "%s",
			 names_method(tui_methods[k]));
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
	vcpu_free(&a->cpu);
	tui_lecture_free(a);
	free(a->fidx);
	a->fidx = NULL;
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
			tui_lecture_turn(a); /* step mode: where it stopped */
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
	char warn[256] = "";		 /* it stops early, but what it has is whole */
	int rc = 1, got = -1;

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
	replay_describe_end(&a->main_run.sess.info, warn, sizeof(warn));
	if (got > 0 || warn[0]) {
		if (got > 0)
			tui_message(a, "recording cut short: %s", cut);
		else
			tui_message(a, "%s", warn);
		a->msg_until_ns += 6000000000ull; /* time to read it */
	}
	snprintf(a->source_name, sizeof(a->source_name), "%s", base ? base + 1 : path);
	text_sanitize(a->source_name);
	tui_lecture_load(a, path); /* its narration, for ] and [ anywhere in it */
	snprintf(a->file, sizeof(a->file), "%s", path);
	snprintf(a->method, sizeof(a->method), "%s",
		 a->rec_header.method ? a->rec_header.method : "");
	text_sanitize(a->method);
	if (!tui_curses_start(a))
		goto out;
	rc = tui_live_loop(a);
	/* the problem is said again after the UI, and the exit status is 1 as for tree */
	if (got > 0 && !a->error[0])
		snprintf(a->error, sizeof(a->error), "%s: %.400s", path, cut);
out:
	rc = tui_finish(a, rc);
	if (got == 0 && warn[0]) /* like forkscope tree: a warning, exit status 0 */
		fprintf(stderr, "forkscope: warning: %s: %s\n", path, warn);
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
	text_sanitize(a->source_name);
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
	/* as without the UI: the workload's own status once it has ended (when q ended it
	 * first, 0: the user stopped it) */
	if (rc == 0 && a->workload_status > 0)
		rc = a->workload_status;
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
