/* The process model: a process table built from fs_events.
 *
 * One entry per process instance (a reused PID gets a new entry, generation + 1); a hash maps
 * each PID to its newest entry. The tree links (parent/first_child/next_sibling) follow the
 * ORIGINAL parent, the one that forked the process: a pstree of who created whom. Re-parenting
 * (an orphan adopted by a subreaper) only shows in ppid, ppid_history and reparented.
 *
 * With a tombstone limit, the oldest exited leaves are retired in batches: the table is
 * compacted in place (creation order kept, so serials stay sorted) and every index is
 * remapped. docs/model.md describes the rules. */
#include <limits.h>
#include <stddef.h>
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

static const char reason_root[] = "the launched command";
static const char reason_exec_other[] = "exec'd a program that is not a multiprocessing helper";
static const char reason_fork_forkserver[] =
    "forked by the forkserver (PID's parent is the forkserver)";
static const char reason_fork_python[] =
    "forked by a Python process and never exec'd: a fork child";
static const char reason_fork_other[] = "forked by a non-Python process and never exec'd";
static const char reason_unseen[] = "first seen without its fork or an exec: role unknown";

/* splitmix64's finaliser: spreads PIDs and (index, signal) keys over the table. */
static uint64_t map_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* Slot holding key, or the empty slot where it would go (the table is never full). */
static size_t map_slot(const struct fs_map *mp, uint64_t key)
{
	size_t mask = mp->cap - 1, i = map_hash(key) & mask;

	while (mp->keys[i] && mp->keys[i] != key + 1)
		i = (i + 1) & mask;
	return i;
}

static bool map_get(const struct fs_map *mp, uint64_t key, uint64_t *val)
{
	size_t i;

	if (!mp->cap)
		return false;
	i = map_slot(mp, key);
	if (!mp->keys[i])
		return false;
	*val = mp->vals[i];
	return true;
}

/* Double the table (or make the first one) and rehash. */
static int map_grow(struct fs_map *mp)
{
	struct fs_map n = {0};
	int rc = -1;

	n.cap = mp->cap ? mp->cap * 2 : 1024;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = malloc(n.cap * sizeof(*n.vals));
	if (!n.keys || !n.vals)
		goto out;
	for (size_t i = 0; i < mp->cap; i++) {
		size_t j;

		if (!mp->keys[i])
			continue;
		j = map_slot(&n, mp->keys[i] - 1);
		n.keys[j] = mp->keys[i];
		n.vals[j] = mp->vals[i];
	}
	n.len = mp->len;
	free(mp->keys);
	free(mp->vals);
	*mp = n;
	n.keys = NULL;
	n.vals = NULL;
	rc = 0;
out:
	free(n.keys);
	free(n.vals);
	return rc;
}

/* Insert or overwrite; keeps the load at most one half. */
static int map_put(struct fs_map *mp, uint64_t key, uint64_t val)
{
	size_t i;

	if ((mp->len + 1) * 2 > mp->cap && map_grow(mp) != 0)
		return -1;
	i = map_slot(mp, key);
	if (!mp->keys[i]) {
		mp->keys[i] = key + 1;
		mp->len++;
	}
	mp->vals[i] = val;
	return 0;
}

/* An empty map that takes n keys without growing. 0 or -1. */
static int map_init(struct fs_map *mp, size_t n)
{
	memset(mp, 0, sizeof(*mp));
	mp->cap = 1024;
	while (mp->cap < 2 * (n + 1))
		mp->cap *= 2;
	mp->keys = calloc(mp->cap, sizeof(*mp->keys));
	mp->vals = malloc(mp->cap * sizeof(*mp->vals));
	if (mp->keys && mp->vals)
		return 0;
	free(mp->keys);
	free(mp->vals);
	memset(mp, 0, sizeof(*mp));
	return -1;
}

static void map_free(struct fs_map *mp)
{
	free(mp->keys);
	free(mp->vals);
	memset(mp, 0, sizeof(*mp));
}

/* vec with room for one element more than len (capacity *cap), or NULL (vec left as is). */
static void *vec_grow(void *vec, size_t *cap, size_t len, size_t size)
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

