/* The help screen's own keys: Up/Down, PgUp/PgDn, Home/End and the mouse wheel scroll it
 * (tui_help_update keeps it within its text), a resize redraws it, any other key closes
 * it; and the line that lists them. */
#include <curses.h>
#include <stdio.h>

#include "tui/keys.h"

/* The help screen's scrolling: tui_frame_update keeps help_top within the text. */
static void tui_help_scroll(struct tui_app *a, int delta)
{
	long top = (long)a->help_top + delta;

	a->help_top = top < 0 ? 0 : top > 1000000 ? 1000000 : (int)top;
}

static void action_help_up(struct tui_app *a)
{
	tui_help_scroll(a, -1);
}

static void action_help_down(struct tui_app *a)
{
	tui_help_scroll(a, 1);
}

static void action_help_page_up(struct tui_app *a)
{
	tui_help_scroll(a, -(LINES > 3 ? LINES - 2 : 1));
}

static void action_help_page_down(struct tui_app *a)
{
	tui_help_scroll(a, LINES > 3 ? LINES - 2 : 1);
}

static void action_help_first(struct tui_app *a)
{
	a->help_top = 0;
}

static void action_help_last(struct tui_app *a)
{
	a->help_top = 1000000;
}

/* The mouse wheel (reported while the help is shown): three lines a notch. */
static void action_help_wheel(struct tui_app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		tui_help_scroll(a, -3);
	else if (ev.bstate & BUTTON5_PRESSED)
		tui_help_scroll(a, 3);
}

/* Any key on the help screen: back to where it was opened. */
static void action_help_close(struct tui_app *a)
{
	a->screen = a->back_screen;
}

/* A key with nothing to do that must not close the help (a resize). */
static void action_help_none(struct tui_app *a)
{
	(void)a;
}

/* The help screen: these scroll it (a resize redraws it); any other key closes it. */
static const struct tui_binding tui_help_keys[] = {
    {{KEY_UP}, action_help_up, "Up/Down", NULL},
    {{KEY_DOWN}, action_help_down, NULL, NULL},
    {{KEY_PPAGE}, action_help_page_up, "PgUp/PgDn", NULL},
    {{KEY_NPAGE}, action_help_page_down, NULL, NULL},
    {{KEY_HOME}, action_help_first, "Home/End", NULL},
    {{KEY_END}, action_help_last, NULL, NULL},
    {{KEY_MOUSE}, action_help_wheel, "wheel", NULL},
    {{KEY_RESIZE}, action_help_none, NULL, NULL},
};

void tui_help_screen_key(struct tui_app *a, int ch)
{
	tui_action act = tui_key_action(tui_help_keys, TUI_NKEYS(tui_help_keys), ch);

	(act ? act : action_help_close)(a);
}

void tui_help_scroll_keys(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < TUI_NKEYS(tui_help_keys) && used < len; i++)
		if (tui_help_keys[i].label)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
						 tui_help_keys[i].label);
}
