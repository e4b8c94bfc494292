/* The recording code's insides, shared by the files of src/record/ only. */
#ifndef FORKSCOPE_RECORD_INTERNAL_H
#define FORKSCOPE_RECORD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "record/record.h"

#define RECORD_MAX_LINE (16u << 20) /* longest line the reader accepts */
#define RECORD_MAX_DEPTH 16	    /* JSON nesting the reader accepts */
#define RECORD_MAX_SIG 64
#define RECORD_MAX_NS ((uint64_t)INT64_MAX)

/* Where an error happened: the line and the record type, for messages. */
struct record_ctx {
	size_t line;
	const char *what; /* "fork", "header", ... or NULL */
	char *err;
	size_t errlen;
};

/* Writer helpers (record_write.c). Add key: value; a NULL value (failed allocation) marks
 * the object as broken unless nullable. */
void record_add(struct json_object *obj, const char *key, struct json_object *val, bool nullable,
		int *bad);
/* A C string of at most max bytes as a JSON string. */
struct json_object *record_json_cstr(const char *s, size_t max);
/* The bytes s[0..len) (NULs too) as a JSON string, each invalid UTF-8 byte as U+FFFD. */
struct json_object *record_json_bytes(const char *s, size_t len);

/* Records (record_parse.c): a header, an event (its type already in ev->type) or the end
 * line from a line's object; 0 or -1 (err set). */
int record_parse_header(const struct record_ctx *c, struct json_object *obj, struct fs_header *h);
int record_parse_event(const struct record_ctx *c, struct json_object *obj, struct fs_event *ev);
int record_parse_end(const struct record_ctx *c, struct json_object *obj, struct fs_end *end);

/* Threads and CPU (record_threads.c): the fields of a thread, thread_exit or run line. */
void record_add_thread_event(struct json_object *obj, const struct fs_event *ev, int *bad);
/* The event type a line's "type" names among them, 0 for none. */
uint32_t record_thread_type(const char *type);
/* Read the fields of one of them (t_ns and pid are read); 0 or -1 (err set). */
int record_parse_thread_event(const struct record_ctx *c, struct json_object *obj,
			      struct fs_event *ev);

/* The workload's output and the channel (record_output.c): the fields of an output or
 * channel line (0, or -1 with errno EINVAL for an fd other than 1 or 2); the event type a
 * "type" names among them, 0 for none; read the fields (t_ns and pid are read), 0 or -1. */
int record_add_output_event(struct json_object *obj, const struct fs_event *ev, int *bad);
uint32_t record_output_type(const char *type);
int record_parse_output_event(const struct record_ctx *c, struct json_object *obj,
			      struct fs_event *ev);

/* Write "line N: what: message" into the error buffer; always returns -1. */
int record_fail(const struct record_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The value of a field: -1 (error set) if missing, or if null and not nullable. */
int record_field(const struct record_ctx *c, struct json_object *obj, const char *key,
		 bool nullable, struct json_object **val);
/* A non-negative integer field, at most max. */
int record_get_uint(const struct record_ctx *c, struct json_object *obj, const char *key,
		    uint64_t max, uint64_t *out);
int record_get_u32(const struct record_ctx *c, struct json_object *obj, const char *key,
		   uint32_t *out);
/* An integer field in [min, max]; null allowed when is_null is given (then *is_null says). */
int record_get_int(const struct record_ctx *c, struct json_object *obj, const char *key, int min,
		   int max, bool *is_null, int *out);
int record_get_bool(const struct record_ctx *c, struct json_object *obj, const char *key,
		    bool *out);
/* A string value without NUL characters; NULL s when null is allowed and found. */
int record_check_string(const struct record_ctx *c, struct json_object *v, const char *key,
			bool nullable, const char **s, size_t *len);
int record_get_string(const struct record_ctx *c, struct json_object *obj, const char *key,
		      bool nullable, const char **s, size_t *len);
/* Copy a string field into a fixed array, truncated like the kernel does. */
int record_get_fixed(const struct record_ctx *c, struct json_object *obj, const char *key,
		     char *dst, size_t size);
/* A string field as a new heap string (NULL for null when nullable). */
int record_get_dup(const struct record_ctx *c, struct json_object *obj, const char *key,
		   bool nullable, char **out);
/* An array-of-strings field, checked; its length in *n. */
int record_get_strarray(const struct record_ctx *c, struct json_object *obj, const char *key,
			struct json_object **arr, size_t *n);

#endif
