/* Drawing: title, tree, timeline, event log, details, status bar, help, compare. Every
 * frame is drawn whole on stdscr; curses sends only what changed. */
#include <curses.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/clock.h"
#include "base/names.h"
#include "base/text.h"
#include "output/format.h"

const double tui_speeds[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
const int tui_nspeeds = (int)(sizeof(tui_speeds) / sizeof(tui_speeds[0]));

void tui_colors_init(struct tui_app *a)
{
	a->color = has_colors() && start_color() == OK;
	if (!a->color)
		return;
	use_default_colors();
	init_pair(C_MAIN, COLOR_GREEN, -1);
	init_pair(C_FORKSERVER, COLOR_MAGENTA, -1);
	init_pair(C_TRACKER, COLOR_YELLOW, -1);
	init_pair(C_CHILD_FORK, COLOR_CYAN, -1);
	init_pair(C_CHILD_SPAWN, COLOR_BLUE, -1);
	init_pair(C_CHILD_FSRV, COLOR_RED, -1);
	init_pair(C_OTHER, -1, -1);
	init_pair(C_SIGNAL, COLOR_RED, -1);
	init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_STATUS, COLOR_BLACK, COLOR_WHITE);
	init_pair(C_WARN, COLOR_WHITE, COLOR_RED);
	init_pair(C_HEADER, COLOR_WHITE, COLOR_BLUE);
	init_pair(C_FOCUS, COLOR_BLACK, COLOR_YELLOW);
	init_pair(C_MATCH, COLOR_YELLOW, -1);
}

/* Attribute of a colour pair, or a monochrome stand-in. */
static int tui_attr(const struct tui_app *a, int pair)
{
	if (a->color)
		return (int)COLOR_PAIR(pair);
	switch (pair) {
	case C_TITLE:
	case C_STATUS:
	case C_HEADER:
	case C_FOCUS:
	case C_WARN:
		return (int)A_REVERSE;
	case C_MAIN:
	case C_FORKSERVER:
	case C_MATCH:
		return (int)A_BOLD;
	case C_TRACKER:
		return (int)A_UNDERLINE;
	default:
		return (int)A_NORMAL;
	}
}

int tui_role_color(enum fs_role role, enum fs_method method)
{
	static const int by_role[FS_ROLE_COUNT] = {
	    [FS_ROLE_OTHER] = C_OTHER,		 [FS_ROLE_MAIN] = C_MAIN,
	    [FS_ROLE_FORKSERVER] = C_FORKSERVER, [FS_ROLE_RESOURCE_TRACKER] = C_TRACKER,
	    [FS_ROLE_MP_CHILD] = C_CHILD_FORK,
	};
	static const int child_by_method[FS_METHOD_COUNT] = {
	    [FS_METHOD_NONE] = C_CHILD_FORK,
	    [FS_METHOD_FORK] = C_CHILD_FORK,
	    [FS_METHOD_SPAWN] = C_CHILD_SPAWN,
	    [FS_METHOD_FORKSERVER] = C_CHILD_FSRV,
	};

	if ((unsigned)role >= FS_ROLE_COUNT)
		return C_OTHER;
	if (role == FS_ROLE_MP_CHILD && (unsigned)method < FS_METHOD_COUNT)
		return child_by_method[method];
	return by_role[role];
}

/* The colour pair of a process's role. */
static int tui_proc_color(const struct fs_proc *p)
{
	return tui_role_color(p->role, p->start_method);
}

/* Kept only for src/tui/app.c, which is not ours to edit: its owner switches it to
 * text_sanitize() and this goes. */
void tui_sanitize(char *s)
{
	text_sanitize(s);
}

