/* forkscope export --format mermaid: the process tree as a Mermaid flowchart (left to
 * right): a node per process with its PID, role, command, Python's name and its end; a
 * classDef per role (colour and border style), a legend subgraph; kills as red dotted
 * links labelled with the signal, replacements as thick links "replaced by" (the old
 * worker to the new, left to right in time). Every label is
 * quoted, its text in entity codes where Mermaid would read it. */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "export/export_internal.h"

/* A class's style: fill, stroke, and a dash or width of its own. */
static void mm_classdef(FILE *f, enum export_class c)
{
	static const char *const extra[EXPORT_CLASS_COUNT] = {
	    [EXPORT_CLASS_MAIN] = "stroke-width:4px",
	    [EXPORT_CLASS_FORKSERVER] = "stroke-width:3px,stroke-dasharray:2 2",
	    [EXPORT_CLASS_TRACKER] = "stroke-width:1px",
	    [EXPORT_CLASS_CHILD_FORK] = "stroke-width:2px",
	    [EXPORT_CLASS_CHILD_SPAWN] = "stroke-width:2px,stroke-dasharray:6 3",
	    [EXPORT_CLASS_CHILD_FORKSERVER] = "stroke-width:3px",
	    [EXPORT_CLASS_OTHER] = "stroke-width:1px",
	};
	char id[48];

	export_class_id(c, id, sizeof(id));
	fprintf(f, "  classDef %s fill:%s,stroke:%s,color:#000000,%s\n", id, export_class_fill(c),
		export_class_stroke(c), extra[c]);
}

/* The style of kill link number n (Mermaid numbers links in the order they come). */
static void mm_kill_style(FILE *f, size_t n)
{
	fprintf(f, "  linkStyle %zu stroke:#c00000,stroke-width:3px,color:#c00000\n", n);
}

static void mm_node(FILE *f, const struct export_run *x, const struct export_tree *t, int r)
{
	const struct fs_proc *p = model_proc(x->m, (size_t)t->rows[r].idx);
	char id[48];

	export_class_id(export_class_of(p), id, sizeof(id));
	fprintf(f, "  n%d[\"", r);
	export_put_node_label(f, p, EXPORT_ESC_MERMAID, "<br/>", "<b>", "</b>");
	fprintf(f, "\"]:::%s\n", id);
}

int export_mermaid(FILE *f, const struct export_run *x)
{
	struct export_tree t;
	bool present[EXPORT_CLASS_COUNT] = {false};
	char title[256], id[48];
	size_t links = 0;
	int *killer;

	if (export_tree_with_killers(&t, &killer, x) != 0)
		return -1;
	export_run_title(x, title, sizeof(title));
	/* the front matter first (Mermaid reads it only there); a YAML double-quoted string
	 * is a JSON string */
	fputs("---\ntitle: \"forkscope: ", f);
	export_put(f, title, EXPORT_ESC_JSON);
	fputs("\"\n---\n%% forkscope export --format mermaid: the process tree (render: mmdc -i "
	      "FILE)\nflowchart LR\n",
	      f);
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++)
		mm_classdef(f, (enum export_class)c);
	for (size_t r = 0; r < t.n; r++) {
		present[export_class_of(model_proc(x->m, (size_t)t.rows[r].idx))] = true;
		mm_node(f, x, &t, (int)r);
	}
	for (size_t r = 0; r < t.n; r++)
		if (t.rows[r].parent >= 0) {
			fprintf(f, "  n%d --> n%zu\n", t.rows[r].parent, r);
			links++;
		}
	for (size_t r = 0; r < t.n; r++) {
		const struct fs_proc *p = model_proc(x->m, (size_t)t.rows[r].idx);
		int k = killer[r];

		if (k >= 0) {
			fprintf(f, "  n%d -.->|\"%s\"| n%zu\n", k, names_signal(p->signal), r);
			mm_kill_style(f, links++);
		}
		if (p->replaces_idx >= 0 && (size_t)p->replaces_idx < t.n) {
			/* old -> new: the chain reads left to right, in time */
			fprintf(f, "  n%d ==>|\"replaced by\"| n%zu\n", t.row_of[p->replaces_idx],
				r);
			links++;
		}
	}
	fputs("  subgraph legend[\"legend\"]\n    direction TB\n", f);
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++) {
		if (!present[c])
			continue;
		export_class_id((enum export_class)c, id, sizeof(id));
		fprintf(f, "    legend%d[\"", c);
		export_put(f, export_class_long((enum export_class)c), EXPORT_ESC_MERMAID);
		fprintf(f, "\"]:::%s\n", id);
	}
	fputs("    legend_parent[\"parent\"] -->|\"forked\"| legend_child[\"child\"]\n", f);
	fputs(
	    "    legend_sender[\"sender\"] -.->|\"killed it (signal)\"| legend_target[\"target\"]\n"
	    "    legend_old[\"old worker\"] ==>|\"replaced by\"| legend_new[\"new worker\"]\n  "
	    "end\n",
	    f);
	mm_kill_style(f, links + 1); /* the legend's kill: its second link */
	free(killer);
	export_tree_free(&t);
	return 0;
}
