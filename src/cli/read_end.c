/* How tree and narrate end: one line on stderr for what went wrong, and the exit status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/read_end.h"

int cli_read_end(const char *file, int rc, const char *err, const struct fs_replay_info *info,
		 int out_rc, const char *what)
{
	char warn[256];

	if (fflush(stdout) != 0 || ferror(stdout))
		out_rc = -1;
	replay_describe_end(info, warn, sizeof(warn));
	if (rc != 0)
		fprintf(stderr, "forkscope: %s: %s\n", file, err);
	else if (warn[0])
		fprintf(stderr, "forkscope: warning: %s: %s\n", file, warn);
	if (rc == 0 && out_rc != 0)
		fprintf(stderr, "forkscope: writing the %s failed: %s\n", what,
			errno ? strerror(errno) : "out of memory");
	return rc == 0 && out_rc == 0 ? 0 : 1;
}
