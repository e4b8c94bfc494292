/* forkscope doctor's kernel-side check: can the tracer's programs be loaded and attached
 * here? (libbpf, so in the trace layer.) */
#ifndef FORKSCOPE_TRACE_PROBE_H
#define FORKSCOPE_TRACE_PROBE_H

#include <stddef.h>

/* How far the tracer's programs got: each stage passed implies the ones before. */
enum trace_probe_stage {
	TRACE_PROBE_NONE,   /* the skeleton could not even be opened */
	TRACE_PROBE_OPENED, /* opened, the load (verifier, permission) failed */
	TRACE_PROBE_LOADED, /* loaded, attaching the tp_btf programs failed */
	TRACE_PROBE_ATTACHED,
};

/* Open, load and attach the tracer's programs (they follow no PID, so they see nothing),
 * and once attached the output program beside them (trace/capture.c), then close them.
 * The stage reached; on a failure *error is the errno and why holds libbpf's last message
 * (or ""). capture_why: "" when the output program loaded and attached, else why not. */
enum trace_probe_stage trace_probe(int *error, char *why, size_t whylen, char *capture_why,
				   size_t capture_whylen);

#endif
