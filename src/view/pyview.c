/* Python's account of one process for the UI: its start-up phases, the tasks it ran and
 * their marks on the timeline, from the model's facts (model/python.h). */
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

void vpy_marks(const struct fs_model *m, const struct fs_proc *p, const struct timeline *tl,
	       int width, unsigned char *out)
{
	size_t count = model_task_count(m);
	long c;

	if (width <= 0)
		return;
	memset(out, VPY_NONE, (size_t)width);
	for (size_t i = 0; p->py.tasks && i < count; i++) {
		const struct fs_task *t = model_task(m, i);

		if (t->serial != p->serial)
			continue;
		c = timeline_col(tl, t->start_ns, width);
		if (c >= 0 && c < width)
			out[c] = VPY_TASK;
	}
	c = p->py.ready_ns ? timeline_col(tl, p->py.ready_ns, width) : -1;
	if (c >= 0 && c < width)
		out[c] = VPY_READY;
}
