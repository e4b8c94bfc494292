/* The words forkscope shows, in one place: roles (long, short and machine forms), start
 * methods, signal names and delivery results, process states, durations, output streams,
 * the channel's rejection reasons, and the command of a process. The text output, `tree`, the TUI
 * and its legend all take them from here; tests/layers/check_vocabulary.py finds no role or signal
 * literal anywhere else. Plain values in, text out: no model types (the model includes this for its
 * two enums). */
#ifndef FORKSCOPE_NAMES_H
#define FORKSCOPE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a process is to Python multiprocessing (src/model/roles.c decides). */
enum fs_role {
	FS_ROLE_OTHER = 0,
	FS_ROLE_MAIN,
	FS_ROLE_FORKSERVER,
	FS_ROLE_RESOURCE_TRACKER,
	FS_ROLE_MP_CHILD,
	FS_ROLE_COUNT,
};

/* How a multiprocessing child was started. */
enum fs_method {
	FS_METHOD_NONE = 0,
	FS_METHOD_FORK,
	FS_METHOD_SPAWN,
	FS_METHOD_FORKSERVER,
	FS_METHOD_COUNT,
};

/* Why a record of the channel from the workload was rejected (model/channel.h): the index
 * into fs_channel_stats.rejected. Here with its words, like every other word. */
enum fs_channel_reject {
	FS_CHANNEL_OVERSIZED = 0,  /* longer than FS_CHANNEL_MAX */
	FS_CHANNEL_BAD_MAGIC,	   /* does not start with FS_CHANNEL_MAGIC */
	FS_CHANNEL_BAD_JSON,	   /* a line is not one JSON object of scalars */
	FS_CHANNEL_BAD_FIELD,	   /* a key, a value or a count over its bound */
	FS_CHANNEL_FORGED,	   /* names a process or time ("pid", "tid", "t_ns"...) */
	FS_CHANNEL_UNKNOWN_WRITER, /* the writer is no process of the trace */
	FS_CHANNEL_REJECT_COUNT,
};

/* What Python's multiprocessing says a process is (its hook's facts: model/pyfacts.c). */
enum fs_py_kind {
	FS_PY_KIND_NONE = 0, /* not said */
	FS_PY_KIND_PROCESS,  /* a multiprocessing.Process */
	FS_PY_KIND_POOL_WORKER,
	FS_PY_KIND_EXECUTOR_WORKER, /* a ProcessPoolExecutor's worker */
	FS_PY_KIND_MANAGER,	    /* a Manager's server process */
	FS_PY_KIND_FORKSERVER,
	FS_PY_KIND_RESOURCE_TRACKER,
	FS_PY_KIND_COUNT,
};

/* How a process killed by a signal was stopped, when Python's facts say so. */
enum fs_py_stop {
	FS_PY_STOP_NONE = 0,	   /* no fact says: the kernel's evidence alone */
	FS_PY_STOP_TERMINATE,	   /* its starter's Process.terminate() (SIGTERM) */
	FS_PY_STOP_KILL,	   /* its starter's Process.kill() (SIGKILL) */
	FS_PY_STOP_POOL_TERMINATE, /* Pool.terminate() (leaving a `with Pool()` block calls it) */
	FS_PY_STOP_POOL_EXIT,	   /* a pool's finalizer in multiprocessing's exit cleanup */
	FS_PY_STOP_DAEMON_EXIT,	   /* a daemon terminated by multiprocessing's exit cleanup */
	FS_PY_STOP_COUNT,
};

/* Whether the hook of a Python process told forkscope its facts. */
enum fs_py_hook {
	FS_PY_HOOK_UNKNOWN = 0, /* not Python, not heard yet, or a run without the hook */
	FS_PY_HOOK_SPOKE,	/* it told facts itself */
	FS_PY_HOOK_INHERITED,	/* a fork child of a process with the hook (the same image) */
	FS_PY_HOOK_NONE,	/* Python, the run had the hook on, and it never spoke */
	FS_PY_HOOK_COUNT,
};

/* Roles. The method matters only for FS_ROLE_MP_CHILD; out-of-range values read as
 * FS_ROLE_OTHER / FS_METHOD_NONE. */
/* For people: "main", "forkserver", "resource tracker", "child (spawn)", "other". */
const char *names_role_long(enum fs_role role, enum fs_method method);
/* For narrow columns, at most 7 characters: "main", "fsrv", "tracker", "c-spawn". */
const char *names_role_short(enum fs_role role, enum fs_method method);
/* For programs (`tree --json`, a contract): "main", "forkserver", "resource_tracker",
 * "mp_child", "other". */
const char *names_role_machine(enum fs_role role);

/* "fork", "spawn", "forkserver" (as multiprocessing names them), NULL for none. */
const char *names_method(enum fs_method method);
/* The method of that name, FS_METHOD_NONE when it names none. */
enum fs_method names_method_parse(const char *name);

/* Python's kinds for programs (`tree --json`'s py_kind, a contract): "process",
 * "pool_worker", "executor_worker", "manager", "forkserver", "resource_tracker"; NULL for
 * none. The hook's facts use the same words (names_py_kind_parse reads them). */
