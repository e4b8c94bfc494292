/* The UI's colours as one table of meanings (no curses here: tui/theme.c turns it into
 * colour pairs). Each meaning has one colour per theme, no colour carries two meanings,
 * and each says which glyph or word carries it too, so that colour is never alone. */
#ifndef FORKSCOPE_VIEW_THEME_H
#define FORKSCOPE_VIEW_THEME_H

#include <stdbool.h>

enum theme_id {
	THEME_DEFAULT,	 /* for a dark terminal: the terminal's own background */
	THEME_PROJECTOR, /* high contrast on its own white paper: light or dark schemes alike */
	THEME_COUNT,
};

/* What a colour means; the tui's colour pairs are these + 1. */
enum theme_meaning {
	TM_MAIN,
	TM_FORKSERVER,
	TM_TRACKER,
	TM_CHILD_FORK,
	TM_CHILD_SPAWN,
	TM_CHILD_FSRV,
	TM_OTHER,
	TM_SIGNAL,   /* a signal received '!', a signal event */
	TM_KILL,     /* 'X': killed by a signal */
	TM_TITLE,    /* the title bar */
	TM_STATUS,   /* the status bar */
	TM_WARN,     /* LOST, CAP, a message: words on the status bar */
	TM_HEADER,   /* a pane's header */
	TM_FOCUS,    /* the header of the pane with the focus */
	TM_MATCH,    /* a search match */
	TM_RUNNABLE, /* '-': waiting for a CPU */
	TM_FAINT,    /* secondary text (tree lines, notes), A_DIM's stand-in */
	TM_STDERR,   /* "err": a line written to stderr */
	TM_PAPER,    /* the screen's background and plain text */
	TM_COUNT,
};

#define THEME_BOLD 1
#define THEME_REVERSE 2
#define THEME_UNDERLINE 4
#define THEME_DIM 8

/* xterm colour numbers (0-255); -1: the theme's background or text colour (the terminal's
 * own in the default theme, the paper's in the projector one) */
struct theme_colour {
	short fg, bg;
	int attrs; /* THEME_* */
};

struct theme_entry {
	const char *what; /* the meaning, for the docs and the tests */
	const char *also; /* the glyph or word that carries it without colour */
	bool hue;	  /* its colour tells it apart (else a grey, or the text colour) */
	struct theme_colour c[THEME_COUNT];
	struct theme_colour c16; /* 16-colour terminal (default theme): 0-15 only */
	struct theme_colour c8;	 /* 8 colours or fewer: 0-7 only */
};

/* The table, TM_COUNT entries in enum order. */
const struct theme_entry *theme_table(void);
/* A theme by name (default, projector), or -1. */
int theme_parse(const char *name);
const char *theme_name(enum theme_id id);
/* The colour of a meaning in a theme on a terminal of `colours` colours. */
struct theme_colour theme_colour(enum theme_id id, enum theme_meaning m, int colours);
#endif
