/* forkscope doctor's kernel-side check: the real skeleton's open, load and attach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "forkscope.skel.h"
#include "trace/capture.h"
#include "trace/probe.h"

/* libbpf's last warning, kept to explain a failure (libbpf never prints itself). */
static char probe_last[256];

static int probe_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(probe_last, sizeof(probe_last), fmt, args);
	probe_last[strcspn(probe_last, "\n")] = '\0';
	return 0;
}

enum trace_probe_stage trace_probe(int *error, char *why, size_t whylen, char *capture_why,
				   size_t capture_whylen)
{
	enum trace_probe_stage stage = TRACE_PROBE_NONE;
	struct forkscope_bpf *skel;
	libbpf_print_fn_t old = libbpf_set_print(probe_print);
	long page;
	int rc;

	probe_last[0] = '\0';
	snprintf(capture_why, capture_whylen, "not tried: the tracer did not attach");
	*error = 0;
	skel = forkscope_bpf__open();
	if (!skel) {
		*error = errno ? errno : EINVAL;
		goto out;
	}
	stage = TRACE_PROBE_OPENED;
	/* the smallest ring buffer: nothing is traced, and the check costs no memory */
	page = sysconf(_SC_PAGESIZE);
	bpf_map__set_max_entries(skel->maps.events, page > 16384 ? (uint32_t)page : 16384);
	rc = forkscope_bpf__load(skel);
	if (rc) {
		*error = -rc;
		goto out;
	}
	stage = TRACE_PROBE_LOADED;
	rc = forkscope_bpf__attach(skel);
	if (rc) {
		*error = -rc;
		goto out;
	}
	stage = TRACE_PROBE_ATTACHED;
	capture_why[0] = '\0';
	capture_close(capture_open(bpf_map__fd(skel->maps.runs), bpf_map__fd(skel->maps.run_filter),
				   NULL, NULL, capture_why, capture_whylen));
out:
	forkscope_bpf__destroy(skel);
	libbpf_set_print(old);
	snprintf(why, whylen, "%s", stage == TRACE_PROBE_ATTACHED ? "" : probe_last);
	return stage;
}
