/* The compare screen: the same workload under fork, spawn and forkserver, three compact
 * trees side by side over a table of what each cost. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/clock.h"
#include "base/names.h"
#include "base/text.h"

/* The compare screen's shared scale: 0 to the longest of the three runs (each run's times
 * count from its own start), or its first half, quarter... zoomed in (+): the start-up
 * costs take a few columns of a whole run, most of the screen zoomed in. */
static void tui_cmp_scale(const struct tui_app *a, struct timeline *tl)
{
	uint64_t total = 0;

	for (int k = 0; k < 3; k++)
		if (a->cmp[k].used && session_total_ns(&a->cmp[k].sess) > total)
			total = session_total_ns(&a->cmp[k].sess);
	timeline_init(tl);
	timeline_update(tl, total ? total : 1);
	if (a->cmp_zoom > 0) {
		tl->fit = false;
		tl->span = total >> a->cmp_zoom;
		if (tl->span < TIMELINE_MIN_SPAN_NS)
			tl->span = TIMELINE_MIN_SPAN_NS;
	}
}

/* Columns of a run's label (PID, role, Python's name) left of its timeline. */
static int tui_cmp_label_w(int cols)
{
	return cols >= 120 ? 36 : cols * 30 / 100;
}

/* The axis all three runs share: a tick every ten columns or so, with its time where the
 * label fits before the next one. */
static void tui_draw_cmp_axis(const struct tui_app *a, const struct rect *r,
			      const struct timeline *tl)
{
	int lw = tui_cmp_label_w(r->w), w = r->w - lw, next_free = 0;
	char t[32];

	static const char *const what[2][2] = {
	    {" since each start", " zoomed in"},
	    {" time since each run's start", " since each run's start (zoomed)"}};

	tui_put(r->y, r->x, lw - 1, A_BOLD, what[lw >= 34][a->cmp_zoom > 0]);
	for (int c = 0; c < w; c += 10) {
		uint64_t ns = tl->t0 + (uint64_t)((double)tl->span * c / (w > 1 ? w - 1 : 1));

		attrset(tui_faint(a));
		mvaddstr(r->y, lw + c, a->ascii ? "+" : "\u252c");
		attrset(A_NORMAL);
		names_duration(ns, t, sizeof(t));
		if (c + 1 >= next_free && c + 1 + (int)strlen(t) < w) {
			tui_put(r->y, lw + c + 1, (int)strlen(t), A_NORMAL, t);
			next_free = c + 2 + (int)strlen(t);
		}
	}
}

/* One cost mark on a run's header line: its letter where the span starts, a line to its
 * end. */
static void tui_cmp_mark(const struct tui_app *a, int y, int x, int w, const struct timeline *tl,
			 uint64_t from, uint64_t to, char letter)
{
	long c0 = timeline_col(tl, from, w), c1 = timeline_col(tl, to, w);
	int attr = tui_attr(a, C_HEADER) | A_BOLD;

	if (c0 < 0 || c0 >= w)
		return;
	if (c1 >= w)
		c1 = w - 1;
	attrset(attr);
	for (long c = c0 + 1; c <= c1; c++)
		mvaddstr(y, x + (int)c,
			 c == c1 ? (a->ascii ? "|" : "\u2524") : (a->ascii ? "-" : "\u2500"));
	mvaddch(y, x + (int)c0, (chtype)letter);
	attrset(A_NORMAL);
}

/* A run's header: its number (the key that opens it), method, state; on its timeline part
 * the marks of the figures: r the median child's start (fork -> ready), f the forkserver's
 * one-time start, T the end of the run. */
static void tui_draw_cmp_head(const struct tui_app *a, const struct rect *r,
			      const struct tui_run_slot *s, int k, const struct compare_stats *cs,
			      const struct timeline *tl)
{
	const char *state = s->done ? "done" : a->cmp_active == k ? "running" : "waiting";
	int lw = tui_cmp_label_w(r->w), w = r->w - lw;
	int attr = tui_attr(a, a->cmp_active == k ? C_FOCUS : C_HEADER) | A_BOLD;
	char head[128];

	snprintf(head, sizeof(head), "%c%d %s (%s)", a->cmp_sel == k ? '>' : ' ', k + 1, s->method,
		 state);
	if (s->used && s->done && lw >= 36) /* the status bar says it too */
		snprintf(head + strlen(head), sizeof(head) - strlen(head), "  %d: open", k + 1);
	tui_fill(r->y, r->x, r->w, attr);
	tui_put(r->y, r->x, lw, attr, head);
	if (!s->used)
		return;
	if (cs->fsrv_timed)
		tui_cmp_mark(a, r->y, lw, w, tl, cs->fsrv_from_ns, cs->fsrv_to_ns, 'f');
	if (cs->ready_children)
		tui_cmp_mark(a, r->y, lw, w, tl, cs->ready_from_ns, cs->ready_to_ns, 'r');
	if (s->done)
		tui_cmp_mark(a, r->y, lw, w, tl, cs->total_ns, cs->total_ns, 'T');
}

