/* forkscope's exit status for a finished run: the workload's own, as strace and time do
 * (its exit code, or 128 + N when signal N killed it). */
#ifndef FORKSCOPE_STATUS_H
#define FORKSCOPE_STATUS_H

#include <stddef.h>

#include "model/model.h"

/* The status of the model's root (the launched workload), 0..255, or -1 when it is not
 * known (its exit was not seen); why says so in words: "main 4242 exited 3". */
int status_of_workload(const struct fs_model *m, char *why, size_t len);
/* The status of a process that exited with exit_code, or was killed by signal sig (> 0). */
int status_of_exit(int exit_code, int sig);

#endif
