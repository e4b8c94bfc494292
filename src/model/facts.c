/* The channel's records in the model (model/channel.h): each channel event is decoded
 * whole by channel_decode and its facts kept with the writer the kernel names, or the
 * record's rejection counted. The kept facts are a ring, the oldest dropped past
 * FS_FACT_KEEP_BYTES. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

#define FACT_STRING_COST 16 /* the allocator's share of each string */

/* What a kept fact costs. */
static size_t fact_cost(const struct fs_fact *f)
{
	size_t c = sizeof(*f);

	for (size_t k = 0; k < f->nfields; k++)
		if (f->fields[k].s)
			c += strlen(f->fields[k].s) + 1 + FACT_STRING_COST;
	return c;
}

static void fact_clear(struct fs_fact *f)
{
	for (size_t k = 0; k < f->nfields; k++)
		free(f->fields[k].s);
}

/* The running digest over one fact, its writer and every field. */
static uint64_t fact_hash(uint64_t h, const struct fs_fact *f)
{
	const uint64_t v[] = {f->t_ns, f->serial, f->pid, f->tid, f->nfields};

	h = digest_bytes(h, v, sizeof(v));
	h = digest_bytes(h, f->kind, strlen(f->kind) + 1);
	for (size_t k = 0; k < f->nfields; k++) {
		const struct fs_fact_field *fl = &f->fields[k];

		h = digest_bytes(h, fl->key, strlen(fl->key) + 1);
		h = digest_u64(h, (uint64_t)fl->type << 32);
		h = digest_u64(h, (uint64_t)fl->i);
		if (fl->s)
			h = digest_bytes(h, fl->s, strlen(fl->s) + 1);
	}
	return h;
}

/* Room for n more facts in the ring (they move to its start when it grows). */
static int facts_room(struct fs_fact_state *fs, size_t n)
{
	struct fs_fact *r =
	    model_ring_grow(fs->ring, &fs->cap, &fs->head, fs->n, n, 64, sizeof(*fs->ring));

	if (!r)
		return -1;
	fs->ring = r;
	return 0;
}

/* A rejected record: counted by its reason. */
static int facts_reject(struct fs_fact_state *fs, enum fs_channel_reject why)
{
	fs->stats.rejected[why]++;
	fs->hash = digest_u64(fs->hash, 0x100u + why);
	return 0;
}

int facts_apply(struct fs_model *m, const struct fs_event *ev)
{
	struct fs_fact_state *fs = &m->facts;
	enum fs_channel_reject why;
	struct fs_fact *got = NULL;
	int idx, n;

	fs->stats.records++;
	if (ev->cut || ev->args_len > FS_CHANNEL_MAX)
		return facts_reject(fs, FS_CHANNEL_OVERSIZED);
	/* the writer is the kernel's word: a process the trace has seen, exited or not */
	idx = model_find(m, ev->pid);
	if (idx < 0)
		return facts_reject(fs, FS_CHANNEL_UNKNOWN_WRITER);
	n = channel_decode(ev->args, ev->args_len, &got, &why);
	if (n < 0)
		return why < FS_CHANNEL_REJECT_COUNT ? facts_reject(fs, why) : -1;
	if (facts_room(fs, (size_t)n) != 0) {
		channel_facts_free(got, (size_t)n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct fs_fact *f = &fs->ring[(fs->head + fs->n++) % fs->cap];

		*f = got[i];
		f->t_ns = ev->t_ns;
		f->pid = ev->pid;
		f->tid = ev->tid;
		f->serial = m->procs[idx].serial;
		fs->kept_bytes += fact_cost(f);
		fs->hash = fact_hash(fs->hash, f);
	}
	free(got); /* the strings moved into the ring */
	fs->stats.accepted++;
	fs->stats.facts += (uint64_t)n;
	m->procs[idx].facts += (uint64_t)n;
	/* Python's account of the writer: the newest n facts of the ring, in order */
	for (int i = 0; i < n; i++)
		if (pyfacts_apply(
			m, idx, &fs->ring[(fs->head + fs->n - (size_t)n + (size_t)i) % fs->cap]) !=
		    0)
			return -1;
	while (fs->n > 1 && fs->kept_bytes > FS_FACT_KEEP_BYTES) {
		struct fs_fact *f = &fs->ring[fs->head];

		fs->kept_bytes -= fact_cost(f);
		fact_clear(f);
		fs->head = (fs->head + 1) % fs->cap;
		fs->n--;
		fs->stats.facts_forgotten++;
	}
	return 0;
}

void facts_free(struct fs_model *m)
{
	struct fs_fact_state *fs = &m->facts;

	for (size_t i = 0; i < fs->n; i++)
		fact_clear(&fs->ring[(fs->head + i) % fs->cap]);
	free(fs->ring);
	memset(fs, 0, sizeof(*fs));
}

int facts_copy(struct fs_model *dst, const struct fs_model *src)
{
	const struct fs_fact_state *s = &src->facts;
	struct fs_fact_state *d = &dst->facts;

	d->ring = NULL;
	d->cap = d->n = d->head = 0;
	if (!s->n)
		return 0;
	d->ring = malloc(s->n * sizeof(*d->ring));
	if (!d->ring)
		return -1;
	d->cap = s->n;
	for (size_t i = 0; i < s->n; i++) {
		struct fs_fact *f = &d->ring[i];

		*f = s->ring[(s->head + i) % s->cap];
		for (size_t k = 0; k < f->nfields; k++) {
			if (f->fields[k].s && !(f->fields[k].s = strdup(f->fields[k].s))) {
				f->nfields = k; /* whole up to here: facts_free frees them */
				d->n = i + 1;
				return -1;
			}
		}
		d->n = i + 1;
	}
	return 0;
}

size_t model_fact_count(const struct fs_model *m)
{
	return m ? m->facts.n : 0;
}

const struct fs_fact *model_fact(const struct fs_model *m, size_t i)
{
	return m && i < m->facts.n ? &m->facts.ring[(m->facts.head + i) % m->facts.cap] : NULL;
}

const struct fs_channel_stats *model_channel_stats(const struct fs_model *m)
{
	return m ? &m->facts.stats : NULL;
}