/* ASCII text clipped to w columns. */
void tui_put(int y, int x, int w, int attr, const char *s)
{
	int n = (int)strlen(s);

	if (w <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(attr);
	mvaddnstr(y, x, s, n < w ? n : w);
	attrset(A_NORMAL);
}

void tui_fill(int y, int x, int w, int attr)
{
	if (w <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

void tui_too_small(int cols, int rows)
{
	char line[128];
	int y = rows / 2 - 1;

	erase();
	snprintf(line, sizeof(line), "terminal too small: %dx%d", cols, rows);
	tui_put(y < 0 ? 0 : y, 0, cols, A_BOLD, line);
	snprintf(line, sizeof(line), "forkscope needs at least %dx%d", LAYOUT_MIN_COLS,
		 LAYOUT_MIN_ROWS);
	tui_put(y + 1, 0, cols, A_NORMAL, line);
	tui_put(y + 2, 0, cols, A_NORMAL, "enlarge it, or q to quit");
}

/* A pane's header line: reversed, brighter when it has the focus. */
static void tui_pane_header(struct tui_app *a, const struct rect *r, int pane, const char *text)
{
	int attr = tui_attr(a, a->focus == pane ? C_FOCUS : C_HEADER) | A_BOLD;

	tui_fill(r->y, r->x, r->w, attr);
	tui_put(r->y, r->x, r->w, attr, text);
}

/* The command of a process (format_proc_command), safe for the terminal. */
static void tui_proc_command(const struct fs_proc *p, char *buf, size_t len)
{
	format_proc_command(p, buf, len, 120);
	text_sanitize(buf);
}

static const struct fs_proc *tui_selected(const struct tui_app *a)
{
	if (a->sel_idx < 0 || (size_t)a->sel_idx >= model_count(a->sess->model))
		return NULL;
	return model_proc(a->sess->model, (size_t)a->sel_idx);
}

static const char *tui_source_label(const struct tui_app *a)
{
	if (!a->live_mode)
		return "REPLAY";
	if (a->live && !a->live_done)
		return "LIVE";
	return "FINISHED";
}

/* The roles the legend shows, in its order, each in its colour. */
static const struct {
	enum fs_role role;
	enum fs_method method;
} tui_legend[] = {
    {FS_ROLE_MAIN, FS_METHOD_NONE},
    {FS_ROLE_FORKSERVER, FS_METHOD_NONE},
    {FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE},
    {FS_ROLE_MP_CHILD, FS_METHOD_FORK},
    {FS_ROLE_MP_CHILD, FS_METHOD_SPAWN},
    {FS_ROLE_MP_CHILD, FS_METHOD_FORKSERVER},
    {FS_ROLE_OTHER, FS_METHOD_NONE},
};

/* A legend entry's words: the short form for a narrow place, else the long one. */
static const char *tui_legend_name(size_t i, bool brief)
{
	return brief ? names_role_short(tui_legend[i].role, tui_legend[i].method)
		     : names_role_long(tui_legend[i].role, tui_legend[i].method);
}

static int tui_draw_legend(struct tui_app *a, int y, int x, int w, bool on_title, bool brief);

/* The title bar; true when the role legend fitted on it. */
static bool tui_draw_title(struct tui_app *a)
{
	const struct rect *r = &a->lay.title;
	char left[256];
	int x, need = 9;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++)
		need += (int)strlen(tui_legend_name(i, true)) + 1;
	tui_fill(r->y, 0, r->w, tui_attr(a, C_TITLE));
	snprintf(left, sizeof(left), " forkscope  %s  method %s  [%s%s]", a->source_name,
		 a->method[0] ? a->method : "default", tui_source_label(a),
		 !a->paused						  ? ""
		 : a->sess->cursor == a->sess->count && a->sess->complete ? " at end"
									  : " paused");
	tui_put(r->y, 0, r->w, tui_attr(a, C_TITLE) | A_BOLD, left);
	x = r->w - need;
	if (x < (int)strlen(left) + 2)
		return false;
	tui_put(r->y, x, r->w - x, tui_attr(a, C_TITLE), "legend:");
	tui_draw_legend(a, r->y, x + 8, r->w - x - 8, true, true);
	return true;
}

/* Columns the widest role takes in the long (or short) form. */
static int tui_role_width(bool brief)
{
	int w = 0;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++)
		if ((int)strlen(tui_legend_name(i, brief)) > w)
			w = (int)strlen(tui_legend_name(i, brief));
	return w;
}

/* Tree columns: PID, [PPID], role, state, then the tree lines and the command. Roles take
 * the long form, the short one in a narrow pane; the state has its sender only in a wide
 * pane (the details always have it), so that the tree lines keep some room. */
static void tui_draw_tree(struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_TREE];
	const struct fs_model *m = a->sess->model;
	int rows = a->tree_rows;
	bool wide = r->w >= 90, narrow = r->w < 56;
	int sw = wide ? 19 : narrow ? 8 : 12, rw = tui_role_width(narrow); /* state, role */
	char head[256];

	snprintf(head, sizeof(head), " %6s %s%-*s %-*s %s", "PID", wide ? "  PPID " : "", rw,
		 "ROLE", sw, "STATE", "TREE / COMMAND");
	tui_pane_header(a, r, PANE_TREE, head);
	for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
		const struct vtree_row *row = &a->tree.rows[a->tree_top + i];
		const struct fs_proc *p = model_proc(m, (size_t)row->idx);
		int y = r->y + 1 + i, x = r->x, pw, n, attr;
		char prefix[300], state[64], cmd[512], cols[128], ppid[16] = "";
		bool selected = row->idx == a->sel_idx;
		const char *role = narrow ? names_role_short(p->role, p->start_method)
					  : names_role_long(p->role, p->start_method);

		attr = tui_attr(a, tui_proc_color(p));
		if (p->exited)
			attr |= A_DIM;
		if (selected) {
			attr = (attr & ~(int)A_DIM) | (int)A_REVERSE;
			tui_fill(y, r->x, r->w, A_REVERSE);
		}
		format_proc_state(p, NAMES_STATE_BRIEF, state, sizeof(state));
		if ((int)strlen(state) > sw)
			format_proc_state(p, NAMES_STATE_TINY, state, sizeof(state));
		if (wide)
			snprintf(ppid, sizeof(ppid), " %6" PRIu32, p->ppid);
		snprintf(cols, sizeof(cols), " %6" PRIu32 "%c%s%s%-*s %-*.*s ", p->pid,
			 p->reparented ? '^' : ' ', ppid, wide ? " " : "", rw, role, sw, sw, state);
		tui_put(y, x, r->w, attr, cols);
		x += (int)strlen(cols);
		pw = vtree_prefix(row, a->ascii, r->w - (x - r->x) - 12, prefix, sizeof(prefix));
		if (pw && x + pw < r->x + r->w) {
			attrset(selected ? A_REVERSE : A_DIM);
			mvaddstr(y, x, prefix);
			attrset(A_NORMAL);
			x += pw;
		}
		n = 0;
		if (row->collapsed)
			n = snprintf(cmd, sizeof(cmd), "[+%zu] ", row->hidden);
		if (p->replaces)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "[replaces %" PRIu32 "] ",
				      p->replaces);
		if (p->unseen_start)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "[start not seen] ");
		tui_proc_command(p, cmd + n, sizeof(cmd) - (size_t)n);
		tui_put(y, x, r->w - (x - r->x), attr, cmd);
	}
	if (a->tree.n == 0)
		tui_put(r->y + 1, r->x + 1, r->w - 1, A_DIM, "no process yet");
}

