/* Recordings: JSON Lines, schema 1 (see docs/recording-format.md). Writer and a strict
 * reader whose every error names the line and the problem. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "record/record.h"

#define RECORD_MAX_LINE (16u << 20) /* longest line the reader accepts */
#define RECORD_MAX_DEPTH 16	    /* JSON nesting the reader accepts */
#define RECORD_READ_CHUNK 65536
#define RECORD_MAX_SIG 64
#define RECORD_MAX_NS ((uint64_t)INT64_MAX)

struct fs_record_reader {
	FILE *f;
	bool own; /* opened by us (not stdin) */
	struct json_tokener *tok;
	char *line; /* current line, NUL-terminated, newline stripped */
	size_t line_len;
	size_t line_cap;
	bool line_newline; /* the line ended with '\n' (not cut by end of file) */
	size_t lineno;
	char *rbuf; /* read buffer */
	size_t rpos, rlen;
	bool eof;
	bool failed;	     /* an error was reported: no further items */
	bool ended;	     /* the end line was read */
	bool header_pending; /* the header parsed by record_open is not handed out yet */
	struct fs_header header;
};

/* Where an error happened: the line and the record type, for messages. */
struct record_ctx {
	size_t line;
	const char *what; /* "fork", "header", ... or NULL */
	char *err;
	size_t errlen;
};

/* ---------------------------------------------------------------- UTF-8 */

size_t record_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

/* Whether s[0..len) is valid UTF-8. */
static bool record_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len && (n = record_utf8_len((const char *)u + i, len - i)) != 0)
		i += n;
	return i == len;
}

/* A JSON string of the bytes s[0..len): invalid UTF-8 bytes become U+FFFD each. */
static struct json_object *record_json_string(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct json_object *o = NULL;
	size_t i = 0, n, o_len = 0;
	char *buf = NULL;

	if (len > INT32_MAX / 3)
		return NULL;
	if (record_utf8_valid(s, len))
		return json_object_new_string_len(s, (int)len);
	buf = malloc(len * 3 + 1);
	if (!buf)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = record_utf8_len((const char *)u + i, len - i);
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
static void record_add(struct json_object *obj, const char *key, struct json_object *val,
		       bool nullable, int *bad)
{
	if (!val && !nullable)
		*bad = 1;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		*bad = 1;
	}
}

/* A C string of at most max bytes as a JSON string. */
static struct json_object *record_json_cstr(const char *s, size_t max)
{
	return record_json_string(s, strnlen(s, max));
}

/* A C string (NULL: empty) as a JSON string. */
static struct json_object *record_json_str(const char *s)
{
	return s ? record_json_string(s, strlen(s)) : json_object_new_string("");
}

/* Print obj as one compact line and release it. */
static int record_emit(FILE *f, struct json_object *obj, int bad)
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
	rc = 0;
out:
	json_object_put(obj);
	return rc;
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
		break;
	case FS_EV_SIGNAL:
		record_add(obj, "type", json_object_new_string("signal"), false, &bad);
		record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, &bad);
		record_add(obj, "pid", json_object_new_uint64(ev->pid), false, &bad);
		record_add(obj, "target", json_object_new_uint64(ev->target), false, &bad);
		record_add(obj, "sig", json_object_new_int(ev->sig), false, &bad);
		break;
	default:
		json_object_put(obj);
		errno = EINVAL;
		return -1;
	}
	return record_emit(f, obj, bad);
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
	return record_emit(f, obj, bad);
}

/* ---------------------------------------------------------------- items */

void record_header_clear(struct fs_header *h)
{
	if (!h)
		return;
	if (h->command) {
		for (int i = 0; h->command[i]; i++)
			free(h->command[i]);
		free(h->command);
	}
	free(h->tool);
	free(h->method);
	free(h->python);
	free(h->kernel);
	memset(h, 0, sizeof(*h));
}

void record_item_clear(struct fs_record_item *it)
{
	if (!it)
		return;
	if (it->kind == FS_REC_HEADER)
		record_header_clear(&it->header);
	it->kind = 0;
}

/* ---------------------------------------------------------------- reader: fields */

