/* Strict number parsing for the command line: the whole string, in range. */
#ifndef FORKSCOPE_PARSE_H
#define FORKSCOPE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Strict number parsing: the whole string, in range; 0 or -1. */
int parse_seconds(const char *s, double *out);
int parse_size(const char *s, size_t min, size_t max, size_t *out);

#endif
