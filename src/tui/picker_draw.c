/* The picker's screen: the demo list, the chosen demo's description (what to look for,
 * the variant, start method and tempo chosen), or its source scrolled read-only, the help,
 * the status line. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "tui/picker.h"

#define PICKER_LIST_W 24

int picker_list_rows(void)
{
	return LINES - 4 > 1 ? LINES - 4 : 1;
}

int picker_source_rows(void)
{
	return LINES - 3 > 1 ? LINES - 3 : 1;
}

/* Word-wrap text at width from row y; returns the next free row. */
static int picker_wrap(int y, int x, int w, int max_y, int attr, const char *text)
{
	const char *p = text;

	while (*p && y < max_y) {
		int n = (int)strlen(p), cut = n;
		char line[512];

		if (n > w) {
			cut = w;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = w;
		}
		snprintf(line, sizeof(line), "%.*s", cut, p);
		text_sanitize(line);
		tui_put(y++, x, w, attr, line);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return y;
}

/* The choices under the description: variant, start method, tempo (each with its key),
 * the recording; from the bottom up. */
static void picker_draw_choices(const struct picker *pk, int x)
{
	const struct fs_demo *d = &pk->list[pk->sel];
	const struct tui_app *a = pk->a;
	char line[256];
	int y = LINES - 3 - (pk->opts && pk->opts->output ? 1 : 0);

	if (pk->opts && pk->opts->output) {
		snprintf(line, sizeof(line), "recording the run to %s", pk->opts->output);
		text_sanitize(line);
		tui_put(LINES - 3, x, COLS - x, tui_faint(a), line);
	}
	snprintf(line, sizeof(line), "tempo: < %s >   (t)", pk->tempo_names[pk->tempo]);
	tui_put(y--, x, COLS - x, A_BOLD, line);
	snprintf(line, sizeof(line), "start method: < %s >   (Left/Right or m)",
		 picker_method_name(pk));
	tui_put(y--, x, COLS - x, A_BOLD, line);
	if (d->nvariants == 0)
		return;
	if (pk->variant > 0) {
		snprintf(line, sizeof(line), "  %s", d->variants[pk->variant - 1].note);
		text_sanitize(line);
		tui_put(y--, x, COLS - x, A_NORMAL, line);
	}
	snprintf(line, sizeof(line), "variant: < %s >   (v: %d of %d)",
		 pk->variant ? d->variants[pk->variant - 1].args : "as written", pk->variant,
		 d->nvariants);
	text_sanitize(line);
	tui_put(y, x, COLS - x, A_BOLD, line);
}

/* The selected demo's source, read-only, from line src_top. */
static void picker_draw_source(const struct picker *pk, int x)
{
	const struct tui_app *a = pk->a;
	int rows = picker_source_rows() - 1;
	char head[160];

	snprintf(head, sizeof(head),
		 " %s.py  lines %d-%d of %d  (Up/Down PgUp/PgDn Home/End; s Esc: back)",
		 pk->list[pk->sel].name, pk->src_n ? pk->src_top + 1 : 0,
		 pk->src_top + rows < pk->src_n ? pk->src_top + rows : pk->src_n, pk->src_n);
	text_sanitize(head);
	tui_fill(1, x, COLS - x, tui_attr(a, C_HEADER));
	tui_put(1, x, COLS - x, tui_attr(a, C_HEADER), head);
	for (int i = 0; i < rows && pk->src_top + i < pk->src_n; i++) {
		char num[16];

		snprintf(num, sizeof(num), "%4d ", pk->src_top + i + 1);
		tui_put(2 + i, x, 5, tui_faint(a), num);
		tui_put(2 + i, x + 5, COLS - x - 5, A_NORMAL, pk->src_lines[pk->src_top + i]);
	}
	if (!pk->src_n)
		tui_put(2, x, COLS - x, tui_faint(a), "(the file cannot be read)");
}

/* The help: the picker's keys, scrolled; any other key closes it. */
static void picker_draw_help(const struct picker *pk)
{
	const struct tui_app *a = pk->a;
	int rows = LINES - 2, n = picker_help_count();

	tui_fill(0, 0, COLS, tui_attr(a, C_TITLE));
	tui_put(0, 0, COLS, tui_attr(a, C_TITLE), " forkscope  the demo picker's keys");
	for (int i = 0; i < rows && pk->help_top + i < n; i++) {
		struct picker_help_line h = picker_help_line(pk->help_top + i);
		char line[256];

		snprintf(line, sizeof(line), "  %-18s %s", h.keys, h.what);
		tui_put(1 + i, 0, COLS, A_NORMAL, line);
	}
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(LINES - 1, 0, COLS, tui_attr(a, C_STATUS),
		" Up/Down PgUp/PgDn Home/End: scroll   any other key: close");
}

void picker_draw(const struct picker *pk)
{
	const struct tui_app *a = pk->a;
	int x = PICKER_LIST_W + 2, rows = picker_list_rows();

	erase();
	if (COLS < LAYOUT_MIN_COLS || LINES < LAYOUT_MIN_ROWS) {
		tui_too_small(COLS, LINES);
		refresh();
		return;
	}
	if (pk->help) {
		picker_draw_help(pk);
		refresh();
		return;
	}
	tui_fill(0, 0, COLS, tui_attr(a, C_TITLE));
	tui_put(0, 0, COLS, tui_attr(a, C_TITLE),
		" forkscope  pick a demo: watch how Python multiprocessing creates processes");
	tui_put(1, 1, PICKER_LIST_W, A_BOLD, "Demos");
	for (int i = 0; i < rows && pk->top + i < pk->n; i++) {
		char line[80];
		int attr = pk->top + i == pk->sel ? (int)A_REVERSE : (int)A_NORMAL;

		snprintf(line, sizeof(line), " %-*.*s", PICKER_LIST_W - 1, PICKER_LIST_W - 1,
			 pk->list[pk->top + i].name);
		text_sanitize(line);
		tui_put(2 + i, 0, PICKER_LIST_W, attr, line);
	}
	attrset(tui_faint(a));
	mvvline(1, PICKER_LIST_W, a->ascii ? '|' : ACS_VLINE, LINES - 3);
	attrset(A_NORMAL);
	if (pk->source) {
		picker_draw_source(pk, x);
	} else if (pk->n > 0) {
		const struct fs_demo *d = &pk->list[pk->sel];
		int y = 1, max_y = LINES - 7;

		tui_put(y++, x, COLS - x, A_BOLD, d->name);
		y = picker_wrap(y + 1, x, COLS - x - 1, max_y, A_NORMAL, d->summary);
		if (d->look_for[0] && y + 2 < max_y) {
			tui_put(++y, x, COLS - x, tui_attr(a, C_MATCH), "What to look for");
			picker_wrap(y + 1, x, COLS - x - 1, max_y, A_NORMAL, d->look_for);
		}
		picker_draw_choices(pk, x);
	}
	if (pk->err[0])
		tui_put(LINES - 2, 0, COLS, tui_attr(a, C_WARN), pk->err);
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(
	    LINES - 1, 0, COLS, tui_attr(a, C_STATUS),
	    COLS >= 110
		? " Up/Down: demo  m: method  v: variant  t: tempo  s: source  Enter: run"
		  "  c: compare  ?: help  q: quit"
		: " Enter run  c compare  m/v/t method/variant/tempo  s source  ? help  q quit");
	refresh();
}
