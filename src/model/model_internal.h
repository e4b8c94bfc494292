/* The model's insides, shared by the files of src/model/ only: model.c (events, lookups),
 * proc.c (entries), pidmap.c, strings.c, retire.c, analysis.c, output.c (the workload's
 * lines), channel.c and facts.c (the channel's records), pyfacts.c, pystate.c and
 * pyanalysis.c (Python's own facts). */
#ifndef FORKSCOPE_MODEL_INTERNAL_H
#define FORKSCOPE_MODEL_INTERNAL_H

#include "model/channel.h"
#include "model/model.h"
#include "model/output.h"
#include "model/python.h"

/* Shared storage of one exec's file name and argv: a fork child refers to its parent's. */
struct fs_strings {
	size_t refs;
	int argc;
	char *filename;
	char *argv[]; /* argc + 1 pointers (NULL-terminated), then the bytes */
};

/* Open-addressing hash, linear probing, deleted from by rebuilding it; a key is stored as
 * key + 1 (0 = empty). */
struct fs_map {
	uint64_t *keys;
	uint64_t *vals;
	size_t cap; /* power of two, or 0 */
	size_t len;
};

/* The last sender of one signal number to one process. */
struct fs_sigrec {
	uint32_t sender;
	uint64_t t_ns;
};

/* A kept output line and the room allocated for its bytes (an open line grows). */
struct fs_out_line {
	struct fs_output_line l;
	uint32_t room; /* bytes allocated at l.data (len + 1 at least) */
};

/* The workload's lines (output.c): a ring of the kept ones, oldest at head. */
struct fs_output_state {
	struct fs_out_line *ring;
	size_t cap, head, n;
	size_t kept_bytes;  /* what the kept lines cost, against FS_OUTPUT_KEEP_BYTES */
	struct fs_map open; /* pid << 2 | fd -> line number of its open line (made ever) */
	uint64_t hash;	    /* every change to the lines, in order (model_digest) */
	struct fs_output_stats stats; /* stats.lines: the next line's number */
};

/* The channel's facts (facts.c): a ring of the kept ones, oldest at head. */
struct fs_fact_state {
	struct fs_fact *ring;
	size_t cap, head, n;
	size_t kept_bytes; /* against FS_FACT_KEEP_BYTES */
	uint64_t hash;	   /* every fact accepted and every rejection, in order */
	struct fs_channel_stats stats;
};

/* Python's facts (pyfacts.c, pystate.c): the clock base, the tasks (a ring, oldest at head) and the
 * pools (creation order; pool_map: creator serial << 24 | number -> index). */
struct fs_py_state {
	uint64_t clock_base; /* CLOCK_MONOTONIC of t_ns = 0, 0 unknown */
	bool hook_said;	     /* model_set_pyhook was called */
	bool hook_on;
	struct fs_task *tasks;
	size_t tcap, thead, tn;
	struct fs_pool *pools;
	size_t npools, cappools;
	struct fs_map pool_map;
	uint64_t hash; /* every task kept, in order (model_digest) */
	struct fs_py_stats stats;
};

struct fs_model {
	uint32_t root_pid;
	int root_idx;
	struct fs_proc *procs;
	size_t nprocs, cap;
	struct fs_map pids; /* pid -> index of its newest entry */
	struct fs_map sigs; /* index << 7 | sig -> index into sigrecs */
	struct fs_sigrec *sigrecs;
	size_t nsigrecs, capsigrecs;
	int *exits; /* proc indexes in end_ns order (for recycling) */
	size_t nexits, capexits;
	int next_slot; /* last Pool slot number handed out */
	uint64_t next_serial;
	size_t tombstone_limit;	     /* 0: keep every exited process */
	size_t nexited;		     /* exited processes in the table */
	size_t retire_at;	     /* try to retire when nexited reaches this (0: never) */
	size_t retired_daemon_kills; /* daemon kills among retired processes */
	struct fs_model_stats stats;
	struct fs_thread *threads; /* creation order */
	size_t nthreads, capthreads;
	struct fs_map tids; /* tid -> index of its newest thread */
	struct fs_output_state out;
	struct fs_fact_state facts;
	struct fs_py_state py;
};

/* output.c: an output event; the open lines of pid end (its exit: proc_mark_exited), or
 * every open line (the trace is over); free; copy for a clone (dst's state is a bitwise
 * copy of src's on entry), 0 or -1. */
int output_apply(struct fs_model *m, const struct fs_event *ev);
void output_close_pid(struct fs_model *m, uint32_t pid);
void output_close_all(struct fs_model *m);
void output_free(struct fs_model *m);
int output_copy(struct fs_model *dst, const struct fs_model *src);

/* facts.c: a channel event (decoded by channel_decode, kept or its rejection counted);
 * free; copy for a clone like output_copy. */
int facts_apply(struct fs_model *m, const struct fs_event *ev);
void facts_free(struct fs_model *m);
int facts_copy(struct fs_model *dst, const struct fs_model *src);

