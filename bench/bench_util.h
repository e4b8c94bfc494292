/* Helpers shared by the C benchmarks: peak memory, a monotonic clock, strict numbers and
 * pinning to a CPU (a file that pins defines _GNU_SOURCE before including this). */
#ifndef FORKSCOPE_BENCH_UTIL_H
#define FORKSCOPE_BENCH_UTIL_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Peak RSS of this process in KiB: VmHWM, which starts afresh at exec, unlike ru_maxrss
 * (that one keeps the parent's peak when the parent was larger, e.g. a Python runner). */
static inline long bench_peak_rss_kb(void)
{
	struct rusage ru;
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb < 0 && getrusage(RUSAGE_SELF, &ru) == 0)
		kb = ru.ru_maxrss;
	return kb;
}

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Strict parse of a decimal number in min..max: digits only; 0 or -1. */
static inline int bench_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

#ifdef CPU_SET
/* Run this process and its future children on one CPU only (prog names the benchmark in
 * the error); 0 or -1. */
static inline int bench_pin(long cpu, const char *prog)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "%s: cannot run on CPU %ld: %s\n", prog, cpu, strerror(errno));
		return -1;
	}
	return 0;
}
#endif

#endif
