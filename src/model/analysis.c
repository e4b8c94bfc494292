/* Analyses over the process table: daemon kills and Pool worker recycling. */
#include <signal.h>

#include "model/analysis.h"

#define RECYCLE_WINDOW_NS 1000000000ull /* a replacement starts within 1 s of the exit */

/* Whether Python's facts say how t was stopped: then that settles it. */
static bool told_stop(const struct fs_proc *t)
{
	return t->py.stop != FS_PY_STOP_NONE;
}

/* Python's facts say t was terminated by multiprocessing at its starter's exit. */
static bool told_exit_stop(const struct fs_proc *t)
{
	return t->py.stop == FS_PY_STOP_DAEMON_EXIT || t->py.stop == FS_PY_STOP_POOL_EXIT;
}

/* True when t died of SIGTERM sent by its starter, which then started nothing and exited;
 * when Python's facts say how it was stopped, true only for multiprocessing's exit cleanup. */
static bool is_daemon_kill(const struct fs_model *m, const struct fs_proc *t)
{
	const struct fs_proc *s;

	if (!t->exited || t->signal != SIGTERM || !t->killed_by || t->starter_idx < 0)
		return false;
	if (told_stop(t) && !told_exit_stop(t))
		return false; /* terminate(), Pool.terminate(): on purpose, whatever came after */
	s = &m->procs[t->starter_idx];
	if (s->pid != t->killed_by || !s->exited || s->exit_lost)
		return false;
	/* sent by that starter (not an older holder of its PID) during its life */
	if (t->kill_sent_ns < s->start_ns || t->kill_sent_ns > s->end_ns)
		return false;
	return s->last_start_ns <= t->kill_sent_ns;
}

void analysis_daemon_kills(struct fs_model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nprocs; i++) {
		struct fs_proc *t = &m->procs[i];

		t->daemon_kill = is_daemon_kill(m, t);
		n += t->daemon_kill;
	}
	m->stats.daemon_kills = n + m->retired_daemon_kills;
}

void analysis_daemon_retire(struct fs_model *m, const struct fs_proc *t)
{
	struct fs_proc *s;

	if (!t->exited || t->signal != SIGTERM || !t->killed_by || t->starter_idx < 0 ||
	    (told_stop(t) && !told_exit_stop(t)))
		return;
	s = &m->procs[t->starter_idx];
	if (s->exited) {
		m->retired_daemon_kills += is_daemon_kill(m, t); /* final */
		return;
	}
	/* the starter lives on: a daemon kill if it exits before starting anything else */
	if (s->pid != t->killed_by || t->kill_sent_ns < s->start_ns ||
	    s->last_start_ns > t->kill_sent_ns)
		return;
	s->daemon_pending++;
	if (t->kill_sent_ns > s->daemon_pending_ns)
		s->daemon_pending_ns = t->kill_sent_ns;
}