/* One character per column of the scale: a tick every ~10 columns with its time. */
static void tui_draw_axis(struct tui_app *a, const struct rect *r)
{
	char head[512], t[32];
	int w = r->w, off;

	snprintf(head, sizeof(head), " Timeline %s", a->tl.fit ? "(whole run)" : "(zoomed)");
	tui_pane_header(a, r, PANE_TIMELINE, head);
	off = (int)strlen(head) + 1;
	/* labels at the left and right edges of the window */
	names_duration(a->tl.t0, t, sizeof(t));
	if (off + 12 < w)
		tui_put(r->y, r->x + off, w - off,
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
	names_duration(a->tl.t0 + a->tl.span, t, sizeof(t));
	if ((int)strlen(t) + off + 14 < w)
		tui_put(r->y, r->x + w - (int)strlen(t) - 1, (int)strlen(t),
			tui_attr(a, a->focus == PANE_TIMELINE ? C_FOCUS : C_HEADER), t);
}

/* Bars from fork to exit (or now), exec '*', signals received '!', end '|' or 'X'. */
static void tui_draw_timeline(struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_TIMELINE];
	const struct fs_model *m = a->sess->model;
	uint64_t now = session_now_ns(a->sess);
	int rows = a->tree_rows, w = r->w;
	long now_col;

	if (w <= 2)
		return;
	timeline_update(&a->tl, session_total_ns(a->sess));
	tui_draw_axis(a, r);
	now_col = timeline_col(&a->tl, now, w);
	for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
		const struct fs_proc *p = model_proc(m, (size_t)a->tree.rows[a->tree_top + i].idx);
		uint64_t end = p->exited ? p->end_ns : now;
		int y = r->y + 1 + i, c0, c1, attr = tui_attr(a, tui_proc_color(p));
		long c;

		if (p->exited)
			attr |= A_DIM;
		if (a->tree.rows[a->tree_top + i].idx == a->sel_idx)
			attr |= A_BOLD;
		if (!timeline_bar(&a->tl, p->start_ns, end, w, &c0, &c1))
			continue;
		attrset(attr);
		mvhline(y, r->x + c0, a->ascii ? '=' : ACS_HLINE, c1 - c0 + 1);
		if (a->ascii)
			mvhline(y, r->x + c0, '=', c1 - c0 + 1);
		if (p->exited && timeline_col(&a->tl, end, w) == c1)
			mvaddch(y, r->x + c1, p->signal ? 'X' : '|');
		else if (!p->exited && now_col == c1)
			mvaddch(y, r->x + c1, '>');
		c = timeline_col(&a->tl, p->start_ns, w);
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '+');
		c = p->exec_ns ? timeline_col(&a->tl, p->exec_ns, w) : -1;
		if (c >= 0 && c < w)
			mvaddch(y, r->x + (int)c, '*');
		attrset(A_NORMAL);
	}
	/* signals received by the visible processes (SIGCHLD left out: it is everywhere) */
	for (size_t k = session_first(a->sess); k < a->sess->cursor; k++) {
		const struct view_ev *e = session_event(a->sess, k);
		long c;

		if (!e)
			break;
		if (e->type != FS_EV_SIGNAL || e->sig == SIGCHLD)
			continue;
		c = timeline_col(&a->tl, e->t_ns, w);
		if (c < 0 || c >= w)
			continue;
		for (int i = 0; i < rows && (size_t)(a->tree_top + i) < a->tree.n; i++) {
			const struct fs_proc *p =
			    model_proc(m, (size_t)a->tree.rows[a->tree_top + i].idx);

			if (p->pid == e->target && e->t_ns >= p->start_ns &&
			    (!p->exited || e->t_ns <= p->end_ns)) {
				attrset(tui_attr(a, C_WARN) | A_BOLD);
				mvaddch(r->y + 1 + i, r->x + (int)c, '!');
				attrset(A_NORMAL);
			}
		}
	}
}

