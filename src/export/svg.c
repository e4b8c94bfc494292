/* forkscope export --format svg: the picture a teacher would screenshot from the UI, but
 * scalable: the process tree on the left, each process's lifetime as a bar on a shared
 * time axis with ticks, forks, execs, exits, kills and signals marked on it, how each
 * ended on the right, a legend below. Readable in black and white: every role has a fill
 * pattern besides its colour, every mark a shape, every end its words. All text escaped. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "export/export_internal.h"
#include "model/python.h"

#define SVG_FONT "DejaVu Sans Mono, Menlo, Consolas, monospace"
#define SVG_FS 14	 /* font size, px */
#define SVG_CW 8.43	 /* its character width (0.602 em) */
#define SVG_ROW 28	 /* row height */
#define SVG_BAR 14	 /* bar height */
#define SVG_MARGIN 16	 /* around everything */
#define SVG_INDENT 18	 /* per depth of the tree */
#define SVG_TL_W 820	 /* the timeline's width */
#define SVG_LABEL_MAX 76 /* characters of a tree label */
#define SVG_STATE_MAX 40 /* characters of an end */
#define SVG_TOP 78	 /* title and axis above the first row */

struct svg {
	FILE *f;
	const struct export_run *x;
	struct export_tree t;
	double tree_w, tl_x, state_x, width, height;
	uint64_t span;
};

static double svg_x(const struct svg *s, uint64_t t_ns)
{
	if (t_ns > s->span)
		t_ns = s->span;
	return s->tl_x + (double)t_ns * SVG_TL_W / (double)s->span;
}

static double svg_row_y(int r)
{
	return SVG_TOP + r * SVG_ROW + SVG_ROW / 2.0; /* the row's middle */
}

/* Text at (x, y) in a class, escaped; max: characters kept (cut with "..."), 0 for all. */
static void svg_text(const struct svg *s, double x, double y, const char *cls, const char *text,
		     size_t max)
{
	char buf[512];
	size_t len = strlen(text), keep = 0, chars = 0;

	/* cut at a character boundary */
	while (keep < len && (max == 0 || chars < max)) {
		keep++;
		while (keep < len && ((unsigned char)text[keep] & 0xc0) == 0x80)
			keep++;
		chars++;
	}
	if (keep >= sizeof(buf) - 4)
		keep = sizeof(buf) - 4;
	memcpy(buf, text, keep);
	strcpy(buf + keep, keep < len ? "..." : "");
	fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">", x, y, cls);
	export_put(s->f, buf, EXPORT_ESC_XML);
	fputs("</text>\n", s->f);
}

/* The patterns: a role's colour under black strokes of its own kind. */
static void svg_defs(const struct svg *s)
{
	static const char *const strokes[EXPORT_CLASS_COUNT] = {
	    [EXPORT_CLASS_MAIN] = "",
	    [EXPORT_CLASS_FORKSERVER] =
		"<path d=\"M0,8 L8,0\" stroke=\"#000\" stroke-width=\"1.2\"/>",
	    [EXPORT_CLASS_TRACKER] = "<circle cx=\"4\" cy=\"4\" r=\"1.3\" fill=\"#000\"/>",
	    [EXPORT_CLASS_CHILD_FORK] =
		"<path d=\"M0,4 L8,4\" stroke=\"#000\" stroke-width=\"1\"/>",
	    [EXPORT_CLASS_CHILD_SPAWN] =
		"<path d=\"M0,0 L8,8\" stroke=\"#000\" stroke-width=\"1.2\"/>",
	    [EXPORT_CLASS_CHILD_FORKSERVER] =
		"<path d=\"M0,0 L8,8 M0,8 L8,0\" stroke=\"#000\" stroke-width=\"0.9\"/>",
	    [EXPORT_CLASS_OTHER] = "<path d=\"M4,0 L4,8\" stroke=\"#000\" stroke-width=\"0.8\"/>",
	};
	char id[48];

	fputs("<defs>\n", s->f);
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++) {
		export_class_id((enum export_class)c, id, sizeof(id));
		fprintf(
		    s->f,
		    "<pattern id=\"p-%s\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
		    "<rect width=\"8\" height=\"8\" fill=\"%s\"/>%s</pattern>\n",
		    id, export_class_fill((enum export_class)c), strokes[c]);
	}
	fputs("<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
	      "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
	      "fill=\"#c00000\"/></marker>\n</defs>\n",
	      s->f);
	fprintf(s->f,
		"<style>text{font-family:%s;font-size:%dpx;fill:#000}"
		".title{font-size:16px;font-weight:bold}.small{font-size:11px}"
		".tick{font-size:11px;text-anchor:middle}.sig{font-size:10px;fill:#c00000;"
		"font-weight:bold}.sym{font-size:12px}</style>\n",
		SVG_FONT, SVG_FS);
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most about ten ticks. */
static uint64_t svg_tick_step(uint64_t span)
{
	uint64_t step = 1;

	for (;;) {
		if (span / step <= 10)
			return step;
		if (span / (step * 2) <= 10)
			return step * 2;
		if (span / (step * 5) <= 10)
			return step * 5;
		step *= 10;
	}
}

