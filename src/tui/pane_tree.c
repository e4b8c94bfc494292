/* The tree pane: one row per process (PID, PPID when wide, role, state), the tree lines
 * and the command; exited processes dimmed, the selection reversed. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"
#include "base/text.h"
#include "output/format.h"

/* The command of a process (format_proc_command), safe for the terminal. */
static void tui_proc_command(const struct fs_proc *p, char *buf, size_t len)
{
	format_proc_command(p, buf, len, 120);
	text_sanitize(buf);
}
/* What Python says p is, as much as fits in avail columns: the whole label
 * (`ForkPoolWorker-3 (Pool worker, Pool #1)`, `[no hook]`) when the command keeps some room
 * after it, else its name alone (the command is in the details); "" when it told nothing or
 * nothing fits. Ends with a space when not empty. */
static size_t tui_proc_python(const struct fs_proc *p, int avail, char *buf, size_t len)
{
	size_t n = format_proc_python(p, buf, len);

	if (n && (int)n + 24 > avail && p->py.name[0])
		n = text_escape(buf, len, p->py.name, strnlen(p->py.name, sizeof(p->py.name)));
	if (n && (int)n + 1 > avail)
		n = 0; /* no room at all */
	buf[n] = '\0';
	if (n && n + 1 < len) {
		buf[n++] = ' ';
		buf[n] = '\0';
	}
	return n;
}
/* A thread row (threads shown): TID, "thread", its state, its CPU time, under its
 * process's tree lines. */
static void tui_draw_thread(const struct tui_app *a, const struct vtree_row *row, int y, int rw,
			    int sw, bool wide)
{
	const struct rect *r = &a->lay.pane[PANE_TREE];
	const struct fs_proc *p = model_proc(a->sess->model, (size_t)row->idx);
	const struct fs_thread *th = model_thread(a->sess->model, (size_t)row->thread);
	char cols[160], prefix[300], cpu[32], line[96];
	int x = r->x, pw, attr = tui_soften(a, tui_attr(a, tui_proc_color(p)));

	if (!th)
		return;
	snprintf(cols, sizeof(cols), " %6" PRIu32 " %s%-*s %-*s ", th->tid, wide ? "        " : "",
		 rw, "thread", sw,
		 names_thread_state(th->exited, vcpu_last_left(&a->cpu, p->pid, th->tid)));
	tui_put(y, x, r->w, attr, cols);
	x += (int)strlen(cols);
	pw = vtree_prefix(row, a->ascii, r->w - (x - r->x) - 12, prefix, sizeof(prefix));
	if (pw && x + pw < r->x + r->w) {
		attrset(tui_faint(a));
		mvaddstr(y, x, prefix);
		attrset(A_NORMAL);
		x += pw;
	}
	names_duration(th->cpu_ns, cpu, sizeof(cpu));
	snprintf(line, sizeof(line), "CPU %s%s", cpu, th->tid == p->pid ? " (main thread)" : "");
	tui_put(y, x, r->w - (x - r->x), tui_attr(a, tui_proc_color(p)), line);
}

/* Tree columns: PID, [PPID], role, state, then the tree lines and the command. Roles take
 * the long form, the short one in a narrow pane; the state has its sender only in a wide
 * pane (the details always have it), so that the tree lines keep some room. */
void tui_draw_tree(const struct tui_app *a)
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
		int y = r->y + 1 + i * a->tree_pitch, x = r->x, pw, n, attr;
		char prefix[300], state[64], cmd[512], cols[128], ppid[16] = "";
		bool selected = row->idx == a->sel_idx;
		const char *role;

		if (row->thread >= 0) {
			tui_draw_thread(a, row, y, rw, sw, wide);
			continue;
		}
		role = narrow ? names_role_short(p->role, p->start_method)
			      : names_role_long(p->role, p->start_method);

		attr = tui_attr(a, tui_proc_color(p));
		if (p->exited)
			attr = tui_done_attr(a, attr);
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
			attrset(selected ? (int)A_REVERSE : tui_faint(a));
			mvaddstr(y, x, prefix);
			attrset(A_NORMAL);
			x += pw;
		}
		n = 0;
		if (row->collapsed)
			n = snprintf(cmd, sizeof(cmd), "[+%zu] ", row->hidden);
		n += (int)tui_proc_python(p, r->w - (x - r->x) - n, cmd + n,
					  sizeof(cmd) - (size_t)n);
		if (p->replaces)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "[replaces %" PRIu32 "] ",
				      p->replaces);
		if (p->unseen_start)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "[start not seen] ");
		tui_proc_command(p, cmd + n, sizeof(cmd) - (size_t)n);
		tui_put(y, x, r->w - (x - r->x), attr, cmd);
	}
	if (a->tree.n == 0)
		tui_put(r->y + 1, r->x + 1, r->w - 1, tui_faint(a), "no process yet");
}
