/* The workload's output in the model (model/output.h). Each output event's bytes go to the
 * open line of its writer, the process (pid) on fd 1 or 2, whatever thread wrote them: a
 * newline ends the line, so two writers' lines never glue. The writer's exit ends its
 * lines, and so does the end of the trace. The kept lines are a ring, the oldest dropped
 * past FS_OUTPUT_KEEP_BYTES; a hash map finds each writer's open line. docs/model.md
 * describes the rules. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* What a line costs besides its bytes: its entry, and the allocator's own share. */
#define OUT_LINE_COST (sizeof(struct fs_out_line) + 16)
#define OUT_ROOM_MIN 64 /* first allocation of an open line */

/* The changes to the lines, as the running digest sees them. */
enum out_op {
	OUT_OP_NEW = 1,
	OUT_OP_BYTES,
	OUT_OP_CUT,
	OUT_OP_CLOSE,
	OUT_OP_MARK,
	OUT_OP_WRITER,
};

static uint64_t out_key(uint32_t pid, uint32_t fd)
{
	return (uint64_t)pid << 2 | fd;
}

/* The running digest: an operation and its values. */
static void out_hash(struct fs_output_state *o, enum out_op op, uint64_t a, uint64_t b)
{
	const uint64_t v[] = {op, a, b};

	o->hash = digest_bytes(o->hash, v, sizeof(v));
}

/* The kept line number no (counted from the first line ever made), NULL when not kept. */
static struct fs_out_line *out_at(struct fs_output_state *o, uint64_t no)
{
	uint64_t first = o->stats.lines - o->n;

	if (no < first || no >= o->stats.lines)
		return NULL;
	return &o->ring[(o->head + (size_t)(no - first)) % o->cap];
}

/* Room for one more line in the ring (the lines move to its start when it grows). */
static int out_ring_grow(struct fs_output_state *o)
{
	struct fs_out_line *r =
	    model_ring_grow(o->ring, &o->cap, &o->head, o->n, 1, 256, sizeof(*o->ring));

	if (!r)
		return -1;
	o->ring = r;
	return 0;
}

/* A new line at the end of the ring, empty, of the event's writer (none for a marker);
 * its number, or -1 when out of memory. */
static int64_t out_new(struct fs_output_state *o, const struct fs_event *ev, uint64_t serial,
		       bool mark)
{
	uint32_t room = mark ? 1 : OUT_ROOM_MIN;
	char *data = malloc(room);
	struct fs_out_line *ln;

	if (!data || out_ring_grow(o) != 0) {
		free(data);
		return -1;
	}
	ln = &o->ring[(o->head + o->n) % o->cap];
	memset(ln, 0, sizeof(*ln));
	ln->l.t_ns = ln->l.end_ns = ev->t_ns;
	ln->l.serial = mark ? FS_OUTPUT_NO_SERIAL : serial;
	if (!mark) {
		ln->l.pid = ev->pid;
		ln->l.tid = ev->tid;
		ln->l.fd = ev->fd;
	}
	ln->l.data = data;
	data[0] = '\0';
	ln->room = room;
	o->n++;
	o->kept_bytes += OUT_LINE_COST + room;
	out_hash(o, OUT_OP_NEW, ev->t_ns, (uint64_t)ln->l.pid << 32 | ln->l.tid);
	out_hash(o, OUT_OP_NEW, ln->l.serial, ln->l.fd);
	return (int64_t)o->stats.lines++;
}

/* Cut bytes counted on a line (its cut saturates). */
static void out_cut(struct fs_output_state *o, struct fs_out_line *ln, uint64_t n)
{
	uint64_t cut = ln->l.cut + n;

	ln->l.cut = cut > UINT32_MAX ? UINT32_MAX : (uint32_t)cut;
	o->stats.cut_bytes += n;
	out_hash(o, OUT_OP_CUT, n, 0);
}

