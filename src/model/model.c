/* The process model: a process table built from fs_events. This file holds the model's
 * life (new, free, clone), the handling of fork, exec, exit and signal events, and the
 * lookups of model.h; proc.c makes and changes the entries, pidmap.c is the hash map,
 * strings.c the exec strings and retire.c the tombstone limit; output.c assembles the
 * workload's lines, channel.c and facts.c decode and keep the channel's records, pyfacts.c,
 * pystate.c and pyanalysis.c merge Python's own facts among them.
 *
 * One entry per process instance (a reused PID gets a new entry, generation + 1); a hash maps
 * each PID to its newest entry. The tree links (parent/first_child/next_sibling) follow the
 * ORIGINAL parent, the one that forked the process: a pstree of who created whom. Re-parenting
 * (an orphan adopted by a subreaper) only shows in ppid, ppid_history and reparented.
 * docs/model.md describes the rules. */
#include <stdlib.h>
#include <string.h>

#include "model/analysis.h"
#include "model/model_internal.h"
#include "model/roles.h"

#define SIG_MAX 64 /* signal numbers tracked per process: 1..64 */

/* TRACE_SIGNAL_* results of signal_generate that mean the signal did not get queued. */
#define SIGRESULT_IGNORED 1
#define SIGRESULT_ALREADY_PENDING 2
#define SIGRESULT_OVERFLOW_FAIL 3

static const char reason_exec_other[] = "exec'd a program that is not a multiprocessing helper";
static const char reason_fork_forkserver[] =
    "forked by the forkserver (PID's parent is the forkserver)";
static const char reason_fork_python[] =
    "forked by a Python process and never exec'd: a fork child";
static const char reason_fork_other[] = "forked by a non-Python process and never exec'd";
static const char reason_vfork_python[] =
    "vfork'd by a Python process (subprocess, or a start about to exec) and never exec'd: "
    "no multiprocessing child";

