/* forkscope doctor: runs the probes (workload/probe.h) and prints one line per check:
 * "ok", "warn" or "FAIL", the check, what was found, and after "->" what to do. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "cli/doctor.h"
#include "workload/probe.h"

struct doctor {
	int failed, warned;
};

/* One check's line, its strings sanitised (paths and messages may hold anything). */
static void doctor_emit(void *ctx, enum probe_level level, const char *check, const char *found,
			const char *todo)
{
	static const char *const words[] = {"ok", "warn", "FAIL"};
	struct doctor *d = ctx;
	char f[1024], t[512];

	snprintf(f, sizeof(f), "%s", found);
	snprintf(t, sizeof(t), "%s", todo);
	text_sanitize(f);
	text_sanitize(t);
	printf("%-4s %-16s %s%s%s\n", words[level], check, f, t[0] ? " -> " : "", t);
	d->failed += level == PROBE_FAIL;
	d->warned += level == PROBE_WARN;
}

int doctor_command(void)
{
	struct doctor d = {0, 0};
	struct probe_state st = {.emit = doctor_emit, .ctx = &d};

	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as its check ends */
	probe_kernel(&st);
	probe_cgroups(&st);
	probe_terminal(&st);
	probe_pythons(&st);
	probe_data(&st);
	if (d.failed)
		printf("forkscope doctor: %d check%s failed: tracing cannot work here yet\n",
		       d.failed, d.failed == 1 ? "" : "s");
	else
		printf("forkscope doctor: tracing can work here (%d warning%s)\n", d.warned,
		       d.warned == 1 ? "" : "s");
	return d.failed ? 1 : 0;
}
