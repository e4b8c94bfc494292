/* The process model: a process table built from fs_events, with Python roles,
 * re-parenting, PID reuse, daemon kills and Pool recycling. No curses, no libbpf. */
#ifndef FORKSCOPE_MODEL_H
#define FORKSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"
#include "base/names.h" /* enum fs_role, enum fs_method */

#define FS_PPID_HISTORY 4

struct fs_strings;

#define FS_PY_VERSION_LEN 16 /* "3.11.2", NUL included */
#define FS_PY_NAME_LEN 64    /* a multiprocessing name, cut at a character, NUL included */
#define FS_PY_TARGET_LEN 96  /* "__main__.task", cut the same way */

/* Python's own account of a process, from the facts its hook told over the channel
 * (model/pyfacts.c, docs/channel.md): all zero when it told none. Times are on the trace's
 * clock, like start_ns (the fact's own CLOCK_MONOTONIC time when the trace's base is known
 * and it lies between the process's start and the write, else the write's time); 0 when
 * not told. A fork child that never exec'd starts with its parent's version and hook. */
struct fs_py {
	char version[FS_PY_VERSION_LEN]; /* "" when not told */
	char name[FS_PY_NAME_LEN];	 /* "ForkPoolWorker-3", "Bob-the-child"; any bytes but
					  * NUL: escape before showing */
	char target[FS_PY_TARGET_LEN];	 /* the Process's target function */
	enum fs_py_kind kind;		 /* FS_PY_KIND_NONE when not told */
	enum fs_py_hook hook;
	enum fs_method method; /* the start method Python named, FS_METHOD_NONE */
	bool daemon_told;      /* daemon is what Python said (else unknown) */
	bool daemon;
	bool recycled;	   /* replaces: certain, from facts (its Pool has maxtasksperchild and the
			    * worker it replaces ended after its tasks), not inferred */
	uint32_t pool;	   /* its Pool's or executor's number in its starter (model_pool_of), 0 */
	uint64_t hello_ns; /* interpreter ready: its hook loaded (exec'd Pythons only) */
	uint64_t main_imported_ns; /* spawn, forkserver: the main module imported again */
	uint64_t ready_ns;	   /* its target (or worker loop) starts */
	uint64_t end_ns;	   /* its target returned, before the process exits */
	uint64_t tasks;		   /* tasks it ran (a Pool task is a chunk) */
	uint64_t items;		   /* items those tasks carried */
	uint64_t exit_cleanup_ns;  /* it began multiprocessing's exit cleanup */
	uint32_t threaded_forks;   /* forks it made while other threads ran */
	uint32_t fork_threads_max; /* the most threads alive at one of them */
	/* what its starter said before acting on it: terminate(), kill() (the first of each;
	 * terminate_at_exit: during the exit cleanup, a pool's finalizer), its first join() */
	uint64_t terminate_ns, kill_ns, join_ns;
	bool terminate_at_exit;
	enum fs_py_stop stop; /* how it was stopped, when the facts say (killed by a signal) */
	uint64_t last_ns;     /* write time of the newest fact applied to it */
};

struct fs_proc {
	uint32_t pid;
	uint32_t ppid;				/* parent TGID now (last event seen) */
	uint32_t ppid_history[FS_PPID_HISTORY]; /* distinct parents, oldest first */
	int ppid_history_len;
	uint32_t parent_tid;	 /* thread of the parent that forked it */
	uint64_t clone_flags;	 /* how it was created (FS_CLONE_*), 0 when not seen */
	uint32_t parent_threads; /* threads in the parent at fork */
	uint32_t starter; /* who asked for it: the parent at fork, or the forkserver's starter */
	enum fs_role role;
	enum fs_method start_method; /* for FS_ROLE_MP_CHILD */
	const char *role_reason;     /* static text: why it got its role */
	char comm[FS_COMM_LEN];
	char *filename; /* last exec, or NULL (inherited from the parent if never exec'd) */
	char **argv;	/* last exec's argv (NULL-terminated), or the parent's if never exec'd */
	int argc;
	bool argv_inherited; /* argv copied from the parent at fork: no exec yet */
	bool is_python;	     /* runs a Python interpreter (python*, pypy*) */
	bool unseen_start;   /* first seen by a later event: its fork was lost or before tracing */
	bool exec_seen;
	bool exited;
	int exit_code; /* -1 when killed by a signal or still alive */
	int signal;    /* fatal signal or 0 */
	bool core_dumped;
	uint32_t killed_by;	   /* sender TGID of the fatal signal, 0 if unknown */
	bool daemon_kill;	   /* SIGTERM from its starter during the starter's exit */
	bool reparented;	   /* its parent changed after fork */
	uint32_t replaces;	   /* Pool recycling: PID of the worker it replaced, 0 if none */
	int slot;		   /* Pool worker slot (1-based chain number), 0 if none */
	uint64_t start_ns;	   /* fork time (or first sighting) */
	uint64_t exec_ns;	   /* last exec, 0 if none */
	uint64_t end_ns;	   /* exit time, 0 while alive */
	uint64_t unknown_after_ns; /* alive when the trace stopped following it (a recording cut
				    * short): what became of it after this time is unknown; 0 */
	uint64_t cpu_ns;	   /* on-CPU time of all its threads */
	uint64_t runs;		   /* stretches of its threads on a CPU */
	uint32_t nthreads;	   /* threads seen (the main one included once it ran) */
	uint64_t output_lines;	   /* lines of output it wrote (model/output.h), kept or not */
	uint64_t facts;		   /* facts it told over the channel (model/channel.h) */
	struct fs_py py;	   /* what Python says of it (model/python.h) */
	int first_thread;	   /* index of its first thread (model_thread), -1 for none */
	/* tree links: indexes into the model's table, -1 for none. The tree is by ORIGINAL
	 * parent (who created whom): re-parenting changes ppid, never these links. */
	int parent;
	int first_child;
	int next_sibling;
	int prev_sibling;    /* -1 for the first child */
	uint64_t serial;     /* creation number, never reused: model_find_serial() */
	unsigned generation; /* >0 when this PID was used before in the trace */
	/* added by the model */
	int last_child;	 /* newest child, -1 for none */
	int starter_idx; /* index of the starter, -1 if unknown */
	bool exit_lost;	 /* marked exited when its PID was reused: exit not seen, status unknown */
	bool argv_truncated;   /* argv did not fit in the event */
	uint64_t kill_sent_ns; /* when the fatal signal was sent (killed_by != 0), else 0 */
	uint32_t replaced_by;  /* Pool recycling: PID of the worker that replaced it, 0 if none */
	/* bookkeeping of the model and its analyses */
	int replaces_idx;	/* index of the replaced worker, -1 */
	uint64_t last_start_ns; /* newest start of a process it started (as starter), 0 if none */
	uint32_t live_mp_children;    /* live mp_child processes it started */
	uint32_t mp_started;	      /* mp_child processes it started, ever */
	uint32_t mp_live_at_start;    /* live mp_child siblings when it became one */
	uint32_t mp_started_at_start; /* its starter's mp_started when it became one */
	bool mp_overlapped;	      /* another mp_child of its starter lived at the same time */
	uint32_t daemon_pending;      /* retired processes it SIGTERMed: daemon kills if it exits
				       * without starting another process */
	uint64_t daemon_pending_ns;   /* newest kill among them */
	struct fs_strings *strings;   /* shared storage behind filename/argv */
};

