/* The terminal forkscope owns for the workload's stdout and stderr: a pty whose slave the
 * workload writes to (so programs line-buffer as in a terminal) and whose master forkscope
 * drains and discards (the kernel's copy of each write is the text: trace/capture.c). */
#ifndef FORKSCOPE_PTY_H
#define FORKSCOPE_PTY_H

#include <stdint.h>
#include <sys/types.h>

struct fs_pty {
	int master;    /* non-blocking, close-on-exec; -1 when closed */
	int slave;     /* close-on-exec (the workload gets it by dup2); -1 when closed */
	uint64_t ino;  /* the slave's inode number... */
	uint32_t kdev; /* ...and the kernel's dev_t of its devpts (major << 20 | minor) */
};

/* A new pty of rows x cols (0: 24 x 80), not the controlling terminal of anything, with
 * output post-processing off (the master reads what was written). 0 or -errno. */
int pty_open(struct fs_pty *p, unsigned rows, unsigned cols);
/* The slave belongs to the workload's user (a program may reopen /dev/stdout). */
void pty_give(const struct fs_pty *p, uid_t uid, gid_t gid);
/* Read and discard what the master holds; returns the bytes read. */
size_t pty_drain(const struct fs_pty *p);
void pty_close(struct fs_pty *p);

#endif
