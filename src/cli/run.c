/* forkscope run without the UI: one line per event (or JSON Lines), a recording with -o,
 * and a summary at the end. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "output/format.h"
#include "workload/live.h"
#include "record/record.h"
#include "cli/run.h"
#include "workload/invoker.h"

#define RUN_POLL_MS 100

struct run_out {
	const struct fs_cli *cli;
	struct fs_live *live;
	FILE *record; /* -o FILE or NULL */
	int write_errno;
};

/* Each event, after the model has it: to stdout (text or JSON) and to the recording. */
static int run_on_event(void *ctx, const struct fs_event *ev)
{
	struct run_out *o = ctx;

	if (o->cli->json) {
		if (record_write_event(stdout, ev) != 0 && !o->write_errno)
			o->write_errno = errno ? errno : EIO;
	} else if (!(ev->type == FS_EV_SIGNAL && ev->sig == SIGCHLD)) {
		/* the kernel's SIGCHLD lines are in the recording, not on screen */
		format_event_line(stdout, ev, live_model(o->live));
	}
	if (o->record && record_write_event(o->record, ev) != 0 && !o->write_errno)
		o->write_errno = errno ? errno : EIO;
	return 0;
}

int run_command(const struct fs_cli *cli)
{
	struct run_out o = {.cli = cli};
	struct fs_live_opts lopts = {
	    .cli = cli,
	    .output = cli->json ? FS_LIVE_OUTPUT_STDERR : FS_LIVE_OUTPUT_INHERIT,
	    .on_event = run_on_event,
	    .ctx = &o,
	};
	FILE *summary = cli->json ? stderr : stdout;
	struct fs_end end;
	char err[512] = "";
	bool usage_error = false;
	int rc = 1;

	if (cli->output) {
		o.record = fopen(cli->output, "w");
		if (!o.record) {
			snprintf(err, sizeof(err), "cannot write %s: %s", cli->output,
				 strerror(errno));
			goto out;
		}
		invoker_give(cli->output); /* under sudo: the user's file, not root's */
	}
	live_install_signal_handlers();
	o.live = live_start(&lopts, &usage_error, err, sizeof(err));
	if (!o.live) {
		rc = usage_error ? 2 : 1;
		goto out;
	}
	if (cli->json)
		record_write_header(stdout, live_header(o.live));
	else
		format_event_header(stdout);
	if (o.record)
		record_write_header(o.record, live_header(o.live));
	while (live_poll(o.live, RUN_POLL_MS) > 0)
		fflush(stdout);
	live_finish(o.live, &end, err, sizeof(err));
	if (cli->json)
		record_write_end(stdout, &end);
	if (o.record)
		record_write_end(o.record, &end);
	fflush(stdout);
	format_summary(summary, live_model(o.live));
	if (live_untracked(o.live))
		fprintf(summary,
			"warning: %llu processes could not be followed (tracked map full)\n",
			(unsigned long long)live_untracked(o.live));
	if (live_cap_hits(o.live))
		fprintf(
		    summary,
		    "process cap: forks refused %llu times at %zu live processes (--max-procs)\n",
		    (unsigned long long)live_cap_hits(o.live), live_max_procs(o.live));
	if (live_stop_signal())
		fprintf(summary, "stopped by %s: the workload was terminated\n",
			format_signal_name(live_stop_signal()));
	if (!err[0] && o.write_errno)
		snprintf(err, sizeof(err), "writing the trace failed: %s", strerror(o.write_errno));
	rc = err[0] ? 1 : 0;
out:
	live_free(o.live);
	if (o.record && fclose(o.record) != 0 && !err[0]) {
		snprintf(err, sizeof(err), "writing %s failed: %s", cli->output, strerror(errno));
		rc = 1;
	}
	if (err[0])
		fprintf(stderr, "forkscope: %s\n", err);
	return rc;
}
