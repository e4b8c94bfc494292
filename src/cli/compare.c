/* forkscope compare --python A,B,... DEMO: one demo under several interpreters, each run
 * recorded by a `forkscope run` of its own, replayed, and set side by side with what
 * changed in multiprocessing between their versions. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/compare.h"
#include "base/names.h"
#include "model/python.h"
#include "record/replay.h"
#include "workload/python.h"

#define COMPARE_MAX 16 /* interpreters compared */
#define COMPARE_VERSION_LEN 32

/* What changed in multiprocessing, by the version that changed it (docs/compare.md). */
static const struct {
	int major, minor;
	const char *what;
} compare_changes[] = {
    {3, 10, "spawn children start with vfork (CLONE_VFORK in their clone flags)"},
    {3, 12, "a fork while other threads run warns (DeprecationWarning)"},
    {3, 13, "ProcessPoolExecutor's default workers: os.process_cpu_count()"},
    {3, 14, "the default start method on Linux is no longer fork"},
};

struct compare_run {
	char exe[PATH_MAX];
	char version[COMPARE_VERSION_LEN];
	size_t procs, children, vfork_spawns, executor_workers, no_hook;
	uint32_t threaded_forks;
	uint64_t ready_ms10[FS_METHOD_COUNT]; /* median fork -> ready, tenths of ms */
	bool ok;
};

/* The interpreters to compare: the list given, else those found on this machine. */
static size_t compare_find(const char *list, char exes[][PATH_MAX], size_t max)
{
	size_t n = 0;
	const char *home = getenv("HOME");
	char pat[PATH_MAX];
	glob_t g;

	if (list) {
		char *copy = strdup(list), *save = NULL;

		for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && n < max;
		     tok = strtok_r(NULL, ",", &save))
			snprintf(exes[n++], PATH_MAX, "%s", tok);
		free(copy);
		return n;
	}
	snprintf(exes[n++], PATH_MAX, "/usr/bin/python3");
	snprintf(pat, sizeof(pat), "%s/.pyenv/versions/*/bin/python3", home ? home : "/root");
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && n < max; i++)
			snprintf(exes[n++], PATH_MAX, "%s", g.gl_pathv[i]);
		globfree(&g);
	}
	snprintf(pat, sizeof(pat), "%s/.local/share/uv/python/*/bin/python3",
		 home ? home : "/root");
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && n < max; i++)
			snprintf(exes[n++], PATH_MAX, "%s", g.gl_pathv[i]);
		globfree(&g);
	}
	return n;
}

