/* Python interpreters: recognise one by name and ask it for its real executable. */
#ifndef FORKSCOPE_PYTHON_H
#define FORKSCOPE_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Is this basename a CPython interpreter name (python, python3, python3.11)? */
bool python_is_name(const char *path);
/* Ask an interpreter for its real executable and version; 0 or -1. */
int python_probe(const char *interp, char *exe, size_t exelen, char *version, size_t verlen);

#endif
