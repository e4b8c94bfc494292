/* forkscope: make process creation visible. main() only dispatches the command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "cli/export_cmd.h"
#include "cli/doctor.h"
#include "workload/demos.h"
#include "cli/run.h"
#include "cli/tree_cmd.h"
#include "cli/narrate_cmd.h"
#include "tui/tui.h"

/* forkscope demos: name, description and what to look for. */
static int main_list_demos(void)
{
	struct fs_demo *list = NULL;
	char why[PATH_MAX + 256];
	int n = demos_list_or_explain(&list, why, sizeof(why));

	if (n < 0) {
		fprintf(stderr, "forkscope: %s\n", why);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		printf("%-16s %s\n", list[i].name, list[i].summary);
		if (list[i].look_for[0])
			printf("%-16s look for: %s\n", "", list[i].look_for);
	}
	free(list);
	return 0;
}

/* The UI needs a terminal on both ends. */
static int main_on_terminal(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

int main(int argc, char **argv)
{
	struct fs_cli cli;
	int rc = cli_parse(argc, argv, &cli);

	if (rc != 0)
		return rc;
	tui_theme_choose(cli.theme, cli.no_dim); /* the UI's look: --theme, --no-dim */
	switch (cli.cmd) {
	case FS_CMD_HELP:
		cli_usage(stdout);
		return 0;
	case FS_CMD_VERSION:
		printf("forkscope %s\n", FS_VERSION);
		return 0;
	case FS_CMD_DEMOS:
		return main_list_demos();
	case FS_CMD_TREE:
		return tree_command(&cli);
	case FS_CMD_EXPORT:
		return export_command(&cli);
	case FS_CMD_COMPARE:
		return compare_command(&cli);
	case FS_CMD_NARRATE:
		return narrate_command(&cli);
	case FS_CMD_DOCTOR:
		return doctor_command();
	case FS_CMD_REPLAY:
		if (!main_on_terminal()) {
			fprintf(stderr, "forkscope: replay needs a terminal (forkscope tree FILE "
					"prints the tree)\n");
			return 1;
		}
		return tui_replay(cli.file);
	case FS_CMD_UI:
		if (!main_on_terminal()) {
			cli_usage(stderr);
			return 2;
		}
		return tui_picker(&cli);
	case FS_CMD_RUN:
		if (!cli.no_tui && !cli.json && main_on_terminal())
			return tui_run(&cli);
		return run_command(&cli);
	}
	return 1;
}
