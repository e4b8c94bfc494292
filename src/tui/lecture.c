/* Lecture mode (tui/lecture.h): the main run's narration fed with its events, the lessons
 * shown by moving the cursor to their events, step mode freezing a live workload at each
 * new lesson, and the question asked before a lesson is shown. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "output/lesson_text.h"
#include "tui/tui_internal.h"

static const struct fs_lesson *lec_lesson(const struct tui_app *a, long i)
{
	return i >= 0 ? lessons_at(a->lec.n.lessons, (size_t)i) : NULL;
}

static size_t lec_count(const struct tui_app *a)
{
	return lessons_count(a->lec.n.lessons);
}

/* The lecture concerns the main run only (not a comparison's). */
static bool lec_on_main(const struct tui_app *a)
{
	return a->sess == &a->main_run.sess && a->lec.n.model;
}

/* The demo the run's command runs, for its own questions (none for any other program). */
static void lec_demo_questions(struct tui_lecture *l, const struct fs_header *h)
{
	char path[4096];

	memset(&l->demo, 0, sizeof(l->demo));
	if (h && demo_questions_find(h->command, h->command_len, path, sizeof(path)) == 0)
		demo_questions_read(path, &l->demo);
}

void tui_lecture_question(const struct tui_app *a, const struct fs_lesson *x, char *buf, size_t len)
{
	if ((unsigned)x->kind < FS_LESSON_KIND_COUNT && a->lec.demo.text[x->kind][0])
		snprintf(buf, len, "%s", a->lec.demo.text[x->kind]);
	else
		lesson_question(x, buf, len);
}

static void lec_reset_marks(struct tui_lecture *l)
{
	l->at = l->asked = l->stop = l->log_sel = -1;
	l->armed = 0;
	l->stopped_shown = false;
	l->log_top = 0;
}

void tui_lecture_begin(struct tui_app *a, const struct fs_header *h)
{
	struct tui_lecture *l = &a->lec;

	vnarr_free(&l->n);
	lec_reset_marks(l);
	lec_demo_questions(l, h);
	if (vnarr_begin(&l->n, h->root_pid, h, VIEW_TOMBSTONE_LIMIT) != 0)
		tui_message(a, "out of memory: no narration");
}

void tui_lecture_event(struct tui_app *a, const struct fs_event *ev)
{
	struct tui_lecture *l = &a->lec;

	if (!vnarr_push(&l->n, ev) || !l->step || !a->live || live_frozen(a->live) ||
	    l->stop >= 0 || lec_count(a) <= l->armed)
		return;
	/* a new lesson: hold the workload right here (what it did since stays in the
	 * ring buffer and is read on: nothing is lost) */
	if (live_freeze(a->live, true) == 0) {
		l->stop = (long)l->armed;
		l->stopped_shown = false;
	}
}

void tui_lecture_end(struct tui_app *a, const struct fs_replay_info *info)
{
	vnarr_end(&a->lec.n, info);
}

void tui_lecture_load(struct tui_app *a, const char *path)
{
	struct session *s = &a->main_run.sess;
	struct fs_replay_info info;
	char err[256];

	vnarr_free(&a->lec.n);
	lec_reset_marks(&a->lec);
	lec_demo_questions(&a->lec, &a->rec_header);
	if (session_first(s) == 0 && s->store.n == s->count) {
		/* every event is in memory: narrate them from there */
		static struct fs_event ev; /* 8 KiB: not on the stack */

		if (vnarr_begin(&a->lec.n, s->root_pid, &a->rec_header, VIEW_TOMBSTONE_LIMIT) != 0)
			return;
		for (size_t i = 0; i < s->count; i++) {
			evstore_get(&s->store, i, &ev);
			vnarr_push(&a->lec.n, &ev);
		}
		vnarr_end(&a->lec.n, &s->info);
		return;
	}
	vnarr_load(&a->lec.n, path, VIEW_TOMBSTONE_LIMIT, &info, err, sizeof(err));
}

void tui_lecture_free(struct tui_app *a)
{
	vnarr_free(&a->lec.n);
}

void tui_lecture_thaw(struct tui_app *a)
{
	if (a->live && live_frozen(a->live))
		live_freeze(a->live, false);
}

