/* The second kernel object seen from user space (bpf/output.bpf.c): the workload's writes
 * to its terminal and its records on the channel, from their own ring buffer. Used by
 * trace.c only: the rest of forkscope asks trace.h. */
#ifndef FORKSCOPE_CAPTURE_H
#define FORKSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hands one record of the ring buffer (a struct fs_event, maybe short) to the tracer, who
 * delivers it like its own; a negative return stops the reading. */
typedef int (*fs_capture_deliver)(void *ctx, const void *data, size_t size);

struct fs_capture;

/* Load the object with forkscope's maps of the subtree's threads (runs_fd) and of their
 * cgroup pre-filter (filter_fd), and attach its sys_exit program (the channel; output too
 * once capture_output names the pty). NULL with a one-line reason. */
struct fs_capture *capture_open(int runs_fd, int filter_fd, fs_capture_deliver deliver, void *ctx,
				char *err, size_t errlen);
/* Capture the writes to fd 1 and 2 that go to the pty slave with this inode and device
 * (the kernel's dev_t: major << 20 | minor), with the program capture_open attached. 0. */
int capture_output(struct fs_capture *c, uint64_t ino, uint32_t dev, char *err, size_t errlen);
/* Whether capture_output succeeded. */
bool capture_capturing(const struct fs_capture *c);
/* Deliver the records whose kernel time is at most until_ns (UINT64_MAX: all that are
 * there), in order. Returns how many, or the deliverer's negative return. */
int capture_consume(struct fs_capture *c, uint64_t until_ns);
/* At the end of a run: the bytes the rate bound dropped after the last output event, as
 * an output event of their own (no bytes, `dropped` set, the last dropped write's writer),
 * delivered like the others. Returns 1 if there were any, else 0. */
int capture_report_dropped(struct fs_capture *c, uint64_t now_ns);
/* Readable when the kernel woke the reader (for epoll). */
int capture_ring_fd(const struct fs_capture *c);
/* Records the ring buffer could not take. */
uint64_t capture_lost(const struct fs_capture *c);
void capture_close(struct fs_capture *c);

#endif
