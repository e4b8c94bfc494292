/* The words of forkscope: the only file with role and signal names in it (make
 * check-layers runs tests/layers/check_vocabulary.py, which reads the tables below). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/event.h"
#include "base/names.h"
#include "base/text.h"

#define NAMES_COMM_MAX 64 /* longest comm copied for names_command */

/* Long, short and machine form of each role (a child's long and short forms depend on its
 * start method: names_children). */
static const struct {
	const char *long_form, *short_form, *machine;
} names_roles[FS_ROLE_COUNT] = {
    [FS_ROLE_OTHER] = {"other", "other", "other"},
    [FS_ROLE_MAIN] = {"main", "main", "main"},
    [FS_ROLE_FORKSERVER] = {"forkserver", "fsrv", "forkserver"},
    [FS_ROLE_RESOURCE_TRACKER] = {"resource tracker", "tracker", "resource_tracker"},
    [FS_ROLE_MP_CHILD] = {"child", "child", "mp_child"},
};

/* A multiprocessing child by start method. The model cannot tell a Pool worker from a
 * plain Process, so the words say no more than "child". */
static const struct {
	const char *long_form, *short_form;
} names_children[FS_METHOD_COUNT] = {
    [FS_METHOD_NONE] = {"child", "child"},
    [FS_METHOD_FORK] = {"child (fork)", "c-fork"},
    [FS_METHOD_SPAWN] = {"child (spawn)", "c-spawn"},
    [FS_METHOD_FORKSERVER] = {"child (forkserver)", "c-fsrv"},
};

/* Start methods as multiprocessing names them. */
static const char *const names_methods[FS_METHOD_COUNT] = {
    [FS_METHOD_FORK] = "fork",
    [FS_METHOD_SPAWN] = "spawn",
    [FS_METHOD_FORKSERVER] = "forkserver",
};

