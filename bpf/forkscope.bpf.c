// SPDX-License-Identifier: GPL-2.0
/* forkscope kernel side: follow a process subtree through fork, exec, exit and
 * signals; emit one struct fs_event per happening into a ring buffer.
 *
 * The programs are tp_btf: their arguments are BTF pointers, so task fields are read with
 * plain loads (CO-RE relocated), not bpf_probe_read_kernel() calls; on a kernel with
 * return-thunk mitigations every helper call costs tens of ns, and the fork, exit and
 * switch paths run at every fork, exit and context switch of the machine. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "base/event.h"
#include "comm.bpf.h"
#include "slots.bpf.h"
#include "wakeup.bpf.h"

#define SIGNAL_GROUP_EXIT_FLAG 0x00000004     /* SIGNAL_GROUP_EXIT in linux/sched/signal.h */
#define CLONE_THREAD_FLAG 0x00010000	      /* CLONE_THREAD in linux/sched.h */
#define CLONE_INTO_CGROUP_FLAG 0x200000000ull /* CLONE_INTO_CGROUP (clone3) */

char LICENSE[] SEC("license") = "GPL";

const volatile bool trace_all = false;
/* Wake the reader only once this much is pending (0: at every event). Waking it for each
 * event costs more than the event itself; user space polls on a short timeout anyway. */
const volatile __u64 wakeup_bytes = 0;

/* Counted in the kernel, read by user space: never lose an event silently. */
__u64 lost_events = 0;
__u64 untracked_forks = 0; /* its slot in `tracked` taken: a child could not be followed */
/* Processes of the launched subtree alive now (entries of `tracked`): user space reads it
 * for the process cap, so that no model is needed to enforce it. */
__s64 tracked_live = 0;

/* The subtree's processes (base/event.h): an array, because a hash update cost each fork
 * about 1 us and a slot is taken with one compare-and-swap (bench/RESULTS.md). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, FS_PROC_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

/* Threads of the subtree whose runs could not be followed (their slot in `runs` held). */
__u64 untracked_runs = 0;
/* Set once the kernel saw a thread of the subtree outside the workload's cgroup (and
 * turned the cgroup pre-filter off). */
__u32 run_filter_off = 0;

/* The thread that came on this CPU last, when it may be followed: the "in" half of its
 * current run. The switch that takes it off reads it here, so that a switch between two
 * followed threads looks at one slot in `runs` (prev's), not two. Times are the
 * scheduler's clock of this CPU (rq->clock, fresh at every switch: a load, where
 * bpf_ktime_get_ns() is a helper call that costs more than the rest of the switch),
 * turned into bpf_ktime_get_ns() time with `off`. */
struct fs_cpu_slot {
	__u64 in_clock; /* rq clock when it came on */
	__s64 off;	/* ktime - rq clock on this CPU: an estimate, see clock_sample() */
	__u64 off_at;	/* ktime of the last sample, 0 before the first */
	__u32 tid;	/* the thread; 0 once its switch off the CPU (or exit) took it */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_cpu_slot);
} on_cpu SEC(".maps");

/* A thread of the subtree outside the workload's cgroup (CLONE_INTO_CGROUP, or moved
 * before its exec) would have its runs missed behind the pre-filter: turn it off. */
static __always_inline void filter_check(struct task_struct *t)
{
	__u32 zero = 0;
	struct fs_run_filter *f = bpf_map_lookup_elem(&run_filter, &zero);

	if (f && f->cgid && task_cgid(t) != f->cgid) {
		f->cgid = 0;
		run_filter_off = 1;
	}
}

/* Take tid's slot for a thread of tgid that has used sum ns of CPU so far, with no pending
 * run: false when another live thread holds it. */
static __always_inline bool run_claim(__u32 tid, __u32 tgid, __u64 sum)
{
	struct fs_run_state *rs = run_slot(tid);

	if (!rs)
		return false;
	if (rs->tid != tid && __sync_val_compare_and_swap(&rs->tid, 0, (__u64)tid) != 0)
		return false;
	rs->start_ns = 0;
	rs->end_ns = 0;
	rs->cpu_ns = 0;
	rs->switches = 0;
	rs->tgid = tgid;
	rs->last_sum = sum;
	return true;
}

/* Follow the runs of a new thread (or process) of the subtree; only a clone into another
 * cgroup can leave its parent's (exec checks the rest). */
