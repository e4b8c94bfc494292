/* The CPU lessons (model/lessons.h): two CPU-bound threads of one process that take turns
 * (the GIL) or run at once, and two CPU-bound processes of one starter that run at once.
 * From the model's totals at their ends: the CPU time of both over the wall time they
 * covered together is the cores they kept busy. */
#include "model/lessons_internal.h"

void lessons_cpu_run(struct fs_lessons *l, const struct fs_event *ev)
{
	if (ev->cpu + 1 > l->cpus_seen && ev->cpu < 4096)
		l->cpus_seen = ev->cpu + 1;
}

struct span {
	uint64_t start, end, cpu;
};

/* Busy enough over a life long enough: at least `share`/10 of its wall time on a CPU. */
static bool busy(const struct span *s, unsigned share)
{
	uint64_t life = s->end - s->start;

	return s->end > s->start && life >= LESSON_MIN_LIFE_NS && s->cpu * 10 >= life * share;
}

/* Two spans that overlap for at least half the shorter one; *milli: the cores they kept
 * busy together over their union, x 1000. */
static bool together(const struct span *a, const struct span *b, uint32_t *milli)
{
	uint64_t lo = a->start > b->start ? a->start : b->start;
	uint64_t hi = a->end < b->end ? a->end : b->end;
	uint64_t la = a->end - a->start, lb = b->end - b->start;
	uint64_t shorter = la < lb ? la : lb;
	uint64_t u0 = a->start < b->start ? a->start : b->start;
	uint64_t u1 = a->end > b->end ? a->end : b->end;

	if (hi <= lo || (hi - lo) * 2 < shorter || u1 <= u0)
		return false;
	*milli = (uint32_t)((a->cpu + b->cpu) * 1000 / (u1 - u0));
	return true;
}

void lessons_cpu_threads(struct fs_lessons *l, const struct fs_model *m, int idx)
{
	const struct fs_proc *p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
	struct lesson_mark *mk = p ? lessons_mark(l, p) : NULL;
	const struct fs_thread *t[16];
	size_t n = 0;

	if (!mk || (mk->bits & LM_THREADS) || p->nthreads < 2)
		return;
	for (int i = p->first_thread; i >= 0 && n < 16;) {
		const struct fs_thread *th = model_thread(m, (size_t)i);

		if (!th)
			break;
		if (th->exited)
			t[n++] = th;
		i = th->next;
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			struct span sa = {t[a]->start_ns, t[a]->end_ns, t[a]->cpu_ns};
			struct span sb = {t[b]->start_ns, t[b]->end_ns, t[b]->cpu_ns};
			uint32_t milli;
			struct fs_lesson *x;

			if (!busy(&sa, 3) || !busy(&sb, 3) || !together(&sa, &sb, &milli))
				continue;
			mk->bits |= LM_THREADS;
			x = lessons_add(l, m,
					milli >= 1400 ? FS_LESSON_THREADS_PARALLEL
						      : FS_LESSON_THREADS_TURNS,
					p);
			if (x) {
				x->tid = t[a]->tid;
				x->tid2 = t[b]->tid;
				x->milli_cores = milli;
			}
			return;
		}
}

#define PROCS_WALK 64 /* earlier processes looked at for a sibling */

void lessons_cpu_procs(struct fs_lessons *l, const struct fs_model *m, int idx)
{
	const struct fs_proc *p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
	const struct fs_proc *s =
	    p && p->starter_idx >= 0 ? model_proc(m, (size_t)p->starter_idx) : NULL;
	struct lesson_mark *sm = s ? lessons_mark(l, s) : NULL;
	struct span sp;

	if (!sm || (sm->bits & LM_PROCS) || p->role != FS_ROLE_MP_CHILD || !p->exited ||
	    p->signal || p->exit_code != 0)
		return;
	sp = (struct span){p->start_ns, p->end_ns, p->cpu_ns};
	if (!busy(&sp, 5))
		return;
	for (int k = -PROCS_WALK; k <= PROCS_WALK; k++) {
		const struct fs_proc *q = k ? model_proc(m, (size_t)(idx + k)) : NULL;
		struct span sq;
		uint32_t milli;
		struct fs_lesson *x;

		if (!q || q->starter_idx != p->starter_idx || q->role != FS_ROLE_MP_CHILD ||
		    !q->exited || q->signal || q->exit_code != 0)
			continue;
		sq = (struct span){q->start_ns, q->end_ns, q->cpu_ns};
		if (!busy(&sq, 5) || !together(&sp, &sq, &milli))
			continue;
		sm->bits |= LM_PROCS;
		x = lessons_add(l, m, FS_LESSON_PROCS_PARALLEL, q);
		if (x) {
			lessons_fill_proc(m, p, &x->other);
			lessons_fill_proc(m, s, &x->by);
			x->milli_cores = milli;
		}
		return;
	}
}
