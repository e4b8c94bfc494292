/* Python roles from what an exec shows: the interpreter name and its argv.
 * Pure functions, no model state: unit-tested on their own (tests/unit/test_roles.c). */
#ifndef FORKSCOPE_ROLES_H
#define FORKSCOPE_ROLES_H

#include <stdbool.h>

#include "model/model.h"

/* What an exec's argv says about the process. */
struct fs_exec_role {
	enum fs_role role;     /* FS_ROLE_OTHER when nothing matched */
	enum fs_method method; /* FS_METHOD_SPAWN for spawn children, else FS_METHOD_NONE */
	const char *reason;    /* static text; NULL when nothing matched */
};

/* True when the basename of path names a Python interpreter: python, python3, python3.11,
 * python3.13t, python3.11-dbg, pypy3 ... but not python3-config. */
bool roles_is_python_name(const char *path);

/* True when an exec runs Python: by the exec'd file, argv[0] or comm (any may be NULL). */
bool roles_is_python(const char *filename, char *const *argv, int argc, const char *comm);

/* Classify an exec from its file name (may be NULL) and argv: forkserver, resource tracker
 * or spawn child (interpreter flags before -c are skipped; look-alikes are rejected). */
void roles_classify(const char *filename, char *const *argv, int argc, struct fs_exec_role *out);

#endif
