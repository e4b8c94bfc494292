/* The demo picker: forkscope with no arguments (or only the picker's options). Choose a
 * demo, a variant of it, a start method and a tempo; run it in the live UI (recorded with
 * -o FILE), or compare the three methods; 'd' there comes back here. Its keys are a table
 * with their help lines (?, F1); its source can be read (s). */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "workload/live.h"
#include "tui/picker.h"
#include "tui/tui.h"

bool tui_picker_run(const struct fs_cli *cli, bool compare, char *err, size_t errlen);

/* The choices, in the picker's order; FS_METHOD_NONE is the program's default. */
static const enum fs_method picker_methods[] = {FS_METHOD_FORKSERVER, FS_METHOD_SPAWN,
						FS_METHOD_FORK, FS_METHOD_NONE};
#define PICKER_NMETHODS ((int)(sizeof(picker_methods) / sizeof(picker_methods[0])))

/* the picker's tempos: --tempo values passed to a demo ("1": none passed) */
static const char *const picker_tempo_args[PICKER_TEMPOS] = {"1", "1.5", "2", "3", "5"};

const char *picker_method_name(const struct picker *pk)
{
	const char *m = names_method(picker_methods[pk->method]);

	return m ? m : "program default";
}

/* The selected demo's source, read into lines (tabs as spaces, terminal-safe). */
static void picker_source_free(struct picker *pk)
{
	for (int i = 0; i < pk->src_n; i++)
		free(pk->src_lines[i]);
	free(pk->src_lines);
	pk->src_lines = NULL;
	pk->src_n = 0;
	pk->src_for = -1;
}

static void picker_source_load(struct picker *pk)
{
	FILE *f = fopen(pk->list[pk->sel].path, "r");
	char line[1024];
	int cap = 0;

	picker_source_free(pk);
	pk->src_for = pk->sel;
	pk->src_top = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char **grown;

		line[strcspn(line, "\r\n")] = '\0';
		text_sanitize(line);
		if (pk->src_n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(pk->src_lines, (size_t)cap * sizeof(*grown));
			if (!grown)
				break;
			pk->src_lines = grown;
		}
		pk->src_lines[pk->src_n] = strdup(line);
		if (!pk->src_lines[pk->src_n])
			break;
		pk->src_n++;
	}
	if (f)
		fclose(f);
}

/* Move in the list (or, shown, the source) by delta rows, clamped. */
static void picker_move(struct picker *pk, int delta)
{
	if (pk->source) {
		long top = (long)pk->src_top + delta, max = pk->src_n - (picker_source_rows() - 1);

		if (top > max)
			top = max;
		pk->src_top = top < 0 ? 0 : (int)top;
		return;
	}
	if (pk->n == 0)
		return;
	pk->sel = pk->sel + delta < 0 ? 0 : pk->sel + delta >= pk->n ? pk->n - 1 : pk->sel + delta;
	pk->variant = 0; /* another demo: its own variants */
}

static void pk_up(struct picker *pk)
{
	picker_move(pk, -1);
}

static void pk_down(struct picker *pk)
{
	picker_move(pk, 1);
}

static void pk_page_up(struct picker *pk)
{
	picker_move(pk, -(pk->source ? picker_source_rows() - 1 : picker_list_rows()));
}

static void pk_page_down(struct picker *pk)
{
	picker_move(pk, pk->source ? picker_source_rows() - 1 : picker_list_rows());
}

static void pk_first(struct picker *pk)
{
	picker_move(pk, -1000000);
}

static void pk_last(struct picker *pk)
{
	picker_move(pk, 1000000);
}

static void pk_method_prev(struct picker *pk)
{
	pk->method = (pk->method + PICKER_NMETHODS - 1) % PICKER_NMETHODS;
}

static void pk_method_next(struct picker *pk)
{
	pk->method = (pk->method + 1) % PICKER_NMETHODS;
}

static void pk_variant(struct picker *pk)
{
	if (pk->n > 0)
		pk->variant = (pk->variant + 1) % (pk->list[pk->sel].nvariants + 1);
}

static void pk_tempo(struct picker *pk)
{
	pk->tempo = (pk->tempo + 1) % pk->ntempos;
}

static void pk_source(struct picker *pk)
{
	pk->source = !pk->source && pk->n > 0;
	if (pk->source && pk->src_for != pk->sel)
		picker_source_load(pk);
}

static void pk_run(struct picker *pk)
{
	pk->run = pk->n > 0 ? 1 : 0;
}

