/* forkscope run: launch a workload, trace it to the end, print and record it. */
#ifndef FORKSCOPE_RUN_H
#define FORKSCOPE_RUN_H

#include "cli/cli.h"

/* Returns the process exit status: 0, 1 (failure) or 2 (usage). */
int run_command(const struct fs_cli *cli);

#endif