static __always_inline void run_track(struct task_struct *t, __u32 tgid, u64 clone_flags)
{
	if (!run_claim(t->pid, tgid, t->se.sum_exec_runtime))
		__sync_fetch_and_add(&untracked_runs, 1);
	if (clone_flags & CLONE_INTO_CGROUP_FLAG)
		filter_check(t);
}

/* Scratch space for exec events, too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_event);
} scratch SEC(".maps");

/* The slot of tgid in `tracked` (whoever holds it). */
static __always_inline __u64 *proc_slot(__u32 tgid)
{
	__u32 idx = tgid % FS_PROC_SLOTS;

	return bpf_map_lookup_elem(&tracked, &idx);
}

/* Whether tgid belongs to the launched subtree (kept in `tracked` even with trace_all,
 * so that termination and the cap reach exactly the workload). */
static __always_inline bool in_subtree(__u32 tgid)
{
	__u64 *s = proc_slot(tgid);

	return s && *s == tgid;
}

/* Add tgid to the subtree: 1 added, 0 already in it, -1 its slot is another's. */
static __always_inline int proc_add(__u32 tgid)
{
	__u64 *s = proc_slot(tgid), was;

	if (!s)
		return -1;
	was = __sync_val_compare_and_swap(s, 0, (__u64)tgid);
	return was == 0 ? 1 : was == tgid ? 0 : -1;
}

/* Take tgid out of the subtree: whether it was in it. */
static __always_inline bool proc_remove(__u32 tgid)
{
	__u64 *s = proc_slot(tgid);

	return s && __sync_val_compare_and_swap(s, (__u64)tgid, 0) == tgid;
}

/* The flags of a reserved event record (wakeup.bpf.h). */
static __always_inline __u64 ringbuf_flags(void)
{
	return wakeup_flags(&events, wakeup_bytes, FS_EVENT_BASE_SIZE, true);
}

static __always_inline void count_lost(void)
{
	__sync_fetch_and_add(&lost_events, 1);
}

/* Fill the fixed head of an event at t_ns, up to its file name (FS_EVENT_BASE_SIZE: the
 * record of every type but exec ends there); the handler sets what its type carries. */
static __always_inline void event_init(struct fs_event *e, __u32 type, __u32 pid, __u64 t_ns)
{
	e->t_ns = t_ns;
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
	e->run_start_ns = 0;
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
}

/* A new thread of a process of the subtree: follow its runs, send a thread event. */
static __always_inline void new_thread(struct task_struct *parent, struct task_struct *child,
				       u64 clone_flags)
{
	__u32 tgid = child->tgid;
	struct fs_event *e;

	if (!in_subtree(tgid))
		return;
	run_track(child, tgid, clone_flags);
	e = bpf_ringbuf_reserve(&events, FS_EVENT_BASE_SIZE, 0);
	if (!e) {
		count_lost();
		return;
	}
	event_init(e, FS_EV_THREAD, tgid, child->start_time); /* see handle_newtask */
	e->tid = child->pid;
	e->target = parent->pid;
	e->ppid = child->real_parent->tgid;
	e->parent_threads = child->signal->nr_threads;
	comm_copy(e->comm, parent); /* the child's is a copy of it */
	bpf_ringbuf_submit(e, ringbuf_flags());
}

/* The fork and thread events come from task_newtask, the last step of copy_process(): the
 * child is complete (PID, TGID, parent, thread count), it has not run yet, and the clone
 * flags are an argument here. (sched_process_fork, which fires right after it for the
 * same fork, has no flags: keeping them from one to the other cost a map update, lookup
 * and delete per fork, and a second program.) */
