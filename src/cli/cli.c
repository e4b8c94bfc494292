/* Command-line parsing: strict, with one-line errors and exit status 2. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/names.h"
#include "export/export.h"
#include "trace/trace.h"
#include "base/parse.h"
#include "view/theme.h"

static const char usage_text[] =
    "usage: forkscope [-o FILE] [--tempo N] [UI-OPTIONS]   (the UI: pick a demo, a variant\n"
    "                     and a start method; -o records the run picked to FILE)\n"
    "       forkscope run [--method fork|spawn|forkserver] [--python PATH] [--no-tui]\n"
    "                     [--json] [-o FILE] [--duration SECS] [--all] [--ringbuf-kb N]\n"
    "                     [--max-procs N] [--as-root] [--no-capture] [--no-pyhook]\n"
    "                     [UI-OPTIONS] (DEMO [DEMO-ARGS...] | -- COMMAND [ARGS...])\n"
    "       forkscope replay [UI-OPTIONS] FILE\n"
    "       forkscope tree [--json] [--ascii] FILE\n"
    "       forkscope narrate [--json] FILE  (the lessons of a recording, one a line)\n"
    "       forkscope export --format perfetto|dot|mermaid|svg [-o OUT] FILE\n"
    "                     (a recording for Perfetto's UI, Graphviz, Mermaid, or as an\n"
    "                     SVG picture of the tree beside its timeline; docs/export.md)\n"
    "       forkscope demos\n"
    "       forkscope compare [--python A,B,...] [--method M] DEMO [DEMO-ARGS...]\n"
    "                     (one demo under several interpreters: the given ones, else\n"
    "                     /usr/bin/python3, ~/.pyenv and uv's; what changed between\n"
    "                     their versions)\n"
    "       forkscope doctor                (check BPF, cgroups, terminal, Pythons)\n"
    "       forkscope --help | --version\n"
    "\n"
    "Trace every process a workload creates (fork, exec, exit, signal) with eBPF,\n"
    "with the roles of Python multiprocessing (main, forkserver, resource tracker,\n"
    "children by start method), daemon kills and Pool worker recycling.\n"
    "\n"
    "run options:\n"
    "  --method M       start method: passed to a demo as --method; for any other\n"
    "                   Python program the default start method (the program's own\n"
    "                   choice still wins)\n"
    "  --python PATH    interpreter for demos (default: the real python3 on PATH)\n"
    "  --no-tui         print one line per event instead of the UI (the default\n"
    "                   when stdout is not a terminal)\n"
    "  --json           print JSON Lines (the recording format) instead\n"
    "  -o FILE          also record JSON Lines to FILE\n"
    "  --duration SECS  stop the workload after SECS seconds\n"
    "  --all            trace every process of the system, not just the workload;\n"
    "                   it shows every user's processes and arguments, so it needs\n"
    "                   real root (uid 0, e.g. sudo), not just capabilities\n"
    "  --ringbuf-kb N   kernel ring buffer size in KiB, 16 or more, rounded up to a power\n"
    "                   of two (default 4096)\n"
    "  --max-procs N    cap on the workload's live processes (default 256 for a demo,\n"
    "                   4096 for a command; 0: no cap)\n"
    "  --as-root        under sudo, run the workload as root (default: as the user\n"
    "                   who ran sudo)\n"
    "  --no-capture     the workload writes to forkscope's own stdout and stderr, as\n"
    "                   it would untraced; its output is not traced nor recorded\n"
    "                   (default: its stdout and stderr are a terminal forkscope owns,\n"
    "                   and each write is recorded with the process that made it)\n"
    "  --no-pyhook      Python processes of the workload tell forkscope nothing\n"
    "                   (default: a start-up hook on PYTHONPATH sends each one's\n"
    "                   multiprocessing name, kind, daemon flag, start-up phases and\n"
    "                   tasks through the channel; docs/channel.md)\n"
    "\n"
    "UI options (the picker, run, replay):\n"
    "  --theme T        default (for dark terminals) or projector (high contrast, dark\n"
    "                   on its own white background: reads on projectors and on light\n"
    "                   and dark terminal schemes); default: $FORKSCOPE_THEME, else\n"
    "                   default. NO_COLOR=1 turns colours off in every theme\n"
    "  --no-dim         finished processes are not dimmed\n"
    "picker options:\n"
    "  -o FILE          record the run picked to FILE (JSON Lines, as run -o)\n"
    "  --tempo N        demos run N times slower (their pauses last N times longer;\n"
    "                   1 to 10, default 1; the picker's t key changes it)\n"
    "\n"
    "exit status: 0 success, 2 usage error, 1 any other failure; run exits with the\n"
    "workload's own status (128 + N when signal N killed it). doctor: 0 when tracing\n"
    "can work here, 1 otherwise.\n"
    "\n"
    "EXAMPLES:\n"
    "  sudo forkscope                                  # the UI: pick a demo and a method\n"
    "  sudo forkscope --theme projector -o lesson.jsonl  # on a projector, the run recorded\n"
    "  forkscope demos                                 # list the demos\n"
    "  forkscope doctor                                # check what tracing needs here\n"
    "  forkscope run --method forkserver pool-recycle  # a demo under forkserver\n"
    "  forkscope run --no-tui --method spawn daemon    # the same as text lines\n"
    "  forkscope run --method spawn -- python3 app.py  # your program, spawn by default\n"
    "  forkscope run -o trace.jsonl -- python3 app.py  # your program, recorded\n"
    "  forkscope run --json --duration 5 -- make -j4   # any command, JSON Lines\n"
    "  forkscope compare --method spawn pool-recycle   # under every Python found\n"
    "  forkscope replay trace.jsonl                    # replay a recording (no root)\n"
    "  forkscope replay --no-dim trace.jsonl           # finished processes not dimmed\n"
    "  forkscope tree trace.jsonl                      # the final tree of a recording\n"
    "  forkscope tree --json trace.jsonl               # the same as JSON\n"
    "  forkscope export --format svg -o t.svg trace.jsonl  # tree and timeline, SVG\n"
    "  forkscope export --format dot trace.jsonl | dot -Tpng -o t.png  # a tree picture\n"
    "  forkscope narrate trace.jsonl                   # what it teaches, a lesson a line\n";

void cli_usage(FILE *f)
{
	fputs(usage_text, f);
}

static int cli_error(const char *what, const char *arg)
{
	fprintf(stderr, "forkscope: %s%s%s (see forkscope --help)\n", what, arg ? ": " : "",
		!arg   ? ""
		: *arg ? arg
		       : "''");
	return 2;
}

/* A problem getopt found (opterr is 0): what is wrong, and the option as written. */
static int cli_getopt_error(int c, char **argv, const struct option *opts)
{
	const char *word = argv[optind - 1], *eq;
	size_t len;

	if (strncmp(word, "--", 2) != 0) { /* a short option, maybe inside a group like -xo */
		char shortopt[3] = {'-', (char)optopt, '\0'};

		return cli_error(c == ':' ? "option needs a value" : "unknown option", shortopt);
	}
	eq = strchr(word, '=');
	len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
	for (; opts->name; opts++) {
		if (strlen(opts->name) != len || strncmp(opts->name, word + 2, len) != 0)
			continue;
		if (c == ':')
			return cli_error("option needs a value", word);
		if (eq && opts->has_arg == no_argument)
			return cli_error("option takes no value", word);
	}
	return cli_error(c == ':' ? "option needs a value" : "unknown option", word);
}

