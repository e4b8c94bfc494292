/* The help screen: every key, listed from the key tables themselves (keys.c), then what
 * the marks of the tree, the states and the timeline mean, with the role legend in colour.
 * It scrolls (its own keys are on its last line); any other key closes it. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_internal.h"

/* After the keys: what the screens show. */
static const char *const tui_help_marks[] = {
    "",
    "what the screens show",
    "  roles:",
    "  tree: ^ after a PID: re-parented orphan; dimmed: exited (a tombstone)",
    "  state: SIGTERM by 1234: killed by SIGTERM from 1234",
    "         *: sent as its starter exited (a daemon, or a pool closed at the end)",
    "  timeline: + fork  * exec  | exit  X killed by a signal  > running",
    "            ? the recording stops following it (cut short)",
    "            ! signal received  ~ signal not delivered (ignored, already pending)",
    "            @ ready: its target (or worker loop) starts  : a task starts (Python's hook)",
    "  output (o, i): the writer's PID in its role's colour, its role when it fits, err:",
    "            written to stderr; control bytes as text (\\x1b, \\r); [+N bytes cut]",
};

#define TUI_HELP_HEAD 2 /* the title and a blank line */
#define TUI_NMARKS ((int)(sizeof(tui_help_marks) / sizeof(tui_help_marks[0])))

/* Lines of the whole help text. */
static int tui_help_total(void)
{
	return TUI_HELP_HEAD + tui_help_key_count() + TUI_NMARKS;
}

/* Rows the text has: all but the last, which says how to scroll and close. */
static int tui_help_rows(void)
{
	return LINES > 1 ? LINES - 1 : 1;
}

void tui_help_update(struct tui_app *a)
{
	int max = tui_help_total() - tui_help_rows();

	if (a->help_top > max)
		a->help_top = max;
	if (a->help_top < 0)
		a->help_top = 0;
}

/* Line i of the help text and its attribute; *legend when the role legend follows it. */
static int tui_help_line(const struct tui_app *a, int i, char *buf, size_t len, bool *legend)
{
	bool heading = false;
	int keys = tui_help_key_count();

	*legend = false;
	if (i == 0) {
		snprintf(buf, len, "forkscope keys");
		return tui_attr(a, C_TITLE) | A_BOLD;
	}
	if (i < TUI_HELP_HEAD) {
		buf[0] = '\0';
		return A_NORMAL;
	}
	i -= TUI_HELP_HEAD;
	if (i < keys) {
		tui_help_key_line(i, buf, len, &heading);
		return heading ? (int)(A_BOLD | A_UNDERLINE) : A_NORMAL;
	}
	i -= keys;
	snprintf(buf, len, "%s", i < TUI_NMARKS ? tui_help_marks[i] : "");
	*legend = i == 2; /* "  roles:" */
	return i == 1 ? (int)(A_BOLD | A_UNDERLINE) : A_NORMAL;
}

/* The help screen, from help_top on, and the line that says how to scroll and close. */
void tui_draw_help(const struct tui_app *a)
{
	int rows = tui_help_rows(), total = tui_help_total(), last;
	char line[256], keys[128];

	erase();
	for (int r = 0; r < rows && a->help_top + r < total; r++) {
		bool legend;
		int attr = tui_help_line(a, a->help_top + r, line, sizeof(line), &legend);

		tui_put(r, 2, COLS - 2, attr, line);
		if (legend) /* the long role names when they fit, else the tree's short ones */
			tui_draw_legend(a, r, 11, COLS - 11, false,
					tui_legend_width(false) > COLS - 11);
	}
	last = a->help_top + rows < total ? a->help_top + rows : total;
	tui_help_scroll_keys(keys, sizeof(keys));
	snprintf(line, sizeof(line), " %s: scroll   any other key: close   %d-%d/%d", keys,
		 a->help_top + 1, last, total);
	tui_fill(LINES - 1, 0, COLS, tui_attr(a, C_STATUS));
	tui_put(LINES - 1, 0, COLS, tui_attr(a, C_STATUS), line);
}
