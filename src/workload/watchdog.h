/* A watchdog that outlives forkscope: if forkscope dies (even by SIGKILL), it kills
 * every process of the workload, through the workload's cgroup and the kernel's set of
 * traced PIDs, which it keeps alive (and tracing) by holding the BPF file descriptors. */
#ifndef FORKSCOPE_WATCHDOG_H
#define FORKSCOPE_WATCHDOG_H

#include "workload/cgroup.h"

/* Start it (before the workload, before becoming a subreaper). Returns the write end of
 * its lifeline pipe: closing it (or dying) makes the watchdog clean up and exit; -1 when
 * it could not be started. */
int watchdog_start(const struct fs_cgroup *cg, int tracked_map_fd);

#endif
