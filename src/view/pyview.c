/* Python's account of one process for the UI: its start-up phases, the tasks it ran and
 * their marks on the timeline, from the model's facts (model/python.h). */
#include <stdlib.h>
#include <string.h>

#include "model/python.h"
#include "view/view.h"

void vpy_phases(const struct fs_proc *p, uint64_t at[FS_PY_PHASE_COUNT])
{
	memset(at, 0, sizeof(uint64_t) * FS_PY_PHASE_COUNT);
	if (!p->unseen_start)
		at[FS_PY_PHASE_FORK] = p->start_ns;
	at[FS_PY_PHASE_EXEC] = p->exec_ns;
	at[FS_PY_PHASE_HELLO] = p->py.hello_ns;
	at[FS_PY_PHASE_MAIN_IMPORTED] = p->py.main_imported_ns;
	at[FS_PY_PHASE_READY] = p->py.ready_ns;
}

size_t vpy_tasks(const struct fs_model *m, const struct fs_proc *p, size_t *idx, size_t max)
{
	size_t n = 0, count = model_task_count(m);

	if (!p->py.tasks)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (model_task(m, i)->serial == p->serial) {
			if (n < max)
				idx[n] = i;
			n++;
		}
	return n;
}

bool vpy_first_fork(const struct fs_model *m, const struct fs_proc *p, uint64_t *ns)
{
	size_t count = model_count(m);
	bool found = false;

	if (p->unseen_start)
		return false;
	for (int c = p->first_child; c >= 0 && (size_t)c < count;
	     c = model_proc(m, (size_t)c)->next_sibling) {
		uint64_t t = model_proc(m, (size_t)c)->start_ns;

		if (t >= p->start_ns && (!found || t - p->start_ns < *ns)) {
			found = true;
			*ns = t - p->start_ns;
		}
	}
	return found;
}

/* One row of vpy_marks_rows: a process's serial and its place among the rows. */
struct vpy_row {
	uint64_t serial;
	size_t i;
};

static int vpy_row_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct vpy_row *)a)->serial, y = ((const struct vpy_row *)b)->serial;

	return x < y ? -1 : x > y;
}

void vpy_marks_rows(const struct fs_model *m, const struct fs_proc *const *procs, size_t n,
		    const struct timeline *tl, int width, unsigned char *out)
{
	size_t count = model_task_count(m), k = 0;
	struct vpy_row *rows;
	long c;

	if (width <= 0 || n == 0)
		return;
	memset(out, VPY_NONE, n * (size_t)width);
	rows = malloc(n * sizeof(*rows));
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		if (procs[i]->py.tasks)
			rows[k++] = (struct vpy_row){procs[i]->serial, i};
	qsort(rows, k, sizeof(*rows), vpy_row_cmp);
	for (size_t t = 0; k && t < count; t++) {
		const struct fs_task *task = model_task(m, t);
		struct vpy_row key = {task->serial, 0};
		const struct vpy_row *r = bsearch(&key, rows, k, sizeof(*rows), vpy_row_cmp);

		if (!r)
			continue;
		c = timeline_col(tl, task->start_ns, width);
		if (c >= 0 && c < width)
			out[r->i * (size_t)width + (size_t)c] = VPY_TASK;
	}
	for (size_t i = 0; i < n; i++) {
		c = procs[i]->py.ready_ns ? timeline_col(tl, procs[i]->py.ready_ns, width) : -1;
		if (c >= 0 && c < width)
			out[i * (size_t)width + (size_t)c] = VPY_READY;
	}
	free(rows);
}

void vpy_marks(const struct fs_model *m, const struct fs_proc *p, const struct timeline *tl,
	       int width, unsigned char *out)
{
	vpy_marks_rows(m, &p, 1, tl, width, out);
}
