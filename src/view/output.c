/* The output pane's rows: the model's lines and the filtered events merged in time order,
 * a line wrapped into rows of visible text, and the scroll that walks only the rows it
 * shows or passes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "view/output.h"

void vout_columns(const struct vout_src *src, struct vout_cols *c)
{
	int x = 0;

	if (src->events) {
		/* "  0.123456 stdout    1234  text": the event log's time, type, PID, text */
		c->time = 0;
		c->stream = VOUT_TIME_COLS;
		c->pid = c->stream + VOUT_TYPE_COLS;
		x = c->pid + VOUT_PID_COLS + 2;
	} else {
		/* "   1234 c-fork err text" */
		c->time = -1;
		c->pid = 0;
		x = VOUT_PID_COLS + 1;
	}
	c->role = -1;
	if (src->width - x - VOUT_ROLE_COLS - (src->events ? 0 : VOUT_MARK_COLS) >=
	    VOUT_ROLE_TEXT) {
		c->role = x;
		x += VOUT_ROLE_COLS;
	}
	if (!src->events) {
		c->stream = x;
		x += VOUT_MARK_COLS;
	}
	c->text = x;
	c->text_w = src->width - x;
	if (c->text_w < 1)
		c->text_w = 1;
	if (c->text_w > VOUT_MAX_WIDTH)
		c->text_w = VOUT_MAX_WIDTH;
}

struct vout_pos vout_start(void)
{
	struct vout_pos p = {0, 0};

	return p;
}

struct vout_pos vout_end_pos(void)
{
	struct vout_pos p = {SIZE_MAX, UINT64_MAX};

	return p;
}

