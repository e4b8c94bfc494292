/* Colours: view/theme.h's table of meanings as curses colour pairs, in the theme chosen
 * (--theme, FORKSCOPE_THEME), with the attributes that stand in for them without colour
 * (NO_COLOR, a terminal without colours); what finished processes and secondary text look
 * like (--no-dim). */
#include <curses.h>
#include <stdlib.h>
#include <wchar.h>

#include "tui/tui.h"
#include "tui/tui_internal.h"

static int tui_theme_id = THEME_DEFAULT;
static bool tui_theme_no_dim;

void tui_theme_choose(int theme, bool no_dim)
{
	tui_theme_id = theme >= 0 && theme < THEME_COUNT ? theme : THEME_DEFAULT;
	tui_theme_no_dim = no_dim;
}

/* curses attributes of THEME_* flags. */
static int tui_theme_attrs(int flags)
{
	return ((flags & THEME_BOLD) ? (int)A_BOLD : 0) |
	       ((flags & THEME_REVERSE) ? (int)A_REVERSE : 0) |
	       ((flags & THEME_UNDERLINE) ? (int)A_UNDERLINE : 0) |
	       ((flags & THEME_DIM) ? (int)A_DIM : 0);
}

/* The flags of a meaning on this terminal. */
static int tui_theme_flags(const struct tui_app *a, int pair)
{
	return theme_colour((enum theme_id)a->theme, (enum theme_meaning)(pair - 1),
			    a->color ? COLORS : 0)
	    .attrs;
}

/* Colours by meaning, unless the terminal has none or NO_COLOR is set (not empty, as
 * no-color.org says): then attributes stand in (tui_attr) and no colour is ever sent. The
 * projector theme paints its own paper (the background of every cell). */
void tui_colors_init(struct tui_app *a)
{
	const char *no_color = getenv("NO_COLOR");
	struct theme_colour paper;

	a->theme = tui_theme_id;
	a->no_dim = tui_theme_no_dim;
	a->color = !(no_color && no_color[0]) && has_colors() && start_color() == OK;
	if (!a->color)
		return;
	use_default_colors();
	paper = theme_colour((enum theme_id)a->theme, TM_PAPER, COLORS);
	for (int m = 0; m < TM_COUNT; m++) {
		struct theme_colour c = theme_colour((enum theme_id)a->theme, m, COLORS);

		init_pair((short)(m + 1), c.fg >= 0 ? c.fg : paper.fg, c.bg >= 0 ? c.bg : paper.bg);
	}
	if (paper.bg >= 0)
		bkgd((chtype)COLOR_PAIR(C_PAPER) | ' ');
}

/* Attribute of a colour pair (with its meaning's bold, underline...), or its monochrome
 * stand-in. */
int tui_attr(const struct tui_app *a, int pair)
{
	if (a->color)
		return (int)COLOR_PAIR(pair) | tui_theme_attrs(tui_theme_flags(a, pair));
	switch (pair) {
	case C_TITLE:
	case C_STATUS:
	case C_HEADER:
	case C_FOCUS:
	case C_KILL:
		return (int)A_REVERSE;
	case C_WARN:
		return (int)(A_REVERSE | A_BOLD);
	case C_MAIN:
	case C_FORKSERVER:
	case C_RUNNABLE:
		return (int)A_BOLD;
	case C_MATCH:
	case C_STDERR:
		return (int)(A_BOLD | A_UNDERLINE);
	case C_TRACKER:
		return (int)A_UNDERLINE;
	case C_FAINT:
		return (int)A_DIM;
	default:
		return (int)A_NORMAL;
	}
}

int tui_faint(const struct tui_app *a)
{
	return tui_attr(a, C_FAINT);
}

/* attr made quieter: dimmed, or (projector: A_DIM nearly vanishes there) plain where it
 * was bold. */
int tui_soften(const struct tui_app *a, int attr)
{
	if (a->color && a->theme == THEME_PROJECTOR)
		return attr & ~(int)A_BOLD;
	return attr | (int)A_DIM;
}

/* A timeline bar of n columns at (y, x) in attr: '=' in ASCII, a line, a heavy one in the
 * projector theme (thin lines fade on a projector). */
void tui_hbar(const struct tui_app *a, int y, int x, int n, int attr)
{
	cchar_t heavy;

	if (n <= 0)
		return;
	if (a->ascii || !a->color || a->theme != THEME_PROJECTOR ||
	    setcchar(&heavy, L"\u2501", (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL) !=
		OK) {
		attrset(attr);
		mvhline(y, x, a->ascii ? '=' : ACS_HLINE, n);
		return;
	}
	mvhline_set(y, x, &heavy, n);
}

/* A finished process's row: softened, or as it is with --no-dim. */
int tui_done_attr(const struct tui_app *a, int attr)
{
	return a->no_dim ? attr : tui_soften(a, attr);
}
