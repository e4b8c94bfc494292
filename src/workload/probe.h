/* forkscope doctor's checks: what tracing needs on this machine, each with what was
 * found and what to do when it falls short. The printing is cli/doctor.c's. */
#ifndef FORKSCOPE_PROBE_H
#define FORKSCOPE_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum probe_level {
	PROBE_OK,
	PROBE_WARN, /* tracing works, something is lesser (a fallback, no UI, ...) */
	PROBE_FAIL, /* tracing (or running the demos) cannot work until it is fixed */
};

/* One check: its name, what was found, and what to do ("" when nothing). */
typedef void (*probe_emit_fn)(void *ctx, enum probe_level level, const char *check,
			      const char *found, const char *todo);

/* What the checks learn that later ones word their advice with. */
struct probe_state {
	probe_emit_fn emit;
	void *ctx;
	bool root;	 /* effective uid 0 */
	bool privileged; /* CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN */
	bool container;	 /* inside a container (docker, podman, lxc, kubernetes, ...) */
	char container_how[128];
	bool bpf_ok; /* the tracer's programs loaded and attached */
};

/* The kernel: version, BTF, privileges, unprivileged BPF, load and tp_btf attach. */
void probe_kernel(struct probe_state *st);
/* Containers and cgroups: being in one, cgroup v2, a cgroup of our own, pids.max. */
void probe_cgroups(struct probe_state *st);
/* The terminal's size and the locale's character set. */
void probe_terminal(struct probe_state *st);
/* The Python interpreters found (python3 on PATH past shims, /usr/bin/python3, pyenv's
 * and uv's, free-threaded builds) with their version and GIL. */
void probe_pythons(struct probe_state *st);
/* The data folder: demos, the Python hook and its byte code, the shipped recordings. */
void probe_data(struct probe_state *st);

#endif
