/* Retirement: past the tombstone limit, the oldest exited leaves leave the table in
 * batches; the table is compacted in place (creation order kept, so serials stay sorted)
 * and every index is remapped. docs/model.md describes the rules. */
#include <stdlib.h>
#include <string.h>

#include "model/analysis.h"
#include "model/model_internal.h"

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
			strings_set(&m->procs[idx], NULL);
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

		/* the maps are big enough: pidmap_put cannot fail */
		if (ni >= 0)
			pidmap_put(pids, m->pids.keys[k] - 1, (uint64_t)ni);
	}
	for (size_t k = 0; k < m->sigs.cap; k++) {
		uint64_t key = m->sigs.keys[k] - 1;
		size_t old = (size_t)(key >> 7);

		if (!m->sigs.keys[k] || remap[old] < 0 || m->procs[old].exited)
			continue;
		recs[nrecs] = m->sigrecs[m->sigs.vals[k]];
		pidmap_put(sigs, (uint64_t)remap[old] << 7 | (key & 127), nrecs++);
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
int retire_batch(struct fs_model *m)
{
	size_t limit = m->tombstone_limit, batch = limit / 8, done = 0;
	struct fs_map pids = {0}, sigs = {0};
	struct fs_sigrec *recs = malloc((m->nsigrecs + 1) * sizeof(*recs));
	struct retire_key *keys = malloc((m->nexited + 1) * sizeof(*keys));
	int *remap = malloc((m->nprocs + 1) * sizeof(*remap));
	int rc = -1;

	if (!recs || !keys || !remap || pidmap_init(&pids, m->pids.len) != 0 ||
	    pidmap_init(&sigs, m->sigs.len) != 0)
		goto out;
	done = retire_select(m, remap, keys, m->nexited - (limit - batch));
	if (done) {
		retire_compact(m, remap, &pids, &sigs, recs);
		threads_compact(m, remap);
	}
	m->nexited -= done;
	m->stats.retired += done;
	rc = 0;
out:
	m->retire_at = m->nexited + batch + 1 > limit + 1 ? m->nexited + batch + 1 : limit + 1;
	pidmap_free(&pids);
	pidmap_free(&sigs);
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
