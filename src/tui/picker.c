/* The demo picker: forkscope with no arguments. Choose a demo and a start method, run it
 * in the live UI (or compare the three methods); 'd' there comes back here. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "workload/demos.h"
#include "workload/live.h"
#include "tui/tui.h"
#include "tui/tui_internal.h"

bool tui_picker_run(const struct fs_cli *cli, bool compare, char *err, size_t errlen);

/* The choices, in the picker's order; FS_METHOD_NONE is the program's default. */
static const enum fs_method picker_methods[] = {FS_METHOD_FORKSERVER, FS_METHOD_SPAWN,
						FS_METHOD_FORK, FS_METHOD_NONE};

/* Word-wrap text at width from row y; returns the next free row. */
static int picker_wrap(int y, int x, int w, int max_y, int attr, const char *text)
{
	const char *p = text;

	while (*p && y < max_y) {
		int n = (int)strlen(p), cut = n;

		if (n > w) {
			cut = w;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = w;
		}
		char line[512];

		snprintf(line, sizeof(line), "%.*s", cut, p);
		text_sanitize(line);
		tui_put(y++, x, w, attr, line);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return y;
}

static void picker_draw(struct tui_app *a, const struct fs_demo *list, int n, int sel, int top,
			int method, const char *err)
{
	int list_w = 24, x = list_w + 2, rows;

	erase();
	if (COLS < LAYOUT_MIN_COLS || LINES < LAYOUT_MIN_ROWS) {
		tui_too_small(COLS, LINES);
		refresh();
		return;
	}
	rows = LINES - 4;
	attrset(a->color ? COLOR_PAIR(C_TITLE) : A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	tui_put(0, 0, COLS, (int)(a->color ? COLOR_PAIR(C_TITLE) | A_BOLD : A_REVERSE | A_BOLD),
		" forkscope  pick a demo: watch how Python multiprocessing creates processes");
	tui_put(1, 1, list_w, A_BOLD, "Demos");
	for (int i = 0; i < rows && top + i < n; i++) {
		char line[80];
		int attr = top + i == sel ? (int)A_REVERSE : (int)A_NORMAL;

		snprintf(line, sizeof(line), " %-*.*s", list_w - 1, list_w - 1, list[top + i].name);
		text_sanitize(line);
		tui_put(2 + i, 0, list_w, attr, line);
	}
	attrset(tui_faint(a));
	mvvline(1, list_w, a->ascii ? '|' : ACS_VLINE, LINES - 3);
	attrset(A_NORMAL);
	if (n > 0) {
		int y = 1;

		tui_put(y++, x, COLS - x, A_BOLD, list[sel].name);
		y = picker_wrap(y + 1, x, COLS - x - 1, LINES - 6, A_NORMAL, list[sel].summary);
		if (list[sel].look_for[0]) {
			tui_put(++y, x, COLS - x,
				(int)(a->color ? COLOR_PAIR(C_MATCH) | A_BOLD : A_BOLD),
				"What to look for");
			picker_wrap(y + 1, x, COLS - x - 1, LINES - 6, A_NORMAL,
				    list[sel].look_for);
		}
	}
	{
		char line[160];

		snprintf(line, sizeof(line), "start method: < %s >   (Left/Right or m to change)",
			 names_method(picker_methods[method]) ? names_method(picker_methods[method])
							      : "program default");
		tui_put(LINES - 3, x, COLS - x, A_BOLD, line);
	}
	if (err && err[0])
		tui_put(LINES - 2, 0, COLS, a->color ? (int)COLOR_PAIR(C_WARN) : (int)A_REVERSE,
			err);
	attrset(a->color ? COLOR_PAIR(C_STATUS) : A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	tui_put(LINES - 1, 0, COLS, a->color ? (int)COLOR_PAIR(C_STATUS) : (int)A_REVERSE,
		" Up/Down: demo   Left/Right m: method   Enter: run   c: compare the three methods"
		"   q: quit");
	refresh();
}

int tui_picker(const struct fs_cli *opts)
{
	static struct tui_app app;
	struct tui_app *a = &app;
	struct fs_demo *list = NULL;
	int n, sel = 0, top = 0, method = 0, rc = 0;
	char err[512] = "";
	bool quit = false;

	(void)opts;
	setlocale(LC_ALL, "");
	live_install_signal_handlers();
	memset(a, 0, sizeof(*a));
	n = demos_list_or_explain(&list, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "forkscope: %s\n", err);
		return 1;
	}
	if (!tui_curses_start(a)) {
		fprintf(stderr, "forkscope: %s\n", a->error);
		free(list);
		return 1;
	}
	while (!quit && !live_stop_signal()) {
		int ch;

		if (sel < top)
			top = sel;
		if (LINES > 4 && sel >= top + LINES - 4)
			top = sel - (LINES - 4) + 1;
		picker_draw(a, list, n, sel, top, method, err);
		timeout(100);
		ch = getch();
		switch (ch) {
		case ERR:
		case KEY_RESIZE:
			break;
		case 'q':
		case KEY_F(10):
			quit = true;
			break;
		case KEY_UP:
		case 'k':
			sel = sel > 0 ? sel - 1 : 0;
			break;
		case KEY_DOWN:
		case 'j':
			sel = sel + 1 < n ? sel + 1 : sel;
			break;
		case KEY_LEFT:
			method = (method + 3) % 4;
			break;
		case KEY_RIGHT:
		case 'm':
			method = (method + 1) % 4;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
		case 'c': {
			char *argv[2] = {list[sel].name, NULL};
			struct fs_cli cli;

			memset(&cli, 0, sizeof(cli));
			cli.cmd = FS_CMD_RUN;
			cli.method = names_method(picker_methods[method]);
			cli.is_demo = true;
			cli.argv = argv;
			cli.argc = 1;
			err[0] = '\0';
			timeout(0);
			if (!tui_picker_run(&cli, ch == 'c', err, sizeof(err)))
				quit = true;
			break;
		}
		default:
			break;
		}
	}
	tui_curses_stop();
	if (err[0] && quit) {
		fprintf(stderr, "forkscope: %s\n", err);
		rc = 1;
	}
	free(list);
	return rc;
}
