/* Lessons from the model's facts, found incrementally (model/lessons.h). After each event
 * only the processes it names are looked at (and the kills waiting on a starter), so the
 * cost per event is small and a live run and its replay find the same lessons. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "model/lessons_internal.h"
#include "model/python.h"

struct fs_lessons *lessons_new(void)
{
	return calloc(1, sizeof(struct fs_lessons));
}

void lessons_free(struct fs_lessons *l)
{
	if (!l)
		return;
	free(l->v);
	free(l->marks);
	free(l->pending);
	free(l);
}

void lessons_set_cpus(struct fs_lessons *l, uint32_t cpus)
{
	l->cpus = cpus;
}

size_t lessons_count(const struct fs_lessons *l)
{
	return l ? l->n : 0;
}

const struct fs_lesson *lessons_at(const struct fs_lessons *l, size_t i)
{
	return l && i < l->n ? &l->v[i] : NULL;
}

bool lessons_failed(const struct fs_lessons *l)
{
	return l && l->failed;
}

size_t lessons_next(const struct fs_lessons *l, uint64_t event)
{
	size_t lo = 0, hi = lessons_count(l);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].event < event)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long lessons_prev(const struct fs_lessons *l, uint64_t event)
{
	size_t i = lessons_next(l, event + 1);

	return (long)i - 1;
}

struct lesson_mark *lessons_mark(struct fs_lessons *l, const struct fs_proc *p)
{
	if (p->serial >= l->nmarks) {
		size_t n = l->nmarks ? l->nmarks : 64;
		struct lesson_mark *v;

		while (n <= p->serial)
			n *= 2;
		v = realloc(l->marks, n * sizeof(*v));
		if (!v) {
			l->failed = true;
			return NULL;
		}
		memset(v + l->nmarks, 0, (n - l->nmarks) * sizeof(*v));
		l->marks = v;
		l->nmarks = n;
	}
	return &l->marks[p->serial];
}

/* Marks for every process of the table at once (the newest has the highest serial), so
 * that no mark moves while the lessons of one event hold pointers to several. */
static void lessons_reserve(struct fs_lessons *l, const struct fs_model *m)
{
	size_t n = model_count(m);

	if (n)
		lessons_mark(l, model_proc(m, n - 1));
}

static const struct fs_proc *proc_at(const struct fs_model *m, int idx)
{
	return idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
}

/* The launcher (forkscope, the subreaper orphans come back to): the root's first parent. */
static uint32_t launcher_pid(const struct fs_model *m)
{
	const struct fs_proc *r = proc_at(m, model_root(m));

	return r && r->ppid_history_len > 0 ? r->ppid_history[0] : 0;
}

