/* The UI's CPU arithmetic: the session's on-CPU runs kept in their own sorted index (run
 * events arrive when a run ends, so not in t_ns order), cores busy over an interval, the
 * per-CPU occupancy of each column of a width, and running / runnable / blocked per column
 * for a process or one thread. Pure: no curses (tests/unit/test_cpu.c). */
#ifndef FORKSCOPE_VIEW_CPU_H
#define FORKSCOPE_VIEW_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/view.h"

/* One run, copied from the session's events. */
struct vrun {
	uint64_t t0, t1; /* on the CPU from t0 to t1 */
	uint64_t cpu_ns; /* what the scheduler charged (<= t1 - t0 once runs were merged) */
	uint32_t pid, tid, cpu, left;
};

struct vcpu {
	struct vrun *runs; /* in arrival order */
	size_t n, cap;
	uint32_t *by_time;  /* run indexes by t0 */
	uint32_t *by_owner; /* run indexes by pid, tid, t0 */
	uint32_t *by_cpu;   /* run indexes by cpu, t0 */
	size_t indexed;	    /* runs the two indexes cover */
	uint32_t *cpus;	    /* CPUs used, ascending */
	size_t ncpus;
	uint32_t *sym_pid; /* PIDs that ran, ascending, with their rank by first run */
	uint32_t *sym_rank;
	size_t nsym;
	/* what was scanned: events [first, scanned) of sess */
	const struct session *sess;
	size_t first, scanned;
};

/* The state of a thread (or a process: of its busiest thread) in a column. */
enum vcpu_state {
	VST_NONE = 0, /* no run known there */
	VST_RUNNING,  /* on a CPU (three quarters of the column or more) */
	VST_PART,     /* on a CPU for a quarter to three quarters of it (taking turns) */
	VST_RUNNABLE, /* preempted, waiting for a CPU */
	VST_BLOCKED,  /* waiting for something (sleep, I/O, a lock, the GIL) */
};

/* What one lane shows in one column: the process that ran most there, and the on-CPU
 * time of all of the workload there. */
struct vcpu_cell {
	uint32_t pid; /* 0: idle (or not the workload's) */
	uint64_t busy_ns;
};

void vcpu_init(struct vcpu *c);
void vcpu_free(struct vcpu *c);
/* Take in the session's run events up to its cursor (from scratch when the session, its
 * first kept event or its cursor went back). 0 or -1 (out of memory). */
int vcpu_update(struct vcpu *c, const struct session *s);
/* Add one run by hand (tests, benchmarks); vcpu_index() then sorts. */
int vcpu_add(struct vcpu *c, const struct vrun *r);
int vcpu_index(struct vcpu *c);
/* On-CPU time over [t0, t1) of the workload (pid 0) or of one process (tid 0) or thread. */
uint64_t vcpu_busy_ns(const struct vcpu *c, uint64_t t0, uint64_t t1, uint32_t pid, uint32_t tid);
/* Cores busy over [t0, t1): on-CPU time / wall time (0 for an empty interval). */
double vcpu_cores(const struct vcpu *c, uint64_t t0, uint64_t t1, uint32_t pid);
/* On-CPU time of the workload on lane (index into c->cpus) over [t0, t1). */
uint64_t vcpu_lane_busy(const struct vcpu *c, size_t lane, uint64_t t0, uint64_t t1);
/* Runs of a process (tid 0) or a thread. */
size_t vcpu_runs(const struct vcpu *c, uint32_t pid, uint32_t tid);
/* How the last run of a thread left its CPU (enum fs_run_left), -1 when it has none. */
int vcpu_last_left(const struct vcpu *c, uint32_t pid, uint32_t tid);
/* The cells of lane (index into c->cpus) for the columns of width on the timeline's
 * scale: out[width]. */
void vcpu_lane(const struct vcpu *c, size_t lane, const struct timeline *tl, int width,
	       struct vcpu_cell *out);
/* States per column of a process (tid 0: running if any thread runs) or one thread of it,
 * alive over [from, to): out[width] of enum vcpu_state. On a CPU (summed over the threads)
 * for 3/4 of a column or more: running; 1/4 or more: part; else what took most of it. */
void vcpu_states(const struct vcpu *c, uint32_t pid, uint32_t tid, uint64_t from, uint64_t to,
		 const struct timeline *tl, int width, unsigned char *out);
/* A process's mark in the CPU view: '1'..'9', 'A'..'Z', 'a'..'z' by its first run, then
 * '#'; ' ' for a PID that never ran. */
char vcpu_symbol(const struct vcpu *c, uint32_t pid);

#endif
