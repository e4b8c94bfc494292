/* Lecture mode in the terminal UI (docs/narration.md): the narration of the main run (its
 * lessons, view/narration.h) with its line over the status line and its log pane (in the
 * details' place), next / previous lesson, step mode for a live run (the workload frozen
 * at each lesson event by its cgroup's freezer) and predict-then-reveal questions. */
#ifndef FORKSCOPE_TUI_LECTURE_H
#define FORKSCOPE_TUI_LECTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/record.h"
#include "record/replay.h"
#include "view/narration.h"
#include "view/view.h"
#include "workload/demo_questions.h"

struct tui_app;

struct tui_lecture {
	struct vnarr n; /* the main run's narration (n.model NULL: none) */
	bool log;	/* the narration log shows in the details' place */
	long log_sel;	/* the lesson selected there, -1: follow the one shown */
	int log_top;
	long at;      /* the lesson shown when several share one event, -1 */
	bool ask;     /* predict-then-reveal: a question before each lesson shown by step, ] */
	long asked;   /* the lesson whose question is up (its event not shown yet), -1 */
	bool step;    /* step mode: the live workload freezes at each lesson event */
	size_t armed; /* step mode: the lessons known when it last ran on */
	long stop;    /* step mode: the lesson it stopped at, to show, -1 */
	bool stopped_shown;	    /* the stop was shown (the view moved there) */
	struct rect line;	    /* the narration line(s) this frame, h = 0 for none */
	struct rect pane;	    /* the narration log this frame, h = 0 for none */
	struct demo_questions demo; /* the demo's own questions, when the run is a demo's */
};

/* feed.c and app.c hooks: a new main run (its header), each of its events, its end; a
 * replay's narration from its file (or the session's events); the end of the app. */
void tui_lecture_begin(struct tui_app *a, const struct fs_header *h);
void tui_lecture_event(struct tui_app *a, const struct fs_event *ev);
void tui_lecture_end(struct tui_app *a, const struct fs_replay_info *info);
void tui_lecture_load(struct tui_app *a, const char *path);
void tui_lecture_free(struct tui_app *a);
/* Before the workload is stopped: thaw it (a frozen process would not act on SIGTERM). */
void tui_lecture_thaw(struct tui_app *a);
/* After each live turn: show where step mode stopped (the view moved to its lesson). */
void tui_lecture_turn(struct tui_app *a);
/* tui_frame_update: the narration line's and the log's places (taken from the panes). */
void tui_lecture_layout(struct tui_app *a);
/* keys.c: Space in step mode (true: taken); the log's own keys when it has the focus. */
bool tui_lecture_space(struct tui_app *a);
bool tui_lecture_key(struct tui_app *a, int ch);
void tui_lecture_next(struct tui_app *a);
void tui_lecture_prev(struct tui_app *a);
void tui_lecture_toggle_log(struct tui_app *a);
void tui_lecture_toggle_step(struct tui_app *a);
void tui_lecture_toggle_ask(struct tui_app *a);
/* pane_narration.c: the line and the log. */
void tui_draw_narration(const struct tui_app *a);
/* The question of lesson x: the demo's own for its kind, else the kind's. */
void tui_lecture_question(const struct tui_app *a, const struct fs_lesson *x, char *buf,
			  size_t len);
/* The lesson the narration line shows (the newest one shown by the cursor), or -1. */
long tui_lecture_shown(const struct tui_app *a);

#endif