void lessons_fill_proc(const struct fs_model *m, const struct fs_proc *p,
		       struct fs_lesson_proc *out)
{
	memset(out, 0, sizeof(*out));
	if (!p)
		return;
	out->pid = p->pid;
	out->serial = p->serial;
	out->role = p->role;
	out->method = p->start_method;
	out->kind = p->py.kind;
	out->daemon = p->py.daemon_told && p->py.daemon;
	memcpy(out->name, p->py.name, sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	(void)m;
}

/* A process outside the table: the launcher, or one never seen. */
static void fill_pid(const struct fs_model *m, uint32_t pid, struct fs_lesson_proc *out)
{
	int idx = pid ? model_find(m, pid) : -1;

	if (idx >= 0) {
		lessons_fill_proc(m, model_proc(m, (size_t)idx), out);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->subreaper = pid && pid == launcher_pid(m);
}

struct fs_lesson *lessons_add(struct fs_lessons *l, const struct fs_model *m,
			      enum fs_lesson_kind kind, const struct fs_proc *who)
{
	struct fs_lesson *x;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct fs_lesson *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->failed = true;
			return NULL;
		}
		l->v = v;
		l->cap = cap;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->t_ns = l->t_ns;
	x->event = l->event;
	x->cpus = l->cpus ? l->cpus : l->cpus_seen;
	lessons_fill_proc(m, who, &x->who);
	if (who)
		x->method = who->start_method;
	l->any[kind] = true;
	l->last_t[kind] = l->t_ns;
	return x;
}

/* A lesson of this kind by the same process a moment ago: this one is part of it. */
static bool burst(const struct fs_lessons *l, enum fs_lesson_kind kind, uint64_t by_serial)
{
	return l->any[kind] && l->last_by[kind] == by_serial &&
	       l->t_ns - l->last_t[kind] < LESSON_BURST_NS;
}

static struct fs_lesson *add_by(struct fs_lessons *l, const struct fs_model *m,
				enum fs_lesson_kind kind, const struct fs_proc *who,
				const struct fs_proc *by)
{
	struct fs_lesson *x = lessons_add(l, m, kind, who);

	if (x) {
		lessons_fill_proc(m, by, &x->by);
		l->last_by[kind] = by ? by->serial : 0;
	}
	return x;
}

/* The helpers: a forkserver, a resource tracker, when they get their role. */
static void look_helpers(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
			 struct lesson_mark *mk)
{
	const struct fs_proc *s = proc_at(m, p->parent);

	if (p->role == FS_ROLE_FORKSERVER && !(mk->bits & LM_FORKSERVER)) {
		mk->bits |= LM_FORKSERVER;
		add_by(l, m, FS_LESSON_FORKSERVER_STARTED, p, s);
	}
	if (p->role == FS_ROLE_RESOURCE_TRACKER && !(mk->bits & LM_TRACKER)) {
		mk->bits |= LM_TRACKER;
		add_by(l, m, FS_LESSON_TRACKER_STARTED, p, s);
	}
}

/* How a child started: the forkserver's first child, a spawn child's exec, its fork ->
 * ready cost (the first of each for its starter), the first worker of a pool. */
static void look_start(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
		       struct lesson_mark *mk)
{
	const struct fs_proc *par = proc_at(m, p->parent), *s = proc_at(m, p->starter_idx);
	struct lesson_mark *pm = par ? lessons_mark(l, par) : NULL;
	struct lesson_mark *sm = s ? lessons_mark(l, s) : NULL;
	struct fs_lesson *x;

	if (p->role != FS_ROLE_MP_CHILD)
		return;
	if (par && pm && par->role == FS_ROLE_FORKSERVER && !(pm->bits & LM_FSRV_CHILD)) {
		pm->bits |= LM_FSRV_CHILD;
		x = add_by(l, m, FS_LESSON_FORKSERVER_CHILD, p, s);
		if (x)
			lessons_fill_proc(m, par, &x->other);
	}
	if (sm && p->start_method == FS_METHOD_SPAWN && p->exec_seen &&
	    !(sm->bits & LM_SPAWN_EXEC)) {
		sm->bits |= LM_SPAWN_EXEC;
		add_by(l, m, FS_LESSON_SPAWN_EXEC, p, s);
	}
	if (sm && p->py.ready_ns && !(mk->bits & LM_READY_SEEN) &&
	    p->start_method > FS_METHOD_NONE && p->start_method < FS_METHOD_COUNT) {
		uint32_t bit = LM_READY_FORK << (p->start_method - 1);

		mk->bits |= LM_READY_SEEN;
		if (!(sm->bits & bit) && !p->unseen_start && p->py.ready_ns >= p->start_ns) {
			sm->bits |= bit;
			x = add_by(l, m, FS_LESSON_CHILD_READY, p, s);
			if (x) {
				x->ns = p->py.ready_ns - p->start_ns;
				x->told = true;
			}
		}
	}
	if ((p->py.kind == FS_PY_KIND_POOL_WORKER || p->py.kind == FS_PY_KIND_EXECUTOR_WORKER) &&
	    p->py.pool && p->py.pool <= 32) {
		const struct fs_pool *pool = model_pool_of(m, p);
		int ci = pool ? model_find_serial(m, pool->creator) : -1;
		const struct fs_proc *c = proc_at(m, ci);
		struct lesson_mark *cm = c ? lessons_mark(l, c) : NULL;

		if (cm && !(cm->pools & (1u << (p->py.pool - 1)))) {
			cm->pools |= 1u << (p->py.pool - 1);
			x = add_by(l, m, FS_LESSON_POOL_STARTED, p, c);
			if (x) {
				x->told = true;
				x->pool = p->py.pool;
				x->executor =
				    pool->executor || p->py.kind == FS_PY_KIND_EXECUTOR_WORKER;
				x->count = pool->processes;
				if (pool->method != FS_METHOD_NONE)
					x->method = pool->method;
			}
		}
	}
	if (s && s->role == FS_ROLE_MP_CHILD && !l->grandchild_told &&
	    !(mk->bits & LM_GRANDCHILD)) {
		mk->bits |= LM_GRANDCHILD;
		l->grandchild_told = true;
		add_by(l, m, FS_LESSON_GRANDCHILD, p, s);
	}
}

/* A worker replaced by p (Pool recycling): told once per replacement. */
static void look_recycled(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
			  struct lesson_mark *mk)
{
	const struct fs_proc *w, *s;
	struct fs_lesson *x;
	int wi;