static void pk_compare(struct picker *pk)
{
	pk->run = pk->n > 0 ? 2 : 0;
}

static void pk_help(struct picker *pk)
{
	pk->help = true;
	pk->help_top = 0;
}

/* Esc: the source or the error message closed; nothing else (it never quits). */
static void pk_escape(struct picker *pk)
{
	pk->source = false;
	pk->err[0] = '\0';
}

static void pk_quit(struct picker *pk)
{
	pk->quit = true;
}

static void pk_mouse(struct picker *pk);

/* The picker's keys, in the order of its help. */
static const struct {
	int keys[4];
	void (*act)(struct picker *pk);
	const char *label, *help;
} picker_keys[] = {
    {{KEY_UP, 'k'}, pk_up, "Up k", "the demo above (the source: a line up)"},
    {{KEY_DOWN, 'j'}, pk_down, "Down j", "the demo below (the source: a line down)"},
    {{KEY_PPAGE}, pk_page_up, "PgUp", "a page up"},
    {{KEY_NPAGE}, pk_page_down, "PgDn", "a page down"},
    {{KEY_HOME, 'g'}, pk_first, "Home g", "the first demo (the source: its first line)"},
    {{KEY_END, 'G'}, pk_last, "End G", "the last demo (the source: its last line)"},
    {{KEY_LEFT}, pk_method_prev, "Left", "the previous start method"},
    {{KEY_RIGHT, 'm'}, pk_method_next, "Right m", "the next start method"},
    {{'v'}, pk_variant, "v", "the demo's next variant (its options: --parent-waits...)"},
    {{'t'}, pk_tempo, "t", "tempo: the demo's pauses 1.5, 2, 3 or 5 times longer"},
    {{'s', '\t'}, pk_source, "s Tab", "the demo's source, read-only (again: its description)"},
    {{'\n', '\r', KEY_ENTER}, pk_run, "Enter", "run it in the live UI (d there: back here)"},
    {{'c'}, pk_compare, "c", "run it under fork, spawn and forkserver, and compare"},
    {{KEY_MOUSE}, pk_mouse, "mouse", "click: a demo (double click: run it); wheel: scroll"},
    {{'?', KEY_F(1)}, pk_help, "? F1", "this help"},
    {{27}, pk_escape, "Esc", "back from the source; the message closed"},
    {{'q', KEY_F(10)}, pk_quit, "q F10", "quit"},
};
#define PICKER_NKEYS ((int)(sizeof(picker_keys) / sizeof(picker_keys[0])))

int picker_help_count(void)
{
	return PICKER_NKEYS;
}

struct picker_help_line picker_help_line(int i)
{
	struct picker_help_line h = {"", ""};

	if (i >= 0 && i < PICKER_NKEYS) {
		h.keys = picker_keys[i].label;
		h.what = picker_keys[i].help;
	}
	return h;
}

/* A click on the list picks a demo (double: runs it); the wheel moves in the list or the
 * source under it. Nothing happens when the report cannot be read. */
static void pk_mouse(struct picker *pk)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		picker_move(pk, (ev.bstate & BUTTON4_PRESSED) ? -3 : 3);
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)) ||
	    ev.x >= 24 || ev.y < 2 || pk->top + ev.y - 2 >= pk->n)
		return;
	if (pk->sel != pk->top + ev.y - 2)
		pk->variant = 0;
	pk->sel = pk->top + ev.y - 2;
	pk->source = false;
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		pk->run = 1;
}

/* The help: its scrolling keys, any other closes it. */
static void picker_help_key(struct picker *pk, int ch)
{
	int max = picker_help_count() - (LINES - 2);

	if (ch == KEY_UP)
		pk->help_top--;
	else if (ch == KEY_DOWN)
		pk->help_top++;
	else if (ch == KEY_PPAGE)
		pk->help_top -= LINES - 2;
	else if (ch == KEY_NPAGE)
		pk->help_top += LINES - 2;
	else if (ch == KEY_HOME)
		pk->help_top = 0;
	else if (ch == KEY_END)
		pk->help_top = max;
	else if (ch != KEY_RESIZE && ch != KEY_MOUSE)
		pk->help = false;
	if (pk->help_top > max)
		pk->help_top = max;
	if (pk->help_top < 0)
		pk->help_top = 0;
}