long tui_lecture_shown(const struct tui_app *a)
{
	const struct fs_lesson *x = lec_lesson(a, a->lec.at);
	size_t cursor = a->sess->cursor;

	if (!lec_on_main(a))
		return -1;
	if (x && x->event + 1 == cursor)
		return a->lec.at;
	return cursor ? lessons_prev(a->lec.n.lessons, cursor - 1) : -1;
}

/* The filtered event log's line of event number ev, or -1 (filtered out). */
static long lec_event_row(struct tui_app *a, uint64_t ev)
{
	size_t lo = 0, hi;

	tui_refilter(a);
	hi = a->nf;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->fidx[mid] < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nf && a->fidx[lo] == ev ? (long)lo : -1;
}

/* Show lesson i: the question first (its event not shown yet) when asking, else the
 * cursor just past its event, that event selected in the log, its process in the tree. */
static void lec_show(struct tui_app *a, long i, bool ask)
{
	struct tui_lecture *l = &a->lec;
	const struct fs_lesson *x = lec_lesson(a, i);
	int idx;

	if (!x)
		return;
	a->paused = true;
	if (ask) {
		tui_seek(a, (size_t)x->event);
		l->asked = i;
		a->ev_sel = -1;
		return;
	}
	l->asked = -1;
	tui_seek(a, (size_t)x->event + 1);
	l->at = i;
	l->log_sel = -1;
	idx = model_find_serial(a->sess->model, x->who.serial);
	if (idx >= 0)
		a->sel_idx = idx;
	if (a->log_view == TUI_LOG_EVENTS)
		a->ev_sel = lec_event_row(a, x->event);
}

void tui_lecture_next(struct tui_app *a)
{
	struct tui_lecture *l = &a->lec;
	long next;

	if (!lec_on_main(a)) {
		tui_message(a, "no narration here");
		return;
	}
	if (l->asked >= 0) {
		lec_show(a, l->asked, false);
		return;
	}
	next = tui_lecture_shown(a) + 1;
	if ((size_t)next >= lec_count(a)) {
		tui_message(a, a->live && !a->live_done ? "no further lesson yet"
							: "no lesson after this one");
		return;
	}
	lec_show(a, next, l->ask && lec_lesson(a, next)->event >= a->sess->cursor);
}

void tui_lecture_prev(struct tui_app *a)
{
	long cur;

	if (!lec_on_main(a))
		return;
	a->lec.asked = -1;
	cur = tui_lecture_shown(a);
	if (cur <= 0) {
		tui_message(a, "no lesson before this one");
		return;
	}
	lec_show(a, cur - 1, false);
}

void tui_lecture_turn(struct tui_app *a)
{
	struct tui_lecture *l = &a->lec;

	if (l->stop < 0 || l->stopped_shown || !lec_on_main(a))
		return;
	l->stopped_shown = true;
	lec_show(a, l->stop, l->ask);
}

bool tui_lecture_space(struct tui_app *a)
{
	struct tui_lecture *l = &a->lec;

	if (!lec_on_main(a))
		return false;
	if (l->asked >= 0) { /* the answer, with its event */
		lec_show(a, l->asked, false);
		return true;
	}
	if (!l->step)
		return false;
	if (!a->live || a->live_done) { /* the run is over: lesson by lesson */
		tui_lecture_next(a);
		return true;
	}
	if (l->stop >= 0 && (size_t)l->stop + 1 < lec_count(a)) {
		/* found while it stopped: shown one by one before it runs on */
		l->stop++;
		lec_show(a, l->stop, l->ask);
		return true;
	}
	l->armed = lec_count(a);
	l->stop = -1;
	l->at = -1;
	a->paused = false; /* the view follows it again */
	if (live_freeze(a->live, false) != 0)
		tui_message(a, "the workload could not be thawed");
	return true;
}

void tui_lecture_toggle_step(struct tui_app *a)
{
	struct tui_lecture *l = &a->lec;

	if (!lec_on_main(a) || !a->live || a->live_done) {
		tui_message(a,
			    "step mode is for a live run; here ] and [ go from lesson to lesson");
		return;
	}
	if (l->step) {
		l->step = false;
		l->stop = l->asked = -1;
		tui_lecture_thaw(a);
		a->paused = false;
		tui_message(a, "step mode off: the workload runs on");
		return;
	}
	if (live_freeze(a->live, true) != 0) {
		tui_message(a, "step mode needs the workload's own cgroup v2 (cgroup.freeze): "
			       "not available here");
		return;
	}
	l->step = true;
	l->ask = true;
	l->armed = lec_count(a);
	l->stop = -1;
	a->paused = true;
	tui_message(a, "step mode: the workload is frozen; space runs it to the next lesson");
}

