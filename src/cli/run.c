/* forkscope run without the UI: one line per event (or JSON Lines), a recording with -o,
 * and a summary at the end. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "output/format.h"
#include "output/status.h"
#include "output/workload_lines.h"
#include "record/digest_log.h"
#include "record/replay.h"
#include "workload/live.h"
#include "record/record.h"
#include "cli/run.h"
#include "workload/invoker.h"

#define RUN_POLL_MS 100

struct run_out {
	const struct fs_cli *cli;
	struct fs_live *live;
	struct fs_model *model;	      /* the run's one model */
	struct workload_lines *lines; /* the workload's output among the event lines */
	FILE *record;		      /* -o FILE or NULL */
	int write_errno;
	bool oom; /* the model ran out of memory: the summary is incomplete */
};

/* Each event: into the model, then to stdout (text or JSON) and to the recording. */
static int run_on_event(void *ctx, const struct fs_event *ev)
{
	struct run_out *o = ctx;
	int rc;

	if (model_apply(o->model, ev) != 0)
		o->oom = true;
	digest_log_event(o->model);
	if (o->cli->json) {
		/* the line of stdout is the recording's: made once for both */
		rc = record_write_event_pair(stdout, o->record, ev);
	} else {
		/* the lines of output an event ended come before it (an exit's last words) */
		if (workload_lines_after(o->lines, stdout, ev, o->model) != 0)
			o->oom = true;
		/* the kernel's SIGCHLD lines and the runs on CPUs are in the recording, not on
		 * screen (the summary counts the CPU time); output and channel events show as
		 * the lines and facts they make */
		if (!(ev->type == FS_EV_SIGNAL && ev->sig == SIGCHLD) && ev->type != FS_EV_RUN &&
		    ev->type != FS_EV_OUTPUT && ev->type != FS_EV_CHANNEL)
			format_event_line(stdout, ev, o->model);
		rc = o->record ? record_write_event(o->record, ev) : 0;
	}
	if (rc != 0 && !o->write_errno)
		o->write_errno = errno ? errno : EIO;
	return 0;
}

/* forkscope's own exit status, said in the summary: the workload's (its exit code, or
 * 128 + N for signal N), or 1 for an error of forkscope's own (err, said on stderr). */
static int run_exit_status(FILE *summary, const struct fs_model *m, const char *err)
{
	char why[160];
	int rc;

	if (err[0]) {
		fprintf(summary, "forkscope exits 1: an error of its own (below)\n");
		return 1;
	}
	rc = status_of_workload(m, why, sizeof(why));
	if (rc < 0) {
		fprintf(summary, "forkscope exits 1: the workload's status is unknown (%s)\n", why);
		return 1;
	}
	fprintf(summary, "forkscope exits %d: the workload's status (%s)\n", rc, why);
	return rc;
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
	struct fs_replay_info info = {.schema = FS_RECORD_SCHEMA};
	struct fs_end end;
	uint64_t untracked, untracked_threads;
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
	if (live_capture_warning(o.live)) /* before any event line: said once, on stderr */
		fprintf(stderr, "forkscope: %s\n", live_capture_warning(o.live));
	o.model = model_new(live_header(o.live)->root_pid);
	o.lines = workload_lines_new();
	if (!o.model || !o.lines) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	replay_model_setup(o.model, live_header(o.live)); /* as a replay of its recording */
	if (cli->json)
		record_write_header(stdout, live_header(o.live));
	else
		format_event_header(stdout);
	if (o.record)
		record_write_header(o.record, live_header(o.live));
	/* what was read from the kernel is on disk after every poll: a kill loses nothing */
	while (live_poll(o.live, RUN_POLL_MS) > 0) {
		fflush(stdout);
		if (o.record)
			fflush(o.record);
	}
	live_finish(o.live, &end, err, sizeof(err));
	info.have_end = true;
	info.end = end;
	replay_end_model(o.model, &info);
	digest_log_end(o.model);
	if (!cli->json && workload_lines_flush(o.lines, stdout, o.model) != 0)
		o.oom = true;
	if (cli->json)
		record_write_end(stdout, &end);
	if (o.record)
		record_write_end(o.record, &end);
	fflush(stdout);
	format_summary(summary, o.model);
	untracked = live_untracked(o.live, &untracked_threads);
	if (untracked)
		fprintf(summary,
			"warning: %llu processes could not be followed (another process held "
			"the kernel's slot for their PID)\n",
			(unsigned long long)untracked);
	if (untracked_threads)
		fprintf(summary,
			"warning: the on-CPU time of %llu threads could not be followed (another "
			"thread held the kernel's slot for their TID)\n",
			(unsigned long long)untracked_threads);
	if (live_cap_kills(o.live))
		fprintf(summary,
			"process cap: %llu processes forked over %zu live ones were killed at once "
			"(--max-procs)\n",
			(unsigned long long)live_cap_kills(o.live), live_max_procs(o.live));
	if (live_task_refusals(o.live))
		fprintf(summary,
			"task cap: the kernel refused %llu forks or new threads at %zu tasks, "
			"threads included (pids.max, the safety net under --max-procs)\n",
			(unsigned long long)live_task_refusals(o.live), live_max_tasks(o.live));
	if (live_stop_signal())
		fprintf(summary, "stopped by %s: the workload was terminated\n",
			names_signal(live_stop_signal()));
	if (!err[0] && o.oom)
		snprintf(err, sizeof(err), "out of memory: the summary misses events");
	if (!err[0] && o.write_errno)
		snprintf(err, sizeof(err), "writing the trace failed: %s", strerror(o.write_errno));
	rc = run_exit_status(summary, o.model, err);
out:
	live_free(o.live);
	model_free(o.model);
	workload_lines_free(o.lines);
	if (o.record && fclose(o.record) != 0 && !err[0]) {
		snprintf(err, sizeof(err), "writing %s failed: %s", cli->output, strerror(errno));
		rc = 1;
	}
	if (err[0])
		fprintf(stderr, "forkscope: %s\n", err);
	return rc;
}