/* Write "line N: what: message" into the error buffer; always returns -1. */
__attribute__((format(printf, 2, 3))) static int record_fail(const struct record_ctx *c,
							     const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->what)
		snprintf(c->err, c->errlen, "line %zu: %s: %s", c->line, c->what, msg);
	else
		snprintf(c->err, c->errlen, "line %zu: %s", c->line, msg);
	return -1;
}

/* The value of a field: -1 (error set) if missing, or if null and not nullable. */
static int record_field(const struct record_ctx *c, struct json_object *obj, const char *key,
			bool nullable, struct json_object **val)
{
	if (!json_object_object_get_ex(obj, key, val))
		return record_fail(c, "missing field \"%s\"", key);
	if (!*val && !nullable)
		return record_fail(c, "field \"%s\" must not be null", key);
	return 0;
}

/* A non-negative integer field, at most max. */
static int record_get_uint(const struct record_ctx *c, struct json_object *obj, const char *key,
			   uint64_t max, uint64_t *out)
{
	struct json_object *v;
	uint64_t u;

	if (record_field(c, obj, key, true, &v) != 0)
		return -1;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return record_fail(c, "field \"%s\" must be a non-negative integer", key);
	u = json_object_get_uint64(v);
	/* json-c saturates at UINT64_MAX: then the number written is unknown, only too big */
	if (u > max && u == UINT64_MAX)
		return record_fail(c, "field \"%s\" is out of range (largest allowed: %llu)", key,
				   (unsigned long long)max);
	if (u > max)
		return record_fail(c, "field \"%s\" is out of range (%llu > %llu)", key,
				   (unsigned long long)u, (unsigned long long)max);
	*out = u;
	return 0;
}

static int record_get_u32(const struct record_ctx *c, struct json_object *obj, const char *key,
			  uint32_t *out)
{
	uint64_t u;

	if (record_get_uint(c, obj, key, UINT32_MAX, &u) != 0)
		return -1;
	*out = (uint32_t)u;
	return 0;
}

