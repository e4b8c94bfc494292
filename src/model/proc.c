/* One entry of the process table: a new entry for a PID (its generation, serial and the
 * PID map), the tree links by original parent, the parents an entry has had, its role
 * bookkeeping and its exit (the exits index in end_ns order). The event handlers of
 * model.c build on these. */
#include <limits.h>
#include <string.h>

#include "model/model_internal.h"
#include "model/roles.h"

static const char reason_root[] = "the launched command";
static const char reason_unseen[] = "first seen without its fork or an exec: role unknown";

void proc_copy_comm(char *dst, const char *src)
{
	size_t n = strnlen(src, FS_COMM_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Give p a role, keeping stats.by_role and its starter's count of live mp_child in step. */
void proc_set_role(struct fs_model *m, int idx, enum fs_role role, enum fs_method method,
		   const char *reason)
{
	struct fs_proc *p = &m->procs[idx];
	bool was_mp = p->role == FS_ROLE_MP_CHILD && !p->exited;
	bool now_mp = role == FS_ROLE_MP_CHILD && !p->exited;

	if (p->starter_idx >= 0 && was_mp != now_mp) {
		struct fs_proc *s = &m->procs[p->starter_idx];

		if (now_mp) {
			p->mp_live_at_start = s->live_mp_children;
			p->mp_started_at_start = s->mp_started;
			s->live_mp_children++;
			s->mp_started++;
		} else if (s->live_mp_children)
			s->live_mp_children--;
	}
	m->stats.by_role[p->role]--;
	m->stats.by_role[role]++;
	p->role = role;
	p->start_method = role == FS_ROLE_MP_CHILD ? method : FS_METHOD_NONE;
	p->role_reason = reason;
}

/* A new live entry for pid, started at t; it becomes the PID's newest. Index or -1. */
int proc_new(struct fs_model *m, uint32_t pid, uint64_t t)
{
	struct fs_proc *p;
	uint64_t old = 0;
	bool reused;
	int idx;
	void *v;

	if (m->nprocs >= INT_MAX)
		return -1;
	v = model_vec_grow(m->procs, &m->cap, m->nprocs, sizeof(*m->procs));
	if (!v)
		return -1;
	m->procs = v;
	idx = (int)m->nprocs;
	reused = pidmap_get(&m->pids, pid, &old);
	if (pidmap_put(&m->pids, pid, (uint64_t)idx) != 0)
		return -1;
	p = &m->procs[idx];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->exit_code = -1;
	p->parent = p->first_child = p->next_sibling = p->prev_sibling = p->last_child = -1;
	p->serial = m->next_serial++;
	p->starter_idx = p->replaces_idx = -1;
	p->first_thread = -1;
	p->start_ns = t;
	p->role = FS_ROLE_OTHER;
	p->role_reason = reason_unseen;
	p->generation = reused ? m->procs[old].generation + 1 : 0;
	m->nprocs++;
	m->stats.by_role[FS_ROLE_OTHER]++;
	if (++m->stats.live > m->stats.peak_live)
		m->stats.peak_live = m->stats.live;
	if (pid == m->root_pid && m->root_idx < 0) {
		m->root_idx = idx;
		proc_set_role(m, idx, FS_ROLE_MAIN, FS_METHOD_NONE, reason_root);
	}
	return idx;
}

/* Append child to parent's children (start order), O(1). */
void proc_link(struct fs_model *m, int parent, int child)
{
	struct fs_proc *pp = &m->procs[parent];

	m->procs[child].parent = parent;
	m->procs[child].prev_sibling = pp->last_child;
	if (pp->last_child < 0)
		pp->first_child = child;
	else
		m->procs[pp->last_child].next_sibling = child;
	pp->last_child = child;
}

/* Record the parent named by an event; a new one goes to ppid_history (the first stays). */
void proc_set_ppid(struct fs_proc *p, uint32_t ppid)
{
	int n = p->ppid_history_len;

	if (!ppid || ppid == p->pid)
		return;
	p->ppid = ppid;
	if (n > 0 && p->ppid_history[n - 1] == ppid)
		return;
	if (n > 0)
		p->reparented = true;
	if (n == FS_PPID_HISTORY) {
		/* full: keep the original parent, drop the oldest adopter */
		memmove(&p->ppid_history[1], &p->ppid_history[2],
			(FS_PPID_HISTORY - 2) * sizeof(p->ppid_history[0]));
		n--;
	}
	p->ppid_history[n] = ppid;
	p->ppid_history_len = n + 1;
}

/* Insert idx into m->exits, kept sorted by end_ns (events come nearly in order). */
static int exits_insert(struct fs_model *m, int idx)
{
	uint64_t t = m->procs[idx].end_ns;
	size_t i;
	void *v;

	v = model_vec_grow(m->exits, &m->capexits, m->nexits, sizeof(*m->exits));
	if (!v)
		return -1;
	m->exits = v;
	for (i = m->nexits; i > 0 && m->procs[m->exits[i - 1]].end_ns > t; i--)
		m->exits[i] = m->exits[i - 1];
	m->exits[i] = idx;
	m->nexits++;
	return 0;
}

/* Mark idx exited at t; lost = its exit event was never seen (PID reused, or lost). */
int proc_mark_exited(struct fs_model *m, int idx, uint64_t t, bool lost)
{
	struct fs_proc *p = &m->procs[idx];

	p->exited = true;
	p->end_ns = t;
	p->exit_lost = lost;
	threads_end_of(m, idx, t);
	output_close_pid(m, p->pid);
	m->nexited++;
	if (m->stats.live)
		m->stats.live--;
	/* retired processes it SIGTERMed and started nothing after: daemon kills now */
	if (!lost)
		m->retired_daemon_kills += p->daemon_pending;
	p->daemon_pending = 0;
	if (p->role == FS_ROLE_MP_CHILD && p->starter_idx >= 0) {
		struct fs_proc *s = &m->procs[p->starter_idx];

		if (s->live_mp_children)
			s->live_mp_children--;
		/* a sibling was alive when it started, or one started while it lived */
		p->mp_overlapped =
		    p->mp_live_at_start > 0 || s->mp_started > p->mp_started_at_start + 1;
	}
	return lost ? 0 : exits_insert(m, idx);
}

/* An entry for a process first seen by an exec, exit or signal (its fork not seen). */
int proc_unseen(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm, uint64_t t)
{
	struct fs_proc *p;
	int idx, pidx;

	idx = proc_new(m, pid, t);
	if (idx < 0)
		return -1;
	p = &m->procs[idx];
	/* the root's fork is forkscope's launch, outside the trace by design */
	p->unseen_start = idx != m->root_idx;
	proc_copy_comm(p->comm, comm);
	p->is_python = roles_is_python(NULL, NULL, 0, p->comm);
	if (!ppid || ppid == pid)
		return idx;
	proc_set_ppid(p, ppid);
	pidx = model_find(m, ppid);
	if (pidx >= 0 && !m->procs[pidx].exited) {
		proc_link(m, pidx, idx);
		p->starter = ppid;
		p->starter_idx = pidx;
	}
	return idx;
}

/* A process seen without its fork nor its parent (first seen by a signal): a later exec or
 * exit names its parent, which takes it into the tree (never under its own descendant). */
static void proc_adopt(struct fs_model *m, int idx, uint32_t ppid)
{
	struct fs_proc *p = &m->procs[idx];
	int pidx;

	if (!p->unseen_start || p->parent >= 0 || !ppid || ppid == p->pid)
		return;
	pidx = model_find(m, ppid);
	if (pidx < 0 || m->procs[pidx].exited)
		return;
	for (int a = pidx; a >= 0; a = m->procs[a].parent)
		if (a == idx)
			return;
	proc_link(m, pidx, idx);
	/* an mp_child's starter keeps counts: only a process without a role gets one here */
	if (p->starter_idx < 0 && p->role != FS_ROLE_MP_CHILD) {
		p->starter = ppid;
		p->starter_idx = pidx;
	}
}

/* The live entry of pid, created (unseen) when unknown or when its newest entry exited. */
int proc_live(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm, uint64_t t)
{
	int idx = model_find(m, pid);

	if (idx >= 0 && !m->procs[idx].exited)
		return idx;
	return proc_unseen(m, pid, ppid, comm, t);
}

/* The live entry an exec or exit event is about, with the parent it names now. */
int proc_of_event(struct fs_model *m, const struct fs_event *ev)
{
	int idx = proc_live(m, ev->pid, ev->ppid, ev->comm, ev->t_ns);

	if (idx < 0)
		return -1;
	proc_adopt(m, idx, ev->ppid);
	proc_set_ppid(&m->procs[idx], ev->ppid);
	return idx;
}
