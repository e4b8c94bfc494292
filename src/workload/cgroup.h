/* The workload's own cgroups: one to kill it whole (cgroup v2 cgroup.kill, or v1
 * freezer), one to cap its number of tasks, threads included (pids.max, v2 or v1): the
 * safety net under the process cap, which forkscope enforces itself. Best effort:
 * where cgroups cannot be used, forkscope falls back on its traced-PID set. */
#ifndef FORKSCOPE_CGROUP_H
#define FORKSCOPE_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct fs_cgroup {
	char kill_dir[PATH_MAX]; /* cgroup v2 dir (cgroup.kill) or v1 freezer dir, or "" */
	bool kill_v2;		 /* kill_dir has cgroup.kill */
	char pids_dir[PATH_MAX]; /* a dir with pids.max, or "" */
};

/* Create the cgroups named forkscope-<pid>; max_tasks (pids.max: processes and threads)
 * 0 for no cap. Never fails: what could not be made is left empty. */
void cgroup_create(struct fs_cgroup *cg, size_t max_tasks);
/* The cgroup v2 id of the cgroup that holds the workload (the kernel's kernfs node id, as
 * a BPF program reads it), or 0 when it is not a cgroup v2 one. */
uint64_t cgroup_id(const struct fs_cgroup *cg);
/* Move a process (before it execs) into the cgroups. */
void cgroup_add(const struct fs_cgroup *cg, pid_t pid);
/* Kill every process in the cgroups with SIGKILL; returns how many were signalled
 * (cgroup.kill counts as 1), or -1 when no cgroup can do it. */
int cgroup_kill(const struct fs_cgroup *cg);
/* Call fn for every process listed in the cgroups (a process may come twice: once per
 * cgroup it is in). */
void cgroup_for_each_pid(const struct fs_cgroup *cg, void (*fn)(void *ctx, uint32_t pid),
			 void *ctx);
/* How many times a fork or a new thread failed on the task cap (pids.events "max"), 0 if
 * unknown. */
uint64_t cgroup_cap_hits(const struct fs_cgroup *cg);
/* Is any process left in the cgroups? (false when there are none to ask) */
bool cgroup_populated(const struct fs_cgroup *cg);
/* Freeze (true) or thaw the workload's cgroup v2 (cgroup.freeze): its processes stop where
 * they are, new ones included, until thawed; the trace keeps what they did before. 0, or
 * -1 (no cgroup v2 of its own, or the write failed). */
int cgroup_freeze(const struct fs_cgroup *cg, bool frozen);
/* Remove the (empty) cgroup directories. */
void cgroup_destroy(struct fs_cgroup *cg);

#endif