/* The time axis above the rows and its grid lines through them. */
static void svg_axis(const struct svg *s)
{
	uint64_t step = svg_tick_step(s->span);
	double y0 = SVG_TOP - 8, y1 = SVG_TOP + (double)s->t.n * SVG_ROW;
	char d[32];

	fprintf(s->f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
		"stroke-width=\"1\"/>\n",
		s->tl_x, y0, s->tl_x + SVG_TL_W, y0);
	for (uint64_t t = 0; t <= s->span; t += step) {
		double x = svg_x(s, t);

		fprintf(s->f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c8c8c8\" "
			"stroke-width=\"0.6\" stroke-dasharray=\"2 3\"/>\n",
			x, y0 - 5, x, y0, x, y0, x, y1);
		if (t == 0)
			snprintf(d, sizeof(d), "0");
		else
			names_duration(t, d, sizeof(d));
		svg_text(s, x, y0 - 9, "tick", d, 0);
		if (s->span - t < step)
			break;
	}
}

/* The tree's connectors and each row's label: "PID role  command". */
static void svg_tree(const struct svg *s)
{
	for (size_t r = 0; r < s->t.n; r++) {
		const struct export_row *row = &s->t.rows[r];
		const struct fs_proc *p = model_proc(s->x->m, (size_t)row->idx);
		double x = SVG_MARGIN + (double)row->depth * SVG_INDENT, y = svg_row_y((int)r);
		char title[96], cmd[256], py[320], label[512], full[1024], id[48];

		if (row->parent >= 0) {
			double px =
			    SVG_MARGIN + (double)s->t.rows[row->parent].depth * SVG_INDENT + 5;

			fprintf(s->f,
				"<path d=\"M%.1f,%.1f V%.1f H%.1f\" fill=\"none\" "
				"stroke=\"#606060\"/>\n",
				px, svg_row_y(row->parent) + 6, y, x);
		}
		export_class_id(export_class_of(p), id, sizeof(id));
		fprintf(
		    s->f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"url(#p-%s)\" "
		    "stroke=\"#000\"/>\n",
		    x, y - 5, id);
		export_proc_title(p, title, sizeof(title));
		export_proc_command(p, cmd, sizeof(cmd), 40);
		export_proc_python(p, py, sizeof(py));
		snprintf(label, sizeof(label), "%s  %s", title, py[0] ? py : cmd);
		export_proc_command_full(p, full, sizeof(full));
		fputs("<g><title>", s->f);
		export_put(s->f, full, EXPORT_ESC_XML);
		fputs("</title>\n", s->f);
		svg_text(s, x + 15, y + 4.5, "lbl", label,
			 SVG_LABEL_MAX - (size_t)row->depth > 20
			     ? SVG_LABEL_MAX - (size_t)row->depth
			     : 20);
		fputs("</g>\n", s->f);
	}
}

/* Lifetimes as bars in their role's pattern; how each ended, on the right. */
static void svg_bars(const struct svg *s)
{
	for (size_t r = 0; r < s->t.n; r++) {
		const struct fs_proc *p = model_proc(s->x->m, (size_t)s->t.rows[r].idx);
		uint64_t end = export_proc_end(s->x, p);
		double x0 = svg_x(s, p->start_ns), x1 = svg_x(s, end), y = svg_row_y((int)r);
		bool known = p->exited && !p->exit_lost;
		char id[48], state[256], extra[320];

		if (x1 - x0 < 1.5)
			x1 = x0 + 1.5;
		export_class_id(export_class_of(p), id, sizeof(id));
		fprintf(
		    s->f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"url(#p-%s)\" "
		    "stroke=\"#000\" stroke-width=\"1\"%s/>\n",
		    x0, y - SVG_BAR / 2.0, x1 - x0, SVG_BAR, id,
		    known ? "" : " stroke-dasharray=\"4 2\"");
		if (p->exited && !p->exit_lost && p->signal)
			fprintf(s->f,
				"<path d=\"M%.1f,%.1f l8,8 m0,-8 l-8,8\" stroke=\"#c00000\" "
				"stroke-width=\"2.5\"/>\n",
				x1 - 4, y - 4);
		else if (known)
			fprintf(
			    s->f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
			    "stroke-width=\"3\"/>\n",
			    x1, y - 9, x1, y + 9);
		export_proc_state(p, state, sizeof(state));
		snprintf(extra, sizeof(extra), "%s%s", state, p->replaces ? ", replaces " : "");
		if (p->replaces) {
			size_t n = strlen(extra);

			snprintf(extra + n, sizeof(extra) - n, "%u", p->replaces);
		}
		svg_text(s, s->state_x, y + 4.5, "lbl", extra, SVG_STATE_MAX);
	}
}