/* First position in m->exits (sorted by end_ns) whose end_ns is after t. */
static size_t exits_upper_bound(const struct fs_model *m, uint64_t t)
{
	size_t lo = 0, hi = m->nexits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->procs[m->exits[mid]].end_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* True when c may be a Pool replacement at all: a new mp_child started by a Pool's handler. */
static bool recycle_candidate(const struct fs_proc *c)
{
	if (c->role != FS_ROLE_MP_CHILD || c->unseen_start || c->starter_idx < 0 || c->replaces)
		return false;
	if (c->py.kind != FS_PY_KIND_NONE) /* Python told what it is */
		return c->py.kind == FS_PY_KIND_POOL_WORKER;
	if (c->start_method == FS_METHOD_FORKSERVER)
		return true;
	if (c->start_method != FS_METHOD_FORK && c->start_method != FS_METHOD_SPAWN)
		return false;
	/* cloned from a thread other than the parent's main one (the worker handler) */
	return c->parent_tid && c->ppid_history_len > 0 && c->parent_tid != c->ppid_history[0];
}

#define RECYCLE_SIBLING_WALK 64 /* siblings looked at for a pool still running */

/* Under forkserver: whether a pool w belonged to still ran when c started, i.e. another
 * child of the same starter lived beside w and was still alive at c's start. Without one,
 * c may as well be the first worker of a new pool or executor: the forkserver forks both
 * the same way, from its main thread, so the kernel cannot tell them apart. */
static bool recycle_pool_runs(const struct fs_model *m, const struct fs_proc *c,
			      const struct fs_proc *w)
{
	int i = c->prev_sibling;

	for (int n = 0; i >= 0 && n < RECYCLE_SIBLING_WALK; n++, i = m->procs[i].prev_sibling) {
		const struct fs_proc *s = &m->procs[i];

		if (s == w || s->role != FS_ROLE_MP_CHILD || s->starter_idx != c->starter_idx)
			continue;
		if (s->start_ns < w->end_ns && (!s->exited || s->end_ns > c->start_ns))
			return true;
	}
	return false;
}

/* True when the exited w can be the worker that c replaces. */
static bool recycle_fits(const struct fs_model *m, const struct fs_proc *c, const struct fs_proc *w)
{
	if (w == c || w->role != FS_ROLE_MP_CHILD || !w->exited || w->exit_lost || w->signal ||
	    w->exit_code != 0 || w->replaced_by || w->starter_idx != c->starter_idx)
		return false;
	if (w->py.kind != FS_PY_KIND_NONE && w->py.kind != FS_PY_KIND_POOL_WORKER)
		return false; /* Python says it was no Pool's worker */
	if (w->end_ns > c->start_ns || c->start_ns - w->end_ns > RECYCLE_WINDOW_NS)
		return false;
	/* the forkserver forks from its main thread: a Pool is told by its workers living
	 * side by side (a Process started after join() had no sibling alive), and by one of
	 * them still running when the replacement starts (else it may be a new pool) */
	if (c->start_method == FS_METHOD_FORKSERVER)
		return w->mp_overlapped && recycle_pool_runs(m, c, w);
	return true;
}

#define RECYCLE_TOLD_WINDOW_NS 10000000000ull /* facts: a replacement within 10 s */
#define RECYCLE_TOLD_WALK 4096		      /* exits looked at for one replacement */

/* True when Python's facts say c replaced w: both workers of the same Pool, which has
 * maxtasksperchild, and w exited 0 after running that many tasks. */
static bool recycle_fits_told(const struct fs_proc *c, const struct fs_proc *w, uint32_t max)
{
	return w != c && w->py.kind == FS_PY_KIND_POOL_WORKER && w->py.pool == c->py.pool &&
	       w->starter_idx == c->starter_idx && w->exited && !w->exit_lost && !w->signal &&
	       w->exit_code == 0 && !w->replaced_by && w->py.tasks >= max;
}

/* The worker c replaced, by Python's facts: the oldest fitting exit before c's start (the
 * Pool replaces its exited workers in order), or -1. */
static int recycle_find_told(const struct fs_model *m, const struct fs_proc *c)
{
	int pl = pyfacts_pool_index(m, c), widx = -1;
	const struct fs_pool *pool = pl >= 0 ? &m->py.pools[pl] : NULL;
	size_t walked = 0;

	if (!pool || !pool->told || !pool->maxtasksperchild)
		return -1;
	for (size_t i = exits_upper_bound(m, c->start_ns);
	     i-- > 0 && walked++ < RECYCLE_TOLD_WALK;) {
		const struct fs_proc *w = &m->procs[m->exits[i]];

		if (c->start_ns - w->end_ns > RECYCLE_TOLD_WINDOW_NS)
			break;
		if (recycle_fits_told(c, w, pool->maxtasksperchild))
			widx = m->exits[i];
	}
	return widx;
}

/* The worker c replaced by the kernel's evidence alone, or -1. */
static int recycle_find_seen(const struct fs_model *m, const struct fs_proc *c)
{
	/* newest exit first, back to 1 s before c started */
	for (size_t i = exits_upper_bound(m, c->start_ns); i-- > 0;) {
		const struct fs_proc *w = &m->procs[m->exits[i]];

		if (c->start_ns - w->end_ns > RECYCLE_WINDOW_NS)
			break;
		if (recycle_fits(m, c, w))
			return m->exits[i];
	}
	return -1;
}

void analysis_recycle_one(struct fs_model *m, int idx)
{
	struct fs_proc *c, *w;
	int widx;

	if (idx < 0 || (size_t)idx >= m->nprocs)
		return;
	c = &m->procs[idx];
	if (!recycle_candidate(c))
		return;
	widx = c->py.kind == FS_PY_KIND_POOL_WORKER ? recycle_find_told(m, c)
						    : recycle_find_seen(m, c);
	if (widx < 0)
		return;
	c->py.recycled = c->py.kind == FS_PY_KIND_POOL_WORKER;
	w = &m->procs[widx];
	if (!w->slot)
		w->slot = ++m->next_slot;
	c->slot = w->slot;
	c->replaces = w->pid;
	c->replaces_idx = widx;
	w->replaced_by = c->pid;
	m->stats.recycled++;
}

void analysis_unrecycle(struct fs_model *m, int idx)
{
	struct fs_proc *c;

	if (idx < 0 || (size_t)idx >= m->nprocs)
		return;
	c = &m->procs[idx];
	if (!c->replaces)
		return;
	if (c->replaces_idx >= 0) { /* else the worker was retired */
		struct fs_proc *w = &m->procs[c->replaces_idx];

		w->replaced_by = 0;
		/* a chain head numbered for this very replacement gives its number back */
		if (!w->replaces && w->slot == m->next_slot) {
			w->slot = 0;
			m->next_slot--;
		}
	}
	c->replaces = 0;
	c->replaces_idx = -1;
	c->slot = 0;
	c->py.recycled = false;
	if (m->stats.recycled)
		m->stats.recycled--;
}

void analysis_recycling(struct fs_model *m)
{
	if (m->stats.retired) {
		/* the workers of retired replacements are gone: keep what was found as events
		 * came, and only look again for the kept ones still without a match */
		for (size_t i = 0; i < m->nprocs; i++)
			analysis_recycle_one(m, (int)i);
		return;
	}
	for (size_t i = 0; i < m->nprocs; i++) {
		struct fs_proc *p = &m->procs[i];

		p->replaces = 0;
		p->replaces_idx = -1;
		p->replaced_by = 0;
		p->slot = 0;
		p->py.recycled = false;
	}
	m->next_slot = 0;
	m->stats.recycled = 0;
	for (size_t i = 0; i < m->nprocs; i++)
		analysis_recycle_one(m, (int)i);
}