SEC("tp_btf/task_newtask")
int BPF_PROG(handle_newtask, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *parent = bpf_get_current_task_btf();
	__u32 child_tgid = task->tgid;
	__s64 live = 0;
	struct fs_event *e;
	int added;

	if (clone_flags & CLONE_THREAD_FLAG) { /* a new thread, not a new process */
		new_thread(parent, task, clone_flags);
		return 0;
	}
	if (in_subtree(parent->tgid)) {
		added = proc_add(child_tgid);
		if (added > 0) {
			live = __sync_add_and_fetch(&tracked_live, 1);
			run_track(task, child_tgid, clone_flags);
		} else if (added < 0) {
			__sync_fetch_and_add(&untracked_forks, 1);
		}
	} else if (!trace_all) {
		return 0;
	}

	e = bpf_ringbuf_reserve(&events, FS_EVENT_BASE_SIZE, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	/* the child's own start time: CLOCK_MONOTONIC as bpf_ktime_get_ns() is, taken by
	 * copy_process() a few us before (a load, where the helper costs some 75 ns here) */
	event_init(e, FS_EV_FORK, child_tgid, task->start_time);
	e->clone_flags = clone_flags;
	e->ppid = task->real_parent->tgid;
	e->tid = parent->pid;
	e->parent_threads = parent->signal->nr_threads;
	e->subtree_live = live > 0 ? (__u32)live : 0;
	comm_copy(e->comm, parent);
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}

/* Send a thread's pending run (if any) and forget it. */
static __always_inline void run_flush(__u32 tid, struct fs_run_state *rs)
{
	struct fs_event *e;

	if (!rs->start_ns)
		return;
	e = bpf_ringbuf_reserve(&events, FS_EVENT_BASE_SIZE, 0);
	if (!e) {
		count_lost();
		rs->start_ns = 0;
		return;
	}
	event_init(e, FS_EV_RUN, rs->tgid, rs->start_ns);
	e->tid = tid;
	e->end_ns = rs->end_ns > rs->start_ns ? rs->end_ns : rs->start_ns;
	e->cpu_ns = rs->cpu_ns;
	e->cpu = rs->cpu;
	e->left = rs->left;
	e->switches = rs->switches;
	bpf_ringbuf_submit(e, ringbuf_flags());
	rs->start_ns = 0;
}

/* The scheduler's clock of t's CPU, rq->clock (t is on that CPU's run queue): updated at
 * each switch before the tracepoint, or at the wake-up that asked for it. Kernels without
 * group scheduling have no cfs_rq->rq: there it is bpf_ktime_get_ns() (and off stays 0). */
static __always_inline __u64 rq_clock_of(struct task_struct *t)
{
	if (bpf_core_field_exists(t->se.cfs_rq->rq))
		return t->se.cfs_rq->rq->clock;
	return bpf_ktime_get_ns();
}

/* Sample ktime - rq clock at a switch (clk: the rq clock of this switch). A sample is never
 * below the true offset (the rq clock may lag behind, never lead), so the estimate keeps
 * the lowest, allowed to rise by 1/1024 of the time since (drift, NTP slew). */
static __always_inline void clock_sample(struct fs_cpu_slot *slot, __u64 clk)
{
	__u64 now = bpf_ktime_get_ns();
	__s64 s = (__s64)(now - clk);
	__s64 est = slot->off + (__s64)((now - slot->off_at) >> 10);

	slot->off = !slot->off_at || s < est ? s : est;
	slot->off_at = now;
}

/* The thread on this CPU (slot) began its stretch at in_ns (ktime) on cpu: a pending run
 * elsewhere, or that ended too long before, is sent first; with none left, a new one
 * begins there. Never before the thread's last run ended (end_ns stays after a send):
 * the clocks of two CPUs, or two estimates of one offset, may differ by a few us. */
static __always_inline void run_begin(struct fs_run_state *rs, __u32 tid, __u64 in_ns, __u32 cpu)
{
	if (in_ns < rs->end_ns)
		in_ns = rs->end_ns;
	if (rs->start_ns &&
	    (rs->cpu != cpu || (__s64)(in_ns - rs->end_ns) >= (__s64)FS_RUN_COALESCE_NS))
		run_flush(tid, rs);
	if (!rs->start_ns) {
		rs->start_ns = in_ns;
		rs->cpu_ns = 0;
		rs->switches = 0;
		rs->cpu = cpu;
	}
}

/* prev leaves this CPU at clk (rq clock): its stretch since it came on (in the slot) joins
 * its pending run; a run of 1 ms or more is sent, a shorter one waits to be merged. */
static __always_inline void run_out(struct task_struct *prev, bool preempt, unsigned int prev_state,
				    struct fs_cpu_slot *slot, __u64 clk)
{
	struct fs_run_state *rs = run_state_of(prev);
	__u32 tid = prev->pid, cpu = bpf_get_smp_processor_id();
	__u64 sum = prev->se.sum_exec_runtime, cpu_ns, end, in_ns;

	if (!rs || rs->tgid != (__u32)prev->tgid) /* not followed */
		return;
	cpu_ns = sum > rs->last_sum ? sum - rs->last_sum : 0;
	rs->last_sum = sum > rs->last_sum ? sum : rs->last_sum;
	if (!slot->off_at)
		clock_sample(slot, clk);
	end = clk + slot->off;
	/* since it came on; no later than its CPU time allows (its coming on was not seen) */
	in_ns = slot->tid == tid ? slot->in_clock + slot->off : end;
	in_ns = in_ns < end - cpu_ns ? in_ns : end - cpu_ns;
	run_begin(rs, tid, in_ns, cpu);
	rs->end_ns = end;
	rs->cpu_ns += cpu_ns;
	rs->switches++;
	/* TASK_RUNNING is 0: preempted, or yielded while runnable */
	rs->left = preempt || prev_state == 0 ? FS_LEFT_PREEMPTED : FS_LEFT_BLOCKED;
	if (rs->end_ns - rs->start_ns >= FS_RUN_COALESCE_NS) {
		clock_sample(slot, clk);
		run_flush(tid, rs);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	struct fs_cpu_slot *slot;
	__u32 zero = 0;
	__u64 clk, cgid = filter_cgid();
	bool prev_maybe = maybe_followed(prev, cgid), next_maybe = maybe_followed(next, cgid);

	if (!prev_maybe && !next_maybe) /* neither can be followed */
		return 0;
	slot = bpf_map_lookup_elem(&on_cpu, &zero);
	if (!slot)
		return 0;
	clk = rq_clock_of(prev);
	if (prev_maybe)
		run_out(prev, preempt, prev_state, slot, clk);
	slot->tid = 0;
	if (next_maybe) { /* perhaps followed: its run state is looked at when it leaves */
		slot->tid = next->pid;
		slot->in_clock = clk;
	}
	return 0;
}

/* A process of the subtree execs (p is current): it is checked against the pre-filter, and
 * when a thread other than the leader exec'd, it now has the leader's TID (old_tid is its
 * own): its run state moves to that key, as does the per-CPU note that it is on. A thread
 * that came on this CPU unnoted (outside the workload's cgroup while the filter was on) is
 * noted from now: a CPU-bound program may not leave the CPU for a long while. */
static __always_inline void exec_follow(struct task_struct *p, __u32 old_tid)
{
	__u32 tid = p->pid, zero = 0;
	struct fs_run_state *rs, *to;
	struct fs_cpu_slot *slot = bpf_map_lookup_elem(&on_cpu, &zero);

	filter_check(p);
	rs = old_tid != tid ? run_slot(old_tid) : NULL;
	if (rs && rs->tid == old_tid) {
		if (run_claim(tid, rs->tgid, rs->last_sum)) {
			to = run_slot(tid);
			if (to) {
				to->start_ns = rs->start_ns;
				to->end_ns = rs->end_ns;
				to->cpu_ns = rs->cpu_ns;
				to->cpu = rs->cpu;
				to->switches = rs->switches;
				to->left = rs->left;
			}
		}
		__sync_lock_test_and_set(&rs->tid, 0); /* the slot is free again */
		if (slot && slot->tid == old_tid)
			slot->tid = tid;
	}
	if (slot && slot->tid != tid && run_state_of(p)) {
		slot->tid = tid;
		slot->in_clock = rq_clock_of(p);
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid;
	__u32 zero = 0;
	unsigned long arg_start, arg_end, len;
	struct mm_struct *mm;
	struct fs_event *e;

	if (in_subtree(tgid))
		exec_follow(p, (__u32)old_pid);
	else if (!trace_all)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	event_init(e, FS_EV_EXEC, tgid, bpf_ktime_get_ns());
	e->filename[0] = '\0';
	e->ppid = p->real_parent->tgid;
	e->tid = p->pid;
	comm_copy(e->comm, p); /* named by now */
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), bprm->filename);

	mm = p->mm;
	arg_start = mm->arg_start;
	arg_end = mm->arg_end;
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > FS_ARGS_LEN - 1) {
		len = FS_ARGS_LEN - 1;
		e->flags |= FS_F_ARGS_TRUNCATED;
	}
	len &= FS_ARGS_LEN - 1;
	if (len > 0 && bpf_probe_read_user(e->args, len, (const void *)arg_start) != 0)
		len = 0;
	e->args_len = len;
	len &= FS_ARGS_LEN - 1;
	if (bpf_ringbuf_output(
		&events, e, FS_EVENT_HEAD_SIZE + len,
		wakeup_flags(&events, wakeup_bytes, FS_EVENT_HEAD_SIZE + len, false)) != 0)
		count_lost();
	return 0;
}

