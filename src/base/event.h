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
	FS_EV_THREAD = 5,      /* a new thread in a traced process */
	FS_EV_THREAD_EXIT = 6, /* a thread ended (not the process's last: that is FS_EV_EXIT) */
	FS_EV_RUN = 7,	       /* a stretch of on-CPU time of one thread on one CPU */
	FS_EV_OUTPUT = 8,      /* bytes a traced thread wrote to the workload's terminal */
	FS_EV_CHANNEL = 9,     /* a record a traced thread wrote to the channel (FS_CHANNEL_FD) */
};

/* Output capture (see docs/output.md): one event carries at most FS_OUTPUT_CHUNK bytes of
 * one write(2)/writev(2) to fd 1 or 2 when that fd is forkscope's pty; a write is cut
 * after FS_OUTPUT_CHUNKS_PER_WRITE events, and the whole workload after
 * FS_OUTPUT_BYTES_PER_SEC (a token bucket of that size): what is cut is counted. */
#define FS_OUTPUT_CHUNK 4096
#define FS_OUTPUT_CHUNKS_PER_WRITE 4
#define FS_OUTPUT_BYTES_PER_SEC (1024ull * 1024ull)

/* The channel from the workload to the trace (docs/channel.md): a write(2) of one record
 * to this fd number, which is negative and so can never be open: it fails with EBADF,
 * harmlessly, while the kernel side copies the buffer with the writer's PID, TID and
 * time. At most FS_CHANNEL_MAX bytes; a longer record arrives as its length only. */
#define FS_CHANNEL_FD (-4099)
#define FS_CHANNEL_MAX 4096
#define FS_CHANNEL_MAGIC "FSC1\n" /* a record starts with it, then JSON objects, one a line */

/* How a thread left the CPU at the end of a run. */
enum fs_run_left {
	FS_LEFT_PREEMPTED = 0, /* still runnable: the scheduler gave the CPU to another */
	FS_LEFT_BLOCKED = 1,   /* it waited for something (sleep, I/O, a lock, the GIL) */
	FS_LEFT_EXITED = 2,    /* it ended */
};

/* Runs shorter than this are merged with the thread's next run on the same CPU (the
 * record then spans both, with the on-CPU time of both): it bounds the event rate under
 * a context-switch storm to about one run per millisecond per thread. CPython hands the
 * GIL over every 5 ms, so that hand-over stays visible. */
#define FS_RUN_COALESCE_NS 1000000ull

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
	FS_F_LAST_RUN = 1u << 4,       /* exit, thread_exit, from the kernel only: it carries
					* the thread's last run (run_start_ns .. end_ns, cpu,
					* cpu_ns, left, switches), which the trace delivers as
					* a run event before it: one ring buffer record less
					* per exit */
};

/* Fixed-width fields; which ones are meaningful depends on type:
 *   fork:   pid = child TGID, ppid = parent TGID, tid = parent thread that forked,
 *           parent_threads = threads in the parent at fork, comm = parent's comm,
 *           subtree_live = the launched subtree's live processes after the fork,
 *           clone_flags = how it was created
 *   exec:   pid, ppid, comm (new), filename, args (NUL-separated argv, args_len bytes)
 *   exit:   pid, ppid (parent now), comm, exit_code (-1 if killed), sig (0 if exited)
 *   signal: pid = sender TGID, tid = sender TID, target = target TGID, sig
 *   thread: pid = TGID, tid = the new thread, target = the thread that created it
 *   thread_exit: pid = TGID, tid = the thread that ended
 *   run:    pid = TGID, tid, t_ns .. end_ns on cpu, cpu_ns, left, switches
 *   output: pid = TGID, tid = the writer, fd (1 or 2), args = the bytes written (args_len),
 *           cut = bytes of this write not carried, dropped = bytes of any writer
 *           dropped by the rate bound since the previous output event
 *   channel: pid = TGID, tid = the writer, args = the record (args_len), cut = its length
 *           when it was over FS_CHANNEL_MAX (args_len 0) */