const char *names_py_kind(enum fs_py_kind kind);
/* For people: "Process", "Pool worker", "ProcessPoolExecutor worker", "Manager's
 * server", "forkserver", "resource tracker"; NULL for none. */
const char *names_py_kind_long(enum fs_py_kind kind);
/* The kind of that name (the machine form), FS_PY_KIND_NONE when it names none. */
enum fs_py_kind names_py_kind_parse(const char *name);
/* How a process was stopped, for programs (`tree --json`'s py_stop): "terminate", "kill",
 * "pool_terminate", "pool_exit", "daemon_exit"; NULL for none. */
const char *names_py_stop(enum fs_py_stop stop);
/* For people: "terminate() by its starter", "kill() by its starter", "Pool.terminate()
 * (a with block's end calls it)", "its pool's finalizer at interpreter exit", "terminated
 * as a daemon at interpreter exit"; NULL for none. */
const char *names_py_stop_long(enum fs_py_stop stop);
/* The hook's state for programs: "spoke", "inherited", "none"; NULL for unknown. */
const char *names_py_hook(enum fs_py_hook hook);
/* For people: "its hook spoke", "its parent's hook (a fork child)", "no hook"; NULL. */
const char *names_py_hook_long(enum fs_py_hook hook);

/* The start-up phases of a process, in order, as the details pane lists them: "fork",
 * "exec", "interpreter ready", "main imported", "ready" (its target starts); NULL past. */
enum fs_py_phase {
	FS_PY_PHASE_FORK,
	FS_PY_PHASE_EXEC,
	FS_PY_PHASE_HELLO,
	FS_PY_PHASE_MAIN_IMPORTED,
	FS_PY_PHASE_READY,
	FS_PY_PHASE_COUNT
};
const char *names_py_phase(enum fs_py_phase phase);
/* What Python says a process is, for names_py_account. */
struct names_py {
	enum fs_py_kind kind;
	const char *name; /* multiprocessing name (any bytes: escaped), NULL or "" for none */
	uint32_t pool;	  /* Pool or executor number in its creator, 0 for none */
	bool daemon;	  /* said to be daemonic */
};

/* The account of a process in Python's words, for a "why" line: "multiprocessing says it
 * is ForkPoolWorker-3 of Pool #1", "... SpawnProcess-2, a worker of ProcessPoolExecutor
 * #2", "... the-daemon, a daemonic Process", "... the forkserver". The name is escaped
 * (text_escape): the result is safe for a terminal. Returns the length written. */
size_t names_py_account(char *buf, size_t len, const struct names_py *py);

/* "SIGTERM", "SIGRTMIN+3"; "SIG99" for a number without a name (those use a small
 * thread-local ring of buffers, valid for the next three calls). */
const char *names_signal(int sig);
/* What the kernel did with a generated signal (TRACE_SIGNAL_* of tp signal_generate):
 * 0 "delivered", 1 "ignored by the target" (or, when the target was already exiting,
 * "dropped: the target was already exiting"), 2 "not delivered: one already pending",
 * 3 "queue full, not sent", 4 "delivered without its info"; "unknown result" else. */
const char *names_sig_result(int result, bool target_exiting);
/* Did the signal reach its target (0 delivered, 4 delivered without its info)? */
bool names_sig_delivered(int result);

/* What is known of the end of a process. */
struct names_state {
	bool exited;	    /* false: still running */
	bool exit_lost;	    /* exited, but its exit was not seen: status unknown */
	int exit_code;	    /* normal exit */
	int signal;	    /* fatal signal, 0 for a normal exit */
	bool core_dumped;   /* the fatal signal dumped core */
	uint32_t killed_by; /* sender of the fatal signal, 0 when unknown */
	/* killed by SIGTERM from its starter, which then exited without starting anything:
	 * a daemon at interpreter exit, or a pool closed just before the end (the kernel
	 * cannot tell which, so the words say only what it saw) */
	bool daemon_kill;
	/* how Python's facts say it was stopped (FS_PY_STOP_NONE: they do not): the long
	 * form names it instead of the kernel's guess, "killed SIGTERM by 1234
	 * (terminate() by its starter)" */
	enum fs_py_stop stop;
	/* not exited, and the trace stopped following it at this time (a recording cut
	 * short): "unknown after 4.440 s"; 0 when it is followed */
	uint64_t unknown_after_ns;
};

enum names_state_form {
	/* "running", "exit 0", "killed SIGTERM by 1234 (sent as its starter exited)", "killed
	 * SIGSEGV (core dumped)", "exit not seen (status unknown)", "unknown after 4.440 s (the
	 * trace stopped following it)" */
	NAMES_STATE_LONG,
	/* a table column: "SIGTERM by 1234*" ('*': a daemon kill), "SIGSEGV core", "exit ?",
	 * "unknown after 4.440 s" */
	NAMES_STATE_BRIEF,
	/* a narrow column: BRIEF without the sender, "SIGTERM*", "unknown" */
	NAMES_STATE_TINY,
};