/* A thread of the subtree ends at now (p is current): its stretch on the CPU since it came
 * on joins its pending run, which it left by exiting (an older pending run is sent first,
 * before the exit's event is reserved: the ring buffer keeps the order of reservations).
 * Its run state, or NULL for a thread not followed. */
static __always_inline struct fs_run_state *thread_charge(struct task_struct *p, __u64 now)
{
	__u32 tid = p->pid, zero = 0;
	struct fs_run_state *rs = run_state_of(p);
	struct fs_cpu_slot *slot;
	__u64 in_ns, sum = p->se.sum_exec_runtime, cpu_ns;
	bool noted;

	if (!rs)
		return NULL;
	slot = bpf_map_lookup_elem(&on_cpu, &zero);
	noted = slot && slot->tid == tid;
	cpu_ns = sum > rs->last_sum ? sum - rs->last_sum : 0;
	if (noted || cpu_ns) { /* on the CPU since it came on: charge what it used since */
		in_ns = noted && slot->off_at ? slot->in_clock + slot->off : now;
		in_ns = in_ns < now - cpu_ns ? in_ns : now - cpu_ns;
		run_begin(rs, tid, in_ns, bpf_get_smp_processor_id());
		rs->end_ns = now;
		rs->cpu_ns += cpu_ns;
		rs->last_sum = sum;
		rs->switches++;
		if (noted)
			slot->tid = 0;
	}
	return rs;
}