struct fs_event {
	__u64 t_ns; /* from bpf_ktime_get_ns() in the kernel; relative to start after trace */
	__u64 clone_flags; /* fork: the clone flags (CLONE_VM|CLONE_VFORK for vfork and
			    * posix_spawn, CLONE_PARENT...); 0 when not seen */
	__u64 end_ns;	   /* run: when it left the CPU (t_ns: when it came on) */
	__u64 cpu_ns;	   /* run: on-CPU time in it, the scheduler's own accounting */
	__u32 cpu;	   /* run: the CPU */
	__u32 left;	   /* run: enum fs_run_left */
	__u32 switches;	   /* run: stretches merged into it (1 when none was) */
	__u32 fd;	   /* output: 1 or 2 */
	__u32 cut;	   /* output: bytes of the write not carried; channel: oversized length */
	__u32 pad;
	__u64 dropped;	    /* output: bytes dropped by the rate bound before this event */
	__u64 run_start_ns; /* exit, thread_exit with FS_F_LAST_RUN: the last run's t_ns */
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

/* A thread's pending run: a stretch on a CPU that has ended, or several merged, waiting
 * to be merged with the thread's next one (FS_RUN_COALESCE_NS) or sent. (Where and when
 * the thread came on the CPU it is on now is kept per CPU by the kernel side.) */
struct fs_run_state {
	__u64 start_ns; /* the pending run's start, 0 when there is none */
	__u64 end_ns;	/* its end so far */
	__u64 cpu_ns;	/* its on-CPU time so far */
	__u32 tgid;
	__u32 cpu;
	__u32 switches;
	__u32 left;
	__u64 tid;	/* the thread whose slot it is, 0: a free slot (64 bits: BPF's atomics) */
	__u64 last_sum; /* its sum_exec_runtime when its CPU time was last counted: each stretch
			 * counts what the scheduler added since, so that a switch the programs
			 * did not see loses no CPU time */
};
/* The kernel keeps one per thread of the subtree in the array `runs`, at the slot
 * TID % FS_RUN_SLOTS (the launcher puts the root's there). A slot is a thread's only while
 * its `tid` says so: a thread whose slot another live thread holds is not followed (and
 * counted). An array slot is found with no lock, hash or helper call: a preallocated hash
 * cost each fork about 1 us to update (bench/RESULTS.md). */
#define FS_RUN_SLOTS 65536u
/* The processes of the launched subtree: the array `tracked`, a 64-bit slot per
 * TGID % FS_PROC_SLOTS holding the TGID (0: free), mmap-able so that user space and the
 * watchdog read it whole. A process whose slot another live process holds is not followed
 * (counted as untracked); with pid_max at most FS_PROC_SLOTS that never happens. */
#define FS_PROC_SLOTS 65536u

/* The pre-filter of the switch and system-call paths (the map `run_filter`, one entry,
 * shared by both objects): the cgroup v2 id of the workload's own cgroup, which holds
 * every thread of the subtree. A task of another cgroup costs a few loads and no lookup.
 * 0: no such cgroup (or the kernel saw a thread of the subtree outside it): every task is
 * looked up in `runs`. */
struct fs_run_filter {
	__u64 cgid;
};

/* Size of an event without its args payload (what exec carries before its argv). */
#define FS_EVENT_HEAD_SIZE ((unsigned long)&((struct fs_event *)0)->args)
/* Size of the kernel's record of an event with no file name nor payload (fork, thread,
 * exit, thread_exit, signal, run): it ends before filename[], which the reader then takes
 * as empty. A third of the head: each record of a fork storm writes fewer cache lines
 * the reader's CPU holds. */
#define FS_EVENT_BASE_SIZE ((unsigned long)&((struct fs_event *)0)->filename)

#endif