/* Keep the filtered index list up to date (incrementally as events arrive). It holds the
 * numbers of events in memory: those dropped leave it, and when a replay reads its file
 * again from the start the list starts again. */
void tui_refilter(struct tui_app *a)
{
	const struct session *s = a->sess;
	size_t first = session_first(s), end = first + s->store.n, k = 0;

	if (a->f_sess != a->sess || a->f_scanned > s->count || first < a->f_first) {
		a->nf = 0;
		a->f_scanned = 0;
		a->f_sess = a->sess;
	}
	a->f_first = first;
	while (k < a->nf && a->fidx[k] < first)
		k++;
	if (k) {
		memmove(a->fidx, a->fidx + k, (a->nf - k) * sizeof(*a->fidx));
		a->nf -= k;
		if (a->ev_sel >= 0)
			a->ev_sel = a->ev_sel > (long)k ? a->ev_sel - (long)k : 0;
	}
	if (a->f_scanned < first)
		a->f_scanned = first;
	for (; a->f_scanned < end; a->f_scanned++) {
		if (!evfilter_match(&a->filt, session_event(s, a->f_scanned)))
			continue;
		if (a->nf == a->capf) {
			size_t cap = a->capf ? a->capf * 2 : 1024;
			size_t *grown = realloc(a->fidx, cap * sizeof(*grown));

			if (!grown)
				return;
			a->fidx = grown;
			a->capf = cap;
		}
		a->fidx[a->nf++] = a->f_scanned;
	}
}

/* Filtered events before the cursor. */
static size_t tui_visible_events(const struct tui_app *a)
{
	size_t lo = 0, hi = a->nf;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->fidx[mid] < a->sess->cursor)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void tui_draw_output(struct tui_app *a, const struct rect *r)
{
	int rows = r->h - 1, first = a->out_n > rows ? a->out_n - rows : 0;

	tui_pane_header(a, r, PANE_EVENTS, " Workload output (o: back to events)");
	for (int i = first, y = r->y + 1; i < a->out_n; i++, y++) {
		int at = (a->out_head - a->out_n + i + TUI_OUT_LINES) % TUI_OUT_LINES;

		tui_put(y, r->x, r->w, A_NORMAL, a->out_lines[at]);
	}
}

