/* The details pane: everything known of the selected process (role and why, Python's
 * account, state and sender, PPID history, starter, thread, recycling, lifetime, start-up
 * phases, tasks, CPU time and cores busy, exec and argv, children). */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"
#include "base/text.h"
#include "model/python.h"
#include "output/format.h"

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
#define TUI_TASKS_SHOWN 64

/* Python's start-up phases of p (times from its fork) and the tasks it ran (job and
 * index, items, start, duration; the first TUI_TASKS_SHOWN); false when the pane is full. */
static bool tui_details_python(const struct tui_app *a, const struct fs_proc *p,
			       const struct rect *r, int *y, int skip, int *n)
{
	const struct fs_model *m = a->sess->model;
	uint64_t at[FS_PY_PHASE_COUNT], base = p->unseen_start ? 0 : p->start_ns;
	size_t idx[TUI_TASKS_SHOWN], count;
	char line[256], t0[32], d[32];

	if (p->role == FS_ROLE_FORKSERVER && vpy_first_fork(m, p, &at[0])) {
		names_duration(at[0], d, sizeof(d));
		snprintf(line, sizeof(line),
			 "first fork %s after its start: its one-time cost (the compare view's "
			 "forkserver start)",
			 d);
		if (!tui_wrap(r, y, skip, n, A_NORMAL, line))
			return false;
	}
	vpy_phases(p, at);
	if (at[FS_PY_PHASE_HELLO] || at[FS_PY_PHASE_READY]) {
		if (!tui_wrap(r, y, skip, n, A_NORMAL, "start-up (from its fork):"))
			return false;
		for (int k = 0; k < FS_PY_PHASE_COUNT; k++) {
			if (!at[k] || (k > 0 && at[k] < base))
				continue;
			names_duration(at[k] - (k ? base : 0), d, sizeof(d));
			snprintf(line, sizeof(line), "  %-18s %s%s", names_py_phase(k),
				 k ? "+" : "at ", d);
			if (!tui_wrap(r, y, skip, n, k == FS_PY_PHASE_READY ? A_BOLD : A_NORMAL,
				      line))
				return false;
		}
	}
	if (!p->py.tasks)
		return true;
	count = vpy_tasks(m, p, idx, TUI_TASKS_SHOWN);
	snprintf(line, sizeof(line), "tasks: %" PRIu64 " (%" PRIu64 " item%s)%s", p->py.tasks,
		 p->py.items, p->py.items == 1 ? "" : "s",
		 count < p->py.tasks ? "; the oldest forgotten" : "");
	if (!tui_wrap(r, y, skip, n, A_NORMAL, line))
		return false;
	for (size_t i = 0; i < count && i < TUI_TASKS_SHOWN; i++) {
		const struct fs_task *t = model_task(m, idx[i]);
		char which[48];

		if (t->job == FS_TASK_NO_JOB)
			snprintf(which, sizeof(which), "work #%" PRId64, t->index);
		else
			snprintf(which, sizeof(which), "job %" PRId64 " #%" PRId64, t->job,
				 t->index);
		names_duration(t->start_ns, t0, sizeof(t0));
		names_duration(t->end_ns > t->start_ns ? t->end_ns - t->start_ns : 0, d, sizeof(d));
		snprintf(line, sizeof(line), "  %-14s %3" PRIu64 " item%s at %s, %s", which,
			 t->items, t->items == 1 ? " " : "s", t0, d);
		if (!tui_wrap(r, y, skip, n, A_NORMAL, line))
			return false;
	}
	if (count > TUI_TASKS_SHOWN) {
		snprintf(line, sizeof(line), "  ... %zu more", count - TUI_TASKS_SHOWN);
		if (!tui_wrap(r, y, skip, n, tui_faint(a), line))
			return false;
	}
	return true;
}

/* The details of the selected process in r, word-wrapped, from line skip on; the lines
 * counted (all of them when r is below the screen: nothing is drawn there). */
