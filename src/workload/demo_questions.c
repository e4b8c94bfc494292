/* A demo's own questions (workload/demo_questions.h). */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "workload/demo_questions.h"
#include "workload/demos.h"

#define DEMO_QUESTION_LINES 80 /* leading comment lines looked at */

/* "# question KIND: TEXT" into q; the kind must be known. */
static int demo_question_line(const char *line, struct demo_questions *q)
{
	static const char key[] = "# question ";
	char kind[64];
	const char *colon, *text;
	enum fs_lesson_kind k;
	size_t n;

	if (strncmp(line, key, sizeof(key) - 1) != 0)
		return 0;
	line += sizeof(key) - 1;
	colon = strchr(line, ':');
	n = colon ? (size_t)(colon - line) : 0;
	if (!n || n >= sizeof(kind))
		return 0;
	memcpy(kind, line, n);
	kind[n] = '\0';
	k = names_lesson_kind_parse(kind);
	if (k == FS_LESSON_KIND_COUNT)
		return 0;
	for (text = colon + 1; *text == ' '; text++)
		;
	snprintf(q->text[k], sizeof(q->text[k]), "%s", text);
	q->text[k][strcspn(q->text[k], "\r\n")] = '\0';
	text_sanitize(q->text[k]);
	return q->text[k][0] != '\0';
}

int demo_questions_read(const char *path, struct demo_questions *q)
{
	char line[512];
	FILE *f = path && path[0] ? fopen(path, "r") : NULL;
	int n = 0;

	memset(q, 0, sizeof(*q));
	if (!f)
		return 0;
	for (int i = 0; i < DEMO_QUESTION_LINES && fgets(line, sizeof(line), f); i++) {
		if (line[0] != '#')
			break; /* the header comments are over */
		n += demo_question_line(line, q);
	}
	fclose(f);
	return n;
}

int demo_questions_find(char *const *argv, int argc, char *path, size_t len)
{
	path[0] = '\0';
	for (int i = 0; argv && i < argc && argv[i]; i++) {
		const char *base = strrchr(argv[i], '/');
		size_t n;
		char name[64];
		struct fs_demo d;

		base = base ? base + 1 : argv[i];
		n = strlen(base);
		if (n < 4 || n - 3 >= sizeof(name) || strcmp(base + n - 3, ".py") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 3), base);
		if (demos_find(demos_dir(), name, &d) == 0) {
			snprintf(path, len, "%s", d.path);
			return 0;
		}
	}
	return -1;
}
