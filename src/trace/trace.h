/* The kernel side seen from user space: load, attach, follow PIDs, read events. */
#ifndef FORKSCOPE_TRACE_H
#define FORKSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

/* The smallest ring buffer (KiB) that holds the largest event (an exec with its 8 KiB of
 * argv) with its record header: a smaller one would lose every long exec. */
#define TRACE_MIN_RINGBUF_KB 16
_Static_assert(TRACE_MIN_RINGBUF_KB * 1024 >= sizeof(struct fs_event) + 8,
	       "the smallest ring buffer must hold the largest event");

struct fs_trace_opts {
	bool all;	     /* trace the whole system, not a subtree */
	size_t ringbuf_kb;   /* 0: the default (4096) */
	bool channel;	     /* load the output program (sys_exit) for the channel */
	bool capture_output; /* ... and for the output (trace_capture_output names the pty) */
};

/* Called for each event, t_ns already relative to trace_base_ns(). Non-zero stops polling. */
typedef int (*fs_trace_cb)(void *ctx, const struct fs_event *ev);

struct fs_trace;

/* Load and attach the BPF programs; NULL with a one-line message saying what to do. */
struct fs_trace *trace_open(const struct fs_trace_opts *opts, fs_trace_cb cb, void *ctx, char *err,
			    size_t errlen);
/* Follow this process (and everything it creates from now on). Its own fork is the
 * caller's to report: with --all, the kernel's event of it is not delivered. */
int trace_track(struct fs_trace *t, uint32_t pid);
/* Wait up to timeout_ms for events and deliver them; returns events delivered or -errno. */
int trace_poll(struct fs_trace *t, int timeout_ms);
/* Deliver whatever is buffered without waiting. */
int trace_drain(struct fs_trace *t);
/* At the end of a run, once the workload is gone: trace_drain, then the output bytes the
 * rate bound dropped after the last output event (as an output event that carries only
 * `dropped`). */
int trace_finish(struct fs_trace *t);
/* Events the kernel could not emit (ring buffer full). */
uint64_t trace_lost(const struct fs_trace *t);
/* Children the kernel could not follow (their slot in `tracked` held by another). */
uint64_t trace_untracked(const struct fs_trace *t);
/* Threads whose runs (on-CPU time) the kernel could not follow (its map full). */
uint64_t trace_untracked_runs(const struct fs_trace *t);
/* The cgroup v2 id of the cgroup that holds the whole workload (before it starts; 0: none):
 * the switch and system-call programs then skip any other task with a few loads, where
 * they otherwise look every task up. A thread of the subtree seen outside it turns the
 * filter off in the kernel (run_filter_off): nothing is missed. 0, or -errno. */
int trace_set_cgroup(struct fs_trace *t, uint64_t cgid);
/* Monotonic time (ns) that event times count from. */
uint64_t trace_base_ns(const struct fs_trace *t);
/* Call fn for every PID of the launched subtree alive now (also with --all). */
int trace_for_each_tracked(struct fs_trace *t, void (*fn)(void *ctx, uint32_t pid), void *ctx);
/* Call fn for each PID in a map of traced PIDs given by its fd (the watchdog's copy), at
 * most limit times; returns how many. */
int trace_map_for_each_pid(int map_fd, int limit, void (*fn)(void *ctx, uint32_t pid), void *ctx);
/* Also return from trace_poll when fd is readable (the workload's pty). */
int trace_watch_fd(struct fs_trace *t, int fd);
/* Capture the subtree's writes to fd 1 and 2 that reach the pty slave with this inode and
 * device (the kernel's dev_t, major << 20 | minor). 0, or -errno with a one-line reason
 * in err (the output programs could not load or attach: run without capture). */
int trace_capture_output(struct fs_trace *t, uint64_t ino, uint32_t dev, char *err, size_t errlen);
/* Why the output programs (output and the channel) are off though asked for, or NULL. */
const char *trace_capture_error(const struct fs_trace *t);
/* Whether output is captured (trace_capture_output succeeded). */
bool trace_capturing(const struct fs_trace *t);
/* Output and channel events the kernel could not emit (their ring buffer full). */
uint64_t trace_output_lost(const struct fs_trace *t);
/* The map of traced PIDs (for the watchdog). */
int trace_tracked_fd(const struct fs_trace *t);
void trace_close(struct fs_trace *t);

#endif
