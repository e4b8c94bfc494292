/* The model's insides, shared by model.c and analysis.c only. */
#ifndef FORKSCOPE_MODEL_INTERNAL_H
#define FORKSCOPE_MODEL_INTERNAL_H

#include "model/model.h"

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
};

#endif
