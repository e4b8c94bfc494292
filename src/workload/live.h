/* A live traced workload as a poll-able object: resolve, load BPF, launch, follow,
 * terminate. Used by `run` (text/JSON) and by the terminal UI. */
#ifndef FORKSCOPE_LIVE_H
#define FORKSCOPE_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/options.h"
#include "record/record.h"
#include "trace/trace.h"

/* Where the workload's output goes when it is not captured (--no-capture, or a kernel
 * without the output programs); when it is, both go to forkscope's pty and the text
 * arrives as FS_EV_OUTPUT events. */
enum fs_live_output {
	FS_LIVE_OUTPUT_INHERIT, /* the workload writes to our stdout and stderr */
	FS_LIVE_OUTPUT_STDERR,	/* its stdout goes to our stderr (keeps JSON stdout clean) */
	FS_LIVE_OUTPUT_PIPE,	/* stdout and stderr into a pipe: live_output_fd(); when
				 * captured, the pty's bytes there (the caller drains them) */
};

struct fs_live_opts {
	const struct fs_cli *cli; /* method, python, all, ringbuf_kb, duration, argv, is_demo */
	enum fs_live_output output;
	unsigned rows, cols; /* the pty's window size (0: 24 x 80) */
	/* called for each event, in order (the caller applies it to the run's one model) */
	fs_trace_cb on_event;
	void *ctx;
};

struct fs_live;

/* Resolve the workload, load the tracer, launch. NULL with err set; *usage_error is set
 * when the fault is the user's input (no such demo). */
struct fs_live *live_start(const struct fs_live_opts *opts, bool *usage_error, char *err,
			   size_t errlen);
const struct fs_header *live_header(const struct fs_live *l);
/* Read of the workload's output pipe (FS_LIVE_OUTPUT_PIPE), or -1. Non-blocking. */
int live_output_fd(const struct fs_live *l);
/* Whether the workload's output is captured (FS_EV_OUTPUT events, to the pty). */
bool live_capturing(const struct fs_live *l);
/* Why output capture or the channel is off though asked for (say it once), or NULL. */
const char *live_capture_warning(const struct fs_live *l);
/* Wait up to timeout_ms for events, reap, enforce --duration and the kill grace.
 * Returns 1 while something of the workload remains, 0 when all of it is gone. */
int live_poll(struct fs_live *l, int timeout_ms);
/* Start terminating the workload: SIGTERM now, SIGKILL after a grace period. */
void live_stop(struct fs_live *l);
/* Step mode (docs/narration.md): freeze the running workload (its cgroup v2 freezer) or
 * thaw it. The trace goes on being read. While it is frozen --duration does not count
 * (the deadline moves by the time frozen) and stopping it thaws it first, so that its
 * SIGTERM handlers run. 0, or -1 (no freezer: cgroup v2 of its own needed). */
int live_freeze(struct fs_live *l, bool frozen);
bool live_frozen(const struct fs_live *l);
bool live_running(const struct fs_live *l);
uint64_t live_lost(const struct fs_live *l);
/* Processes the kernel could not follow (their slot taken); *threads: threads whose
 * on-CPU time it could not follow. */
uint64_t live_untracked(const struct fs_live *l, uint64_t *threads);
/* Output and channel events lost (their ring buffer was full). */
uint64_t live_output_lost(const struct fs_live *l);
uint64_t live_events(const struct fs_live *l);
/* The cap on live processes (0: none), and how often a cap was hit: processes killed at
 * once for being over it plus forks or threads the kernel refused at the task cap. */
size_t live_max_procs(const struct fs_live *l);
uint64_t live_cap_hits(const struct fs_live *l);
/* Processes killed at once because they were forked over the process cap. */
uint64_t live_cap_kills(const struct fs_live *l);
/* The kernel's task cap under it (pids.max: processes and threads; 0: none), and how
 * many forks or new threads it refused. */
size_t live_max_tasks(const struct fs_live *l);
uint64_t live_task_refusals(const struct fs_live *l);
uint64_t live_elapsed_ns(const struct fs_live *l);
/* After live_poll returned 0: drain and fill the end line (complete: every process of the
 * workload is known to have ended). A message
 * about the workload itself (exec failed) is put in err, if any; returns 0 or -1. */
int live_finish(struct fs_live *l, struct fs_end *end, char *err, size_t errlen);
/* Kills whatever remains (SIGKILL), waits for it, frees everything. */
void live_free(struct fs_live *l);

/* SIGINT, SIGTERM and SIGHUP set a flag instead of killing forkscope. */
void live_install_signal_handlers(void);
/* The signal received, or 0. */
int live_stop_signal(void);

#endif
