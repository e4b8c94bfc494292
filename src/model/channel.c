/* The channel's decoder (model/channel.h): a record the workload wrote to FS_CHANNEL_FD,
 * hostile bytes, into facts. FS_CHANNEL_MAGIC, then one JSON object of scalars per line;
 * every line is checked whole before any fact is handed out, and the first check that
 * fails names the reason (docs/channel.md). Pure: no model, so the fuzzer calls it too. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/text.h"
#include "model/channel.h"

#define CHANNEL_MAGIC_LEN (sizeof(FS_CHANNEL_MAGIC) - 1)
#define CHANNEL_DEPTH 2 /* json-c's depth for one object of scalars: no nesting */

/* Keys that would speak for the kernel: the writer and the time come from it alone. */
static const char *const channel_forged[] = {"pid", "tid", "ppid", "t_ns"};

/* A space, tab or CR only (a blank line between facts is skipped). */
static bool channel_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* What json-c would take and JSON does not, or would change: a 'single-quoted' string and
 * a raw control character inside a string (json-c reads both even when strict: bad JSON),
 * and "\u0000" (json-c cuts a key there: a bad field). 0 when the line has none, else -1
 * with the reason. */
static int channel_prescan(const char *s, size_t n, enum fs_channel_reject *why)
{
	bool in_string = false;

	for (size_t i = 0; i < n; i++) {
		if (!in_string) {
			if (s[i] == '\'') {
				*why = FS_CHANNEL_BAD_JSON;
				return -1;
			}
			in_string = s[i] == '"';
		} else if ((unsigned char)s[i] < 0x20) {
			*why = FS_CHANNEL_BAD_JSON;
			return -1;
		} else if (s[i] == '"') {
			in_string = false;
		} else if (s[i] == '\\') {
			if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0) {
				*why = FS_CHANNEL_BAD_FIELD;
				return -1;
			}
			i++; /* the escaped character */
		}
	}
	return 0;
}

/* A key or a kind: [a-z_][a-z0-9_]*, 1 to FS_FACT_MAX_KEY bytes. */
static bool channel_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > FS_FACT_MAX_KEY || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

static bool channel_is_forged(const char *k)
{
	for (size_t i = 0; i < sizeof(channel_forged) / sizeof(channel_forged[0]); i++)
		if (strcmp(k, channel_forged[i]) == 0)
			return true;
	return false;
}

/* A string value: valid UTF-8, no NUL, at most FS_FACT_MAX_STRING bytes. */
static bool channel_string_ok(struct json_object *v)
{
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);

	return n <= FS_FACT_MAX_STRING && strlen(s) == n && text_utf8_valid(s, n);
}

/* One field (not "fact") into f->fields: 0, -1 with the reason, -2 out of memory. */
static int channel_field(struct fs_fact *f, const char *key, struct json_object *v,
			 enum fs_channel_reject *why)
{
	struct fs_fact_field *fl = &f->fields[f->nfields];

	*why = FS_CHANNEL_BAD_FIELD;
	if (!channel_key_ok(key) || f->nfields + 1 >= FS_FACT_MAX_FIELDS)
		return -1;
	memset(fl, 0, sizeof(*fl));
	memcpy(fl->key, key, strlen(key) + 1);
	switch (json_object_get_type(v)) {
	case json_type_null:
		fl->type = FS_FACT_NULL;
		break;
	case json_type_boolean:
		fl->type = FS_FACT_BOOL;
		fl->i = json_object_get_boolean(v) ? 1 : 0;
		break;
	case json_type_int:
		/* json-c saturates out of range: both ends are refused, they may be a saturation */
		fl->type = FS_FACT_INT;
		fl->i = json_object_get_int64(v);
		if (fl->i == INT64_MIN || fl->i == INT64_MAX)
			return -1;
		break;
	case json_type_string:
		if (!channel_string_ok(v))
			return -1;
		fl->type = FS_FACT_STRING;
		fl->s = strdup(json_object_get_string(v));
		if (!fl->s)
			return -2;
		break;
	case json_type_double: /* no fractions: a fact's numbers are counts and ids */
		return -1;
	default:
		*why = FS_CHANNEL_BAD_JSON;
		return -1;
	}
	f->nfields++;
	return 0;
}

