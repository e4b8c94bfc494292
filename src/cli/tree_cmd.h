/* forkscope tree FILE: the final process tree of a recording. */
#ifndef FORKSCOPE_TREE_CMD_H
#define FORKSCOPE_TREE_CMD_H

#include "cli/cli.h"

int tree_command(const struct fs_cli *cli);

#endif