/* One process of a run: its label, then its bar on the shared axis: '+' fork, '*' exec,
 * '@' Python's ready, '|' exit, 'X' killed, '>' running. */
static void tui_draw_cmp_proc(const struct tui_app *a, const struct tui_run_slot *s,
			      const struct vtree_row *row, int y, int width,
			      const struct timeline *tl)
{
	const struct fs_proc *p = model_proc(s->sess.model, (size_t)row->idx);
	int lw = tui_cmp_label_w(width), w = width - lw, c0, c1;
	int attr = tui_attr(a, tui_proc_color(p));
	uint64_t end = p->exited ? p->end_ns : session_now_ns(&s->sess);
	char prefix[128], line[256];
	int pw = vtree_prefix(row, a->ascii, 8, prefix, sizeof(prefix));
	long c;

	if (p->exited)
		attr = tui_done_attr(a, attr);
	if (pw) {
		attrset(tui_faint(a));
		mvaddstr(y, 1, prefix);
		attrset(A_NORMAL);
	}
	snprintf(line, sizeof(line), "%" PRIu32 " %s", p->pid,
		 names_role_long(p->role, p->start_method));
	if (p->py.name[0] && strlen(line) + 2 < sizeof(line)) {
		/* Python's name after the role, cut by the column */
		size_t n = strlen(line);

		line[n++] = ' ';
		text_escape(line + n, sizeof(line) - n, p->py.name,
			    strnlen(p->py.name, sizeof(p->py.name)));
	}
	tui_put(y, 1 + pw, lw - 2 - pw, attr, line);
	if (!timeline_bar(tl, p->start_ns, end, w, &c0, &c1))
		return;
	attrset(attr);
	tui_hbar(a, y, lw + c0, c1 - c0 + 1, attr);
	if (timeline_col(tl, p->start_ns, w) == c0)
		mvaddch(y, lw + c0, '+');
	c = p->exec_ns ? timeline_col(tl, p->exec_ns, w) : -1;
	if (c >= 0 && c < w)
		mvaddch(y, lw + (int)c, '*');
	c = p->py.ready_ns ? timeline_col(tl, p->py.ready_ns, w) : -1;
	if (c >= 0 && c < w) {
		attrset(attr | A_BOLD);
		mvaddch(y, lw + (int)c, '@');
	}
	if (timeline_col(tl, end, w) != c1) {
		/* it goes on past the window */
	} else if (p->exited && p->signal) {
		attrset(tui_attr(a, C_KILL) | A_BOLD);
		mvaddch(y, lw + c1, 'X');
	} else {
		attrset(attr);
		mvaddch(y, lw + c1, p->exited ? '|' : '>');
	}
	attrset(A_NORMAL);
}

/* A run: its header with the cost marks, then a row per process on the shared axis ("...
 * N more" when they do not fit: its number opens it whole). */
