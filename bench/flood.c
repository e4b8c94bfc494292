/* flood: the output benchmark's workloads (bench/README.md, part "output").
 *
 *   flood [--pty] -o FILE BYTES
 *   flood --syscalls N -o FILE
 *
 * The first form writes BYTES to stdout in 4 KiB writes (each a line: 4095 bytes and a
 * newline) and puts the time of those writes (CLOCK_MONOTONIC, first to last) as
 * "flood_ns=<n>", the writes as "writes=<n>" and its CPU time as "cpu_ns=<n>" into FILE
 * (stdout is the thing measured, so the figures go elsewhere). With --pty the same writer
 * runs in a child whose stdout is a new pty, while this process drains the master with
 * plain blocking reads: what forkscope's capture is compared with.
 *
 * The second form makes N write(2) calls of one byte to /dev/null and N getppid(2) calls
 * and puts the time per call of each as "write_ns=<n>" and "getppid_ns=<n>" (in
 * thousandths of a ns: "write_pns", "getppid_pns") into FILE: what a system call of an
 * untraced process costs, with or without a forkscope tracing something else.
 * Exit status: 0, 1 if a write, the pty or the child failed, 2 on a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bench_util.h"

#define FLOOD_CHUNK 4096
#define FLOOD_MAX_BYTES (1L << 40)
#define FLOOD_MAX_CALLS 1000000000L

static const char flood_usage[] = "usage: flood [--pty] -o FILE BYTES\n"
				  "       flood --syscalls N -o FILE\n";

static uint64_t flood_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
		(uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec)) *
	       1000u;
}

/* Put the figures into FILE; 0 or -1. */
static int flood_figures(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "flood: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "flood: writing %s failed: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Write bytes to fd 1 in FLOOD_CHUNK writes; the figures into path. 0 or 1. */
static int flood_write(long bytes, const char *path)
{
	static char block[FLOOD_CHUNK];
	uint64_t t0, ns, cpu0;
	long writes = 0;
	char text[160];

	memset(block, 'x', sizeof(block) - 1);
	block[sizeof(block) - 1] = '\n';
	cpu0 = flood_cpu_ns();
	t0 = bench_now_ns();
	for (long left = bytes; left > 0;) {
		size_t n = left < FLOOD_CHUNK ? (size_t)left : FLOOD_CHUNK;
		ssize_t got = write(STDOUT_FILENO, block, n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			fprintf(stderr, "flood: write: %s\n",
				got < 0 ? strerror(errno) : "0 bytes");
			return 1;
		}
		left -= got;
		writes++;
	}
	ns = bench_now_ns() - t0;
	snprintf(text, sizeof(text), "flood_ns=%llu\nwrites=%ld\ncpu_ns=%llu\nbytes=%ld\n",
		 (unsigned long long)ns, writes, (unsigned long long)(flood_cpu_ns() - cpu0),
		 bytes);
	return flood_figures(path, text) != 0;
}

/* The writer in a child on a new pty, drained here with blocking reads. 0 or 1. */
static int flood_pty(long bytes, const char *path)
{
	static char buf[65536];
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, status;
	struct termios tio;
	pid_t pid, got;

	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		fprintf(stderr, "flood: cannot make a pty: %s\n", strerror(errno));
		return 1;
	}
	/* the same terminal settings as forkscope's pty (src/workload/pty.c) */
	if (tcgetattr(slave, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(slave, TCSANOW, &tio);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "flood: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(master);
		dup2(slave, STDOUT_FILENO);
		close(slave);
		_exit(flood_write(bytes, path));
	}
	close(slave);
	/* EIO once the writer has closed the slave: the end */
	while (read(master, buf, sizeof(buf)) > 0 || errno == EINTR)
		;
	close(master);
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	return got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* n writes of a byte to /dev/null and n getppid calls, timed. 0 or 1. */
static int flood_syscalls(long n, const char *path)
{
	int fd = open("/dev/null", O_WRONLY);
	uint64_t t0, write_ns, getppid_ns;
	char text[160], c = 'x';

	if (fd < 0) {
		fprintf(stderr, "flood: /dev/null: %s\n", strerror(errno));
		return 1;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (write(fd, &c, 1) != 1) {
			fprintf(stderr, "flood: write to /dev/null: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
	write_ns = bench_now_ns() - t0;
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	getppid_ns = bench_now_ns() - t0;
	close(fd);
	snprintf(text, sizeof(text), "write_pns=%llu\ngetppid_pns=%llu\ncalls=%ld\n",
		 (unsigned long long)(write_ns * 1000 / (uint64_t)n),
		 (unsigned long long)(getppid_ns * 1000 / (uint64_t)n), n);
	return flood_figures(path, text) != 0;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL, *count = NULL, *calls = NULL;
	bool pty = false;
	long n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pty") == 0) {
			pty = true;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out_path = argv[++i];
		} else if (strcmp(argv[i], "--syscalls") == 0 && i + 1 < argc) {
			calls = argv[++i];
		} else if (!count && argv[i][0] != '-') {
			count = argv[i];
		} else {
			fprintf(stderr, "flood: unexpected argument '%s'\n%s", argv[i],
				flood_usage);
			return 2;
		}
	}
	if (!out_path || (calls ? count || pty : !count)) {
		fprintf(stderr, "flood: %s\n%s",
			out_path ? "BYTES or --syscalls N" : "-o FILE is missing", flood_usage);
		return 2;
	}
	if (calls) {
		if (bench_parse_long(calls, 1, FLOOD_MAX_CALLS, &n) != 0) {
			fprintf(stderr, "flood: --syscalls needs a number of calls\n%s",
				flood_usage);
			return 2;
		}
		return flood_syscalls(n, out_path);
	}
	if (bench_parse_long(count, 1, FLOOD_MAX_BYTES, &n) != 0) {
		fprintf(stderr, "flood: BYTES must be a number of bytes\n%s", flood_usage);
		return 2;
	}
	return pty ? flood_pty(n, out_path) : flood_write(n, out_path);
}
