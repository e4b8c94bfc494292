/* The output pane, in the event log's place: the workload's lines from the model
 * (model/output.h), each with its writer (PID in its role's colour, the short role when it
 * fits, "err" for stderr), wrapped, made visible (an escape sequence shows as text, never
 * reaches the terminal); or those lines among the events in time order. It scrolls
 * (view/output.h), following the newest unless held; only the rows shown are wrapped. */
#include <curses.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"

void tui_output_src(const struct tui_app *a, struct vout_src *src)
{
	memset(src, 0, sizeof(*src));
	src->sess = a->sess;
	src->events = a->log_view == TUI_LOG_BOTH;
	src->fidx = a->fidx;
	src->nf = src->events ? tui_visible_events(a) : 0;
	src->pid = a->filt.pid;
	src->width = a->lay.pane[PANE_EVENTS].w;
	src->utf8 = !a->ascii;
}

void tui_output_update(struct tui_app *a)
{
	struct vout_src src;

	tui_output_src(a, &src);
	vout_update(&a->out, &src, a->lay.pane[PANE_EVENTS].h - 1);
}

void tui_output_scroll(struct tui_app *a, int delta)
{
	struct vout_src src;

	tui_output_src(a, &src);
	vout_scroll(&a->out, &src, a->lay.pane[PANE_EVENTS].h - 1, delta);
}

/* The header: what is shown, the counts, whether it follows. */
static void tui_output_header(const struct tui_app *a, const struct rect *r)
{
	const struct fs_output_stats *st = model_output_stats(a->sess->model);
	const char *held = a->out.follow ? "" : " [held: End follows]";
	char head[256], extra[96] = "";
	int n = 0;

	if (st->cut_bytes)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n, ", %" PRIu64 " bytes cut",
			      st->cut_bytes);
	if (st->dropped_bytes)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n, ", %" PRIu64 " bytes dropped",
			      st->dropped_bytes);
	if (st->lines_forgotten)
		snprintf(extra + n, sizeof(extra) - (size_t)n, ", %" PRIu64 " oldest forgotten",
			 st->lines_forgotten);
	if (a->log_view == TUI_LOG_BOTH) {
		char fdesc[128];

		evfilter_describe(&a->filt, fdesc, sizeof(fdesc));
		snprintf(head, sizeof(head),
			 " Events + output%s  %zu events, %zu lines%s  filter: %s", held,
			 tui_visible_events(a), model_output_count(a->sess->model), extra, fdesc);
	} else {
		snprintf(head, sizeof(head), " Output%s  %zu lines%s%s  (o: events, i: with them)",
			 held, model_output_count(a->sess->model), extra,
			 a->filt.pid ? "  (p: one writer)" : "");
	}
	tui_pane_header(a, r, PANE_EVENTS, head);
}

/* What the pane says when it has no line to show. */
static const char *tui_output_empty(const struct tui_app *a)
{
	if (a->out_off[0])
		return a->out_off;
	if (model_output_stats(a->sess->model)->writes)
		return a->filt.pid ? "no line of this process (p: every writer's)" : "";
	if (!a->live_mode)
		return "no output in this recording (or not up to here)";
	return a->live && !a->live_done ? "no output yet" : "the workload wrote no output";
}

/* The writer's columns of a line's row: on its first row (or the pane's first, dimmed),
 * the time and stream (with events) or the stream mark, the PID and the role. */
static void tui_output_writer(const struct tui_app *a, const struct vout_src *src,
			      const struct vout_cols *c, const struct fs_output_line *l, int y,
			      int x, bool dim)
{
	const struct fs_proc *p = vout_writer(src, l);
	int attr = (p ? tui_attr(a, tui_proc_color(p)) : (int)A_NORMAL) | (int)A_BOLD;
	int err = tui_attr(a, C_STDERR);
	char buf[32];

	if (dim) {
		attr = tui_soften(a, attr & ~(int)A_BOLD);
		err = tui_soften(a, err & ~(int)A_BOLD);
	}
	if (l->dropped_mark)
		return;
	if (c->time >= 0) {
		snprintf(buf, sizeof(buf), "%10.6f", (double)l->t_ns / 1e9);
		tui_put(y, x + c->time, VOUT_TIME_COLS, dim ? tui_faint(a) : (int)A_NORMAL, buf);
		tui_put(y, x + c->stream, VOUT_TYPE_COLS,
			l->fd == 2 ? err
			: dim	   ? tui_faint(a)
				   : (int)A_NORMAL,
			names_stream(l->fd));
	} else if (l->fd == 2) {
		tui_put(y, x + c->stream, VOUT_MARK_COLS, err, "err");
	}
	snprintf(buf, sizeof(buf), "%7" PRIu32, l->pid);
	tui_put(y, x + c->pid, VOUT_PID_COLS, attr, buf);
	if (c->role >= 0 && p)
		tui_put(y, x + c->role, VOUT_ROLE_COLS - 1, attr,
			names_role_short(p->role, p->start_method));
}

/* Rows of a line from its row `skip` on, from row y, at most `rows`; the rows drawn. */
static int tui_output_line(const struct tui_app *a, const struct vout_src *src,
			   const struct vout_cols *c, const struct fs_output_line *l, int skip,
			   int y, int rows)
{
	const struct rect *r = &a->lay.pane[PANE_EVENTS];
	const struct fs_proc *sel = tui_selected(a);
	int text = sel && sel->serial == l->serial ? (int)A_BOLD : (int)A_NORMAL, drawn = 0;
	int note = l->dropped_mark ? tui_attr(a, C_WARN) : tui_faint(a);
	char row[VOUT_ROW_BYTES(VOUT_MAX_WIDTH)];
	struct vout_wrap w;
	size_t note_at;

	vout_wrap_init(&w, l, c->text_w, src->utf8);
	for (int k = 0; drawn < rows && vout_wrap_next(&w, row, sizeof(row), &note_at); k++) {
		int ty = y + drawn, tx = r->x + c->text;

		if (k < skip)
			continue;
		if (k == 0 || drawn == 0)
			tui_output_writer(a, src, c, l, ty, r->x, k > 0);
		/* the rows are already within text_w columns: written whole (UTF-8 too), the
		 * note where the text ends */
		move(ty, tx);
		attrset(text);
		if (note_at)
			addnstr(row, (int)note_at);
		attrset(note);
		if (row[note_at])
			addstr(row + note_at);
		attrset(A_NORMAL);
		drawn++;
	}
	return drawn;
}

/* The pane from the top vout_update decided: items and their rows down to the bottom. */
void tui_draw_output(const struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_EVENTS];
	struct vout_src src;
	struct vout_cols c;
	struct vout_pos pos = a->out.top;
	struct vout_item it;
	int rows = r->h - 1, y = r->y + 1, skip = a->out.top_row;

	tui_output_src(a, &src);
	vout_columns(&src, &c);
	tui_output_header(a, r);
	while (y < r->y + 1 + rows && vout_next(&src, &pos, &it)) {
		if (it.line) {
			y += tui_output_line(a, &src, &c, it.line, skip, y, r->y + 1 + rows - y);
		} else {
			tui_draw_event_row(a, it.ev, y, false);
			y++;
		}
		skip = 0;
	}
	if (y == r->y + 1)
		tui_put(y, r->x + 1, r->w - 1, tui_faint(a), tui_output_empty(a));
}
