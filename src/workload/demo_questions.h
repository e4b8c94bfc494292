/* A demo's own questions for predict-then-reveal (docs/narration.md): header comment lines
 * "# question KIND: TEXT" (KIND a lesson kind, names_lesson_kind), asked instead of the
 * kind's own question when the lesson comes in a run of that demo. */
#ifndef FORKSCOPE_DEMO_QUESTIONS_H
#define FORKSCOPE_DEMO_QUESTIONS_H

#include <stddef.h>

#include "base/names.h"

#define DEMO_QUESTION_MAX 240

struct demo_questions {
	char text[FS_LESSON_KIND_COUNT][DEMO_QUESTION_MAX]; /* "" where the demo has none */
};

/* Read the questions of the demo file at path (its leading comment lines); the ones it
 * lacks stay "". Returns how many it has (0 also when it cannot be read). */
int demo_questions_read(const char *path, struct demo_questions *q);
/* The demo a command runs: the file `<demos folder>/NAME.py` of an argument naming a
 * NAME.py (by its base name) that is a demo; path "" when none. Returns 0 or -1. */
int demo_questions_find(char *const *argv, int argc, char *path, size_t len);

#endif
