/* Recordings: JSON Lines, schema 3; schemas 1 and 2 still read (docs/recording-format.md). */
#ifndef FORKSCOPE_RECORD_H
#define FORKSCOPE_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/event.h"

#define FS_RECORD_SCHEMA 3 /* written; a reader takes 1 to this */

struct fs_header {
	int schema;
	char *tool; /* "forkscope X.Y.Z" */
	uint32_t root_pid;
	char **command; /* NULL-terminated */
	int command_len;
	char *method; /* NULL when none */
	char *python; /* "3.11.2" or NULL */
	char *kernel;
	uint64_t start_realtime_ns;
	uint32_t cpus; /* CPUs of the traced machine (schema 3), 0 when not said */
	/* CLOCK_MONOTONIC at t_ns = 0, the base of Python's facts' own times
	 * (model_set_clock_base); 0 when not said (older recordings) */
	uint64_t mono_base_ns;
	bool pyhook_said; /* "pyhook" was said: whether the run had Python's hook on */
	bool pyhook;
};

struct fs_end {
	uint64_t t_ns;
	uint64_t events;
	uint64_t lost;
	/* every process of the workload is known to have ended (the launched subtree, not
	 * --all): one a model still has alive lost its exit event */
	bool complete;
	uint64_t output_lost; /* output and channel events the kernel's output ring buffer
			       * could not take ("output_lost", written when non-zero) */
};

enum fs_record_kind {
	FS_REC_HEADER = 1,
	FS_REC_EVENT,
	FS_REC_END,
};

struct fs_record_item {
	enum fs_record_kind kind;
	struct fs_header header; /* FS_REC_HEADER: owned by the item, free with record_item_clear */
	struct fs_event event;	 /* FS_REC_EVENT: t_ns relative to the header */
	struct fs_end end;	 /* FS_REC_END */
};

void record_header_clear(struct fs_header *h);
void record_item_clear(struct fs_record_item *it);

/* Writers: one JSON object per line, flushed by the caller. Return 0 or -1. */
int record_write_header(FILE *f, const struct fs_header *h);
int record_write_event(FILE *f, const struct fs_event *ev);
/* The same line to f and to also (NULL: f alone), made once. */
int record_write_event_pair(FILE *f, FILE *also, const struct fs_event *ev);
int record_write_end(FILE *f, const struct fs_end *end);

struct fs_record_reader;
/* Open a recording; NULL with a message in err on failure. path "-" is stdin. */
struct fs_record_reader *record_open(const char *path, char *err, size_t errlen);
/* Next item: 1 got one, 0 end of file, -1 error (err says what and names the line). */
int record_next(struct fs_record_reader *r, struct fs_record_item *it, char *err, size_t errlen);
/* After record_next returned 0: the number of the last line when it was cut short (the
 * writer was killed while writing it; what came before it is whole), else 0. */
size_t record_cut_line(const struct fs_record_reader *r);
/* The schema of the recording's header. */
int record_schema(const struct fs_record_reader *r);
void record_close(struct fs_record_reader *r);

#endif