static void tui_draw_events(struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_EVENTS];
	const struct fs_proc *sel = tui_selected(a);
	size_t vis;
	int rows = r->h - 1;
	char head[256], fdesc[128];
	long pos;

	if (a->show_output) {
		tui_draw_output(a, r);
		return;
	}
	tui_refilter(a);
	vis = tui_visible_events(a);
	evfilter_describe(&a->filt, fdesc, sizeof(fdesc));
	snprintf(head, sizeof(head), " Events %zu/%zu  filter: %s%s", vis, a->sess->cursor, fdesc,
		 session_first(a->sess) ? "  (older events dropped)" : "");
	tui_pane_header(a, r, PANE_EVENTS, head);
	if (a->ev_sel >= (long)vis)
		a->ev_sel = vis ? (long)vis - 1 : -1;
	pos = a->ev_sel >= 0 ? a->ev_sel : (long)vis - 1;
	if (a->ev_sel < 0) {
		a->ev_top = (int)vis - rows;
	} else {
		if (pos < a->ev_top)
			a->ev_top = (int)pos;
		if (pos >= a->ev_top + rows)
			a->ev_top = (int)pos - rows + 1;
	}
	if (a->ev_top > (int)vis - rows)
		a->ev_top = (int)vis - rows;
	if (a->ev_top < 0)
		a->ev_top = 0;
	for (int i = 0; i < rows && (size_t)(a->ev_top + i) < vis; i++) {
		const struct view_ev *e = session_event(a->sess, a->fidx[a->ev_top + i]);
		char line[512];
		int attr = A_NORMAL;

		if (!e)
			break;
		view_event_text(e, line, sizeof(line));
		text_sanitize(line);
		if (sel && view_event_involves(e, sel->pid))
			attr = tui_attr(a, C_MATCH) | A_BOLD;
		if (e->type == FS_EV_SIGNAL && e->sig != SIGCHLD && !(attr & A_BOLD))
			attr = tui_attr(a, C_SIGNAL);
		if (a->ev_sel >= 0 && a->ev_top + i == a->ev_sel) {
			attr |= A_REVERSE;
			tui_fill(r->y + 1 + i, r->x, r->w, A_REVERSE);
		}
		tui_put(r->y + 1 + i, r->x, r->w, attr, line);
	}
}

/* Word-wrap text into the pane from line *y on; returns false when the pane is full. */
static bool tui_wrap(const struct rect *r, int *y, int skip, int *line_no, int attr,
		     const char *text)
{
	int len = (int)strlen(text), w = r->w - 1, n;

	for (int off = 0; off < len || (len == 0 && off == 0); off += n) {
		n = w;
		/* break after a space when there is one in the last two thirds of the line */
		if (len - off > w)
			for (int k = w - 1; k > w / 3; k--)
				if (text[off + k] == ' ') {
					n = k + 1;
					break;
				}
		if ((*line_no)++ >= skip) {
			if (*y >= r->y + r->h)
				return false;
			char chunk[512];

			snprintf(chunk, sizeof(chunk), "%.*s", n, text + off);
			tui_put((*y)++, r->x + 1, w, attr, chunk);
		}
		if (len == 0 || n <= 0)
			break;
	}
	return true;
}

