/* The workload's output: a pty registered with the tracer when output is captured, else
 * today's choices (inherit, stdout to stderr, a pipe), and the one warning when capture
 * was asked for but this kernel or machine does not allow it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "workload/sink.h"

/* A pipe for FS_LIVE_OUTPUT_PIPE without capture: its write end in *child_fd. */
static int sink_pipe(struct fs_sink *s, struct fs_launch_opts *lo, int *child_fd)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	s->pipe_fd = fds[0];
	*child_fd = fds[1];
	lo->output_fd = fds[1];
	return 0;
}

/* The pty, its slave's identity given to the kernel side; -1 with s->warning if not. */
static int sink_pty(struct fs_sink *s, struct fs_trace *t, const struct fs_live_opts *opts,
		    struct fs_launch_opts *lo)
{
	char why[300];
	int e = pty_open(&s->pty, opts->rows, opts->cols);

	if (e != 0)
		snprintf(why, sizeof(why), "cannot make a pty: %s", strerror(-e));
	else if (trace_capture_output(t, s->pty.ino, s->pty.kdev, why, sizeof(why)) != 0)
		e = -1;
	if (e != 0) {
		pty_close(&s->pty);
		snprintf(s->warning, sizeof(s->warning),
			 "output capture is off (%s): the workload's output is not recorded, as "
			 "with --no-capture",
			 why);
		return -1;
	}
	if (lo->drop)
		pty_give(&s->pty, lo->uid, lo->gid);
	lo->output_fd = s->pty.slave; /* forkscope keeps it open: the master never hangs up */
	trace_watch_fd(t, s->pty.master);
	s->capturing = true;
	return 0;
}

int sink_setup(struct fs_sink *s, struct fs_trace *t, const struct fs_live_opts *opts,
	       struct fs_launch_opts *lo, int *child_fd)
{
	*child_fd = -1;
	s->mode = opts->output;
	s->pipe_fd = -1;
	s->pty.master = s->pty.slave = -1;
	s->capturing = false;
	s->warning[0] = '\0';
	if (!opts->cli->no_capture && sink_pty(s, t, opts, lo) == 0)
		return 0;
	if (opts->cli->no_capture && trace_capture_error(t))
		snprintf(s->warning, sizeof(s->warning), "the channel from the workload is off: %s",
			 trace_capture_error(t));
	lo->stdout_to_stderr = opts->output == FS_LIVE_OUTPUT_STDERR;
	return opts->output == FS_LIVE_OUTPUT_PIPE ? sink_pipe(s, lo, child_fd) : 0;
}

void sink_poll(struct fs_sink *s)
{
	if (s->capturing && s->mode != FS_LIVE_OUTPUT_PIPE)
		pty_drain(&s->pty);
}

int sink_fd(const struct fs_sink *s)
{
	if (s->mode != FS_LIVE_OUTPUT_PIPE)
		return -1;
	return s->capturing ? s->pty.master : s->pipe_fd;
}

void sink_close(struct fs_sink *s)
{
	pty_close(&s->pty);
	if (s->pipe_fd >= 0)
		close(s->pipe_fd);
	s->pipe_fd = -1;
}
