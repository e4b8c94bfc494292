/* Exports of a run for other tools (docs/export.md): Perfetto's JSON trace, Graphviz dot,
 * a Mermaid flowchart and a hand-written SVG of the tree beside its timeline. Each reads
 * a model built the way a replay builds it (record/replay.h) plus the marks the model does
 * not keep: every fork, exec, signal, thread and run with its time. */
#ifndef FORKSCOPE_EXPORT_H
#define FORKSCOPE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/event.h"
#include "model/model.h"
#include "record/record.h"
#include "record/replay.h"

enum export_format {
	EXPORT_PERFETTO = 0,
	EXPORT_DOT,
	EXPORT_MERMAID,
	EXPORT_SVG,
	EXPORT_FORMAT_COUNT,
};

/* Marks kept at most (runs are most of them); more are counted in marks_dropped. */
#define EXPORT_MARK_MAX 2000000

/* One event the model only sums up, with the processes it names (fs_proc.serial + 1, 0
 * when the model had no such process at the time). */
struct export_mark {
	uint32_t type; /* FS_EV_* */
	uint32_t tid;  /* the thread (run, thread, thread_exit; fork: the forking thread) */
	uint64_t t_ns;
	uint64_t end_ns; /* run: when it left the CPU */
	uint64_t serial; /* the process it happened in (fork: the child; signal: the sender) */
	uint64_t other;	 /* fork: the parent; signal: the target */
	uint32_t pid;	 /* the PID of serial; signal: the sender's */
	uint32_t target; /* signal: the target's PID */
	int32_t sig, sig_result;
	uint32_t cpu, left; /* run */
	char *name;	    /* exec: the program's base name (owned), else NULL */
};

/* A run made ready for the exporters: the model, the recording's header, the marks and
 * where the trace ends. */
struct export_run {
	struct fs_model *m;
	struct fs_header header;
	bool have_header;
	struct fs_replay_info info;
	struct export_mark *marks;
	size_t nmarks, cap;
	uint64_t marks_dropped;
	uint64_t end_ns; /* the trace's last moment: its end line, else its last event */
};

/* Build a run event by event, as replay_model does (a TUI run from its events in memory
 * uses the same calls): begin with the header (copied), each event in order, then end
 * with how the source ended. 0, or -1 out of memory. */
int export_run_begin(struct export_run *x, const struct fs_header *h);
int export_run_event(struct export_run *x, const struct fs_event *ev);
void export_run_end(struct export_run *x, const struct fs_replay_info *info);
/* The whole recording at path into x (its model included). 0, or -1 with err ("line 7:
 * ...", "no header line in the recording"). x is to be freed either way. */
int export_run_load(struct export_run *x, const char *path, char *err, size_t errlen);
void export_run_free(struct export_run *x);

/* "perfetto", "dot", "mermaid", "svg"; the format of that name, or -1. */
const char *export_format_name(enum export_format fmt);
int export_format_parse(const char *name);
/* The file name ending of a format: ".perfetto.json", ".dot", ".mmd", ".svg". */
const char *export_format_ext(enum export_format fmt);

/* Write the run in that format. 0, or -1 on a write error or out of memory. */
int export_write(FILE *f, const struct export_run *x, enum export_format fmt);
/* Write it to the file out ("-": stdout), replacing it whole (a temporary file renamed).
 * 0, or -1 with err naming the file and the reason. */
int export_write_file(const char *out, const struct export_run *x, enum export_format fmt,
		      char *err, size_t errlen);

#endif
