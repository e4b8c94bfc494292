/* Python interpreters: recognise one by name and ask it for its real executable. */
#ifndef FORKSCOPE_PYTHON_H
#define FORKSCOPE_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>

#include "base/options.h"

/* Is this basename a CPython interpreter name (python, python3, python3.11)? */
bool python_is_name(const char *path);
/* Start INTERP -I -c CODE with its stdout on a pipe (stdin and stderr on /dev/null): the
 * child's PID, *out_fd the pipe's read end (close-on-exec, the caller's to close and the
 * child's to reap), or -1. */
pid_t python_start_code(const char *interp, const char *code, int *out_fd);
/* Ask an interpreter for its real executable and version; 0 or -1. */
int python_probe(const char *interp, char *exe, size_t exelen, char *version, size_t verlen);
/* Find an interpreter by name or path: a real binary stays as named (python3, not
 * python3.11), a pyenv-style shim (a script) is replaced by the interpreter behind it.
 * exe and version (may stay "") filled; 0, or -1 with a one-line reason in err. */
int python_resolve(const char *name, char *exe, size_t exelen, char *version, size_t verlen,
		   char *err, size_t errlen);

/* The environment of the Python hook (src/pyhook) for a run: PYTHONPATH for --method of a
 * command (its default start method) and, unless --no-pyhook, for the facts every
 * Python process of the workload tells through the channel (FORKSCOPE_PYHOOK=1). */
struct python_hook {
	char pythonpath[PATH_MAX + 64]; /* "PYTHONPATH=..." or "" */
	char method[64];		/* "FORKSCOPE_METHOD=..." or "" */
	bool facts;			/* set FORKSCOPE_PYHOOK=1 */
};
/* A hook the workload cannot read fails --method (it would be ignored silently: err says
 * why, -1); without --method the run goes on without the hook. 0 otherwise. */
int python_hook_choose(const struct fs_cli *cli, const char *data_dir, struct python_hook *h,
		       char *err, size_t errlen);

#endif
