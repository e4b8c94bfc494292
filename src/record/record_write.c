/* Recordings, the writing half: one compact JSON object per line (docs/recording-format.md),
 * with the kernel's bytes made valid UTF-8. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "base/text.h"
#include "record/record.h"
#include "record/record_internal.h"

/* A JSON string of the bytes s[0..len): invalid UTF-8 bytes become U+FFFD each. */
static struct json_object *record_json_string(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct json_object *o = NULL;
	size_t i = 0, n, o_len = 0;
	char *buf = NULL;

	if (len > INT32_MAX / 3)
		return NULL;
	if (text_utf8_valid(s, len))
		return json_object_new_string_len(s, (int)len);
	buf = malloc(len * 3 + 1);
	if (!buf)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = text_utf8_len((const char *)u + i, len - i);
		if (n == 0) {
			memcpy(buf + o_len, "\xef\xbf\xbd", 3);
			o_len += 3;
			n = 1;
		} else {
			memcpy(buf + o_len, s + i, n);
			o_len += n;
		}
	}
	o = json_object_new_string_len(buf, (int)o_len);
	free(buf);
	return o;
}

/* ---------------------------------------------------------------- writer */

/* Add key: value; a NULL value (failed allocation) marks the object as broken. */
void record_add(struct json_object *obj, const char *key, struct json_object *val, bool nullable,
		int *bad)
{
	if (!val && !nullable)
		*bad = 1;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		*bad = 1;
	}
}

/* A C string of at most max bytes as a JSON string. */
struct json_object *record_json_cstr(const char *s, size_t max)
{
	return record_json_string(s, strnlen(s, max));
}

struct json_object *record_json_bytes(const char *s, size_t len)
{
	return record_json_string(s, len);
}

/* A C string (NULL: empty) as a JSON string. */
static struct json_object *record_json_str(const char *s)
{
	return s ? record_json_string(s, strlen(s)) : json_object_new_string("");
}

/* Print obj as one compact line to f (and to also, unless NULL) and release it. */
static int record_emit_pair(FILE *f, FILE *also, struct json_object *obj, int bad)
{
	const char *s;
	int rc = -1;

	if (!obj || bad) {
		errno = ENOMEM;
		goto out;
	}
	s = json_object_to_json_string_ext(obj,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s) {
		errno = ENOMEM;
		goto out;
	}
	if (fputs(s, f) == EOF || putc('\n', f) == EOF)
		goto out;
	if (also && (fputs(s, also) == EOF || putc('\n', also) == EOF))
		goto out;
	rc = 0;
out:
	json_object_put(obj);
	return rc;
}

static int record_emit(FILE *f, struct json_object *obj, int bad)
{
	return record_emit_pair(f, NULL, obj, bad);
}

int record_write_header(FILE *f, const struct fs_header *h)
{
	struct json_object *obj = json_object_new_object(), *cmd = json_object_new_array();
	int bad = 0, i;

	if (!obj || !cmd) {
		json_object_put(cmd);
		return record_emit(f, obj, 1);
	}
	for (i = 0; h->command && i < h->command_len && h->command[i]; i++) {
		struct json_object *s = record_json_string(h->command[i], strlen(h->command[i]));

		if (!s || json_object_array_add(cmd, s) != 0) {
			json_object_put(s);
			bad = 1;
		}
	}
	record_add(obj, "type", json_object_new_string("header"), false, &bad);
	record_add(obj, "schema", json_object_new_int(FS_RECORD_SCHEMA), false, &bad);
	record_add(obj, "tool", record_json_str(h->tool), false, &bad);
	record_add(obj, "root_pid", json_object_new_uint64(h->root_pid), false, &bad);
	record_add(obj, "command", cmd, false, &bad);
	record_add(obj, "method", h->method ? record_json_str(h->method) : NULL, !h->method, &bad);
	record_add(obj, "python", h->python ? record_json_str(h->python) : NULL, !h->python, &bad);
	record_add(obj, "kernel", record_json_str(h->kernel), false, &bad);
	record_add(obj, "start_realtime_ns", json_object_new_uint64(h->start_realtime_ns), false,
		   &bad);
	record_add(obj, "cpus", json_object_new_uint64(h->cpus), false, &bad);
	if (h->mono_base_ns)
		record_add(obj, "mono_base_ns", json_object_new_uint64(h->mono_base_ns), false,
			   &bad);
	if (h->pyhook_said)
		record_add(obj, "pyhook", json_object_new_boolean(h->pyhook), false, &bad);
	return record_emit(f, obj, bad);
}

/* argv of an exec event: split args[0..args_len) at the NULs. */
static struct json_object *record_argv_json(const struct fs_event *ev)
{
	struct json_object *arr = json_object_new_array();
	size_t len = ev->args_len, pos = 0;

	if (!arr)
		return NULL;
	if (len > FS_ARGS_LEN)
		len = FS_ARGS_LEN;
	while (pos < len) {
		const char *p = ev->args + pos;
		size_t n = strnlen(p, len - pos);
		struct json_object *s = record_json_string(p, n);

		if (!s || json_object_array_add(arr, s) != 0) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
		pos += n + 1;
	}
	return arr;
}

