/* A live traced workload: resolve it, load the tracer, launch it stopped, register it,
 * let it exec, then follow it until the last process of its subtree is gone. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload/cgroup.h"
#include "workload/demos.h"
#include "workload/launch.h"
#include "workload/live.h"
#include "base/clock.h"
#include "base/paths.h"
#include "workload/command.h"
#include "workload/invoker.h"
#include "workload/python.h"
#include "workload/readable.h"
#include "workload/sink.h"
#include "workload/watchdog.h"

#define LIVE_GRACE_NS 2000000000ull /* SIGTERM, then SIGKILL after this */
#define LIVE_DEMO_MAX_PROCS 256
#define LIVE_COMMAND_MAX_PROCS 4096
/* The kernel's task cap (pids.max, threads included) under the process cap: a safety net
 * for what forks faster than forkscope can kill, roomy enough for threaded programs. */
#define LIVE_TASKS_PER_PROC 16
#define LIVE_TASKS_SLACK 64

struct fs_live {
	struct fs_live_opts opts;
	struct fs_trace *trace;
	struct fs_launch launch;
	struct fs_header header;
	char tool[64];
	char kernel[256];
	/* the workload's argv and the strings it points to */
	char **argv;
	char *demo_path;
	char exe[PATH_MAX];
	char python_version[32];
	char env_session[64];
	struct python_hook hook;
	char env_home[PATH_MAX + 8];
	char env_user[80];
	char env_logname[80];
	char *env[8]; /* NULL-terminated */
	int nenv;
	/* under sudo: the user the workload runs as */
	bool drop;
	uid_t uid;
	gid_t gid;
	char user[64];
	struct fs_cgroup cg;
	int lifeline;	     /* write end of the watchdog's pipe, or -1 */
	size_t max_procs;    /* 0: no cap */
	uint64_t cap_kills;  /* processes killed at once for being over the process cap */
	struct fs_sink sink; /* where the workload's stdout and stderr go */
	int exec_errno;
	bool running;
	bool terminating;
	uint64_t start_ns;
	uint64_t deadline_ns; /* --duration, 0 for none */
	uint64_t frozen_ns;   /* frozen since (step mode), 0 when not */
	uint64_t kill_at_ns;
	uint64_t events;
};

static volatile sig_atomic_t live_signal_seen;

static void live_on_signal(int sig)
{
	live_signal_seen = sig;
}

void live_install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = live_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int live_stop_signal(void)
{
	return live_signal_seen;
}

/* Resolve an interpreter into l->exe (python_resolve). */
static int live_resolve_python(struct fs_live *l, const char *name, char *err, size_t errlen)
{
	return python_resolve(name, l->exe, sizeof(l->exe), l->python_version,
			      sizeof(l->python_version), err, errlen);
}

/* One more "NAME=value" for the workload's environment. */
static void live_env_add(struct fs_live *l, char *kv)
{
	if (l->nenv < (int)(sizeof(l->env) / sizeof(l->env[0])) - 1)
		l->env[l->nenv++] = kv;
}

