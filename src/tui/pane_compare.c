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

/* Compact tree of one compare column: PID, role and Python's name where it fits. */
static void tui_draw_cmp_tree(const struct tui_app *a, const struct rect *r,
			      const struct tui_run_slot *s, int k)
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
			int attr = tui_attr(a, tui_proc_color(p));

			if (p->exited)
				attr = tui_done_attr(a, attr);

			if (i == r->h - 2 && t.n > (size_t)r->h - 1) {
				snprintf(line, sizeof(line), "... %zu more", t.n - (size_t)i);
				tui_put(r->y + 1 + i, r->x, r->w, tui_faint(a), line);
				break;
			}
			if (pw) {
				attrset(tui_faint(a));
				mvaddstr(r->y + 1 + i, r->x, prefix);
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
			tui_put(r->y + 1 + i, r->x + pw, r->w - pw, attr, line);
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
	const int nrows = (int)(sizeof(names) / sizeof(names[0]));

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
	snprintf(line, sizeof(line), " %-28s %14s %14s %14s", "", a->cmp[0].method,
		 a->cmp[1].method, a->cmp[2].method);
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
		snprintf(line, sizeof(line), " %-28s %14s %14s %14s", names[row], v[0], v[1], v[2]);
		tui_put(l.table.y + 1 + row, 0, COLS,
			row == 9 && (cs[0].lost || cs[1].lost || cs[2].lost) ? tui_attr(a, C_WARN)
									     : (int)A_NORMAL,
			line);
	}
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(LINES - 1, 0, COLS, tui_attr(a, C_STATUS),
		a->msg[0] && clock_monotonic_ns() < a->msg_until_ns
		    ? a->msg
		    : " c/Esc: back to the run   r: compare again   q: quit   ?: help");
}