/* vec with room for one element more than len (capacity *cap), or NULL (vec left as is). */
void *model_vec_grow(void *vec, size_t *cap, size_t len, size_t size)
{
	size_t ncap;
	void *p;

	if (len < *cap)
		return vec;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / size)
		return NULL;
	p = realloc(vec, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

/* A ring of n elements of elem bytes from *head in ring (capacity *cap) with room for need
 * more: the same ring, or a bigger one (twice, or first when empty) with the elements
 * moved to its start (*head 0, ring freed); NULL when out of memory (ring left as is). */
void *model_ring_grow(void *ring, size_t *cap, size_t *head, size_t n, size_t need, size_t first,
		      size_t elem)
{
	size_t ncap = *cap ? *cap : first;
	char *r;

	if (n + need <= *cap)
		return ring;
	while (ncap < n + need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return NULL;
		ncap *= 2;
	}
	r = malloc(ncap * elem);
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		memcpy(r + i * elem, (const char *)ring + ((*head + i) % *cap) * elem, elem);
	free(ring);
	*cap = ncap;
	*head = 0;
	return r;
}

/* fork: a new entry that inherits its parent's argv; role from the parent. */
static int apply_fork(struct fs_model *m, const struct fs_event *ev)
{
	struct fs_proc *pp, *c;
	int pidx = -1, cidx, old;

	if (!ev->pid || ev->pid == ev->ppid)
		return 0;
	/* the root's parent is forkscope itself: not part of the trace */
	if (ev->ppid && ev->pid != m->root_pid) {
		pidx = proc_live(m, ev->ppid, 0, ev->comm, ev->t_ns);
		if (pidx < 0)
			return -1;
	}
	old = model_find(m, ev->pid);
	if (old >= 0 && !m->procs[old].exited)
		proc_mark_exited(m, old, ev->t_ns, true); /* PID reused: its exit was lost */
	cidx = proc_new(m, ev->pid, ev->t_ns);
	if (cidx < 0)
		return -1;
	c = &m->procs[cidx];
	c->parent_tid = ev->tid;
	c->parent_threads = ev->parent_threads;
	c->clone_flags = ev->clone_flags;
	proc_copy_comm(c->comm, ev->comm);
	proc_set_ppid(c, ev->ppid);
	if (pidx < 0) {
		if (cidx != m->root_idx)
			c->role_reason = reason_fork_other;
		return 0;
	}
	pp = &m->procs[pidx];
	proc_link(m, pidx, cidx);
	if (pp->strings) {
		pp->strings->refs++;
		strings_set(c, pp->strings);
		c->argv_inherited = true;
		c->argv_truncated = pp->argv_truncated;
	}
	c->is_python = pp->is_python;
	pyfacts_fork(m, pidx, cidx);
	/* a forkserver forks on request: the one who asked is the forkserver's starter */
	if (pp->role == FS_ROLE_FORKSERVER && pp->starter) {
		c->starter = pp->starter;
		c->starter_idx = pp->starter_idx;
	} else {
		c->starter = ev->ppid;
		c->starter_idx = pidx;
	}
	if (c->starter_idx >= 0 && ev->t_ns > m->procs[c->starter_idx].last_start_ns) {
		struct fs_proc *s = &m->procs[c->starter_idx];

		s->last_start_ns = ev->t_ns;
		/* a start after their kills: the retired ones it killed were no daemons */
		if (ev->t_ns > s->daemon_pending_ns)
			s->daemon_pending = 0;
	}
	if (cidx == m->root_idx)
		return 0;
	if (pp->role == FS_ROLE_FORKSERVER)
		proc_set_role(m, cidx, FS_ROLE_MP_CHILD, FS_METHOD_FORKSERVER,
			      reason_fork_forkserver);
	else if (pp->is_python && (ev->clone_flags & (FS_CLONE_VM | FS_CLONE_VFORK)))
		/* a vfork shares the parent's memory until it execs: multiprocessing's fork
		 * start is a plain fork, subprocess and posix_spawn are not */
		proc_set_role(m, cidx, FS_ROLE_OTHER, FS_METHOD_NONE, reason_vfork_python);
	else if (pp->is_python)
		proc_set_role(m, cidx, FS_ROLE_MP_CHILD, FS_METHOD_FORK, reason_fork_python);
	else
		proc_set_role(m, cidx, FS_ROLE_OTHER, FS_METHOD_NONE, reason_fork_other);
	if (m->procs[cidx].role == FS_ROLE_MP_CHILD)
		analysis_recycle_one(m, cidx);
	return 0;
}

/* exec: new argv, is_python and role (the root stays main). */
static int apply_exec(struct fs_model *m, const struct fs_event *ev)
{
	size_t alen = ev->args_len < FS_ARGS_LEN ? ev->args_len : FS_ARGS_LEN;
	struct fs_exec_role r;
	struct fs_strings *s;
	struct fs_proc *p;
	bool was_mp;
	int idx;

	if (!ev->pid)
		return 0;
	s = strings_new(ev->filename, strnlen(ev->filename, FS_FILENAME_LEN), ev->args, alen);
	if (!s)
		return -1;
	idx = proc_of_event(m, ev);
	if (idx < 0) {
		strings_unref(s);
		return -1;
	}
	pyfacts_exec(m, idx, ev->t_ns);
	p = &m->procs[idx];
	proc_copy_comm(p->comm, ev->comm);
	strings_set(p, s);
	p->argv_inherited = false;
	p->argv_truncated = (ev->flags & FS_F_ARGS_TRUNCATED) || alen < ev->args_len;
	p->exec_seen = true;
	p->exec_ns = ev->t_ns;
	p->is_python = roles_is_python(p->filename, p->argv, p->argc, p->comm);
	if (idx == m->root_idx)
		return 0;
	was_mp = p->role == FS_ROLE_MP_CHILD;
	roles_classify(p->filename, p->argv, p->argc, &r);
	if (r.role == FS_ROLE_OTHER)
		proc_set_role(m, idx, FS_ROLE_OTHER, FS_METHOD_NONE, reason_exec_other);
	else
		proc_set_role(m, idx, r.role, r.method, r.reason);
	if (was_mp)
		analysis_unrecycle(m, idx);
	if (m->procs[idx].role == FS_ROLE_MP_CHILD)
		analysis_recycle_one(m, idx);
	return 0;
}

/* exit: status, the sender of the fatal signal, re-parenting. */
static int apply_exit(struct fs_model *m, const struct fs_event *ev)
{
	struct fs_proc *p;
	uint64_t rec;
	int idx;

	if (!ev->pid)
		return 0;
	idx = proc_of_event(m, ev);
	if (idx < 0)
		return -1;
	p = &m->procs[idx];
	proc_copy_comm(p->comm, ev->comm);
	p->signal = ev->sig > 0 ? ev->sig : 0;
	p->exit_code = p->signal ? -1 : ev->exit_code;
	p->core_dumped = p->signal && (ev->flags & FS_F_CORE_DUMPED);
	if (p->signal && p->signal <= SIG_MAX &&
	    pidmap_get(&m->sigs, (uint64_t)idx << 7 | (uint64_t)p->signal, &rec)) {
		p->killed_by = m->sigrecs[rec].sender;
		p->kill_sent_ns = m->sigrecs[rec].t_ns;
	}
	if (proc_mark_exited(m, idx, ev->t_ns, false) != 0)
		return -1;
	pyanalysis_stop(m, idx);
	return 0;
}

/* signal: remember the last sender of each signal number to each live process. */
static int apply_signal(struct fs_model *m, const struct fs_event *ev)
{
	uint64_t key, rec;
	int idx;
	void *v;

	if (!ev->target || ev->sig <= 0 || ev->sig > SIG_MAX)
		return 0;
	if (ev->sig_result == SIGRESULT_IGNORED || ev->sig_result == SIGRESULT_ALREADY_PENDING ||
	    ev->sig_result == SIGRESULT_OVERFLOW_FAIL)
		return 0;
	idx = model_find(m, ev->target);
	if (idx >= 0 && m->procs[idx].exited)
		return 0; /* a zombie: its exit is already known */
	if (idx < 0) {
		idx = proc_unseen(m, ev->target, 0, "", ev->t_ns);
		if (idx < 0)
			return -1;
	}
	key = (uint64_t)idx << 7 | (uint64_t)ev->sig;
	if (!pidmap_get(&m->sigs, key, &rec)) {
		v = model_vec_grow(m->sigrecs, &m->capsigrecs, m->nsigrecs, sizeof(*m->sigrecs));
		if (!v)
			return -1;
		m->sigrecs = v;
		rec = m->nsigrecs;
		if (pidmap_put(&m->sigs, key, rec) != 0)
			return -1;
		m->nsigrecs++;
	}
	m->sigrecs[rec].sender = ev->pid;
	m->sigrecs[rec].t_ns = ev->t_ns;
	return 0;
}

struct fs_model *model_new(uint32_t root_pid)
{
	struct fs_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->root_pid = root_pid;
	m->root_idx = -1;
	return m;
}

void model_free(struct fs_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nprocs; i++)
		strings_unref(m->procs[i].strings);
	free(m->procs);
	pidmap_free(&m->pids);
	pidmap_free(&m->sigs);
	free(m->sigrecs);
	free(m->exits);
	threads_free(m);
	output_free(m);
	facts_free(m);
	pyfacts_free(m);
	free(m);
}

