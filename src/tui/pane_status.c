/* The title bar (source, method, state, role legend) and the status bar (time, counts,
 * lost events, the process cap, a message or the search prompt, the keys). */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/clock.h"
#include "base/names.h"

static const char *tui_source_label(const struct tui_app *a)
{
	if (!a->live_mode)
		return "REPLAY";
	if (a->live && !a->live_done)
		return "LIVE";
	return "FINISHED";
}
/* The left part of the title bar: source, method, live/replay state. */
static void tui_title_text(const struct tui_app *a, char *buf, size_t len)
{
	const char *method = a->cmp_view >= 0 ? a->cmp[a->cmp_view].method : a->method;

	snprintf(buf, len, " forkscope  %s  method %s  [%s%s]%s", a->source_name,
		 method[0] ? method : "default",
		 a->cmp_view >= 0 ? "COMPARE RUN" : tui_source_label(a),
		 !a->paused						  ? ""
		 : a->sess->cursor == a->sess->count && a->sess->complete ? " at end"
									  : " paused",
		 a->cmp_view >= 0 ? "  c: back to compare" : "");
}

/* Column where the legend starts on the title bar, or -1 when it does not fit. */
static int tui_title_legend_x(const struct tui_app *a)
{
	char left[256];
	int x = a->lay.title.w - (tui_legend_width(true) + 9); /* "legend: " and a margin */

	tui_title_text(a, left, sizeof(left));
	return x < (int)strlen(left) + 2 ? -1 : x;
}

bool tui_title_has_legend(const struct tui_app *a)
{
	return tui_title_legend_x(a) >= 0;
}

/* The title bar, with the role legend when it fits. */
void tui_draw_title(const struct tui_app *a)
{
	const struct rect *r = &a->lay.title;
	char left[256];
	int x = tui_title_legend_x(a);

	tui_fill(r->y, 0, r->w, tui_attr(a, C_TITLE));
	tui_title_text(a, left, sizeof(left));
	tui_put(r->y, 0, r->w, tui_attr(a, C_TITLE) | A_BOLD, left);
	if (x < 0)
		return;
	tui_put(r->y, x, r->w - x, tui_attr(a, C_TITLE), "legend:");
	tui_draw_legend(a, r->y, x + 8, r->w - x - 8, true, true);
}

/* The status bar: search prompt, message, time, counts, lost events, the cap, keys. */
void tui_draw_status(const struct tui_app *a)
{
	const struct rect *r = &a->lay.status;
	const struct fs_model_stats *st = model_stats(a->sess->model);
	uint64_t lost = a->sess->lost > st->lost ? a->sess->lost : st->lost;
	char left[256], right[160], el[32];
	uint64_t now = clock_monotonic_ns();
	int attr = tui_attr(a, C_STATUS), x;

	if (a->live_mode && a->live && !a->live_done)
		lost = a->live_lost > lost ? a->live_lost : lost;
	tui_fill(r->y, 0, r->w, attr);
	if (a->prompting) {
		snprintf(left, sizeof(left), " search: %s_   (Enter: find, Esc: cancel)",
			 a->prompt_buf);
		tui_put(r->y, 0, r->w, attr | A_BOLD, left);
		return;
	}
	if (lost)
		snprintf(right, sizeof(right), " LOST %" PRIu64 " ", lost);
	else
		right[0] = '\0';
	if (a->msg[0] && now < a->msg_until_ns) {
		tui_put(r->y, 0, r->w - (int)strlen(right), tui_attr(a, C_WARN) | A_BOLD, a->msg);
		/* lost events are never hidden, not even by a message */
		if (lost)
			tui_put(r->y, r->w - (int)strlen(right), (int)strlen(right),
				tui_attr(a, C_WARN) | A_BOLD | A_BLINK, right);
		return;
	}
	/* live: the clock of the run (in the events' time base, as the timeline's) */
	names_duration(a->live_mode && a->live && !a->live_done ? a->live_now_ns
								: session_now_ns(a->sess),
		       el, sizeof(el));
	snprintf(left, sizeof(left), " %s  procs %zu live/%zu  events %zu/%zu", el,
		 model_stats(a->sess->model)->live, model_count(a->sess->model), a->sess->cursor,
		 a->sess->count);
	if (!a->live_mode || a->paused)
		snprintf(left + strlen(left), sizeof(left) - strlen(left), "  %gx%s",
			 tui_speeds[a->speed_idx], a->paused ? " paused" : "");
	tui_put(r->y, 0, r->w, attr, left);
	x = (int)strlen(left) + 1;
	if (lost) {
		tui_put(r->y, x, r->w - x, tui_attr(a, C_WARN) | A_BOLD, right);
		x += (int)strlen(right) + 1;
	}
	if (a->live_mode && a->live_cap_hits) {
		/* the --max-procs cap refused forks: the workload saw errors, say why */
		snprintf(right, sizeof(right), " CAP %zu: %" PRIu64 " forks refused ",
			 a->live_max_procs, a->live_cap_hits);
		tui_put(r->y, x, r->w - x, tui_attr(a, C_WARN) | A_BOLD, right);
		x += (int)strlen(right) + 1;
	}
	snprintf(right, sizeof(right), "%s",
		 a->live_mode ? "?:help q:quit spc:pause Tab:pane /:find m:method r:rerun c:compare"
			      : "?:help q:quit spc:play ,/.:step </>:speed Home/End /:find");
	tui_put(r->y, x + 1, r->w - x - 1, attr, right);
}