/* Build the argv and environment of the workload: a demo or a command. */
static int live_build_workload(struct fs_live *l, bool *usage_error, char *err, size_t errlen)
{
	const struct fs_cli *cli = l->opts.cli;
	int n = 0;

	l->argv = calloc((size_t)cli->argc + 4, sizeof(char *));
	if (!l->argv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cli->is_demo) {
		struct fs_demo demo;
		int found = demos_find(demos_dir(), cli->argv[0], &demo);

		if (found == -ENOENT) {
			snprintf(err, errlen, "no such demo: %s (forkscope demos lists them)",
				 cli->argv[0]);
			*usage_error = true;
			return -1;
		}
		if (found != 0) { /* there, maybe, but closed to us: say who and why */
			readable_explain("demo", demo.path, -found, err, errlen);
			return -1;
		}
		if (live_resolve_python(l, cli->python ? cli->python : "python3", err, errlen))
			return -1;
		l->demo_path = strdup(demo.path);
		if (!l->demo_path) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		l->argv[n++] = l->exe;
		l->argv[n++] = l->demo_path;
		if (cli->method) {
			l->argv[n++] = "--method";
			l->argv[n++] = (char *)cli->method;
		}
	} else {
		int rc = command_find(cli->argv[0], l->exe, sizeof(l->exe));

		if (rc != 0) {
			snprintf(err, errlen, "%s: %s",
				 rc == -ENOENT	 ? "command not found"
				 : rc == -EISDIR ? "is a directory, not a command"
				 : rc == -EACCES ? "not executable (no x permission)"
						 : strerror(-rc),
				 cli->argv[0]);
			return -1;
		}
		if (python_is_name(l->exe) && live_resolve_python(l, l->exe, err, errlen))
			return -1;
		l->argv[n++] = l->exe;
	}
	if (python_hook_choose(l->opts.cli, paths_data_dir(), &l->hook, err, errlen) != 0)
		return -1;
	if (l->hook.pythonpath[0])
		live_env_add(l, l->hook.pythonpath);
	if (l->hook.method[0])
		live_env_add(l, l->hook.method);
	if (l->hook.facts)
		live_env_add(l, "FORKSCOPE_PYHOOK=1");
	l->header.pyhook_said = true; /* a silent Python process is "no hook" only with it on */
	l->header.pyhook = l->hook.facts;
	for (int i = 1; i < cli->argc; i++)
		l->argv[n++] = cli->argv[i];
	snprintf(l->env_session, sizeof(l->env_session), "FORKSCOPE_SESSION=%d", (int)getpid());
	live_env_add(l, l->env_session);
	return 0;
}

/* Under sudo the workload runs as the invoking user, with its own HOME, unless
 * --as-root; its environment says who it is. */
static void live_choose_user(struct fs_live *l)
{
	char home[PATH_MAX];

	if (l->opts.cli->as_root ||
	    invoker_sudo(&l->uid, &l->gid, l->user, sizeof(l->user), home, sizeof(home)) != 0)
		return;
	l->drop = true;
	snprintf(l->env_home, sizeof(l->env_home), "HOME=%s", home);
	snprintf(l->env_user, sizeof(l->env_user), "USER=%s", l->user);
	snprintf(l->env_logname, sizeof(l->env_logname), "LOGNAME=%s", l->user);
	live_env_add(l, l->env_home);
	if (l->user[0]) {
		live_env_add(l, l->env_user);
		live_env_add(l, l->env_logname);
	}
}

/* Every event goes to whoever listens (the one model of the run is theirs); the cap reads
 * the kernel's count of live processes. */
static int live_on_event(void *ctx, const struct fs_event *ev)
{
	struct fs_live *l = ctx;

	l->events++;
	/* the process cap: nothing can refuse a fork from here, so a process forked beyond
	 * it is killed at once (threads do not count) */
	if (ev->type == FS_EV_FORK && l->max_procs && ev->subtree_live > l->max_procs &&
	    (pid_t)ev->pid != l->launch.pid) {
		kill((pid_t)ev->pid, SIGKILL);
		l->cap_kills++;
	}
	return l->opts.on_event ? l->opts.on_event(l->opts.ctx, ev) : 0;
}

static void live_fill_header(struct fs_live *l)
{
	struct fs_header *h = &l->header;
	struct utsname u;

	h->schema = FS_RECORD_SCHEMA;
	snprintf(l->tool, sizeof(l->tool), "forkscope %s", FS_VERSION);
	h->tool = l->tool;
	h->root_pid = (uint32_t)l->launch.pid;
	h->command = l->argv;
	while (l->argv[h->command_len])
		h->command_len++;
	h->method = (char *)l->opts.cli->method;
	h->python = l->python_version[0] ? l->python_version : NULL;
	h->cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		snprintf(l->kernel, sizeof(l->kernel), "%s %s %s", u.sysname, u.release, u.machine);
	else
		snprintf(l->kernel, sizeof(l->kernel), "unknown");
	h->kernel = l->kernel;
	h->start_realtime_ns = clock_realtime_ns();
	h->mono_base_ns = trace_base_ns(l->trace); /* where Python's facts' times start */
}

