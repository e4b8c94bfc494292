/* The one event type that crosses every boundary: BPF program -> trace -> model.
 * Shared by bpf/forkscope.bpf.c (which includes vmlinux.h first) and user space. */
#ifndef FORKSCOPE_EVENT_H
#define FORKSCOPE_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define FS_COMM_LEN 16
#define FS_FILENAME_LEN 256
#define FS_ARGS_LEN 8192 /* power of two: the BPF side masks lengths with it */

enum fs_event_type {
	FS_EV_FORK = 1,
	FS_EV_EXEC = 2,
	FS_EV_EXIT = 3,
	FS_EV_SIGNAL = 4,
};

/* Clone flags the model reads (linux/sched.h). */
#define FS_CLONE_VM 0x00000100ull
#define FS_CLONE_VFORK 0x00004000ull
#define FS_CLONE_PARENT 0x00008000ull

enum fs_event_flags {
	FS_F_CORE_DUMPED = 1u << 0,    /* exit: the fatal signal dumped core */
	FS_F_ARGS_TRUNCATED = 1u << 1, /* exec: argv did not fit in args[] */
	FS_F_UNSEEN_START = 1u << 2,   /* model-side: process seen without its fork */
	FS_F_TARGET_EXITING = 1u << 3, /* signal: the target was already exiting (the kernel
					* drops the signal and reports it as "ignored") */
};

/* Fixed-width fields; which ones are meaningful depends on type:
 *   fork:   pid = child TGID, ppid = parent TGID, tid = parent thread that forked,
 *           parent_threads = threads in the parent at fork, comm = parent's comm,
 *           subtree_live = the launched subtree's live processes after the fork,
 *           clone_flags = how it was created
 *   exec:   pid, ppid, comm (new), filename, args (NUL-separated argv, args_len bytes)
 *   exit:   pid, ppid (parent now), comm, exit_code (-1 if killed), sig (0 if exited)
 *   signal: pid = sender TGID, tid = sender TID, target = target TGID, sig */
struct fs_event {
	__u64 t_ns; /* from bpf_ktime_get_ns() in the kernel; relative to start after trace */
	__u64 clone_flags; /* fork: the clone flags (CLONE_VM|CLONE_VFORK for vfork and
			    * posix_spawn, CLONE_PARENT...); 0 when not seen */
	__u32 type;
	__u32 pid;
	__u32 ppid;
	__u32 tid;
	__u32 target;
	__s32 sig;
	__s32 exit_code;
	__u32 parent_threads;
	__u32 flags;
	__s32 sig_result; /* signal: TRACE_SIGNAL_* result (0 delivered) */
	__u32 args_len;
	__u32 subtree_live; /* fork: processes of the launched subtree alive after it, 0 if
			     * the child is not in it (--all) */
	char comm[FS_COMM_LEN];
	char filename[FS_FILENAME_LEN];
	char args[FS_ARGS_LEN];
};

/* Size of an event without its args payload (what fork/exit/signal carry). */
#define FS_EVENT_HEAD_SIZE ((unsigned long)&((struct fs_event *)0)->args)

#endif
