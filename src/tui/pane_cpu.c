/* The CPU view (u): one lane per CPU the workload used, on the timeline's columns (same
 * zoom and pan), each column showing the traced process that ran there most (its mark and
 * role colour; reversed when it was on the CPU half of that column or more; blank: idle or
 * work outside the trace), a legend of the marks, and cores busy: the workload's on-CPU
 * time / wall time over the interval shown, and the selected process's. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/names.h"

#define TUI_CPU_MAX_LEGEND 64

/* The interval the lanes show: the timeline's window, cut at now. */
static void tui_cpu_window(const struct tui_app *a, uint64_t *t0, uint64_t *t1)
{
	uint64_t now = tui_time_now(a);

	*t0 = a->tl.t0;
	*t1 = a->tl.t0 + a->tl.span < now ? a->tl.t0 + a->tl.span : now;
	if (*t1 < *t0)
		*t1 = *t0;
}

/* The header: CPUs used, cores busy over the window, and the selected process's. */
static void tui_cpu_header(const struct tui_app *a, const struct rect *r)
{
	const struct fs_proc *p = tui_selected(a);
	uint64_t t0, t1;
	char head[256];
	int n;

	tui_cpu_window(a, &t0, &t1);
	n = snprintf(head, sizeof(head),
		     " CPU view  %zu CPU%s used of %u   cores busy %.2f (shown)", a->cpu.ncpus,
		     a->cpu.ncpus == 1 ? "" : "s", a->rec_header.cpus,
		     vcpu_cores(&a->cpu, t0, t1, 0));
	if (a->rec_header.cpus == 0) /* live, or an older recording: the count is unknown */
		n = snprintf(head, sizeof(head),
			     " CPU view  %zu CPU%s used   cores busy %.2f (shown)", a->cpu.ncpus,
			     a->cpu.ncpus == 1 ? "" : "s", vcpu_cores(&a->cpu, t0, t1, 0));
	if (p && n > 0 && (size_t)n < sizeof(head))
		snprintf(head + n, sizeof(head) - (size_t)n, "   PID %" PRIu32 ": %.2f", p->pid,
			 vcpu_cores(&a->cpu, t0, t1, p->pid));
	tui_fill(r->y, r->x, r->w, tui_attr(a, C_HEADER) | A_BOLD);
	tui_put(r->y, r->x, r->w, tui_attr(a, C_HEADER) | A_BOLD, head);
}

/* One lane at row y: its label left of the timeline's columns, then its cells; the PIDs
 * it shows are added to seen[]. */
static void tui_cpu_lane(const struct tui_app *a, size_t lane, int y, uint32_t *seen, size_t *nseen)
{
	const struct rect *tl = &a->lay.pane[PANE_TIMELINE];
	struct vcpu_cell cells[1024];
	int w = tl->w;
	uint64_t t0, t1, col_ns;
	char label[64];

	if (w <= 0)
		return;
	if (w > 1024)
		w = 1024;
	col_ns = a->tl.span / (uint64_t)w;
	tui_cpu_window(a, &t0, &t1);
	snprintf(label, sizeof(label), " CPU %-3" PRIu32 " busy %3.0f%%", a->cpu.cpus[lane],
		 t1 > t0 ? 100.0 * (double)vcpu_lane_busy(&a->cpu, lane, t0, t1) / (double)(t1 - t0)
			 : 0.0);
	tui_put(y, 0, tl->x - 1, A_NORMAL, label);
	attrset(tui_faint(a));
	mvaddch(y, tl->x - 1, a->ascii ? '|' : ACS_VLINE);
	vcpu_lane(&a->cpu, lane, &a->tl, w, cells);
	for (int c = 0; c < w; c++) {
		const struct fs_proc *p;
		int idx, attr;

		if (!cells[c].pid)
			continue;
		idx = model_find(a->sess->model, cells[c].pid);
		p = idx >= 0 ? model_proc(a->sess->model, (size_t)idx) : NULL;
		attr = p ? tui_attr(a, tui_proc_color(p)) : (int)A_NORMAL;
		if (cells[c].busy_ns * 2 >= col_ns)
			attr |= A_REVERSE | A_BOLD;
		attrset(attr);
		mvaddch(y, tl->x + c, (chtype)(unsigned char)vcpu_symbol(&a->cpu, cells[c].pid));
		for (size_t k = 0; k <= *nseen && *nseen < TUI_CPU_MAX_LEGEND; k++)
			if (k == *nseen) {
				seen[(*nseen)++] = cells[c].pid;
				break;
			} else if (seen[k] == cells[c].pid) {
				break;
			}
	}
	attrset(A_NORMAL);
}

/* The marks shown, in their order: "1 PID 3716 main  2 PID 3720 child (fork) ...". */
static void tui_cpu_legend(const struct tui_app *a, int y, int h, const uint32_t *seen,
			   size_t nseen)
{
	const struct rect *r = &a->lay.cpu;
	int x = 1;

	for (char mark = 0; mark < 127 && h > 0; mark++)
		for (size_t k = 0; k < nseen; k++) {
			int idx = model_find(a->sess->model, seen[k]);
			const struct fs_proc *p =
			    idx >= 0 ? model_proc(a->sess->model, (size_t)idx) : NULL;
			char item[96];
			int n;

			if (vcpu_symbol(&a->cpu, seen[k]) != mark || !p)
				continue;
			n = snprintf(item, sizeof(item), "%c PID %" PRIu32 " %s", mark, seen[k],
				     names_role_short(p->role, p->start_method));
			if (x + n + 2 > r->w) {
				if (--h == 0)
					return;
				y++;
				x = 1;
			}
			tui_put(y, r->x + x, 1, tui_attr(a, tui_proc_color(p)) | A_REVERSE | A_BOLD,
				item);
			tui_put(y, r->x + x + 1, n - 1, tui_attr(a, tui_proc_color(p)), item + 1);
			x += n + 2;
		}
}

/* The lanes that fit (a note says how many more there are), then the legend. */
void tui_draw_cpu(const struct tui_app *a)
{
	const struct rect *r = &a->lay.cpu;
	uint32_t seen[TUI_CPU_MAX_LEGEND];
	size_t nseen = 0, lanes = a->cpu.ncpus, room;
	int y = r->y + 1, legend_h = r->h >= 8 ? 2 : 1;

	tui_cpu_header(a, r);
	if (lanes == 0) {
		tui_put(y, r->x + 1, r->w - 1, tui_faint(a),
			"no run seen yet (a recording without runs, or nothing ran so far)");
		return;
	}
	room = r->h - 1 - legend_h > 0 ? (size_t)(r->h - 1 - legend_h) : 1;
	if (lanes > room)
		lanes = room - 1; /* the last row says how many are left out */
	for (size_t k = 0; k < lanes; k++)
		tui_cpu_lane(a, k, y++, seen, &nseen);
	if (lanes < a->cpu.ncpus) {
		char note[96];

		snprintf(note, sizeof(note), " +%zu more CPUs (a taller terminal shows them)",
			 a->cpu.ncpus - lanes);
		tui_put(y++, r->x, r->w, tui_faint(a), note);
	}
	tui_cpu_legend(a, r->y + r->h - legend_h, legend_h, seen, nseen);
}
