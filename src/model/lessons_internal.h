/* Shared by lessons.c (the process lessons) and lessons_cpu.c (threads and cores). */
#ifndef FORKSCOPE_MODEL_LESSONS_INTERNAL_H
#define FORKSCOPE_MODEL_LESSONS_INTERNAL_H

#include "model/lessons.h"

/* What was said of a process already (per serial): bits of enum lesson_mark. */
struct lesson_mark {
	uint32_t bits;
	uint32_t failed; /* its children that failed before their target ran */
	uint32_t pools;	 /* bit n-1: its Pool or executor #n was told (n <= 32) */
};

struct fs_lessons {
	struct fs_lesson *v;
	size_t n, cap;
	struct lesson_mark *marks; /* indexed by serial */
	size_t nmarks;
	uint64_t *pending; /* serials of SIGTERMed children whose meaning waits on the starter */
	size_t npending, cappending;
	uint64_t last_t[FS_LESSON_KIND_COUNT];	/* the newest lesson of each kind: a burst of */
	uint64_t last_by[FS_LESSON_KIND_COUNT]; /* them (by one process) is told once */
	bool any[FS_LESSON_KIND_COUNT];
	bool grandchild_told;
	bool finished, failed;
	uint32_t cpus, cpus_seen;
	uint64_t event, t_ns; /* the event being looked at */
};

enum lesson_mark_bit {
	LM_FORKSERVER = 1u << 0,
	LM_TRACKER = 1u << 1,
	LM_FSRV_CHILD = 1u << 2,  /* on the forkserver: its first child told */
	LM_SPAWN_EXEC = 1u << 3,  /* on the starter */
	LM_READY_FORK = 1u << 4,  /* on the starter, one per method */
	LM_READY_SPAWN = 1u << 5, /* (LM_READY_FORK << (method - 1)) */
	LM_READY_FSRV = 1u << 6,
	LM_READY_SEEN = 1u << 7, /* on the child: looked at */
	LM_RECYCLED = 1u << 8,	 /* on the replacement */
	LM_KILL = 1u << 9,	 /* on the victim: told, or pending */
	LM_ORPHAN = 1u << 10,
	LM_JOINED = 1u << 11,	  /* on the starter */
	LM_NO_GUARD = 1u << 12,	  /* on the starter */
	LM_CHURN = 1u << 13,	  /* on the starter */
	LM_FAIL_SEEN = 1u << 14,  /* on the child: counted */
	LM_THREADS = 1u << 15,	  /* on the process */
	LM_PROCS = 1u << 16,	  /* on the starter */
	LM_GRANDCHILD = 1u << 17, /* on the child: looked at */
};

#define LESSON_BURST_NS 100000000ull	/* lessons of one kind by one process this close: one */
#define LESSON_MIN_LIFE_NS 100000000ull /* CPU lessons: threads/processes living this long */

/* The mark of p (grown as needed), NULL when out of memory (l->failed). */
struct lesson_mark *lessons_mark(struct fs_lessons *l, const struct fs_proc *p);
/* A new lesson of that kind about the process at idx (who), stamped with the event being
 * looked at; NULL when out of memory. */
struct fs_lesson *lessons_add(struct fs_lessons *l, const struct fs_model *m,
			      enum fs_lesson_kind kind, const struct fs_proc *who);
void lessons_fill_proc(const struct fs_model *m, const struct fs_proc *p,
		       struct fs_lesson_proc *out);
/* lessons_cpu.c: the runs' CPUs, and the thread and process lessons at an exit. */
void lessons_cpu_run(struct fs_lessons *l, const struct fs_event *ev);
void lessons_cpu_threads(struct fs_lessons *l, const struct fs_model *m, int idx);
void lessons_cpu_procs(struct fs_lessons *l, const struct fs_model *m, int idx);

#endif
