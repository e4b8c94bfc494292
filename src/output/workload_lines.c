/* The workload's output and the channel's facts as text lines (output/workload_lines.h).
 * A line is printed once it is finished: the model keeps lines in the order they began,
 * so a cursor walks the new ones and the ones still open wait on a pending list (bounded
 * by the writers' open lines) until they end or the model forgets them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "model/channel.h"
#include "output/fact_text.h"
#include "output/format.h"
#include "output/workload_lines.h"

#define WL_TEXT_MAX (4 * FS_OUTPUT_LINE_MAX + 4) /* an escaped line, worst case */
#define WL_FACT_MAX (FS_FACT_MAX_FIELDS * (4 * FS_FACT_MAX_STRING + 48)) /* a fact's detail */

struct workload_lines {
	uint64_t next;	   /* the first line number not looked at yet */
	uint64_t *pending; /* numbers of lines seen open, not printed yet */
	size_t npending, cap;
	struct fs_channel_stats seen; /* the channel's counts after the last event */
	char *text;		      /* WL_TEXT_MAX bytes */
};

struct workload_lines *workload_lines_new(void)
{
	struct workload_lines *wl = calloc(1, sizeof(*wl));

	if (wl && !(wl->text = malloc(WL_TEXT_MAX))) {
		free(wl);
		wl = NULL;
	}
	return wl;
}

void workload_lines_free(struct workload_lines *wl)
{
	if (!wl)
		return;
	free(wl->pending);
	free(wl->text);
	free(wl);
}

/* The time column of the event lines. */
static void wl_time(uint64_t t_ns, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%06llu", (unsigned long long)(t_ns / 1000000000u),
		 (unsigned long long)(t_ns % 1000000000u / 1000u));
}

/* The role of a writer: by its serial, else by its PID ("-" when unknown). */
static const char *wl_role(const struct fs_model *m, uint64_t serial, uint32_t pid)
{
	int idx = serial != FS_OUTPUT_NO_SERIAL ? model_find_serial(m, serial) : -1;
	const struct fs_proc *p;

	if (idx < 0 && pid)
		idx = model_find(m, pid);
	p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
	return p ? names_role_long(p->role, p->start_method) : "-";
}

/* Print one line with a scratch buffer of WL_TEXT_MAX bytes. */
static void wl_print(FILE *f, const struct fs_output_line *l, const struct fs_model *m, char *text)
{
	char tbuf[32];

	wl_time(l->end_ns, tbuf, sizeof(tbuf));
	if (l->dropped_mark) {
		fprintf(f,
			"%11s %-6s %-7s %-7s %-19s [%" PRIu64 " bytes of output dropped: over "
			"the rate bound]\n",
			tbuf, names_event_type(FS_EV_OUTPUT), "-", "-", "-", l->dropped);
		return;
	}
	text_escape(text, WL_TEXT_MAX, l->data, l->len);
	fprintf(f, "%11s %-6s %-7u %-7s %-19s %s", tbuf, names_stream(l->fd), l->pid, "-",
		wl_role(m, l->serial, l->pid), text);
	if (l->cut)
		fprintf(f, " [+%u bytes cut]", l->cut);
	putc('\n', f);
}

void workload_line_print(FILE *f, const struct fs_output_line *l, const struct fs_model *m)
{
	char *text = malloc(WL_TEXT_MAX);

	if (text)
		wl_print(f, l, m, text);
	free(text);
}

/* Keep line number no for later; 0 or -1. */
static int wl_pend(struct workload_lines *wl, uint64_t no)
{
	if (wl->npending == wl->cap) {
		size_t cap = wl->cap ? wl->cap * 2 : 16;
		uint64_t *p = realloc(wl->pending, cap * sizeof(*p));

		if (!p)
			return -1;
		wl->pending = p;
		wl->cap = cap;
	}
	wl->pending[wl->npending++] = no;
	return 0;
}

/* Print the pending lines that ended (and forget those the model forgot), then the new
 * lines: the ended ones now, the open ones onto the pending list. 0 or -1. */
static int wl_lines(struct workload_lines *wl, FILE *f, const struct fs_model *m, bool all)
{
	uint64_t first = model_output_first(m), end = first + model_output_count(m);
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < wl->npending; i++) {
		uint64_t no = wl->pending[i];
		const struct fs_output_line *l =
		    no >= first ? model_output_line(m, (size_t)(no - first)) : NULL;

		if (l && l->open && !all)
			wl->pending[k++] = no;
		else if (l)
			wl_print(f, l, m, wl->text);
	}
	wl->npending = k;
	for (uint64_t no = wl->next > first ? wl->next : first; no < end; no++) {
		const struct fs_output_line *l = model_output_line(m, (size_t)(no - first));

		if (l->open && !all)
			rc |= wl_pend(wl, no);
		else
			wl_print(f, l, m, wl->text);
	}
	wl->next = end;
	return rc;
}

/* One fact: "chan PID ROLE" and the fact in words (output/fact_text.h). */
static void wl_fact(FILE *f, const struct fs_fact *ft, const struct fs_model *m)
{
	char tbuf[32], *detail = malloc(WL_FACT_MAX);

	if (!detail)
		return;
	fact_text(ft, m, detail, WL_FACT_MAX);
	wl_time(ft->t_ns, tbuf, sizeof(tbuf));
	fprintf(f, "%11s %-6s %-7u %-7s %-19s %s\n", tbuf, names_event_type(FS_EV_CHANNEL), ft->pid,
		"-", wl_role(m, ft->serial, ft->pid), detail);
	free(detail);
}

/* What a channel event did: its facts, or why it was rejected. */
static void wl_channel(struct workload_lines *wl, FILE *f, const struct fs_event *ev,
		       const struct fs_model *m)
{
	const struct fs_channel_stats *st = model_channel_stats(m);
	uint64_t told = st->facts - wl->seen.facts;
	size_t n = model_fact_count(m);
	char tbuf[32], why[256];

	for (size_t i = told < n ? n - (size_t)told : 0; told && i < n; i++)
		wl_fact(f, model_fact(m, i), m);
	for (int r = 0; r < FS_CHANNEL_REJECT_COUNT; r++) {
		if (st->rejected[r] == wl->seen.rejected[r])
			continue;
		wl_time(ev->t_ns, tbuf, sizeof(tbuf));
		fact_text_rejected((enum fs_channel_reject)r, why, sizeof(why));
		fprintf(f, "%11s %-6s %-7u %-7s %-19s %s\n", tbuf, names_event_type(FS_EV_CHANNEL),
			ev->pid, "-", wl_role(m, FS_OUTPUT_NO_SERIAL, ev->pid), why);
	}
	wl->seen = *st;
}

int workload_lines_after(struct workload_lines *wl, FILE *f, const struct fs_event *ev,
			 const struct fs_model *m)
{
	if (ev->type == FS_EV_CHANNEL) {
		wl_channel(wl, f, ev, m);
		return 0;
	}
	/* only these end lines: an output event, an exit, a fork (a reused PID's exit lost) */
	if (ev->type != FS_EV_OUTPUT && ev->type != FS_EV_EXIT && ev->type != FS_EV_FORK)
		return 0;
	return wl_lines(wl, f, m, false);
}

int workload_lines_flush(struct workload_lines *wl, FILE *f, const struct fs_model *m)
{
	return wl_lines(wl, f, m, true);
}