/* One exec's file name and argv in one block; args is NUL-separated (the last may lack it). */
static struct fs_strings *strings_new(const char *filename, size_t flen, const char *args,
				      size_t alen)
{
	struct fs_strings *s;
	size_t head, off = 0;
	char *bytes;
	int argc = 0;

	for (size_t i = 0; i < alen; i++)
		argc += args[i] == '\0';
	if (alen && args[alen - 1] != '\0')
		argc++;
	head = offsetof(struct fs_strings, argv) + ((size_t)argc + 1) * sizeof(char *);
	s = malloc(head + flen + 1 + alen + 1);
	if (!s)
		return NULL;
	bytes = (char *)s + head;
	memcpy(bytes, filename, flen);
	bytes[flen] = '\0';
	s->filename = flen ? bytes : NULL;
	bytes += flen + 1;
	memcpy(bytes, args, alen);
	bytes[alen] = '\0';
	for (int k = 0; k < argc; k++) {
		s->argv[k] = bytes + off;
		off += strlen(bytes + off) + 1;
	}
	s->argv[argc] = NULL;
	s->argc = argc;
	s->refs = 1;
	return s;
}

static void strings_unref(struct fs_strings *s)
{
	if (s && --s->refs == 0)
		free(s);
}

/* Point p at s (the caller hands over one reference), dropping the old strings. */
static void proc_set_strings(struct fs_proc *p, struct fs_strings *s)
{
	strings_unref(p->strings);
	p->strings = s;
	p->filename = s ? s->filename : NULL;
	p->argv = s ? s->argv : NULL;
	p->argc = s ? s->argc : 0;
}

