/* Text output: execsnoop-like event lines, the end-of-run summary, signal names, and the
 * shell-quoted argv shown by them and by the tree. */
#ifndef FORKSCOPE_FORMAT_H
#define FORKSCOPE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/event.h"
#include "model/model.h"

/* Each argument of an event line is cut after this many characters. */
#define FORMAT_ARG_MAX 120

/* The column header of the event lines. */
void format_event_header(FILE *f);
/* One aligned line for an event; call after model_apply(m, ev) so the role is current.
 * m may be NULL (no roles). */
void format_event_line(FILE *f, const struct fs_event *ev, const struct fs_model *m);
/* The end-of-run summary: processes by role, exit statuses, daemon kills, recycling,
 * events, lost events. */
void format_summary(FILE *f, const struct fs_model *m);
/* "SIGTERM", "SIGRTMIN+3", "SIG99"; names out of 1..64 use a small thread-local ring of
 * buffers (valid for the next three calls). */
const char *format_signal_name(int sig);
/* argv joined with spaces, each argument shell-quoted when needed (control characters and
 * invalid UTF-8 as $'\xNN' escapes) and cut after arg_max characters with "...". The result
 * is cut (with "...") to fit buflen. Returns the length written. */
size_t format_argv(char *buf, size_t buflen, char *const *argv, int argc, size_t arg_max);
/* The role of a process as shown: "main", "mp_child/spawn", ... */
const char *format_role(const struct fs_proc *p, char *buf, size_t buflen);

#endif
