/* Shared by the cmocka tests of the model: synthetic kernel events applied to a model.
 * Header-only (static inline: a test uses what it needs). */
#ifndef FORKSCOPE_UNIT_EVENTS_H
#define FORKSCOPE_UNIT_EVENTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static struct fs_event ev; /* big: one shared, rebuilt for every event */

static inline void ev_reset(uint32_t type, uint64_t t_ns)
{
	memset(&ev, 0, FS_EVENT_HEAD_SIZE); /* args[] only counts up to args_len */
	ev.type = type;
	ev.t_ns = t_ns;
}

/* parent (TGID ppid, thread tid) forks pid */
static inline void do_fork(struct fs_model *m, uint64_t t, uint32_t ppid, uint32_t tid,
			   uint32_t pid)
{
	ev_reset(FS_EV_FORK, t);
	ev.pid = pid;
	ev.ppid = ppid;
	ev.tid = tid;
	ev.parent_threads = tid == ppid ? 1 : 2;
	strcpy(ev.comm, "python3");
	assert_int_equal(model_apply(m, &ev), 0);
}

/* pid execs filename with a NULL-terminated argv */
static inline void do_exec(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid,
			   const char *filename, const char *const *argv)
{
	size_t off = 0;

	ev_reset(FS_EV_EXEC, t);
	ev.pid = pid;
	ev.ppid = ppid;
	strcpy(ev.filename, filename);
	strncpy(ev.comm, strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename,
		FS_COMM_LEN - 1);
	for (; *argv; argv++) {
		size_t n = strlen(*argv) + 1;

		memcpy(ev.args + off, *argv, n);
		off += n;
	}
	ev.args_len = (uint32_t)off;
	assert_int_equal(model_apply(m, &ev), 0);
}

static inline void do_exit(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid,
			   int code, int sig)
{
	ev_reset(FS_EV_EXIT, t);
	ev.pid = pid;
	ev.ppid = ppid;
	ev.exit_code = sig ? -1 : code;
	ev.sig = sig;
	strcpy(ev.comm, "python3");
	assert_int_equal(model_apply(m, &ev), 0);
}

static inline void do_signal(struct fs_model *m, uint64_t t, uint32_t sender, uint32_t target,
			     int sig)
{
	ev_reset(FS_EV_SIGNAL, t);
	ev.pid = sender;
	ev.tid = sender;
	ev.target = target;
	ev.sig = sig;
	assert_int_equal(model_apply(m, &ev), 0);
}

#endif
