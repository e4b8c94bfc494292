/* The workload's output in the model: output events (one write each, with its writer)
 * assembled into lines per writer, so that two writers' lines never glue; and the records
 * of the channel from the workload (model/channel.c decodes them). No curses, no libbpf. */
#ifndef FORKSCOPE_MODEL_OUTPUT_H
#define FORKSCOPE_MODEL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* A line is cut after this many bytes (the rest is counted in `cut`, not kept). */
#define FS_OUTPUT_LINE_MAX 4096
/* The model keeps about this many bytes of lines, dropping the oldest (counted). */
#define FS_OUTPUT_KEEP_BYTES (8u * 1024u * 1024u)

/* The serial of a line whose writer is not in the table (output before its fork was seen,
 * or a marker of dropped bytes). */
#define FS_OUTPUT_NO_SERIAL UINT64_MAX

/* One line of one writer (a process, on fd 1 or 2): the bytes of its writes up to a
 * newline (not kept), or up to the writer's end, or FS_OUTPUT_LINE_MAX. A marker of
 * dropped bytes (dropped_mark) has no writer: pid, tid and fd 0, FS_OUTPUT_NO_SERIAL. */
struct fs_output_line {
	uint64_t t_ns;	   /* its first byte was written */
	uint64_t end_ns;   /* its last byte was written */
	uint64_t serial;   /* the writer process's fs_proc.serial (model_find_serial), or
			    * FS_OUTPUT_NO_SERIAL */
	uint32_t pid;	   /* the writer's TGID */
	uint32_t tid;	   /* the thread that wrote its first byte */
	uint32_t fd;	   /* 1 (stdout) or 2 (stderr) */
	bool open;	   /* still growing: no newline yet and the writer may write more */
	bool dropped_mark; /* not a line: a marker that `dropped` bytes were lost before */
	uint64_t dropped;  /* dropped_mark: bytes the kernel's rate bound dropped here */
	uint32_t cut;	   /* bytes of it not kept (line cap, or the kernel cut the write) */
	uint32_t len;	   /* bytes in data, exact as written (may hold any byte: sanitise
			    * before showing it, base/text.h) */
	char *data;	   /* NUL-terminated after len */
};

struct fs_output_stats {
	uint64_t writes;	  /* output events applied */
	uint64_t bytes;		  /* bytes they carried */
	uint64_t cut_bytes;	  /* bytes cut: over a line's cap, or not carried by the kernel */
	uint64_t dropped_bytes;	  /* bytes the kernel's rate bound dropped (no writer known) */
	uint64_t lines;		  /* lines made, ever (markers of dropped bytes included) */
	uint64_t lines_forgotten; /* oldest lines dropped to keep FS_OUTPUT_KEEP_BYTES */
	uint64_t lost; /* output events the kernel's ring buffer could not take (the source
			* says so: model_set_output_lost, the end line's "output_lost") */
};

/* Lines kept, oldest first: model_output_line(m, i) for i < model_output_count(m). The
 * pointer stays valid until the next model_apply(). */
size_t model_output_count(const struct fs_model *m);
const struct fs_output_line *model_output_line(const struct fs_model *m, size_t i);
/* Lines ever made before the oldest kept one (so that a view can keep its place while
 * old lines are dropped: line number = model_output_first(m) + i). */
uint64_t model_output_first(const struct fs_model *m);
const struct fs_output_stats *model_output_stats(const struct fs_model *m);
/* The source reports output events lost (cumulative), like model_set_lost. */
void model_set_output_lost(struct fs_model *m, uint64_t lost);

#endif