/* The fields of one parsed line's object into f: 0, -1 with the reason, -2 out of memory. */
static int channel_object(struct json_object *obj, struct fs_fact *f, enum fs_channel_reject *why)
{
	struct json_object *kind;
	int rc;

	/* the first check: a forged key rejects the record whatever else is wrong in it */
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		if (channel_is_forged(key)) {
			*why = FS_CHANNEL_FORGED;
			return -1;
		}
	}
	*why = FS_CHANNEL_BAD_FIELD;
	if (json_object_object_length(obj) > FS_FACT_MAX_FIELDS ||
	    !json_object_object_get_ex(obj, "fact", &kind) ||
	    !json_object_is_type(kind, json_type_string) || !channel_string_ok(kind) ||
	    !channel_key_ok(json_object_get_string(kind)))
		return -1;
	memcpy(f->kind, json_object_get_string(kind), strlen(json_object_get_string(kind)) + 1);
	json_object_object_foreach(obj, k, v)
	{
		if (strcmp(k, "fact") == 0)
			continue;
		rc = channel_field(f, k, v, why);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* One line (not blank) into f: 0, -1 with the reason, -2 out of memory. */
static int channel_line(struct json_tokener *tok, const char *s, size_t n, struct fs_fact *f,
			enum fs_channel_reject *why)
{
	struct json_object *obj;
	size_t end;
	int rc = -1;

	*why = FS_CHANNEL_BAD_JSON; /* JSON is UTF-8: overlong forms and surrogates are not */
	if (!text_utf8_valid(s, n) || channel_prescan(s, n, why) != 0)
		return -1;
	json_tokener_reset(tok);
	obj = json_tokener_parse_ex(tok, s, (int)n);
	end = json_tokener_get_parse_end(tok);
	*why = FS_CHANNEL_BAD_JSON;
	if (json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(obj, json_type_object) && channel_blank(s + end, n - end))
		rc = channel_object(obj, f, why);
	json_object_put(obj);
	return rc;
}

void channel_facts_free(struct fs_fact *facts, size_t n)
{
	if (!facts)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < facts[i].nfields && k < FS_FACT_MAX_FIELDS; k++)
			free(facts[i].fields[k].s);
	free(facts);
}

int channel_decode(const char *buf, size_t len, struct fs_fact **out, enum fs_channel_reject *why)
{
	struct json_tokener *tok = NULL;
	struct fs_fact *facts = NULL;
	size_t pos = CHANNEL_MAGIC_LEN, n = 0;
	int rc = -1, got;

	*out = NULL;
	*why = FS_CHANNEL_REJECT_COUNT; /* out of memory, until a check says otherwise */
	if (len > FS_CHANNEL_MAX) {
		*why = FS_CHANNEL_OVERSIZED;
		goto out;
	}
	if (len < CHANNEL_MAGIC_LEN || memcmp(buf, FS_CHANNEL_MAGIC, CHANNEL_MAGIC_LEN) != 0) {
		*why = FS_CHANNEL_BAD_MAGIC;
		goto out;
	}
	facts = calloc(FS_FACT_MAX_FACTS, sizeof(*facts));
	tok = json_tokener_new_ex(CHANNEL_DEPTH);
	if (!facts || !tok)
		goto out;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;

		pos += ll + (nl ? 1 : 0);
		if (channel_blank(line, ll))
			continue;
		if (memchr(line, '\0', ll)) {
			*why = FS_CHANNEL_BAD_JSON;
			goto out;
		}
		if (n == FS_FACT_MAX_FACTS) {
			*why = FS_CHANNEL_BAD_FIELD;
			goto out;
		}
		got = channel_line(tok, line, ll, &facts[n++], why);
		if (got == -2)
			*why = FS_CHANNEL_REJECT_COUNT;
		if (got != 0)
			goto out;
	}
	if (n == 0) {
		*why = FS_CHANNEL_BAD_JSON; /* the magic alone: not one fact */
		goto out;
	}
	*out = facts;
	facts = NULL;
	rc = (int)n;
out:
	channel_facts_free(facts, n);
	if (tok)
		json_tokener_free(tok);
	return rc;
}