	if (!p->replaces || (mk->bits & LM_RECYCLED))
		return;
	wi = p->replaces_idx >= 0 ? p->replaces_idx : model_find(m, p->replaces);
	w = proc_at(m, wi);
	if (!w)
		return;
	mk->bits |= LM_RECYCLED;
	s = proc_at(m, p->starter_idx);
	x = add_by(l, m, FS_LESSON_RECYCLED, w, s);
	if (!x)
		return;
	lessons_fill_proc(m, p, &x->other);
	/* certain when the facts say so: its replacement's, or the worker's own tasks */
	x->told = p->py.recycled || w->py.tasks;
	x->count = w->py.tasks;
	if (!x->count) {
		const struct fs_pool *pool = model_pool_of(m, w);

		x->count = pool ? pool->maxtasksperchild : 0;
	}
}

/* Whether the SIGTERM its starter s sent p was sent as s exited (it started nothing after). */
static bool at_starter_exit(const struct fs_proc *p, const struct fs_proc *s)
{
	return s && s->exited && !s->exit_lost && s->pid == p->killed_by &&
	       p->kill_sent_ns >= s->start_ns && p->kill_sent_ns <= s->end_ns &&
	       s->last_start_ns <= p->kill_sent_ns;
}

/* A kill told: its kind from Python's account, else from the kernel's evidence. */
static void tell_kill(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
		      enum fs_lesson_kind kind)
{
	const struct fs_proc *by = proc_at(m, p->killed_by ? model_find(m, p->killed_by) : -1);
	struct fs_lesson *x;

