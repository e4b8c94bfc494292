/* The final process tree as text (tree_json.c: as JSON), and the walk both use. Walks iteratively
 * (no recursion: a fork chain can be deep) and prints every process exactly once, even if the
 * parent links were odd. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "model/channel.h"
#include "output/format.h"
#include "output/tree_internal.h"
#include "output/tree_print.h"

#define TREE_CMD_ARG_MAX 48 /* characters of each argument shown in the text tree */
#define TREE_CMD_MAX 160    /* bytes of the whole command shown */

/* The parent index of i if it is usable, else -1. */
static int tree_parent(const struct fs_model *m, size_t i, size_t n)
{
	int p = model_proc(m, i)->parent;

	return p >= 0 && (size_t)p < n && (size_t)p != i ? p : -1;
}

static const struct fs_model *tree_sort_model;

/* Order by start time, then by table position (qsort comparator). */
static int tree_cmp_start(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	uint64_t sx = model_proc(tree_sort_model, (size_t)x)->start_ns;
	uint64_t sy = model_proc(tree_sort_model, (size_t)y)->start_ns;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return (x > y) - (x < y);
}

void tree_index_free(struct tree_index *t)
{
	free(t->first);
	free(t->kids);
	free(t->roots);
	free(t->seen);
	free(t->stack);
	free(t->pos);
	free(t->last);
}

int tree_index_build(struct tree_index *t, const struct fs_model *m)
{
	size_t i, n = model_count(m), *fill = NULL;
	int root = model_root(m), rc = -1;

	memset(t, 0, sizeof(*t));
	t->m = m;
	t->n = n;
	t->first = calloc(n + 2, sizeof(*t->first));
	fill = calloc(n + 1, sizeof(*fill));
	t->kids = calloc(n + 1, sizeof(*t->kids));
	t->roots = calloc(n + 1, sizeof(*t->roots));
	t->seen = calloc(n + 1, sizeof(*t->seen));
	t->stack = calloc(n + 1, sizeof(*t->stack));
	t->pos = calloc(n + 1, sizeof(*t->pos));
	t->last = calloc(n + 1, sizeof(*t->last));
	if (!t->first || !fill || !t->kids || !t->roots || !t->seen || !t->stack || !t->pos ||
	    !t->last)
		goto out;
	for (i = 0; i < n; i++) {
		int p = tree_parent(m, i, n);

		if (p >= 0)
			t->first[p + 1]++;
	}
	for (i = 0; i < n; i++)
		t->first[i + 1] += t->first[i];
	for (i = 0; i < n; i++) {
		int p = tree_parent(m, i, n);

		if (p >= 0)
			t->kids[t->first[p] + fill[p]++] = (int)i;
	}
	tree_sort_model = m;
	for (i = 0; i < n; i++)
		if (t->first[i + 1] > t->first[i] + 1)
			qsort(t->kids + t->first[i], t->first[i + 1] - t->first[i],
			      sizeof(*t->kids), tree_cmp_start);
	if (root >= 0 && (size_t)root < n)
		t->roots[t->nroots++] = root;
	for (i = 0; i < n; i++)
		if ((int)i != root && tree_parent(m, i, n) < 0)
			t->roots[t->nroots++] = (int)i;
	rc = 0;
out:
	free(fill);
	if (rc != 0)
		tree_index_free(t);
	return rc;
}

/* Walk the tree from root depth-first, calling enter for each process and leave after
 * its children; a process already printed is skipped. */
static int tree_walk(struct tree_index *t, int root, tree_enter_fn enter, tree_leave_fn leave,
		     void *ctx)
{
	size_t depth = 0;

	if (t->seen[root])
		return 0;
	t->seen[root] = true;
	t->stack[0] = root;
	t->pos[0] = t->first[root];
	t->last[0] = true;
	if (enter(t, 0, t->first[root + 1] > t->first[root], ctx) != 0)
		return -1;
	for (;;) {
		int cur = t->stack[depth], kid;
		size_t end = t->first[cur + 1];

		while (t->pos[depth] < end && t->seen[t->kids[t->pos[depth]]])
			t->pos[depth]++;
		if (t->pos[depth] == end) {
			if (leave && leave(t, depth, ctx) != 0)
				return -1;
			if (depth == 0)
				return 0;
			depth--;
			continue;
		}
		kid = t->kids[t->pos[depth]++];
		/* last if no unseen sibling follows */
		{
			size_t k = t->pos[depth];

			while (k < end && t->seen[t->kids[k]])
				k++;
			t->last[depth + 1] = k == end;
		}
		depth++;
		t->seen[kid] = true;
		t->stack[depth] = kid;
		t->pos[depth] = t->first[kid];
		if (enter(t, depth, t->first[kid + 1] > t->first[kid], ctx) != 0)
			return -1;
	}
}

