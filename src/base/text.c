/* Text: the one UTF-8 sequence check, argv quoted the way a shell would read it back, and
 * sanitising for the terminal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/text.h"

#define TEXT_ARG_HARD_MAX 512			     /* arg_max is clamped to this */
#define TEXT_QUOTED_MAX (TEXT_ARG_HARD_MAX * 8 + 16) /* worst case of one quoted arg */

size_t text_utf8_len(const char *str, size_t n)
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

bool text_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && (n = text_utf8_len(s + i, len - i)) != 0)
		i += n;
	return i == len;
}

bool text_is_control(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

static bool text_is_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c) != NULL;
}

enum text_style {
	TEXT_PLAIN,  /* no quotes needed */
	TEXT_SINGLE, /* 'a b' */
	TEXT_DOUBLE, /* "it's": holds ' but nothing special inside double quotes */
	TEXT_ANSI,   /* $'a\nb': control characters or invalid UTF-8 */
};

/* How to quote the first maxchars characters of arg (len bytes). */
static enum text_style text_style_of(const char *arg, size_t len, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)arg;
	bool quote = len == 0, squote = false, dq_unsafe = false;
	size_t i = 0, chars = 0;

	while (i < len && chars < maxchars) {
		size_t n = text_utf8_len(arg + i, len - i);

		if (n == 0 || text_is_control(arg + i, n))
			return TEXT_ANSI;
		if (n == 1 && !text_is_plain(s[i]))
			quote = true;
		if (n == 1 && s[i] == '\'')
			squote = true;
		else if (n == 1 && strchr("\"$`\\!", s[i]))
			dq_unsafe = true;
		i += n;
		chars++;
	}
	/* 'a'\''b' is hard to read: "a'b" says the same when nothing else is special */
	if (squote && !dq_unsafe)
		return TEXT_DOUBLE;
	return quote ? TEXT_SINGLE : TEXT_PLAIN;
}

/* One argument, quoted for a POSIX shell (or bash $'' when it holds control bytes), cut
 * after maxchars characters. out has room for TEXT_QUOTED_MAX bytes. */
static size_t text_quote(char *out, const char *arg, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)arg;
	size_t len = strlen(arg), i, n, chars, o = 0;
	enum text_style style = text_style_of(arg, len, maxchars);
	bool ansi = style == TEXT_ANSI;
	char close = 0;

	if (style == TEXT_ANSI) {
		o += (size_t)sprintf(out + o, "$'");
		close = '\'';
	} else if (style == TEXT_DOUBLE) {
		close = out[o++] = '"';
	} else if (style == TEXT_SINGLE) {
		close = out[o++] = '\'';
	}
	for (i = 0, chars = 0; i < len && chars < maxchars; i += n ? n : 1, chars++) {
		n = text_utf8_len(arg + i, len - i);
		if (n == 0) {
			o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
		} else if (ansi && text_is_control(arg + i, n)) {
			unsigned c = n == 1 ? s[i] : s[i + 1];

			if (c == '\n')
				o += (size_t)sprintf(out + o, "\\n");
			else if (c == '\t')
				o += (size_t)sprintf(out + o, "\\t");
			else if (c == '\r')
				o += (size_t)sprintf(out + o, "\\r");
			else if (n == 1)
				o += (size_t)sprintf(out + o, "\\x%02x", c);
			else
				o += (size_t)sprintf(out + o, "\\u%04x", c);
		} else if (s[i] == '\'' && ansi) {
			o += (size_t)sprintf(out + o, "\\'");
		} else if (s[i] == '\\' && ansi) {
			o += (size_t)sprintf(out + o, "\\\\");
		} else if (s[i] == '\'' && style == TEXT_SINGLE) {
			o += (size_t)sprintf(out + o, "'\\''");
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
	}
	if (i < len)
		o += (size_t)sprintf(out + o, "...");
	if (close)
		out[o++] = close;
	out[o] = '\0';
	return o;
}

