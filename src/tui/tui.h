/* The terminal UI (ncurses): replay of a recording, a live run, compare, demo picker.
 * Each returns the process exit status (0, 1 failure, 2 usage error); errors are printed
 * to stderr only after the terminal is restored. */
#ifndef FORKSCOPE_TUI_H
#define FORKSCOPE_TUI_H

#include "base/options.h"

/* forkscope replay FILE: no privileges needed. */
int tui_replay(const char *path);
/* forkscope run ... on a terminal: the live UI (-o FILE records each run). */
int tui_run(const struct fs_cli *cli);
/* forkscope with no arguments: pick a demo and a start method, run it. */
int tui_picker(const struct fs_cli *cli);
/* The theme (enum theme_id of view/theme.h) and --no-dim of the screens to come. */
void tui_theme_choose(int theme, bool no_dim);

#endif
