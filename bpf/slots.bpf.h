/* SPDX-License-Identifier: GPL-2.0 */
/* The subtree's threads, as both BPF objects see them: forkscope.bpf.c keeps them,
 * output.bpf.c shares its maps (bpf_map__reuse_fd) to tell a thread of the workload. */
#ifndef FORKSCOPE_SLOTS_BPF_H
#define FORKSCOPE_SLOTS_BPF_H

/* The runs of the subtree's threads, a slot per TID % FS_RUN_SLOTS (base/event.h): finding
 * or taking one is a few instructions (creating and freeing BPF task storage for every
 * child cost a fork about 2.5 us, a hash update 1 us, bench/RESULTS.md). Behind
 * `run_filter`: a thread of another cgroup is never looked up here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FS_RUN_SLOTS);
	__type(key, __u32);
	__type(value, struct fs_run_state);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_run_filter);
} run_filter SEC(".maps");

/* The cgroup v2 id of t (plain loads: t->cgroups->dfl_cgrp->kn->id). */
static __always_inline __u64 task_cgid(struct task_struct *t)
{
	return t->cgroups->dfl_cgrp->kn->id;
}

/* The workload's cgroup id, 0 when every task must be looked up (no pre-filter). */
static __always_inline __u64 filter_cgid(void)
{
	__u32 zero = 0;
	struct fs_run_filter *f = bpf_map_lookup_elem(&run_filter, &zero);

	return f ? f->cgid : 0;
}

/* Could t be a thread of the subtree (its runs then are in `runs`)? */
static __always_inline bool maybe_followed(struct task_struct *t, __u64 cgid)
{
	return !cgid || task_cgid(t) == cgid;
}

/* The slot of tid in `runs` (whoever holds it), NULL never in practice. */
static __always_inline struct fs_run_state *run_slot(__u32 tid)
{
	__u32 idx = tid % FS_RUN_SLOTS;

	return bpf_map_lookup_elem(&runs, &idx);
}

/* The run state of a thread of the subtree, NULL for any other (the idle task's TID 0 is
 * that of a free slot). */
static __always_inline struct fs_run_state *run_state_of(struct task_struct *t)
{
	__u32 tid = t->pid;
	struct fs_run_state *rs = run_slot(tid);

	return tid && rs && rs->tid == tid ? rs : NULL;
}

#endif
