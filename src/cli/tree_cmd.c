/* forkscope tree FILE: replay a recording through the model and print its tree. */
#include <stdio.h>

#include "cli/read_end.h"
#include "cli/tree_cmd.h"
#include "output/tree_print.h"
#include "record/replay.h"

int tree_command(const struct fs_cli *cli)
{
	struct fs_model *m = NULL;
	struct fs_header header;
	struct fs_replay_info info;
	char err[512] = "";
	int rc = replay_model(cli->file, 0, &m, &header, &info, err, sizeof(err)), out_rc = 0;

	if (rc == 0 && !m) {
		snprintf(err, sizeof(err), "no header line in the recording");
		rc = -1;
	}
	if (m) {
		if (cli->json)
			out_rc = tree_print_json(stdout, m);
		else
			tree_print_text(stdout, m, cli->ascii);
	}
	rc = cli_read_end(cli->file, rc, err, &info, out_rc, "tree");
	record_header_clear(&header);
	model_free(m);
	return rc;
}