/* The root's own fork happened in forkscope before tracing: report it as an event. */
static void live_emit_root_fork(struct fs_live *l)
{
	struct fs_event ev;
	uint64_t now = clock_monotonic_ns(), base = trace_base_ns(l->trace);

	memset(&ev, 0, sizeof(ev));
	ev.t_ns = now > base ? now - base : 0;
	ev.type = FS_EV_FORK;
	ev.pid = (uint32_t)l->launch.pid;
	ev.ppid = (uint32_t)getpid();
	ev.tid = (uint32_t)getpid();
	ev.parent_threads = 1;
	ev.subtree_live = 1;
	snprintf(ev.comm, sizeof(ev.comm), "forkscope");
	live_on_event(l, &ev);
}

struct fs_live *live_start(const struct fs_live_opts *opts, bool *usage_error, char *err,
			   size_t errlen)
{
	const struct fs_cli *cli = opts->cli;
	struct fs_trace_opts topts = {.all = cli->all,
				      .ringbuf_kb = cli->ringbuf_kb,
				      .channel = !cli->no_pyhook,
				      .capture_output = !cli->no_capture};
	struct fs_launch_opts lo;
	struct fs_live *l = calloc(1, sizeof(*l));
	int e, child_out = -1;

	*usage_error = false;
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->opts = *opts;
	l->sink.pipe_fd = l->sink.pty.master = l->sink.pty.slave = -1;
	l->lifeline = -1;
	l->max_procs = cli->max_procs_set ? cli->max_procs
		       : cli->is_demo	  ? LIVE_DEMO_MAX_PROCS
					  : LIVE_COMMAND_MAX_PROCS;
	l->launch.pid = -1;
	l->launch.go_fd = l->launch.err_fd = -1;
	if (live_build_workload(l, usage_error, err, errlen) != 0)
		goto fail;
	live_choose_user(l);
	l->trace = trace_open(&topts, live_on_event, l, err, errlen);
	if (!l->trace)
		goto fail;
	/* the workload's own cgroups and a watchdog that cleans up even if we are killed;
	 * the watchdog is started before we become a subreaper, so it is not our child */
	cgroup_create(&l->cg, live_max_tasks(l));
	/* the kernel's switch and system-call paths then skip every other task cheaply */
	trace_set_cgroup(l->trace, cgroup_id(&l->cg));
	l->lifeline = watchdog_start(&l->cg, trace_tracked_fd(l->trace));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		snprintf(err, errlen, "cannot become a child subreaper: %s", strerror(errno));
		goto fail;
	}
	memset(&lo, 0, sizeof(lo));
	lo.argv = l->argv;
	lo.env_set = l->env;
	lo.output_fd = -1;
	lo.drop = l->drop;
	lo.uid = l->uid;
	lo.gid = l->gid;
	lo.user = l->user;
	e = sink_setup(&l->sink, l->trace, opts, &lo, &child_out);
	if (e == 0)
		e = launch_prepare(&l->launch, &lo);
	if (child_out >= 0)
		close(child_out);
	if (e != 0) {
		snprintf(err, errlen, "cannot start the workload: %s", strerror(-e));
		goto fail;
	}
	cgroup_add(&l->cg, l->launch.pid); /* before it execs: all it creates stays inside */
	e = trace_track(l->trace, (uint32_t)l->launch.pid);
	if (e != 0) {
		snprintf(err, errlen, "cannot follow the workload: %s", strerror(-e));
		goto fail;
	}
	live_fill_header(l);
	l->running = true;
	l->start_ns = clock_monotonic_ns();
	if (cli->duration > 0)
		l->deadline_ns = l->start_ns + (uint64_t)(cli->duration * 1e9);
	return l;
