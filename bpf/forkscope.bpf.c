// SPDX-License-Identifier: GPL-2.0
/* forkscope kernel side: follow a process subtree through fork, exec, exit and
 * signals; emit one struct fs_event per happening into a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "base/event.h"

#define SIGNAL_GROUP_EXIT_FLAG 0x00000004 /* SIGNAL_GROUP_EXIT in linux/sched/signal.h */

char LICENSE[] SEC("license") = "GPL";

const volatile bool trace_all = false;
/* Wake the reader only once this much is pending (0: at every event). Waking it for each
 * event costs more than the event itself; user space polls on a short timeout anyway. */
const volatile __u64 wakeup_bytes = 0;

/* Counted in the kernel, read by user space: never lose an event silently. */
__u64 lost_events = 0;
__u64 untracked_forks = 0; /* tracked map full: a child could not be followed */
/* Processes of the launched subtree alive now (entries of `tracked`): user space reads it
 * for the process cap, so that no model is needed to enforce it. */
__s64 tracked_live = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

/* Clone flags of a new task, from task_newtask to sched_process_fork (both run in the
 * parent, one after the other): child PID -> flags. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} newtask_flags SEC(".maps");

/* The runs of the subtree's threads: per-task storage, so that a thread of an untraced
 * process costs one pointer test at a context switch (it has no storage at all). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct fs_run_state);
} runs SEC(".maps");

/* Follow the runs of a new thread (or process) of the subtree. */
static __always_inline void run_track(struct task_struct *t, __u32 tgid)
{
	struct fs_run_state fresh = {};

	fresh.tgid = tgid;
	bpf_task_storage_get(&runs, t, &fresh, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* Scratch space for exec events, too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_event);
} scratch SEC(".maps");

/* Whether tgid belongs to the launched subtree (kept in `tracked` even with trace_all,
 * so that termination and the cap reach exactly the workload). */