void tui_lecture_toggle_ask(struct tui_app *a)
{
	a->lec.ask = !a->lec.ask;
	if (!a->lec.ask && a->lec.asked >= 0)
		lec_show(a, a->lec.asked, false);
	tui_message(a, a->lec.ask ? "questions on: each lesson is asked before it is shown"
				  : "questions off");
}

void tui_lecture_toggle_log(struct tui_app *a)
{
	a->lec.log = !a->lec.log;
	a->lec.log_sel = -1;
	if (a->lec.log) {
		a->show_cpu = false; /* it takes the details' place, which the CPU view hides */
		a->focus = PANE_DETAILS;
	} else if (a->focus == PANE_DETAILS) {
		a->focus = PANE_TREE;
	}
}

/* The log's own keys, with the focus: move, and Enter goes to the lesson. */
bool tui_lecture_key(struct tui_app *a, int ch)
{
	struct tui_lecture *l = &a->lec;
	long n = (long)lec_count(a), sel, page = l->pane.h > 2 ? l->pane.h - 2 : 1;

	if (!l->log || a->focus != PANE_DETAILS || a->screen != SCR_MAIN || !l->pane.h ||
	    !lec_on_main(a))
		return false;
	sel = l->log_sel >= 0 ? l->log_sel : tui_lecture_shown(a);
	switch (ch) {
	case KEY_UP:
	case 'k':
		sel--;
		break;
	case KEY_DOWN:
	case 'j':
		sel++;
		break;
	case KEY_PPAGE:
		sel -= page;
		break;
	case KEY_NPAGE:
		sel += page;
		break;
	case KEY_HOME:
	case 'g':
		sel = 0;
		break;
	case KEY_END:
	case 'G':
		sel = n - 1;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (sel >= 0 && sel < n)
			lec_show(a, sel, false);
		return true;
	default:
		return false;
	}
	if (sel >= n)
		sel = n - 1;
	if (sel < 0)
		sel = n ? 0 : -1;
	l->log_sel = sel;
	return true;
}

void tui_lecture_layout(struct tui_app *a)
{
	struct tui_lecture *l = &a->lec;
	struct layout *lay = &a->lay;
	int rows = 2, bottom = lay->status.y; /* a question needs both at 80 columns */
	long sel, n;

	memset(&l->line, 0, sizeof(l->line));
	memset(&l->pane, 0, sizeof(l->pane));
	if (!lec_on_main(a) || lay->too_small)
		return;
	/* a pane maximized is shown alone, but a question or step mode still speaks */
	if (a->maximized >= 0 && !l->step && l->asked < 0)
		return;
	for (int p = 0; p < PANE_COUNT; p++)
		if (lay->pane[p].h > rows + 1 && lay->pane[p].y + lay->pane[p].h == bottom)
			lay->pane[p].h -= rows;
	if (lay->cpu.h > rows + 1 && lay->cpu.y + lay->cpu.h == bottom)
		lay->cpu.h -= rows;
	l->line = (struct rect){.y = bottom - rows, .x = 0, .h = rows, .w = lay->cols};
	if (!l->log || lay->pane[PANE_DETAILS].h <= 2)
		return;
	l->pane = lay->pane[PANE_DETAILS];
	if (lay->pane[PANE_EVENTS].h == l->pane.h && lay->pane[PANE_EVENTS].y == l->pane.y) {
		/* the sentences are long: the whole width, over the event log too */
		l->pane.x = 0;
		l->pane.w = lay->cols;
	}
	/* the log's scroll: the selected (or shown) lesson in view */
	n = (long)lec_count(a);
	sel = l->log_sel >= 0 ? l->log_sel : tui_lecture_shown(a);
	if (sel < 0)
		sel = 0;
	if (sel < l->log_top)
		l->log_top = (int)sel;
	if (sel >= l->log_top + l->pane.h - 1)
		l->log_top = (int)sel - (l->pane.h - 2);
	if (l->log_top > n - 1)
		l->log_top = n > 0 ? (int)n - 1 : 0;
	if (l->log_top < 0)
		l->log_top = 0;
}