/* Linux signal numbers 1..31 (x86, arm64 and most others agree). */
static const char *const names_signals[] = {
    NULL,	 "SIGHUP",  "SIGINT",	 "SIGQUIT", "SIGILL",	"SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",	 "SIGKILL", "SIGUSR1",	 "SIGSEGV", "SIGUSR2",	"SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",	 "SIGSTOP", "SIGTSTP",	"SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",	 "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

/* glibc's SIGRTMIN is 34 (32 and 33 are taken by the C library itself). */
#define NAMES_RTMIN 34
#define NAMES_RTMAX 64

/* The kernel's TRACE_SIGNAL_* results, in their order (include/trace/events/signal.h). */
static const char *const names_sig_results[] = {
    "delivered",
    "ignored by the target",
    "not delivered: one already pending",
    "queue full, not sent",
    "delivered without its info",
};

static unsigned names_role_index(enum fs_role role)
{
	return (unsigned)role < FS_ROLE_COUNT ? (unsigned)role : FS_ROLE_OTHER;
}

static unsigned names_method_index(enum fs_method method)
{
	return (unsigned)method < FS_METHOD_COUNT ? (unsigned)method : FS_METHOD_NONE;
}

const char *names_role_long(enum fs_role role, enum fs_method method)
{
	unsigned r = names_role_index(role);

	if (r == FS_ROLE_MP_CHILD)
		return names_children[names_method_index(method)].long_form;
	return names_roles[r].long_form;
}

const char *names_role_short(enum fs_role role, enum fs_method method)
{
	unsigned r = names_role_index(role);

	if (r == FS_ROLE_MP_CHILD)
		return names_children[names_method_index(method)].short_form;
	return names_roles[r].short_form;
}

const char *names_role_machine(enum fs_role role)
{
	return names_roles[names_role_index(role)].machine;
}

const char *names_method(enum fs_method method)
{
	return names_methods[names_method_index(method)];
}

enum fs_method names_method_parse(const char *name)
{
	for (unsigned m = FS_METHOD_NONE + 1; name && m < FS_METHOD_COUNT; m++)
		if (!strcmp(name, names_methods[m]))
			return (enum fs_method)m;
	return FS_METHOD_NONE;
}

const char *names_signal(int sig)
{
	static __thread char ring[3][16];
	static __thread unsigned next;
	char *buf;

	if (sig > 0 && sig < (int)(sizeof(names_signals) / sizeof(names_signals[0])))
		return names_signals[sig];
	buf = ring[next++ % 3];
	if (sig == NAMES_RTMIN)
		snprintf(buf, sizeof(ring[0]), "SIGRTMIN");
	else if (sig == NAMES_RTMAX)
		snprintf(buf, sizeof(ring[0]), "SIGRTMAX");
	else if (sig > NAMES_RTMIN && sig < NAMES_RTMAX)
		snprintf(buf, sizeof(ring[0]), "SIGRTMIN+%d", sig - NAMES_RTMIN);
	else
		snprintf(buf, sizeof(ring[0]), "SIG%d", sig);
	return buf;
}

const char *names_sig_result(int result, bool target_exiting)
{
	if (result == 1 && target_exiting)
		return "dropped: the target was already exiting";
	if (result >= 0 &&
	    (size_t)result < sizeof(names_sig_results) / sizeof(names_sig_results[0]))
		return names_sig_results[result];
	return "unknown result";
}

bool names_sig_delivered(int result)
{
	return result == 0 || result == 4;
}

void names_state(const struct names_state *st, enum names_state_form form, char *buf, size_t len)
{
	char by[24] = "";

	if (len == 0)
		return;
	if (!st->exited && st->unknown_after_ns) {
		char d[32];

		names_duration(st->unknown_after_ns, d, sizeof(d));
		if (form == NAMES_STATE_LONG)
			snprintf(buf, len, "unknown after %s (the trace stopped following it)", d);
		else if (form == NAMES_STATE_BRIEF)
			snprintf(buf, len, "unknown after %s", d);
		else
			snprintf(buf, len, "unknown");
		return;
	}
	if (!st->exited) {
		snprintf(buf, len, "running");
		return;
	}
	if (st->exit_lost) {
		snprintf(buf, len, "%s",
			 form == NAMES_STATE_LONG ? "exit not seen (status unknown)" : "exit ?");
		return;
	}
	if (!st->signal) {
		snprintf(buf, len, "exit %d", st->exit_code);
		return;
	}
	if (st->killed_by && form != NAMES_STATE_TINY)
		snprintf(by, sizeof(by), " by %" PRIu32, st->killed_by);
	if (form == NAMES_STATE_LONG && names_py_stop_long(st->stop))
		snprintf(buf, len, "killed %s%s (%s)%s", names_signal(st->signal), by,
			 names_py_stop_long(st->stop), st->core_dumped ? " (core dumped)" : "");
	else if (form == NAMES_STATE_LONG)
		snprintf(buf, len, "killed %s%s%s%s", names_signal(st->signal), by,
			 st->daemon_kill ? " (sent as its starter exited)" : "",
			 st->core_dumped ? " (core dumped)" : "");
	else
		snprintf(buf, len, "%s%s%s%s", names_signal(st->signal), by,
			 st->daemon_kill ? "*" : "", st->core_dumped ? " core" : "");
}

const char *names_event_type(unsigned type)
{
	static const char *const words[] = {"?",      "fork",	"exec", "exit",	  "signal",
					    "thread", "t-exit", "run",	"output", "chan"};

	return type < sizeof(words) / sizeof(words[0]) ? words[type] : "?";
}

_Static_assert(FS_CHANNEL_MAX == 4096, "names_rejects says 4096 bytes");

/* The channel's rejection reasons, short and long (enum fs_channel_reject's order). */
static const struct {
	const char *word, *meaning;
} names_rejects[FS_CHANNEL_REJECT_COUNT] = {
    [FS_CHANNEL_OVERSIZED] = {"oversized", "longer than the channel takes (4096 bytes)"},
    [FS_CHANNEL_BAD_MAGIC] = {"bad magic", "does not start with FSC1 and a newline"},
    [FS_CHANNEL_BAD_JSON] = {"bad JSON", "a line is not one JSON object of scalars"},
    [FS_CHANNEL_BAD_FIELD] = {"bad field", "a key, a value or a count over its bound"},
    [FS_CHANNEL_FORGED] = {"forged", "names a process or a time (pid, tid, ppid, t_ns)"},
    [FS_CHANNEL_UNKNOWN_WRITER] = {"unknown writer", "written by no process of the trace"},
};

const char *names_channel_reject(enum fs_channel_reject why)
{
	return (unsigned)why < FS_CHANNEL_REJECT_COUNT ? names_rejects[why].word : "?";
}

const char *names_channel_reject_long(enum fs_channel_reject why)
{
	return (unsigned)why < FS_CHANNEL_REJECT_COUNT ? names_rejects[why].meaning : "?";
}

const char *names_recycle_source(bool told)
{
	return told ? "from the Python facts" : "inferred";
}

const char *names_recycle_cause(void)
{
	return "its Pool's maxtasksperchild";
}

const char *names_stream(unsigned fd)
{
	return fd == 1 ? "stdout" : fd == 2 ? "stderr" : "?";
}

const char *names_run_left(unsigned left)
{
	static const char *const words[] = {"preempted", "blocked", "exited"};

	return left < sizeof(words) / sizeof(words[0]) ? words[left] : "?";
}

const char *names_clone_kind(uint64_t clone_flags)
{
	const uint64_t vm = 0x100, vfork = 0x4000, parent = 0x8000; /* linux/sched.h */

	if ((clone_flags & (vm | vfork)) == (vm | vfork))
		return "vfork";
	if (clone_flags & vm)
		return "clone, memory shared";
	if (clone_flags & parent)
		return "clone, sibling of its creator";
	return NULL;
}

const char *names_thread_state(bool exited, int left)
{
	/* left: enum fs_run_left, in names_run_left's order */
	static const char *const words[] = {"runnable", "blocked", "ended"};

	if (exited)
		return "ended";
	return left >= 0 && left < 3 ? words[left] : "alive";
}

void names_duration(uint64_t ns, char *buf, size_t len)
{
	unsigned long long v = ns;

	if (v < 1000000ull)
		snprintf(buf, len, "%llu us", v / 1000ull);
	else if (v < 10000000ull)
		snprintf(buf, len, "%llu.%llu ms", v / 1000000ull, v % 1000000ull / 100000ull);
	else if (v < 1000000000ull)
		snprintf(buf, len, "%llu ms", v / 1000000ull);
	else
		snprintf(buf, len, "%llu.%03llu s", v / 1000000000ull,
			 v % 1000000000ull / 1000000ull);
}

/* argv quoted as one line, the program by its base name (the full path is in the exec). */
static size_t names_argv(char *buf, size_t len, char *const *argv, int argc, size_t arg_max)
{
	const char *slash = strrchr(argv[0], '/');
	char *program[1] = {slash && slash[1] ? (char *)slash + 1 : argv[0]};
	size_t n = text_quote_argv(buf, len, program, 1, arg_max);

	if (argc > 1 && n + 1 < len && strcmp(buf, "...") != 0) {
		size_t more;

		buf[n] = ' ';
		more = text_quote_argv(buf + n + 1, len - n - 1, argv + 1, argc - 1, arg_max);
		if (more)
			n += 1 + more;
		else
			buf[n] = '\0';
	}
	return n;
}

size_t names_command(char *buf, size_t len, char *const *argv, int argc, const char *comm,
		     size_t comm_size, size_t arg_max)
{
	char name[NAMES_COMM_MAX + 1];
	char *one[1] = {name};

	if (argv && argc > 0 && argv[0])
		return names_argv(buf, len, argv, argc, arg_max);
	if (comm_size > NAMES_COMM_MAX)
		comm_size = NAMES_COMM_MAX;
	memcpy(name, comm ? comm : "", comm ? strnlen(comm, comm_size) : 0);
	name[comm ? strnlen(comm, comm_size) : 0] = '\0';
	if (!name[0]) {
		if (len)
			snprintf(buf, len, "?");
		return len ? strlen(buf) : 0;
	}
	return text_quote_argv(buf, len, one, 1, arg_max);
}

/* Python's kinds: the machine form (also the hook's word) and the one for people. */
static const struct {
	const char *machine, *long_form;
} names_py_kinds[FS_PY_KIND_COUNT] = {
    [FS_PY_KIND_PROCESS] = {"process", "Process"},
    [FS_PY_KIND_POOL_WORKER] = {"pool_worker", "Pool worker"},
    [FS_PY_KIND_EXECUTOR_WORKER] = {"executor_worker", "ProcessPoolExecutor worker"},
    [FS_PY_KIND_MANAGER] = {"manager", "Manager's server"},
    [FS_PY_KIND_FORKSERVER] = {"forkserver", "forkserver"},
    [FS_PY_KIND_RESOURCE_TRACKER] = {"resource_tracker", "resource tracker"},
};

const char *names_py_kind(enum fs_py_kind kind)
{
	return (unsigned)kind < FS_PY_KIND_COUNT ? names_py_kinds[kind].machine : NULL;
}

const char *names_py_kind_long(enum fs_py_kind kind)
{
	return (unsigned)kind < FS_PY_KIND_COUNT ? names_py_kinds[kind].long_form : NULL;
}

enum fs_py_kind names_py_kind_parse(const char *name)
{
	for (unsigned k = FS_PY_KIND_NONE + 1; name && k < FS_PY_KIND_COUNT; k++)
		if (!strcmp(name, names_py_kinds[k].machine))
			return (enum fs_py_kind)k;
	return FS_PY_KIND_NONE;
}

/* How a process was stopped, by Python's facts. */
static const struct {
	const char *machine, *long_form;
} names_py_stops[FS_PY_STOP_COUNT] = {
    [FS_PY_STOP_TERMINATE] = {"terminate", "terminate() by its starter"},
    [FS_PY_STOP_KILL] = {"kill", "kill() by its starter"},
    [FS_PY_STOP_POOL_TERMINATE] = {"pool_terminate",
				   "Pool.terminate() (a with block's end calls it)"},
    [FS_PY_STOP_POOL_EXIT] = {"pool_exit", "its pool's finalizer at interpreter exit"},
    [FS_PY_STOP_DAEMON_EXIT] = {"daemon_exit", "terminated as a daemon at interpreter exit"},
};

const char *names_py_stop(enum fs_py_stop stop)
{
	return (unsigned)stop < FS_PY_STOP_COUNT ? names_py_stops[stop].machine : NULL;
}

const char *names_py_stop_long(enum fs_py_stop stop)
{
	return (unsigned)stop < FS_PY_STOP_COUNT ? names_py_stops[stop].long_form : NULL;
}

/* The hook's states, for programs and for people. */
static const struct {
	const char *machine, *long_form;
} names_py_hooks[FS_PY_HOOK_COUNT] = {
    [FS_PY_HOOK_SPOKE] = {"spoke", "its hook spoke"},
    [FS_PY_HOOK_INHERITED] = {"inherited", "its parent's hook (a fork child)"},
    [FS_PY_HOOK_NONE] = {"none", "no hook"},
};

const char *names_py_hook(enum fs_py_hook hook)
{
	return (unsigned)hook < FS_PY_HOOK_COUNT ? names_py_hooks[hook].machine : NULL;
}

const char *names_py_hook_long(enum fs_py_hook hook)
{
	return (unsigned)hook < FS_PY_HOOK_COUNT ? names_py_hooks[hook].long_form : NULL;
}

const char *names_py_phase(enum fs_py_phase phase)
{
	static const char *const phases[FS_PY_PHASE_COUNT] = {"fork", "exec", "interpreter ready",
							      "main imported", "ready"};

	return (unsigned)phase < FS_PY_PHASE_COUNT ? phases[phase] : NULL;
}

#define NAMES_PY_NAME_MAX 256 /* bytes of a name shown in an account */

size_t names_py_account(char *buf, size_t len, const struct names_py *py)
{
	char name[4 * NAMES_PY_NAME_MAX + 4];
	size_t n = py->name ? strnlen(py->name, NAMES_PY_NAME_MAX) : 0;
	const char *kind = names_py_kind_long(py->kind);

	if (!len)
		return 0;
	text_escape(name, sizeof(name), py->name ? py->name : "", n);
	if (py->kind == FS_PY_KIND_FORKSERVER || py->kind == FS_PY_KIND_RESOURCE_TRACKER)
		snprintf(buf, len, "multiprocessing says it is the %s", kind);
	else if (py->kind == FS_PY_KIND_POOL_WORKER && py->pool)
		snprintf(buf, len, "multiprocessing says it is %s of Pool #%u",
			 n ? name : "a worker", py->pool);
	else if (py->kind == FS_PY_KIND_EXECUTOR_WORKER && py->pool)
		snprintf(buf, len,
			 "multiprocessing says it is %s%sa worker of ProcessPoolExecutor #%u", name,
			 n ? ", " : "", py->pool);
	else if (kind)
		snprintf(buf, len, "multiprocessing says it is %s%sa %s%s", name, n ? ", " : "",
			 py->daemon ? "daemonic " : "", kind);
	else if (n)
		snprintf(buf, len, "multiprocessing says it is %s", name);
	else
		snprintf(buf, len, "multiprocessing said nothing of it");
	return strlen(buf);
}

/* ---- lesson kinds ---- */
static const char *const names_lesson_kinds[FS_LESSON_KIND_COUNT] = {
    [FS_LESSON_FORKSERVER_STARTED] = "forkserver_started",
    [FS_LESSON_FORKSERVER_CHILD] = "forkserver_child",
    [FS_LESSON_TRACKER_STARTED] = "tracker_started",
    [FS_LESSON_SPAWN_EXEC] = "spawn_exec",
    [FS_LESSON_CHILD_READY] = "child_ready",
    [FS_LESSON_POOL_STARTED] = "pool_started",
    [FS_LESSON_RECYCLED] = "recycled",
    [FS_LESSON_DAEMON_KILLED] = "daemon_killed",
    [FS_LESSON_TERMINATED] = "terminated",
    [FS_LESSON_POOL_TERMINATED] = "pool_terminated",
    [FS_LESSON_KILLED] = "killed",
    [FS_LESSON_ORPHANED] = "orphaned",
    [FS_LESSON_JOINED] = "joined",
    [FS_LESSON_NO_GUARD] = "no_guard",
    [FS_LESSON_NO_GUARD_CHURN] = "no_guard_churn",
    [FS_LESSON_GRANDCHILD] = "grandchild",
    [FS_LESSON_THREADS_TURNS] = "threads_turns",
    [FS_LESSON_THREADS_PARALLEL] = "threads_parallel",
    [FS_LESSON_PROCS_PARALLEL] = "procs_parallel",
};

const char *names_lesson_kind(enum fs_lesson_kind kind)
{
	return (unsigned)kind < FS_LESSON_KIND_COUNT ? names_lesson_kinds[kind] : "?";
}

enum fs_lesson_kind names_lesson_kind_parse(const char *name)
{
	for (int k = 0; k < FS_LESSON_KIND_COUNT; k++)
		if (name && !strcmp(name, names_lesson_kinds[k]))
			return (enum fs_lesson_kind)k;
	return FS_LESSON_KIND_COUNT;
}
