/* The key tables' parts shared by keys.c (the main, output-pane, compare and global
 * keys, the dispatch) and keys_help.c (the help screen's own keys). */
#ifndef FORKSCOPE_TUI_KEYS_H
#define FORKSCOPE_TUI_KEYS_H

#include <stddef.h>

#include "tui/tui_internal.h"

/* An action: what one key does. */
typedef void (*tui_action)(struct tui_app *a);

/* A binding: up to four keys (0 ends them), their action and the help's line: the keys
 * as written there and what they do. A binding without keys and action is the title of
 * the section that follows. */
struct tui_binding {
	int keys[4];
	tui_action act;
	const char *label, *help;
};

#define TUI_SECTION(title)                                                                         \
	{                                                                                          \
		{0}, NULL, NULL, title                                                             \
	}

#define TUI_NKEYS(t) (sizeof(t) / sizeof((t)[0]))

/* The action bound to ch in a table of n bindings, or NULL. */
tui_action tui_key_action(const struct tui_binding *t, size_t n, int ch);
/* A key on the help screen: its scrolling keys, or any other closes it (keys_help.c). */
void tui_help_screen_key(struct tui_app *a, int ch);

/* keys_compare.c: the compare screen's table, and c (compare, or back to it) */
#define TUI_COMPARE_NKEYS 13
extern const struct tui_binding tui_compare_keys[TUI_COMPARE_NKEYS];
void tui_action_compare(struct tui_app *a);

#endif
