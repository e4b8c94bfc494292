/* Recordings, the reader's field checks: each one names the line, the record and the field
 * when something is wrong. Also the items the reader hands out. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "record/record.h"
#include "record/record_internal.h"

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
int record_fail(const struct record_ctx *c, const char *fmt, ...)
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
int record_field(const struct record_ctx *c, struct json_object *obj, const char *key,
		 bool nullable, struct json_object **val)
{
	if (!json_object_object_get_ex(obj, key, val))
		return record_fail(c, "missing field \"%s\"", key);
	if (!*val && !nullable)
		return record_fail(c, "field \"%s\" must not be null", key);
	return 0;
}

/* A non-negative integer field, at most max. */
int record_get_uint(const struct record_ctx *c, struct json_object *obj, const char *key,
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

int record_get_u32(const struct record_ctx *c, struct json_object *obj, const char *key,
		   uint32_t *out)
{
	uint64_t u;

	if (record_get_uint(c, obj, key, UINT32_MAX, &u) != 0)
		return -1;
	*out = (uint32_t)u;
	return 0;
}

/* An integer field in [min, max]; null allowed when is_null is given (then *is_null says). */
int record_get_int(const struct record_ctx *c, struct json_object *obj, const char *key, int min,
		   int max, bool *is_null, int *out)
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

int record_get_bool(const struct record_ctx *c, struct json_object *obj, const char *key, bool *out)
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
int record_check_string(const struct record_ctx *c, struct json_object *v, const char *key,
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

int record_get_string(const struct record_ctx *c, struct json_object *obj, const char *key,
		      bool nullable, const char **s, size_t *len)
{
	struct json_object *v;

	if (record_field(c, obj, key, nullable, &v) != 0)
		return -1;
	return record_check_string(c, v, key, nullable, s, len);
}

/* Copy a string field into a fixed array, truncated like the kernel does. */
int record_get_fixed(const struct record_ctx *c, struct json_object *obj, const char *key,
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
int record_get_dup(const struct record_ctx *c, struct json_object *obj, const char *key,
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
int record_get_strarray(const struct record_ctx *c, struct json_object *obj, const char *key,
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