fail:
	live_free(l);
	return NULL;
}

const struct fs_header *live_header(const struct fs_live *l)
{
	return &l->header;
}

int live_output_fd(const struct fs_live *l)
{
	return sink_fd(&l->sink);
}

bool live_capturing(const struct fs_live *l)
{
	return l->sink.capturing;
}

const char *live_capture_warning(const struct fs_live *l)
{
	return l->sink.warning[0] ? l->sink.warning : NULL;
}

static void live_kill_one(void *ctx, uint32_t pid)
{
	(void)ctx;
	if ((pid_t)pid != getpid())
		kill((pid_t)pid, SIGKILL);
}

/* The PIDs of the workload, each once: what the kernel follows and what the cgroups hold. */
struct live_pidset {
	uint32_t *pids;
	size_t n, cap;
};

static void live_pidset_add(void *ctx, uint32_t pid)
{
	struct live_pidset *set = ctx;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		uint32_t *grown = realloc(set->pids, cap * sizeof(*grown));

		if (!grown)
			return; /* out of memory: the SIGKILL after the grace period still comes */
		set->pids = grown;
		set->cap = cap;
	}
	set->pids[set->n++] = pid;
}

static int live_pid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* SIGTERM, exactly once to each process of the workload (a program may take a second
 * SIGTERM as "quit now" and skip its graceful shutdown). */
static void live_term_workload(struct fs_live *l)
{
	struct live_pidset set = {NULL, 0, 0};

	trace_for_each_tracked(l->trace, live_pidset_add, &set);
	cgroup_for_each_pid(&l->cg, live_pidset_add, &set);
	if (set.n)
		qsort(set.pids, set.n, sizeof(*set.pids), live_pid_cmp);
	for (size_t i = 0; i < set.n; i++)
		if ((i == 0 || set.pids[i] != set.pids[i - 1]) && (pid_t)set.pids[i] != getpid())
			kill((pid_t)set.pids[i], SIGTERM);
	free(set.pids);
}

/* SIGKILL what remains: every process of the launched subtree the kernel still follows
 * (with --all too: nothing outside the workload), its cgroup and its process group. */
static void live_kill_workload(struct fs_live *l)
{
	trace_for_each_tracked(l->trace, live_kill_one, NULL);
	cgroup_kill(&l->cg);
	if (l->launch.pid > 0)
		kill(-l->launch.pid, SIGKILL);
}

int live_freeze(struct fs_live *l, bool frozen)
{
	uint64_t now = clock_monotonic_ns();

	if (!l->running || l->terminating || frozen == (l->frozen_ns != 0))
		return l->running && !l->terminating ? 0 : -1;
	if (cgroup_freeze(&l->cg, frozen) != 0)
		return -1;
	/* --duration counts the time it ran, not the time it was held */
	if (!frozen && l->deadline_ns)
		l->deadline_ns += now - l->frozen_ns;
	l->frozen_ns = frozen ? now | 1 : 0;
	return 0;
}

bool live_frozen(const struct fs_live *l)
{
	return l && l->frozen_ns;
}

void live_stop(struct fs_live *l)
{
	if (!l->running || l->terminating)
		return;
	if (l->frozen_ns) /* a frozen process would not act on its SIGTERM */
		live_freeze(l, false);
	l->terminating = true;
	l->kill_at_ns = clock_monotonic_ns() + LIVE_GRACE_NS;
	live_term_workload(l);
}

/* Release the workload the first time we are polled (so the caller saw the header). */
static void live_release(struct fs_live *l)
{
	if (l->launch.go_fd < 0)
		return;
	live_emit_root_fork(l);
	l->exec_errno = launch_release(&l->launch);
}

