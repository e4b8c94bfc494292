/* pingpong: a context-switch storm for the switch benchmark.
 *
 *   pingpong [--cpu K] [-o FILE] N
 *
 * Forks one child; parent and child bounce one byte over two pipes N times (the parent
 * writes, the child reads it and writes it back). Each bounce blocks each of them once on
 * a read, so it costs two context switches (pinned to one CPU with --cpu, each switch goes
 * straight from one to the other; unpinned, each also goes to and from the idle task).
 * Prints the elapsed time of the N bounces alone (CLOCK_MONOTONIC; fork and a first
 * warm-up bounce excluded) as "pingpong_ns=<n>", the context switches both made during
 * them (getrusage nvcsw + nivcsw) as "switches=<n>", and their CPU time as "cpu_ns=<n>",
 * on stdout and, with -o, into FILE.
 * Exit status: 0, 1 if a pipe, fork or the child failed, 2 on a usage error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t, sched_setaffinity */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#define PINGPONG_MAX 100000000L

static const char pp_usage[] = "usage: pingpong [--cpu K] [-o FILE] N\n"
			       "  N: bounces (1..100000000); K: the CPU both run on\n";

/* What one side measured over its loop. */
struct pp_figures {
	uint64_t switches; /* voluntary + involuntary context switches */
	uint64_t cpu_ns;   /* user + system time */
};

/* This process's context switches and CPU time so far. */
static struct pp_figures pp_self(void)
{
	struct rusage ru;
	struct pp_figures f;

	getrusage(RUSAGE_SELF, &ru);
	f.switches = (uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw;
	f.cpu_ns = ((uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
		    (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec)) *
		   1000u;
	return f;
}

/* Read or write exactly len bytes, retrying on EINTR; 0, or -1 (error or end of file). */
static int pp_io(int fd, void *buf, size_t len, int writing)
{
	char *p = buf;

	while (len > 0) {
		ssize_t got = writing ? write(fd, p, len) : read(fd, p, len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* The child: echo n + 1 bytes (the warm-up one first), then send what its loop took. */
static int pp_child(int in, int out, long n)
{
	struct pp_figures f0, f1, d;
	char c;

	if (pp_io(in, &c, 1, 0) != 0 || pp_io(out, &c, 1, 1) != 0)
		return 1;
	f0 = pp_self();
	for (long i = 0; i < n; i++) {
		if (pp_io(in, &c, 1, 0) != 0 || pp_io(out, &c, 1, 1) != 0)
			return 1;
	}
	f1 = pp_self();
	d.switches = f1.switches - f0.switches;
	d.cpu_ns = f1.cpu_ns - f0.cpu_ns;
	return pp_io(out, &d, sizeof(d), 1) != 0;
}

/* Write the figures into FILE (for callers that cannot read our stdout); 0 or -1. */
static int pp_write_file(const char *path, uint64_t ns, uint64_t switches, uint64_t cpu, long n)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "pingpong: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "pingpong_ns=%llu\nswitches=%llu\ncpu_ns=%llu\nbounces=%ld\n",
		(unsigned long long)ns, (unsigned long long)switches, (unsigned long long)cpu, n);
	if (fclose(f) != 0) {
		fprintf(stderr, "pingpong: writing %s failed: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL, *count = NULL, *cpu_arg = NULL;
	long n = 0, cpu = -1;
	int to_child[2], to_parent[2], status, rc = 2, failed = 0;
	struct pp_figures f0, f1, kid = {0, 0};
	uint64_t t0, ns;
	pid_t pid, got;
	char c = 'x';

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) {
			cpu_arg = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out_path = argv[++i];
		} else if (!count && argv[i][0] != '-') {
			count = argv[i];
		} else if ((strcmp(argv[i], "--cpu") == 0 || strcmp(argv[i], "-o") == 0)) {
			fprintf(stderr, "pingpong: %s needs a value\n%s", argv[i], pp_usage);
			return 2;
		} else {
			fprintf(stderr, "pingpong: unexpected argument '%s'\n%s", argv[i],
				pp_usage);
			return 2;
		}
	}
	if (!count || bench_parse_long(count, 1, PINGPONG_MAX, &n) != 0) {
		fprintf(stderr, "pingpong: %s\n%s",
			count ? "N must be a number of bounces" : "N is missing", pp_usage);
		return 2;
	}
	if (cpu_arg && bench_parse_long(cpu_arg, 0, CPU_SETSIZE - 1, &cpu) != 0) {
		fprintf(stderr, "pingpong: --cpu needs a CPU number\n%s", pp_usage);
		return 2;
	}
	rc = 1;
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is an error we report, not a kill */
	if (cpu >= 0 && bench_pin(cpu, "pingpong") != 0)
		return rc;
	if (pipe(to_child) != 0 || pipe(to_parent) != 0) {
		fprintf(stderr, "pingpong: pipe: %s\n", strerror(errno));
		return rc;
	}
	fflush(NULL); /* nothing buffered may be duplicated into the child */
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "pingpong: fork: %s\n", strerror(errno));
		return rc;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		_exit(pp_child(to_child[0], to_parent[1], n));
	}
	close(to_child[0]);
	close(to_parent[1]);
	/* warm-up bounce: the child is running and both pipes are set up */
	if (pp_io(to_child[1], &c, 1, 1) != 0 || pp_io(to_parent[0], &c, 1, 0) != 0)
		failed = 1;
	f0 = pp_self();
	t0 = bench_now_ns();
	for (long i = 0; i < n && !failed; i++) {
		if (pp_io(to_child[1], &c, 1, 1) != 0 || pp_io(to_parent[0], &c, 1, 0) != 0)
			failed = 1;
	}
	ns = bench_now_ns() - t0;
	f1 = pp_self();
	if (!failed && pp_io(to_parent[0], &kid, sizeof(kid), 0) != 0)
		failed = 1;
	close(to_child[1]);
	close(to_parent[0]);
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failed = 1;
	if (failed) {
		fprintf(stderr, "pingpong: the bounce failed (pipe closed, or the child failed)\n");
		return rc;
	}
	kid.switches += f1.switches - f0.switches;
	kid.cpu_ns += f1.cpu_ns - f0.cpu_ns;
	printf("pingpong_ns=%llu\nswitches=%llu\ncpu_ns=%llu\n", (unsigned long long)ns,
	       (unsigned long long)kid.switches, (unsigned long long)kid.cpu_ns);
	rc = 0;
	if (out_path && pp_write_file(out_path, ns, kid.switches, kid.cpu_ns, n) != 0)
		rc = 1;
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
