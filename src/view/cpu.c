/* The CPU arithmetic of the UI: the session's run events copied into their own index,
 * sorted by start and by owner (run events come when a run ends, out of t_ns order: the
 * session's time seeking never sees this index), cores busy over an interval, per-CPU
 * occupancy per column, running / runnable / blocked per column. */
#include <stdlib.h>
#include <string.h>

#include "view/cpu.h"

void vcpu_init(struct vcpu *c)
{
	memset(c, 0, sizeof(*c));
}

void vcpu_free(struct vcpu *c)
{
	free(c->runs);
	free(c->by_time);
	free(c->by_owner);
	free(c->by_cpu);
	free(c->cpus);
	free(c->sym_pid);
	free(c->sym_rank);
	vcpu_init(c);
}

/* Forget every run (the index is rebuilt from the session). */
static void vcpu_reset(struct vcpu *c)
{
	c->n = c->indexed = c->ncpus = c->nsym = 0;
}

int vcpu_add(struct vcpu *c, const struct vrun *r)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct vrun *grown = realloc(c->runs, cap * sizeof(*grown));

		if (!grown)
			return -1;
		c->runs = grown;
		c->cap = cap;
	}
	c->runs[c->n++] = *r;
	return 0;
}

static const struct vrun *vcpu_sort_runs;

static int vcpu_cmp_time(const void *a, const void *b)
{
	const struct vrun *x = &vcpu_sort_runs[*(const uint32_t *)a];
	const struct vrun *y = &vcpu_sort_runs[*(const uint32_t *)b];

	return x->t0 < y->t0 ? -1 : x->t0 > y->t0 ? 1 : 0;
}