/* Append n bytes to ln up to FS_OUTPUT_LINE_MAX, the rest counted as cut. 0 or -1. */
static int out_append(struct fs_output_state *o, struct fs_out_line *ln, const char *b, size_t n)
{
	size_t keep = FS_OUTPUT_LINE_MAX - ln->l.len;

	if (keep > n)
		keep = n;
	if (ln->l.len + keep + 1 > ln->room) {
		size_t room = ln->room;
		char *p;

		while (room < ln->l.len + keep + 1)
			room *= 2;
		if (room > FS_OUTPUT_LINE_MAX + 1)
			room = FS_OUTPUT_LINE_MAX + 1;
		p = realloc(ln->l.data, room);
		if (!p)
			return -1;
		o->kept_bytes += room - ln->room;
		ln->l.data = p;
		ln->room = (uint32_t)room;
	}
	memcpy(ln->l.data + ln->l.len, b, keep);
	ln->l.len += (uint32_t)keep;
	ln->l.data[ln->l.len] = '\0';
	o->hash = digest_bytes(o->hash, b, keep);
	out_hash(o, OUT_OP_BYTES, keep, 0);
	if (n > keep)
		out_cut(o, ln, n - keep);
	return 0;
}

/* End the open line number no: out of the map, its room shrunk to its bytes. */
static void out_close(struct fs_output_state *o, uint64_t no)
{
	struct fs_out_line *ln = out_at(o, no);
	char *p;

	if (!ln || !ln->l.open)
		return;
	ln->l.open = false;
	pidmap_del(&o->open, out_key(ln->l.pid, ln->l.fd));
	if (ln->room > ln->l.len + 1 && (p = realloc(ln->l.data, ln->l.len + 1)) != NULL) {
		o->kept_bytes -= ln->room - (ln->l.len + 1);
		ln->l.data = p;
		ln->room = ln->l.len + 1;
	}
	out_hash(o, OUT_OP_CLOSE, no, 0);
}

/* The number of the open line of the event's writer, made when it has none; the writer's
 * entry (idx, -1 when not in the table) takes a line made before its fork was seen. -1 when
 * out of memory. */
static int64_t out_open_line(struct fs_model *m, const struct fs_event *ev, int idx)
{
	struct fs_output_state *o = &m->out;
	uint64_t serial = idx >= 0 ? m->procs[idx].serial : FS_OUTPUT_NO_SERIAL;
	struct fs_out_line *ln;
	int64_t no;
	uint64_t v;

	if (pidmap_get(&o->open, out_key(ev->pid, ev->fd), &v) && (ln = out_at(o, v)) != NULL) {
		if (ln->l.serial == FS_OUTPUT_NO_SERIAL && idx >= 0) {
			ln->l.serial = serial;
			m->procs[idx].output_lines++;
			out_hash(o, OUT_OP_WRITER, v, serial);
		}
		return (int64_t)v;
	}
	no = out_new(o, ev, serial, false);
	if (no < 0)
		return -1;
	if (pidmap_put(&o->open, out_key(ev->pid, ev->fd), (uint64_t)no) != 0)
		return -1; /* the line stays, closed */
	out_at(o, (uint64_t)no)->l.open = true;
	if (idx >= 0)
		m->procs[idx].output_lines++;
	return no;
}

/* Drop the oldest lines while the kept ones cost more than FS_OUTPUT_KEEP_BYTES. */
static void out_forget(struct fs_output_state *o)
{
	while (o->n > 1 && o->kept_bytes > FS_OUTPUT_KEEP_BYTES) {
		struct fs_out_line *ln = &o->ring[o->head];

		if (ln->l.open)
			pidmap_del(&o->open, out_key(ln->l.pid, ln->l.fd));
		o->kept_bytes -= OUT_LINE_COST + ln->room;
		free(ln->l.data);
		o->head = (o->head + 1) % o->cap;
		o->n--;
		o->stats.lines_forgotten++;
	}
}

/* The bytes of one event split at the newlines into its writer's lines. */
static int out_bytes(struct fs_model *m, const struct fs_event *ev, int idx, size_t len,
		     int64_t *last)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(ev->args + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (ev->args + i)) : len - i;
		int64_t no = out_open_line(m, ev, idx);
		struct fs_out_line *ln = no >= 0 ? out_at(&m->out, (uint64_t)no) : NULL;

		if (!ln || out_append(&m->out, ln, ev->args + i, n) != 0)
			return -1;
		ln->l.end_ns = ev->t_ns;
		if (nl)
			out_close(&m->out, (uint64_t)no);
		*last = no;
		i += n + (nl ? 1 : 0);
	}
	return 0;
}

