/* Lessons: the teaching moments of a trace (a forkserver came up, a worker was recycled, a
 * daemon was killed at its parent's exit, two threads took turns...), found from the
 * model's facts as events are applied, so that a live run and its replay find the same
 * lessons at the same events, for any program. Incremental: call lessons_after_event()
 * after each model_apply() and lessons_finish() after model_finish(); each returns how
 * many lessons it added. A lesson keeps what its sentence needs (output/lesson_text.h),
 * copied when it was found: later facts never change it. No I/O (docs/narration.md). */
#ifndef FORKSCOPE_MODEL_LESSONS_H
#define FORKSCOPE_MODEL_LESSONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/names.h"
#include "model/model.h"

/* A process as a lesson names it, as it was when the lesson was found. */
struct fs_lesson_proc {
	uint32_t pid; /* 0: none */
	uint64_t serial;
	enum fs_role role;
	enum fs_method method;
	enum fs_py_kind kind;
	char name[FS_PY_NAME_LEN]; /* multiprocessing's name, "" when not told */
	bool daemon;		   /* Python said it is a daemon */
	bool subreaper;		   /* the launcher itself (forkscope, outside the trace) */
};

struct fs_lesson {
	enum fs_lesson_kind kind;
	uint64_t t_ns;		     /* the time of the event that showed it */
	uint64_t event;		     /* that event's number (0 = the first event applied) */
	bool told;		     /* Python's facts say so (else the kernel's evidence alone) */
	struct fs_lesson_proc who;   /* the process it is about */
	struct fs_lesson_proc other; /* the second one (the replacement, the new parent, the
				      * other thread's process, the forkserver...) */
	struct fs_lesson_proc by;    /* who did it (the starter, the killer) */
	enum fs_method method;	     /* the start method concerned */
	uint64_t count;		     /* tasks run (recycled), workers failed (churn), pool's
				      * processes (pool_started), 0 when unknown */
	uint64_t ns;		     /* a duration: fork -> ready (child_ready) */
	uint32_t tid, tid2;	     /* threads (threads_*) */
	uint32_t milli_cores;	     /* cores busy x 1000 (threads_*, procs_parallel) */
	uint32_t cpus;		     /* cores of the machine, 0 when unknown */
	int sig;		     /* the signal (kills) */
	int exit_code;		     /* the exit code (no_guard, joined) */
	enum fs_py_stop stop;	     /* how Python stopped it (kills) */
	uint32_t pool;		     /* its Pool's or executor's number, 0 */
	bool executor;		     /* the pool is a ProcessPoolExecutor */
};

struct fs_lessons;

struct fs_lessons *lessons_new(void);
void lessons_free(struct fs_lessons *l);
/* The machine's cores (the recording header's "cpus"); 0: the CPUs the runs were seen on. */
void lessons_set_cpus(struct fs_lessons *l, uint32_t cpus);
/* After model_apply(m, ev) of event number `event`: the lessons it showed are added; returns
 * how many (0 also when out of memory: lessons_failed says so). */
size_t lessons_after_event(struct fs_lessons *l, const struct fs_model *m,
			   const struct fs_event *ev, uint64_t event);
/* After model_finish(m): what only the whole trace shows (recycling found late, kills whose
 * meaning was pending), stamped with the last event; returns how many were added. Once. */
size_t lessons_finish(struct fs_lessons *l, const struct fs_model *m);
size_t lessons_count(const struct fs_lessons *l);
/* Lesson i in the order found, NULL past the end; valid until the next call that adds. */
const struct fs_lesson *lessons_at(const struct fs_lessons *l, size_t i);
bool lessons_failed(const struct fs_lessons *l);
/* The first lesson found after event `event` (its event >= event), count when none; the
 * last lesson at or before it, or -1. */
size_t lessons_next(const struct fs_lessons *l, uint64_t event);
long lessons_prev(const struct fs_lessons *l, uint64_t event);

#endif