	if (burst(l, kind, by ? by->serial : 0))
		return;
	x = add_by(l, m, kind, p, by);
	if (!x)
		return;
	if (!by)
		fill_pid(m, p->killed_by, &x->by);
	x->sig = p->signal;
	x->stop = p->py.stop;
	x->told = p->py.stop != FS_PY_STOP_NONE;
}

/* Is the pending kill of p settled now? Then it is told. */
static bool settle_kill(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
			bool at_end)
{
	const struct fs_proc *s = proc_at(m, p->starter_idx);
	enum fs_py_stop st = p->py.stop;

	if (st == FS_PY_STOP_TERMINATE || st == FS_PY_STOP_KILL)
		tell_kill(l, m, p, FS_LESSON_TERMINATED);
	else if (st == FS_PY_STOP_POOL_TERMINATE)
		tell_kill(l, m, p, FS_LESSON_POOL_TERMINATED);
	else if (st == FS_PY_STOP_DAEMON_EXIT || st == FS_PY_STOP_POOL_EXIT)
		tell_kill(l, m, p, FS_LESSON_DAEMON_KILLED);
	else if (at_starter_exit(p, s))
		tell_kill(l, m, p, FS_LESSON_DAEMON_KILLED);
	else if (at_end || !s || (s->last_start_ns > p->kill_sent_ns) || s->pid != p->killed_by ||
		 s->exited)
		tell_kill(l, m, p, FS_LESSON_KILLED);
	else
		return false;
	return true;
}

/* A process killed by a signal: told now, or left pending while its starter may still
 * make it a daemon kill (by exiting without starting anything else). */
static void look_killed(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
			struct lesson_mark *mk)
{
	if (!p->exited || !p->signal || (mk->bits & LM_KILL))
		return;
	mk->bits |= LM_KILL;
	if (p->signal != SIGTERM || p->py.stop != FS_PY_STOP_NONE || p->starter_idx < 0 ||
	    p->killed_by != p->starter) {
		settle_kill(l, m, p, true);
		return;
	}
	if (settle_kill(l, m, p, false))
		return;
	if (l->npending == l->cappending) {
		size_t cap = l->cappending ? 2 * l->cappending : 16;
		uint64_t *v = realloc(l->pending, cap * sizeof(*v));

		if (!v) {
			l->failed = true;
			return;
		}
		l->pending = v;
		l->cappending = cap;
	}
	l->pending[l->npending++] = p->serial;
}

/* The kills waiting on their starter: settled when it exits or starts something. */
static void look_pending(struct fs_lessons *l, const struct fs_model *m, bool at_end)
{
	size_t k = 0;

	for (size_t i = 0; i < l->npending; i++) {
		int idx = model_find_serial(m, l->pending[i]);
		const struct fs_proc *p = proc_at(m, idx);

		if (p && !settle_kill(l, m, p, at_end))
			l->pending[k++] = l->pending[i];
	}
	l->npending = k;
}

/* Re-parented: its parent exited first (the new parent: a subreaper, forkscope, init). */
static void look_orphan(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
			struct lesson_mark *mk)
{
	const struct fs_proc *old = proc_at(m, p->parent);
	struct fs_lesson *x;

	if (!p->reparented || (mk->bits & LM_ORPHAN))
		return;
	mk->bits |= LM_ORPHAN;
	if (burst(l, FS_LESSON_ORPHANED, old ? old->serial : 0))
		return;
	x = add_by(l, m, FS_LESSON_ORPHANED, p, old);
	if (x)
		fill_pid(m, p->ppid, &x->other);
}

/* How a child ended: its starter waited for it in join(); it failed before its target ran
 * (a spawn or forkserver child that imported a main module without the guard). */
static void look_end(struct fs_lessons *l, const struct fs_model *m, const struct fs_proc *p,
		     struct lesson_mark *mk)
{
	const struct fs_proc *s = proc_at(m, p->starter_idx);
	struct lesson_mark *sm = s ? lessons_mark(l, s) : NULL;
	struct fs_lesson *x;

