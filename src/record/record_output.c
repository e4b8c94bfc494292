/* Recordings: the lines of the workload's output and of the channel (schema 3), written
 * and read:
 *
 *   {"type":"output","t_ns":N,"pid":TGID,"tid":TID,"fd":1|2,"data":"..."}
 *     + "data_b64" when the bytes are not valid UTF-8, + "cut", + "dropped" when > 0
 *   {"type":"channel","t_ns":N,"pid":TGID,"tid":TID,"data":"..."}
 *     + "data_b64", + "cut" for an oversized record (data empty)
 *
 * "data" holds the bytes as valid UTF-8 (each invalid byte as U+FFFD) for people and jq;
 * "data_b64" the exact bytes, which the reader then takes. One line per event: the model
 * assembles the lines and decodes the records, in a replay as live. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "record/record.h"
#include "record/record_internal.h"

#define RECORD_B64_MAX (((FS_ARGS_LEN + 2) / 3) * 4) /* base64 of the most bytes read */

static const char record_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---------------------------------------------------------------- writer */

/* Base64 (RFC 4648, padded) of len bytes as a JSON string, NULL when out of memory. */
static struct json_object *record_b64_json(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out = malloc((len + 2) / 3 * 4 + 1);
	struct json_object *o;
	size_t i, n = 0;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)u[i] << 16 | (uint32_t)u[i + 1] << 8 | u[i + 2];

		out[n++] = record_b64[v >> 18];
		out[n++] = record_b64[v >> 12 & 63];
		out[n++] = record_b64[v >> 6 & 63];
		out[n++] = record_b64[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)u[i] << 16 | (i + 1 < len ? (uint32_t)u[i + 1] << 8 : 0);

		out[n++] = record_b64[v >> 18];
		out[n++] = record_b64[v >> 12 & 63];
		out[n++] = i + 1 < len ? record_b64[v >> 6 & 63] : '=';
		out[n++] = '=';
	}
	o = json_object_new_string_len(out, (int)n);
	free(out);
	return o;
}

/* "data", and "data_b64" when the bytes are not valid UTF-8. */
static void record_add_data(struct json_object *obj, const char *s, size_t len, int *bad)
{
	record_add(obj, "data", record_json_bytes(s, len), false, bad);
	if (!text_utf8_valid(s, len))
		record_add(obj, "data_b64", record_b64_json(s, len), false, bad);
}

int record_add_output_event(struct json_object *obj, const struct fs_event *ev, int *bad)
{
	bool output = ev->type == FS_EV_OUTPUT;
	size_t max = output ? FS_OUTPUT_CHUNK : FS_CHANNEL_MAX;
	size_t len = ev->args_len < max ? ev->args_len : max;
	uint64_t cut = ev->cut;

	if (output && ev->fd != 1 && ev->fd != 2) {
		errno = EINVAL;
		return -1;
	}
	/* more than a line can carry: as the model takes it, the rest cut (output), or the
	 * whole record oversized (channel) */
	if (output)
		cut += ev->args_len - len;
	else if (cut || ev->args_len > max)
		len = 0, cut = cut ? cut : ev->args_len;
	record_add(obj, "type", json_object_new_string(output ? "output" : "channel"), false, bad);
	record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, bad);
	record_add(obj, "pid", json_object_new_uint64(ev->pid), false, bad);
	record_add(obj, "tid", json_object_new_uint64(ev->tid), false, bad);
	if (output)
		record_add(obj, "fd", json_object_new_uint64(ev->fd), false, bad);
	record_add_data(obj, ev->args, len, bad);
	if (cut)
		record_add(obj, "cut", json_object_new_uint64(cut > UINT32_MAX ? UINT32_MAX : cut),
			   false, bad);
	if (output && ev->dropped)
		record_add(obj, "dropped", json_object_new_uint64(ev->dropped), false, bad);
	return 0;
}

/* ---------------------------------------------------------------- reader */

uint32_t record_output_type(const char *type)
{
	if (strcmp(type, "output") == 0)
		return FS_EV_OUTPUT;
	if (strcmp(type, "channel") == 0)
		return FS_EV_CHANNEL;
	return 0;
}

/* The value of one base64 character, -1 for none. */
static int record_b64_value(unsigned char c)
{
	const char *p = c ? strchr(record_b64, c) : NULL;

	return p ? (int)(p - record_b64) : -1;
}

