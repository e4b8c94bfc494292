/* Threads of the traced processes and their CPU time: thread, thread_exit and run events.
 * A process's main thread (tid == pid) gets its entry at its first run. Threads are kept in
 * creation order, each linked into its process's list. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* Index of the live thread tid of process index pidx, -1 when there is none. */
static int threads_find(const struct fs_model *m, uint32_t tid, int pidx)
{
	uint64_t v;

	if (!pidmap_get(&m->tids, tid, &v))
		return -1;
	return m->threads[v].proc == pidx && !m->threads[v].exited ? (int)v : -1;
}

/* A new thread of process pidx, appended to its list; its index or -1 (out of memory). */
static int threads_new(struct fs_model *m, int pidx, uint32_t tid, uint32_t creator, uint64_t t_ns)
{
	struct fs_proc *p = &m->procs[pidx];
	struct fs_thread *grown, *th;
	int idx = (int)m->nthreads, *link;

	grown = model_vec_grow(m->threads, &m->capthreads, m->nthreads, sizeof(*grown));
	if (!grown)
		return -1;
	m->threads = grown;
	if (pidmap_put(&m->tids, tid, (uint64_t)idx) != 0)
		return -1;
	th = &m->threads[m->nthreads++];
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	th->creator_tid = creator;
	th->proc = pidx;
	th->next = -1;
	th->start_ns = tid == p->pid && t_ns > p->start_ns ? p->start_ns : t_ns;
	for (link = &p->first_thread; *link >= 0; link = &m->threads[*link].next)
		;
	*link = idx;
	p->nthreads++;
	return idx;
}

/* The live thread tid of process pidx, made when not seen yet; -1 out of memory. */
static int threads_get(struct fs_model *m, int pidx, uint32_t tid, uint64_t t_ns)
{
	int idx = threads_find(m, tid, pidx);

	return idx >= 0 ? idx : threads_new(m, pidx, tid, 0, t_ns);
}

int threads_apply(struct fs_model *m, const struct fs_event *ev)
{
	int pidx = model_find(m, ev->pid), tidx;
	struct fs_thread *th;

	/* a thread of a process not (or no longer) in the table says nothing of it */
	if (pidx < 0 || m->procs[pidx].exited)
		return 0;
	switch (ev->type) {
	case FS_EV_THREAD:
		m->stats.threads++;
		return threads_find(m, ev->tid, pidx) >= 0 ||
			       threads_new(m, pidx, ev->tid, ev->target, ev->t_ns) >= 0
			   ? 0
			   : -1;
	case FS_EV_THREAD_EXIT:
		tidx = threads_get(m, pidx, ev->tid, ev->t_ns);
		if (tidx < 0)
			return -1;
		th = &m->threads[tidx];
		th->exited = true;
		th->end_ns = ev->t_ns;
		return 0;
	default: /* FS_EV_RUN */
		m->stats.runs++;
		tidx = threads_get(m, pidx, ev->tid, ev->t_ns);
		if (tidx < 0)
			return -1;
		th = &m->threads[tidx];
		th->cpu_ns += ev->cpu_ns;
		th->runs += ev->switches ? ev->switches : 1;
		m->procs[pidx].cpu_ns += ev->cpu_ns;
		m->procs[pidx].runs += ev->switches ? ev->switches : 1;
		return 0;
	}
}

void threads_end_of(struct fs_model *m, int proc_idx, uint64_t t_ns)
{
	for (int i = m->procs[proc_idx].first_thread; i >= 0; i = m->threads[i].next)
		if (!m->threads[i].exited) {
			m->threads[i].exited = true;
			m->threads[i].end_ns = t_ns;
		}
}

int threads_compact(struct fs_model *m, const int *remap)
{
	struct fs_map tids = {0};
	size_t j = 0;
	int *newidx = malloc((m->nthreads + 1) * sizeof(*newidx));

	if (!newidx || pidmap_init(&tids, m->nthreads) != 0) {
		/* out of memory: forget every thread rather than keep stale indexes */
		free(newidx);
		pidmap_free(&tids);
		for (size_t i = 0; i < m->nprocs; i++)
			m->procs[i].first_thread = -1;
		threads_free(m);
		return -1;
	}
	for (size_t i = 0; i < m->nthreads; i++)
		newidx[i] = remap[m->threads[i].proc] >= 0 ? (int)j++ : -1;
	j = 0;
	for (size_t i = 0; i < m->nthreads; i++) {
		struct fs_thread th = m->threads[i];

		if (newidx[i] < 0)
			continue;
		th.proc = remap[th.proc];
		th.next = th.next >= 0 ? newidx[th.next] : -1;
		m->threads[j] = th;
		pidmap_put(&tids, th.tid, j); /* creation order: the newest wins */
		j++;
	}
	for (size_t i = 0; i < m->nprocs; i++) {
		struct fs_proc *p = &m->procs[i];

		if (p->first_thread >= 0)
			p->first_thread = newidx[p->first_thread];
	}
	m->nthreads = j;
	pidmap_free(&m->tids);
	m->tids = tids;
	free(newidx);
	return 0;
}

void threads_free(struct fs_model *m)
{
	free(m->threads);
	pidmap_free(&m->tids);
	m->threads = NULL;
	m->nthreads = m->capthreads = 0;
}

int threads_copy(struct fs_model *dst, const struct fs_model *src)
{
	dst->threads = NULL;
	dst->capthreads = dst->nthreads = 0;
	memset(&dst->tids, 0, sizeof(dst->tids));
	if (!src->nthreads)
		return 0;
	dst->threads = malloc(src->nthreads * sizeof(*dst->threads));
	if (!dst->threads || pidmap_copy(&dst->tids, &src->tids) != 0)
		return -1;
	memcpy(dst->threads, src->threads, src->nthreads * sizeof(*dst->threads));
	dst->nthreads = dst->capthreads = src->nthreads;
	return 0;
}

size_t model_thread_count(const struct fs_model *m)
{
	return m ? m->nthreads : 0;
}

const struct fs_thread *model_thread(const struct fs_model *m, size_t i)
{
	return m && i < m->nthreads ? &m->threads[i] : NULL;
}
