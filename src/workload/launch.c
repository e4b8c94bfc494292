/* Workload launcher: fork, wait to be registered in the tracked map, exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload/launch.h"

/* Child side: reset signals, wait for the go, exec; report errno on failure. */
static void launch_child(int go_rd, int err_wr, const struct fs_launch_opts *opts)
{
	struct sigaction sa;
	sigset_t none;
	char c;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if (opts->output_fd >= 0) {
		dup2(opts->output_fd, STDOUT_FILENO);
		dup2(opts->output_fd, STDERR_FILENO);
	} else if (opts->stdout_to_stderr) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	for (char *const *kv = opts->env_set; kv && *kv; kv++)
		putenv(*kv);
	/* EOF means go: the parent closes its end after registering us */
	while (read(go_rd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_rd);
	e = 0;
	if (opts->drop) {
		gid_t no_groups[1];

		if ((opts->user[0] ? initgroups(opts->user, opts->gid) : setgroups(0, no_groups)) !=
			0 ||
		    setgid(opts->gid) != 0 || setuid(opts->uid) != 0)
			e = errno ? errno : EPERM;
	}
	if (!e) {
		execvp(opts->argv[0], opts->argv);
		e = errno;
	}
	if (write(err_wr, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int launch_prepare(struct fs_launch *l, const struct fs_launch_opts *opts)
{
	int go[2] = {-1, -1}, err[2] = {-1, -1};
	sigset_t all, old;
	int rc = 0;

	l->pid = -1;
	l->go_fd = l->err_fd = -1;
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		rc = -errno;
		goto out;
	}
	/* block signals around fork so no handler of ours runs in the child */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	l->pid = fork();
	if (l->pid == 0) {
		close(go[1]);
		close(err[0]);
		launch_child(go[0], err[1], opts);
	}
	if (l->pid < 0)
		rc = -errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc)
		goto out;
	setpgid(l->pid, l->pid); /* also here: no race with our later killpg */
	l->go_fd = go[1];
	l->err_fd = err[0];
	go[1] = err[0] = -1;
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return rc;
}

int launch_release(struct fs_launch *l)
{
	int e = 0;
	ssize_t n;

	close(l->go_fd);
	l->go_fd = -1;
	do
		n = read(l->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(l->err_fd);
	l->err_fd = -1;
	return n == (ssize_t)sizeof(e) ? e : 0;
}

void launch_abort(struct fs_launch *l)
{
	if (l->pid > 0) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
	}
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->pid = -1;
	l->go_fd = l->err_fd = -1;
}