/* The ended thread's last run goes with e (its exit or thread_exit event, NULL when the
 * ring buffer was full), and its slot is freed. */
static __always_inline void thread_release(struct fs_run_state *rs, struct fs_event *e)
{
	if (e && rs->start_ns) {
		e->flags |= FS_F_LAST_RUN;
		e->run_start_ns = rs->start_ns;
		e->end_ns = rs->end_ns > rs->start_ns ? rs->end_ns : rs->start_ns;
		e->cpu_ns = rs->cpu_ns;
		e->cpu = rs->cpu;
		e->left = FS_LEFT_EXITED;
		e->switches = rs->switches;
	}
	rs->start_ns = 0;
	__sync_lock_test_and_set(&rs->tid, 0); /* the slot is free again */
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	__u32 tgid = p->tgid;
	bool sub = in_subtree(tgid), last = sig->live.counter == 0;
	struct fs_run_state *rs = NULL;
	struct fs_event *e;
	__u64 now;
	int code;

	/* a thread that is not the last (other threads still run): of the subtree only */
	if (!sub && (!trace_all || !last))
		return 0;
	now = bpf_ktime_get_ns();
	if (sub)
		rs = thread_charge(p, now);
	e = bpf_ringbuf_reserve(&events, FS_EVENT_BASE_SIZE, 0);
	if (!e)
		count_lost();
	if (e && !last) {
		event_init(e, FS_EV_THREAD_EXIT, tgid, now);
		e->tid = p->pid;
	} else if (e) {
		if (sig->flags & SIGNAL_GROUP_EXIT_FLAG)
			code = sig->group_exit_code;
		else
			code = p->exit_code;
		event_init(e, FS_EV_EXIT, tgid, now);
		e->ppid = p->real_parent->tgid;
		e->tid = p->pid;
		e->sig = code & 0x7f;
		e->exit_code = (code & 0x7f) ? -1 : (code >> 8) & 0xff;
		e->flags = (code & 0x80) ? FS_F_CORE_DUMPED : 0;
	}
	if (rs)
		thread_release(rs, e);
	if (sub && last && proc_remove(tgid))
		__sync_fetch_and_sub(&tracked_live, 1);
	if (!e)
		return 0;
	comm_copy(e->comm, p); /* p is current */
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u32 target = task->tgid;
	__u64 id;
	struct fs_event *e;

	if (!trace_all && !in_subtree(target))
		return 0;
	e = bpf_ringbuf_reserve(&events, FS_EVENT_BASE_SIZE, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	event_init(e, FS_EV_SIGNAL, id >> 32, bpf_ktime_get_ns());
	e->tid = (__u32)id;
	e->target = target;
	e->sig = sig;
	e->sig_result = result;
	/* the kernel drops a signal to a process in its group exit and calls that "ignored"
	 * too (a thread leaving alone, pthread_exit, is no group exit: not counted) */
	if (task->signal->flags & SIGNAL_GROUP_EXIT_FLAG)
		e->flags |= FS_F_TARGET_EXITING;
	comm_copy(e->comm, bpf_get_current_task_btf());
	bpf_ringbuf_submit(e, ringbuf_flags());
	return 0;
}
