/* forkscope tree FILE: the final process tree of a recording. */
#ifndef FORKSCOPE_TREE_CMD_H
#define FORKSCOPE_TREE_CMD_H

#include "cli/cli.h"
#include "model/model.h"
#include "record/record.h"

/* Read a whole recording into a new model; NULL-safe on error paths. Returns 0 or -1 with
 * err set; *out holds what was valid before the error either way (free with model_free). */
int tree_load(const char *path, struct fs_model **out, struct fs_header *header, char *err,
	      size_t errlen);
int tree_command(const struct fs_cli *cli);

#endif
