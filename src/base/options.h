/* What the command line asked for, parsed (cli/cli.c fills it): read by the layers that
 * act on it (workload, tui). Plain data. */
#ifndef FORKSCOPE_OPTIONS_H
#define FORKSCOPE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum fs_command {
	FS_CMD_HELP,
	FS_CMD_VERSION,
	FS_CMD_RUN,
	FS_CMD_TREE,
	FS_CMD_REPLAY,
	FS_CMD_UI, /* no arguments: the demo picker */
	FS_CMD_DEMOS,
	FS_CMD_COMPARE, /* a demo under several interpreters (--python A,B,...) */
	FS_CMD_NARRATE, /* the lessons of a recording, one line each */
	FS_CMD_EXPORT,	/* a recording for another tool (--format F) */
	FS_CMD_DOCTOR,	/* what tracing needs here, checked */
};

struct fs_cli {
	enum fs_command cmd;
	const char *method; /* fork, spawn, forkserver or NULL */
	const char *python; /* --python PATH or NULL (compare: A,B,... or NULL: found) */
	const char *output; /* -o FILE or NULL */
	const char *file;   /* tree FILE, replay FILE, export FILE */
	const char *format; /* export --format: perfetto, dot, mermaid, svg */
	bool no_tui;
	bool json;
	bool all;
	bool ascii;	 /* tree: ASCII lines instead of box drawing */
	double duration; /* seconds, 0 for none */
	size_t ringbuf_kb;
	size_t max_procs;   /* cap on live processes, 0 for none */
	bool max_procs_set; /* given by --max-procs (else a default applies) */
	bool as_root;	    /* under sudo, run the workload as root, not as the invoking user */
	bool no_capture;    /* the workload writes to our terminal; its output is not traced */
	bool no_pyhook;	    /* Python processes of the workload tell forkscope nothing */
	bool is_demo;	    /* argv[0] is a demo name; else a command */
	/* the UI's look (run, replay, the picker): --theme or $FORKSCOPE_THEME as an
	 * enum theme_id of view/theme.h (0: default), --no-dim; the picker's --tempo N (a
	 * demo's pauses N times longer, passed to it as --tempo N; NULL: 1) */
	int theme;
	bool no_dim;
	const char *tempo;
	char **argv; /* the demo and its args, or the command; NULL-terminated */
	int argc;
};

#endif