void names_state(const struct names_state *st, enum names_state_form form, char *buf, size_t len);

/* An event type for a table column, at most 6 characters: "fork", "exec", "exit",
 * "signal", "thread" (created), "t-exit" (a thread ended), "run" (time on a CPU),
 * "output" (bytes the workload wrote), "chan" (a record of the channel); "?". */
const char *names_event_type(unsigned type);
/* The words of a channel rejection: "oversized", "bad magic", "bad JSON", "bad field",
 * "forged", "unknown writer"; "?" out of range. */
const char *names_channel_reject(enum fs_channel_reject why);
/* What the reason means, for people: "longer than 4096 bytes", "names a process or a time
 * (pid, tid, ppid, t_ns)"...; "?" out of range. */
const char *names_channel_reject_long(enum fs_channel_reject why);
/* Where a recycled worker (a Pool worker replaced after its tasks) is known from, for the
 * tree and the summary: told, "from the Python facts" (the Pool said maxtasksperchild and
 * the worker ran that many); else "inferred" (the kernel's events alone: a start right
 * after a worker's exit 0, by the same starter). */
const char *names_recycle_source(bool told);
/* What a told recycling is, for the tree and the summary: "its Pool's maxtasksperchild". */
const char *names_recycle_cause(void);

/* The stream of an output line: "stdout" (fd 1), "stderr" (fd 2), "?" else. */
const char *names_stream(unsigned fd);

/* How a run left the CPU (enum fs_run_left): "preempted", "blocked", "exited"; "?". */
const char *names_run_left(unsigned left);
/* A thread's state in the tree: "ended", else from how its last run left the CPU
 * ("runnable", "blocked"; left < 0: none seen, "alive"). */
const char *names_thread_state(bool exited, int left);

/* How a process was created, from its clone flags: "vfork" (CLONE_VM|CLONE_VFORK: vfork,
 * posix_spawn, Python's subprocess), "clone, memory shared" (CLONE_VM alone), "clone,
 * sibling of its creator" (CLONE_PARENT), NULL for a plain fork or flags not seen. */
const char *names_clone_kind(uint64_t clone_flags);

/* A duration the one way forkscope writes them: "812 us", "1.5 ms", "86 ms", "1.512 s"
 * (cut, never rounded up). */
void names_duration(uint64_t ns, char *buf, size_t len);

/* The command of a process, one line for display: its own argv (NULL when it never
 * exec'd), the program by its base name, each argument quoted like a shell would need it
 * and cut after arg_max characters; else its comm (comm_size bytes, not always NUL-terminated),
 * quoted the same way; "?" without either. Returns the length written. */
size_t names_command(char *buf, size_t len, char *const *argv, int argc, const char *comm,
		     size_t comm_size, size_t arg_max);

/* ---- lessons (model/lessons.h): what a trace teaches, one kind per punchline ---- */
enum fs_lesson_kind {
	FS_LESSON_FORKSERVER_STARTED = 0, /* a forkserver came up */
	FS_LESSON_FORKSERVER_CHILD,	  /* the forkserver forked a child for its starter */
	FS_LESSON_TRACKER_STARTED,	  /* a resource tracker came up */
	FS_LESSON_SPAWN_EXEC,		  /* a spawn child exec'd a fresh interpreter */
	FS_LESSON_CHILD_READY,		  /* a child's fork -> ready start-up cost */
	FS_LESSON_POOL_STARTED,		  /* a Pool or executor started its workers */
	FS_LESSON_RECYCLED,		  /* a worker retired and the pool replaced it */
	FS_LESSON_DAEMON_KILLED,    /* a daemon (or pool worker) killed at its parent's exit */
	FS_LESSON_TERMINATED,	    /* terminate() / kill() of a child */
	FS_LESSON_POOL_TERMINATED,  /* Pool.terminate() (a with block's end) */
	FS_LESSON_KILLED,	    /* killed by a signal, no more known */
	FS_LESSON_ORPHANED,	    /* re-parented: its parent exited first */
	FS_LESSON_JOINED,	    /* its starter waited in join() */
	FS_LESSON_NO_GUARD,	    /* a spawn/forkserver child failed before its target ran */
	FS_LESSON_NO_GUARD_CHURN,   /* ... and again and again */
	FS_LESSON_GRANDCHILD,	    /* a child started a child of its own */
	FS_LESSON_THREADS_TURNS,    /* two CPU-bound threads of one process take turns */
	FS_LESSON_THREADS_PARALLEL, /* ... run at once (no GIL) */
	FS_LESSON_PROCS_PARALLEL,   /* two CPU-bound processes ran at once */
	FS_LESSON_KIND_COUNT,
};
/* The kind for programs (`narrate --json`, a contract): "forkserver_started", ... */
const char *names_lesson_kind(enum fs_lesson_kind kind);
/* The kind of that name, FS_LESSON_KIND_COUNT when it names none. */
enum fs_lesson_kind names_lesson_kind_parse(const char *name);

#endif
