/* X: export the run on screen in every format (src/export/, docs/export.md), next to its
 * recording (else in the current directory, else in /tmp), and say where in the status
 * line. A replay and a run recorded with -o are exported from their recording, whole; a
 * run without one from the events in memory, when none was dropped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "export/export.h"
#include "tui/tui_internal.h"
#include "workload/invoker.h"

/* The run from the session's events in memory (all of them): 0, or -1 with why. */
static int tui_export_from_memory(struct tui_app *a, struct export_run *x, char *err, size_t errlen)
{
	struct session *s = a->sess;
	struct fs_header h;
	struct fs_replay_info info;
	struct fs_event *ev = malloc(sizeof(*ev));

	if (!ev || session_first(s) > 0) {
		snprintf(err, errlen, "%s",
			 ev ? "older events were dropped: record the run with -o FILE to export it"
			    : "out of memory");
		free(ev);
		return -1;
	}
	h = a->live && s == &a->main_run.sess ? *live_header(a->live) : s->facts;
	h.root_pid = s->root_pid;
	if (export_run_begin(x, &h) != 0)
		goto oom;
	for (size_t i = 0; i < s->store.n; i++) {
		evstore_get(&s->store, i, ev);
		if (export_run_event(x, ev) != 0)
			goto oom;
	}
	if (s->complete) {
		info = s->info;
	} else {
		memset(&info, 0, sizeof(info));
		info.events = s->store.n;
		info.last_ns = s->last_ns;
	}
	export_run_end(x, &info);
	free(ev);
	return 0;
oom:
	free(ev);
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Where the exports go: BASE + each format's ending. The recording's name without
 * ".jsonl" where its folder is writable, else that name in the current directory, else
 * in /tmp; without a recording, "forkscope-SOURCE". */
static void tui_export_base(const struct tui_app *a, const char *path, char *base, size_t len)
{
	char name[600], dir[600] = ".";
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (path) {
		size_t n;

		snprintf(name, sizeof(name), "%s", slash ? slash + 1 : path);
		n = strlen(name);
		if (n > 6 && !strcmp(name + n - 6, ".jsonl"))
			name[n - 6] = '\0';
		if (slash)
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + (slash == path)),
				 path);
	} else {
		snprintf(name, sizeof(name), "forkscope-%s%s%s", a->source_name,
			 a->method[0] ? "-" : "", a->method);
		for (char *c = name; *c; c++)
			if (*c == '/' || *c == ' ')
				*c = '_';
	}
	if (access(dir, W_OK) != 0)
		snprintf(dir, sizeof(dir), "%s", access(".", W_OK) == 0 ? "." : "/tmp");
	snprintf(base, len, "%s/%s", dir, name);
}

void tui_export(struct tui_app *a)
{
	struct export_run x;
	const char *path = a->live_mode ? a->record_path : (a->file[0] ? a->file : NULL);
	char err[768] = "", base[1300] = "", out[1400], shown[200];
	int done = 0;

	memset(&x, 0, sizeof(x));
	if (!a->sess || (a->live_mode && a->sess != &a->main_run.sess)) {
		tui_message(a, "export: go back to the run first (the compare screen has three)");
		return;
	}
	if (path ? export_run_load(&x, path, err, sizeof(err)) != 0
		 : tui_export_from_memory(a, &x, err, sizeof(err)) != 0)
		goto out;
	tui_export_base(a, path, base, sizeof(base));
	for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
		snprintf(out, sizeof(out), "%s%s", base, export_format_ext((enum export_format)f));
		if (export_write_file(out, &x, (enum export_format)f, err, sizeof(err)) != 0)
			goto out;
		invoker_give(out);
		done++;
	}
out:
	snprintf(shown, sizeof(shown), "%.190s", base);
	text_sanitize(shown);
	text_sanitize(err);
	if (done == EXPORT_FORMAT_COUNT)
		tui_message(a, "exported to %s{.perfetto.json,.dot,.mmd,.svg}", shown);
	else
		tui_message(a, "export failed: %s", err);
	a->msg_until_ns += 4000000000ull; /* time to read a path */
	export_run_free(&x);
}
