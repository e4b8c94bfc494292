/* forkscope export: a recording for another tool (src/export/, docs/export.md). */
#include <stdio.h>

#include "cli/export_cmd.h"
#include "export/export.h"

int export_command(const struct fs_cli *cli)
{
	struct export_run x;
	char err[768] = "", warn[256] = "";
	int fmt = export_format_parse(cli->format), rc = 1;

	if (fmt < 0) { /* the parser checked it: a caller that did not */
		fprintf(stderr, "forkscope: unknown export format: %s\n", cli->format);
		return 2;
	}
	if (export_run_load(&x, cli->file, err, sizeof(err)) != 0) {
		fprintf(stderr, "forkscope: %s: %s\n", cli->file, err);
		goto out;
	}
	replay_describe_end(&x.info, warn, sizeof(warn));
	if (export_write_file(cli->output ? cli->output : "-", &x, (enum export_format)fmt, err,
			      sizeof(err)) != 0) {
		fprintf(stderr, "forkscope: %s\n", err);
		goto out;
	}
	if (warn[0]) /* like tree: the export is whole as far as the recording goes */
		fprintf(stderr, "forkscope: warning: %s: %s\n", cli->file, warn);
	rc = 0;
out:
	export_run_free(&x);
	return rc;
}
