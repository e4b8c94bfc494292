/* forkscope export --format dot: the process tree for Graphviz, readable on a slide (left
 * to right, large fonts): a node per process with its PID, role, command, what Python
 * says it is and how it ended; roles as shapes, border styles and colours (a legend says
 * which); kills as dashed red edges sender -> target labelled with the signal; a worker
 * that replaced another as a dotted edge "replaces". */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "export/export_internal.h"

#define DOT_FONT "DejaVu Sans"

/* Shape and style of each class: apart in black and white too. */
static void dot_class_attrs(FILE *f, enum export_class c)
{
	static const char *const shapes[EXPORT_CLASS_COUNT] = {
	    [EXPORT_CLASS_MAIN] = "shape=box,peripheries=2,style=\"filled\"",
	    [EXPORT_CLASS_FORKSERVER] = "shape=box3d,style=\"filled\"",
	    [EXPORT_CLASS_TRACKER] = "shape=note,style=\"filled\"",
	    [EXPORT_CLASS_CHILD_FORK] = "shape=box,style=\"rounded,filled\"",
	    [EXPORT_CLASS_CHILD_SPAWN] = "shape=box,style=\"rounded,filled,dashed\"",
	    [EXPORT_CLASS_CHILD_FORKSERVER] = "shape=box,style=\"rounded,filled,bold\"",
	    [EXPORT_CLASS_OTHER] = "shape=box,style=\"filled\"",
	};

	fprintf(f, "%s,fillcolor=\"%s\",color=\"%s\"", shapes[c], export_class_fill(c),
		export_class_stroke(c));
}

static void dot_node(FILE *f, const struct export_run *x, const struct export_tree *t, int r)
{
	const struct fs_proc *p = model_proc(x->m, (size_t)t->rows[r].idx);
	char cmd[256];

	fprintf(f, "  n%d [label=\"", r);
	export_put_node_label(f, p, EXPORT_ESC_DOT, "\\n", "", "");
	fputs("\",tooltip=\"", f);
	export_proc_command_full(p, cmd, sizeof(cmd));
	export_put(f, cmd, EXPORT_ESC_DOT);
	fputs("\",", f);
	dot_class_attrs(f, export_class_of(p));
	fputs("];\n", f);
}

/* The legend: the classes present, then the edges' meanings. */
static void dot_legend(FILE *f, const bool *present, bool kills, bool replaces)
{
	bool first = true;

	fputs("  subgraph cluster_legend {\n    label=\"legend\"; style=\"rounded\"; "
	      "color=\"#808080\"; fontsize=13;\n"
	      "    node [fontsize=11,height=0.3,margin=\"0.08,0.03\"]; edge [fontsize=10];\n",
	      f);
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++) {
		if (!present[c])
			continue;
		fprintf(f, "    legend%d [label=\"", c);
		export_put(f, export_class_long((enum export_class)c), EXPORT_ESC_DOT);
		fputs("\",", f);
		dot_class_attrs(f, (enum export_class)c);
		fputs("];\n", f);
	}
	fputs("    legend_fork_a [label=\"parent\",shape=plaintext]; legend_fork_b "
	      "[label=\"child\",shape=plaintext];\n"
	      "    legend_fork_a -> legend_fork_b [label=\"forked\"];\n",
	      f);
	if (kills)
		fputs("    legend_kill_a [label=\"sender\",shape=plaintext]; legend_kill_b "
		      "[label=\"target\",shape=plaintext];\n    legend_kill_a -> legend_kill_b "
		      "[label=\"killed it (signal)\",style=dashed,color=\"#c00000\",fontcolor="
		      "\"#c00000\",penwidth=2.5];\n",
		      f);
	if (replaces)
		fputs("    legend_repl_a [label=\"new worker\",shape=plaintext]; legend_repl_b "
		      "[label=\"old worker\",shape=plaintext];\n    legend_repl_a -> legend_repl_b "
		      "[label=\"replaces\",style=dotted,arrowhead=empty,penwidth=2];\n",
		      f);
	/* one column (a rank, in a left-to-right graph): its edges short and upright */
	fputs("    { rank=same;", f);
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++)
		if (present[c]) {
			fprintf(f, "%s legend%d", first ? "" : ";", c);
			first = false;
		}
	fprintf(f, "; legend_fork_a; legend_fork_b%s%s }\n",
		kills ? "; legend_kill_a; legend_kill_b" : "",
		replaces ? "; legend_repl_a; legend_repl_b" : "");
	fputs("  }\n", f);
}

int export_dot(FILE *f, const struct export_run *x)
{
	struct export_tree t;
	bool present[EXPORT_CLASS_COUNT] = {false}, kills = false, replaces = false;
	char title[256];
	int *killer;

	if (export_tree_with_killers(&t, &killer, x) != 0)
		return -1;
	export_run_title(x, title, sizeof(title));
	fputs("// forkscope export --format dot: the process tree (render: dot -Tsvg)\n"
	      "digraph forkscope {\n",
	      f);
	fprintf(f,
		"  graph [rankdir=LR,fontname=\"%s\",fontsize=18,labelloc=t,labeljust=l,"
		"nodesep=0.3,ranksep=0.6,label=\"forkscope: ",
		DOT_FONT);
	export_put(f, title, EXPORT_ESC_DOT);
	fprintf(f,
		"\"];\n  node [fontname=\"%s\",fontsize=14,penwidth=1.5,margin=\"0.15,0.06\"];\n"
		"  edge [fontname=\"%s\",fontsize=13,penwidth=1.5];\n",
		DOT_FONT, DOT_FONT);
	for (size_t r = 0; r < t.n; r++) {
		const struct fs_proc *p = model_proc(x->m, (size_t)t.rows[r].idx);

		present[export_class_of(p)] = true;
		dot_node(f, x, &t, (int)r);
	}
	for (size_t r = 0; r < t.n; r++)
		if (t.rows[r].parent >= 0)
			fprintf(f, "  n%d -> n%zu;\n", t.rows[r].parent, r);
	for (size_t r = 0; r < t.n; r++) {
		const struct fs_proc *p = model_proc(x->m, (size_t)t.rows[r].idx);
		int k = killer[r];

		if (k >= 0) {
			fprintf(
			    f,
			    "  n%d -> n%zu [style=dashed,color=\"#c00000\",fontcolor=\"#c00000\","
			    "penwidth=2.5,constraint=false,label=\"%s\"];\n",
			    k, r, names_signal(p->signal));
			kills = true;
		}
		if (p->replaces_idx >= 0 && (size_t)p->replaces_idx < t.n) {
			fprintf(f,
				"  n%zu -> n%d [style=dotted,arrowhead=empty,penwidth=2,"
				"constraint=false,label=\"replaces\"];\n",
				r, t.row_of[p->replaces_idx]);
			replaces = true;
		}
	}
	dot_legend(f, present, kills, replaces);
	fputs("}\n", f);
	free(killer);
	export_tree_free(&t);
	return 0;
}
