/* The watchdog: a detached process waiting for forkscope's end to clean up after it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace/trace.h"
#include "workload/watchdog.h"

#define WATCHDOG_ROUNDS 500 /* x 10 ms: give up after 5 s */

static void watchdog_kill_one(void *ctx, uint32_t pid)
{
	(void)ctx;
	if ((pid_t)pid != getpid())
		kill((pid_t)pid, SIGKILL);
}

/* SIGKILL every PID the kernel still traces; returns how many were left. */
static int watchdog_kill_tracked(int map_fd)
{
	return trace_map_for_each_pid(map_fd, 1000000, watchdog_kill_one, NULL);
}

/* The watchdog's life: wait for the lifeline to close, then kill until nothing is left. */
static void watchdog_main(int lifeline, const struct fs_cgroup *cg, int map_fd)
{
	const struct timespec pause = {0, 10 * 1000 * 1000};
	struct fs_cgroup mine = *cg;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	char c;

	setsid(); /* no terminal: no SIGHUP or Ctrl-C meant for forkscope */
	prctl(PR_SET_NAME, "forkscope-wd");
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
	}
	while (read(lifeline, &c, 1) != 0 && (errno == EINTR || errno == EAGAIN))
		;
	for (int round = 0; round < WATCHDOG_ROUNDS; round++) {
		int left = watchdog_kill_tracked(map_fd);

		if (cgroup_populated(&mine)) {
			cgroup_kill(&mine);
			left++;
		}
		if (!left)
			break;
		nanosleep(&pause, NULL);
	}
	cgroup_destroy(&mine);
	_exit(0);
}

int watchdog_start(const struct fs_cgroup *cg, int tracked_map_fd)
{
	int fds[2], status;
	pid_t mid;
	sigset_t all, old;

	int subreaper = 0;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	/* not a subreaper while we double-fork, or the watchdog would come back to us */
	prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
	if (subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	mid = fork();
	if (mid == 0) {
		/* double fork: the watchdog is nobody's child of ours, so it never keeps
		 * forkscope's waitpid() from seeing the end of the workload */
		close(fds[1]);
		if (fork() == 0) {
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			watchdog_main(fds[0], cg, tracked_map_fd);
		}
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[0]);
	if (mid < 0) {
		close(fds[1]);
		fds[1] = -1;
	} else {
		while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	return fds[1];
}