static void tui_draw_details(struct tui_app *a)
{
	const struct rect *r = &a->lay.pane[PANE_DETAILS];
	const struct fs_proc *p = tui_selected(a);
	const struct fs_model *m = a->sess->model;
	char line[1024], buf[256];
	int y = r->y + 1, n = 0, skip = a->det_scroll, children = 0;
	uint64_t now = session_now_ns(a->sess);

	tui_pane_header(a, r, PANE_DETAILS, " Details (Enter: full view)");
	if (!p) {
		tui_put(y, r->x + 1, r->w - 1, A_DIM, "select a process in the tree");
		return;
	}
#define DLINE(attr, ...)                                                                           \
	do {                                                                                       \
		snprintf(line, sizeof(line), __VA_ARGS__);                                         \
		text_sanitize(line);                                                               \
		if (!tui_wrap(r, &y, skip, &n, attr, line))                                        \
			return;                                                                    \
	} while (0)
	DLINE(tui_attr(a, tui_proc_color(p)) | A_BOLD, "PID %" PRIu32 "  %s%s", p->pid,
	      names_role_long(p->role, p->start_method), p->generation ? "  (PID reused)" : "");
	DLINE(A_NORMAL, "why: %s", p->role_reason ? p->role_reason : "no multiprocessing sign");
	format_proc_state(p, NAMES_STATE_LONG, buf, sizeof(buf));
	DLINE(p->exited ? A_BOLD : A_NORMAL, "state: %s", buf);
	if (p->daemon_kill)
		DLINE(A_BOLD, "daemon: terminated by its starter at its exit");
	if (p->unseen_start)
		DLINE(A_BOLD, "start not seen: its fork was lost or came before tracing");
	if (p->exited && p->signal && !p->killed_by)
		DLINE(A_NORMAL, "signal %s (sender unknown)", names_signal(p->signal));
	{
		size_t off = (size_t)snprintf(buf, sizeof(buf), "PPID %" PRIu32, p->ppid);

		if (p->ppid_history_len > 1) {
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "  history:");
			for (int i = 0; i < p->ppid_history_len && off < sizeof(buf); i++)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %" PRIu32,
							p->ppid_history[i]);
		}
		DLINE(A_NORMAL, "%s%s", buf, p->reparented ? "  (re-parented orphan)" : "");
	}
	if (p->starter && p->starter != p->ppid)
		DLINE(A_NORMAL, "started on behalf of %" PRIu32, p->starter);
	if (!p->unseen_start) /* no fork seen: no forking thread known */
		DLINE(A_NORMAL, "forked by thread %" PRIu32 "; parent had %" PRIu32 " thread%s",
		      p->parent_tid, p->parent_threads, p->parent_threads == 1 ? "" : "s");
	if (p->replaces)
		DLINE(A_BOLD, "recycled: replaces worker %" PRIu32 " (slot %d)", p->replaces,
		      p->slot);
	else if (p->slot)
		DLINE(A_NORMAL, "pool slot %d", p->slot);
	names_duration((p->exited ? p->end_ns : now) - p->start_ns, buf, sizeof(buf));
	{
		char from[32];

		names_duration(p->start_ns, from, sizeof(from));
		DLINE(A_NORMAL, "lifetime %s%s (from %s)", buf, p->exited ? "" : " so far", from);
	}
	if (p->exec_seen)
		DLINE(A_NORMAL, "exec %s", p->filename ? p->filename : "?");
	else
		DLINE(A_NORMAL, "no exec: runs its parent's program (%s)", p->comm);
	for (int i = 0; p->argv && i < p->argc && p->argv[i]; i++)
		DLINE(A_DIM, "argv[%d] %s", i, p->argv[i]);
	for (int c = p->first_child; c >= 0 && (size_t)c < model_count(m);
	     c = model_proc(m, (size_t)c)->next_sibling)
		children++;
	DLINE(A_NORMAL, "children: %d", children);
	for (int c = p->first_child, k = 0; c >= 0 && (size_t)c < model_count(m) && k < 64;
	     c = model_proc(m, (size_t)c)->next_sibling, k++) {
		const struct fs_proc *ch = model_proc(m, (size_t)c);

		format_proc_state(ch, NAMES_STATE_LONG, buf, sizeof(buf));
		DLINE(A_NORMAL, "  %" PRIu32 " %s, %s", ch->pid,
		      names_role_long(ch->role, ch->start_method), buf);
	}
#undef DLINE
}