static int vcpu_cmp_owner(const void *a, const void *b)
{
	const struct vrun *x = &vcpu_sort_runs[*(const uint32_t *)a];
	const struct vrun *y = &vcpu_sort_runs[*(const uint32_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return vcpu_cmp_time(a, b);
}

static int vcpu_cmp_cpu(const void *a, const void *b)
{
	const struct vrun *x = &vcpu_sort_runs[*(const uint32_t *)a];
	const struct vrun *y = &vcpu_sort_runs[*(const uint32_t *)b];

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return vcpu_cmp_time(a, b);
}

/* Sort the new entries [old, n) of idx, then merge them with the sorted [0, old). */
static int vcpu_merge(struct vcpu *c, uint32_t **idxp, size_t old,
		      int (*cmp)(const void *, const void *))
{
	uint32_t *grown = realloc(*idxp, c->n * sizeof(uint32_t)), *tmp;
	size_t i = 0, j = old, k = 0;

	if (!grown)
		return -1;
	*idxp = grown;
	for (size_t r = old; r < c->n; r++)
		grown[r] = (uint32_t)r;
	qsort(grown + old, c->n - old, sizeof(uint32_t), cmp);
	if (old == 0 || cmp(&grown[old - 1], &grown[old]) <= 0)
		return 0;
	tmp = malloc(c->n * sizeof(uint32_t));
	if (!tmp)
		return -1;
	while (i < old || j < c->n)
		tmp[k++] = j >= c->n || (i < old && cmp(&grown[i], &grown[j]) <= 0) ? grown[i++]
										    : grown[j++];
	memcpy(grown, tmp, c->n * sizeof(uint32_t));
	free(tmp);
	return 0;
}

/* The CPUs used (ascending), from the new runs. */
static int vcpu_note_cpus(struct vcpu *c, size_t old)
{
	for (size_t r = old; r < c->n; r++) {
		uint32_t cpu = c->runs[r].cpu;
		size_t k = 0;
		uint32_t *grown;

		while (k < c->ncpus && c->cpus[k] < cpu)
			k++;
		if (k < c->ncpus && c->cpus[k] == cpu)
			continue;
		grown = realloc(c->cpus, (c->ncpus + 1) * sizeof(uint32_t));
		if (!grown)
			return -1;
		c->cpus = grown;
		memmove(c->cpus + k + 1, c->cpus + k, (c->ncpus - k) * sizeof(uint32_t));
		c->cpus[k] = cpu;
		c->ncpus++;
	}
	return 0;
}

static const uint64_t *vcpu_sort_first;

static int vcpu_cmp_first(const void *a, const void *b)
{
	uint64_t x = vcpu_sort_first[*(const uint32_t *)a],
		 y = vcpu_sort_first[*(const uint32_t *)b];

	return x < y ? -1 : x > y ? 1 : *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Each PID's rank by its first run (the CPU view's marks), PIDs in ascending order. */
static int vcpu_symbols(struct vcpu *c)
{
	uint64_t *first = malloc((c->n + 1) * sizeof(uint64_t));
	uint32_t *order = malloc((c->n + 1) * sizeof(uint32_t));
	uint32_t *pids = realloc(c->sym_pid, (c->n + 1) * sizeof(uint32_t));
	uint32_t *ranks = pids ? realloc(c->sym_rank, (c->n + 1) * sizeof(uint32_t)) : NULL;

	if (pids)
		c->sym_pid = pids;
	if (ranks)
		c->sym_rank = ranks;
	if (!first || !order || !pids || !ranks) {
		free(first);
		free(order);
		return -1;
	}
	c->nsym = 0;
	for (size_t k = 0; k < c->n; k++) {
		const struct vrun *r = &c->runs[c->by_owner[k]];

		if (c->nsym == 0 || pids[c->nsym - 1] != r->pid) {
			pids[c->nsym] = r->pid;
			first[c->nsym++] = r->t0;
		} else if (r->t0 < first[c->nsym - 1]) {
			first[c->nsym - 1] = r->t0;
		}
	}
	for (size_t k = 0; k < c->nsym; k++)
		order[k] = (uint32_t)k;
	vcpu_sort_first = first;
	qsort(order, c->nsym, sizeof(uint32_t), vcpu_cmp_first);
	for (size_t k = 0; k < c->nsym; k++)
		ranks[order[k]] = (uint32_t)k;
	free(first);
	free(order);
	return 0;
}

int vcpu_index(struct vcpu *c)
{
	size_t old = c->indexed;

	if (c->n == old)
		return 0;
	vcpu_sort_runs = c->runs;
	if (vcpu_merge(c, &c->by_time, old, vcpu_cmp_time) != 0 ||
	    vcpu_merge(c, &c->by_owner, old, vcpu_cmp_owner) != 0 ||
	    vcpu_merge(c, &c->by_cpu, old, vcpu_cmp_cpu) != 0 || vcpu_note_cpus(c, old) != 0 ||
	    vcpu_symbols(c) != 0)
		return -1;
	c->indexed = c->n;
	return 0;
}

int vcpu_update(struct vcpu *c, const struct session *s)
{
	size_t first = session_first(s);

	if (c->sess != s || s->cursor < c->scanned || first != c->first) {
		vcpu_reset(c);
		c->sess = s;
		c->first = c->scanned = first;
	}
	for (; c->scanned < s->cursor; c->scanned++) {
		const struct view_ev *e = session_event(s, c->scanned);
		struct vrun r;

		if (!e)
			break;
		if (e->type != FS_EV_RUN)
			continue;
		r = (struct vrun){.t0 = e->t_ns,
				  .t1 = e->end_ns < e->t_ns ? e->t_ns : e->end_ns,
				  .cpu_ns = e->cpu_ns,
				  .pid = e->pid,
				  .tid = e->tid,
				  .cpu = e->cpu,
				  .left = e->left};
		if (vcpu_add(c, &r) != 0)
			return -1;
	}
	return vcpu_index(c);
}

/* The run's on-CPU time within [a, b): its cpu_ns spread evenly over its span. */
static double vcpu_overlap(const struct vrun *r, uint64_t a, uint64_t b)
{
	uint64_t lo = r->t0 > a ? r->t0 : a, hi = r->t1 < b ? r->t1 : b;

	if (r->t1 == r->t0)
		return r->t0 >= a && r->t0 < b ? (double)r->cpu_ns : 0;
	if (hi <= lo)
		return 0;
	return (double)r->cpu_ns * (double)(hi - lo) / (double)(r->t1 - r->t0);
}

/* Position in by_owner of the first run of (pid, tid), tid 0 for the process's first. */
static size_t vcpu_owner_lb(const struct vcpu *c, uint32_t pid, uint32_t tid)
{
	size_t lo = 0, hi = c->indexed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vrun *r = &c->runs[c->by_owner[mid]];

		if (r->pid < pid || (r->pid == pid && r->tid < tid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Position in by_cpu of the first run on cpu. */
static size_t vcpu_cpu_lb(const struct vcpu *c, uint32_t cpu)
{
	size_t lo = 0, hi = c->indexed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->runs[c->by_cpu[mid]].cpu < cpu)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is run r one of (pid, tid)'s (tid 0: any thread of pid)? */
static bool vcpu_owned(const struct vrun *r, uint32_t pid, uint32_t tid)
{
	return r->pid == pid && (tid == 0 || r->tid == tid);
}

uint64_t vcpu_busy_ns(const struct vcpu *c, uint64_t t0, uint64_t t1, uint32_t pid, uint32_t tid)
{
	double sum = 0;

	if (t1 <= t0)
		return 0;
	if (pid == 0) {
		for (size_t k = 0; k < c->indexed; k++) {
			const struct vrun *r = &c->runs[c->by_time[k]];

			if (r->t0 >= t1)
				break;
			sum += vcpu_overlap(r, t0, t1);
		}
	} else {
		for (size_t k = vcpu_owner_lb(c, pid, tid);
		     k < c->indexed && vcpu_owned(&c->runs[c->by_owner[k]], pid, tid); k++)
			sum += vcpu_overlap(&c->runs[c->by_owner[k]], t0, t1);
	}
	return (uint64_t)(sum + 0.5);
}

uint64_t vcpu_lane_busy(const struct vcpu *c, size_t lane, uint64_t t0, uint64_t t1)
{
	double sum = 0;

	for (size_t k = lane < c->ncpus ? vcpu_cpu_lb(c, c->cpus[lane]) : c->indexed;
	     k < c->indexed && c->runs[c->by_cpu[k]].cpu == c->cpus[lane]; k++) {
		const struct vrun *r = &c->runs[c->by_cpu[k]];

		if (r->t0 >= t1)
			break;
		sum += vcpu_overlap(r, t0, t1);
	}
	return (uint64_t)(sum + 0.5);
}

double vcpu_cores(const struct vcpu *c, uint64_t t0, uint64_t t1, uint32_t pid)
{
	if (t1 <= t0)
		return 0;
	return (double)vcpu_busy_ns(c, t0, t1, pid, 0) / (double)(t1 - t0);
}

size_t vcpu_runs(const struct vcpu *c, uint32_t pid, uint32_t tid)
{
	size_t k = vcpu_owner_lb(c, pid, tid), n = 0;

	while (k + n < c->indexed && vcpu_owned(&c->runs[c->by_owner[k + n]], pid, tid))
		n++;
	return n;
}

int vcpu_last_left(const struct vcpu *c, uint32_t pid, uint32_t tid)
{
	size_t k = vcpu_owner_lb(c, pid, tid), n = vcpu_runs(c, pid, tid);

	return n ? (int)c->runs[c->by_owner[k + n - 1]].left : -1;
}

/* Time of the left edge of column k. */
static uint64_t vcpu_col_t(const struct timeline *tl, int width, int k)
{
	return tl->t0 + (uint64_t)((double)tl->span * k / width);
}

void vcpu_lane(const struct vcpu *c, size_t lane, const struct timeline *tl, int width,
	       struct vcpu_cell *out)
{
	uint64_t end = tl->t0 + tl->span;
	double *best = calloc((size_t)(width > 0 ? width : 1), sizeof(double));

	memset(out, 0, (size_t)(width > 0 ? width : 0) * sizeof(*out));
	if (!best || lane >= c->ncpus || width <= 0) {
		free(best);
		return;
	}
	for (size_t k = vcpu_cpu_lb(c, c->cpus[lane]);
	     k < c->indexed && c->runs[c->by_cpu[k]].cpu == c->cpus[lane]; k++) {
		const struct vrun *r = &c->runs[c->by_cpu[k]];
		long a, b;

		if (r->t0 >= end)
			break;
		if (r->t1 < tl->t0)
			continue;
		a = timeline_col(tl, r->t0, width);
		b = timeline_col(tl, r->t1, width);
		for (long col = a < 0 ? 0 : a; col <= b && col < width; col++) {
			double t = vcpu_overlap(r, vcpu_col_t(tl, width, (int)col),
						vcpu_col_t(tl, width, (int)col + 1));

			if (t <= 0 && r->t1 > r->t0)
				continue;
			out[col].busy_ns += (uint64_t)(t + 0.5);
			if (out[col].pid == r->pid)
				best[col] += t;
			else if (t > best[col] || out[col].pid == 0) {
				best[col] = t;
				out[col].pid = r->pid;
			}
		}
	}
	free(best);
}

/* Spread the time of [a, b) over the columns it covers, times weight, into acc. */
static void vcpu_spread(const struct timeline *tl, int width, uint64_t a, uint64_t b, double weight,
			double *acc)
{
	long c0, c1;

	if (b <= a || weight <= 0)
		return;
	c0 = timeline_col(tl, a, width);
	c1 = timeline_col(tl, b, width);
	for (long col = c0 < 0 ? 0 : c0; col <= c1 && col < width; col++) {
		uint64_t lo = vcpu_col_t(tl, width, (int)col),
			 hi = vcpu_col_t(tl, width, (int)col + 1);

		lo = lo > a ? lo : a;
		hi = hi < b ? hi : b;
		if (hi > lo)
			acc[col] += weight * (double)(hi - lo);
	}
}

/* One thread's runs by_owner[k0, k1) into the three accumulators, within [from, to). */
static void vcpu_thread_states(const struct vcpu *c, size_t k0, size_t k1, uint64_t from,
			       uint64_t to, const struct timeline *tl, int width, double *acc[3])
{
	for (size_t k = k0; k < k1; k++) {
		const struct vrun *r = &c->runs[c->by_owner[k]];
		uint64_t next = k + 1 < k1 ? c->runs[c->by_owner[k + 1]].t0 : to;
		uint64_t a = r->t0 > from ? r->t0 : from, b = r->t1 < to ? r->t1 : to;
		double on = r->t1 > r->t0 ? (double)r->cpu_ns / (double)(r->t1 - r->t0) : 1;

		if (on > 1)
			on = 1;
		vcpu_spread(tl, width, a, b, on, acc[0]);
		vcpu_spread(tl, width, a, b, 1 - on, acc[2]); /* the gaps of merged runs */
		a = r->t1 > from ? r->t1 : from;
		b = next < to ? next : to;
		if (r->left == FS_LEFT_PREEMPTED)
			vcpu_spread(tl, width, a, b, 1, acc[1]);
		else if (r->left == FS_LEFT_BLOCKED)
			vcpu_spread(tl, width, a, b, 1, acc[2]);
	}
}

void vcpu_states(const struct vcpu *c, uint32_t pid, uint32_t tid, uint64_t from, uint64_t to,
		 const struct timeline *tl, int width, unsigned char *out)
{
	double *buf = width > 0 ? calloc((size_t)width * 3, sizeof(double)) : NULL;
	double *acc[3];
	size_t k = vcpu_owner_lb(c, pid, tid);

	if (width > 0)
		memset(out, VST_NONE, (size_t)width);
	if (!buf)
		return;
	for (int i = 0; i < 3; i++)
		acc[i] = buf + (size_t)i * (size_t)width;
	while (k < c->indexed && vcpu_owned(&c->runs[c->by_owner[k]], pid, tid)) {
		uint32_t t = c->runs[c->by_owner[k]].tid;
		size_t k1 = k;

		while (k1 < c->indexed && vcpu_owned(&c->runs[c->by_owner[k1]], pid, t))
			k1++;
		vcpu_thread_states(c, k, k1, from, to, tl, width, acc);
		k = k1;
	}
	for (int col = 0; col < width; col++) {
		uint64_t lo = vcpu_col_t(tl, width, col), hi = vcpu_col_t(tl, width, col + 1);
		double cover, run, wait, blk;

		lo = lo > from ? lo : from;
		hi = hi < to ? hi : to;
		cover = hi > lo ? (double)(hi - lo) : 0;
		run = acc[0][col] < cover ? acc[0][col] : cover;
		wait = acc[1][col] < cover - run ? acc[1][col] : cover - run;
		blk = acc[2][col] < cover - run - wait ? acc[2][col] : cover - run - wait;
		if (cover <= 0 || run + wait + blk <= 0)
			continue;
		if (run * 4 >= cover * 3)
			out[col] = VST_RUNNING;
		else if (run * 4 >= cover)
			out[col] = VST_PART;
		else if (run >= wait && run >= blk)
			out[col] = VST_RUNNING;
		else
			out[col] = wait >= blk ? VST_RUNNABLE : VST_BLOCKED;
	}
	free(buf);
}

char vcpu_symbol(const struct vcpu *c, uint32_t pid)
{
	static const char marks[] = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t lo = 0, hi = c->nsym;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->sym_pid[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= c->nsym || c->sym_pid[lo] != pid)
		return ' ';
	return c->sym_rank[lo] < sizeof(marks) - 1 ? marks[c->sym_rank[lo]] : '#';
}
