/* The final process tree as JSON (`tree --json`): every process once, nested under the
 * parent that forked it, with what the kernel saw and what Python told. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "model/channel.h"
#include "model/python.h"
#include "output/format.h"
#include "output/tree_internal.h"
#include "output/tree_print.h"

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

/* A string field, or null when empty or absent. */
static void tree_json_opt_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s && *s)
		tree_json_string(f, s);
	else
		fputs("null", f);
}

/* A time on the trace's clock, null when not known. */
static void tree_json_opt_ns(FILE *f, const char *key, uint64_t ns)
{
	if (ns)
		fprintf(f, ",\"%s\":%llu", key, (unsigned long long)ns);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* What Python told of a process (its hook's facts, model/python.h). */
static void tree_json_python(FILE *f, const struct fs_model *m, const struct fs_proc *p)
{
	const struct fs_py *py = &p->py;
	const struct fs_pool *pool = model_pool_of(m, p);
	char why[512];

	tree_json_opt_str(f, "py_version", py->version);
	tree_json_opt_str(f, "py_hook", names_py_hook(py->hook));
	tree_json_opt_str(f, "py_name", py->name);
	tree_json_opt_str(f, "py_kind", names_py_kind(py->kind));
	fprintf(f, ",\"daemon\":%s", py->daemon_told ? (py->daemon ? "true" : "false") : "null");
	tree_json_opt_str(f, "target", py->target);
	tree_json_opt_str(f, "py_method", names_method(py->method));
	tree_json_opt(f, "py_pool", py->pool != 0, py->pool);
	tree_json_opt(f, "py_pool_creator", pool != NULL, pool ? pool->creator_pid : 0);
	fprintf(f, ",\"tasks\":%llu,\"task_items\":%llu", (unsigned long long)py->tasks,
		(unsigned long long)py->items);
	tree_json_opt_ns(f, "interp_ready_ns", py->hello_ns);
	tree_json_opt_ns(f, "main_imported_ns", py->main_imported_ns);
	tree_json_opt_ns(f, "ready_ns", py->ready_ns);
	tree_json_opt_ns(f, "py_end_ns", py->end_ns);
	tree_json_opt_str(f, "py_stop", names_py_stop(py->stop));
	fprintf(f, ",\"replaces_told\":%s", py->recycled ? "true" : "false");
	model_py_why(m, p, why, sizeof(why));
	tree_json_opt_str(f, "why", why);
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
	tree_json_python(tj->f, t->m, p);
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
