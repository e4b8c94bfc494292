/* The final process tree as text or JSON. Walks iteratively (no recursion: a fork chain can
 * be deep) and prints every process exactly once, even if the parent links were odd. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "model/channel.h"
#include "output/format.h"
#include "output/tree_print.h"

#define TREE_CMD_ARG_MAX 48 /* characters of each argument shown in the text tree */
#define TREE_CMD_MAX 160    /* bytes of the whole command shown */

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

static void tree_index_free(struct tree_index *t)
{
	free(t->first);
	free(t->kids);
	free(t->roots);
	free(t->seen);
	free(t->stack);
	free(t->pos);
	free(t->last);
}

/* Build the child lists and the list of roots; 0 or -1 (ENOMEM). */
static int tree_index_build(struct tree_index *t, const struct fs_model *m)
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
static int tree_walk(struct tree_index *t, int root,
		     int (*enter)(struct tree_index *t, size_t depth, bool has_kids, void *ctx),
		     int (*leave)(struct tree_index *t, size_t depth, void *ctx), void *ctx)
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

/* Walk every root, then anything a broken parent chain left unvisited. */
static int tree_walk_all(struct tree_index *t,
			 int (*enter)(struct tree_index *t, size_t depth, bool has_kids, void *ctx),
			 int (*leave)(struct tree_index *t, size_t depth, void *ctx), void *ctx)
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
		TREE_ADD(", replaces %u", p->replaces);
	if (p->replaced_by)
		TREE_ADD(", replaced by %u", p->replaced_by);
	if (p->generation > 0)
		TREE_ADD(", PID reused");
	if (p->output_lines)
		TREE_ADD(", %llu line%s of output", (unsigned long long)p->output_lines,
			 p->output_lines == 1 ? "" : "s");
	if (p->facts)
		TREE_ADD(", %llu facts", (unsigned long long)p->facts);
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
	char cmd[TREE_CMD_MAX], status[160];
	size_t d;

	(void)has_kids;
	for (d = 1; d < depth; d++)
		fputs(t->last[d] ? "   " : bar, tt->f);
	if (depth > 0)
		fputs(t->last[depth] ? corner : tee, tt->f);
	format_proc_command(p, cmd, sizeof(cmd), TREE_CMD_ARG_MAX);
	tree_status(p, status, sizeof(status));
	fprintf(tt->f, "%u %s  %s  %s\n", p->pid, names_role_long(p->role, p->start_method), cmd,
		status);
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

/* ---------------------------------------------------------------- JSON */

struct tree_json {
	FILE *f;
	bool first_root;
	int *fact_first; /* per process: its first kept fact (model_fact), -1 for none */
	int *fact_next;	 /* per fact: the same process's next one, -1 */
};

/* Link the kept facts to their writers' entries (by serial), in arrival order. 0 or -1. */
static int tree_json_facts(struct tree_json *tj, const struct fs_model *m)
{
	size_t n = model_count(m), nf = model_fact_count(m);
	int *last = malloc((n + 1) * sizeof(*last));

	tj->fact_first = malloc((n + 1) * sizeof(*tj->fact_first));
	tj->fact_next = malloc((nf + 1) * sizeof(*tj->fact_next));
	if (!last || !tj->fact_first || !tj->fact_next) {
		free(last);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		tj->fact_first[i] = last[i] = -1;
	for (size_t k = 0; k < nf; k++) {
		int idx = model_find_serial(m, model_fact(m, k)->serial);

		tj->fact_next[k] = -1;
		if (idx < 0)
			continue;
		if (last[idx] < 0)
			tj->fact_first[idx] = (int)k;
		else
			tj->fact_next[last[idx]] = (int)k;
		last[idx] = (int)k;
	}
	free(last);
	return 0;
}

/* A JSON string: escapes as JSON requires, invalid UTF-8 bytes as U+FFFD; DEL and the C1
 * controls (U+0080..U+009F, which some terminals obey) are escaped too, so no control
 * character of a hostile recording reaches a terminal raw. */
static void tree_json_string(FILE *f, const char *s)
{
	size_t len = strlen(s), i, n;

	putc('"', f);
	for (i = 0; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];

		n = text_utf8_len(s + i, len - i);
		if (n == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c == 0xc2 && n == 2 && (unsigned char)s[i + 1] < 0xa0) {
			fprintf(f, "\\u%04x", (unsigned char)s[i + 1]);
		} else {
			fwrite(s + i, 1, n, f);
		}
	}
	putc('"', f);
}

/* "output_lines" and "facts" of process idx: each fact as {"t_ns","tid","fact",fields...}. */
static void tree_json_told(const struct tree_json *tj, const struct fs_model *m, int idx)
{
	const struct fs_proc *p = model_proc(m, (size_t)idx);
	const char *sep = "";

	fprintf(tj->f, ",\"output_lines\":%llu,\"facts\":[", (unsigned long long)p->output_lines);
	for (int k = tj->fact_first[idx]; k >= 0; k = tj->fact_next[k]) {
		const struct fs_fact *ft = model_fact(m, (size_t)k);

		fprintf(tj->f, "%s{\"t_ns\":%llu,\"tid\":%u,\"fact\":", sep,
			(unsigned long long)ft->t_ns, ft->tid);
		tree_json_string(tj->f, ft->kind);
		for (size_t i = 0; i < ft->nfields; i++) {
			const struct fs_fact_field *fl = &ft->fields[i];

			fprintf(tj->f, ",\"%s\":", fl->key); /* [a-z0-9_]: nothing to escape */
			if (fl->type == FS_FACT_STRING)
				tree_json_string(tj->f, fl->s);
			else if (fl->type == FS_FACT_INT)
				fprintf(tj->f, "%lld", (long long)fl->i);
			else if (fl->type == FS_FACT_BOOL)
				fputs(fl->i ? "true" : "false", tj->f);
			else
				fputs("null", tj->f);
		}
		putc('}', tj->f);
		sep = ",";
	}
	putc(']', tj->f);
}

