/* The words of the lessons (model/lessons.h): one plain sentence for each, a question to ask
 * the class before it is shown and the answer shown with it. Built from the lesson alone
 * (what was known when it was found), never from a program's name; the role, method and
 * signal words are base/names.h's. Safe for a terminal (names are escaped). */
#ifndef FORKSCOPE_LESSON_TEXT_H
#define FORKSCOPE_LESSON_TEXT_H

#include <stddef.h>

#include "model/lessons.h"

/* "main forked the forkserver (4467); from now on the forkserver forks every child".
 * Returns the length written. */
size_t lesson_text(const struct fs_lesson *x, char *buf, size_t len);
/* The question that comes before it: "Under forkserver: who will be the new child's
 * parent? main / forkserver / resource tracker". */
size_t lesson_question(const struct fs_lesson *x, char *buf, size_t len);
/* Its short answer: "the forkserver (4467)". */
size_t lesson_answer(const struct fs_lesson *x, char *buf, size_t len);
/* A process as a sentence names it: "main", "the forkserver (4467)", "ForkPoolWorker-2
 * (4471)", "4470", "forkscope (4460), the subreaper". */
size_t lesson_proc_label(const struct fs_lesson_proc *p, char *buf, size_t len);

#endif