/* A thread of a traced process (its main thread included, tid == pid), with its CPU time. */
struct fs_thread {
	uint32_t tid;
	uint32_t creator_tid; /* the thread that created it, 0 for the main thread or unseen */
	int proc;	      /* index of its process in the table */
	int next;	      /* the process's next thread (creation order), -1 for none */
	uint64_t start_ns;    /* created (or first seen) */
	uint64_t end_ns;      /* ended, 0 while it runs */
	uint64_t cpu_ns;      /* on-CPU time, the scheduler's accounting */
	uint64_t runs;	      /* stretches on a CPU */
	bool exited;
};

struct fs_model_stats {
	uint64_t events;
	uint64_t forks, execs, exits, signals;
	uint64_t threads, runs; /* thread creations and run lines seen */
	uint64_t lost;		/* as reported by the source (kernel counter or end line) */
	size_t live;
	size_t peak_live;
	size_t by_role[FS_ROLE_COUNT];
	size_t daemon_kills;
	size_t recycled;
	size_t retired; /* exited processes removed from the table (tombstone limit) */
};

struct fs_model;

struct fs_model *model_new(uint32_t root_pid);
void model_free(struct fs_model *m);
/* A deep copy that goes on independently (exec strings shared); NULL when out of memory.
 * O(table): cheap with a tombstone limit. */
struct fs_model *model_clone(const struct fs_model *m);
/* Apply one event (t_ns relative to the trace start). Returns 0, or -1 on ENOMEM. */
int model_apply(struct fs_model *m, const struct fs_event *ev);
/* The source reports lost events (cumulative). */
void model_set_lost(struct fs_model *m, uint64_t lost);
/* Keep at most about n exited processes ("tombstones"); 0 keeps everything (the default).
 * Past the limit, model_apply() retires the oldest exited processes that have no kept
 * children, in batches (down to n - n/8): they leave the table, and the indexes of the
 * others change. Stats keep counting them. */
void model_set_tombstone_limit(struct fs_model *m, size_t n);
/* The traced workload is over (all of it exited) at t_ns: a process still alive in the
 * model lost its exit event; mark it exited with its status unknown (exit_lost). */
void model_end(struct fs_model *m, uint64_t t_ns);
/* The trace stops at t_ns without following the workload to its end (a recording cut short,
 * --all): a process still alive in the model is "unknown after t_ns", neither alive nor
 * exited. */
void model_stop_following(struct fs_model *m, uint64_t t_ns);
/* Run the analyses that need the whole trace (daemon kills, recycling); idempotent, and
 * cheap enough to call again mid-trace (each call redoes them from scratch). */
void model_finish(struct fs_model *m);

size_t model_count(const struct fs_model *m);
/* NULL when idx is out of range. The pointer stays valid only until the next model_apply(),
 * and so does the index when a tombstone limit is set: keep fs_proc.serial across calls. */
const struct fs_proc *model_proc(const struct fs_model *m, size_t idx);
/* Index of the process with that serial, or -1 (retired, or not created yet). */
int model_find_serial(const struct fs_model *m, uint64_t serial);
/* Newest process with that PID, or -1. */
int model_find(const struct fs_model *m, uint32_t pid);
/* Threads: model_thread(m, i) for i < model_thread_count(m); a process's own are
 * p->first_thread, then thread->next. NULL when i is out of range; valid until the next
 * model_apply(), like model_proc(). */
size_t model_thread_count(const struct fs_model *m);
const struct fs_thread *model_thread(const struct fs_model *m, size_t i);
/* Index of the root (the launched workload), or -1 before it is seen. */
int model_root(const struct fs_model *m);
const struct fs_model_stats *model_stats(const struct fs_model *m);
/* A digest of every process's fields and the counts (model/digest.c): equal digests, equal
 * models as far as any output can tell. */
uint64_t model_digest(const struct fs_model *m);

#endif
