/* The narration line (the lesson the cursor has reached, or the question before it) over
 * the status line, and the narration log in the details' place (tui/lecture.h). */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output/lesson_text.h"
#include "tui/tui_internal.h"

#define NARR_TEXT_MAX 1536

/* "  1.234 s" */
static void narr_time(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%4" PRIu64 ".%03" PRIu64 " s", (uint64_t)(ns / 1000000000u),
		 (uint64_t)(ns % 1000000000u / 1000000u));
}

/* text over the rows of r, cut at spaces; the last row ends with "..." when it is cut. */
static void narr_wrap(const struct rect *r, int attr, const char *text)
{
	size_t n = strlen(text), off = 0;

	for (int row = 0; row < r->h; row++) {
		size_t take = n - off;
		char line[2 * NARR_TEXT_MAX];

		tui_fill(r->y + row, r->x, r->w, attr);
		if (take > sizeof(line) - 4)
			take = sizeof(line) - 4;
		if (off >= n)
			continue;
		if (take > (size_t)r->w) {
			take = (size_t)r->w;
			if (row + 1 < r->h) {
				size_t sp = take;

				while (sp > (size_t)r->w / 2 && text[off + sp] != ' ')
					sp--;
				if (text[off + sp] == ' ')
					take = sp;
			} else if (take > 3) {
				memcpy(line, text + off, take - 3);
				memcpy(line + take - 3, "...", 4);
				tui_put(r->y + row, r->x, r->w, attr, line);
				return;
			}
		}
		memcpy(line, text + off, take);
		line[take] = '\0';
		tui_put(r->y + row, r->x, r->w, attr, line);
		off += take;
		while (off < n && text[off] == ' ')
			off++;
	}
}

static void narr_draw_line(const struct tui_app *a)
{
	const struct tui_lecture *l = &a->lec;
	const struct fs_lesson *x;
	char text[2 * NARR_TEXT_MAX], body[NARR_TEXT_MAX], when[32], answer[256];
	bool running = a->live && !a->live_done;
	const char *state = !l->step || !running   ? ""
			    : live_frozen(a->live) ? "[step: frozen] "
						   : "[step: running] ";
	long shown = tui_lecture_shown(a);

	if (l->asked >= 0 && (x = lessons_at(l->n.lessons, (size_t)l->asked))) {
		tui_lecture_question(a, x, body, sizeof(body));
		snprintf(text, sizeof(text), "%sQUESTION: %s (space)", state, body);
		narr_wrap(&l->line, tui_attr(a, C_FOCUS) | A_BOLD, text);
		return;
	}
	x = shown >= 0 ? lessons_at(l->n.lessons, (size_t)shown) : NULL;
	if (!x) {
		snprintf(text, sizeof(text),
			 "%snarration: no lesson yet (] next lesson, L the log%s)", state,
			 a->live && !a->live_done ? ", S step mode" : "");
		narr_wrap(&l->line, A_BOLD, text);
		return;
	}
	snprintf(when, sizeof(when), "%" PRIu64 ".%03" PRIu64 " s",
		 (uint64_t)(x->t_ns / 1000000000u), (uint64_t)(x->t_ns % 1000000000u / 1000000u));
	lesson_text(x, body, sizeof(body));
	answer[0] = '\0';
	if (l->ask) {
		char ans[200];

		lesson_answer(x, ans, sizeof(ans));
		snprintf(answer, sizeof(answer), "ANSWER: %s. ", ans);
	}
	snprintf(text, sizeof(text), "%s[%ld/%zu] %s  %s%s", state, shown + 1,
		 lessons_count(l->n.lessons), when, answer, body);
	narr_wrap(&l->line, A_BOLD, text);
}

static void narr_draw_log(const struct tui_app *a)
{
	const struct tui_lecture *l = &a->lec;
	const struct rect *r = &l->pane;
	size_t n = lessons_count(l->n.lessons);
	long shown = tui_lecture_shown(a);
	char head[160], body[NARR_TEXT_MAX], row[NARR_TEXT_MAX + 48], when[32];

	snprintf(head, sizeof(head), " narration: %zu lesson%s  (Enter: go there, L: close)", n,
		 n == 1 ? "" : "s");
	tui_pane_header(a, r, PANE_DETAILS, head);
	for (int i = 1; i < r->h; i++) {
		long k = l->log_top + i - 1;
		const struct fs_lesson *x =
		    k < (long)n ? lessons_at(l->n.lessons, (size_t)k) : NULL;
		bool here = k == shown, sel = k == l->log_sel && a->focus == PANE_DETAILS;
		int attr = here ? (int)A_REVERSE : A_NORMAL;

		tui_fill(r->y + i, r->x, r->w, A_NORMAL);
		if (!x)
			continue;
		narr_time(x->t_ns, when, sizeof(when));
		lesson_text(x, body, sizeof(body));
		snprintf(row, sizeof(row), "%c%s %s", sel ? '>' : here ? '*' : ' ', when, body);
		if (x->event >= a->sess->cursor && !here)
			attr |= A_DIM; /* not reached yet */
		tui_put(r->y + i, r->x, r->w, attr, row);
	}
}

void tui_draw_narration(const struct tui_app *a)
{
	if (a->screen != SCR_MAIN)
		return;
	if (a->lec.line.h > 0)
		narr_draw_line(a);
	if (a->lec.pane.h > 1)
		narr_draw_log(a);
}
