/* The command line: forkscope run | tree | demos | --help | --version. */
#ifndef FORKSCOPE_CLI_H
#define FORKSCOPE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/options.h"

/* Parse; 0 on success, 2 after printing a usage error to stderr. */
int cli_parse(int argc, char **argv, struct fs_cli *cli);
void cli_usage(FILE *f);

#endif