/* An unsigned number, or null when absent. */
static void tree_json_opt(FILE *f, const char *key, bool present, long long v)
{
	if (present)
		fprintf(f, ",\"%s\":%lld", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* "cpu_ns" and "threads" of a process: each thread with its TID, life and CPU time. */
static void tree_json_threads(FILE *f, const struct fs_model *m, const struct fs_proc *p)
{
	const char *sep = "";

	fprintf(f, ",\"cpu_ns\":%llu,\"threads\":[", (unsigned long long)p->cpu_ns);
	for (int i = p->first_thread; i >= 0;) {
		const struct fs_thread *t = model_thread(m, (size_t)i);

		if (!t)
			break;
		fprintf(f, "%s{\"tid\":%u,\"creator_tid\":%u,\"start_ns\":%llu,", sep, t->tid,
			t->creator_tid, (unsigned long long)t->start_ns);
		if (t->exited)
			fprintf(f, "\"end_ns\":%llu,", (unsigned long long)t->end_ns);
		else
			fputs("\"end_ns\":null,", f);
		fprintf(f, "\"cpu_ns\":%llu,\"runs\":%llu}", (unsigned long long)t->cpu_ns,
			(unsigned long long)t->runs);
		sep = ",";
		i = t->next;
	}
	putc(']', f);
}

static int tree_json_enter(struct tree_index *t, size_t depth, bool has_kids, void *ctx)
{
	struct tree_json *tj = ctx;
	const struct fs_proc *p = model_proc(t->m, (size_t)t->stack[depth]);
	const char *method = names_method(p->start_method);
	uint32_t ppid = p->ppid_history_len > 0 ? p->ppid_history[0] : p->ppid;
	bool known = p->exited && !p->exit_lost; /* exit status seen */
	char comm[FS_COMM_LEN + 1];
	size_t d;
	int i;

	if (depth == 0 && !tj->first_root)
		fputs(",\n", tj->f);
	tj->first_root = false;
	for (d = 0; d <= depth; d++)
		fputs("  ", tj->f);
	fprintf(tj->f, "{\"pid\":%u,\"ppid\":%u,\"last_ppid\":%u,\"role\":", p->pid, ppid, p->ppid);
	tree_json_string(tj->f, names_role_machine(p->role));
	fputs(",\"start_method\":", tj->f);
	if (method)
		tree_json_string(tj->f, method);
	else
		fputs("null", tj->f);
	memcpy(comm, p->comm, FS_COMM_LEN);
	comm[strnlen(comm, FS_COMM_LEN)] = '\0';
	fputs(",\"comm\":", tj->f);
	tree_json_string(tj->f, comm);
	fputs(",\"argv\":[", tj->f);
	for (i = 0; p->argv && i < p->argc && p->argv[i]; i++) {
		if (i > 0)
			putc(',', tj->f);
		tree_json_string(tj->f, p->argv[i]);
	}
	putc(']', tj->f);
	tree_json_opt(tj->f, "exit_code", known && !p->signal, p->exit_code);
	tree_json_opt(tj->f, "signal", known && p->signal, p->signal);
	tree_json_opt(tj->f, "killed_by", p->killed_by != 0, p->killed_by);
	fprintf(tj->f, ",\"daemon_kill\":%s,\"reparented\":%s", p->daemon_kill ? "true" : "false",
		p->reparented ? "true" : "false");
	tree_json_opt(tj->f, "replaces", p->replaces != 0, p->replaces);
	fprintf(tj->f, ",\"start_ns\":%llu", (unsigned long long)p->start_ns);
	fprintf(tj->f, ",\"clone_flags\":%llu", (unsigned long long)p->clone_flags);
	if (p->exited)
		fprintf(tj->f, ",\"end_ns\":%llu", (unsigned long long)p->end_ns);
	else
		fputs(",\"end_ns\":null", tj->f);
	tree_json_opt(tj->f, "unknown_after_ns", p->unknown_after_ns != 0,
		      (long long)p->unknown_after_ns);
	tree_json_threads(tj->f, t->m, p);
	tree_json_told(tj, t->m, t->stack[depth]);
	fputs(",\"children\":[", tj->f);
	if (has_kids)
		putc('\n', tj->f);
	return ferror(tj->f) ? -1 : 0;
}

static int tree_json_leave(struct tree_index *t, size_t depth, void *ctx)
{
	struct tree_json *tj = ctx;
	int cur = t->stack[depth];

	if (t->first[cur + 1] > t->first[cur]) {
		putc('\n', tj->f);
		for (size_t d = 0; d <= depth; d++)
			fputs("  ", tj->f);
	}
	fputs("]}", tj->f);
	if (depth > 0 && !t->last[depth])
		fputs(",\n", tj->f);
	return ferror(tj->f) ? -1 : 0;
}

int tree_print_json(FILE *f, const struct fs_model *m)
{
	struct tree_json tj = {f, true, NULL, NULL};
	struct tree_index t;
	int rc = -1;

	if (tree_json_facts(&tj, m) != 0 || tree_index_build(&t, m) != 0)
		goto out;
	fputs("[\n", f);
	rc = tree_walk_all(&t, tree_json_enter, tree_json_leave, &tj);
	fputs(tj.first_root ? "]\n" : "\n]\n", f);
	tree_index_free(&t);
	rc = rc == 0 && !ferror(f) ? 0 : -1;
out:
	free(tj.fact_first);
	free(tj.fact_next);
	return rc;
}
