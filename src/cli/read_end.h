#ifndef FS_CLI_READ_END_H
#define FS_CLI_READ_END_H

#include "record/replay.h"

/* The end of a command that read a recording and printed from it (tree, narrate): flush
 * stdout, then say on stderr why reading failed (rc != 0, err), or how the recording
 * ended when it is not whole (a warning), or that writing `what` failed (out_rc != 0 or a
 * stdout error). Returns the command's exit status: 0, or 1. */
int cli_read_end(const char *file, int rc, const char *err, const struct fs_replay_info *info,
		 int out_rc, const char *what);

#endif
