/* Frame benchmark: lay out (tui_frame_update) and draw one frame of the main screen with 10,000
 * processes in the tree and timeline, then with 10,000 threads' runs (threads shown, the CPU
 * view on), then with 200,000 lines of output among the events (following, then held far
 * up), into a curses screen on /dev/null (no real terminal). Prints the mean and worst time
 * per frame of each; exits 1 when a mean is over the target. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_internal.h"
#include "base/clock.h"

#define BENCH_PROCS 10000
#define BENCH_FRAMES 50
#define BENCH_TARGET_MS 5.0

static void bench_event(struct session *s, uint32_t type, uint64_t t, uint32_t pid, uint32_t ppid,
			int sig)
{
	static struct fs_event ev;

	memset(&ev, 0, FS_EVENT_HEAD_SIZE);
	ev.type = type;
	ev.t_ns = t;
	ev.pid = pid;
	ev.ppid = ppid;
	ev.target = type == FS_EV_SIGNAL ? ppid : 0;
	ev.sig = sig;
	ev.exit_code = sig ? -1 : 0;
	ev.parent_threads = 1;
	snprintf(ev.comm, sizeof(ev.comm), "python3");
	if (type == FS_EV_EXEC) {
		static const char args[] = "/usr/bin/python3\0-c\0from multiprocessing.forkserver "
					   "import main; main(8, 9, ['__main__'])";

		snprintf(ev.filename, sizeof(ev.filename), "/usr/bin/python3");
		memcpy(ev.args, args, sizeof(args));
		ev.args_len = sizeof(args);
	}
	if (session_push(s, &ev) != 0) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
}

/* main -> forkserver -> 9998 workers, half of them killed with SIGTERM by main. */
static void bench_build(struct session *s)
{
	uint64_t t = 1000;
	uint32_t root = 100000, fsrv = 100001;

	bench_event(s, FS_EV_FORK, t++, root, 0, 0);
	bench_event(s, FS_EV_EXEC, t++, root, 0, 0);
	bench_event(s, FS_EV_FORK, t++, fsrv, root, 0);
	bench_event(s, FS_EV_EXEC, t++, fsrv, root, 0);
	for (uint32_t i = 0; i < BENCH_PROCS - 2; i++) {
		t += 100000;
		bench_event(s, FS_EV_FORK, t, fsrv + 1 + i, fsrv, 0);
		if (i % 2) {
			bench_event(s, FS_EV_SIGNAL, t + 50000, root, fsrv + 1 + i, 15);
			bench_event(s, FS_EV_EXIT, t + 60000, fsrv + 1 + i, fsrv, 15);
		}
	}
}

#define BENCH_THREAD_PROCS 100
#define BENCH_THREADS 100 /* per process: 10,000 threads */
#define BENCH_RUNS 5	  /* per thread */

/* 100 processes of 100 threads each, every thread with 5 runs on 8 CPUs (one after another
 * on each CPU, as a CPU runs one thread at a time; left preempted or blocked), each run's
 * line after the events of its start (out of t_ns order, as recorded). */
static void bench_build_threads(struct session *s)
{
	static struct fs_event ev;
	uint32_t root = 200000;
	uint64_t t = 1000, cpu_t[8];

	for (int c = 0; c < 8; c++)
		cpu_t[c] = 2000000;
	bench_event(s, FS_EV_FORK, t++, root, 0, 0);
	bench_event(s, FS_EV_EXEC, t++, root, 0, 0);
	for (uint32_t p = 0; p < BENCH_THREAD_PROCS; p++) {
		uint32_t pid = root + 1 + p * (BENCH_THREADS + 1);

		bench_event(s, FS_EV_FORK, t += 1000, pid, root, 0);
		for (uint32_t k = 0; k < BENCH_THREADS; k++) {
			memset(&ev, 0, FS_EVENT_HEAD_SIZE);
			ev.type = FS_EV_THREAD;
			ev.t_ns = t += 100;
			ev.pid = pid;
			ev.tid = pid + 1 + k;
			ev.target = pid;
			if (session_push(s, &ev) != 0)
				exit(1);
			for (int r = 0; r < BENCH_RUNS; r++) {
				ev.type = FS_EV_RUN;
				ev.cpu = (k + (uint32_t)r) % 8;
				ev.t_ns = cpu_t[ev.cpu];
				ev.end_ns = ev.t_ns + 1500000;
				cpu_t[ev.cpu] = ev.end_ns + 100000;
				ev.cpu_ns = 1400000;
				ev.left = (uint32_t)r % 2 ? FS_LEFT_BLOCKED : FS_LEFT_PREEMPTED;
				ev.switches = 1;
				if (session_push(s, &ev) != 0)
					exit(1);
			}
		}
	}
}

#define BENCH_LINES 200000

/* Two writers flooding their output: 200,000 lines, every 100th too long for a row, some
 * with escape sequences, among a few events. */