enum {
	OPT_METHOD = 256,
	OPT_PYTHON,
	OPT_NO_TUI,
	OPT_JSON,
	OPT_DURATION,
	OPT_ALL,
	OPT_RINGBUF,
	OPT_ASCII,
	OPT_MAX_PROCS,
	OPT_AS_ROOT,
	OPT_NO_CAPTURE,
	OPT_NO_PYHOOK,
	OPT_FORMAT
};

/* the UI's options (after every other's) */
enum { OPT_THEME = 512, OPT_NO_DIM, OPT_TEMPO };

/* --theme T (or $FORKSCOPE_THEME) and --no-dim, the options every UI command takes:
 * 1 when c was one of them, 0 when not, or the exit status of an error. */
static int cli_ui_option(int c, struct fs_cli *cli)
{
	if (c == OPT_NO_DIM) {
		cli->no_dim = true;
		return 1;
	}
	if (c != OPT_THEME)
		return 0;
	cli->theme = theme_parse(optarg);
	if (cli->theme < 0)
		return cli_error("unknown theme (use default or projector)", optarg);
	return 1;
}

/* The theme when --theme was not given: $FORKSCOPE_THEME (empty: the default). */
static int cli_theme_env(struct fs_cli *cli, bool given)
{
	const char *env = getenv("FORKSCOPE_THEME");

	if (given || !env || !env[0])
		return 0;
	cli->theme = theme_parse(env);
	if (cli->theme < 0) {
		fprintf(stderr,
			"forkscope: unknown theme in FORKSCOPE_THEME (use default or projector): "
			"%s\n",
			env);
		return 2;
	}
	return 0;
}

