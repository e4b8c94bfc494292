/* Where forkscope's data files (demos, the Python hook) are. */
#ifndef FORKSCOPE_PATHS_H
#define FORKSCOPE_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The folder holding demos/ and pyhook/: $FORKSCOPE_HOME, else share/forkscope next to
 * the executable (build/share/forkscope), else ../share/forkscope (an installed binary). */
const char *paths_data_dir(void);

#endif
