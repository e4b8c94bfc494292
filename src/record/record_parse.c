/* Recordings, the reader's records: the header, the events and the end line, each read
 * from its JSON object with every field checked (docs/recording-format.md). */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "record/record.h"
#include "record/record_internal.h"

/* Fields added in schema 2 may be missing (a schema 1 recording): whether key is there. */
static bool record_has(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v);
}

int record_parse_header(const struct record_ctx *c, struct json_object *obj, struct fs_header *h)
{
	struct json_object *arr;
	uint64_t u;
	size_t n, i;
	int schema, rc = -1;

	memset(h, 0, sizeof(*h));
	if (record_get_int(c, obj, "schema", 0, INT32_MAX, NULL, &schema) != 0)
		goto out;
	if (schema < 1 || schema > FS_RECORD_SCHEMA) {
		record_fail(
		    c,
		    "unsupported recording schema %d (this forkscope reads schemas 1 to %d; "
		    "a newer forkscope wrote it?)",
		    schema, FS_RECORD_SCHEMA);
		goto out;
	}
	h->schema = schema;
	if (record_get_dup(c, obj, "tool", false, &h->tool) != 0 ||
	    record_get_u32(c, obj, "root_pid", &h->root_pid) != 0 ||
	    record_get_strarray(c, obj, "command", &arr, &n) != 0)
		goto out;
	if (n > INT32_MAX - 1) {
		record_fail(c, "field \"command\" is too long");
		goto out;
	}
	h->command = calloc(n + 1, sizeof(*h->command));
	if (!h->command) {
		record_fail(c, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		h->command[i] = strdup(json_object_get_string(json_object_array_get_idx(arr, i)));
		if (!h->command[i]) {
			record_fail(c, "out of memory");
			goto out;
		}
	}
	h->command_len = (int)n;
	if (record_get_dup(c, obj, "method", true, &h->method) != 0 ||
	    record_get_dup(c, obj, "python", true, &h->python) != 0 ||
	    record_get_dup(c, obj, "kernel", false, &h->kernel) != 0 ||
	    record_get_uint(c, obj, "start_realtime_ns", RECORD_MAX_NS, &u) != 0)
		goto out;
	h->start_realtime_ns = u;
	if (record_has(obj, "cpus")) {
		if (record_get_u32(c, obj, "cpus", &h->cpus) != 0)
			goto out;
	}
	/* later within schema 3: Python's facts (older recordings lack both) */
	if (record_has(obj, "mono_base_ns") &&
	    record_get_uint(c, obj, "mono_base_ns", RECORD_MAX_NS, &h->mono_base_ns) != 0)
		goto out;
	if (record_has(obj, "pyhook")) {
		if (record_get_bool(c, obj, "pyhook", &h->pyhook) != 0)
			goto out;
		h->pyhook_said = true;
	}
	rc = 0;
out:
	if (rc != 0)
		record_header_clear(h);
	return rc;
}

/* Pack an argv array back into NUL-separated args, truncated at FS_ARGS_LEN. */
static void record_pack_argv(struct json_object *arr, size_t n, struct fs_event *ev)
{
	size_t i, pos = 0;

	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		size_t len = (size_t)json_object_get_string_len(v);

		if (pos + len + 1 > FS_ARGS_LEN) {
			memcpy(ev->args + pos, json_object_get_string(v), FS_ARGS_LEN - pos);
			pos = FS_ARGS_LEN;
			ev->flags |= FS_F_ARGS_TRUNCATED;
			break;
		}
		memcpy(ev->args + pos, json_object_get_string(v), len + 1);
		pos += len + 1;
	}
	ev->args_len = (uint32_t)pos;
}

/* comm after exec: the basename of the file, as the kernel sets it. */
static void record_exec_comm(struct fs_event *ev)
{
	const char *base = strrchr(ev->filename, '/');
	size_t len;

	base = base ? base + 1 : ev->filename;
	len = strnlen(base, FS_COMM_LEN - 1);
	memcpy(ev->comm, base, len);
	ev->comm[len] = '\0';
}

static int record_parse_exit(const struct record_ctx *c, struct json_object *obj,
			     struct fs_event *ev)
{
	bool code_null, sig_null, core;
	int code, sig;

	if (record_get_fixed(c, obj, "comm", ev->comm, FS_COMM_LEN) != 0 ||
	    record_get_int(c, obj, "exit_code", 0, 255, &code_null, &code) != 0 ||
	    record_get_int(c, obj, "signal", 1, RECORD_MAX_SIG, &sig_null, &sig) != 0 ||
	    record_get_bool(c, obj, "core_dumped", &core) != 0)
		return -1;
	if (code_null == sig_null)
		return record_fail(c, "exactly one of \"exit_code\" and \"signal\" must be null");
	ev->exit_code = code_null ? -1 : code;
	ev->sig = sig_null ? 0 : sig;
	if (core)
		ev->flags |= FS_F_CORE_DUMPED;
	return 0;
}

