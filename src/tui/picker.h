/* The demo picker's state, shared by its loop and keys (picker.c) and its drawing
 * (picker_draw.c). */
#ifndef FORKSCOPE_TUI_PICKER_H
#define FORKSCOPE_TUI_PICKER_H

#include <stdbool.h>

#include "tui/tui_internal.h"
#include "workload/demos.h"

#define PICKER_TEMPOS 5 /* 1x (as written), then 1.5, 2, 3, 5 times slower */

struct picker {
	struct tui_app *a; /* the terminal's state: colours, ASCII */
	const struct fs_cli *opts;
	struct fs_demo *list;
	int n, sel, top;
	int method;  /* picker_methods[] index */
	int variant; /* 0: as the demo is, k: list[sel].variants[k - 1] */
	int tempo;   /* tempo_args[] index */
	/* --tempo values passed to a demo ("1": none) and their names: the picker's, and the
	 * one --tempo N gave when it is none of them */
	int ntempos;
	char tempo_args[PICKER_TEMPOS + 1][16], tempo_names[PICKER_TEMPOS + 1][32];
	bool help; /* the help is shown */
	int help_top;
	bool source;	  /* the selected demo's source is shown */
	char **src_lines; /* its lines, terminal-safe */
	int src_n, src_top, src_for;
	int run;       /* 1: run the demo, 2: compare the methods (the loop does it) */
	char args[64]; /* the variant's words, cut into the run's argv */
	bool quit;
	char err[512];
};

/* A key of the picker's help: the keys as written and what they do (NULL ends them). */
struct picker_help_line {
	const char *keys, *what;
};

/* The start method chosen ("program default" for the program's own). */
const char *picker_method_name(const struct picker *pk);
/* The help's lines (picker.c, from its key table). */
int picker_help_count(void);
struct picker_help_line picker_help_line(int i);
/* Rows of the demo list, and of the source pane (picker_draw.c). */
int picker_list_rows(void);
int picker_source_rows(void);
void picker_draw(const struct picker *pk);

#endif