static int tui_details_body(const struct tui_app *a, const struct rect *r, int skip)
{
	const struct fs_proc *p = tui_selected(a);
	const struct fs_model *m = a->sess->model;
	char line[1024], buf[256];
	int y = r->y + 1, n = 0, children = 0;
	uint64_t now = session_now_ns(a->sess);

	tui_pane_header(a, r, PANE_DETAILS, " Details (Enter: full view)");
	if (!p) {
		tui_put(y, r->x + 1, r->w - 1, tui_faint(a), "select a process in the tree");
		return 0;
	}
#define DLINE(attr, ...)                                                                           \
	do {                                                                                       \
		snprintf(line, sizeof(line), __VA_ARGS__);                                         \
		text_sanitize(line);                                                               \
		if (!tui_wrap(r, &y, skip, &n, attr, line))                                        \
			return n;                                                                  \
	} while (0)
	DLINE(tui_attr(a, tui_proc_color(p)) | A_BOLD, "PID %" PRIu32 "  %s%s", p->pid,
	      names_role_long(p->role, p->start_method), p->generation ? "  (PID reused)" : "");
	model_py_why(m, p, buf, sizeof(buf));
	DLINE(A_NORMAL, "why: %s", buf[0] ? buf : "no multiprocessing sign");
	if (format_proc_python(p, buf, sizeof(buf)) || p->py.version[0]) {
		char target[4 * FS_PY_TARGET_LEN + 4] = "";

		text_escape(target, sizeof(target), p->py.target,
			    strnlen(p->py.target, sizeof(p->py.target)));
		DLINE(A_NORMAL, "python%s%s%s%s%s%s", p->py.version[0] ? " " : "", p->py.version,
		      buf[0] ? ": " : "", buf, target[0] ? ", target " : "", target);
	}
	format_proc_state(p, NAMES_STATE_LONG, buf, sizeof(buf));
	DLINE(p->exited ? A_BOLD : A_NORMAL, "state: %s", buf);
	if (p->daemon_kill)
		DLINE(A_BOLD,
		      "SIGTERM from its starter, which then exited without starting more: a "
		      "daemon at interpreter exit, or a pool closed just before");
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
	{
		uint64_t end = p->exited	     ? p->end_ns
			       : p->unknown_after_ns ? p->unknown_after_ns
						     : now;
		char from[32];

		names_duration(end > p->start_ns ? end - p->start_ns : 0, buf, sizeof(buf));
		names_duration(p->start_ns, from, sizeof(from));
		if (!p->exited && p->unknown_after_ns)
			DLINE(A_NORMAL, "followed for %s (from %s); the recording stops there", buf,
			      from);
		else
			DLINE(A_NORMAL, "lifetime %s%s (from %s)", buf, p->exited ? "" : " so far",
			      from);
		names_duration(p->cpu_ns, buf, sizeof(buf));
		DLINE(A_NORMAL,
		      "CPU time %s in %" PRIu64 " run%s, %" PRIu32 " thread%s; cores busy %.2f "
		      "over its life",
		      buf, p->runs, p->runs == 1 ? "" : "s", p->nthreads,
		      p->nthreads == 1 ? "" : "s", vcpu_cores(&a->cpu, p->start_ns, end, p->pid));
	}
	if (!tui_details_python(a, p, r, &y, skip, &n))
		return n;
	if (p->exec_seen)
		DLINE(A_NORMAL, "exec %s", p->filename ? p->filename : "?");
	else
		DLINE(A_NORMAL, "no exec: runs its parent's program (%s)", p->comm);
	for (int i = 0; p->argv && i < p->argc && p->argv[i]; i++)
		DLINE(tui_faint(a), "argv[%d] %s", i, p->argv[i]);
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
	return n;
}

int tui_details_lines(const struct tui_app *a)
{
	struct rect r = a->lay.pane[PANE_DETAILS];

	r.y = LINES; /* below the screen: counted, not drawn */
	r.h = 1 << 20;
	return r.w > 1 ? tui_details_body(a, &r, 0) : 0;
}

/* The details of the selected process, scrolled by det_scroll (tui_frame_update keeps it
 * within the text). */
void tui_draw_details(const struct tui_app *a)
{
	tui_details_body(a, &a->lay.pane[PANE_DETAILS], a->det_scroll);
}
