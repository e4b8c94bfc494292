/* Figures of one run for the compare view: processes, execs, helpers, start latency
 * (fork to exec, and Python's fork to ready), the forkserver's one-time start, run time,
 * peak live processes, lost events, CPU time by role and cores busy. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

/* The actor of an event: the process that did something (a forking parent, the exec'ing
 * or exiting process, a signal's sender). */
static uint32_t compare_actor(const struct view_ev *e)
{
	return e->type == FS_EV_FORK ? e->ppid : e->pid;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Python's start cost: the median and the slowest fork -> ready of the multiprocessing
 * children that told their ready point, and the first forkserver's start to its first
 * fork. lat has room for every process. */
static void compare_ready(const struct fs_model *m, uint64_t *lat, struct compare_stats *out)
{
	size_t count = model_count(m), n = 0;

	for (size_t i = 0; i < count; i++) {
		const struct fs_proc *p = model_proc(m, i);

		if (p->role == FS_ROLE_MP_CHILD && !p->unseen_start && p->py.ready_ns &&
		    p->py.ready_ns >= p->start_ns)
			lat[n++] = p->py.ready_ns - p->start_ns;
		if (p->role == FS_ROLE_FORKSERVER && !out->fsrv_timed) {
			out->fsrv_timed = vpy_first_fork(m, p, &out->fsrv_once_ns);
			out->fsrv_from_ns = p->start_ns;
			out->fsrv_to_ns = p->start_ns + out->fsrv_once_ns;
		}
	}
	out->ready_children = n;
	if (!n)
		return;
	qsort(lat, n, sizeof(*lat), compare_u64);
	out->ready_median_ns = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
	out->ready_max_ns = lat[n - 1];
	/* the axis marks the median's length from the first child's fork */
	out->ready_from_ns = UINT64_MAX;
	for (size_t i = 0; i < count; i++) {
		const struct fs_proc *p = model_proc(m, i);

		if (p->role == FS_ROLE_MP_CHILD && !p->unseen_start && p->py.ready_ns &&
		    p->py.ready_ns >= p->start_ns && p->start_ns < out->ready_from_ns)
			out->ready_from_ns = p->start_ns;
	}
	out->ready_to_ns = out->ready_from_ns + out->ready_median_ns;
}

void compare_compute(const struct session *s, struct compare_stats *out)
{
	const struct fs_model_stats *st = model_stats(s->model);
	size_t count = model_count(s->model);
	uint64_t *first = NULL, sum = 0;
	bool workers_only = st->by_role[FS_ROLE_MP_CHILD] > 0;
	int root = model_root(s->model);

	memset(out, 0, sizeof(*out));
	out->procs = model_count(s->model) + st->retired;
	out->execs = (size_t)st->execs;
	out->helpers = st->by_role[FS_ROLE_FORKSERVER] + st->by_role[FS_ROLE_RESOURCE_TRACKER];
	out->peak_live = st->peak_live;
	out->lost = st->lost > s->lost ? st->lost : s->lost;
	out->total_ns = session_total_ns(s);
	if (count == 0)
		return;
	first = calloc(count, sizeof(*first));
	if (!first)
		return;
	/* first own event after the fork of each process (by its newest PID use), among the
	 * events still in memory */
	for (size_t i = session_first(s); i < s->cursor; i++) {
		const struct view_ev *e = session_event(s, i);
		int idx = model_find(s->model, compare_actor(e));

		/* an exit is the end of a process, not the sign that it started; runs and threads
		 * come with any process */
		if (idx < 0 || (size_t)idx >= count || first[idx] || e->type == FS_EV_EXIT ||
		    e->type == FS_EV_RUN || e->type == FS_EV_THREAD ||
		    e->type == FS_EV_THREAD_EXIT || (e->type == FS_EV_SIGNAL && e->sig == SIGCHLD))
			continue;
		if (e->t_ns >= model_proc(s->model, (size_t)idx)->start_ns &&
		    !(e->type == FS_EV_FORK && e->pid == model_proc(s->model, (size_t)idx)->pid))
			first[idx] = e->t_ns + 1; /* +1: 0 means none */
	}
	for (size_t i = 0; i < count; i++) {
		const struct fs_proc *p = model_proc(s->model, i);

		out->cpu_ns += p->cpu_ns;
		if (p->role == FS_ROLE_MP_CHILD)
			out->cpu_children_ns += p->cpu_ns;
		else if (p->role == FS_ROLE_FORKSERVER || p->role == FS_ROLE_RESOURCE_TRACKER)
			out->cpu_helpers_ns += p->cpu_ns;
	}
	if (out->total_ns)
		out->cores_busy = (double)out->cpu_ns / (double)out->total_ns;
	for (size_t i = 0; i < count; i++) {
		const struct fs_proc *p = model_proc(s->model, i);
		uint64_t lat;

		if ((int)i == root || p->unseen_start ||
		    (workers_only && p->role != FS_ROLE_MP_CHILD))
			continue;
		if (p->exec_ns && p->exec_ns >= p->start_ns)
			lat = p->exec_ns - p->start_ns;
		else if (first[i])
			lat = first[i] - 1 - p->start_ns;
		else
			continue;
		out->children++;
		sum += lat;
		if (lat > out->start_max_ns)
			out->start_max_ns = lat;
	}
	if (out->children)
		out->start_avg_ns = sum / out->children;
	memset(first, 0, count * sizeof(*first));
	compare_ready(s->model, first, out);
	free(first);
}