/* The picker's options (-o FILE, --tempo N) and the UI options, and for replay its FILE. */
static int cli_parse_ui(int argc, char **argv, struct fs_cli *cli)
{
	static const struct option opts[] = {
	    {"theme", required_argument, NULL, OPT_THEME},
	    {"no-dim", no_argument, NULL, OPT_NO_DIM},
	    {"output", required_argument, NULL, 'o'},
	    {"tempo", required_argument, NULL, OPT_TEMPO},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool replay = cli->cmd == FS_CMD_REPLAY, themed = false;
	double tempo;
	int c;

	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		int ui = cli_ui_option(c, cli);

		if (ui > 1)
			return ui;
		themed |= c == OPT_THEME;
		if (ui)
			continue;
		if (c == 'h') {
			cli->cmd = FS_CMD_HELP;
			return 0;
		}
		if (c != 'o' && c != OPT_TEMPO)
			return cli_getopt_error(c, argv, opts);
		if (replay) /* the picker's own options */
			return cli_error("unknown option", c == 'o' ? "-o" : "--tempo");
		if (c == 'o') {
			cli->output = optarg;
		} else if (parse_seconds(optarg, &tempo) != 0 || tempo < 1 || tempo > 10) {
			return cli_error("--tempo needs a number from 1 to 10", optarg);
		} else {
			cli->tempo = optarg;
		}
	}
	if (replay && optind != argc - 1)
		return cli_error("replay needs exactly one recording FILE", NULL);
	if (!replay && optind != argc)
		return cli_error("unknown command", argv[optind]);
	if (replay)
		cli->file = argv[optind];
	return cli_theme_env(cli, themed);
}

static int cli_parse_run(int argc, char **argv, struct fs_cli *cli)
{
	static const struct option opts[] = {
	    {"method", required_argument, NULL, OPT_METHOD},
	    {"python", required_argument, NULL, OPT_PYTHON},
	    {"no-tui", no_argument, NULL, OPT_NO_TUI},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"output", required_argument, NULL, 'o'},
	    {"duration", required_argument, NULL, OPT_DURATION},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"ringbuf-kb", required_argument, NULL, OPT_RINGBUF},
	    {"max-procs", required_argument, NULL, OPT_MAX_PROCS},
	    {"as-root", no_argument, NULL, OPT_AS_ROOT},
	    {"no-capture", no_argument, NULL, OPT_NO_CAPTURE},
	    {"no-pyhook", no_argument, NULL, OPT_NO_PYHOOK},
	    {"theme", required_argument, NULL, OPT_THEME},
	    {"no-dim", no_argument, NULL, OPT_NO_DIM},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	bool themed = false;

	while ((c = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		int ui = cli_ui_option(c, cli);

		if (ui > 1)
			return ui;
		themed |= c == OPT_THEME;
		if (ui)
			continue;
		switch (c) {
		case OPT_METHOD:
			if (names_method_parse(optarg) == FS_METHOD_NONE)
				return cli_error(
				    "unknown start method (use fork, spawn or forkserver)", optarg);
			cli->method = optarg;
			break;
		case OPT_PYTHON:
			cli->python = optarg;
			break;
		case OPT_NO_TUI:
			cli->no_tui = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case OPT_DURATION:
			if (parse_seconds(optarg, &cli->duration) != 0)
				return cli_error("--duration needs a positive number of seconds",
						 optarg);
			break;
		case OPT_ALL:
			cli->all = true;
			break;
		case OPT_RINGBUF:
			if (parse_size(optarg, TRACE_MIN_RINGBUF_KB, 1024 * 1024,
				       &cli->ringbuf_kb) != 0)
				return cli_error(
				    "--ringbuf-kb needs a size from 16 to 1048576 (the "
				    "largest event, an exec with 8 KiB of argv, needs 16)",
				    optarg);
			break;
		case OPT_MAX_PROCS:
			if (parse_size(optarg, 0, 4194304, &cli->max_procs) != 0)
				return cli_error("--max-procs needs a number from 0 to 4194304",
						 optarg);
			cli->max_procs_set = true;
			break;
		case OPT_AS_ROOT:
			cli->as_root = true;
			break;
		case OPT_NO_CAPTURE:
			cli->no_capture = true;
			break;
		case OPT_NO_PYHOOK:
			cli->no_pyhook = true;
			break;
		case 'h':
			cli->cmd = FS_CMD_HELP;
			return 0;
		default:
			return cli_getopt_error(c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_error("run needs a DEMO or -- COMMAND", NULL);
	if (!cli->no_tui && !cli->json && cli_theme_env(cli, themed) != 0)
		return 2; /* (text output: no UI, the variable does not matter) */
	/* another user's argv is theirs: file capabilities or a setuid bit are not enough */
	if (cli->all && getuid() != 0)
		return cli_error("--all shows every user's processes and arguments: it needs "
				 "real root (uid 0); run it with sudo",
				 NULL);
	cli->is_demo = strcmp(argv[optind - 1], "--") != 0;
	cli->argv = argv + optind;
	cli->argc = argc - optind;
	return 0;
}

static int cli_parse_tree(int argc, char **argv, struct fs_cli *cli)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"ascii", no_argument, NULL, OPT_ASCII},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_ASCII:
			cli->ascii = true;
			break;
		case 'h':
			cli->cmd = FS_CMD_HELP;
			return 0;
		default:
			return cli_getopt_error(c, argv, opts);
		}
	}
	if (optind != argc - 1)
		return cli_error(cli->cmd == FS_CMD_NARRATE
				     ? "narrate needs exactly one recording FILE"
				     : "tree needs exactly one recording FILE",
				 NULL);
	cli->file = argv[optind];
	return 0;
}