/* Position in fidx of the first shown event numbered ev or later. */
static size_t vout_ev_index(const struct vout_src *src, size_t ev)
{
	size_t lo = 0, hi = src->events ? src->nf : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->fidx[mid] < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is line number no (kept) one the pane shows? */
static const struct fs_output_line *vout_line_at(const struct vout_src *src, uint64_t no)
{
	const struct fs_model *m = src->sess->model;
	const struct fs_output_line *l = model_output_line(m, (size_t)(no - model_output_first(m)));

	if (!l || (src->pid && l->pid != src->pid && !l->dropped_mark))
		return NULL;
	return l;
}

/* The first shown line numbered no or later (*l, its number), or false. */
static bool vout_line_from(const struct vout_src *src, uint64_t no, uint64_t *found,
			   const struct fs_output_line **l)
{
	const struct fs_model *m = src->sess->model;
	uint64_t first = model_output_first(m), end = first + model_output_count(m);

	for (no = no < first ? first : no; no < end; no++)
		if ((*l = vout_line_at(src, no)) != NULL) {
			*found = no;
			return true;
		}
	return false;
}

/* The last shown line numbered before no (*l, its number), or false. */
static bool vout_line_before(const struct vout_src *src, uint64_t no, uint64_t *found,
			     const struct fs_output_line **l)
{
	const struct fs_model *m = src->sess->model;
	uint64_t first = model_output_first(m), end = first + model_output_count(m);

	for (no = no > end ? end : no; no > first; no--)
		if ((*l = vout_line_at(src, no - 1)) != NULL) {
			*found = no - 1;
			return true;
		}
	return false;
}

/* The end of the kept lines (the number the next one will have). */
static uint64_t vout_lines_end(const struct vout_src *src)
{
	const struct fs_model *m = src->sess->model;

	return model_output_first(m) + model_output_count(m);
}

/* The shown events: none without events. */
static size_t vout_nf(const struct vout_src *src)
{
	return src->events ? src->nf : 0;
}

/* The place moves past an item; the other sequence's part of it is made tight (just
 * before its next item), so that items arriving later come after the place. */
bool vout_next(const struct vout_src *src, struct vout_pos *pos, struct vout_item *it)
{
	size_t k = vout_ev_index(src, pos->ev), nf = vout_nf(src);
	const struct view_ev *e = k < nf ? session_event(src->sess, src->fidx[k]) : NULL;
	const struct fs_output_line *l = NULL;
	uint64_t no = 0, lend = vout_lines_end(src);
	bool line = vout_line_from(src, pos->line, &no, &l);

	memset(it, 0, sizeof(*it));
	if (e && (!line || e->order_ns <= l->t_ns)) {
		it->ev = e;
		it->ev_no = src->fidx[k];
		pos->ev = it->ev_no + 1;
		pos->line = line ? no : pos->line < lend ? pos->line : lend;
		return true;
	}
	if (!line)
		return false;
	it->line = l;
	it->line_no = no;
	pos->line = no + 1;
	if (src->events)
		pos->ev = k < nf			? src->fidx[k]
			  : pos->ev < src->sess->cursor ? pos->ev
							: src->sess->cursor;
	return true;
}

bool vout_prev(const struct vout_src *src, struct vout_pos *pos, struct vout_item *it)
{
	size_t k = vout_ev_index(src, pos->ev);
	const struct view_ev *e = k > 0 ? session_event(src->sess, src->fidx[k - 1]) : NULL;
	const struct fs_output_line *l = NULL;
	uint64_t no = 0;
	bool line = vout_line_before(src, pos->line, &no, &l);

	memset(it, 0, sizeof(*it));
	if (e && (!line || e->order_ns > l->t_ns)) {
		it->ev = e;
		it->ev_no = src->fidx[k - 1];
		pos->ev = it->ev_no;
		pos->line = line ? no + 1 : 0;
		return true;
	}
	if (!line)
		return false;
	it->line = l;
	it->line_no = no;
	pos->line = no;
	pos->ev = k > 0 ? src->fidx[k - 1] + 1 : 0;
	return true;
}

int vout_item_rows(const struct vout_src *src, const struct vout_item *it)
{
	struct vout_cols c;

	if (!it->line)
		return 1;
	vout_columns(src, &c);
	return vout_line_rows(it->line, c.text_w, src->utf8);
}

void vout_line_note(const struct fs_output_line *l, char *buf, size_t len)
{
	if (l->dropped_mark)
		snprintf(buf, len, "[%" PRIu64 " bytes of output dropped: over %llu KiB/s]",
			 l->dropped, FS_OUTPUT_BYTES_PER_SEC / 1024);
	else if (l->cut)
		snprintf(buf, len, " [+%" PRIu32 " bytes cut]", l->cut);
	else if (len)
		buf[0] = '\0';
}

void vout_wrap_init(struct vout_wrap *w, const struct fs_output_line *l, int text_w, bool utf8)
{
	memset(w, 0, sizeof(*w));
	w->text = l->dropped_mark ? "" : l->data;
	w->len = l->dropped_mark || !l->data ? 0 : l->len;
	vout_line_note(l, w->note, sizeof(w->note));
	w->note_len = strlen(w->note);
	w->width = text_w < 1 ? 1 : text_w;
	w->utf8 = utf8;
}

bool vout_wrap_next(struct vout_wrap *w, char *buf, size_t len, size_t *note_at)
{
	size_t total = w->len + w->note_len, o = 0;
	int used = 0;

	*note_at = SIZE_MAX;
	if (w->at >= total && w->started)
		return false;
	w->started = true;
	while (w->at < total) {
		bool in_note = w->at >= w->len;
		const char *s = in_note ? w->note + (w->at - w->len) : w->text + w->at;
		size_t avail = in_note ? total - w->at : w->len - w->at;
		char one[TEXT_VISIBLE_MAX];
		int cols;
		size_t took = text_visible_char(s, avail, w->utf8, one, &cols);
		size_t n = strlen(one);

		/* a form that does not fit goes to the next row, unless the row is empty */
		if ((used && used + cols > w->width) || o + n + 1 > len)
			break;
		if (in_note && *note_at == SIZE_MAX)
			*note_at = o;
		memcpy(buf + o, one, n);
		o += n;
		used += cols;
		w->at += took;
		if (used >= w->width)
			break;
	}
	buf[o] = '\0';
	if (*note_at == SIZE_MAX)
		*note_at = o;
	return true;
}

int vout_line_rows(const struct fs_output_line *l, int text_w, bool utf8)
{
	struct vout_wrap w;
	char row[VOUT_ROW_BYTES(VOUT_MAX_WIDTH)];
	size_t note_at;
	int rows = 0;

	vout_wrap_init(&w, l, text_w, utf8);
	while (vout_wrap_next(&w, row, sizeof(row), &note_at))
		rows++;
	return rows;
}

void vout_init(struct vout *v)
{
	memset(v, 0, sizeof(*v));
	v->follow = true;
}

void vout_home(struct vout *v)
{
	v->follow = false;
	v->top = vout_start();
	v->top_row = 0;
}

void vout_end(struct vout *v)
{
	v->follow = true;
}

/* Put the top where the newest rows fill the pane's height from the bottom. */
static void vout_from_bottom(struct vout *v, const struct vout_src *src, int height)
{
	struct vout_pos pos = vout_end_pos();
	struct vout_item it;
	int rows = 0;

	v->top = vout_start();
	v->top_row = 0;
	while (rows < height && vout_prev(src, &pos, &it)) {
		int r = vout_item_rows(src, &it);

		rows += r;
		v->top = pos;
		v->top_row = rows > height ? rows - height : 0;
	}
}

/* Rows from the top (its hidden rows left out) to the end, counted up to limit. */
static int vout_rows_below(const struct vout *v, const struct vout_src *src, int limit)
{
	struct vout_pos pos = v->top;
	struct vout_item it;
	int rows = -v->top_row;

	while (rows < limit && vout_next(src, &pos, &it))
		rows += vout_item_rows(src, &it);
	return rows;
}

void vout_update(struct vout *v, const struct vout_src *src, int height)
{
	const struct fs_model *m = src->sess->model;
	struct vout_pos pos;
	struct vout_item it;

	if (height < 1)
		height = 1;
	if (!v->follow) {
		/* the top line was forgotten (the model's memory bound): the oldest kept */
		if (v->top.line < model_output_first(m)) {
			v->top.line = model_output_first(m);
			v->top_row = 0;
		}
		pos = v->top;
		if (vout_next(src, &pos, &it)) { /* the pane narrowed: fewer rows */
			int r = vout_item_rows(src, &it);

			if (v->top_row >= r)
				v->top_row = r - 1;
		}
		if (v->top_row < 0)
			v->top_row = 0;
		if (vout_rows_below(v, src, height) < height)
			v->follow = true;
	}
	if (v->follow)
		vout_from_bottom(v, src, height);
}

void vout_scroll(struct vout *v, const struct vout_src *src, int height, int delta)
{
	struct vout_pos pos = v->top;
	struct vout_item it;

	if (delta < 0) {
		int up = -delta;

		v->follow = false;
		if (v->top_row >= up) {
			v->top_row -= up;
			return;
		}
		up -= v->top_row;
		v->top_row = 0;
		while (up > 0 && vout_prev(src, &pos, &it)) {
			int r = vout_item_rows(src, &it);

			v->top = pos;
			v->top_row = r > up ? r - up : 0;
			up -= r;
		}
		return;
	}
	while (delta > 0 && vout_next(src, &pos, &it)) {
		int left = vout_item_rows(src, &it) - v->top_row;

		if (delta < left) {
			v->top_row += delta;
			break;
		}
		delta -= left;
		v->top = pos;
		v->top_row = 0;
	}
	if (vout_rows_below(v, src, height + 1) <= height)
		v->follow = true;
}

const struct fs_proc *vout_writer(const struct vout_src *src, const struct fs_output_line *l)
{
	int idx;

	if (l->dropped_mark)
		return NULL;
	idx = model_find_serial(src->sess->model, l->serial);
	return idx >= 0 ? model_proc(src->sess->model, (size_t)idx) : NULL;
}
