/* The summary's recycling line (output/format.h): told by the Python facts or inferred. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/names.h"
#include "model/python.h"
#include "output/format.h"

/* The recycled workers the facts told: how many, and the tasks after which the replaced
 * ones exited (lo..hi) and their Pools' maxtasksperchild (0 when they differ). */
struct format_recycled {
	size_t told;
	uint64_t lo, hi;
	uint32_t max;
	bool max_mixed;
};

static void format_count_recycled(const struct fs_model *m, struct format_recycled *r)
{
	for (size_t i = 0; i < model_count(m); i++) {
		const struct fs_proc *c = model_proc(m, i), *w;
		const struct fs_pool *pool;

		if (!c->replaces || !c->py.recycled)
			continue;
		pool = model_pool_of(m, c);
		if (pool && (r->told == 0 || pool->maxtasksperchild == r->max))
			r->max = pool->maxtasksperchild;
		else
			r->max_mixed = true;
		w = c->replaces_idx >= 0 && (size_t)c->replaces_idx < model_count(m)
			? model_proc(m, (size_t)c->replaces_idx)
			: NULL;
		if (w && w->pid == c->replaces) {
			if (r->told == 0 || w->py.tasks < r->lo)
				r->lo = w->py.tasks;
			if (w->py.tasks > r->hi)
				r->hi = w->py.tasks;
		}
		r->told++;
	}
}

void format_summary_recycled(FILE *f, const struct fs_model *m)
{
	static const char seen[] =
	    "started by a pool right after one of its workers exited 0, while the pool ran on";
	const struct fs_model_stats *st = model_stats(m);
	struct format_recycled r = {0};
	size_t inferred;

	format_count_recycled(m, &r);
	inferred = st->recycled > r.told ? st->recycled - r.told : 0;
	fprintf(f, "recycled workers: %zu", r.told + inferred);
	if (r.told) {
		if (inferred) /* some told, some not: say which is which */
			fprintf(f, " (%zu %s: ", r.told, names_recycle_source(true));
		else
			fputs(" (", f);
		if (r.hi && r.lo == r.hi)
			fprintf(f, "each exited after %llu task%s", (unsigned long long)r.hi,
				r.hi == 1 ? "" : "s");
		else if (r.hi)
			fprintf(f, "each exited after %llu to %llu tasks", (unsigned long long)r.lo,
				(unsigned long long)r.hi);
		else
			fputs("each exited after its tasks", f);
		if (r.max && !r.max_mixed)
			fprintf(f, ", %s=%u", names_recycle_cause(), r.max);
		fputs(", and the pool started a replacement", f);
		if (inferred)
			fprintf(f, "; %zu %s: %s)", inferred, names_recycle_source(false), seen);
		else
			fprintf(f, ": %s)", names_recycle_source(true));
	} else if (inferred) {
		fprintf(f, " (%s: %s)", names_recycle_source(false), seen);
	}
	fputc('\n', f);
}
