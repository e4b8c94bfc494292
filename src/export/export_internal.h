/* What the exporters of src/export/ share: the tree in drawing order, the words of a
 * process, its role's class, the escapes of each format. */
#ifndef FORKSCOPE_EXPORT_INTERNAL_H
#define FORKSCOPE_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "export/export.h"
#include "model/model.h"

/* One process a row, depth-first, children by start time (output/tree_internal.h's walk):
 * every process of the model exactly once. */
struct export_row {
	int idx;      /* model index */
	size_t depth; /* 0: a root */
	int parent;   /* row of its parent, -1 for a root */
};

struct export_tree {
	struct export_row *rows;
	size_t n;
	int *row_of; /* per model index: its row */
};

int export_tree_build(struct export_tree *t, const struct fs_model *m);
void export_tree_free(struct export_tree *t);
/* The row of the process a mark names (serial + 1), -1 when the model has none. */
int export_tree_row(const struct export_tree *t, const struct fs_model *m, uint64_t serial);

/* Per row, the row of the process that sent its fatal signal (the last delivered signal of
 * that number from the sender the model names, else the newest process with that PID),
 * -1 for none; malloc'd (NULL out of memory). One pass over the marks. */
int *export_killers(const struct export_run *x, const struct export_tree *t);
/* The tree of x's model and its killers, for a tree picture: 0, or -1 (out of memory,
 * nothing to free). */
int export_tree_with_killers(struct export_tree *t, int **killer, const struct export_run *x);

/* The role classes the pictures draw apart: a role, and for a child its start method. */
enum export_class {
	EXPORT_CLASS_MAIN,
	EXPORT_CLASS_FORKSERVER,
	EXPORT_CLASS_TRACKER,
	EXPORT_CLASS_CHILD_FORK,
	EXPORT_CLASS_CHILD_SPAWN,
	EXPORT_CLASS_CHILD_FORKSERVER,
	EXPORT_CLASS_OTHER,
	EXPORT_CLASS_COUNT,
};

enum export_class export_class_of(const struct fs_proc *p);
/* Its words for people ("child (spawn)") and an identifier ("mp_child_spawn"). */
const char *export_class_long(enum export_class c);
void export_class_id(enum export_class c, char *buf, size_t len);
/* Fill and stroke colours (#rrggbb), light enough for black text. */
const char *export_class_fill(enum export_class c);
const char *export_class_stroke(enum export_class c);

/* A process's words, made for a picture: "2272 child (forkserver)"; its command with paths
 * cut to their base names (".../pool-recycle.py"), shell-quoted and made safe like the
 * tree's; its full command; its end ("exit 0", "SIGTERM by 2558*") with its lifetime;
 * what Python says it is ("ForkPoolWorker-1 (Pool worker, Pool #1)", "" for nothing). */
void export_proc_title(const struct fs_proc *p, char *buf, size_t len);
void export_proc_command(const struct fs_proc *p, char *buf, size_t len, size_t max);
void export_proc_command_full(const struct fs_proc *p, char *buf, size_t len);
/* Cut s to at most chars characters, the last three "..." when it was longer. */
void export_cut(char *s, size_t chars);
void export_proc_state(const struct fs_proc *p, char *buf, size_t len);
/* Its end in full: "killed SIGTERM by 2558 (terminated as a daemon at interpreter exit)". */
void export_proc_state_long(const struct fs_proc *p, char *buf, size_t len);
void export_proc_python(const struct fs_proc *p, char *buf, size_t len);
/* Where its bar ends: its exit, when the trace stopped following it, or the trace's end. */
uint64_t export_proc_end(const struct export_run *x, const struct fs_proc *p);
/* The trace's header in one line: "python3 pool-recycle.py --method forkserver, method
 * forkserver, Python 3.11.7, 2.735 s". */
void export_run_title(const struct export_run *x, char *buf, size_t len);

/* Text of a hostile recording into each format: invalid UTF-8 as U+FFFD, every control
 * character as '?', then the format's own escapes. */
enum export_escape {
	EXPORT_ESC_JSON,    /* a JSON string's inside */
	EXPORT_ESC_XML,	    /* XML text and attribute values */
	EXPORT_ESC_DOT,	    /* a Graphviz quoted string */
	EXPORT_ESC_MERMAID, /* a Mermaid quoted label: entity codes */
};
void export_put(FILE *f, const char *s, enum export_escape esc);
/* A node's label for a tree picture (dot, mermaid): its title, its command (shorter where
 * Python's name says what it is), that name and its end, one a line, escaped for esc and
 * parted by sep; open and close around the title (a format's bold, or ""). */
void export_put_node_label(FILE *f, const struct fs_proc *p, enum export_escape esc,
			   const char *sep, const char *open, const char *close);
/* Nanoseconds as microseconds with three decimals ("12.345"): Perfetto's JSON unit. */
void export_put_us(FILE *f, uint64_t ns);

int export_perfetto(FILE *f, const struct export_run *x);
int export_dot(FILE *f, const struct export_run *x);
int export_mermaid(FILE *f, const struct export_run *x);
int export_svg(FILE *f, const struct export_run *x);

#endif