int record_write_event(FILE *f, const struct fs_event *ev)
{
	return record_write_event_pair(f, NULL, ev);
}

int record_write_event_pair(FILE *f, FILE *also, const struct fs_event *ev)
{
	struct json_object *obj = json_object_new_object();
	int bad = 0;

	if (!obj)
		return record_emit(f, NULL, 1);
	switch (ev->type) {
	case FS_EV_FORK:
		record_add(obj, "type", json_object_new_string("fork"), false, &bad);
		record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, &bad);
		record_add(obj, "pid", json_object_new_uint64(ev->pid), false, &bad);
		record_add(obj, "ppid", json_object_new_uint64(ev->ppid), false, &bad);
		record_add(obj, "parent_tid", json_object_new_uint64(ev->tid), false, &bad);
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, &bad);
		record_add(obj, "parent_threads", json_object_new_uint64(ev->parent_threads), false,
			   &bad);
		record_add(obj, "subtree_live", json_object_new_uint64(ev->subtree_live), false,
			   &bad);
		record_add(obj, "clone_flags", json_object_new_uint64(ev->clone_flags), false,
			   &bad);
		break;
	case FS_EV_EXEC:
		record_add(obj, "type", json_object_new_string("exec"), false, &bad);
		record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, &bad);
		record_add(obj, "pid", json_object_new_uint64(ev->pid), false, &bad);
		record_add(obj, "ppid", json_object_new_uint64(ev->ppid), false, &bad);
		record_add(obj, "filename", record_json_cstr(ev->filename, FS_FILENAME_LEN), false,
			   &bad);
		record_add(obj, "argv", record_argv_json(ev), false, &bad);
		if (ev->flags & FS_F_ARGS_TRUNCATED)
			record_add(obj, "truncated", json_object_new_boolean(1), false, &bad);
		record_add(obj, "tid", json_object_new_uint64(ev->tid), false, &bad);
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, &bad);
		break;
	case FS_EV_EXIT:
		record_add(obj, "type", json_object_new_string("exit"), false, &bad);
		record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, &bad);
		record_add(obj, "pid", json_object_new_uint64(ev->pid), false, &bad);
		record_add(obj, "ppid", json_object_new_uint64(ev->ppid), false, &bad);
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, &bad);
		record_add(obj, "exit_code", ev->sig ? NULL : json_object_new_int(ev->exit_code),
			   ev->sig != 0, &bad);
		record_add(obj, "signal", ev->sig ? json_object_new_int(ev->sig) : NULL,
			   ev->sig == 0, &bad);
		record_add(obj, "core_dumped",
			   json_object_new_boolean(!!(ev->flags & FS_F_CORE_DUMPED)), false, &bad);
		record_add(obj, "tid", json_object_new_uint64(ev->tid), false, &bad);
		break;
	case FS_EV_THREAD:
	case FS_EV_THREAD_EXIT:
	case FS_EV_RUN:
		record_add_thread_event(obj, ev, &bad);
		break;
	case FS_EV_OUTPUT:
	case FS_EV_CHANNEL:
		if (record_add_output_event(obj, ev, &bad) != 0) {
			json_object_put(obj);
			return -1;
		}
		break;
	case FS_EV_SIGNAL:
		record_add(obj, "type", json_object_new_string("signal"), false, &bad);
		record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, &bad);
		record_add(obj, "pid", json_object_new_uint64(ev->pid), false, &bad);
		record_add(obj, "target", json_object_new_uint64(ev->target), false, &bad);
		record_add(obj, "sig", json_object_new_int(ev->sig), false, &bad);
		record_add(obj, "sig_result", json_object_new_int(ev->sig_result), false, &bad);
		record_add(obj, "target_exiting",
			   json_object_new_boolean(!!(ev->flags & FS_F_TARGET_EXITING)), false,
			   &bad);
		record_add(obj, "tid", json_object_new_uint64(ev->tid), false, &bad);
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, &bad);
		break;
	default:
		json_object_put(obj);
		errno = EINVAL;
		return -1;
	}
	return record_emit_pair(f, also, obj, bad);
}

int record_write_end(FILE *f, const struct fs_end *end)
{
	struct json_object *obj = json_object_new_object();
	int bad = 0;

	if (!obj)
		return record_emit(f, NULL, 1);
	record_add(obj, "type", json_object_new_string("end"), false, &bad);
	record_add(obj, "t_ns", json_object_new_uint64(end->t_ns), false, &bad);
	record_add(obj, "events", json_object_new_uint64(end->events), false, &bad);
	record_add(obj, "lost", json_object_new_uint64(end->lost), false, &bad);
	record_add(obj, "complete", json_object_new_boolean(end->complete), false, &bad);
	if (end->output_lost)
		record_add(obj, "output_lost", json_object_new_uint64(end->output_lost), false,
			   &bad);
	return record_emit(f, obj, bad);
}
