/* The user who ran sudo: whom the workload runs as and who owns the recordings. */
#ifndef FORKSCOPE_INVOKER_H
#define FORKSCOPE_INVOKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The user who ran sudo (SUDO_UID/SUDO_GID) when we are root through sudo; 0, or -1 when
 * there is none. name and home come from the password database. */
int invoker_sudo(uid_t *uid, gid_t *gid, char *name, size_t namelen, char *home, size_t homelen);
/* Give a file forkscope wrote to the user who ran sudo (no-op otherwise). */
void invoker_give(const char *path);

#endif