static void tui_draw_status(struct tui_app *a)
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
	names_duration(a->live_mode && a->live && !a->live_done ? a->live_elapsed_ns
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

static const char *const tui_help_lines[] = {
    "forkscope keys",
    "",
    "  Up/Down j/k     move in the focused pane     PgUp/PgDn  page",
    "  g / G           first / last row",
    "  Tab / S-Tab     next / previous pane          z          maximize the pane",
    "  Enter           details of the process (again: back)",
    "  Left/Right h/l  tree: fold / unfold           x          fold or unfold",
    "                  timeline: pan                 E          unfold everything",
    "  + / -           timeline zoom in / out        0          whole run",
    "  /               find a process (filters the event log too); n: next match",
    "  f               event types: all, fork, exec, exit, signal",
    "  p               events of the selected process only (again: all)",
    "  s               show SIGCHLD in the event log or not",
    "  o               workload output instead of the event log (live)",
    "",
    "  space           pause / play (live: freeze the view; events keep coming)",
    "  , / .           step one event back / forward",
    "  < / >           slower / faster (0.1x to 100x)",
    "  Home / End      jump to the start / the end   (also b / e)",
    "",
    "  m               change the start method and run again (live)",
    "  r               run again (live) / replay from the start",
    "  c               compare fork, spawn and forkserver (live)",
    "  d               back to the demo picker (when started from it)",
    "  ? / F1          this help                      q / F10    quit",
    "",
    "roles:",
    "tree: ^ after a PID = re-parented orphan; dimmed rows = exited (tombstones)",
    "state: SIGTERM by 1234 = killed by SIGTERM from 1234; * = a daemon killed at its starter's "
    "exit",
    "timeline: + fork  * exec  ! signal received  | exit  X killed  > still running",
    "",
    "press any key to close",
};

/* The role legend in colour from column x of row y (brief: the tree's short role names);
 * returns the width used. */
static int tui_draw_legend(struct tui_app *a, int y, int x, int w, bool on_title, bool brief)
{
	int used = 0;

	for (size_t i = 0; i < sizeof(tui_legend) / sizeof(tui_legend[0]); i++) {
		const char *name = tui_legend_name(i, brief);
		int color = tui_role_color(tui_legend[i].role, tui_legend[i].method);
		int attr = a->color ? (int)(COLOR_PAIR(color) | A_BOLD)
				    : tui_attr(a, on_title ? C_TITLE : C_OTHER);

		if (a->color && on_title)
			attr |= (int)A_REVERSE;
		tui_put(y, x + used, w - used, attr, name);
		used += (int)strlen(name) + 1;
	}
	return used;
}

static void tui_draw_help(struct tui_app *a)
{
	int n = (int)(sizeof(tui_help_lines) / sizeof(tui_help_lines[0]));

	erase();
	for (int i = 0; i < n && i < LINES; i++) {
		tui_put(i, 2, COLS - 2, i == 0 ? tui_attr(a, C_TITLE) | A_BOLD : A_NORMAL,
			tui_help_lines[i]);
		if (!strcmp(tui_help_lines[i], "roles:"))
			tui_draw_legend(a, i, 9, COLS - 9, false, false);
	}
}

/* Compact tree of one compare column. */
static void tui_draw_cmp_tree(struct tui_app *a, const struct rect *r, struct tui_run_slot *s,
			      int k)
{
	const char *state = s->done ? "done" : a->cmp_active == k ? "running" : "waiting";
	struct vtree t;
	char head[128];

	snprintf(head, sizeof(head), " %s (%s)", s->method, state);
	tui_fill(r->y, r->x, r->w, tui_attr(a, a->cmp_active == k ? C_FOCUS : C_HEADER) | A_BOLD);
	tui_put(r->y, r->x, r->w, tui_attr(a, a->cmp_active == k ? C_FOCUS : C_HEADER) | A_BOLD,
		head);
	if (s->error[0]) {
		tui_put(r->y + 1, r->x, r->w, tui_attr(a, C_WARN), s->error);
		return;
	}
	if (!s->used)
		return;
	vtree_init(&t);
	if (vtree_build(&t, s->sess.model) == 0) {
		for (int i = 0; i < r->h - 1 && (size_t)i < t.n; i++) {
			const struct fs_proc *p = model_proc(s->sess.model, (size_t)t.rows[i].idx);
			char prefix[128], line[256];
			int pw = vtree_prefix(&t.rows[i], a->ascii, 10, prefix, sizeof(prefix));
			int attr = tui_attr(a, tui_proc_color(p)) | (p->exited ? A_DIM : 0);

			if (i == r->h - 2 && t.n > (size_t)r->h - 1) {
				snprintf(line, sizeof(line), "... %zu more", t.n - (size_t)i);
				tui_put(r->y + 1 + i, r->x, r->w, A_DIM, line);
				break;
			}
			if (pw) {
				attrset(A_DIM);
				mvaddstr(r->y + 1 + i, r->x, prefix);
				attrset(A_NORMAL);
			}
			snprintf(line, sizeof(line), "%" PRIu32 " %s", p->pid,
				 names_role_long(p->role, p->start_method));
			tui_put(r->y + 1 + i, r->x + pw, r->w - pw, attr, line);
		}
	}
	vtree_free(&t);
}

static void tui_draw_compare(struct tui_app *a)
{
	struct compare_layout l;
	struct compare_stats cs[3];
	char line[256], v[3][32];
	static const char *const names[] = {
	    "processes created", "execs",	   "helper processes",	  "child start avg",
	    "child start max",	 "total run time", "peak live processes", "lost events"};

	erase();
	if (layout_compare(&l, COLS, LINES) != 0) {
		tui_too_small(COLS, LINES);
		return;
	}
	tui_fill(0, 0, COLS, tui_attr(a, C_TITLE));
	snprintf(line, sizeof(line),
		 " forkscope compare  %s  (fork, spawn, forkserver one after another)",
		 a->source_name);
	tui_put(0, 0, COLS, tui_attr(a, C_TITLE) | A_BOLD, line);
	for (int k = 0; k < 3; k++) {
		tui_draw_cmp_tree(a, &l.tree[k], &a->cmp[k], k);
		memset(&cs[k], 0, sizeof(cs[k]));
		if (a->cmp[k].used)
			compare_compute(&a->cmp[k].sess, &cs[k]);
	}
	snprintf(line, sizeof(line), " %-22s %16s %16s %16s", "", a->cmp[0].method,
		 a->cmp[1].method, a->cmp[2].method);
	tui_fill(l.table.y, 0, COLS, tui_attr(a, C_HEADER) | A_BOLD);
	tui_put(l.table.y, 0, COLS, tui_attr(a, C_HEADER) | A_BOLD, line);
	for (int row = 0; row < 8 && row + 1 < l.table.h; row++) {
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
				if (c->children)
					names_duration(row == 3 ? c->start_avg_ns : c->start_max_ns,
						       v[k], sizeof(v[k]));
				else
					snprintf(v[k], sizeof(v[k]), "no exec");
				break;
			case 5:
				names_duration(c->total_ns, v[k], sizeof(v[k]));
				break;
			case 6:
				snprintf(v[k], sizeof(v[k]), "%zu", c->peak_live);
				break;
			default:
				snprintf(v[k], sizeof(v[k]), "%" PRIu64, c->lost);
				break;
			}
		}
		snprintf(line, sizeof(line), " %-22s %16s %16s %16s", names[row], v[0], v[1], v[2]);
		tui_put(l.table.y + 1 + row, 0, COLS,
			row == 7 && (cs[0].lost || cs[1].lost || cs[2].lost) ? tui_attr(a, C_WARN)
									     : (int)A_NORMAL,
			line);
	}
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(LINES - 1, 0, COLS, tui_attr(a, C_STATUS),
		a->msg[0] && clock_monotonic_ns() < a->msg_until_ns
		    ? a->msg
		    : " c/Esc: back to the run   r: compare again   q: quit   ?: help");
}

