/* The output pane's pure part: the workload's lines (model/output.h) with their writers,
 * made visible (base/text.h), wrapped to the pane's width and scrolled; with the event
 * log's events among them in time order when asked. Only what is shown is wrapped: a
 * frame costs the rows on screen, never the whole history. No curses: unit-tested with
 * cmocka (tests/unit/test_view_output.c). */
#ifndef FORKSCOPE_VIEW_OUTPUT_H
#define FORKSCOPE_VIEW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/text.h"
#include "model/output.h"
#include "view/view.h"

/* What the pane shows this frame (valid until the session changes). */
struct vout_src {
	const struct session *sess; /* the lines of its model; its events */
	const size_t *fidx;	    /* with events: the filtered event numbers, ascending */
	size_t nf;		    /* those of them shown (the ones before the cursor) */
	bool events;		    /* interleave the events with the lines */
	uint32_t pid;		    /* only this writer's lines, 0 for every writer's */
	int width;		    /* the pane's columns */
	bool utf8;		    /* printable non-ASCII characters shown as themselves */
};

/* The columns of a row: with events, a line's row starts like an event's (time, the
 * stream where the event's type is, the PID under the event's PID); without, the PID, the
 * role when it fits, "err" for stderr. The text follows on every row of a wrapped line. */
#define VOUT_TIME_COLS 11 /* "%10.6f " */
#define VOUT_PID_COLS 7
#define VOUT_ROLE_COLS 8    /* a short role (names_role_short: at most 7) and a space */
#define VOUT_MARK_COLS 4    /* "err " */
#define VOUT_TYPE_COLS 7    /* "stderr " under the event's type */
#define VOUT_MIN_TEXT 12    /* narrower, the pane would hardly show text */
#define VOUT_ROLE_TEXT 28   /* the role is shown when this much text still fits */
#define VOUT_MAX_WIDTH 1024 /* wider panes wrap at this many columns of text */

struct vout_cols {
	int time;   /* start of the time column, -1 without events */
	int stream; /* start of "stdout"/"stderr" (with events) or "err" (without) */
	int pid;    /* start of the PID column */
	int role;   /* start of the short role, -1 when not shown */
	int text;   /* start of the text on every row */
	int text_w; /* columns of text in a row (>= 1) */
};

void vout_columns(const struct vout_src *src, struct vout_cols *c);

/* A place in the sequence shown: before event number ev (an absolute number, shown or
 * not) and before line number line (absolute: model_output_first() + index). */
struct vout_pos {
	size_t ev;
	uint64_t line;
};

/* One item shown: a line (line != NULL, number line_no) or an event (ev, number ev_no). */
struct vout_item {
	const struct fs_output_line *line;
	uint64_t line_no;
	const struct view_ev *ev;
	size_t ev_no;
};

/* The first place and the last one (after every item). */
struct vout_pos vout_start(void);
struct vout_pos vout_end_pos(void);
/* The item after *pos, *pos moved past it; false at the end. Events first at equal
 * times (a line's time is its first byte's, an event's its order_ns). */
bool vout_next(const struct vout_src *src, struct vout_pos *pos, struct vout_item *it);
/* The item before *pos, *pos moved before it (onto its place); false at the start. */
bool vout_prev(const struct vout_src *src, struct vout_pos *pos, struct vout_item *it);
/* Rows an item takes: an event one (clipped like the event log), a line its wrapped text. */
int vout_item_rows(const struct vout_src *src, const struct vout_item *it);

/* What follows a line's text (the bytes not kept, ASCII) or, for a marker, its whole text:
 * "" when nothing. */
void vout_line_note(const struct fs_output_line *l, char *buf, size_t len);

/* Wrapping one line into rows of text_w columns: its text made visible, then its note. */
struct vout_wrap {
	const char *text;
	size_t len, at; /* at: the next byte of text, then of the note (len + offset) */
	char note[64];
	size_t note_len;
	int width;
	bool utf8;
	bool started; /* one row was given (an empty line has one empty row) */
};

/* Room a row of width columns needs (NUL included). */
#define VOUT_ROW_BYTES(width) ((size_t)(width)*4 + TEXT_VISIBLE_MAX + 1)

void vout_wrap_init(struct vout_wrap *w, const struct fs_output_line *l, int text_w, bool utf8);
/* The next row into buf (VOUT_ROW_BYTES(text_w) bytes, NUL-terminated) and the offset in
 * it where the note begins (its length when none of the note is on it); false when no
 * row is left. A visible form is never split over two rows. */
bool vout_wrap_next(struct vout_wrap *w, char *buf, size_t len, size_t *note_at);
/* Rows of a line at text_w columns. */
int vout_line_rows(const struct fs_output_line *l, int text_w, bool utf8);

/* The scroll: following the newest rows (the default), or held at a top item. */
struct vout {
	bool follow;
	struct vout_pos top; /* the first item shown (vout_update sets it when following) */
	int top_row;	     /* rows of it above the pane */
};

void vout_init(struct vout *v);
/* Decide this frame's top: the newest rows at the bottom when following; else the kept
 * top, brought within the items there are (those dropped, a pane grown or narrowed),
 * following again when the last row is in view. Walks only the rows it shows. */
void vout_update(struct vout *v, const struct vout_src *src, int height);
/* Move by delta rows (< 0: towards the oldest, which stops following); at the end it
 * follows again. Walks only the rows it passes. */
void vout_scroll(struct vout *v, const struct vout_src *src, int height, int delta);
/* The oldest line (held there), or the newest (following). */
void vout_home(struct vout *v);
void vout_end(struct vout *v);

/* The process of a line's writer in the session's model, or NULL (retired, a marker). */
const struct fs_proc *vout_writer(const struct vout_src *src, const struct fs_output_line *l);

#endif
