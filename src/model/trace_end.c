/* How a trace ends for the model: followed to the end, or stopped while processes lived.
 * Either way no line of output grows any more: every open one ends. */
#include "model/model_internal.h"

/* Followed to the end: whoever still looks alive lost its exit event. */
void model_end(struct fs_model *m, uint64_t t_ns)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nprocs; i++)
		if (!m->procs[i].exited)
			proc_mark_exited(m, (int)i, t_ns, true);
	output_close_all(m);
}

void model_stop_following(struct fs_model *m, uint64_t t_ns)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nprocs; i++)
		if (!m->procs[i].exited && !m->procs[i].unknown_after_ns)
			m->procs[i].unknown_after_ns = t_ns ? t_ns : 1;
	output_close_all(m);
}
