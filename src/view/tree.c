/* Tree flattening: the model's processes depth first, children by start time, with
 * folded subtrees left out; and the tree-line prefix of each row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

void vtree_init(struct vtree *t)
{
	memset(t, 0, sizeof(*t));
}

void vtree_free(struct vtree *t)
{
	free(t->rows);
	free(t->collapsed);
	free(t->scratch);
	vtree_init(t);
}

bool vtree_is_collapsed(const struct vtree *t, uint32_t pid)
{
	for (size_t i = 0; i < t->ncollapsed; i++)
		if (t->collapsed[i] == pid)
			return true;
	return false;
}

int vtree_set_collapsed(struct vtree *t, uint32_t pid, bool collapsed)
{
	for (size_t i = 0; i < t->ncollapsed; i++) {
		if (t->collapsed[i] != pid)
			continue;
		if (!collapsed)
			t->collapsed[i] = t->collapsed[--t->ncollapsed];
		return 0;
	}
	if (!collapsed)
		return 0;
	if (t->ncollapsed == t->capc) {
		size_t cap = t->capc ? t->capc * 2 : 16;
		uint32_t *grown = realloc(t->collapsed, cap * sizeof(*grown));

		if (!grown)
			return -1;
		t->collapsed = grown;
		t->capc = cap;
	}
	t->collapsed[t->ncollapsed++] = pid;
	return 0;
}

void vtree_expand_all(struct vtree *t)
{
	t->ncollapsed = 0;
}

static const struct fs_model *vtree_sort_model;

/* Children (and roots) in start order; PID breaks ties. */
static int vtree_by_start(const void *a, const void *b)
{
	const struct fs_proc *pa = model_proc(vtree_sort_model, (size_t) * (const int *)a);
	const struct fs_proc *pb = model_proc(vtree_sort_model, (size_t) * (const int *)b);

	if (pa->start_ns != pb->start_ns)
		return pa->start_ns < pb->start_ns ? -1 : 1;
	if (pa->pid != pb->pid)
		return pa->pid < pb->pid ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int vtree_push_row(struct vtree *t, const struct vtree_row *r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct vtree_row *grown = realloc(t->rows, cap * sizeof(*grown));

		if (!grown)
			return -1;
		t->rows = grown;
		t->cap = cap;
	}
	t->rows[t->n++] = *r;
	return 0;
}

/* Descendants of idx (for the "N hidden" note of a folded row). */
static size_t vtree_count_desc(const int *start, const int *list, int idx)
{
	size_t n = 0;

	for (int k = start[idx]; k < start[idx + 1]; k++)
		n += 1 + vtree_count_desc(start, list, list[k]);
	return n;
}

/* The thread rows under process row pr when threads are shown and it has several; later:
 * the process has later siblings. */
static int vtree_thread_rows(struct vtree *t, const struct fs_model *m, const struct vtree_row *pr,
			     bool later)
{
	const struct fs_proc *p = model_proc(m, (size_t)pr->idx);
	struct vtree_row r = *pr;

	if (!t->threads || p->nthreads < 2)
		return 0;
	r.depth = pr->depth + 1;
	r.has_children = r.collapsed = false;
	r.hidden = 0;
	if (later && pr->depth < VTREE_MAX_DEPTH)
		r.more |= 1ull << pr->depth;
	for (int k = p->first_thread; k >= 0;) {
		const struct fs_thread *th = model_thread(m, (size_t)k);

		if (!th)
			break;
		r.thread = k;
		r.last = th->next < 0 && !(pr->has_children && !pr->collapsed);
		if (vtree_push_row(t, &r) != 0)
			return -1;
		k = th->next;
	}
	return 0;
}

/* Scratch layout: start[count + 2] offsets, then child lists, then the DFS stack of
 * (position in list) per depth. Children of "no parent" are stored under index count. */
