/* Python's state in the model (model/python.h): the pools (by creator and number) and the
 * tasks (a ring of the newest FS_TASK_KEEP) that pyfacts.c fills, what a fork and an exec
 * do to a process's account, the trace's clock base and hook, and the state's life
 * (free, copy for a clone) and accessors. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* A pool's key in the pool map: its creator's serial and its number there. */
static uint64_t pool_key(uint64_t creator, uint32_t number)
{
	return creator << 24 | number;
}

/* The pool (creator, number): its index, made when new (-1: out of memory, -2: too many). */
int pystate_pool_get(struct fs_model *m, int creator, uint32_t number)
{
	struct fs_py_state *ps = &m->py;
	const struct fs_proc *c = &m->procs[creator];
	uint64_t v, key = pool_key(c->serial, number);
	struct fs_pool *pl;
	void *grown;

	if (pidmap_get(&ps->pool_map, key, &v))
		return (int)v;
	if (ps->npools >= FS_POOL_MAX) {
		ps->stats.pools_dropped++;
		return -2;
	}
	grown = model_vec_grow(ps->pools, &ps->cappools, ps->npools, sizeof(*ps->pools));
	if (!grown)
		return -1;
	ps->pools = grown;
	if (pidmap_put(&ps->pool_map, key, ps->npools) != 0)
		return -1;
	pl = &ps->pools[ps->npools];
	memset(pl, 0, sizeof(*pl));
	pl->creator = c->serial;
	pl->creator_pid = c->pid;
	pl->number = number;
	return (int)ps->npools++;
}

int pyfacts_pool_index(const struct fs_model *m, const struct fs_proc *p)
{
	uint64_t v;

	if (!p->py.pool || p->starter_idx < 0 || (size_t)p->starter_idx >= m->nprocs)
		return -1;
	if (!pidmap_get(&m->py.pool_map, pool_key(m->procs[p->starter_idx].serial, p->py.pool), &v))
		return -1;
	return (int)v;
}

/* Keep one task; the oldest goes past FS_TASK_KEEP. 0 or -1. */
int pystate_task_push(struct fs_py_state *ps, const struct fs_task *t)
{
	const uint64_t v[] = {t->serial, (uint64_t)t->job, (uint64_t)t->index,
			      t->items,	 t->start_ns,	   t->end_ns};

	if (ps->tn == ps->tcap && ps->tcap < FS_TASK_KEEP) {
		/* not full yet: the ring has never wrapped, head is 0 */
		size_t ncap = ps->tcap ? ps->tcap * 2 : 64;
		struct fs_task *r;

		if (ncap > FS_TASK_KEEP)
			ncap = FS_TASK_KEEP;
		r = realloc(ps->tasks, ncap * sizeof(*r));
		if (!r)
			return -1;
		ps->tasks = r;
		ps->tcap = ncap;
	}
	if (ps->tn == ps->tcap) {
		ps->thead = (ps->thead + 1) % ps->tcap;
		ps->tn--;
		ps->stats.tasks_forgotten++;
	}
	ps->tasks[(ps->thead + ps->tn++) % ps->tcap] = *t;
	ps->stats.tasks++;
	ps->hash = digest_bytes(ps->hash, v, sizeof(v));
	return 0;
}

void pyfacts_fork(struct fs_model *m, int parent, int child)
{
	const struct fs_py *pp = &m->procs[parent].py;
	struct fs_py *c = &m->procs[child].py;

	memcpy(c->version, pp->version, sizeof(c->version));
	if (pp->hook == FS_PY_HOOK_SPOKE || pp->hook == FS_PY_HOOK_INHERITED)
		c->hook = FS_PY_HOOK_INHERITED;
}

void pyfacts_exec(struct fs_model *m, int idx, uint64_t t_ns)
{
	struct fs_py *py = &m->procs[idx].py, keep;

	if (py->last_ns > t_ns)
		return; /* its new image spoke already (the channel's events came first) */
	/* what its starter said of it stays: it is about the process, not the image */
	memset(&keep, 0, sizeof(keep));
	keep.terminate_ns = py->terminate_ns;
	keep.kill_ns = py->kill_ns;
	keep.join_ns = py->join_ns;
	keep.terminate_at_exit = py->terminate_at_exit;
	*py = keep;
}

void model_set_clock_base(struct fs_model *m, uint64_t mono_base_ns)
{
	if (m)
		m->py.clock_base = mono_base_ns;
}

void model_set_pyhook(struct fs_model *m, bool on)
{
	if (!m)
		return;
	m->py.hook_said = true;
	m->py.hook_on = on;
}

void pyfacts_free(struct fs_model *m)
{
	free(m->py.tasks);
	free(m->py.pools);
	pidmap_free(&m->py.pool_map);
	m->py.tasks = NULL;
	m->py.pools = NULL;
	m->py.tn = m->py.tcap = m->py.thead = m->py.npools = m->py.cappools = 0;
}

int pyfacts_copy(struct fs_model *dst, const struct fs_model *src)
{
	const struct fs_py_state *s = &src->py;
	struct fs_py_state *d = &dst->py;

	d->tasks = NULL;
	d->pools = NULL;
	d->tn = d->tcap = d->thead = d->npools = d->cappools = 0;
	memset(&d->pool_map, 0, sizeof(d->pool_map));
	if (s->tn) {
		d->tasks = malloc(s->tn * sizeof(*d->tasks));
		if (!d->tasks)
			return -1;
		for (size_t i = 0; i < s->tn; i++)
			d->tasks[i] = s->tasks[(s->thead + i) % s->tcap];
		d->tn = d->tcap = s->tn;
	}
	if (s->npools) {
		d->pools = malloc(s->npools * sizeof(*d->pools));
		if (!d->pools)
			return -1;
		memcpy(d->pools, s->pools, s->npools * sizeof(*d->pools));
		d->npools = d->cappools = s->npools;
	}
	return pidmap_copy(&d->pool_map, &s->pool_map);
}

size_t model_task_count(const struct fs_model *m)
{
	return m ? m->py.tn : 0;
}

const struct fs_task *model_task(const struct fs_model *m, size_t i)
{
	return m && i < m->py.tn ? &m->py.tasks[(m->py.thead + i) % m->py.tcap] : NULL;
}

size_t model_pool_count(const struct fs_model *m)
{
	return m ? m->py.npools : 0;
}

const struct fs_pool *model_pool(const struct fs_model *m, size_t i)
{
	return m && i < m->py.npools ? &m->py.pools[i] : NULL;
}

const struct fs_pool *model_pool_of(const struct fs_model *m, const struct fs_proc *p)
{
	int i = m && p ? pyfacts_pool_index(m, p) : -1;

	return i >= 0 ? &m->py.pools[i] : NULL;
}

const struct fs_py_stats *model_py_stats(const struct fs_model *m)
{
	return m ? &m->py.stats : NULL;
}
