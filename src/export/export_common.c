/* What the exporters share (export_internal.h): the tree's rows, a process's words, the
 * role classes and their colours, and the escapes that keep hostile text inert. */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "export/export_internal.h"
#include "output/format.h"
#include "output/tree_internal.h"

/* The walk's visitor: one row per process, with its parent's row. */
static int export_tree_enter(struct tree_index *ti, size_t depth, bool has_kids, void *ctx)
{
	struct export_tree *t = ctx;
	struct export_row *r = &t->rows[t->n];

	(void)has_kids;
	r->idx = ti->stack[depth];
	r->depth = depth;
	r->parent = depth > 0 ? t->row_of[ti->stack[depth - 1]] : -1;
	t->row_of[r->idx] = (int)t->n++;
	return 0;
}

int export_tree_build(struct export_tree *t, const struct fs_model *m)
{
	struct tree_index ti;
	size_t n = model_count(m);
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->rows = calloc(n + 1, sizeof(*t->rows));
	t->row_of = calloc(n + 1, sizeof(*t->row_of));
	if (!t->rows || !t->row_of || tree_index_build(&ti, m) != 0)
		goto out;
	rc = tree_walk_all(&ti, export_tree_enter, NULL, t);
	tree_index_free(&ti);
out:
	if (rc != 0)
		export_tree_free(t);
	return rc;
}

void export_tree_free(struct export_tree *t)
{
	free(t->rows);
	free(t->row_of);
	memset(t, 0, sizeof(*t));
}

int export_tree_row(const struct export_tree *t, const struct fs_model *m, uint64_t serial)
{
	int idx = serial ? model_find_serial(m, serial - 1) : -1;

	return idx >= 0 && (size_t)idx < t->n ? t->row_of[idx] : -1;
}

int *export_killers(const struct export_run *x, const struct export_tree *t)
{
	int *killer = malloc((t->n + 1) * sizeof(*killer));

	if (!killer)
		return NULL;
	for (size_t r = 0; r < t->n; r++) {
		const struct fs_proc *p = model_proc(x->m, (size_t)t->rows[r].idx);
		int idx = p->signal && p->killed_by ? model_find(x->m, p->killed_by) : -1;

		killer[r] = idx >= 0 ? t->row_of[idx] : -1; /* unless a signal line says better */
	}
	for (size_t i = 0; i < x->nmarks; i++) {
		const struct export_mark *k = &x->marks[i];
		int target = k->type == FS_EV_SIGNAL ? export_tree_row(t, x->m, k->other) : -1;
		const struct fs_proc *p =
		    target >= 0 ? model_proc(x->m, (size_t)t->rows[target].idx) : NULL;
		int sender = p ? export_tree_row(t, x->m, k->serial) : -1;

		if (p && sender >= 0 && p->signal && k->sig == p->signal &&
		    k->pid == p->killed_by && names_sig_delivered(k->sig_result))
			killer[target] = sender;
	}
	for (size_t r = 0; r < t->n; r++)
		if (!model_proc(x->m, (size_t)t->rows[r].idx)->signal)
			killer[r] = -1;
	return killer;
}

/* Each class: its role and method (for its words), its colours: light tints of the UI's
 * hues (main green, forkserver magenta, tracker yellow, children of fork cyan, of spawn
 * blue), but a forkserver's children orange: red means a signal here, and only that. */
static const struct {
	enum fs_role role;
	enum fs_method method;
	const char *fill, *stroke;
} export_classes[EXPORT_CLASS_COUNT] = {
    [EXPORT_CLASS_MAIN] = {FS_ROLE_MAIN, FS_METHOD_NONE, "#c6ebc0", "#2e7d32"},
    [EXPORT_CLASS_FORKSERVER] = {FS_ROLE_FORKSERVER, FS_METHOD_NONE, "#efc6ef", "#8e24aa"},
    [EXPORT_CLASS_TRACKER] = {FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE, "#f3e9a6", "#7a6a00"},
    [EXPORT_CLASS_CHILD_FORK] = {FS_ROLE_MP_CHILD, FS_METHOD_FORK, "#bfeaf2", "#00707a"},
    [EXPORT_CLASS_CHILD_SPAWN] = {FS_ROLE_MP_CHILD, FS_METHOD_SPAWN, "#c5d3f7", "#1a47b8"},
    [EXPORT_CLASS_CHILD_FORKSERVER] = {FS_ROLE_MP_CHILD, FS_METHOD_FORKSERVER, "#ffd7b0",
				       "#b05500"},
    [EXPORT_CLASS_OTHER] = {FS_ROLE_OTHER, FS_METHOD_NONE, "#ffffff", "#303030"},
};

