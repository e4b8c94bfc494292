/* forkscope's exit status from the workload's (output/status.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "output/status.h"

int status_of_workload(const struct fs_model *m, char *why, size_t len)
{
	int root = model_root(m);
	const struct fs_proc *p = root >= 0 ? model_proc(m, (size_t)root) : NULL;

	if (!p) {
		snprintf(why, len, "the workload was never seen");
		return -1;
	}
	if (!p->exited || p->exit_lost) {
		snprintf(why, len, "the exit of main %" PRIu32 " was not seen", p->pid);
		return -1;
	}
	if (p->signal) {
		snprintf(why, len, "128 + %d: main %" PRIu32 " was killed by %s", p->signal, p->pid,
			 names_signal(p->signal));
		return status_of_exit(p->exit_code, p->signal);
	}
	snprintf(why, len, "main %" PRIu32 " exited %d", p->pid, p->exit_code);
	return status_of_exit(p->exit_code, 0);
}

int status_of_exit(int exit_code, int sig)
{
	return sig > 0 ? 128 + (sig & 0x7f) : exit_code & 0xff;
}