int vtree_build(struct vtree *t, const struct fs_model *m)
{
	size_t count = model_count(m), need = (count + 2) + count + 2 * (count + 1);
	int *start, *list, *stack_pos, *stack_end, depth = 0, rc = -1;

	t->n = 0;
	if (count == 0)
		return 0;
	if (need > t->scratch_cap) {
		int *grown = realloc(t->scratch, need * sizeof(int));

		if (!grown)
			goto out;
		t->scratch = grown;
		t->scratch_cap = need;
	}
	start = t->scratch;
	list = start + count + 2;
	stack_pos = list + count;
	stack_end = stack_pos + count + 1;
	memset(start, 0, (count + 2) * sizeof(int));
	/* count children per parent (roots under index count), then prefix sums */
	for (size_t i = 0; i < count; i++) {
		int p = model_proc(m, i)->parent;

		start[(p >= 0 && (size_t)p < count && (size_t)p != i) ? p + 1 : (int)count + 1]++;
	}
	for (size_t i = 1; i < count + 2; i++)
		start[i] += start[i - 1];
	for (size_t i = 0; i < count; i++) {
		int p = model_proc(m, i)->parent;
		int slot = (p >= 0 && (size_t)p < count && (size_t)p != i) ? p : (int)count;

		list[start[slot]++] = (int)i;
	}
	/* start[k] now holds the end of k's list: shift back to get the starts */
	memmove(start + 1, start, (count + 1) * sizeof(int));
	start[0] = 0;
	vtree_sort_model = m;
	for (size_t k = 0; k <= count; k++)
		if (start[k + 1] - start[k] > 1)
			qsort(list + start[k], (size_t)(start[k + 1] - start[k]), sizeof(int),
			      vtree_by_start);
	/* iterative depth-first walk; a parent cycle cannot loop: every index is listed once */
	stack_pos[0] = start[count];
	stack_end[0] = start[count + 1];
	while (depth >= 0) {
		struct vtree_row r;
		int idx;

		if (stack_pos[depth] >= stack_end[depth]) {
			depth--;
			continue;
		}
		idx = list[stack_pos[depth]++];
		memset(&r, 0, sizeof(r));
		r.idx = idx;
		r.depth = depth;
		r.last = stack_pos[depth] >= stack_end[depth];
		for (int d = 0; d < depth && d < VTREE_MAX_DEPTH; d++)
			if (stack_pos[d] < stack_end[d])
				r.more |= 1ull << d;
		r.has_children = start[idx + 1] > start[idx];
		r.collapsed =
		    r.has_children && vtree_is_collapsed(t, model_proc(m, (size_t)idx)->pid);
		if (r.collapsed)
			r.hidden = vtree_count_desc(start, list, idx);
		r.thread = -1;
		if (vtree_push_row(t, &r) != 0 || vtree_thread_rows(t, m, &r, !r.last) != 0)
			goto out;
		if (r.has_children && !r.collapsed && (size_t)depth + 1 <= count) {
			depth++;
			stack_pos[depth] = start[idx];
			stack_end[depth] = start[idx + 1];
		}
	}
	rc = 0;
out:
	return rc;
}

int vtree_find_row(const struct vtree *t, int idx)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].idx == idx && t->rows[i].thread < 0)
			return (int)i;
	return -1;
}

int vtree_prefix(const struct vtree_row *r, bool ascii, int max_cols, char *buf, size_t len)
{
	const char *vert = ascii ? "| " : "\u2502 ", *tee = ascii ? "|-" : "\u251c\u2500";
	const char *corner = ascii ? "`-" : "\u2514\u2500";
	int cols = 0, first = 1, depth = r->depth;
	size_t off = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (depth == 0 || max_cols < 4)
		return 0;
	/* levels 1..depth-1 draw a line or blank, then the row's own connector: 2 columns
	 * each; when that does not fit, the outer levels become ".." */
	if (depth * 2 > max_cols) {
		first = depth + 2 - max_cols / 2;
		off += (size_t)snprintf(buf, len, "..");
		cols = 2;
	}
	for (int d = first; d < depth && off < len; d++) {
		/* the ancestor at depth d has later siblings: its vertical line passes here */
		bool more = d < VTREE_MAX_DEPTH && (r->more >> d & 1);

		off += (size_t)snprintf(buf + off, len - off, "%s", more ? vert : "  ");
		cols += 2;
	}
	if (off < len) {
		snprintf(buf + off, len - off, "%s", r->last ? corner : tee);
		cols += 2;
	}
	return cols;
}