enum export_class export_class_of(const struct fs_proc *p)
{
	switch (p->role) {
	case FS_ROLE_MAIN:
		return EXPORT_CLASS_MAIN;
	case FS_ROLE_FORKSERVER:
		return EXPORT_CLASS_FORKSERVER;
	case FS_ROLE_RESOURCE_TRACKER:
		return EXPORT_CLASS_TRACKER;
	case FS_ROLE_MP_CHILD:
		if (p->start_method == FS_METHOD_SPAWN)
			return EXPORT_CLASS_CHILD_SPAWN;
		if (p->start_method == FS_METHOD_FORKSERVER)
			return EXPORT_CLASS_CHILD_FORKSERVER;
		return EXPORT_CLASS_CHILD_FORK;
	default:
		return EXPORT_CLASS_OTHER;
	}
}

const char *export_class_long(enum export_class c)
{
	c = (unsigned)c < EXPORT_CLASS_COUNT ? c : EXPORT_CLASS_OTHER;
	return names_role_long(export_classes[c].role, export_classes[c].method);
}

void export_class_id(enum export_class c, char *buf, size_t len)
{
	const char *method;

	c = (unsigned)c < EXPORT_CLASS_COUNT ? c : EXPORT_CLASS_OTHER;
	method = export_classes[c].role == FS_ROLE_MP_CHILD ? names_method(export_classes[c].method)
							    : NULL;
	snprintf(buf, len, "%s%s%s", names_role_machine(export_classes[c].role), method ? "_" : "",
		 method ? method : "");
}

const char *export_class_fill(enum export_class c)
{
	return export_classes[(unsigned)c < EXPORT_CLASS_COUNT ? c : EXPORT_CLASS_OTHER].fill;
}

const char *export_class_stroke(enum export_class c)
{
	return export_classes[(unsigned)c < EXPORT_CLASS_COUNT ? c : EXPORT_CLASS_OTHER].stroke;
}

void export_proc_title(const struct fs_proc *p, char *buf, size_t len)
{
	snprintf(buf, len, "%u %s", p->pid, names_role_long(p->role, p->start_method));
}

#define EXPORT_ARGS_SHORT 16

/* An argument that names a file by a path: "/...", "./...", "../...", "~/...", no blank. */
static bool export_is_path(const char *a)
{
	return (a[0] == '/' || !strncmp(a, "./", 2) || !strncmp(a, "../", 3) ||
		!strncmp(a, "~/", 2)) &&
	       !strpbrk(a, " \t<>\"'");
} /* arguments shown in a picture; the rest are cut */

void export_proc_command(const struct fs_proc *p, char *buf, size_t len, size_t max)
{
	char *argv[EXPORT_ARGS_SHORT], cut[EXPORT_ARGS_SHORT][96];
	int argc = 0;
	bool own = p->argv && p->argc > 0 && !p->argv_inherited;

	if (!own) {
		format_proc_command(p, buf, len, max);
		return;
	}
	/* a path argument (no blank in it) by its base name: a slide has no room for
	 * /home/someone/course/demos/ */
	for (int i = 0; i < p->argc && argc < EXPORT_ARGS_SHORT && p->argv[i]; i++) {
		char *a = p->argv[i], *slash = strrchr(a, '/');

		if (i > 0 && slash && slash[1] && slash != a && export_is_path(a)) {
			snprintf(cut[argc], sizeof(cut[argc]), ".../%s", slash + 1);
			a = cut[argc];
		}
		argv[argc++] = a;
	}
	names_command(buf, len, argv, argc, p->comm, FS_COMM_LEN, max);
}

void export_cut(char *s, size_t chars)
{
	size_t i = 0, n = 0, len = strlen(s);

	while (i < len && n < chars) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	if (i < len && i >= 3) {
		while (i > 3 && n + 3 > chars) { /* room for the dots */
			i--;
			while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
				i--;
			n--;
		}
		strcpy(s + i, "...");
	}
}

void export_proc_command_full(const struct fs_proc *p, char *buf, size_t len)
{
	format_proc_command(p, buf, len, len);
}

void export_proc_state(const struct fs_proc *p, char *buf, size_t len)
{
	size_t n;

	format_proc_state(p, NAMES_STATE_BRIEF, buf, len);
	n = strlen(buf);
	if (p->daemon_kill && n > 0 && buf[n - 1] == '*' && n + 16 < len) {
		/* the brief form's star said in words: a picture has no footnote */
		strcpy(buf + n - 1, " (daemon kill)");
		n = strlen(buf);
	}
	if (p->exited && !p->exit_lost && !p->unseen_start && p->end_ns >= p->start_ns && n < len) {
		char d[32];

		names_duration(p->end_ns - p->start_ns, d, sizeof(d));
		snprintf(buf + n, len - n, ", %s", d);
	}
}