int output_apply(struct fs_model *m, const struct fs_event *ev)
{
	struct fs_output_state *o = &m->out;
	size_t len = ev->args_len < FS_OUTPUT_CHUNK ? ev->args_len : FS_OUTPUT_CHUNK;
	uint64_t cut = (uint64_t)ev->cut + (ev->args_len - len), v;
	int idx = model_find(m, ev->pid), rc = -1;
	int64_t last = -1;

	o->stats.writes++;
	if (ev->fd != 1 && ev->fd != 2)
		return 0; /* not the workload's stdout or stderr: nothing of it is shown */
	o->stats.bytes += len;
	if (ev->dropped) {
		int64_t no = out_new(o, ev, 0, true);

		if (no < 0)
			goto out;
		out_at(o, (uint64_t)no)->l.dropped_mark = true;
		out_at(o, (uint64_t)no)->l.dropped = ev->dropped;
		o->stats.dropped_bytes += ev->dropped;
		out_hash(o, OUT_OP_MARK, ev->dropped, 0);
	}
	if (out_bytes(m, ev, idx, len, &last) != 0)
		goto out;
	/* the bytes the kernel did not carry came after the ones it did */
	if (cut && last < 0)
		last = out_open_line(m, ev, idx);
	if (cut && last >= 0)
		out_cut(o, out_at(o, (uint64_t)last), cut);
	/* an exited writer writes no more (its write came late, from another ring buffer) */
	if (idx >= 0 && m->procs[idx].exited && pidmap_get(&o->open, out_key(ev->pid, ev->fd), &v))
		out_close(o, v);
	rc = cut && last < 0 ? -1 : 0;
out:
	out_forget(o);
	return rc;
}

void output_close_pid(struct fs_model *m, uint32_t pid)
{
	uint64_t v;

	for (uint32_t fd = 1; fd <= 2; fd++)
		if (pidmap_get(&m->out.open, out_key(pid, fd), &v))
			out_close(&m->out, v);
}

void output_close_all(struct fs_model *m)
{
	struct fs_output_state *o = &m->out;
	uint64_t first = o->stats.lines - o->n;

	for (size_t i = 0; i < o->n && o->open.len; i++)
		if (o->ring[(o->head + i) % o->cap].l.open)
			out_close(o, first + i);
}

void output_free(struct fs_model *m)
{
	struct fs_output_state *o = &m->out;

	for (size_t i = 0; i < o->n; i++)
		free(o->ring[(o->head + i) % o->cap].l.data);
	free(o->ring);
	pidmap_free(&o->open);
	memset(o, 0, sizeof(*o));
}

int output_copy(struct fs_model *dst, const struct fs_model *src)
{
	const struct fs_output_state *s = &src->out;
	struct fs_output_state *d = &dst->out;

	d->ring = NULL;
	d->cap = d->n = d->head = 0;
	memset(&d->open, 0, sizeof(d->open));
	if (pidmap_copy(&d->open, &s->open) != 0)
		return -1;
	if (!s->n)
		return 0;
	d->ring = malloc(s->n * sizeof(*d->ring));
	if (!d->ring)
		return -1;
	d->cap = s->n;
	for (size_t i = 0; i < s->n; i++) {
		const struct fs_out_line *ln = &s->ring[(s->head + i) % s->cap];
		char *data = malloc(ln->room); /* the same room: the same cost to forget by */

		if (!data)
			return -1; /* d->n lines are whole: output_free frees them */
		memcpy(data, ln->l.data, ln->l.len + 1);
		d->ring[i] = *ln;
		d->ring[i].l.data = data;
		d->n = i + 1;
	}
	return 0;
}

size_t model_output_count(const struct fs_model *m)
{
	return m ? m->out.n : 0;
}

const struct fs_output_line *model_output_line(const struct fs_model *m, size_t i)
{
	return m && i < m->out.n ? &m->out.ring[(m->out.head + i) % m->out.cap].l : NULL;
}

uint64_t model_output_first(const struct fs_model *m)
{
	return m ? m->out.stats.lines - m->out.n : 0;
}

const struct fs_output_stats *model_output_stats(const struct fs_model *m)
{
	return m ? &m->out.stats : NULL;
}

void model_set_output_lost(struct fs_model *m, uint64_t lost)
{
	if (m)
		m->out.stats.lost = lost;
}
