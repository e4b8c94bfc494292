/* Finding processes: the search prompt (/) and the next process whose PID, command line,
 * comm or role has the search text (n). The text filters the event log too. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "tui/tui_internal.h"

/* Does a process match the search text (PID, comm, argv)? */
static bool tui_proc_matches(const struct fs_proc *p, const char *text)
{
	char num[16];

	snprintf(num, sizeof(num), "%" PRIu32, p->pid);
	if (!strcmp(num, text) || strstr(p->comm, text) ||
	    strstr(names_role_long(p->role, p->start_method), text))
		return true;
	for (int i = 0; p->argv && i < p->argc && p->argv[i]; i++)
		if (strstr(p->argv[i], text))
			return true;
	return false;
}

/* Select the next process (in tree order, after the selection) matching the search. */
void tui_find_next(struct tui_app *a)
{
	int start;

	if (!a->search[0])
		return;
	vtree_expand_all(&a->tree);
	vtree_build(&a->tree, a->sess->model);
	start = vtree_find_row(&a->tree, a->sel_idx);
	for (size_t k = 1; k <= a->tree.n; k++) {
		size_t row = ((size_t)(start < 0 ? 0 : start) + k) % a->tree.n;
		const struct fs_proc *p = model_proc(a->sess->model, (size_t)a->tree.rows[row].idx);

		if (tui_proc_matches(p, a->search)) {
			a->sel_idx = a->tree.rows[row].idx;
			return;
		}
	}
	tui_message(a, "no process matches \"%s\"", a->search);
}

/* A key while the search prompt is open: Enter finds (and filters), Esc cancels. */
void tui_prompt_key(struct tui_app *a, int ch)
{
	if (ch == 27) {
		a->prompting = false;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		a->prompting = false;
		snprintf(a->search, sizeof(a->search), "%s", a->prompt_buf);
		snprintf(a->filt.text, sizeof(a->filt.text), "%s", a->prompt_buf);
		a->f_sess = NULL;
		a->ev_sel = -1;
		if (a->search[0])
			tui_find_next(a);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (a->prompt_len)
			a->prompt_buf[--a->prompt_len] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && a->prompt_len + 1 < sizeof(a->prompt_buf)) {
		a->prompt_buf[a->prompt_len++] = (char)ch;
		a->prompt_buf[a->prompt_len] = '\0';
	}
}
