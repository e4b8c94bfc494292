/* The help screen: every key, and what the marks of the tree, state and timeline mean,
 * with the role legend in colour. */
#include <curses.h>
#include <string.h>

#include "tui/tui_internal.h"

static const char *const tui_help_lines[] = {
    "forkscope keys",
    "",
    "  Up/Down j/k     move in the focused pane     PgUp/PgDn  page",
    "  g / G           first / last row",
    "  Tab / S-Tab     next / previous pane          z          maximize the pane",
    "  Enter           details of the process (again: back)",
    "  Left/Right h/l  tree: fold / unfold           x          fold or unfold",
    "                  timeline: pan                 E          unfold everything",
    "  + / -           timeline zoom in / out        0          whole run",
    "  /               find a process (filters the event log too); n: next match",
    "  f               event types: all, fork, exec, exit, signal",
    "  p               events of the selected process only (again: all)",
    "  s               show SIGCHLD in the event log or not",
    "  Esc             clear the search and the filters (and leave a maximized pane)",
    "  o               workload output instead of the event log (live)",
    "",
    "  space           pause / play (live: freeze the view; events keep coming)",
    "  , / .           step one event back / forward",
    "  < / >           slower / faster (0.1x to 100x)",
    "  Home / End      jump to the start / the end   (also b / e)",
    "",
    "  m               change the start method and run again (live)",
    "  r               run again (live) / replay from the start",
    "  c               compare fork, spawn and forkserver (live)",
    "  d               back to the demo picker (when started from it)",
    "  ? / F1          this help                      q / F10    quit (in the help: close it)",
    "",
    "roles:",
    "tree: ^ after a PID = re-parented orphan; dimmed rows = exited (tombstones)",
    "state: SIGTERM by 1234 = killed by SIGTERM from 1234; * = a daemon killed at its starter's "
    "exit",
    "timeline: + fork  * exec  ! signal received  | exit  X killed  > still running",
    "",
    "press any key to close",
};

/* The help screen, whole. */
void tui_draw_help(const struct tui_app *a)
{
	int n = (int)(sizeof(tui_help_lines) / sizeof(tui_help_lines[0]));

	erase();
	for (int i = 0; i < n && i < LINES; i++) {
		tui_put(i, 2, COLS - 2, i == 0 ? tui_attr(a, C_TITLE) | A_BOLD : A_NORMAL,
			tui_help_lines[i]);
		if (!strcmp(tui_help_lines[i], "roles:"))
			tui_draw_legend(a, i, 9, COLS - 9, false, false);
	}
}