static void comm_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, FS_COMM_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Give p a role, keeping stats.by_role and its starter's count of live mp_child in step. */
static void proc_set_role(struct fs_model *m, int idx, enum fs_role role, enum fs_method method,
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
static int proc_new(struct fs_model *m, uint32_t pid, uint64_t t)
{
	struct fs_proc *p;
	uint64_t old = 0;
	bool reused;
	int idx;
	void *v;

	if (m->nprocs >= INT_MAX)
		return -1;
	v = vec_grow(m->procs, &m->cap, m->nprocs, sizeof(*m->procs));
	if (!v)
		return -1;
	m->procs = v;
	idx = (int)m->nprocs;
	reused = map_get(&m->pids, pid, &old);
	if (map_put(&m->pids, pid, (uint64_t)idx) != 0)
		return -1;
	p = &m->procs[idx];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->exit_code = -1;
	p->parent = p->first_child = p->next_sibling = p->prev_sibling = p->last_child = -1;
	p->serial = m->next_serial++;
	p->starter_idx = p->replaces_idx = -1;
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
static void proc_link(struct fs_model *m, int parent, int child)
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
static void proc_set_ppid(struct fs_proc *p, uint32_t ppid)
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

	v = vec_grow(m->exits, &m->capexits, m->nexits, sizeof(*m->exits));
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
static int proc_mark_exited(struct fs_model *m, int idx, uint64_t t, bool lost)
{
	struct fs_proc *p = &m->procs[idx];

	p->exited = true;
	p->end_ns = t;
	p->exit_lost = lost;
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
static int proc_unseen(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm,
		       uint64_t t)
{
	struct fs_proc *p;
	int idx, pidx;

	idx = proc_new(m, pid, t);
	if (idx < 0)
		return -1;
	p = &m->procs[idx];
	/* the root's fork is forkscope's launch, outside the trace by design */
	p->unseen_start = idx != m->root_idx;
	comm_copy(p->comm, comm);
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
static int proc_live(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm, uint64_t t)
{
	int idx = model_find(m, pid);

	if (idx >= 0 && !m->procs[idx].exited)
		return idx;
	return proc_unseen(m, pid, ppid, comm, t);
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
	comm_copy(c->comm, ev->comm);
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
		proc_set_strings(c, pp->strings);
		c->argv_inherited = true;
		c->argv_truncated = pp->argv_truncated;
	}
	c->is_python = pp->is_python;
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
	else if (pp->is_python)
		proc_set_role(m, cidx, FS_ROLE_MP_CHILD, FS_METHOD_FORK, reason_fork_python);
	else
		proc_set_role(m, cidx, FS_ROLE_OTHER, FS_METHOD_NONE, reason_fork_other);
	if (m->procs[cidx].role == FS_ROLE_MP_CHILD)
		analysis_recycle_one(m, cidx);
	return 0;
}

/* The live entry an exec or exit event is about, with the parent it names now. */
static int proc_of_event(struct fs_model *m, const struct fs_event *ev)
{
	int idx = proc_live(m, ev->pid, ev->ppid, ev->comm, ev->t_ns);

	if (idx < 0)
		return -1;
	proc_adopt(m, idx, ev->ppid);
	proc_set_ppid(&m->procs[idx], ev->ppid);
	return idx;
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
	p = &m->procs[idx];
	comm_copy(p->comm, ev->comm);
	proc_set_strings(p, s);
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
	comm_copy(p->comm, ev->comm);
	p->signal = ev->sig > 0 ? ev->sig : 0;
	p->exit_code = p->signal ? -1 : ev->exit_code;
	p->core_dumped = p->signal && (ev->flags & FS_F_CORE_DUMPED);
	if (p->signal && p->signal <= SIG_MAX &&
	    map_get(&m->sigs, (uint64_t)idx << 7 | (uint64_t)p->signal, &rec)) {
		p->killed_by = m->sigrecs[rec].sender;
		p->kill_sent_ns = m->sigrecs[rec].t_ns;
	}
	return proc_mark_exited(m, idx, ev->t_ns, false);
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
	if (!map_get(&m->sigs, key, &rec)) {
		v = vec_grow(m->sigrecs, &m->capsigrecs, m->nsigrecs, sizeof(*m->sigrecs));
		if (!v)
			return -1;
		m->sigrecs = v;
		rec = m->nsigrecs;
		if (map_put(&m->sigs, key, rec) != 0)
			return -1;
		m->nsigrecs++;
	}
	m->sigrecs[rec].sender = ev->pid;
	m->sigrecs[rec].t_ns = ev->t_ns;
	return 0;
}

/* ---------------------------------------------------------------- retirement */

/* An exited process in retirement order: oldest exit first, then creation order. */
struct retire_key {
	uint64_t end_ns;
	int idx;
};

static int retire_key_cmp(const void *a, const void *b)
{
	const struct retire_key *x = a, *y = b;

	if (x->end_ns != y->end_ns)
		return x->end_ns < y->end_ns ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Take idx out of its parent's child list, O(1). */
static void proc_unlink(struct fs_model *m, int idx)
{
	struct fs_proc *p = &m->procs[idx];

	if (p->prev_sibling >= 0)
		m->procs[p->prev_sibling].next_sibling = p->next_sibling;
	else if (p->parent >= 0)
		m->procs[p->parent].first_child = p->next_sibling;
	if (p->next_sibling >= 0)
		m->procs[p->next_sibling].prev_sibling = p->prev_sibling;
	else if (p->parent >= 0)
		m->procs[p->parent].last_child = p->prev_sibling;
	p->parent = p->prev_sibling = p->next_sibling = -1;
}

/* Can idx leave the table: exited, not the root, no kept children, not retired yet? */
static bool retire_ok(const struct fs_model *m, const int *remap, int idx)
{
	const struct fs_proc *p = &m->procs[idx];

	return remap[idx] >= 0 && p->exited && idx != m->root_idx && p->first_child < 0;
}

/* Retire up to want exited leaves, oldest exit first (remap[idx] = -1 for each). A parent
 * left childless by a retirement goes at once when its own exit is older still. */
static size_t retire_select(struct fs_model *m, int *remap, struct retire_key *keys, size_t want)
{
	size_t n = 0, done = 0;

	for (size_t i = 0; i < m->nprocs; i++) {
		remap[i] = 0;
		if (m->procs[i].exited && (int)i != m->root_idx)
			keys[n++] = (struct retire_key){m->procs[i].end_ns, (int)i};
	}
	qsort(keys, n, sizeof(*keys), retire_key_cmp);
	for (size_t k = 0; k < n && done < want; k++) {
		int idx = keys[k].idx;

		while (done < want && retire_ok(m, remap, idx)) {
			int parent = m->procs[idx].parent;
			struct retire_key pk;

			analysis_daemon_retire(m, &m->procs[idx]);
			proc_unlink(m, idx);
			proc_set_strings(&m->procs[idx], NULL);
			remap[idx] = -1;
			done++;
			if (parent < 0)
				break;
			pk = (struct retire_key){m->procs[parent].end_ns, parent};
			if (!m->procs[parent].exited || retire_key_cmp(&pk, &keys[k]) > 0)
				break; /* younger: the walk reaches it in turn */
			idx = parent;
		}
	}
	return done;
}

static int remap_link(const int *remap, int idx)
{
	return idx < 0 ? -1 : remap[idx];
}

/* Move the kept entries down over the retired ones (remap[i] < 0) and renumber every
 * index: links, the exits index, the root and the two maps (built into pids and sigs,
 * empty and big enough; recs holds m->nsigrecs). Signal records of exited processes go. */
static void retire_compact(struct fs_model *m, int *remap, struct fs_map *pids, struct fs_map *sigs,
			   struct fs_sigrec *recs)
{
	size_t j = 0, nrecs = 0, ne = 0;
	struct fs_map tmp;

	for (size_t i = 0; i < m->nprocs; i++)
		if (remap[i] >= 0)
			remap[i] = (int)j++;
	for (size_t k = 0; k < m->pids.cap; k++) {
		int ni = m->pids.keys[k] ? remap[m->pids.vals[k]] : -1;

		/* the maps are big enough: map_put cannot fail */
		if (ni >= 0)
			map_put(pids, m->pids.keys[k] - 1, (uint64_t)ni);
	}
	for (size_t k = 0; k < m->sigs.cap; k++) {
		uint64_t key = m->sigs.keys[k] - 1;
		size_t old = (size_t)(key >> 7);

		if (!m->sigs.keys[k] || remap[old] < 0 || m->procs[old].exited)
			continue;
		recs[nrecs] = m->sigrecs[m->sigs.vals[k]];
		map_put(sigs, (uint64_t)remap[old] << 7 | (key & 127), nrecs++);
	}
	for (size_t i = 0; i < m->nprocs; i++) {
		struct fs_proc *p;

		if (remap[i] < 0)
			continue;
		p = &m->procs[remap[i]];
		if ((size_t)remap[i] != i)
			*p = m->procs[i];
		p->parent = remap_link(remap, p->parent);
		p->first_child = remap_link(remap, p->first_child);
		p->last_child = remap_link(remap, p->last_child);
		p->next_sibling = remap_link(remap, p->next_sibling);
		p->prev_sibling = remap_link(remap, p->prev_sibling);
		p->starter_idx = remap_link(remap, p->starter_idx);
		p->replaces_idx = remap_link(remap, p->replaces_idx); /* replaces (a PID) stays */
	}
	for (size_t k = 0; k < m->nexits; k++)
		if (remap[m->exits[k]] >= 0)
			m->exits[ne++] = remap[m->exits[k]];
	m->nexits = ne;
	m->root_idx = remap_link(remap, m->root_idx);
	m->nprocs = j;
	tmp = m->pids;
	m->pids = *pids;
	*pids = tmp;
	tmp = m->sigs;
	m->sigs = *sigs;
	*sigs = tmp;
	if (nrecs)
		memcpy(m->sigrecs, recs, nrecs * sizeof(*recs));
	m->nsigrecs = nrecs;
}

/* Past the tombstone limit: retire the oldest exited leaves down to limit - limit/8 (a
 * batch, so that the O(table) compaction is paid once per limit/8 retirements). When
 * too few can go (exited parents of live processes), wait for another batch of exits.
 * 0, or -1 when out of memory (nothing retired). */
static int model_retire(struct fs_model *m)
{
	size_t limit = m->tombstone_limit, batch = limit / 8, done = 0;
	struct fs_map pids = {0}, sigs = {0};
	struct fs_sigrec *recs = malloc((m->nsigrecs + 1) * sizeof(*recs));
	struct retire_key *keys = malloc((m->nexited + 1) * sizeof(*keys));
	int *remap = malloc((m->nprocs + 1) * sizeof(*remap));
	int rc = -1;

	if (!recs || !keys || !remap || map_init(&pids, m->pids.len) != 0 ||
	    map_init(&sigs, m->sigs.len) != 0)
		goto out;
	done = retire_select(m, remap, keys, m->nexited - (limit - batch));
	if (done)
		retire_compact(m, remap, &pids, &sigs, recs);
	m->nexited -= done;
	m->stats.retired += done;
	rc = 0;
out:
	m->retire_at = m->nexited + batch + 1 > limit + 1 ? m->nexited + batch + 1 : limit + 1;
	map_free(&pids);
	map_free(&sigs);
	free(recs);
	free(keys);
	free(remap);
	return rc;
}

void model_set_tombstone_limit(struct fs_model *m, size_t n)
{
	if (!m)
		return;
	m->tombstone_limit = n;
	m->retire_at = n ? n + 1 : 0;
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
	map_free(&m->pids);
	map_free(&m->sigs);
	free(m->sigrecs);
	free(m->exits);
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

static int map_copy(struct fs_map *dst, const struct fs_map *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->cap)
		return 0;
	dst->keys = copy_array(src->keys, src->cap, sizeof(*src->keys));
	dst->vals = copy_array(src->vals, src->cap, sizeof(*src->vals));
	if (!dst->keys || !dst->vals) {
		map_free(dst);
		return -1;
	}
	dst->cap = src->cap;
	dst->len = src->len;
	return 0;
}

struct fs_model *model_clone(const struct fs_model *m)
{
	struct fs_model *c = m ? malloc(sizeof(*c)) : NULL;

	if (!c)
		return NULL;
	*c = *m;
	memset(&c->pids, 0, sizeof(c->pids));
	memset(&c->sigs, 0, sizeof(c->sigs));
	c->procs = copy_array(m->procs, m->nprocs, sizeof(*m->procs));
	c->sigrecs = copy_array(m->sigrecs, m->nsigrecs, sizeof(*m->sigrecs));
	c->exits = copy_array(m->exits, m->nexits, sizeof(*m->exits));
	c->cap = m->nprocs ? m->nprocs : 1;
	c->capsigrecs = m->nsigrecs ? m->nsigrecs : 1;
	c->capexits = m->nexits ? m->nexits : 1;
	if (map_copy(&c->pids, &m->pids) != 0 || map_copy(&c->sigs, &m->sigs) != 0 || !c->procs ||
	    !c->sigrecs || !c->exits) {
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
	default:
		return 0; /* unknown type: ignored */
	}
	m->stats.events++;
	if (rc == 0 && m->retire_at && m->nexited >= m->retire_at)
		rc = model_retire(m);
	return rc;
}

void model_set_lost(struct fs_model *m, uint64_t lost)
{
	if (m)
		m->stats.lost = lost;
}

void model_end(struct fs_model *m, uint64_t t_ns)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nprocs; i++)
		if (!m->procs[i].exited)
			proc_mark_exited(m, (int)i, t_ns, true);
}

void model_finish(struct fs_model *m)
{
	if (!m)
		return;
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

	if (!m || !map_get(&m->pids, pid, &v))
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

const char *model_role_name(enum fs_role role)
{
	static const char *const names[FS_ROLE_COUNT] = {
	    [FS_ROLE_OTHER] = "other",		 [FS_ROLE_MAIN] = "main",
	    [FS_ROLE_FORKSERVER] = "forkserver", [FS_ROLE_RESOURCE_TRACKER] = "resource_tracker",
	    [FS_ROLE_MP_CHILD] = "mp_child",
	};

	return (unsigned)role < FS_ROLE_COUNT ? names[role] : "?";
}

const char *model_method_name(enum fs_method method)
{
	switch (method) {
	case FS_METHOD_FORK:
		return "fork";
	case FS_METHOD_SPAWN:
		return "spawn";
	case FS_METHOD_FORKSERVER:
		return "forkserver";
	default:
		return NULL;
	}
}
