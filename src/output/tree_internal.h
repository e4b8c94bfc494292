/* The process tree's index and walk, shared by the text (tree_print.c) and JSON
 * (tree_json.c) printers of src/output/ only. */
#ifndef FORKSCOPE_OUTPUT_TREE_INTERNAL_H
#define FORKSCOPE_OUTPUT_TREE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

/* Children of every process, ordered by start time: kids[first[i] .. first[i+1]). */
struct tree_index {
	const struct fs_model *m;
	size_t n;
	size_t *first; /* n + 1 offsets */
	int *kids;
	int *roots;
	size_t nroots;
	bool *seen;
	/* walk state */
	int *stack;  /* process at each depth */
	size_t *pos; /* next child offset at each depth */
	bool *last;  /* the process at each depth is its parent's last child */
};

/* Called for each process on the way down (depth 0: a root) and after its children. */
typedef int (*tree_enter_fn)(struct tree_index *t, size_t depth, bool has_kids, void *ctx);
typedef int (*tree_leave_fn)(struct tree_index *t, size_t depth, void *ctx);

/* Build the child lists and the list of roots; 0 or -1 (ENOMEM). */
int tree_index_build(struct tree_index *t, const struct fs_model *m);
void tree_index_free(struct tree_index *t);
/* Walk every root depth-first (children by start time), then anything a broken parent
 * chain left unvisited: every process exactly once. leave may be NULL. 0 or -1. */
int tree_walk_all(struct tree_index *t, tree_enter_fn enter, tree_leave_fn leave, void *ctx);

#endif