int live_poll(struct fs_live *l, int timeout_ms)
{
	pid_t got;
	uint64_t now;
	int status;

	if (!l->running)
		return 0;
	live_release(l);
	trace_poll(l->trace, timeout_ms);
	sink_poll(&l->sink);
	while ((got = waitpid(-1, &status, WNOHANG)) > 0)
		;
	if (got < 0 && errno == ECHILD) {
		l->running = false;
		trace_drain(l->trace);
		return 0;
	}
	now = clock_monotonic_ns();
	if (live_signal_seen || (l->deadline_ns && !l->frozen_ns && now >= l->deadline_ns))
		live_stop(l);
	if (l->terminating && now >= l->kill_at_ns) {
		live_kill_workload(l);
		l->kill_at_ns = now + LIVE_GRACE_NS;
	}
	return 1;
}

bool live_running(const struct fs_live *l)
{
	return l->running;
}

uint64_t live_lost(const struct fs_live *l)
{
	return l->trace ? trace_lost(l->trace) : 0;
}

uint64_t live_output_lost(const struct fs_live *l)
{
	return l->trace ? trace_output_lost(l->trace) : 0;
}

uint64_t live_untracked(const struct fs_live *l, uint64_t *threads)
{
	*threads = l->trace ? trace_untracked_runs(l->trace) : 0;
	return l->trace ? trace_untracked(l->trace) : 0;
}

uint64_t live_cap_hits(const struct fs_live *l)
{
	return cgroup_cap_hits(&l->cg) + l->cap_kills;
}

uint64_t live_cap_kills(const struct fs_live *l)
{
	return l->cap_kills;
}

uint64_t live_task_refusals(const struct fs_live *l)
{
	return cgroup_cap_hits(&l->cg);
}

size_t live_max_tasks(const struct fs_live *l)
{
	if (!l->max_procs || l->opts.cli->all)
		return 0;
	return l->max_procs * LIVE_TASKS_PER_PROC + LIVE_TASKS_SLACK;
}

size_t live_max_procs(const struct fs_live *l)
{
	return l->max_procs;
}

uint64_t live_events(const struct fs_live *l)
{
	return l->events;
}

uint64_t live_elapsed_ns(const struct fs_live *l)
{
	return l->start_ns ? clock_monotonic_ns() - l->start_ns : 0;
}

int live_finish(struct fs_live *l, struct fs_end *end, char *err, size_t errlen)
{
	uint64_t now = clock_monotonic_ns(), base = trace_base_ns(l->trace);

	trace_finish(l->trace);
	memset(end, 0, sizeof(*end));
	end->t_ns = now > base ? now - base : 0;
	end->events = l->events;
	end->lost = trace_lost(l->trace);
	end->output_lost = trace_output_lost(l->trace);
	/* we are the subtree's subreaper and waitpid found no child left: every process of
	 * it has ended, so one still alive in a model lost its exit (not so with --all,
	 * where the trace holds processes of the whole system) */
	end->complete = !l->opts.cli->all && !l->running;
	if (l->exec_errno) {
		snprintf(err, errlen, "cannot run %s: %s", l->argv[0], strerror(l->exec_errno));
		return -1;
	}
	return 0;
}

void live_free(struct fs_live *l)
{
	const struct timespec pause = {0, 10 * 1000 * 1000};
	int status;

	if (!l)
		return;
	live_freeze(l, false); /* thawed to die (a no-op unless step mode froze it) */
	if (l->launch.go_fd >= 0) {
		launch_abort(&l->launch);
	} else if (l->running && l->trace) {
		/* whatever remains dies now; we are its subreaper, so reap it all, again and
		 * again: a process may have forked while we were killing */
		for (;;) {
			pid_t got;

			live_kill_workload(l);
			while ((got = waitpid(-1, &status, WNOHANG)) > 0)
				;
			if (got < 0 && errno == ECHILD)
				break;
			nanosleep(&pause, NULL);
		}
	}
	sink_close(&l->sink);
	cgroup_destroy(&l->cg);
	if (l->lifeline >= 0)
		close(l->lifeline); /* the watchdog finds nothing left and exits */
	trace_close(l->trace);
	free(l->demo_path);
	free(l->argv);
	free(l);
}
