/* Recordings, the reading half: lines, JSON objects, records; strict, and every error names
 * the line and the problem (docs/recording-format.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "base/text.h"
#include "record/record.h"
#include "record/record_internal.h"

#define RECORD_READ_CHUNK 65536

struct fs_record_reader {
	FILE *f;
	bool own; /* opened by us (not stdin) */
	struct json_tokener *tok;
	char *line; /* current line, NUL-terminated, newline stripped */
	size_t line_len;
	size_t line_cap;
	bool line_newline; /* the line ended with '\n' (not cut by end of file) */
	size_t cut_line;   /* the last line, cut short by end of file, was this one (0: none) */
	size_t lineno;
	char *rbuf; /* read buffer */
	size_t rpos, rlen;
	bool eof;
	bool failed;	     /* an error was reported: no further items */
	bool ended;	     /* the end line was read */
	bool header_pending; /* the header parsed by record_open is not handed out yet */
	int schema;	     /* of the header */
	struct fs_header header;
};

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

/* Whether the current line is the last one, cut short: no newline at the end of the file,
 * and the JSON breaks off (incomplete, or a UTF-8 sequence cut in its last bytes), as when
 * forkscope was killed while writing it. */
static bool record_line_cut(const struct fs_record_reader *r, enum json_tokener_error jerr,
			    size_t skip)
{
	size_t tail = r->line_len - skip > 3 ? r->line_len - 3 : skip;

	if (r->line_newline || !r->eof)
		return false;
	if (jerr == json_tokener_continue)
		return true;
	return jerr == json_tokener_error_parse_utf8_string &&
	       text_utf8_valid(r->line + skip, tail - skip) &&
	       !text_utf8_valid(r->line + skip, r->line_len - skip);
}

/* Next non-blank line as a JSON object (caller puts it): 1, 0 at end of file (also when the
 * last line was cut short: r->cut_line says so), -1 error. */
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
	if (jerr != json_tokener_success && record_line_cut(r, jerr, skip)) {
		json_object_put(obj);
		r->cut_line = r->lineno;
		return 0;
	}
	if (jerr == json_tokener_continue) {
		json_object_put(obj);
		return record_fail(&c, "incomplete JSON (each record must be on one line)");
	}
	if (jerr == json_tokener_error_depth)
		return record_fail(&c, "JSON nested deeper than %d levels", RECORD_MAX_DEPTH);
	/* json-c also says so for valid UTF-8 it does not expect, e.g. U+FEFF outside strings */
	if (jerr == json_tokener_error_parse_utf8_string && !text_utf8_valid(r->line, r->line_len))
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
		if (r->cut_line)
			snprintf(err, errlen,
				 "line %zu: truncated line at end of file (incomplete JSON): the "
				 "header is cut short",
				 r->cut_line);
		else
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
	r->schema = r->header.schema;
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
	else if (record_thread_type(type))
		it->event.type = record_thread_type(type);
	else
		it->event.type = record_output_type(type);
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

size_t record_cut_line(const struct fs_record_reader *r)
{
	return r->cut_line;
}

int record_schema(const struct fs_record_reader *r)
{
	return r->schema;
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