/* The thread of an exec, exit or signal (schema 2); the process itself when missing. */
static int record_parse_tid(const struct record_ctx *c, struct json_object *obj,
			    struct fs_event *ev)
{
	ev->tid = ev->pid;
	return record_has(obj, "tid") ? record_get_u32(c, obj, "tid", &ev->tid) : 0;
}

/* The fields of one event; type already known and in ev->type. */
int record_parse_event(const struct record_ctx *c, struct json_object *obj, struct fs_event *ev)
{
	struct json_object *arr, *v;
	uint64_t t;
	size_t n;
	int sig;

	if (record_get_uint(c, obj, "t_ns", RECORD_MAX_NS, &t) != 0 ||
	    record_get_u32(c, obj, "pid", &ev->pid) != 0)
		return -1;
	ev->t_ns = t;
	switch (ev->type) {
	case FS_EV_FORK:
		if (record_get_u32(c, obj, "ppid", &ev->ppid) != 0 ||
		    record_get_u32(c, obj, "parent_tid", &ev->tid) != 0 ||
		    record_get_fixed(c, obj, "comm", ev->comm, FS_COMM_LEN) != 0 ||
		    record_get_u32(c, obj, "parent_threads", &ev->parent_threads) != 0)
			return -1;
		if (record_has(obj, "subtree_live") &&
		    record_get_u32(c, obj, "subtree_live", &ev->subtree_live) != 0)
			return -1;
		if (record_has(obj, "clone_flags")) {
			uint64_t flags;

			if (record_get_uint(c, obj, "clone_flags", UINT64_MAX, &flags) != 0)
				return -1;
			ev->clone_flags = flags;
		}
		return 0;
	case FS_EV_EXEC:
		if (record_get_u32(c, obj, "ppid", &ev->ppid) != 0 ||
		    record_get_fixed(c, obj, "filename", ev->filename, FS_FILENAME_LEN) != 0 ||
		    record_get_strarray(c, obj, "argv", &arr, &n) != 0)
			return -1;
		if (json_object_object_get_ex(obj, "truncated", &v)) {
			bool trunc;

			if (record_get_bool(c, obj, "truncated", &trunc) != 0)
				return -1;
			if (trunc)
				ev->flags |= FS_F_ARGS_TRUNCATED;
		}
		record_pack_argv(arr, n, ev);
		if (record_has(obj, "comm")) {
			if (record_get_fixed(c, obj, "comm", ev->comm, FS_COMM_LEN) != 0)
				return -1;
		} else {
			record_exec_comm(ev);
		}
		return record_parse_tid(c, obj, ev);
	case FS_EV_EXIT:
		if (record_get_u32(c, obj, "ppid", &ev->ppid) != 0 ||
		    record_parse_exit(c, obj, ev) != 0)
			return -1;
		return record_parse_tid(c, obj, ev);
	case FS_EV_THREAD:
	case FS_EV_THREAD_EXIT:
	case FS_EV_RUN:
		return record_parse_thread_event(c, obj, ev);
	case FS_EV_OUTPUT:
	case FS_EV_CHANNEL:
		return record_parse_output_event(c, obj, ev);
	default:
		if (record_get_u32(c, obj, "target", &ev->target) != 0 ||
		    record_get_int(c, obj, "sig", 0, RECORD_MAX_SIG, NULL, &sig) != 0)
			return -1;
		ev->sig = sig;
		/* schema 1 did not record the delivery result: taken as delivered */
		if (record_has(obj, "sig_result") &&
		    record_get_int(c, obj, "sig_result", -1, 255, NULL, &ev->sig_result) != 0)
			return -1;
		if (record_has(obj, "comm") &&
		    record_get_fixed(c, obj, "comm", ev->comm, FS_COMM_LEN) != 0)
			return -1;
		if (record_has(obj, "target_exiting")) {
			bool exiting;

			if (record_get_bool(c, obj, "target_exiting", &exiting) != 0)
				return -1;
			if (exiting)
				ev->flags |= FS_F_TARGET_EXITING;
		}
		return record_parse_tid(c, obj, ev);
	}
}

int record_parse_end(const struct record_ctx *c, struct json_object *obj, struct fs_end *end)
{
	if (record_get_uint(c, obj, "t_ns", RECORD_MAX_NS, &end->t_ns) != 0 ||
	    record_get_uint(c, obj, "events", UINT64_MAX, &end->events) != 0 ||
	    record_get_uint(c, obj, "lost", UINT64_MAX, &end->lost) != 0)
		return -1;
	if (record_has(obj, "output_lost") &&
	    record_get_uint(c, obj, "output_lost", UINT64_MAX, &end->output_lost) != 0)
		return -1;
	return record_has(obj, "complete") ? record_get_bool(c, obj, "complete", &end->complete)
					   : 0;
}