static __always_inline bool in_subtree(__u32 tgid)
{
	return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

/* Whether events of tgid are emitted. */
static __always_inline bool is_tracked(__u32 tgid)
{
	return trace_all || in_subtree(tgid);
}

static __always_inline __u64 ringbuf_flags(void)
{
	if (!wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									     : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_lost(void)
{
	__sync_fetch_and_add(&lost_events, 1);
}

/* Fill the fixed head of an event; the handler sets what its type carries. */
static __always_inline void event_init(struct fs_event *e, __u32 type, __u32 pid)
{
	e->t_ns = bpf_ktime_get_ns();
	e->clone_flags = 0;
	e->end_ns = 0;
	e->cpu_ns = 0;
	e->cpu = 0;
	e->left = 0;
	e->switches = 0;
	e->fd = 0;
	e->cut = 0;
	e->pad = 0;
	e->dropped = 0;
	e->type = type;
	e->pid = pid;
	e->ppid = 0;
	e->tid = 0;
	e->target = 0;
	e->sig = 0;
	e->exit_code = 0;
	e->parent_threads = 0;
	e->flags = 0;
	e->sig_result = 0;
	e->args_len = 0;
	e->subtree_live = 0;
	e->filename[0] = '\0';
}

#define CLONE_THREAD_FLAG 0x00010000 /* CLONE_THREAD in linux/sched.h */

SEC("tp_btf/task_newtask")
int BPF_PROG(handle_newtask, struct task_struct *task, u64 clone_flags)
{
	__u32 parent_tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 child_pid = BPF_CORE_READ(task, pid);

	if ((clone_flags & CLONE_THREAD_FLAG) || !is_tracked(parent_tgid))
		return 0;
	bpf_map_update_elem(&newtask_flags, &child_pid, &clone_flags, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_pid = BPF_CORE_READ(child, pid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;
	__s64 live = 0;
	__u64 *flags;
	struct fs_event *e;

	if (child_pid != child_tgid) { /* a new thread, not a new process */
		if (!in_subtree(child_tgid))
			return 0;
		run_track(child, child_tgid);
		e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
		if (!e) {
			count_lost();
			return 0;
		}
		event_init(e, FS_EV_THREAD, child_tgid);
		e->tid = child_pid;
		e->target = BPF_CORE_READ(parent, pid);
		e->ppid = BPF_CORE_READ(child, real_parent, tgid);
		e->parent_threads = BPF_CORE_READ(child, signal, nr_threads);
		BPF_CORE_READ_STR_INTO(&e->comm, child, comm);
		bpf_ringbuf_submit(e, ringbuf_flags());
		return 0;
	}
	if (in_subtree(parent_tgid)) {
		if (bpf_map_update_elem(&tracked, &child_tgid, &one, BPF_NOEXIST) == 0) {
			live = __sync_add_and_fetch(&tracked_live, 1);
			run_track(child, child_tgid);
		} else if (!in_subtree(child_tgid))
			__sync_fetch_and_add(&untracked_forks, 1);
	} else if (!trace_all) {
		return 0;
	}

	e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	event_init(e, FS_EV_FORK, child_tgid);
	e->ppid = BPF_CORE_READ(child, real_parent, tgid);
	e->tid = BPF_CORE_READ(parent, pid);
	e->parent_threads = BPF_CORE_READ(parent, signal, nr_threads);
	e->subtree_live = live > 0 ? (__u32)live : 0;
	flags = bpf_map_lookup_elem(&newtask_flags, &child_tgid);
	if (flags) {
		e->clone_flags = *flags;
		bpf_map_delete_elem(&newtask_flags, &child_tgid);
	}
	BPF_CORE_READ_STR_INTO(&e->comm, parent, comm);
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u32 zero = 0;
	unsigned long arg_start, arg_end, len;
	struct fs_event *e;
	const char *filename;

	if (!is_tracked(tgid))
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	event_init(e, FS_EV_EXEC, tgid);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->tid = BPF_CORE_READ(p, pid);
	BPF_CORE_READ_STR_INTO(&e->comm, p, comm);
	filename = BPF_CORE_READ(bprm, filename);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), filename);

	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > FS_ARGS_LEN - 1) {
		len = FS_ARGS_LEN - 1;
		e->flags |= FS_F_ARGS_TRUNCATED;
	}
	len &= FS_ARGS_LEN - 1;
	if (len > 0 && bpf_probe_read_user(e->args, len, (const void *)arg_start) != 0)
		len = 0;
	e->args_len = len;
	if (bpf_ringbuf_output(&events, e, FS_EVENT_HEAD_SIZE + (len & (FS_ARGS_LEN - 1)),
			       ringbuf_flags()) != 0)
		count_lost();
	return 0;
}

/* Send a thread's pending run (if any) and forget it. */
static __always_inline void run_flush(__u32 tid, struct fs_run_state *rs)
{
	struct fs_event *e;

	if (!rs->start_ns)
		return;
	e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
	if (!e) {
		count_lost();
		rs->start_ns = 0;
		return;
	}
	event_init(e, FS_EV_RUN, rs->tgid);
	e->t_ns = rs->start_ns;
	e->tid = tid;
	e->end_ns = rs->end_ns;
	e->cpu_ns = rs->cpu_ns;
	e->cpu = rs->cpu;
	e->left = rs->left;
	e->switches = rs->switches;
	bpf_ringbuf_submit(e, ringbuf_flags());
	rs->start_ns = 0;
}

/* A thread leaves the CPU at now, its scheduler time at sum: its pending run (begun when
 * it came on, if none was waiting) grows by the time charged since then. */
static __always_inline void run_charge(struct fs_run_state *rs, __u64 sum, __u64 now)
{
	if (!rs->start_ns) {
		rs->start_ns = rs->in_ns;
		rs->cpu_ns = 0;
		rs->switches = 0;
	}
	rs->end_ns = now;
	rs->cpu_ns += sum > rs->in_sum_ns ? sum - rs->in_sum_ns : 0;
	rs->switches++;
	rs->in_ns = 0;
}

/* The run state of a thread of the subtree, NULL for any other (most threads have no task
 * storage at all: one pointer test). */
static __always_inline struct fs_run_state *run_state_of(struct task_struct *t)
{
	if (!t->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&runs, t, 0, 0);
}

/* prev leaves the CPU: a run of 1 ms or more is sent, a shorter one waits to be merged.
 * The clock is read only for a followed thread (*now, 0 until then). */
static __always_inline void run_out(struct task_struct *prev, bool preempt, unsigned int prev_state,
				    __u64 *now)
{
	struct fs_run_state *rs = run_state_of(prev);

	if (!rs || !rs->in_ns)
		return;
	if (!*now)
		*now = bpf_ktime_get_ns();
	run_charge(rs, prev->se.sum_exec_runtime, *now);
	/* TASK_RUNNING is 0: preempted, or yielded while runnable */
	rs->left = preempt || prev_state == 0 ? FS_LEFT_PREEMPTED : FS_LEFT_BLOCKED;
	if (rs->end_ns - rs->start_ns >= FS_RUN_COALESCE_NS)
		run_flush(prev->pid, rs);
}

/* next comes on the CPU: a pending run elsewhere, or too long ago, is sent first. */
static __always_inline void run_in(struct task_struct *next, __u64 now)
{
	struct fs_run_state *rs = run_state_of(next);
	__u32 cpu;

	if (!rs || rs->tgid != (__u32)next->tgid)
		return;
	cpu = bpf_get_smp_processor_id();
	if (!now)
		now = bpf_ktime_get_ns();
	if (rs->start_ns && (rs->cpu != cpu || now - rs->end_ns >= FS_RUN_COALESCE_NS))
		run_flush(next->pid, rs);
	rs->cpu = cpu;
	rs->in_ns = now;
	rs->in_sum_ns = next->se.sum_exec_runtime;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now = 0; /* read only for a followed thread */

	run_out(prev, preempt, prev_state, &now);
	run_in(next, now);
	return 0;
}

/* A thread ends: its last run is sent (it left by exiting), then the thread itself. */
static __always_inline void thread_ended(struct task_struct *p, __u32 tgid, bool last)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	struct fs_run_state *rs = run_state_of(p);
	struct fs_event *e;

	if (rs) {
		/* still on the CPU: charge it up to now */
		if (rs->in_ns)
			run_charge(rs, BPF_CORE_READ(p, se.sum_exec_runtime), bpf_ktime_get_ns());
		rs->left = FS_LEFT_EXITED;
		run_flush(tid, rs);
		bpf_task_storage_delete(&runs, p);
	}
	if (last)
		return;
	e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
	if (!e) {
		count_lost();
		return;
	}
	event_init(e, FS_EV_THREAD_EXIT, tgid);
	e->tid = tid;
	BPF_CORE_READ_STR_INTO(&e->comm, p, comm);
	bpf_ringbuf_submit(e, ringbuf_flags());
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct fs_event *e;
	int code;

	if (BPF_CORE_READ(p, signal, live.counter) != 0) { /* other threads still run */
		if (in_subtree(tgid))
			thread_ended(p, tgid, false);
		return 0;
	}
	if (!is_tracked(tgid))
		return 0;
	if (in_subtree(tgid))
		thread_ended(p, tgid, true);
	if (bpf_map_delete_elem(&tracked, &tgid) == 0)
		__sync_fetch_and_sub(&tracked_live, 1);

	if (BPF_CORE_READ(p, signal, flags) & SIGNAL_GROUP_EXIT_FLAG)
		code = BPF_CORE_READ(p, signal, group_exit_code);
	else
		code = BPF_CORE_READ(p, exit_code);

	e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	event_init(e, FS_EV_EXIT, tgid);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->tid = BPF_CORE_READ(p, pid);
	e->sig = code & 0x7f;
	e->exit_code = (code & 0x7f) ? -1 : (code >> 8) & 0xff;
	e->flags = (code & 0x80) ? FS_F_CORE_DUMPED : 0;
	BPF_CORE_READ_STR_INTO(&e->comm, p, comm);
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u32 target = BPF_CORE_READ(task, tgid);
	__u64 id = bpf_get_current_pid_tgid();
	struct fs_event *e;

	if (!is_tracked(target))
		return 0;
	e = bpf_ringbuf_reserve(&events, FS_EVENT_HEAD_SIZE, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	event_init(e, FS_EV_SIGNAL, id >> 32);
	e->tid = (__u32)id;
	e->target = target;
	e->sig = sig;
	e->sig_result = result;
	/* the kernel drops a signal to a process in its group exit and calls that "ignored"
	 * too (a thread leaving alone, pthread_exit, is no group exit: not counted) */
	if (BPF_CORE_READ(task, signal, flags) & SIGNAL_GROUP_EXIT_FLAG)
		e->flags |= FS_F_TARGET_EXITING;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}
