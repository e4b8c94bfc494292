/* Text: UTF-8 sequences, shell-like quoting of argv for display, and text made safe for a
 * terminal (no control or escape sequence of a traced program ever reaches it raw). */
#ifndef FORKSCOPE_TEXT_H
#define FORKSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of the valid UTF-8 sequence at s (n > 0 bytes readable), 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are not valid). */
size_t text_utf8_len(const char *s, size_t n);
/* Whether s[0..len) is valid UTF-8 throughout. */
bool text_utf8_valid(const char *s, size_t len);
/* Is the character at s (n bytes, a valid sequence) a C0, DEL or C1 control? */
bool text_is_control(const char *s, size_t n);
/* argv joined with spaces, each argument shell-quoted when needed (control characters and
 * invalid UTF-8 as bash $'\xNN' escapes) and cut after arg_max characters with "...". The
 * result is cut (with "...") to fit buflen. Returns the length written. */
size_t text_quote_argv(char *buf, size_t buflen, char *const *argv, int argc, size_t arg_max);
/* Make s printable ASCII in place: a tab becomes a space, every other control character,
 * non-ASCII character (one '?' per character) or invalid byte becomes '?'. */
void text_sanitize(char *s);

/* The bytes s[0..len) (any bytes: a program's output) as one line of text safe for a
 * terminal, every control shown as a visible escape: ESC as \x1b, CR as \r, other C0
 * controls and DEL as \xNN, the C1 controls as \u0080..\u009f, an invalid UTF-8 byte as
 * \xNN; a tab becomes a space, valid UTF-8 stays. Cut with "..." to fit buflen (4 * len + 4
 * is always enough). Returns the length written (buf NUL-terminated when buflen > 0). */
size_t text_escape(char *buf, size_t buflen, const char *s, size_t len);
/* Room text_visible_char needs for one character's visible form (NUL included). */
#define TEXT_VISIBLE_MAX 12
/* One character of text_escape's input made visible, with the columns it takes, for a
 * pane that wraps: the forms of text_escape (ESC as \x1b, CR as \r...), except that a
 * non-ASCII character stays itself only when utf8 and it is printable in one or two
 * columns, else it shows as \uXXXX (zero-width and bidi marks; any in ASCII). The form
 * goes to out (TEXT_VISIBLE_MAX bytes, NUL-terminated), its columns to *cols; returns the
 * bytes of s it took (>= 1; n > 0 bytes readable). utf8 needs a UTF-8 LC_CTYPE (wcwidth). */
size_t text_visible_char(const char *s, size_t n, bool utf8, char *out, int *cols);

#endif