static void bench_build_output(struct session *s)
{
	static struct fs_event ev;
	uint32_t root = 100000, kid = 100001;
	uint64_t t = 1000;

	bench_event(s, FS_EV_FORK, t++, root, 0, 0);
	bench_event(s, FS_EV_EXEC, t++, root, 0, 0);
	bench_event(s, FS_EV_FORK, t++, kid, root, 0);
	for (uint32_t i = 0; i < BENCH_LINES; i++) {
		int n;

		memset(&ev, 0, FS_EVENT_HEAD_SIZE);
		ev.type = FS_EV_OUTPUT;
		ev.t_ns = t += 1000;
		ev.pid = ev.tid = i % 2 ? kid : root;
		ev.fd = i % 7 ? 1 : 2;
		n = snprintf(ev.args, FS_ARGS_LEN, "line %u of the flood%s", i,
			     i % 13 ? "" : " \x1b[2J\x1b]0;title\x07");
		if (i % 100 == 0)
			for (; n < 500; n++)
				ev.args[n] = (char)('a' + n % 26);
		ev.args[n++] = '\n';
		ev.args_len = (uint32_t)n;
		if (session_push(s, &ev) != 0)
			exit(1);
		if (i % 20000 == 0)
			bench_event(s, FS_EV_SIGNAL, t, root, kid, 10);
	}
}

enum bench_view {
	BENCH_PLAIN,
	BENCH_CPU,    /* threads and the CPU view */
	BENCH_OUTPUT, /* the output among the events */
};

/* Set up the app on a fresh session built by build, draw frames; the mean (ms). */
static double bench_case(struct tui_app *a, void (*build)(struct session *), enum bench_view view,
			 const char *what)
{
	bool cpu = view == BENCH_CPU;

	double total = 0, worst = 0, mean;

	memset(a, 0, sizeof(*a));
	a->sel_idx = -1;
	a->maximized = -1;
	a->ev_sel = -1;
	a->speed_idx = 3;
	a->sess = &a->main_run.sess;
	vtree_init(&a->tree);
	timeline_init(&a->tl);
	evfilter_init(&a->filt);
	snprintf(a->source_name, sizeof(a->source_name), "bench");
	tui_colors_init(a);
	a->tree.threads = cpu;
	a->show_cpu = cpu;
	a->log_view = view == BENCH_OUTPUT ? TUI_LOG_BOTH : TUI_LOG_EVENTS;
	vout_init(&a->out);
	if (session_init(a->sess, 100000) != 0)
		exit(1);
	build(a->sess);
	{
		/* an end line a little after the last event, every process accounted for */
		struct fs_replay_info info = {.schema = FS_RECORD_SCHEMA, .have_end = true};

		info.end.t_ns = a->sess->store.ev[a->sess->store.n - 1].t_ns + 1000;
		info.end.events = a->sess->count;
		info.end.complete = true;
		session_end(a->sess, &info);
	}
	for (int i = 0; i < BENCH_FRAMES; i++) {
		uint64_t t0 = clock_monotonic_ns();
		double ms;

		a->sel_idx = (int)(i * 197 % model_count(a->sess->model)); /* move around */
		if (view == BENCH_OUTPUT && i == BENCH_FRAMES / 2) {	   /* a key: held far up */
			tui_output_scroll(a, -BENCH_LINES / 2);
			t0 = clock_monotonic_ns();
		}
		tui_frame_update(a);
		tui_draw(a);
		ms = (double)(clock_monotonic_ns() - t0) / 1e6;
		total += ms;
		if (ms > worst)
			worst = ms;
	}
	mean = total / BENCH_FRAMES;
	printf("frame with %zu processes%s, %zu events at 200x60: mean %.2f ms, worst %.2f ms "
	       "(target %.0f ms)\n",
	       model_count(a->sess->model), what, a->sess->store.n, mean, worst, BENCH_TARGET_MS);
	session_free(a->sess);
	vtree_free(&a->tree);
	vcpu_free(&a->cpu);
	free(a->fidx);
	return mean;
}

int main(void)
{
	static struct tui_app app;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/zero", "r");
	double procs, threads, output;
	SCREEN *scr;

	setlocale(LC_ALL, "C.UTF-8");
	if (!out || !in)
		return 1;
	scr = newterm("xterm-256color", out, in);
	if (!scr) {
		fprintf(stderr, "bench: no terminfo for xterm-256color\n");
		return 1;
	}
	resizeterm(60, 200);
	procs = bench_case(&app, bench_build, BENCH_PLAIN, "");
	threads = bench_case(&app, bench_build_threads, BENCH_CPU,
			     " (10,000 threads' runs, threads and the CPU view shown)");
	output = bench_case(&app, bench_build_output, BENCH_OUTPUT,
			    " (200,000 output lines among the events, following then held)");
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return procs <= BENCH_TARGET_MS && threads <= BENCH_TARGET_MS && output <= BENCH_TARGET_MS
		   ? 0
		   : 1;
}
