/* replay_bench: throughput and memory of the recording reader, alone or with the model.
 *
 *   replay_bench [--model] [--tombstones N|ui] FILE
 *
 * Reads FILE (a recording, JSON Lines schema 1) with record_open/record_next, as
 * `forkscope tree` and `forkscope replay` do. With --model every event is also applied to
 * the process model, and model_finish runs at the end. --tombstones (implies --model) sets
 * the model's tombstone limit (model_set_tombstone_limit): N, or "ui" for the terminal
 * UI's VIEW_TOMBSTONE_LIMIT; without it the model keeps every process, as `forkscope tree`
 * does. Prints key=value lines on stdout:
 *
 *   events=<n>        event lines read (header and end line not counted)
 *   ns=<n>            CLOCK_MONOTONIC time from record_open to the last item (and
 *                     model_finish with --model)
 *   events_per_s=<n>
 *   maxrss_kb=<n>     peak resident set size of this program (VmHWM, else ru_maxrss)
 *   procs=<n>         --model: processes started (fork events applied)
 *   kept=<n>          --model: processes still in the model's table (model_count)
 *   retired=<n>       --model: exited processes retired under the tombstone limit
 *   peak_live=<n>     --model: most processes alive at once
 *
 * Exit status: 0, 1 if the recording cannot be read (message on stderr), 2 usage. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_util.h"
#include "model/model.h"
#include "record/record.h"
#include "record/replay.h"
#include "view/view.h"

static const char replay_usage[] = "usage: replay_bench [--model] [--tombstones N|ui] FILE\n";

/* Read the whole recording, applying it to a model (tombstone limit: 0 keeps everything)
 * when use_model; 0 or -1. */
static int replay_run(const char *path, bool use_model, size_t tombstones)
{
	struct fs_replay_sink reader_only = {NULL, NULL, NULL};
	struct fs_replay_info info;
	struct fs_header header;
	struct fs_model *m = NULL;
	const struct fs_model_stats *st;
	uint64_t t0, ns;
	char err[512] = "";
	int rc = -1;

	memset(&header, 0, sizeof(header));
	t0 = bench_now_ns();
	/* the reader alone, or the one recording-to-model loop that forkscope tree runs */
	if (use_model ? replay_model(path, tombstones, &m, &header, &info, err, sizeof(err))
		      : replay_read(path, &reader_only, &info, err, sizeof(err)))
		goto out;
	ns = bench_now_ns() - t0;
	printf("events=%llu\nns=%llu\nevents_per_s=%llu\nmaxrss_kb=%ld\n",
	       (unsigned long long)info.events, (unsigned long long)ns,
	       (unsigned long long)(ns ? info.events * 1000000000.0 / (double)ns : 0),
	       bench_peak_rss_kb());
	if (m) {
		st = model_stats(m);
		printf("procs=%llu\nkept=%zu\nretired=%zu\npeak_live=%zu\n",
		       (unsigned long long)st->forks, model_count(m), st->retired, st->peak_live);
	}
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "replay_bench: %s: %s\n", path, err[0] ? err : "read failed");
	record_header_clear(&header);
	model_free(m);
	return rc;
}

/* The --tombstones value: a number or "ui"; 0 or -1. */
static int replay_parse_limit(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (strcmp(s, "ui") == 0) {
		*out = VIEW_TOMBSTONE_LIMIT;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	bool use_model = false;
	const char *path = NULL;
	size_t tombstones = 0;
	int i;

	for (i = 1; i < argc && !path; i++) {
		if (strcmp(argv[i], "--model") == 0) {
			use_model = true;
		} else if (strcmp(argv[i], "--tombstones") == 0 && i + 1 < argc) {
			if (replay_parse_limit(argv[++i], &tombstones) != 0)
				goto usage;
			use_model = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			goto usage;
		} else {
			path = argv[i];
		}
	}
	if (!path || i != argc)
		goto usage;
	return replay_run(path, use_model, tombstones) == 0 ? 0 : 1;
usage:
	fputs(replay_usage, stderr);
	return 2;
}
