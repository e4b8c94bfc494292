/* Python's own facts in the model: what the startup hook of each Python process told over
 * the channel (src/pyhook, docs/channel.md), merged with the kernel's account. Per process
 * in fs_proc.py (model.h); here the trace's clock base, the tasks, the pools and the
 * "why" of a process. The facts are hostile like any record: each is checked against what
 * the kernel saw (a process speaks only for itself and for the children it started), and
 * one that does not fit is ignored and counted. No curses, no libbpf. */
#ifndef FORKSCOPE_MODEL_PYTHON_H
#define FORKSCOPE_MODEL_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

#define FS_TASK_KEEP 65536 /* tasks kept, the oldest dropped (counted) */
#define FS_POOL_MAX 1024   /* pools and executors known; more are counted, not kept */
#define FS_TASK_NO_JOB (-1)

/* One task a Pool or ProcessPoolExecutor worker ran. */
struct fs_task {
	uint64_t serial;   /* the worker (fs_proc.serial, model_find_serial) */
	int64_t job;	   /* Pool: the job (one map() or apply() call); FS_TASK_NO_JOB */
	int64_t index;	   /* its index in the job (Pool) or its work id (executor) */
	uint64_t items;	   /* items it carried: a Pool task is a chunk of a map() */
	uint64_t start_ns; /* on the trace's clock */
	uint64_t end_ns;
};

/* A Pool or ProcessPoolExecutor, known by its creator and its number there (the hook
 * numbers them per process: the first is #1). */
struct fs_pool {
	uint64_t creator;     /* the creator's fs_proc.serial */
	uint32_t creator_pid; /* and its PID */
	uint32_t number;
	bool executor;	       /* a ProcessPoolExecutor (its workers or shutdown() say so) */
	bool told;	       /* the Pool's own fact was seen (processes, maxtasksperchild) */
	enum fs_method method; /* FS_METHOD_NONE when not said */
	uint32_t processes;
	uint32_t maxtasksperchild;		  /* 0: none */
	uint32_t workers;			  /* processes that said they work for it */
	uint64_t created_ns;			  /* when its fact was told, 0 when not */
	uint64_t close_ns, terminate_ns, join_ns; /* Pool.close(), terminate(), join(): first */
	uint64_t shutdown_ns;			  /* executor shutdown(): first */
};

struct fs_py_stats {
	uint64_t applied;	  /* facts of the hook's kinds applied */
	uint64_t ignored;	  /* facts of those kinds that did not fit (a value out of its
				   * bounds, a child that is not the writer's, a claim the
				   * kernel contradicts) */
	uint64_t foreign;	  /* facts of other kinds (kept in model_fact, not applied) */
	uint64_t clock_fallbacks; /* times placed at the write's time: no base, or outside */
	uint64_t hellos;	  /* processes that said hello: the run had the hook */
	uint64_t tasks;		  /* tasks told, ever */
	uint64_t tasks_forgotten; /* oldest tasks dropped to keep FS_TASK_KEEP */
	uint64_t pools_dropped;	  /* pools past FS_POOL_MAX */
};

/* The trace's base on CLOCK_MONOTONIC (t_ns = 0 of the events): the facts' own times
 * (mono_ns) are placed with it. 0, the default, means unknown: every fact is placed at
 * the time of its write. Set it before the first event (recordings: the header's
 * "mono_base_ns"; old ones lack it). */
void model_set_clock_base(struct fs_model *m, uint64_t mono_base_ns);
/* Whether the run had the hook on (the header's "pyhook"). Not set, a run has it when
 * some process said hello. On: a Python process that never spoke is FS_PY_HOOK_NONE once
 * it has exited (model_finish); off: never. */
void model_set_pyhook(struct fs_model *m, bool on);

/* Tasks kept, in the order they were told: model_task(m, i) for i < model_task_count(m);
 * valid until the next model_apply(). A worker's own: filter on serial. */
size_t model_task_count(const struct fs_model *m);
const struct fs_task *model_task(const struct fs_model *m, size_t i);
/* Pools and executors, in the order they became known. */
size_t model_pool_count(const struct fs_model *m);
const struct fs_pool *model_pool(const struct fs_model *m, size_t i);
/* The pool a worker belongs to (its starter's pool of its number), or NULL. */
const struct fs_pool *model_pool_of(const struct fs_model *m, const struct fs_proc *p);
const struct fs_py_stats *model_py_stats(const struct fs_model *m);

/* The entries of a "tasks" fact's t: "index,items,start,duration;..." with start an offset
 * from base_ns (docs/channel.md), into out[i] = {index, items, start, end} (CLOCK_MONOTONIC);
 * all of them valid, or none taken. The number of entries, or -1 (a bad one, or more than
 * max). Pure: the model's own decoding, also for the event lines (output/fact_text.c). */
int pyfacts_tasks_parse(const char *t, int64_t base, int64_t (*out)[4], int max);

/* Why a process has its role and label, in one line: Python's account when it told one
 * ("multiprocessing says it is ForkPoolWorker-3 of Pool #1"), "no hook: ..." for a Python
 * process whose hook never spoke, else the kernel's reason (role_reason). Safe for a
 * terminal. Returns true when the line comes from Python's facts. */
bool model_py_why(const struct fs_model *m, const struct fs_proc *p, char *buf, size_t len);

#endif