/* Python's tasks: black strips along the bottom of their worker's bar. */
static void svg_tasks(const struct svg *s)
{
	size_t n = model_task_count(s->x->m);

	for (size_t i = 0; i < n; i++) {
		const struct fs_task *tk = model_task(s->x->m, i);
		int r = export_tree_row(&s->t, s->x->m, tk->serial + 1);
		double x0, x1;

		if (r < 0 || tk->end_ns < tk->start_ns)
			continue;
		x0 = svg_x(s, tk->start_ns);
		x1 = svg_x(s, tk->end_ns);
		fprintf(s->f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"4\" fill=\"#000\"/>\n",
			x0 + 1, svg_row_y(r) + SVG_BAR / 2.0 - 4, x1 - x0 > 5 ? x1 - x0 - 3 : 1.0);
	}
}

/* A mark's symbols, shared with the legend. */
static void svg_fork_mark(const struct svg *s, double x, double y)
{
	fprintf(s->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#000\"/>\n", x, y);
}

static void svg_exec_mark(const struct svg *s, double x, double y)
{
	fprintf(s->f,
		"<path d=\"M%.1f,%.1f l5,5 l-5,5 l-5,-5 z\" fill=\"#fff\" stroke=\"#000\" "
		"stroke-width=\"1.5\"/>\n",
		x, y - 5);
}

static void svg_signal_mark(const struct svg *s, double x, double y)
{
	fprintf(s->f, "<path d=\"M%.1f,%.1f l-5,-8 h10 z\" fill=\"#c00000\" stroke=\"#000\"/>\n", x,
		y);
}

/* Forks (a dot on the parent, a line down to the child), execs (a diamond), signals but
 * SIGCHLD (a triangle over the target, an arrow from its sender). */
static void svg_marks(const struct svg *s)
{
	const struct export_run *x = s->x;

	for (size_t i = 0; i < x->nmarks; i++) {
		const struct export_mark *k = &x->marks[i];
		int r = export_tree_row(&s->t, x->m, k->serial);
		int o = export_tree_row(&s->t, x->m, k->other);
		double mx = svg_x(s, k->t_ns);

		if (k->type == FS_EV_FORK && r >= 0 && o >= 0) {
			fprintf(
			    s->f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
			    "stroke-width=\"1\" stroke-dasharray=\"1 2\"/>\n",
			    mx, svg_row_y(o), mx, svg_row_y(r) - SVG_BAR / 2.0);
			svg_fork_mark(s, mx, svg_row_y(o));
		} else if (k->type == FS_EV_EXEC && r >= 0) {
			svg_exec_mark(s, mx, svg_row_y(r));
		} else if (k->type == FS_EV_SIGNAL && o >= 0 && k->sig != SIGCHLD) {
			double ty = svg_row_y(o) - SVG_BAR / 2.0;

			if (r >= 0 && r != o)
				fprintf(s->f,
					"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
					"stroke=\"#c00000\" stroke-width=\"1.5\" "
					"stroke-dasharray=\"5 3\" "
					"marker-end=\"url(#arrow)\"/>\n",
					mx, svg_row_y(r), mx, r < o ? ty - 8 : svg_row_y(o) + 8);
			svg_signal_mark(s, mx, ty);
			svg_text(s, mx + 6, ty - 2, "sig", names_signal(k->sig), 0);
		}
	}
}

/* One legend entry: a swatch or symbol drawn by the caller at (x, y), then its words. */
static double svg_legend_words(const struct svg *s, double x, double y, const char *words)
{
	svg_text(s, x + 16, y + 4.5, "lbl", words, 0);
	return x + 16 + (double)strlen(words) * SVG_CW + 24;
}

static void svg_legend(const struct svg *s, double y)
{
	bool present[EXPORT_CLASS_COUNT] = {false};
	double x = SVG_MARGIN;
	char id[48];

	for (size_t r = 0; r < s->t.n; r++)
		present[export_class_of(model_proc(s->x->m, (size_t)s->t.rows[r].idx))] = true;
	svg_text(s, x, y + 4.5, "lbl", "legend:", 0);
	x += 8 * SVG_CW + 8;
	for (int c = 0; c < EXPORT_CLASS_COUNT; c++) {
		if (!present[c])
			continue;
		export_class_id((enum export_class)c, id, sizeof(id));
		fprintf(
		    s->f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"%d\" fill=\"url(#p-%s)\" "
		    "stroke=\"#000\"/>\n",
		    x, y - SVG_BAR / 2.0, SVG_BAR, id);
		x = svg_legend_words(s, x, y, export_class_long((enum export_class)c));
	}
	y += SVG_ROW;
	x = SVG_MARGIN + 8 * SVG_CW + 8;
	svg_fork_mark(s, x + 6, y);
	x = svg_legend_words(s, x, y, "fork (dotted line to the child)");
	svg_exec_mark(s, x + 6, y);
	x = svg_legend_words(s, x, y, "exec");
	fprintf(s->f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
		"stroke-width=\"3\"/>\n",
		x + 6, y - 9, x + 6, y + 9);
	x = svg_legend_words(s, x, y, "exit");
	fprintf(
	    s->f,
	    "<path d=\"M%.1f,%.1f l8,8 m0,-8 l-8,8\" stroke=\"#c00000\" stroke-width=\"2.5\"/>\n",
	    x + 2, y - 4);
	x = svg_legend_words(s, x, y, "killed by a signal");
	y += SVG_ROW;
	x = SVG_MARGIN + 8 * SVG_CW + 8;
	svg_signal_mark(s, x + 6, y + 4);
	x = svg_legend_words(s, x, y, "signal, arrow from its sender (SIGCHLD not drawn)");
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"#000\"/>\n", x,
		y + 3);
	x = svg_legend_words(s, x, y, "a Python task");
	fprintf(
	    s->f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"%d\" fill=\"#fff\" stroke=\"#000\" "
	    "stroke-dasharray=\"4 2\"/>\n",
	    x, y - SVG_BAR / 2.0, SVG_BAR);
	svg_legend_words(s, x, y, "end not seen");
}