static int cli_parse_compare(int argc, char **argv, struct fs_cli *cli)
{
	static const struct option opts[] = {
	    {"python", required_argument, NULL, OPT_PYTHON},
	    {"method", required_argument, NULL, OPT_METHOD},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PYTHON:
			if (!optarg[0] || optarg[0] == ',')
				return cli_error("--python needs interpreters A,B,...", optarg);
			cli->python = optarg;
			break;
		case OPT_METHOD:
			if (names_method_parse(optarg) == FS_METHOD_NONE)
				return cli_error(
				    "unknown start method (use fork, spawn or forkserver)", optarg);
			cli->method = optarg;
			break;
		case 'h':
			cli->cmd = FS_CMD_HELP;
			return 0;
		default:
			return cli_getopt_error(c, argv, opts);
		}
	}
	if (optind >= argc || argv[optind][0] == '-')
		return cli_error("compare needs a DEMO", optind < argc ? argv[optind] : NULL);
	cli->is_demo = true;
	cli->argv = argv + optind;
	cli->argc = argc - optind;
	return 0;
}

static int cli_parse_export(int argc, char **argv, struct fs_cli *cli)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (export_format_parse(optarg) < 0)
				return cli_error(
				    "unknown export format (use perfetto, dot, mermaid or svg)",
				    optarg);
			cli->format = optarg;
			break;
		case 'o':
			if (!optarg[0])
				return cli_error("-o needs a file name", NULL);
			cli->output = optarg;
			break;
		case 'h':
			cli->cmd = FS_CMD_HELP;
			return 0;
		default:
			return cli_getopt_error(c, argv, opts);
		}
	}
	if (!cli->format)
		return cli_error("export needs --format perfetto, dot, mermaid or svg", NULL);
	if (optind != argc - 1)
		return cli_error("export needs exactly one recording FILE", NULL);
	cli->file = argv[optind];
	return 0;
}

int cli_parse(int argc, char **argv, struct fs_cli *cli)
{
	const char *cmd;

	memset(cli, 0, sizeof(*cli));
	opterr = 0; /* its messages are ours: cli_getopt_error */
	if (argc < 2) {
		cli->cmd = FS_CMD_UI;
		return cli_theme_env(cli, false);
	}
	cmd = argv[1];
	optind = 1; /* parse the sub-command's own options from argv[1] on */
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		cli->cmd = FS_CMD_HELP;
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		cli->cmd = FS_CMD_VERSION;
		return 0;
	}
	if (!strcmp(cmd, "run")) {
		cli->cmd = FS_CMD_RUN;
		return cli_parse_run(argc - 1, argv + 1, cli);
	}
	if (!strcmp(cmd, "compare")) {
		cli->cmd = FS_CMD_COMPARE;
		return cli_parse_compare(argc - 1, argv + 1, cli);
	}
	if (!strcmp(cmd, "tree")) {
		cli->cmd = FS_CMD_TREE;
		return cli_parse_tree(argc - 1, argv + 1, cli);
	}
	if (!strcmp(cmd, "narrate")) {
		int rc;

		cli->cmd = FS_CMD_NARRATE;
		rc = cli_parse_tree(argc - 1, argv + 1, cli);
		if (rc == 0 && cli->cmd == FS_CMD_NARRATE && cli->ascii)
			return cli_error("narrate takes --json and one recording FILE", "--ascii");
		return rc;
	}
	if (!strcmp(cmd, "export")) {
		cli->cmd = FS_CMD_EXPORT;
		return cli_parse_export(argc - 1, argv + 1, cli);
	}
	if (!strcmp(cmd, "replay")) {
		cli->cmd = FS_CMD_REPLAY;
		return cli_parse_ui(argc - 1, argv + 1, cli);
	}
	if (!strcmp(cmd, "doctor")) {
		cli->cmd = FS_CMD_DOCTOR;
		if (argc > 2)
			return cli_error("doctor takes no arguments", argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "demos")) {
		cli->cmd = FS_CMD_DEMOS;
		if (argc > 2)
			return cli_error("demos takes no arguments", argv[2]);
		return 0;
	}
	if (cmd[0] == '-' && strcmp(cmd, "-") != 0) { /* the picker's options */
		cli->cmd = FS_CMD_UI;
		return cli_parse_ui(argc, argv, cli);
	}
	return cli_error("unknown command", cmd);
}
