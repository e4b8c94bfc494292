/* The event store and the replay session: the events of a run kept compactly (all of them,
 * or the newest ones under an event limit), and the model of the first `cursor` of them.
 * Stepping back rebuilds the model: from the start, or from a copy of the model of the
 * dropped events (base_model), with the events in memory; before those, by reading the
 * recording again from the start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

#define SESSION_MIN_EVENT_LIMIT 16 /* room to drop a quarter and still hold the cursor's */

void evstore_init(struct evstore *s)
{
	memset(s, 0, sizeof(*s));
}

/* Free a kept event's strings; returns the bytes of args (and decoded text) it held. */
static size_t view_ev_free(struct view_ev *v)
{
	size_t bytes = (v->args ? v->args_len : 0) + (v->text ? strlen(v->text) + 1 : 0);

	free(v->filename);
	free(v->args);
	free(v->text);
	return bytes;
}

/* Keep a copy of an event's args (argv, output bytes, a record): 0 or -1. */
static int view_ev_args(struct view_ev *v, const struct fs_event *ev)
{
	v->args_len = ev->args_len < FS_ARGS_LEN ? ev->args_len : FS_ARGS_LEN;
	v->args = malloc(v->args_len + 1);
	if (!v->args)
		return -1;
	memcpy(v->args, ev->args, v->args_len);
	v->args[v->args_len] = '\0';
	return 0;
}

void evstore_clear(struct evstore *s)
{
	for (size_t i = 0; i < s->n; i++)
		view_ev_free(&s->ev[i]);
	free(s->ev);
	evstore_init(s);
}

uint64_t view_event_order_ns(const struct fs_event *ev)
{
	return ev->type == FS_EV_RUN && ev->end_ns > ev->t_ns ? ev->end_ns : ev->t_ns;
}

/* The later of two times. */
static uint64_t view_later(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int evstore_push(struct evstore *s, const struct fs_event *ev)
{
	struct view_ev *v;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct view_ev *grown = realloc(s->ev, cap * sizeof(*grown));

		if (!grown)
			return -1;
		s->ev = grown;
		s->cap = cap;
	}
	v = &s->ev[s->n];
	memset(v, 0, sizeof(*v));
	v->t_ns = ev->t_ns;
	s->order_ns = view_later(s->order_ns, view_event_order_ns(ev));
	v->order_ns = s->order_ns;
	v->type = ev->type;
	v->pid = ev->pid;
	v->ppid = ev->ppid;
	v->tid = ev->tid;
	v->target = ev->target;
	v->sig = ev->sig;
	v->exit_code = ev->exit_code;
	v->parent_threads = ev->parent_threads;
	v->flags = ev->flags;
	v->sig_result = ev->sig_result;
	v->subtree_live = ev->subtree_live;
	v->clone_flags = ev->clone_flags;
	v->end_ns = ev->end_ns;
	v->cpu_ns = ev->cpu_ns;
	v->cpu = ev->cpu;
	v->left = ev->left;
	v->switches = ev->switches;
	v->fd = ev->fd;
	v->cut = ev->cut;
	v->dropped = ev->dropped;
	memcpy(v->comm, ev->comm, sizeof(v->comm));
	v->comm[sizeof(v->comm) - 1] = '\0';
	if (ev->type == FS_EV_EXEC) {
		size_t len = strnlen(ev->filename, sizeof(ev->filename));

		v->filename = strndup(ev->filename, len);
		if (!v->filename || view_ev_args(v, ev) != 0) {
			view_ev_free(v);
			return -1;
		}
	} else if (ev->type == FS_EV_OUTPUT || ev->type == FS_EV_CHANNEL) {
		if (view_ev_args(v, ev) != 0)
			return -1;
	}
	s->bytes += v->args ? v->args_len : 0;
	s->n++;
	return 0;
}

void evstore_drop(struct evstore *s, size_t k)
{
	if (k > s->n)
		k = s->n;
	for (size_t i = 0; i < k; i++)
		s->bytes -= view_ev_free(&s->ev[i]);
	memmove(s->ev, s->ev + k, (s->n - k) * sizeof(*s->ev));
	s->n -= k;
	s->base += k;
}

const struct view_ev *evstore_at(const struct evstore *s, size_t i)
{
	return i >= s->base && i - s->base < s->n ? &s->ev[i - s->base] : NULL;
}

