/* Where the workload's stdout and stderr go: forkscope's pty, whose writes the kernel
 * copies with their writer (output capture), or, with --no-capture or where the output
 * programs cannot run, as before: our stdout and stderr, our stderr, or a pipe. */
#ifndef FORKSCOPE_SINK_H
#define FORKSCOPE_SINK_H

#include <stdbool.h>

#include "trace/trace.h"
#include "workload/launch.h"
#include "workload/live.h"
#include "workload/pty.h"

struct fs_sink {
	enum fs_live_output mode;
	bool capturing; /* the pty, its writes captured */
	int pipe_fd;	/* FS_LIVE_OUTPUT_PIPE without capture: the read end, else -1 */
	struct fs_pty pty;
	char warning[400]; /* why output is not captured though it was asked for, or "" */
};

/* Choose and prepare the workload's output for launch_prepare (lo->output_fd,
 * lo->stdout_to_stderr); *child_fd is an fd to close once the workload is forked, or -1.
 * 0, or -errno when even the fallback cannot be set up. */
int sink_setup(struct fs_sink *s, struct fs_trace *t, const struct fs_live_opts *opts,
	       struct fs_launch_opts *lo, int *child_fd);
/* After each poll: drain what the pty holds unless the caller reads it (PIPE mode). */
void sink_poll(struct fs_sink *s);
/* What FS_LIVE_OUTPUT_PIPE's caller reads (the pty's master or the pipe), or -1. */
int sink_fd(const struct fs_sink *s);
void sink_close(struct fs_sink *s);

#endif
