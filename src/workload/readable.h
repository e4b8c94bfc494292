/* Why a file forkscope needs (a demo, the demo folder, the Python hook) cannot be read:
 * by whom, for what reason, and which folder stands in the way. */
#ifndef FORKSCOPE_READABLE_H
#define FORKSCOPE_READABLE_H

#include <stddef.h>

/* 0 when forkscope (its effective user) can open path for reading, else -errno. */
int readable_check(const char *path);
/* One line, without "forkscope: ", for an open of path that failed with errno err:
 * "cannot read WHAT PATH as USER (uid N): REASON (HINT)"; the user is left out when the
 * file does not exist. */
void readable_explain(const char *what, const char *path, int err, char *buf, size_t len);

#endif