/* Decode strict base64 (padded, canonical: no stray bits) of at most max bytes into out;
 * the length, or -1 with the error set. */
static long record_b64_decode(const struct record_ctx *c, const char *s, size_t len, char *out,
			      size_t max)
{
	size_t n = 0, pad = 0;

	if (len % 4 != 0)
		return record_fail(c, "field \"data_b64\" is not base64 (length %zu)", len);
	if (len > RECORD_B64_MAX || len / 4 * 3 > max + 2)
		return record_fail(c, "field \"data_b64\" holds more than %zu bytes", max);
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		uint32_t w = 0;

		for (int k = 0; k < 4; k++) {
			bool padding = i + (size_t)k >= len - pad;

			v[k] = padding ? 0 : record_b64_value((unsigned char)s[i + (size_t)k]);
			if (v[k] < 0)
				return record_fail(c, "field \"data_b64\" is not base64 (at %zu)",
						   i + (size_t)k + 1);
			w = w << 6 | (uint32_t)v[k];
		}
		out[n++] = (char)(w >> 16);
		if (i + 4 < len || pad < 2)
			out[n++] = (char)(w >> 8 & 0xff);
		if (i + 4 < len || pad < 1)
			out[n++] = (char)(w & 0xff);
		if (i + 4 >= len && ((pad == 2 && (w & 0xffff)) || (pad == 1 && (w & 0xff))))
			return record_fail(c, "field \"data_b64\" is not canonical base64");
	}
	if (n > max)
		return record_fail(c, "field \"data_b64\" holds more than %zu bytes", max);
	return (long)n;
}

/* "data" (any bytes, NUL included) or "data_b64" when given, into the event's args. */
static int record_parse_data(const struct record_ctx *c, struct json_object *obj,
			     struct fs_event *ev, size_t max)
{
	struct json_object *v, *b64;
	const char *s;
	size_t len;

	if (record_field(c, obj, "data", false, &v) != 0)
		return -1;
	if (!json_object_is_type(v, json_type_string))
		return record_fail(c, "field \"data\" must be a string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (json_object_object_get_ex(obj, "data_b64", &b64)) {
		/* each byte of the original is at most three (U+FFFD) in "data" */
		if (len > 3 * max)
			return record_fail(c, "field \"data\" is longer than %zu bytes", 3 * max);
		long n;

		if (record_get_string(c, obj, "data_b64", false, &s, &len) != 0)
			return -1;
		n = record_b64_decode(c, s, len, ev->args, max);
		if (n < 0)
			return -1;
		ev->args_len = (uint32_t)n;
		return 0;
	}
	if (len > max)
		return record_fail(c, "field \"data\" is longer than %zu bytes", max);
	memcpy(ev->args, s, len);
	ev->args_len = (uint32_t)len;
	return 0;
}

/* An optional integer field: 0 when missing. */
static int record_opt_uint(const struct record_ctx *c, struct json_object *obj, const char *key,
			   uint64_t max, uint64_t *out)
{
	struct json_object *v;

	*out = 0;
	return json_object_object_get_ex(obj, key, &v) ? record_get_uint(c, obj, key, max, out) : 0;
}

int record_parse_output_event(const struct record_ctx *c, struct json_object *obj,
			      struct fs_event *ev)
{
	bool output = ev->type == FS_EV_OUTPUT;
	uint64_t u;

	if (record_get_u32(c, obj, "tid", &ev->tid) != 0)
		return -1;
	if (output) {
		if (record_get_uint(c, obj, "fd", UINT32_MAX, &u) != 0)
			return -1;
		if (u != 1 && u != 2)
			return record_fail(c, "field \"fd\" must be 1 (stdout) or 2 (stderr)");
		ev->fd = (uint32_t)u;
	}
	if (record_parse_data(c, obj, ev, output ? FS_OUTPUT_CHUNK : FS_CHANNEL_MAX) != 0 ||
	    record_opt_uint(c, obj, "cut", UINT32_MAX, &u) != 0)
		return -1;
	ev->cut = (uint32_t)u;
	if (!output && ev->cut && ev->args_len)
		return record_fail(c, "an oversized record (\"cut\") must have an empty \"data\"");
	if (output && record_opt_uint(c, obj, "dropped", UINT64_MAX, &u) != 0)
		return -1;
	ev->dropped = u;
	return 0;
}
