/* The compare screen's keys: back to the run, compare again, a run in the full UI (1-3,
 * Enter on the one chosen with Up/Down), the table's rows, the shared axis's zoom; and c
 * on the main screen (compare, or back to the comparison from a run opened there). */
#include <curses.h>

#include "tui/keys.h"

/* Compare screen: stop a comparison still running and go back to the run. */
static void action_compare_back(struct tui_app *a)
{
	if (a->cmp_active >= 0) {
		tui_live_kill(a);
		a->cmp[a->cmp_active].done = true;
		a->cmp_active = -1;
	}
	a->screen = SCR_MAIN;
}

/* c: compare the three methods; on a compare run opened from there, back to it. */
static void action_cmp_mouse(struct tui_app *a)
{
	tui_mouse(a);
}

static void action_cmp_help(struct tui_app *a)
{
	a->back_screen = a->screen;
	a->screen = SCR_HELP;
	a->help_top = 0;
}

void tui_action_compare(struct tui_app *a)
{
	if (a->screen == SCR_MAIN && a->cmp_view >= 0)
		tui_compare_back(a);
	else
		tui_compare_start(a);
}

/* The compare screen: 1-3 open a run in the full UI, Enter the one chosen with Up/Down;
 * t gives the table its rows or the runs. */
static void action_cmp_open(struct tui_app *a)
{
	int ch = a->last_key;

	tui_compare_open(a, ch >= '1' && ch <= '3' ? ch - '1' : a->cmp_sel);
}

static void action_cmp_up(struct tui_app *a)
{
	a->cmp_sel = a->cmp_sel > 0 ? a->cmp_sel - 1 : 0;
}

static void action_cmp_down(struct tui_app *a)
{
	a->cmp_sel = a->cmp_sel < 2 ? a->cmp_sel + 1 : 2;
}

static void action_cmp_table(struct tui_app *a)
{
	a->cmp_table_first = !a->cmp_table_first;
}

/* The compare axis: from each run's start, zoomed in or out (0: whole runs). */
static void action_cmp_zoom_in(struct tui_app *a)
{
	a->cmp_zoom = a->cmp_zoom < 16 ? a->cmp_zoom + 1 : 16;
}

static void action_cmp_zoom_out(struct tui_app *a)
{
	a->cmp_zoom = a->cmp_zoom > 0 ? a->cmp_zoom - 1 : 0;
}

static void action_cmp_zoom_fit(struct tui_app *a)
{
	a->cmp_zoom = 0;
}

/* The compare screen. */
const struct tui_binding tui_compare_keys[TUI_COMPARE_NKEYS] = {
    TUI_SECTION("the compare screen"),
    {{'c', 27, KEY_BACKSPACE},
     action_compare_back,
     "c Esc Backspace",
     "back to the run (a comparison still running stops)"},
    {{'r'}, tui_action_compare, "r", "compare again"},
    {{'1', '2', '3'}, action_cmp_open, "1 2 3", "that run in the full UI (c there: back here)"},
    {{'\n', '\r', KEY_ENTER}, action_cmp_open, "Enter", "the run chosen (Up/Down) in the full UI"},
    {{KEY_UP, 'k'}, action_cmp_up, "Up k", "choose the run above"},
    {{KEY_DOWN, 'j'}, action_cmp_down, "Down j", "choose the run below"},
    {{'t'}, action_cmp_table, "t", "the table of figures whole, or the runs' rows"},
    {{'+', '='}, action_cmp_zoom_in, "+ =", "zoom in on the runs' starts (the r and f marks)"},
    {{'-'}, action_cmp_zoom_out, "-", "zoom out"},
    {{KEY_MOUSE}, action_cmp_mouse, "mouse", "click: choose a run; double click: open it"},
    {{'0'}, action_cmp_zoom_fit, "0", "the whole runs"},
    {{'?', KEY_F(1)}, action_cmp_help, "? F1", "this help"},
};