	if (!p->exited || p->signal || p->exit_lost || p->role != FS_ROLE_MP_CHILD || !sm)
		return;
	/* a Process joined while it ran (a pool joins its workers itself, as they end) */
	if (p->exit_code == 0 && p->py.join_ns && p->py.join_ns <= p->end_ns && !p->py.pool &&
	    p->py.kind == FS_PY_KIND_PROCESS && !(sm->bits & LM_JOINED)) {
		sm->bits |= LM_JOINED;
		x = add_by(l, m, FS_LESSON_JOINED, p, s);
		if (x)
			x->told = true;
	}
	if (p->exit_code > 0 && !p->py.ready_ns && !(mk->bits & LM_FAIL_SEEN) &&
	    (p->start_method == FS_METHOD_SPAWN || p->start_method == FS_METHOD_FORKSERVER)) {
		enum fs_lesson_kind kind = FS_LESSON_NO_GUARD;

		mk->bits |= LM_FAIL_SEEN;
		sm->failed++;
		if (sm->bits & LM_NO_GUARD) {
			if (sm->failed < 5 || (sm->bits & LM_CHURN))
				return;
			sm->bits |= LM_CHURN;
			kind = FS_LESSON_NO_GUARD_CHURN;
		}
		sm->bits |= LM_NO_GUARD;
		x = add_by(l, m, kind, p, s);
		if (x) {
			x->exit_code = p->exit_code;
			x->count = sm->failed;
			x->told = p->py.hook == FS_PY_HOOK_SPOKE || p->py.hello_ns;
		}
	}
}

/* Every lesson about the process at idx that its state now shows. */
static void look_proc(struct fs_lessons *l, const struct fs_model *m, int idx)
{
	const struct fs_proc *p = proc_at(m, idx);
	struct lesson_mark *mk = p ? lessons_mark(l, p) : NULL;

	if (!mk)
		return;
	look_helpers(l, m, p, mk);
	look_start(l, m, p, mk);
	look_recycled(l, m, p, mk);
	look_killed(l, m, p, lessons_mark(l, p));
	look_orphan(l, m, p, lessons_mark(l, p));
	look_end(l, m, p, lessons_mark(l, p));
}

#define STARTED_WALK 256 /* newest processes looked at for a starter's facts about them */

/* A starter's facts (join(), terminate()) may come after its children's ends: its newest
 * children are looked at again. */
static void look_started(struct fs_lessons *l, const struct fs_model *m, int idx)
{
	const struct fs_proc *w = proc_at(m, idx);
	size_t n = model_count(m);

	if (!w || !w->mp_started)
		return;
	for (size_t k = 0; k < STARTED_WALK && k < n; k++) {
		const struct fs_proc *c = model_proc(m, n - 1 - k);

		if (c->starter_idx == idx && c->exited)
			look_proc(l, m, (int)(n - 1 - k));
	}
}

size_t lessons_after_event(struct fs_lessons *l, const struct fs_model *m,
			   const struct fs_event *ev, uint64_t event)
{
	size_t before = l->n;
	int idx;

	if (l->finished)
		return 0;
	lessons_reserve(l, m);
	l->event = event;
	l->t_ns = ev->t_ns;
	switch (ev->type) {
	case FS_EV_RUN:
		lessons_cpu_run(l, ev);
		return 0;
	case FS_EV_OUTPUT:
		return 0;
	case FS_EV_THREAD_EXIT:
		lessons_cpu_threads(l, m, model_find(m, ev->pid));
		return l->n - before;
	default:
		break;
	}
	idx = model_find(m, ev->pid);
	look_proc(l, m, idx);
	if (ev->type == FS_EV_FORK)
		look_proc(l, m, model_find(m, ev->ppid));
	if (ev->type == FS_EV_SIGNAL)
		look_proc(l, m, model_find(m, ev->target));
	if (ev->type == FS_EV_CHANNEL)
		look_started(l, m, idx);
	if (ev->type == FS_EV_EXIT) {
		lessons_cpu_threads(l, m, idx);
		lessons_cpu_procs(l, m, idx);
	}
	if (l->npending)
		look_pending(l, m, false);
	return l->n - before;
}

size_t lessons_finish(struct fs_lessons *l, const struct fs_model *m)
{
	size_t before = l->n;

	if (l->finished)
		return 0;
	lessons_reserve(l, m);
	/* the analyses redone over the whole trace: recycling found late, stops told late */
	for (size_t i = 0; i < model_count(m); i++)
		look_proc(l, m, (int)i);
	look_pending(l, m, true);
	l->finished = true;
	return l->n - before;
}