void evstore_get(const struct evstore *s, size_t i, struct fs_event *out)
{
	const struct view_ev *v = &s->ev[i - s->base];

	memset(out, 0, FS_EVENT_HEAD_SIZE);
	out->t_ns = v->t_ns;
	out->type = v->type;
	out->pid = v->pid;
	out->ppid = v->ppid;
	out->tid = v->tid;
	out->target = v->target;
	out->sig = v->sig;
	out->exit_code = v->exit_code;
	out->parent_threads = v->parent_threads;
	out->flags = v->flags;
	out->sig_result = v->sig_result;
	out->subtree_live = v->subtree_live;
	out->clone_flags = v->clone_flags;
	out->end_ns = v->end_ns;
	out->cpu_ns = v->cpu_ns;
	out->cpu = v->cpu;
	out->left = v->left;
	out->switches = v->switches;
	out->fd = v->fd;
	out->cut = v->cut;
	out->dropped = v->dropped;
	memcpy(out->comm, v->comm, sizeof(out->comm));
	if (v->filename)
		strncpy(out->filename, v->filename, sizeof(out->filename) - 1);
	out->args_len = v->args_len;
	if (v->args && v->args_len)
		memcpy(out->args, v->args, v->args_len);
}

size_t evstore_lower_bound(const struct evstore *s, uint64_t t_ns)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ev[mid].order_ns < t_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->base + lo;
}

/* A fresh model for the session's root, with its tombstone limit; NULL when out of memory. */
static struct fs_model *session_model_new(const struct session *s)
{
	struct fs_model *m = model_new(s->root_pid);

	if (m) {
		model_set_tombstone_limit(m, s->tombstone_limit);
		replay_model_setup(m, &s->facts);
	}
	return m;
}

void session_set_header(struct session *s, const struct fs_header *h)
{
	memset(&s->facts, 0, sizeof(s->facts));
	s->facts.mono_base_ns = h->mono_base_ns;
	s->facts.pyhook_said = h->pyhook_said;
	s->facts.pyhook = h->pyhook;
	replay_model_setup(s->model, &s->facts);
	replay_model_setup(s->base_model, &s->facts);
}

int session_init(struct session *s, uint32_t root_pid)
{
	memset(s, 0, sizeof(*s));
	evstore_init(&s->store);
	s->root_pid = root_pid;
	s->model = session_model_new(s);
	return s->model ? 0 : -1;
}

/* Close the recording being read again (it is opened anew when needed). */
static void session_close_reader(struct session *s)
{
	if (s->reader)
		record_close(s->reader);
	s->reader = NULL;
	if (s->item) {
		record_item_clear(s->item);
		free(s->item);
	}
	s->item = NULL;
	s->rpos = 0;
}

/* Forget every kept event and the model of the dropped ones: event 0 comes next. */
static void session_forget(struct session *s)
{
	evstore_clear(&s->store);
	model_free(s->base_model);
	s->base_model = NULL;
	s->base_ns = 0;
}

void session_free(struct session *s)
{
	session_close_reader(s);
	free(s->path);
	s->path = NULL;
	session_forget(s);
	model_free(s->model);
	s->model = NULL;
}

void session_set_limits(struct session *s, size_t events, size_t tombstones)
{
	if (events && events < SESSION_MIN_EVENT_LIMIT)
		events = SESSION_MIN_EVENT_LIMIT;
	s->event_limit = events;
	s->tombstone_limit = tombstones;
	model_set_tombstone_limit(s->model, tombstones);
}

int session_set_file(struct session *s, const char *path)
{
	char *copy = path ? strdup(path) : NULL;

	if (path && !copy)
		return -1;
	session_close_reader(s);
	free(s->path);
	s->path = copy;
	return 0;
}

/* Apply the kept event number cursor to the model and move on. 0, or -1 (out of memory in
 * the model: the cursor moves on all the same). */
static int session_apply_kept(struct session *s)
{
	static struct fs_event ev;

	evstore_get(&s->store, s->cursor, &ev);
	s->cursor++;
	s->cursor_ns = view_later(s->cursor_ns, view_event_order_ns(&ev));
	return evstore_apply(&s->store, s->cursor - 1, s->model, &ev);
}

/* Drop the k oldest kept events: into the model of the dropped ones first, and into the
 * shown model if the cursor had not got there (a paused live run jumps ahead rather than
 * lose them). 0 or -1 (out of memory: nothing dropped). */
static int session_drop(struct session *s, size_t k)
{
	static struct fs_event ev;

	if (!s->base_model) {
		s->base_model = session_model_new(s);
		if (!s->base_model)
			return -1;
	}
	while (s->cursor < s->store.base + k)
		session_apply_kept(s);
	for (size_t i = s->store.base; i < s->store.base + k; i++) {
		evstore_get(&s->store, i, &ev);
		model_apply(s->base_model, &ev);
		s->base_ns = view_later(s->base_ns, view_event_order_ns(&ev));
	}
	evstore_drop(&s->store, k);
	return 0;
}

