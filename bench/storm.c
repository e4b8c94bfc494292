/* storm: a fork (+exec) storm for the overhead benchmark.
 *
 *   storm [--exec|--no-exec] [--cpu K] [--turns TAKE GIVE BLOCK [--second]] [-o FILE] N
 *
 * Forks N children one after another; each child execs /bin/true (--exec, the default)
 * or _exits 0 (--no-exec); the parent waits for each before the next fork. With --cpu,
 * storm and its children run on CPU K only. Prints the elapsed time of the loop alone
 * (CLOCK_MONOTONIC, so start-up is excluded) as "storm_ns=<n>" and the CPU time of the
 * loop, its children included, as "cpu_ns=<n>" on stdout, and also into FILE with -o.
 * FILE also gets "start_ns=<n>": CLOCK_MONOTONIC when storm started (when a tracer that
 * launched it let it run, for the bench's time-to-ready figure).
 * With --turns, storm takes turns with another storm: before each BLOCK children it reads
 * a byte from the FIFO TAKE, after them it writes one into GIVE; the figures then count
 * the blocks only, not the waits between them (the bench's interleaved figure: two storms
 * on one CPU, one traced, meet the same drift of the machine's speed). The --second storm
 * starts by writing a byte into GIVE (it is ready: the first one's first turn waits for
 * that); the first one ends by reading one more byte (the second's last turn is over), so
 * that neither storm's start or exit runs in the other's turn.
 * Exit status: 0, 1 if a child or a fork failed, 2 on a usage error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t, sched_setaffinity */
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#define STORM_MAX 10000000L

static const char storm_usage[] =
    "usage: storm [--exec|--no-exec] [--cpu K] [--turns TAKE GIVE BLOCK [--second]] [-o FILE] "
    "N\n";

/* CPU time used so far by storm and its reaped children, in ns. */
static uint64_t storm_cpu_ns(void)
{
	struct rusage self, kids;
	uint64_t us;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	us = (uint64_t)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
			kids.ru_stime.tv_sec) *
		 1000000u +
	     (uint64_t)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
			kids.ru_stime.tv_usec);
	return us * 1000u;
}

/* One child: fork, exec /bin/true or exit, wait. 0 if it exited 0, else -1. */
static int storm_one(bool exec_mode)
{
	static char *const argv[] = {"true", NULL};
	int status;
	pid_t pid, got;

	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "storm: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (exec_mode)
			execv("/bin/true", argv);
		_exit(exec_mode ? 127 : 0);
	}
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		fprintf(stderr, "storm: waitpid: %s\n", strerror(errno));
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Open a turn FIFO read-write: it never blocks on the other end, and a last byte
 * nobody reads does no harm. The descriptor, or -1. */
static int storm_open_turn(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "storm: cannot open %s: %s\n", path, strerror(errno));
	return fd;
}

/* Wait for our turn (a byte on TAKE) or give it away (a byte into GIVE); 0 or -1. */
static int storm_turn(int fd, bool take)
{
	char c = 't';
	ssize_t got;

	do
		got = take ? read(fd, &c, 1) : write(fd, &c, 1);
	while (got < 0 && errno == EINTR);
	if (got == 1)
		return 0;
	fprintf(stderr, "storm: turn FIFO: %s\n", got < 0 ? strerror(errno) : "closed");
	return -1;
}

/* Write the figure into FILE (for callers that cannot read our stdout); 0 or -1. */
static int storm_write_file(const char *path, uint64_t start, uint64_t ns, uint64_t cpu, long n,
			    long failed)
{
	FILE *f = fopen(path, "w");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "storm: cannot write %s: %s\n", path, strerror(errno));
		goto out;
	}
	fprintf(f, "start_ns=%llu\nstorm_ns=%llu\ncpu_ns=%llu\nchildren=%ld\nfailed=%ld\n",
		(unsigned long long)start, (unsigned long long)ns, (unsigned long long)cpu, n,
		failed);
	if (fclose(f) != 0) {
		fprintf(stderr, "storm: writing %s failed: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	return rc;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL, *count = NULL, *cpu_arg = NULL, *take = NULL, *give = NULL;
	const char *block_arg = NULL;
	bool exec_mode = true, second = false;
	long n = 0, failed = 0, cpu = -1, block = STORM_MAX;
	int take_fd = -1, give_fd = -1;
	uint64_t start = bench_now_ns(), t0, ns, cpu0, cpu_used;
	int rc = 2;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exec") == 0) {
			exec_mode = true;
		} else if (strcmp(argv[i], "--no-exec") == 0) {
			exec_mode = false;
		} else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) {
			cpu_arg = argv[++i];
		} else if (strcmp(argv[i], "--turns") == 0 && i + 3 < argc) {
			take = argv[++i];
			give = argv[++i];
			block_arg = argv[++i];
		} else if (strcmp(argv[i], "--second") == 0) {
			second = true;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out_path = argv[++i];
		} else if (!count && argv[i][0] != '-') {
			count = argv[i];
		} else {
			fputs(storm_usage, stderr);
			goto out;
		}
	}
	if (!count || bench_parse_long(count, 1, STORM_MAX, &n) != 0 ||
	    (cpu_arg && bench_parse_long(cpu_arg, 0, CPU_SETSIZE - 1, &cpu) != 0) ||
	    (block_arg && bench_parse_long(block_arg, 1, STORM_MAX, &block) != 0) ||
	    (second && !take)) {
		fputs(storm_usage, stderr);
		goto out;
	}
	rc = 1;
	if (cpu >= 0 && bench_pin(cpu, "storm") != 0)
		goto out;
	if (take &&
	    ((take_fd = storm_open_turn(take)) < 0 || (give_fd = storm_open_turn(give)) < 0))
		goto out;
	/* Nothing buffered may be duplicated into the children. */
	fflush(NULL);
	ns = cpu_used = 0;
	if (second && storm_turn(give_fd, false) != 0) /* ready */
		goto out;
	for (long done = 0; done < n; done += block) {
		long todo = n - done < block ? n - done : block;

		if (take_fd >= 0 && storm_turn(take_fd, true) != 0)
			goto out;
		cpu0 = storm_cpu_ns();
		t0 = bench_now_ns();
		for (long i = 0; i < todo; i++) {
			if (storm_one(exec_mode) != 0)
				failed++;
		}
		ns += bench_now_ns() - t0;
		cpu_used += storm_cpu_ns() - cpu0;
		if (give_fd >= 0 && storm_turn(give_fd, false) != 0)
			goto out;
	}
	if (take_fd >= 0 && !second && storm_turn(take_fd, true) != 0) /* the other is done */
		goto out;
	printf("storm_ns=%llu\ncpu_ns=%llu\n", (unsigned long long)ns,
	       (unsigned long long)cpu_used);
	if (failed)
		fprintf(stderr, "storm: %ld of %ld children failed\n", failed, n);
	rc = failed ? 1 : 0;
	if (out_path && storm_write_file(out_path, start, ns, cpu_used, n, failed) != 0)
		rc = 1;
	if (fflush(stdout) != 0)
		rc = 1;
out:
	if (take_fd >= 0)
		close(take_fd);
	if (give_fd >= 0)
		close(give_fd);
	return rc;
}
