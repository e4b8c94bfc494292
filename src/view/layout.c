/* Pane layout of the main and compare screens at a given terminal size. */
#include <string.h>

#include "view/view.h"

static struct rect rect_make(int y, int x, int h, int w)
{
	struct rect r = {.y = y, .x = x, .h = h, .w = w};

	return r;
}

/* Main screen: title line; tree (left) and timeline (right) share rows on top; event log
 * (left) and details (right) below; status line. The top takes ~55% of the body. */
int layout_compute(struct layout *l, int cols, int rows, int maximized)
{
	int body_y = 1, body_h, top_h, left_w, ev_w;

	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return -1;
	}
	l->title = rect_make(0, 0, 1, cols);
	l->status = rect_make(rows - 1, 0, 1, cols);
	body_h = rows - 2;
	if (maximized >= 0 && maximized < PANE_COUNT) {
		l->pane[maximized] = rect_make(body_y, 0, body_h, cols);
		return 0;
	}
	top_h = body_h * 55 / 100;
	left_w = cols * (cols < 110 ? 58 : 52) / 100;
	if (left_w < 40)
		left_w = 40;
	ev_w = cols * 60 / 100;
	l->pane[PANE_TREE] = rect_make(body_y, 0, top_h, left_w);
	l->pane[PANE_TIMELINE] = rect_make(body_y, left_w + 1, top_h, cols - left_w - 1);
	l->pane[PANE_EVENTS] = rect_make(body_y + top_h, 0, body_h - top_h, ev_w);
	l->pane[PANE_DETAILS] =
	    rect_make(body_y + top_h, ev_w + 1, body_h - top_h, cols - ev_w - 1);
	return 0;
}

void layout_cpu(struct layout *l)
{
	const struct rect *ev = &l->pane[PANE_EVENTS];

	if (l->too_small || ev->h <= 0)
		return;
	l->cpu = rect_make(ev->y, 0, ev->h, l->cols);
	l->pane[PANE_EVENTS].h = 0;
	l->pane[PANE_DETAILS].h = 0;
}

/* Compare screen: the title, the shared axis, three runs one above the other, the table of
 * figures (14 rows: its header and 13 figures), the status line. */
int layout_compare(struct compare_layout *l, int cols, int rows, bool table_first)
{
	int body_h, table_h = 14, runs_h, y;

	memset(l, 0, sizeof(*l));
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return -1;
	}
	l->title = rect_make(0, 0, 1, cols);
	l->status = rect_make(rows - 1, 0, 1, cols);
	l->axis = rect_make(1, 0, 1, cols);
	body_h = rows - 3;
	if (body_h - table_h < 3 * (table_first ? 2 : 4))
		table_h = table_first ? body_h - 3 * 2 : body_h - 3 * 4;
	runs_h = (body_h - table_h) / 3;
	y = 2;
	for (int i = 0; i < 3; i++, y += runs_h)
		l->tree[i] = rect_make(y, 0, i == 2 ? body_h - table_h - 2 * runs_h : runs_h, cols);
	l->table = rect_make(rows - 1 - table_h, 0, table_h, cols);
	return 0;
}