void export_proc_state_long(const struct fs_proc *p, char *buf, size_t len)
{
	format_proc_state(p, NAMES_STATE_LONG, buf, len);
}

void export_proc_python(const struct fs_proc *p, char *buf, size_t len)
{
	format_proc_python(p, buf, len);
}

uint64_t export_proc_end(const struct export_run *x, const struct fs_proc *p)
{
	uint64_t end = x->end_ns;

	if (p->exited && p->end_ns)
		end = p->end_ns;
	else if (p->unknown_after_ns)
		end = p->unknown_after_ns;
	return end < p->start_ns ? p->start_ns : end;
}

void export_run_title(const struct export_run *x, char *buf, size_t len)
{
	const struct fs_header *h = &x->header;
	char cmd[160] = "?", d[32];
	size_t n;

	if (h->command && h->command_len > 0) {
		int root = model_root(x->m);

		if (root >= 0)
			export_proc_command(model_proc(x->m, (size_t)root), cmd, sizeof(cmd), 40);
		else
			names_command(cmd, sizeof(cmd), h->command, h->command_len, NULL, 0, 40);
	}
	names_duration(x->end_ns, d, sizeof(d));
	n = (size_t)snprintf(buf, len, "%s", cmd);
	if (h->method && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", method %s", h->method);
	if (h->python && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", Python %s", h->python);
	if (n < len)
		snprintf(buf + n, len - n, ", %s traced", d);
}

/* One character's escape in a format, NULL when it stays as it is. */
static const char *export_escape_char(unsigned char c, enum export_escape esc)
{
	switch (esc) {
	case EXPORT_ESC_JSON:
		return c == '"' ? "\\\"" : c == '\\' ? "\\\\" : NULL;
	case EXPORT_ESC_XML:
		return c == '&'	   ? "&amp;"
		       : c == '<'  ? "&lt;"
		       : c == '>'  ? "&gt;"
		       : c == '"'  ? "&quot;"
		       : c == '\'' ? "&apos;"
				   : NULL;
	case EXPORT_ESC_DOT:
		/* a backslash starts dot's escapes (\N, \G, \l): doubled, it is itself */
		return c == '"' ? "\\\"" : c == '\\' ? "\\\\" : NULL;
	case EXPORT_ESC_MERMAID:
		return c == '"'	   ? "#quot;"
		       : c == '#'  ? "#35;"
		       : c == '&'  ? "#amp;"
		       : c == '<'  ? "#lt;"
		       : c == '>'  ? "#gt;"
		       : c == '`'  ? "#96;"
		       : c == ';'  ? "#59;"
		       : c == '\\' ? "#92;"
				   : NULL;
	}
	return NULL;
}

void export_put(FILE *f, const char *s, enum export_escape esc)
{
	size_t len = s ? strlen(s) : 0, n;

	for (size_t i = 0; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];
		const char *e;

		n = text_utf8_len(s + i, len - i);
		if (n == 0) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			n = 1;
		} else if (text_is_control(s + i, n)) {
			putc(c == '\t' ? ' ' : '?', f);
		} else if (n == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
			   (unsigned char)s[i + 2] >= 0xbe) {
			fputs("\xef\xbf\xbd", f); /* U+FFFE, U+FFFF: not characters in XML */
		} else if (n == 1 && (e = export_escape_char(c, esc))) {
			fputs(e, f);
		} else {
			fwrite(s + i, 1, n, f);
		}
	}
}

void export_put_us(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%03u", (unsigned long long)(ns / 1000), (unsigned)(ns % 1000));
}

void export_put_node_label(FILE *f, const struct fs_proc *p, enum export_escape esc,
			   const char *sep, const char *open, const char *close)
{
	char title[96], cmd[256], py[320], state[256];

	export_proc_title(p, title, sizeof(title));
	export_proc_python(p, py, sizeof(py));
	export_proc_command(p, cmd, sizeof(cmd), py[0] ? 16 : 36);
	export_cut(cmd, py[0] ? 48 : 64);
	export_proc_state(p, state, sizeof(state));
	fputs(open, f);
	export_put(f, title, esc);
	fputs(close, f);
	fputs(sep, f);
	export_put(f, cmd, esc);
	if (py[0]) {
		fputs(sep, f);
		export_put(f, py, esc);
	}
	fputs(sep, f);
	export_put(f, state, esc);
}

int export_tree_with_killers(struct export_tree *t, int **killer, const struct export_run *x)
{
	if (export_tree_build(t, x->m) != 0)
		return -1;
	*killer = export_killers(x, t);
	if (!*killer) {
		export_tree_free(t);
		return -1;
	}
	return 0;
}