/* An integer field in [min, max]; null allowed when is_null is given (then *is_null says). */
static int record_get_int(const struct record_ctx *c, struct json_object *obj, const char *key,
			  int min, int max, bool *is_null, int *out)
{
	struct json_object *v;
	int64_t i;

	if (record_field(c, obj, key, is_null != NULL, &v) != 0)
		return -1;
	if (!v) {
		*is_null = true;
		*out = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return record_fail(c, "field \"%s\" must be an integer%s", key,
				   is_null ? " or null" : "");
	i = json_object_get_int64(v);
	if (i < min || i > max)
		return record_fail(c, "field \"%s\" is out of range (%d..%d)", key, min, max);
	if (is_null)
		*is_null = false;
	*out = (int)i;
	return 0;
}

static int record_get_bool(const struct record_ctx *c, struct json_object *obj, const char *key,
			   bool *out)
{
	struct json_object *v;

	if (record_field(c, obj, key, true, &v) != 0)
		return -1;
	if (!json_object_is_type(v, json_type_boolean))
		return record_fail(c, "field \"%s\" must be true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* A string value without NUL characters; NULL s when null is allowed and found. */
static int record_check_string(const struct record_ctx *c, struct json_object *v, const char *key,
			       bool nullable, const char **s, size_t *len)
{
	if (!v && nullable) {
		*s = NULL;
		*len = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return record_fail(c, "field \"%s\" must be a string%s", key,
				   nullable ? " or null" : "");
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	if (strlen(*s) != *len)
		return record_fail(c, "field \"%s\" contains a NUL character", key);
	return 0;
}

static int record_get_string(const struct record_ctx *c, struct json_object *obj, const char *key,
			     bool nullable, const char **s, size_t *len)
{
	struct json_object *v;

	if (record_field(c, obj, key, nullable, &v) != 0)
		return -1;
	return record_check_string(c, v, key, nullable, s, len);
}

/* Copy a string field into a fixed array, truncated like the kernel does. */
static int record_get_fixed(const struct record_ctx *c, struct json_object *obj, const char *key,
			    char *dst, size_t size)
{
	const char *s;
	size_t len;

	if (record_get_string(c, obj, key, false, &s, &len) != 0)
		return -1;
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* A string field as a new heap string (NULL for null when nullable). */
static int record_get_dup(const struct record_ctx *c, struct json_object *obj, const char *key,
			  bool nullable, char **out)
{
	const char *s;
	size_t len;

	if (record_get_string(c, obj, key, nullable, &s, &len) != 0)
		return -1;
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	if (!*out)
		return record_fail(c, "out of memory");
	return 0;
}

/* An array-of-strings field, checked; its length in *n. */
static int record_get_strarray(const struct record_ctx *c, struct json_object *obj, const char *key,
			       struct json_object **arr, size_t *n)
{
	size_t i;

	if (record_field(c, obj, key, true, arr) != 0)
		return -1;
	if (!json_object_is_type(*arr, json_type_array))
		return record_fail(c, "field \"%s\" must be an array of strings", key);
	*n = json_object_array_length(*arr);
	for (i = 0; i < *n; i++) {
		struct json_object *v = json_object_array_get_idx(*arr, i);
		const char *s;
		size_t len;

		if (!json_object_is_type(v, json_type_string))
			return record_fail(c, "field \"%s\" must be an array of strings", key);
		if (record_check_string(c, v, key, false, &s, &len) != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- reader: records */

static int record_parse_header(const struct record_ctx *c, struct json_object *obj,
			       struct fs_header *h)
{
	struct json_object *arr;
	uint64_t u;
	size_t n, i;
	int schema, rc = -1;

	memset(h, 0, sizeof(*h));
	if (record_get_int(c, obj, "schema", 0, INT32_MAX, NULL, &schema) != 0)
		goto out;
	if (schema != FS_RECORD_SCHEMA) {
		record_fail(c, "unsupported recording schema %d (this forkscope reads schema %d)",
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

/* The fields of one event; type already known and in ev->type. */
static int record_parse_event(const struct record_ctx *c, struct json_object *obj,
			      struct fs_event *ev)
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
		record_exec_comm(ev);
		return 0;
	case FS_EV_EXIT:
		if (record_get_u32(c, obj, "ppid", &ev->ppid) != 0)
			return -1;
		return record_parse_exit(c, obj, ev);
	default:
		if (record_get_u32(c, obj, "target", &ev->target) != 0 ||
		    record_get_int(c, obj, "sig", 0, RECORD_MAX_SIG, NULL, &sig) != 0)
			return -1;
		ev->sig = sig;
		return 0;
	}
}

static int record_parse_end(const struct record_ctx *c, struct json_object *obj, struct fs_end *end)
{
	if (record_get_uint(c, obj, "t_ns", RECORD_MAX_NS, &end->t_ns) != 0 ||
	    record_get_uint(c, obj, "events", UINT64_MAX, &end->events) != 0 ||
	    record_get_uint(c, obj, "lost", UINT64_MAX, &end->lost) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- reader: lines */

/* Make room for n more bytes (plus a newline and a NUL) in the line buffer. */
static int record_line_reserve(struct fs_record_reader *r, size_t n)
{
	size_t need = r->line_len + n + 2, cap = r->line_cap ? r->line_cap : 4096;
	char *p;

	if (need <= r->line_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(r->line, cap);
	if (!p)
		return -1;
	r->line = p;
	r->line_cap = cap;
	return 0;
}

/* Read the next line: 1 got one, 0 end of file, -1 error (message set). */
static int record_read_line(struct fs_record_reader *r, char *err, size_t errlen)
{
	r->line_len = 0;
	r->line_newline = false;
	r->lineno++;
	for (;;) {
		char *start, *nl;
		size_t n;

		if (r->rpos == r->rlen) {
			if (r->eof)
				break;
			r->rpos = 0;
			r->rlen = fread(r->rbuf, 1, RECORD_READ_CHUNK, r->f);
			if (r->rlen == 0) {
				if (ferror(r->f)) {
					snprintf(err, errlen, "line %zu: read error: %s", r->lineno,
						 strerror(errno));
					return -1;
				}
				r->eof = true;
				break;
			}
		}
		start = r->rbuf + r->rpos;
		nl = memchr(start, '\n', r->rlen - r->rpos);
		n = nl ? (size_t)(nl - start) : r->rlen - r->rpos;
		if (r->line_len + n > RECORD_MAX_LINE) {
			snprintf(err, errlen, "line %zu: line longer than %u MiB", r->lineno,
				 RECORD_MAX_LINE >> 20);
			return -1;
		}
		if (record_line_reserve(r, n) != 0) {
			snprintf(err, errlen, "line %zu: out of memory", r->lineno);
			return -1;
		}
		memcpy(r->line + r->line_len, start, n);
		r->line_len += n;
		r->rpos += n;
		if (nl) {
			r->rpos++;
			r->line_newline = true;
			break;
		}
	}
	if (r->line_len == 0 && !r->line_newline)
		return 0;
	if (record_line_reserve(r, 0) != 0) {
		snprintf(err, errlen, "line %zu: out of memory", r->lineno);
		return -1;
	}
	r->line[r->line_len] = '\0';
	return 1;
}

static bool record_line_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Next non-blank line as a JSON object (caller puts it): 1, 0 at end of file, -1 error. */
static int record_next_object(struct fs_record_reader *r, struct json_object **out, char *err,
			      size_t errlen)
{
	struct record_ctx c = {0, NULL, err, errlen};
	enum json_tokener_error jerr;
	struct json_object *obj;
	size_t end, skip;

	*out = NULL;
	do {
		int got = record_read_line(r, err, errlen);

		if (got <= 0)
			return got;
		/* a UTF-8 byte order mark at the start of the file is ignored (RFC 8259 8.1) */
		skip = r->lineno == 1 && r->line_len >= 3 && !memcmp(r->line, "\xef\xbb\xbf", 3)
			   ? 3
			   : 0;
	} while (record_line_blank(r->line + skip, r->line_len - skip));
	c.line = r->lineno;
	if (memchr(r->line, '\0', r->line_len))
		return record_fail(&c, "contains a NUL byte (binary data, not a recording?)");
	/* The newline ends a trailing number; the buffer has room for it. */
	r->line[r->line_len] = '\n';
	json_tokener_reset(r->tok);
	obj = json_tokener_parse_ex(r->tok, r->line + skip, (int)(r->line_len - skip) + 1);
	r->line[r->line_len] = '\0';
	jerr = json_tokener_get_error(r->tok);
	end = json_tokener_get_parse_end(r->tok);
	if (jerr == json_tokener_continue) {
		json_object_put(obj);
		if (!r->line_newline)
			return record_fail(&c, "truncated line at end of file (incomplete JSON)");
		return record_fail(&c, "incomplete JSON (each record must be on one line)");
	}
	if (jerr == json_tokener_error_depth)
		return record_fail(&c, "JSON nested deeper than %d levels", RECORD_MAX_DEPTH);
	/* json-c also says so for valid UTF-8 it does not expect, e.g. U+FEFF outside strings */
	if (jerr == json_tokener_error_parse_utf8_string &&
	    !record_utf8_valid(r->line, r->line_len))
		return record_fail(&c, "not valid UTF-8 (binary data, not a recording?)");
	if (jerr == json_tokener_error_parse_utf8_string)
		return record_fail(&c, "not valid JSON: unexpected character at column %zu",
				   skip + end + 1);
	if (jerr != json_tokener_success)
		return record_fail(&c, "not valid JSON: %s at column %zu%s",
				   json_tokener_error_desc(jerr), skip + end + 1,
				   !r->line_newline && skip + end + 1 >= r->line_len
				       ? " (truncated last line?)"
				       : "");
	if (!json_object_is_type(obj, json_type_object)) {
		record_fail(&c, "expected a JSON object, got %s",
			    obj ? json_type_to_name(json_object_get_type(obj)) : "null");
		json_object_put(obj);
		return -1;
	}
	*out = obj;
	return 1;
}

/* A copy of s safe to print in a message: printable ASCII only, shortened. */
static const char *record_printable(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < size; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

/* The "type" of a record object. */
static int record_get_type(const struct record_ctx *c, struct json_object *obj, const char **type)
{
	size_t len;

	return record_get_string(c, obj, "type", false, type, &len);
}

struct fs_record_reader *record_open(const char *path, char *err, size_t errlen)
{
	struct fs_record_reader *r = calloc(1, sizeof(*r));
	struct record_ctx c = {0, NULL, err, errlen};
	struct json_object *obj = NULL;
	const char *type;
	char name[40];
	struct stat st;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->f = stdin;
	} else {
		r->f = fopen(path, "r");
		if (!r->f) {
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
			goto fail;
		}
		r->own = true;
		if (fstat(fileno(r->f), &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(EISDIR));
			goto fail;
		}
	}
	r->tok = json_tokener_new_ex(RECORD_MAX_DEPTH);
	r->rbuf = malloc(RECORD_READ_CHUNK);
	if (!r->tok || !r->rbuf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	json_tokener_set_flags(r->tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	switch (record_next_object(r, &obj, err, errlen)) {
	case 0:
		snprintf(err, errlen, "empty recording");
		goto fail;
	case -1:
		goto fail;
	default:
		break;
	}
	c.line = r->lineno;
	if (record_get_type(&c, obj, &type) != 0)
		goto fail;
	if (strcmp(type, "header") != 0) {
		record_fail(&c,
			    "expected the header first, got a \"%s\" line (not a forkscope "
			    "recording?)",
			    record_printable(type, name, sizeof(name)));
		goto fail;
	}
	c.what = "header";
	if (record_parse_header(&c, obj, &r->header) != 0)
		goto fail;
	r->header_pending = true;
	json_object_put(obj);
	return r;
fail:
	json_object_put(obj);
	record_close(r);
	return NULL;
}

int record_next(struct fs_record_reader *r, struct fs_record_item *it, char *err, size_t errlen)
{
	struct record_ctx c = {0, NULL, err, errlen};
	struct json_object *obj = NULL;
	const char *type;
	char name[40];
	int rc = -1;

	memset(it, 0, sizeof(*it));
	if (r->failed) {
		snprintf(err, errlen, "line %zu: reading stopped at an earlier error", r->lineno);
		return -1;
	}
	if (r->header_pending) {
		it->kind = FS_REC_HEADER;
		it->header = r->header;
		memset(&r->header, 0, sizeof(r->header));
		r->header_pending = false;
		return 1;
	}
	rc = record_next_object(r, &obj, err, errlen);
	if (rc <= 0)
		goto out;
	rc = -1;
	c.line = r->lineno;
	if (record_get_type(&c, obj, &type) != 0)
		goto out;
	c.what = type;
	if (strcmp(type, "fork") == 0)
		it->event.type = FS_EV_FORK;
	else if (strcmp(type, "exec") == 0)
		it->event.type = FS_EV_EXEC;
	else if (strcmp(type, "exit") == 0)
		it->event.type = FS_EV_EXIT;
	else if (strcmp(type, "signal") == 0)
		it->event.type = FS_EV_SIGNAL;
	if (strcmp(type, "header") == 0) {
		c.what = NULL;
		record_fail(&c, "a second header (two recordings concatenated?)");
	} else if (r->ended && (it->event.type || strcmp(type, "end") == 0)) {
		c.what = NULL;
		record_fail(&c, "a \"%s\" line after the end line", type);
	} else if (it->event.type) {
		it->kind = FS_REC_EVENT;
		rc = record_parse_event(&c, obj, &it->event);
	} else if (strcmp(type, "end") == 0) {
		it->kind = FS_REC_END;
		rc = record_parse_end(&c, obj, &it->end);
		r->ended = rc == 0;
	} else {
		c.what = NULL;
		record_fail(&c, "unknown type \"%s\"", record_printable(type, name, sizeof(name)));
	}
	if (rc == 0)
		rc = 1;
out:
	json_object_put(obj);
	if (rc < 0) {
		r->failed = true;
		memset(it, 0, sizeof(*it));
	}
	return rc;
}

void record_close(struct fs_record_reader *r)
{
	if (!r)
		return;
	if (r->own && r->f)
		fclose(r->f);
	if (r->tok)
		json_tokener_free(r->tok);
	record_header_clear(&r->header);
	free(r->line);
	free(r->rbuf);
	free(r);
}
