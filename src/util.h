/* Small helpers of the command-line tool: paths, numbers, interpreters. */
#ifndef FORKSCOPE_UTIL_H
#define FORKSCOPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The folder holding demos/ and src/pyhook/: $FORKSCOPE_HOME, else the parent of the
 * folder of the executable (build/forkscope -> the source tree). */
const char *util_data_dir(void);
/* Resolve a command name through PATH (or check a path); 0 or -errno. */
int util_find_command(const char *name, char *out, size_t outlen);
/* Does the file start with "#!" (a script, e.g. a pyenv shim)? */
bool util_is_script(const char *path);
/* Is this basename a CPython interpreter name (python, python3, python3.11)? */
bool util_is_python_name(const char *path);
/* Ask an interpreter for its real executable and version; 0 or -1. */
int util_python_probe(const char *interp, char *exe, size_t exelen, char *version, size_t verlen);
/* Strict number parsing: the whole string, in range; 0 or -1. */
int util_parse_seconds(const char *s, double *out);
int util_parse_size(const char *s, size_t min, size_t max, size_t *out);
/* The user who ran sudo (SUDO_UID/SUDO_GID) when we are root through sudo; 0, or -1 when
 * there is none. name and home come from the password database. */
int util_sudo_invoker(uid_t *uid, gid_t *gid, char *name, size_t namelen, char *home,
		      size_t homelen);
/* Give a file forkscope wrote to the user who ran sudo (no-op otherwise). */
void util_give_to_invoker(const char *path);
uint64_t util_monotonic_ns(void);
uint64_t util_realtime_ns(void);

#endif