/* pyfacts.c: one fact just kept (writer idx) applied to Python's account, 0 or -1 (ENOMEM). */
int pyfacts_apply(struct fs_model *m, int idx, const struct fs_fact *f);
/* pystate.c: the pool of (creator index, number), made when new: its index, -1 ENOMEM, -2
 * too many pools; keep one task (the oldest goes past FS_TASK_KEEP), 0 or -1; a fork child
 * starts with its parent's version and hook; an exec starts a new image (what its facts
 * said before goes, unless a fact came after the exec); free; copy for a clone like
 * output_copy; the pool of a worker (index into pools), -1. */
int pystate_pool_get(struct fs_model *m, int creator, uint32_t number);
int pystate_task_push(struct fs_py_state *ps, const struct fs_task *t);
void pyfacts_fork(struct fs_model *m, int parent, int child);
void pyfacts_exec(struct fs_model *m, int idx, uint64_t t_ns);
void pyfacts_free(struct fs_model *m);
int pyfacts_copy(struct fs_model *dst, const struct fs_model *src);
int pyfacts_pool_index(const struct fs_model *m, const struct fs_proc *p);

/* pyanalysis.c: how idx was stopped, from the facts (at its exit, and again at the end);
 * at model_finish, the hooks (fork children inherit, silent Pythons are "no hook") and
 * every stop, from scratch. */
void pyanalysis_stop(struct fs_model *m, int idx);
void pyanalysis_finish(struct fs_model *m);

/* digest.c: FNV-1a over len bytes, on from h (output.c and facts.c keep running digests). */
uint64_t digest_bytes(uint64_t h, const void *p, size_t len);
uint64_t digest_u64(uint64_t h, uint64_t v);

/* threads.c: the thread events; an exited process's threads end with it; after
 * retirement (remap: old index -> new, -1 gone) the threads of retired processes go. */
int threads_apply(struct fs_model *m, const struct fs_event *ev);
void threads_end_of(struct fs_model *m, int proc_idx, uint64_t t_ns);
int threads_compact(struct fs_model *m, const int *remap);
void threads_free(struct fs_model *m);
/* A copy of src's threads into dst (a clone); 0 or -1. */
int threads_copy(struct fs_model *dst, const struct fs_model *src);

/* model.c: vec with room for one element more than len (capacity *cap), or NULL. */
void *model_vec_grow(void *vec, size_t *cap, size_t len, size_t size);
/* model.c: a ring (n elements from *head) with room for need more, or NULL (see there). */
void *model_ring_grow(void *ring, size_t *cap, size_t *head, size_t n, size_t need, size_t first,
		      size_t elem);

/* pidmap.c. get: false when key is absent. put: insert or overwrite, 0 or -1 (ENOMEM).
 * init: an empty map that takes n keys without growing, 0 or -1. copy: dst a copy of src
 * (dst's old contents not freed), 0 or -1. */
bool pidmap_get(const struct fs_map *mp, uint64_t key, uint64_t *val);
int pidmap_put(struct fs_map *mp, uint64_t key, uint64_t val);
int pidmap_init(struct fs_map *mp, size_t n);
int pidmap_copy(struct fs_map *dst, const struct fs_map *src);
void pidmap_free(struct fs_map *mp);
/* Remove key (backward-shift deletion); whether it was there. */
bool pidmap_del(struct fs_map *mp, uint64_t key);

/* strings.c. new: one exec's file name and argv in one block (args NUL-separated, the last
 * may lack it), one reference; NULL on ENOMEM. unref: drop one (NULL is fine). set: point p
 * at s (the caller hands over one reference; NULL for none), dropping p's old strings. */
struct fs_strings *strings_new(const char *filename, size_t flen, const char *args, size_t alen);
void strings_unref(struct fs_strings *s);
void strings_set(struct fs_proc *p, struct fs_strings *s);

/* proc.c: the entries. An index returned is -1 on ENOMEM. */
void proc_copy_comm(char *dst, const char *src); /* at most FS_COMM_LEN - 1 bytes */
/* Give idx a role, keeping stats.by_role and its starter's live mp_child count in step. */
void proc_set_role(struct fs_model *m, int idx, enum fs_role role, enum fs_method method,
		   const char *reason);
/* A new live entry for pid started at t, the PID's newest (the root gets role main). */
int proc_new(struct fs_model *m, uint32_t pid, uint64_t t);
/* Append child to parent's children (start order), O(1). */
void proc_link(struct fs_model *m, int parent, int child);
/* Record the parent an event names; a new one goes to ppid_history. */
void proc_set_ppid(struct fs_proc *p, uint32_t ppid);
/* Mark idx exited at t; lost = its exit event was never seen. 0 or -1. */
int proc_mark_exited(struct fs_model *m, int idx, uint64_t t, bool lost);
/* An entry for a process first seen by an exec, exit or signal (its fork not seen). */
int proc_unseen(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm, uint64_t t);
/* The live entry of pid, made (unseen) when unknown or when its newest entry exited. */
int proc_live(struct fs_model *m, uint32_t pid, uint32_t ppid, const char *comm, uint64_t t);
/* The live entry an exec or exit event is about, adopted by and set to the parent it names. */
int proc_of_event(struct fs_model *m, const struct fs_event *ev);

/* retire.c: past the tombstone limit, retire a batch of the oldest exited leaves (indexes
 * change). 0, or -1 on ENOMEM (nothing retired). */
int retire_batch(struct fs_model *m);

#endif