/* Scroll the tree (and the timeline's rows with it) so that the selection is visible. */
static void tui_tree_scroll(struct tui_app *a, int rows)
{
	int sel_row = vtree_find_row(&a->tree, a->sel_idx);

	if (rows < 1)
		rows = 1;
	if (sel_row >= 0) {
		if (sel_row < a->tree_top)
			a->tree_top = sel_row;
		if (sel_row >= a->tree_top + rows)
			a->tree_top = sel_row - rows + 1;
	}
	if (a->tree_top > (int)a->tree.n - rows)
		a->tree_top = (int)a->tree.n - rows;
	if (a->tree_top < 0)
		a->tree_top = 0;
}

void tui_draw(struct tui_app *a)
{
	const struct rect *tree;
	bool legend;

	if (a->screen == SCR_HELP) {
		tui_draw_help(a);
		refresh();
		return;
	}
	if (a->screen == SCR_COMPARE) {
		tui_draw_compare(a);
		refresh();
		return;
	}
	erase();
	if (layout_compute(&a->lay, COLS, LINES, a->maximized) != 0) {
		tui_too_small(COLS, LINES);
		refresh();
		return;
	}
	vtree_build(&a->tree, a->sess->model);
	if (a->sel_idx < 0 && a->tree.n)
		a->sel_idx = a->tree.rows[0].idx;
	tree = &a->lay.pane[PANE_TREE];
	a->tree_rows = (tree->h > 1 ? tree->h : a->lay.pane[PANE_TIMELINE].h) - 1;
	legend = tui_draw_title(a);
	if (!legend && tree->h > 3) {
		/* no room on the title: the legend takes the tree's last row */
		a->tree_rows--;
		tui_draw_legend(a, tree->y + tree->h - 1, tree->x + 1, tree->w - 1, false,
				tree->w < 60);
	}
	tui_tree_scroll(a, a->tree_rows);
	if (tree->h > 1)
		tui_draw_tree(a);
	if (a->lay.pane[PANE_TIMELINE].h > 1)
		tui_draw_timeline(a);
	if (a->lay.pane[PANE_EVENTS].h > 1)
		tui_draw_events(a);
	if (a->lay.pane[PANE_DETAILS].h > 1)
		tui_draw_details(a);
	tui_draw_status(a);
	refresh();
}