/* A copy of n elements of size bytes (at least one allocated), or NULL. */
static void *copy_array(const void *src, size_t n, size_t size)
{
	void *p = malloc((n ? n : 1) * size);

	if (p && n)
		memcpy(p, src, n * size);
	return p;
}

struct fs_model *model_clone(const struct fs_model *m)
{
	struct fs_model *c = m ? malloc(sizeof(*c)) : NULL;
	int threads_rc, out_rc, facts_rc, py_rc;

	if (!c)
		return NULL;
	*c = *m;
	memset(&c->pids, 0, sizeof(c->pids));
	memset(&c->sigs, 0, sizeof(c->sigs));
	c->procs = copy_array(m->procs, m->nprocs, sizeof(*m->procs));
	c->sigrecs = copy_array(m->sigrecs, m->nsigrecs, sizeof(*m->sigrecs));
	c->exits = copy_array(m->exits, m->nexits, sizeof(*m->exits));
	threads_rc = threads_copy(c, m);
	out_rc = output_copy(c, m);
	facts_rc = facts_copy(c, m);
	py_rc = pyfacts_copy(c, m);
	c->cap = m->nprocs ? m->nprocs : 1;
	c->capsigrecs = m->nsigrecs ? m->nsigrecs : 1;
	c->capexits = m->nexits ? m->nexits : 1;
	if (pidmap_copy(&c->pids, &m->pids) != 0 || pidmap_copy(&c->sigs, &m->sigs) != 0 ||
	    !c->procs || !c->sigrecs || !c->exits || threads_rc != 0 || out_rc != 0 ||
	    facts_rc != 0 || py_rc != 0) {
		c->nprocs = 0; /* the strings are not shared yet */
		model_free(c);
		return NULL;
	}
	/* exec strings are immutable: shared */
	for (size_t i = 0; i < c->nprocs; i++)
		if (c->procs[i].strings)
			c->procs[i].strings->refs++;
	return c;
}

