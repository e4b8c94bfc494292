/* forkscope narrate [--json] FILE: the lessons of a recording, one line each with its time. */
#ifndef FORKSCOPE_NARRATE_CMD_H
#define FORKSCOPE_NARRATE_CMD_H

#include "cli/cli.h"

int narrate_command(const struct fs_cli *cli);

#endif