/* The columns' widths from the longest label and end. */
static void svg_layout(struct svg *s)
{
	double tree = 0, state = 0;

	for (size_t r = 0; r < s->t.n; r++) {
		const struct fs_proc *p = model_proc(s->x->m, (size_t)s->t.rows[r].idx);
		char title[96], cmd[256], py[320], st[256];
		size_t chars;
		double w;

		export_proc_title(p, title, sizeof(title));
		export_proc_command(p, cmd, sizeof(cmd), 40);
		export_proc_python(p, py, sizeof(py));
		export_proc_state(p, st, sizeof(st));
		chars = strlen(title) + 2 + strlen(py[0] ? py : cmd);
		if (chars > SVG_LABEL_MAX + 3)
			chars = SVG_LABEL_MAX + 3;
		w = (double)s->t.rows[r].depth * SVG_INDENT + 15 + (double)chars * SVG_CW;
		tree = w > tree ? w : tree;
		chars = strlen(st) + (p->replaces ? 20 : 0);
		chars = chars > SVG_STATE_MAX + 3 ? SVG_STATE_MAX + 3 : chars;
		state = (double)chars * SVG_CW > state ? (double)chars * SVG_CW : state;
	}
	s->tree_w = tree < 200 ? 200 : tree;
	s->tl_x = SVG_MARGIN + s->tree_w + 16;
	s->state_x = s->tl_x + SVG_TL_W + 34; /* past the last tick's words */
	s->width = s->state_x + state + SVG_MARGIN;
	if (s->width < 1100)
		s->width = 1100;
	s->height = SVG_TOP + (double)s->t.n * SVG_ROW + 4 * SVG_ROW + SVG_MARGIN;
}

int export_svg(FILE *f, const struct export_run *x)
{
	struct svg s = {.f = f, .x = x};
	char title[256];

	if (export_tree_build(&s.t, x->m) != 0)
		return -1;
	s.span = x->end_ns ? x->end_ns : 1;
	svg_layout(&s);
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\">\n",
		s.width, s.height, s.width, s.height);
	export_run_title(x, title, sizeof(title));
	fputs("<title>forkscope: ", f);
	export_put(f, title, EXPORT_ESC_XML);
	fputs("</title>\n", f);
	svg_defs(&s);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	svg_text(&s, SVG_MARGIN, 24, "title", "forkscope", 0);
	svg_text(&s, SVG_MARGIN + 10 * 9.6, 24, "lbl", title, 150);
	svg_text(&s, SVG_MARGIN, SVG_TOP - 14, "lbl", "process (PID role, command or Python name)",
		 0);
	svg_text(&s, s.state_x, SVG_TOP - 14, "lbl", "how it ended", 0);
	svg_axis(&s);
	svg_tree(&s);
	svg_bars(&s);
	svg_tasks(&s);
	svg_marks(&s);
	svg_legend(&s, SVG_TOP + (double)s.t.n * SVG_ROW + SVG_ROW * 1.2);
	fputs("</svg>\n", f);
	export_tree_free(&s.t);
	return 0;
}
