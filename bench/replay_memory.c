/* replay_memory: peak memory of the terminal UI's replay path (session + model) under the
 * UI's limits, for a big recording against a small one in the same run.
 *
 *   replay_memory [--events N] [--tombstones N] SMALL BIG
 *
 * Each recording (bench/gen_recording.py --procs 1000 and --procs 1000000) is replayed in
 * a child process of its own, as `forkscope replay` does: session_load with the limits
 * (default: the UI's, VIEW_EVENT_LIMIT and VIEW_TOMBSTONE_LIMIT; 0 keeps everything),
 * playback to the end in 1,000 clock steps (session_seek_time), then three steps back
 * (session_seek: read again from the file once the first events are no longer kept).
 * Prints key=value lines, small_* and big_* for each, then the ratio:
 *
 *   <run>_events=<n>        events in the recording
 *   <run>_procs=<n>         processes started (retired ones included)
 *   <run>_kept_procs=<n>    processes in the model's table at the end
 *   <run>_kept_events=<n>   events in memory at the end
 *   <run>_maxrss_kb=<n>     peak resident set size of the child (VmHWM, else ru_maxrss)
 *   <run>_ms=<n>            load, playback and the steps back
 *   maxrss_ratio=<x.xx>     big_maxrss_kb / small_maxrss_kb
 *
 * Exit status: 0; 1 when a recording cannot be replayed; 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "view/view.h"

#define PLAY_STEPS 1000

struct replay_result {
	uint64_t events, procs, kept_procs, kept_events, ms;
	long maxrss_kb;
	int ok;
};

static const char replay_usage[] = "usage: replay_memory [--events N] [--tombstones N] SMALL BIG\n";

/* The replay itself, in the child: fills *out (ok = 1 on success). */
static void replay_child(const char *path, size_t events, size_t tombstones,
			 struct replay_result *out)
{
	const struct fs_model_stats *st;
	struct fs_header hdr;
	struct session s;
	uint64_t t0 = (bench_now_ns() / 1000000u), total;
	char err[512] = "";

	memset(out, 0, sizeof(*out));
	if (session_init(&s, 0) != 0) {
		fprintf(stderr, "replay_memory: out of memory\n");
		return;
	}
	session_set_limits(&s, events, tombstones);
	if (session_load(&s, path, &hdr, err, sizeof(err)) != 0) {
		fprintf(stderr, "replay_memory: %s\n", err);
		goto out;
	}
	record_header_clear(&hdr);
	total = session_total_ns(&s);
	for (int k = 1; k <= PLAY_STEPS; k++)
		if (session_seek_time(&s, total / PLAY_STEPS * (uint64_t)k) < 0)
			goto fail;
	if (session_seek(&s, s.count) < 0)
		goto fail;
	for (int k = 0; k < 3 && s.cursor > 0; k++)
		if (session_seek(&s, s.cursor - 1) != 0)
			goto fail;
	st = model_stats(s.model);
	out->events = s.count;
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		out->procs += st->by_role[r];
	out->kept_procs = model_count(s.model);
	out->kept_events = s.store.n;
	out->ms = (bench_now_ns() / 1000000u) - t0;
	out->maxrss_kb = bench_peak_rss_kb();
	out->ok = 1;
	goto out;
fail:
	fprintf(stderr, "replay_memory: %s: seeking failed\n", path);
out:
	session_free(&s);
}

/* Replay path in a child of its own (a fresh peak RSS); 0 or -1. */
static int replay_run(const char *path, size_t events, size_t tombstones, struct replay_result *res)
{
	int fds[2], status, rc = -1;
	ssize_t got = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct replay_result r;

		close(fds[0]);
		replay_child(path, events, tombstones, &r);
		_exit(write(fds[1], &r, sizeof(r)) == (ssize_t)sizeof(r) && r.ok ? 0 : 1);
	}
	close(fds[1]);
	do
		got = read(fds[0], res, sizeof(*res));
	while (got < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(*res) && res->ok && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		rc = 0;
	return rc;
}

static void replay_print(const char *name, const struct replay_result *r)
{
	printf("%s_events=%" PRIu64 "\n%s_procs=%" PRIu64 "\n%s_kept_procs=%" PRIu64
	       "\n%s_kept_events=%" PRIu64 "\n%s_maxrss_kb=%ld\n%s_ms=%" PRIu64 "\n",
	       name, r->events, name, r->procs, name, r->kept_procs, name, r->kept_events, name,
	       r->maxrss_kb, name, r->ms);
}

/* A count option's value: digits only. */
static int replay_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	size_t events = VIEW_EVENT_LIMIT, tombstones = VIEW_TOMBSTONE_LIMIT;
	struct replay_result small, big;
	const char *files[2] = {NULL, NULL};
	int nfiles = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc) {
			if (replay_count(argv[++i], &events) != 0)
				goto usage;
		} else if (!strcmp(argv[i], "--tombstones") && i + 1 < argc) {
			if (replay_count(argv[++i], &tombstones) != 0)
				goto usage;
		} else if (argv[i][0] != '-' && nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			goto usage;
		}
	}
	if (nfiles != 2)
		goto usage;
	printf("event_limit=%zu\ntombstone_limit=%zu\n", events, tombstones);
	if (replay_run(files[0], events, tombstones, &small) != 0 ||
	    replay_run(files[1], events, tombstones, &big) != 0)
		return 1;
	replay_print("small", &small);
	replay_print("big", &big);
	printf("maxrss_ratio=%.2f\n",
	       small.maxrss_kb > 0 ? (double)big.maxrss_kb / (double)small.maxrss_kb : 0.0);
	return 0;
usage:
	fputs(replay_usage, stderr);
	return 2;
}
