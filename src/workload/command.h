/* Finding the program to run: PATH look-up and script detection. */
#ifndef FORKSCOPE_COMMAND_H
#define FORKSCOPE_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Resolve a command name through PATH (or check a path); 0 or -errno. */
int command_find(const char *name, char *out, size_t outlen);
/* Does the file start with "#!" (a script, e.g. a pyenv shim)? */
bool command_is_script(const char *path);

#endif
