/* The exec string store (struct fs_strings): one exec's file name and argv in a single
 * reference-counted block. A fork child shares its parent's block until it execs itself,
 * and a model clone shares every block: they are never changed once made. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* One exec's file name and argv in one block; args is NUL-separated (the last may lack it). */
struct fs_strings *strings_new(const char *filename, size_t flen, const char *args, size_t alen)
{
	struct fs_strings *s;
	size_t head, off = 0;
	char *bytes;
	int argc = 0;

	for (size_t i = 0; i < alen; i++)
		argc += args[i] == '\0';
	if (alen && args[alen - 1] != '\0')
		argc++;
	head = offsetof(struct fs_strings, argv) + ((size_t)argc + 1) * sizeof(char *);
	s = malloc(head + flen + 1 + alen + 1);
	if (!s)
		return NULL;
	bytes = (char *)s + head;
	memcpy(bytes, filename, flen);
	bytes[flen] = '\0';
	s->filename = flen ? bytes : NULL;
	bytes += flen + 1;
	memcpy(bytes, args, alen);
	bytes[alen] = '\0';
	for (int k = 0; k < argc; k++) {
		s->argv[k] = bytes + off;
		off += strlen(bytes + off) + 1;
	}
	s->argv[argc] = NULL;
	s->argc = argc;
	s->refs = 1;
	return s;
}

void strings_unref(struct fs_strings *s)
{
	if (s && --s->refs == 0)
		free(s);
}

/* Point p at s (the caller hands over one reference), dropping the old strings. */
void strings_set(struct fs_proc *p, struct fs_strings *s)
{
	strings_unref(p->strings);
	p->strings = s;
	p->filename = s ? s->filename : NULL;
	p->argv = s ? s->argv : NULL;
	p->argc = s ? s->argc : 0;
}
