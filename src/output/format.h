/* Text output: execsnoop-like event lines, the end-of-run summary, and the state and
 * command of a process in the words of base/names.h (for the tree and the UI too). */
#ifndef FORKSCOPE_FORMAT_H
#define FORKSCOPE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/event.h"
#include "base/names.h"
#include "model/model.h"

/* Each argument of an event line is cut after this many characters. */
#define FORMAT_ARG_MAX 120

/* The column header of the event lines. */
void format_event_header(FILE *f);
/* One aligned line for an event; call after model_apply(m, ev) so the role is current.
 * m may be NULL (no roles). The ROLE column has the long form. */
void format_event_line(FILE *f, const struct fs_event *ev, const struct fs_model *m);
/* The end-of-run summary: processes by role, exit statuses, daemon kills, recycling,
 * events, lost events. */
void format_summary(FILE *f, const struct fs_model *m);
/* The summary's "recycled workers: N (...)" line: from the Python facts when they told it
 * (the tasks after which the replaced workers exited, their Pool's maxtasksperchild),
 * "inferred" from the kernel's events else, in the tree's words (names_recycle_source). */
void format_summary_recycled(FILE *f, const struct fs_model *m);
/* The state of a process (names_state() of what the model knows of it). */
void format_proc_state(const struct fs_proc *p, enum names_state_form form, char *buf, size_t len);
/* The command of a process (names_command()): its own argv, or its comm when it never
 * exec'd (a fork child shows its comm, not the argv it inherited). */
size_t format_proc_command(const struct fs_proc *p, char *buf, size_t len, size_t arg_max);
/* What Python says a process is, one label safe for a terminal: `ForkPoolWorker-3 (Pool
 * worker, Pool #1)`, `Bob-the-child (Process, daemon)`, `[no hook]`; "" when it told
 * nothing, or only what its role says (a helper). Returns the length written. */
size_t format_proc_python(const struct fs_proc *p, char *buf, size_t len);

#endif