int model_apply(struct fs_model *m, const struct fs_event *ev)
{
	int rc = 0;

	if (!m || !ev)
		return -1;
	switch (ev->type) {
	case FS_EV_FORK:
		m->stats.forks++;
		rc = apply_fork(m, ev);
		break;
	case FS_EV_EXEC:
		m->stats.execs++;
		rc = apply_exec(m, ev);
		break;
	case FS_EV_EXIT:
		m->stats.exits++;
		rc = apply_exit(m, ev);
		break;
	case FS_EV_SIGNAL:
		m->stats.signals++;
		rc = apply_signal(m, ev);
		break;
	case FS_EV_THREAD:
	case FS_EV_THREAD_EXIT:
	case FS_EV_RUN:
		rc = threads_apply(m, ev);
		break;
	case FS_EV_OUTPUT:
		rc = output_apply(m, ev);
		break;
	case FS_EV_CHANNEL:
		rc = facts_apply(m, ev);
		break;
	default:
		return 0; /* unknown type: ignored */
	}
	m->stats.events++;
	if (rc == 0 && m->retire_at && m->nexited >= m->retire_at)
		rc = retire_batch(m);
	return rc;
}

void model_set_lost(struct fs_model *m, uint64_t lost)
{
	if (m)
		m->stats.lost = lost;
}

void model_finish(struct fs_model *m)
{
	if (!m)
		return;
	pyanalysis_finish(m);
	analysis_recycling(m);
	analysis_daemon_kills(m);
}

size_t model_count(const struct fs_model *m)
{
	return m ? m->nprocs : 0;
}

const struct fs_proc *model_proc(const struct fs_model *m, size_t idx)
{
	return m && idx < m->nprocs ? &m->procs[idx] : NULL;
}

int model_find_serial(const struct fs_model *m, uint64_t serial)
{
	size_t lo = 0, hi = m ? m->nprocs : 0;

	/* compaction keeps creation order: serials are sorted */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->procs[mid].serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return m && lo < m->nprocs && m->procs[lo].serial == serial ? (int)lo : -1;
}

int model_find(const struct fs_model *m, uint32_t pid)
{
	uint64_t v;

	if (!m || !pidmap_get(&m->pids, pid, &v))
		return -1;
	return (int)v;
}

int model_root(const struct fs_model *m)
{
	return m ? m->root_idx : -1;
}

const struct fs_model_stats *model_stats(const struct fs_model *m)
{
	return m ? &m->stats : NULL;
}