/* forkscope run --json -o REC --python EXE [--method M] DEMO ARGS, its stdout dropped. */
static int compare_record(const struct fs_cli *cli, const char *exe, const char *rec)
{
	char *argv[64];
	int argc = 0, status = 0;
	pid_t pid;

	argv[argc++] = "forkscope";
	argv[argc++] = "run";
	argv[argc++] = "--json";
	argv[argc++] = "-o";
	argv[argc++] = (char *)rec;
	argv[argc++] = "--python";
	argv[argc++] = (char *)exe;
	if (cli->method) {
		argv[argc++] = "--method";
		argv[argc++] = (char *)cli->method;
	}
	for (int i = 0; i < cli->argc && argc < 63; i++)
		argv[argc++] = cli->argv[i];
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* its events and its summary (stderr with --json) are the recording's */
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "forkscope: compare: %s: forkscope run exited %d\n", exe,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return -1;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What one recording shows of the things that changed between versions. */
static void compare_measure(const struct fs_model *m, struct compare_run *r)
{
	size_t n = model_count(m), k[FS_METHOD_COUNT] = {0};
	uint64_t *ready = calloc(n ? n : 1, sizeof(*ready) * FS_METHOD_COUNT);

	r->procs = n;
	for (size_t i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(m, i);
		unsigned meth = (unsigned)p->start_method;

		r->threaded_forks += p->py.threaded_forks;
		r->no_hook += p->py.hook == FS_PY_HOOK_NONE;
		r->executor_workers += p->py.kind == FS_PY_KIND_EXECUTOR_WORKER;
		if (p->role != FS_ROLE_MP_CHILD || meth >= FS_METHOD_COUNT)
			continue;
		r->children++;
		if (p->start_method == FS_METHOD_SPAWN && (p->clone_flags & CLONE_VFORK))
			r->vfork_spawns++;
		if (ready && p->py.ready_ns > p->start_ns)
			ready[meth * n + k[meth]++] = p->py.ready_ns - p->start_ns;
	}
	for (unsigned meth = 0; ready && meth < FS_METHOD_COUNT; meth++) {
		if (!k[meth])
			continue;
		qsort(ready + meth * n, k[meth], sizeof(*ready), compare_u64);
		r->ready_ms10[meth] = ready[meth * n + k[meth] / 2] / 100000;
	}
	free(ready);
}

static int compare_one(const struct fs_cli *cli, struct compare_run *r)
{
	char rec[] = "/tmp/forkscope-compare-XXXXXX", err[512] = "";
	struct fs_model *m = NULL;
	struct fs_header header;
	struct fs_replay_info info;
	int fd = mkstemp(rec), rc = -1;

	memset(&header, 0, sizeof(header));
	if (fd < 0)
		return -1;
	close(fd);
	if (compare_record(cli, r->exe, rec) == 0 &&
	    replay_model(rec, 0, &m, &header, &info, err, sizeof(err)) == 0 && m) {
		snprintf(r->version, sizeof(r->version), "%s", header.python ? header.python : "?");
		compare_measure(m, r);
		r->ok = true;
		rc = 0;
	} else if (err[0]) {
		fprintf(stderr, "forkscope: compare: %s: %s\n", r->exe, err);
	}
	record_header_clear(&header);
	model_free(m);
	unlink(rec);
	return rc;
}

/* The changes between two versions ("3.11.2", "3.13.1"): those after a, up to b. */
static void compare_changed(const char *a, const char *b)
{
	int amaj = 0, amin = 0, bmaj = 0, bmin = 0;

	if (sscanf(a, "%d.%d", &amaj, &amin) != 2 || sscanf(b, "%d.%d", &bmaj, &bmin) != 2)
		return;
	for (size_t i = 0; i < sizeof(compare_changes) / sizeof(compare_changes[0]); i++) {
		int v = compare_changes[i].major * 100 + compare_changes[i].minor;

		if (v > amaj * 100 + amin && v <= bmaj * 100 + bmin)
			printf("  %s -> %s: %s (%d.%d)\n", a, b, compare_changes[i].what,
			       compare_changes[i].major, compare_changes[i].minor);
	}
}

static int compare_by_version(const void *x, const void *y)
{
	const struct compare_run *a = x, *b = y;
	int am = 0, an = 0, ap = 0, bm = 0, bn = 0, bp = 0;

	sscanf(a->version, "%d.%d.%d", &am, &an, &ap);
	sscanf(b->version, "%d.%d.%d", &bm, &bn, &bp);
	return am != bm ? am - bm : an != bn ? an - bn : ap - bp;
}

static void compare_print(struct compare_run *runs, size_t n)
{
	printf("%-44s %-8s %5s %8s %8s %8s %11s %6s %6s %8s\n", "python", "version", "procs",
	       "children", "ready ms", "(method)", "vfork spawn", "thread", "exec.", "no hook");
	for (size_t i = 0; i < n; i++) {
		struct compare_run *r = &runs[i];
		unsigned best = FS_METHOD_COUNT;

		if (!r->ok) {
			printf("%-44s failed\n", r->exe);
			continue;
		}
		for (unsigned meth = 0; meth < FS_METHOD_COUNT && best == FS_METHOD_COUNT; meth++)
			if (r->ready_ms10[meth])
				best = meth;
		printf("%-44s %-8s %5zu %8zu ", r->exe, r->version, r->procs, r->children);
		if (best < FS_METHOD_COUNT)
			printf("%6llu.%llu %8s", (unsigned long long)(r->ready_ms10[best] / 10),
			       (unsigned long long)(r->ready_ms10[best] % 10),
			       names_method((enum fs_method)best));
		else
			printf("%8s %8s", "-", "");
		printf(" %11zu %6u %6zu %8zu\n", r->vfork_spawns, r->threaded_forks,
		       r->executor_workers, r->no_hook);
	}
	printf("ready ms: the median child's fork -> ready (its target starts); thread: forks "
	       "while other threads ran; exec.: ProcessPoolExecutor workers\n");
	printf("what changed between the versions:%s\n",
	       n < 2 ? " (one interpreter: nothing)" : "");
	for (size_t i = 0; i + 1 < n; i++)
		if (runs[i].ok && runs[i + 1].ok)
			compare_changed(runs[i].version, runs[i + 1].version);
}

int compare_command(const struct fs_cli *cli)
{
	static char exes[COMPARE_MAX][PATH_MAX];
	struct compare_run *runs = calloc(COMPARE_MAX, sizeof(*runs));
	size_t n = compare_find(cli->python, exes, COMPARE_MAX), done = 0;
	int rc = 1;

	if (!runs)
		return 1;
	for (size_t i = 0; i < n; i++) {
		char version[COMPARE_VERSION_LEN], why[256] = "";

		if (python_resolve(exes[i], runs[done].exe, sizeof(runs[done].exe), version,
				   sizeof(version), why, sizeof(why)) != 0) {
			fprintf(stderr, "forkscope: compare: %s: %s\n", exes[i],
				why[0] ? why : "not a Python interpreter");
			continue;
		}
		fprintf(stderr, "forkscope: compare: %s (%s)\n", runs[done].exe, version);
		compare_one(cli, &runs[done]);
		done++;
	}
	if (done) {
		qsort(runs, done, sizeof(*runs), compare_by_version);
		compare_print(runs, done);
		rc = 0;
		for (size_t i = 0; i < done; i++)
			if (!runs[i].ok)
				rc = 1;
	} else {
		fprintf(stderr, "forkscope: compare: no interpreter to run\n");
	}
	free(runs);
	return rc;
}
