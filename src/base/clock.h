/* Clocks: monotonic time for event times and deadlines, wall-clock time for headers. */
#ifndef FORKSCOPE_CLOCK_H
#define FORKSCOPE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);

#endif
