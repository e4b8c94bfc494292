/* The workload's output and the channel's facts among the event lines of `run --no-tui`:
 * each line of output once it is finished (a newline, its writer's exit, the end of the
 * trace), with its writer (PID, role) and stream, the text made safe for a terminal; each
 * fact told and each record rejected. Lines are printed in the order they finish. */
#ifndef FORKSCOPE_WORKLOAD_LINES_H
#define FORKSCOPE_WORKLOAD_LINES_H

#include <stdio.h>

#include "model/model.h"
#include "model/output.h"

struct workload_lines;

/* NULL when out of memory. */
struct workload_lines *workload_lines_new(void);
void workload_lines_free(struct workload_lines *wl);
/* Call after model_apply(m, ev) and before that event's own line: print the lines the
 * event finished (an output event its own, an exit its writer's) and, for a channel
 * event, its facts or its rejection. 0, or -1 when out of memory (a line may be missed). */
int workload_lines_after(struct workload_lines *wl, FILE *f, const struct fs_event *ev,
			 const struct fs_model *m);
/* After the model's end (replay_end_model): the lines not printed yet. */
int workload_lines_flush(struct workload_lines *wl, FILE *f, const struct fs_model *m);

/* One output line (or marker of dropped bytes) in the columns of format_event_line: TIME
 * (its last byte), stdout/stderr, PID, ROLE, the text with every control as a visible
 * escape, and how much of it was cut. */
void workload_line_print(FILE *f, const struct fs_output_line *l, const struct fs_model *m);

#endif
