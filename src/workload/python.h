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
/* Find an interpreter by name or path: a real binary stays as named (python3, not
 * python3.11), a pyenv-style shim (a script) is replaced by the interpreter behind it.
 * exe and version (may stay "") filled; 0, or -1 with a one-line reason in err. */
int python_resolve(const char *name, char *exe, size_t exelen, char *version, size_t verlen,
		   char *err, size_t errlen);

#endif