static void tui_draw_cmp_run(const struct tui_app *a, const struct rect *r,
			     const struct tui_run_slot *s, int k, const struct compare_stats *cs,
			     const struct timeline *tl)
{
	struct vtree t;

	tui_draw_cmp_head(a, r, s, k, cs, tl);
	if (s->error[0]) {
		tui_put(r->y + 1, r->x + 1, r->w - 1, tui_attr(a, C_WARN), s->error);
		return;
	}
	if (!s->used)
		return;
	vtree_init(&t);
	if (vtree_build(&t, s->sess.model) == 0) {
		for (int i = 0; i < r->h - 1 && (size_t)i < t.n; i++) {
			if (i == r->h - 2 && t.n > (size_t)r->h - 1) {
				char line[64];

				snprintf(line, sizeof(line), " ... %zu more (%d: all of them)",
					 t.n - (size_t)i, k + 1);
				tui_put(r->y + 1 + i, r->x, r->w, tui_faint(a), line);
				break;
			}
			tui_draw_cmp_proc(a, s, &t.rows[i], r->y + 1 + i, r->w, tl);
		}
	}
	vtree_free(&t);
}
/* The compare screen: a tree per start method over a table of figures. */
void tui_draw_compare(const struct tui_app *a)
{
	struct compare_layout l;
	struct compare_stats cs[3];
	char line[256], v[3][32];
	static const char *const names[] = {"processes created",   "execs",
					    "helper processes",	   "child start (fork -> ready)",
					    "child start max",	   "forkserver start (once)",
					    "fork -> exec avg",	   "total run time",
					    "peak live processes", "lost events",
					    "CPU time (children)", "CPU time (helpers)",
					    "cores busy"};
	/* the figures the runs' header lines mark */
	static const char marks[] = {' ', ' ', ' ', 'r', ' ', 'f', ' ',
				     'T', ' ', ' ', ' ', ' ', ' '};
	const int nrows = (int)(sizeof(names) / sizeof(names[0]));
	struct timeline tl;

	erase();
	if (layout_compare(&l, COLS, LINES, a->cmp_table_first) != 0) {
		tui_too_small(COLS, LINES);
		return;
	}
	tui_fill(0, 0, COLS, tui_attr(a, C_TITLE));
	snprintf(line, sizeof(line),
		 " forkscope compare  %s  (fork, spawn, forkserver one after another)",
		 a->source_name);
	tui_put(0, 0, COLS, tui_attr(a, C_TITLE) | A_BOLD, line);
	tui_cmp_scale(a, &tl);
	tui_draw_cmp_axis(a, &l.axis, &tl);
	for (int k = 0; k < 3; k++) {
		memset(&cs[k], 0, sizeof(cs[k]));
		if (a->cmp[k].used)
			compare_compute(&a->cmp[k].sess, &cs[k]);
		tui_draw_cmp_run(a, &l.tree[k], &a->cmp[k], k, &cs[k], &tl);
	}
	snprintf(line, sizeof(line), " %-30s %14s %14s %14s", "mark  on each run's line",
		 a->cmp[0].method, a->cmp[1].method, a->cmp[2].method);
	tui_fill(l.table.y, 0, COLS, tui_attr(a, C_HEADER) | A_BOLD);
	tui_put(l.table.y, 0, COLS, tui_attr(a, C_HEADER) | A_BOLD, line);
	for (int row = 0; row < nrows && row + 1 < l.table.h; row++) {
		for (int k = 0; k < 3; k++) {
			const struct compare_stats *c = &cs[k];

			if (!a->cmp[k].used) {
				snprintf(v[k], sizeof(v[k]), "-");
				continue;
			}
			switch (row) {
			case 0:
				snprintf(v[k], sizeof(v[k]), "%zu", c->procs);
				break;
			case 1:
				snprintf(v[k], sizeof(v[k]), "%zu", c->execs);
				break;
			case 2:
				snprintf(v[k], sizeof(v[k]), "%zu", c->helpers);
				break;
			case 3:
			case 4:
				if (c->ready_children)
					names_duration(row == 3 ? c->ready_median_ns
								: c->ready_max_ns,
						       v[k], sizeof(v[k]));
				else
					snprintf(v[k], sizeof(v[k]), "not told");
				break;
			case 5:
				if (c->fsrv_timed)
					names_duration(c->fsrv_once_ns, v[k], sizeof(v[k]));
				else
					snprintf(v[k], sizeof(v[k]), "-");
				break;
			case 6:
				if (c->children)
					names_duration(c->start_avg_ns, v[k], sizeof(v[k]));
				else
					snprintf(v[k], sizeof(v[k]), "no exec");
				break;
			case 7:
				names_duration(c->total_ns, v[k], sizeof(v[k]));
				break;
			case 8:
				snprintf(v[k], sizeof(v[k]), "%zu", c->peak_live);
				break;
			case 9:
				snprintf(v[k], sizeof(v[k]), "%" PRIu64, c->lost);
				break;
			case 10:
			case 11:
				names_duration(row == 10 ? c->cpu_children_ns : c->cpu_helpers_ns,
					       v[k], sizeof(v[k]));
				break;
			default:
				snprintf(v[k], sizeof(v[k]), "%.2f", c->cores_busy);
				break;
			}
		}
		snprintf(line, sizeof(line), "  %c   %-25s %14s %14s %14s", marks[row], names[row],
			 v[0], v[1], v[2]);
		tui_put(l.table.y + 1 + row, 0, COLS,
			row == 9 && (cs[0].lost || cs[1].lost || cs[2].lost) ? tui_attr(a, C_WARN)
									     : (int)A_NORMAL,
			line);
	}
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(LINES - 1, 0, COLS, tui_attr(a, C_STATUS),
		a->msg[0] && clock_monotonic_ns() < a->msg_until_ns
		    ? a->msg
		    : " 1-3 Enter: open a run  +/-/0: zoom  t: table  c Esc: back  r: again"
		      "  q: quit  ?: help");
}