int tree_walk_all(struct tree_index *t, tree_enter_fn enter, tree_leave_fn leave, void *ctx)
{
	size_t i;

	for (i = 0; i < t->nroots; i++)
		if (tree_walk(t, t->roots[i], enter, leave, ctx) != 0)
			return -1;
	for (i = 0; i < t->n; i++)
		if (!t->seen[i] && tree_walk(t, (int)i, enter, leave, ctx) != 0)
			return -1;
	return 0;
}

/* ---------------------------------------------------------------- text */

struct tree_text {
	FILE *f;
	bool ascii;
};

/* State, notes and lifetime of a process: "exit 0, replaces 12, 1.024 s". */
static void tree_status(const struct fs_proc *p, char *buf, size_t size)
{
	char d[32];
	size_t len;

#define TREE_ADD(...)                                                                              \
	do {                                                                                       \
		if (len < size)                                                                    \
			len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__);               \
	} while (0)
	format_proc_state(p, NAMES_STATE_LONG, buf, size);
	len = strlen(buf);
	if (p->reparented)
		TREE_ADD(", reparented to %u", p->ppid);
	if (p->replaces)
		TREE_ADD(", replaces %u (%s%s%s)", p->replaces,
			 p->py.recycled ? names_recycle_cause() : "", p->py.recycled ? ": " : "",
			 names_recycle_source(p->py.recycled));
	if (p->replaced_by)
		TREE_ADD(", replaced by %u", p->replaced_by);
	if (p->generation > 0)
		TREE_ADD(", PID reused");
	if (p->output_lines)
		TREE_ADD(", %llu line%s of output", (unsigned long long)p->output_lines,
			 p->output_lines == 1 ? "" : "s");
	if (p->facts)
		TREE_ADD(", %llu facts", (unsigned long long)p->facts);
	if (p->py.tasks)
		TREE_ADD(", %llu task%s (%llu item%s)", (unsigned long long)p->py.tasks,
			 p->py.tasks == 1 ? "" : "s", (unsigned long long)p->py.items,
			 p->py.items == 1 ? "" : "s");
	if (p->py.ready_ns && p->py.ready_ns >= p->start_ns && !p->unseen_start) {
		names_duration(p->py.ready_ns - p->start_ns, d, sizeof(d));
		TREE_ADD(", ready after %s", d);
	}
	if (p->unseen_start) {
		TREE_ADD(", start not seen");
	} else if (p->exited && !p->exit_lost && p->end_ns >= p->start_ns) {
		names_duration(p->end_ns - p->start_ns, d, sizeof(d));
		TREE_ADD(", %s", d);
	} else if (!p->exited && !p->unknown_after_ns) {
		names_duration(p->start_ns, d, sizeof(d));
		TREE_ADD(" since %s", d);
	}
#undef TREE_ADD
}

static int tree_text_enter(struct tree_index *t, size_t depth, bool has_kids, void *ctx)
{
	struct tree_text *tt = ctx;
	const struct fs_proc *p = model_proc(t->m, (size_t)t->stack[depth]);
	const char *bar = tt->ascii ? "|  " : "\u2502  ",
		   *tee = tt->ascii ? "|- " : "\u251c\u2500 ",
		   *corner = tt->ascii ? "`- " : "\u2514\u2500 ";
	char cmd[TREE_CMD_MAX], status[224], py[4 * FS_PY_NAME_LEN + 64];
	size_t d;

	(void)has_kids;
	for (d = 1; d < depth; d++)
		fputs(t->last[d] ? "   " : bar, tt->f);
	if (depth > 0)
		fputs(t->last[depth] ? corner : tee, tt->f);
	format_proc_command(p, cmd, sizeof(cmd), TREE_CMD_ARG_MAX);
	tree_status(p, status, sizeof(status));
	format_proc_python(p, py, sizeof(py));
	fprintf(tt->f, "%u %s%s%s  %s  %s\n", p->pid, names_role_long(p->role, p->start_method),
		py[0] ? " " : "", py, cmd, status);
	return ferror(tt->f) ? -1 : 0;
}

void tree_print_text(FILE *f, const struct fs_model *m, bool ascii)
{
	struct tree_text tt = {f, ascii};
	struct tree_index t;

	if (model_count(m) == 0) {
		fprintf(f, "(no processes recorded)\n");
		return;
	}
	if (tree_index_build(&t, m) != 0) {
		fprintf(f, "(out of memory)\n");
		return;
	}
	tree_walk_all(&t, tree_text_enter, NULL, &tt);
	tree_index_free(&t);
}