size_t text_quote_argv(char *buf, size_t buflen, char *const *argv, int argc, size_t arg_max)
{
	char *q = malloc(TEXT_QUOTED_MAX);
	size_t len = 0, n;
	int i;

	if (buflen == 0)
		goto out;
	buf[0] = '\0';
	if (!q)
		goto out;
	if (arg_max > TEXT_ARG_HARD_MAX)
		arg_max = TEXT_ARG_HARD_MAX;
	for (i = 0; i < argc && argv[i]; i++) {
		n = text_quote(q, argv[i], arg_max);
		/* room for this argument, a space and a possible " ..." after it */
		if (len + (i > 0) + n + 4 >= buflen) {
			const char *more = i > 0 ? " ..." : "...";

			if (len + strlen(more) < buflen) {
				memcpy(buf + len, more, strlen(more) + 1);
				len += strlen(more);
			}
			break;
		}
		if (i > 0)
			buf[len++] = ' ';
		memcpy(buf + len, q, n + 1);
		len += n;
	}
out:
	free(q);
	return len;
}

void text_sanitize(char *s)
{
	size_t len = strlen(s), i = 0, o = 0;

	while (i < len) {
		size_t n = text_utf8_len(s + i, len - i);
		unsigned char c = (unsigned char)s[i];

		if (n == 1 && c == '\t')
			s[o++] = ' ';
		else if (n == 1 && !text_is_control(s + i, 1))
			s[o++] = (char)c;
		else
			s[o++] = '?';
		i += n ? n : 1;
	}
	s[o] = '\0';
}

/* The visible form of the character at s (n bytes, 0 for an invalid byte) into out (room
 * for 7 bytes): its length, or 0 when it shows as itself. */
static size_t text_escape_one(char *out, const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	if (n == 0)
		return (size_t)sprintf(out, "\\x%02x", c);
	if (n == 1 && c == '\t')
		return (size_t)sprintf(out, " ");
	if (n == 1 && c == '\r')
		return (size_t)sprintf(out, "\\r");
	if (n == 1 && text_is_control(s, 1))
		return (size_t)sprintf(out, "\\x%02x", c);
	if (text_is_control(s, n))
		return (size_t)sprintf(out, "\\u%04x", (unsigned char)s[1]);
	return 0;
}

size_t text_escape(char *buf, size_t buflen, const char *s, size_t len)
{
	size_t i = 0, o = 0, keep = 0; /* keep: the length where a "..." still fits after */
	char esc[8];

	if (buflen == 0)
		return 0;
	while (i < len) {
		size_t n = text_utf8_len(s + i, len - i), k = text_escape_one(esc, s + i, n);
		size_t w = k ? k : n;

		if (o + w + 1 > buflen) {
			o = keep;
			if (o + 3 < buflen) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(buf + o, k ? esc : s + i, w);
		o += w;
		i += n ? n : 1;
		if (o + 4 <= buflen)
			keep = o;
	}
	buf[o] = '\0';
	return o;
}

/* The code point of a valid UTF-8 sequence of n bytes. */
static uint32_t text_code_point(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = s[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

size_t text_visible_char(const char *str, size_t n, bool utf8, char *out, int *cols)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = text_utf8_len(str, n), k = text_escape_one(out, str, len);
	uint32_t cp;
	int w;

	if (k) { /* a control or an invalid byte: text_escape's form, ASCII */
		*cols = (int)k;
		return len ? len : 1;
	}
	if (len == 1) {
		out[0] = (char)s[0];
		out[1] = '\0';
		*cols = 1;
		return 1;
	}
	cp = text_code_point(s, len);
	w = utf8 ? wcwidth((wchar_t)cp) : -1;
	if (w == 1 || w == 2) {
		memcpy(out, s, len);
		out[len] = '\0';
		*cols = w;
		return len;
	}
	*cols = snprintf(out, TEXT_VISIBLE_MAX, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
	return len;
}
