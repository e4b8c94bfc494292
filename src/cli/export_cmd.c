/* forkscope export: a recording for another tool (src/export/, docs/export.md). */
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli/export_cmd.h"
#include "export/export.h"

/* Do the two paths name one file (-o onto the recording would replace what it reads)? */
static bool export_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int export_command(const struct fs_cli *cli)
{
	struct export_run x;
	char err[768] = "", warn[256] = "";
	int fmt = export_format_parse(cli->format), rc = 1;

	if (fmt < 0) { /* the parser checked it: a caller that did not */
		fprintf(stderr, "forkscope: unknown export format: %s\n", cli->format);
		return 2;
	}
	if (cli->output && export_same_file(cli->output, cli->file)) {
		fprintf(stderr, "forkscope: %s is the recording itself: give -o another file\n",
			cli->output);
		return 1;
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
