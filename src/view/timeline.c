/* Timeline scale: a window [t0, t0 + span) of the run mapped onto the pane's columns,
 * fitted to the whole run or zoomed and panned by hand. */
#include <string.h>

#include "view/view.h"

void timeline_init(struct timeline *t)
{
	memset(t, 0, sizeof(*t));
	t->fit = true;
	t->span = TIMELINE_MIN_SPAN_NS;
}

static uint64_t timeline_full_span(uint64_t total)
{
	/* a little room after the last event so that "now" is not on the border */
	uint64_t span = total + total / 50;

	return span < TIMELINE_MIN_SPAN_NS ? TIMELINE_MIN_SPAN_NS : span;
}

void timeline_update(struct timeline *t, uint64_t total)
{
	uint64_t full = timeline_full_span(total);

	if (t->fit || t->span >= full) {
		t->t0 = 0;
		t->span = full;
		t->fit = true;
		return;
	}
	if (t->span < TIMELINE_MIN_SPAN_NS)
		t->span = TIMELINE_MIN_SPAN_NS;
	if (t->t0 + t->span > full)
		t->t0 = full - t->span;
}

void timeline_zoom(struct timeline *t, double factor, uint64_t anchor_ns, uint64_t total)
{
	uint64_t full = timeline_full_span(total);
	double span, rel, t0;

	if (!(factor > 0))
		return;
	if (anchor_ns < t->t0)
		anchor_ns = t->t0;
	if (anchor_ns > t->t0 + t->span)
		anchor_ns = t->t0 + t->span;
	rel = t->span ? (double)(anchor_ns - t->t0) / (double)t->span : 0.0;
	span = (double)t->span / factor;
	if (span < (double)TIMELINE_MIN_SPAN_NS)
		span = (double)TIMELINE_MIN_SPAN_NS;
	if (span >= (double)full) {
		t->fit = true;
		timeline_update(t, total);
		return;
	}
	t0 = (double)anchor_ns - rel * span;
	if (t0 < 0)
		t0 = 0;
	t->fit = false;
	t->span = (uint64_t)span;
	t->t0 = (uint64_t)t0;
	timeline_update(t, total);
}

void timeline_pan(struct timeline *t, int cols, int width, uint64_t total)
{
	uint64_t step, full = timeline_full_span(total);

	if (t->fit || width <= 0 || cols == 0)
		return;
	step = t->span / (uint64_t)width * (uint64_t)(cols < 0 ? -(long)cols : cols);
	if (step == 0)
		step = 1;
	if (cols < 0)
		t->t0 = t->t0 > step ? t->t0 - step : 0;
	else
		t->t0 = t->t0 + step + t->span > full ? full - t->span : t->t0 + step;
}

long timeline_col(const struct timeline *t, uint64_t ns, int width)
{
	double rel;

	if (width <= 0 || t->span == 0)
		return -1;
	rel = ((double)ns - (double)t->t0) / (double)t->span;
	if (rel < 0)
		return -1 - (long)(-rel * width);
	if (rel >= 1.0)
		return width + (long)((rel - 1.0) * width);
	return (long)(rel * width);
}

bool timeline_bar(const struct timeline *t, uint64_t start, uint64_t end, int width, int *c0,
		  int *c1)
{
	long a, b;

	if (end < start || width <= 0)
		return false;
	if (end < t->t0 || start >= t->t0 + t->span)
		return false;
	a = timeline_col(t, start, width);
	b = timeline_col(t, end, width);
	if (a < 0)
		a = 0;
	if (b >= width)
		b = width - 1;
	if (b < a)
		b = a;
	*c0 = (int)a;
	*c1 = (int)b;
	return true;
}
