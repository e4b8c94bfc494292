/* Helpers shared by the C benchmarks: peak memory and a monotonic clock. */
#ifndef FORKSCOPE_BENCH_UTIL_H
#define FORKSCOPE_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
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

#endif
