/* The final process tree of a model, as text (pstree-like) or JSON. */
#ifndef FORKSCOPE_TREE_PRINT_H
#define FORKSCOPE_TREE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "model/model.h"

/* One line per process under its parent at fork: PID, role, short command, exit status or
 * fatal signal (and sender), daemon kill, re-parenting, recycling, lifetime. Roots are the
 * model's root, then every process whose parent is unknown. ascii: no box drawing. */
void tree_print_text(FILE *f, const struct fs_model *m, bool ascii);
/* A JSON array of the root processes, each nested with its "children" (see
 * docs/recording-format.md). Returns 0, or -1 on a write or memory error. */
int tree_print_json(FILE *f, const struct fs_model *m);

#endif