/* Is the store full for an event with `bytes` of args: the event limit, or the bytes of
 * args under it? */
static bool session_full(const struct session *s, size_t bytes)
{
	return s->event_limit &&
	       (s->store.n >= s->event_limit || s->store.bytes + bytes > VIEW_BYTES_LIMIT);
}

/* The bytes of args an event brings into the store. */
static size_t session_ev_bytes(const struct fs_event *ev)
{
	bool kept = ev->type == FS_EV_EXEC || ev->type == FS_EV_OUTPUT || ev->type == FS_EV_CHANNEL;

	return kept ? (ev->args_len < FS_ARGS_LEN ? ev->args_len : FS_ARGS_LEN) : 0;
}

/* How many of the oldest kept events to drop to make room: a quarter of the limit, or
 * more, up to a quarter of the bytes. */
static size_t session_drop_count(const struct session *s)
{
	size_t k = 0, bytes = 0;

	while (k < s->store.n && bytes < s->store.bytes / 4) {
		bytes += s->store.ev[k].args ? s->store.ev[k].args_len : 0;
		k++;
	}
	if (k < s->event_limit / 4)
		k = s->event_limit / 4;
	return k < s->store.n ? k : s->store.n;
}

/* Keep a copy of ev as the next event number, making room under the limits. 0 or -1. */
static int session_store(struct session *s, const struct fs_event *ev)
{
	if (session_full(s, session_ev_bytes(ev)) && session_drop(s, session_drop_count(s)) != 0)
		return -1;
	return evstore_push(&s->store, ev);
}

/* Read the recording again up to the event after the kept ones and keep that one. 0, or
 * -1 when there is no file or it does not hold that event any more (it changed since it
 * was loaded: the run ends there, so that playback does not try again on every frame). */
static int session_read_next(struct session *s)
{
	size_t want = s->store.base + s->store.n;
	char err[256];
	int got;

	if (!s->path || want >= s->count)
		return -1;
	if (!s->reader || s->rpos != want) {
		session_close_reader(s);
		s->item = calloc(1, sizeof(*s->item));
		s->reader = s->item ? record_open(s->path, err, sizeof(err)) : NULL;
		if (!s->reader) {
			if (s->item)
				s->count = want;
			return -1;
		}
	}
	while ((got = record_next(s->reader, s->item, err, sizeof(err))) == 1) {
		bool event = s->item->kind == FS_REC_EVENT;
		int rc = 0;

		if (event && s->rpos++ == want)
			rc = session_store(s, &s->item->event) == 0 ? 1 : -1;
		record_item_clear(s->item);
		if (rc)
			return rc > 0 ? 0 : -1;
	}
	session_close_reader(s);
	s->count = want;
	return -1;
}

/* Make event number i (not before the kept ones) kept, reading ahead in the recording. */
static int session_fetch(struct session *s, size_t i)
{
	if (i < s->store.base)
		return -1;
	while (i - s->store.base >= s->store.n)
		if (session_read_next(s) != 0)
			return -1;
	return 0;
}

/* Back to a model at or before event `target`: the first kept event's (a copy of the
 * model of the dropped ones), or the start (the kept events go when they do not begin
 * there: read again from the file). 0, 1 when impossible, -1 out of memory. */
static int session_rewind(struct session *s, size_t target)
{
	bool kept = target >= s->store.base;
	struct fs_model *m;

	if (!kept && !s->path)
		return 1;
	m = kept && s->base_model ? model_clone(s->base_model) : session_model_new(s);
	if (!m)
		return -1;
	model_free(s->model);
	s->model = m;
	s->finished = false;
	if (kept) {
		s->cursor = s->store.base;
		s->cursor_ns = s->base_ns;
	} else {
		session_forget(s);
		s->cursor = 0;
		s->cursor_ns = 0;
	}
	return 0;
}

int session_push(struct session *s, const struct fs_event *ev)
{
	bool following = s->cursor == s->count && !s->finished;

	if (session_store(s, ev) != 0)
		return -1;
	s->count++;
	s->last_ns = view_later(s->last_ns, view_event_order_ns(ev));
	if (!following)
		return 0;
	s->cursor++;
	s->cursor_ns = view_later(s->cursor_ns, view_event_order_ns(ev));
	return evstore_apply(&s->store, s->cursor - 1, s->model, ev);
}