static void picker_key(struct picker *pk, int ch)
{
	if (pk->help) {
		picker_help_key(pk, ch);
		return;
	}
	for (int i = 0; i < PICKER_NKEYS; i++)
		for (int k = 0; k < 4 && picker_keys[i].keys[k]; k++)
			if (picker_keys[i].keys[k] == ch) {
				picker_keys[i].act(pk);
				return;
			}
}

/* Run the demo chosen (its variant's arguments, the tempo, -o) in the live UI; false when
 * the user quit there. */
static bool picker_run(struct picker *pk)
{
	const struct fs_demo *d = &pk->list[pk->sel];
	char *argv[16];
	int argc = 0;
	struct fs_cli cli;

	argv[argc++] = pk->list[pk->sel].name;
	if (pk->variant > 0) {
		snprintf(pk->args, sizeof(pk->args), "%s", d->variants[pk->variant - 1].args);
		for (char *w = strtok(pk->args, " "); w && argc < 12; w = strtok(NULL, " "))
			argv[argc++] = w;
	}
	if (pk->tempo > 0) {
		argv[argc++] = "--tempo";
		argv[argc++] = pk->tempo_args[pk->tempo];
	}
	argv[argc] = NULL;
	memset(&cli, 0, sizeof(cli));
	cli.cmd = FS_CMD_RUN;
	cli.method = names_method(picker_methods[pk->method]);
	cli.is_demo = true;
	cli.argv = argv;
	cli.argc = argc;
	cli.output = pk->opts ? pk->opts->output : NULL;
	pk->err[0] = '\0';
	timeout(0);
	return tui_picker_run(&cli, pk->run == 2, pk->err, sizeof(pk->err));
}

/* The tempos t cycles through, starting at --tempo N's (added when it is none of the
 * picker's own). */
static void picker_tempos_init(struct picker *pk, const struct fs_cli *opts)
{
	double want = opts && opts->tempo ? strtod(opts->tempo, NULL) : 1;

	pk->ntempos = 0;
	pk->tempo = -1;
	for (int i = 0; i < PICKER_TEMPOS; i++) {
		snprintf(pk->tempo_args[i], sizeof(pk->tempo_args[i]), "%s", picker_tempo_args[i]);
		if (strtod(picker_tempo_args[i], NULL) == want)
			pk->tempo = i;
		pk->ntempos++;
	}
	if (pk->tempo < 0) {
		pk->tempo = pk->ntempos++;
		snprintf(pk->tempo_args[pk->tempo], sizeof(pk->tempo_args[0]), "%.15s",
			 opts->tempo);
	}
	for (int i = 0; i < pk->ntempos; i++)
		if (i == 0)
			snprintf(pk->tempo_names[i], sizeof(pk->tempo_names[i]), "as written");
		else
			snprintf(pk->tempo_names[i], sizeof(pk->tempo_names[i]), "%sx slower",
				 pk->tempo_args[i]);
}

int tui_picker(const struct fs_cli *opts)
{
	static struct tui_app app;
	static struct picker picker;
	struct picker *pk = &picker;
	int rc = 0;

	setlocale(LC_ALL, "");
	live_install_signal_handlers();
	memset(&app, 0, sizeof(app));
	memset(pk, 0, sizeof(*pk));
	pk->a = &app;
	pk->opts = opts;
	pk->src_for = -1;
	picker_tempos_init(pk, opts);
	pk->n = demos_list_or_explain(&pk->list, pk->err, sizeof(pk->err));
	if (pk->n < 0) {
		fprintf(stderr, "forkscope: %s\n", pk->err);
		return 1;
	}
	if (!tui_curses_start(&app)) {
		fprintf(stderr, "forkscope: %s\n", app.error);
		free(pk->list);
		return 1;
	}
	while (!pk->quit && !live_stop_signal()) {
		int ch;

		if (pk->sel < pk->top)
			pk->top = pk->sel;
		if (pk->sel >= pk->top + picker_list_rows())
			pk->top = pk->sel - picker_list_rows() + 1;
		picker_draw(pk);
		timeout(100);
		ch = getch();
		if (ch == ERR)
			continue;
		picker_key(pk, ch);
		if (pk->run && !picker_run(pk))
			pk->quit = true;
		pk->run = 0;
	}
	tui_curses_stop();
	if (pk->err[0] && pk->quit) {
		fprintf(stderr, "forkscope: %s\n", pk->err);
		rc = 1;
	}
	picker_source_free(pk);
	free(pk->list);
	return rc;
}
