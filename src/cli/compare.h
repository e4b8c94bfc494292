/* forkscope compare [--python A,B,...] [--method M] DEMO [ARGS...]: one demo under
 * several interpreters, side by side, with what changed between their versions. */
#ifndef FORKSCOPE_CLI_COMPARE_H
#define FORKSCOPE_CLI_COMPARE_H

#include "base/options.h"

/* Exit status: 0 every run recorded and replayed, 1 otherwise. */
int compare_command(const struct fs_cli *cli);

#endif