/* End the model, as the source ended, when the whole of a complete run is shown. */
static void session_maybe_finish(struct session *s)
{
	if (s->complete && s->cursor == s->count && !s->finished) {
		replay_end_model(s->model, &s->info);
		s->finished = true;
	}
}

void session_end(struct session *s, const struct fs_replay_info *info)
{
	s->complete = true;
	s->info = *info;
	s->lost = info->have_end ? info->end.lost : 0;
	s->end_ns = info->have_end ? info->end.t_ns : 0;
	session_maybe_finish(s);
}

/* Apply events while they are before `cursor` and at or before t_ns. 0 or -1. */
static int session_forward(struct session *s, size_t cursor, uint64_t t_ns)
{
	int rc = 0;

	while (s->cursor < cursor) {
		if (session_fetch(s, s->cursor) != 0)
			return -1;
		if (s->store.ev[s->cursor - s->store.base].order_ns > t_ns)
			break;
		if (session_apply_kept(s) != 0)
			rc = -1;
	}
	return rc;
}

int session_seek(struct session *s, size_t cursor)
{
	int rc = 0;

	if (cursor > s->count)
		cursor = s->count;
	if (cursor < s->cursor)
		rc = session_rewind(s, cursor);
	if (rc == 0)
		rc = session_forward(s, cursor, UINT64_MAX);
	model_set_lost(s->model, s->lost);
	session_maybe_finish(s);
	return rc;
}

int session_seek_time(struct session *s, uint64_t t_ns)
{
	int rc = 0;

	/* the model holds an event after t_ns: start again (from memory when it can) */
	if (s->cursor > 0 && s->cursor_ns > t_ns) {
		size_t at = evstore_lower_bound(&s->store, t_ns + 1);

		if (at > s->store.base || s->base_ns <= t_ns)
			return session_seek(s, at);
		rc = session_rewind(s, 0);
	}
	if (rc == 0)
		rc = session_forward(s, s->count, t_ns);
	model_set_lost(s->model, s->lost);
	session_maybe_finish(s);
	return rc;
}

const struct view_ev *session_event(const struct session *s, size_t i)
{
	return evstore_at(&s->store, i);
}

size_t session_first(const struct session *s)
{
	return s->store.base;
}

uint64_t session_now_ns(const struct session *s)
{
	if (s->complete && s->cursor == s->count && s->end_ns)
		return s->end_ns;
	return s->cursor_ns;
}

uint64_t session_total_ns(const struct session *s)
{
	return s->end_ns > s->last_ns ? s->end_ns : s->last_ns;
}

/* The state of session_load's loop. */
struct session_loader {
	struct session *s;
	struct fs_header *hdr;
	size_t events, tombstones; /* the limits to keep */
	bool rereadable;	   /* a file, not stdin: events past the limit are read again */
	bool have_header;
};

static int session_load_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct session_loader *sl = ctx;

	*sl->hdr = *h;
	memset(h, 0, sizeof(*h));
	sl->have_header = true;
	session_free(sl->s);
	if (session_init(sl->s, sl->hdr->root_pid) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	session_set_limits(sl->s, sl->events, sl->tombstones);
	session_set_header(sl->s, sl->hdr);
	return 0;
}

static int session_load_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct session_loader *sl = ctx;
	struct session *s = sl->s;

	/* past the limit, only counted: read again when the cursor gets there */
	if ((!session_full(s, session_ev_bytes(ev)) || !sl->rereadable) &&
	    evstore_push(&s->store, ev) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->count++;
	s->last_ns = view_later(s->last_ns, view_event_order_ns(ev));
	return 0;
}

int session_load(struct session *s, const char *path, struct fs_header *hdr, char *err,
		 size_t errlen)
{
	struct session_loader sl;
	struct fs_replay_sink sink = {session_load_header, session_load_event, &sl};
	struct fs_replay_info info;
	int got;

	memset(hdr, 0, sizeof(*hdr));
	sl.s = s;
	sl.hdr = hdr;
	sl.events = s->event_limit;
	sl.tombstones = s->tombstone_limit;
	sl.rereadable = strcmp(path, "-") != 0;
	sl.have_header = false;
	got = replay_read(path, &sink, &info, err, errlen);
	if (!sl.have_header || !s->model)
		return -1;
	if (s->count > s->store.n && session_set_file(s, path) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* a recording cut short (no end line, a broken last line) still replays what it has:
	 * it ends at its last good event, and err says what was wrong */
	session_end(s, &info);
	return got < 0 ? 1 : 0;
}
