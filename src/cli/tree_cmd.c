/* forkscope tree FILE: replay a recording through the model and print its tree. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/tree_cmd.h"
#include "output/tree_print.h"
#include "record/replay.h"

int tree_command(const struct fs_cli *cli)
{
	struct fs_model *m = NULL;
	struct fs_header header;
	struct fs_replay_info info;
	char err[512] = "", warn[256];
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
	if (fflush(stdout) != 0 || ferror(stdout))
		out_rc = -1;
	replay_describe_end(&info, warn, sizeof(warn));
	if (rc != 0)
		fprintf(stderr, "forkscope: %s: %s\n", cli->file, err);
	else if (warn[0])
		fprintf(stderr, "forkscope: warning: %s: %s\n", cli->file, warn);
	if (rc == 0 && out_rc != 0)
		fprintf(stderr, "forkscope: writing the tree failed: %s\n",
			errno ? strerror(errno) : "out of memory");
	if (out_rc != 0)
		rc = -1;
	record_header_clear(&header);
	model_free(m);
	return rc == 0 ? 0 : 1;
}
