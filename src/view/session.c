/* The event store and the replay session: every event of a run kept compactly, and the
 * model of the first `cursor` of them (rebuilt from the start when stepping back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

void evstore_init(struct evstore *s)
{
	memset(s, 0, sizeof(*s));
}

void evstore_clear(struct evstore *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->ev[i].filename);
		free(s->ev[i].args);
	}
	free(s->ev);
	evstore_init(s);
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
	memcpy(v->comm, ev->comm, sizeof(v->comm));
	v->comm[sizeof(v->comm) - 1] = '\0';
	if (ev->type == FS_EV_EXEC) {
		size_t len = strnlen(ev->filename, sizeof(ev->filename));

		v->filename = strndup(ev->filename, len);
		v->args_len = ev->args_len < FS_ARGS_LEN ? ev->args_len : FS_ARGS_LEN;
		v->args = malloc(v->args_len + 1);
		if (!v->filename || !v->args) {
			free(v->filename);
			free(v->args);
			return -1;
		}
		memcpy(v->args, ev->args, v->args_len);
		v->args[v->args_len] = '\0';
	}
	s->n++;
	return 0;
}

void evstore_get(const struct evstore *s, size_t i, struct fs_event *out)
{
	const struct view_ev *v = &s->ev[i];

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

		if (s->ev[mid].t_ns < t_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int session_init(struct session *s, uint32_t root_pid)
{
	memset(s, 0, sizeof(*s));
	evstore_init(&s->store);
	s->root_pid = root_pid;
	s->model = model_new(root_pid);
	return s->model ? 0 : -1;
}

void session_free(struct session *s)
{
	evstore_clear(&s->store);
	model_free(s->model);
	s->model = NULL;
}

/* Apply stored event i to the model (one scratch event, reused). */
static int session_apply(struct session *s, size_t i)
{
	static struct fs_event ev;

	evstore_get(&s->store, i, &ev);
	return model_apply(s->model, &ev);
}

int session_push(struct session *s, const struct fs_event *ev)
{
	bool following = s->cursor == s->store.n && !s->finished;

	if (evstore_push(&s->store, ev) != 0)
		return -1;
	if (!following)
		return 0;
	s->cursor++;
	return model_apply(s->model, ev);
}

/* Finish the model when the whole of a complete run is shown. */
static void session_maybe_finish(struct session *s)
{
	if (s->complete && s->cursor == s->store.n && !s->finished) {
		model_set_lost(s->model, s->lost);
		model_finish(s->model);
		s->finished = true;
	}
}

void session_end(struct session *s, uint64_t lost, uint64_t end_ns)
{
	s->complete = true;
	s->lost = lost;
	s->end_ns = end_ns;
	session_maybe_finish(s);
}

int session_seek(struct session *s, size_t cursor)
{
	int rc = 0;

	if (cursor > s->store.n)
		cursor = s->store.n;
	if (cursor == s->cursor) {
		session_maybe_finish(s);
		return 0;
	}
	if (cursor < s->cursor || s->finished) {
		struct fs_model *m = model_new(s->root_pid);

		if (!m)
			return -1;
		model_free(s->model);
		s->model = m;
		s->cursor = 0;
		s->finished = false;
	}
	while (s->cursor < cursor) {
		if (session_apply(s, s->cursor) != 0)
			rc = -1;
		s->cursor++;
	}
	model_set_lost(s->model, s->lost);
	session_maybe_finish(s);
	return rc;
}

uint64_t session_now_ns(const struct session *s)
{
	if (s->complete && s->cursor == s->store.n && s->end_ns)
		return s->end_ns;
	return s->cursor ? s->store.ev[s->cursor - 1].t_ns : 0;
}

uint64_t session_total_ns(const struct session *s)
{
	uint64_t last = s->store.n ? s->store.ev[s->store.n - 1].t_ns : 0;

	return s->end_ns > last ? s->end_ns : last;
}

int session_load(struct session *s, const char *path, struct fs_header *hdr, char *err,
		 size_t errlen)
{
	struct fs_record_reader *r = record_open(path, err, errlen);
	struct fs_record_item *it = calloc(1, sizeof(*it));
	bool have_header = false, ended = false;
	struct fs_end end = {0};
	int rc = -1, got;

	memset(hdr, 0, sizeof(*hdr));
	if (!r || !it) {
		if (r && !it)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	while ((got = record_next(r, it, err, errlen)) == 1) {
		if (it->kind == FS_REC_HEADER && !have_header) {
			*hdr = it->header;
			memset(&it->header, 0, sizeof(it->header));
			have_header = true;
			session_free(s);
			if (session_init(s, hdr->root_pid) != 0) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		} else if (it->kind == FS_REC_EVENT && have_header) {
			if (evstore_push(&s->store, &it->event) != 0) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		} else if (it->kind == FS_REC_END) {
			end = it->end;
			ended = true;
		}
		record_item_clear(it);
	}
	if (!have_header) {
		if (got == 0)
			snprintf(err, errlen, "%s: no header line: not a forkscope recording",
				 path);
		goto out;
	}
	/* a recording cut short (no end line, a broken last line) still replays what it has:
	 * it ends at its last good event, and err says what was wrong */
	session_end(s, end.lost, ended ? end.t_ns : 0);
	rc = got < 0 ? 1 : 0;
out:
	if (it) {
		record_item_clear(it);
		free(it);
	}
	if (r)
		record_close(r);
	return rc;
}
