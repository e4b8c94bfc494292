/* Starting the workload: a child that waits until it is traced, then execs. */
#ifndef FORKSCOPE_LAUNCH_H
#define FORKSCOPE_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

struct fs_launch {
	pid_t pid;  /* the workload's root process */
	int go_fd;  /* write end: closing it lets the child exec */
	int err_fd; /* read end: errno from a failed exec, EOF on success */
};

struct fs_launch_opts {
	char *const *argv;     /* argv[0] is a path or a name looked up in PATH */
	char *const *env_set;  /* "NAME=value" strings to add, NULL-terminated, may be NULL */
	bool stdout_to_stderr; /* keep our stdout clean (JSON output) */
	int output_fd; /* >= 0: the workload's stdout and stderr go there; -1 to keep ours */
	bool drop;     /* run as uid/gid with user's groups instead of as ourselves */
	uid_t uid;
	gid_t gid;
	const char *user; /* for the supplementary groups; "" for none */
};

/* Fork the workload, stopped before exec; -errno on failure. */
int launch_prepare(struct fs_launch *l, const struct fs_launch_opts *opts);
/* Let it exec; returns 0, or the child's exec errno (positive) when exec failed. */
int launch_release(struct fs_launch *l);
/* Abandon a prepared launch (the child exits without exec). */
void launch_abort(struct fs_launch *l);

#endif
