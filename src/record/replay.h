/* The one recording-to-model loop: read a recording item by item into a sink (a model, the
 * UI's event store, a fuzzer), and end the model the way the recording supports. Used by
 * `tree`, the replay UI, the fuzzer, the benchmarks and the live == replay test. */
#ifndef FORKSCOPE_REPLAY_H
#define FORKSCOPE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "record/record.h"

/* How the recording ended. */
struct fs_replay_info {
	int schema;
	uint64_t events;  /* event lines read */
	uint64_t last_ns; /* time of the last event */
	bool have_end;	  /* the end line was read */
	struct fs_end end;
	size_t cut_line; /* the last line was cut short (the writer was killed), else 0 */
};

/* Where the items go. header takes ownership of *h (it may move it out and zero it); event
 * gets each event in order. A non-zero return stops the loop with that error (err set by
 * the sink, or "out of memory" when it left err empty). */
struct fs_replay_sink {
	int (*header)(void *ctx, struct fs_header *h, char *err, size_t errlen);
	int (*event)(void *ctx, const struct fs_event *ev, char *err, size_t errlen);
	void *ctx;
};

/* Read the recording at path ("-": stdin) into the sink. 0 when it read to the end (a cut
 * last line is no error: info says so), -1 with err naming the line otherwise; info covers
 * what was read either way. */
int replay_read(const char *path, const struct fs_replay_sink *sink, struct fs_replay_info *info,
		char *err, size_t errlen);

/* What a header tells a new model before its first event: the clock base of Python's
 * facts and whether the run had the hook (model/python.h). Live and replay alike. */
void replay_model_setup(struct fs_model *m, const struct fs_header *h);

/* End a model the way the recording supports: every process followed to its end (one still
 * alive lost its exit), or stopped while some lived ("unknown after"), then the analyses. */
void replay_end_model(struct fs_model *m, const struct fs_replay_info *info);

/* The whole loop into a new model (with that tombstone limit, 0 for none); *out and
 * *header belong to the caller, also on error (what was read before it). 0 or -1. */
int replay_model(const char *path, size_t tombstone_limit, struct fs_model **out,
		 struct fs_header *header, struct fs_replay_info *info, char *err, size_t errlen);

/* The warning for a recording that stops early (no end line, or a cut last line), e.g.
 * "the recording ends at 4.440 s: line 7 is cut short (forkscope was stopped while
 * writing it)"; "" when it is whole. */
void replay_describe_end(const struct fs_replay_info *info, char *buf, size_t len);

#endif
