/* The sentences, questions and answers of the lessons (output/lesson_text.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "output/lesson_text.h"

#define LABEL_MAX (4 * FS_PY_NAME_LEN + 64)

size_t lesson_proc_label(const struct fs_lesson_proc *p, char *buf, size_t len)
{
	char name[4 * FS_PY_NAME_LEN + 4];

	if (!len)
		return 0;
	text_escape(name, sizeof(name), p->name, strnlen(p->name, sizeof(p->name)));
	if (!p->pid)
		snprintf(buf, len, "a process outside the trace");
	else if (p->subreaper)
		snprintf(buf, len, "forkscope (%" PRIu32 "), the subreaper", p->pid);
	else if (p->role == FS_ROLE_MAIN)
		snprintf(buf, len, "%s", names_role_long(p->role, p->method));
	else if (p->role == FS_ROLE_FORKSERVER || p->role == FS_ROLE_RESOURCE_TRACKER)
		snprintf(buf, len, "the %s (%" PRIu32 ")", names_role_long(p->role, p->method),
			 p->pid);
	else if (name[0])
		snprintf(buf, len, "%s (%" PRIu32 ")", name, p->pid);
	else
		snprintf(buf, len, "%" PRIu32, p->pid);
	return strlen(buf);
}

/* "1st", "2nd", "3rd", "11th"... */
static void ordinal(uint64_t n, char *buf, size_t len)
{
	const char *suffix = "th";

	if (n % 100 < 11 || n % 100 > 13)
		suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
	snprintf(buf, len, "%" PRIu64 "%s", n, suffix);
}

static const char *method_word(enum fs_method m)
{
	const char *w = names_method(m);

	return w ? w : "an unknown method";
}

/* Cores busy x 1000 as "1.0", and the machine's cores. */
static void cores(const struct fs_lesson *x, char *buf, size_t len)
{
	unsigned tenths = (x->milli_cores + 50) / 100;

	if (x->cpus)
		snprintf(buf, len, "%u.%u of %" PRIu32 " core%s", tenths / 10, tenths % 10, x->cpus,
			 x->cpus == 1 ? "" : "s");
	else
		snprintf(buf, len, "%u.%u cores", tenths / 10, tenths % 10);
}

static void text_kill(const struct fs_lesson *x, const char *who, const char *by, char *buf,
		      size_t len)
{
	const char *sig = names_signal(x->sig);

	switch (x->kind) {
	case FS_LESSON_DAEMON_KILLED:
		if (x->stop == FS_PY_STOP_POOL_EXIT)
			snprintf(buf, len,
				 "%s is exiting: its pool's finalizer sent %s to the worker %s", by,
				 sig, who);
		else if (x->stop == FS_PY_STOP_DAEMON_EXIT)
			snprintf(buf, len, "%s is exiting: its daemon child %s was sent %s", by,
				 who, sig);
		else if (x->who.daemon)
			snprintf(buf, len, "%s exited; its daemon child %s was sent %s", by, who,
				 sig);
		else
			snprintf(
			    buf, len,
			    "%s exited right after sending %s to its child %s (a daemon at exit, "
			    "or a pool closed at the end)",
			    by, sig, who);
		break;
	case FS_LESSON_TERMINATED:
		snprintf(buf, len, "%s called %s on %s: %s ended it at once", by,
			 x->stop == FS_PY_STOP_KILL ? "kill()" : "terminate()", who, sig);
		break;
	case FS_LESSON_POOL_TERMINATED:
		snprintf(buf, len,
			 "%s terminated its pool (a with block's end calls Pool.terminate()): %s "
			 "to %s, busy or idle",
			 by, sig, who);
		break;
	default:
		if (x->by.pid)
			snprintf(buf, len, "%s was killed by %s from %s", who, sig, by);
		else
			snprintf(buf, len, "%s was killed by %s", who, sig);
		break;
	}
}

static void text_recycled(const struct fs_lesson *x, const char *who, char *buf, size_t len)
{
	char nth[32];

	ordinal(x->count, nth, sizeof(nth));
	if (x->count && x->told)
		snprintf(buf, len,
			 "%s ran its %s task and exited; the pool started %" PRIu32
			 " to replace it",
			 who, nth, x->other.pid);
	else if (x->count)
		snprintf(
		    buf, len,
		    "%s ran its %s task (maxtasksperchild) and exited; the pool started %" PRIu32
		    " to replace it",
		    who, nth, x->other.pid);
	else
		snprintf(buf, len,
			 "%s exited on its own (exit 0); the pool started %" PRIu32
			 " to replace it: a worker recycled",
			 who, x->other.pid);
}

static void text_start(const struct fs_lesson *x, const char *who, const char *by,
		       const char *other, char *buf, size_t len)
{
	char dur[32];
	const char *fsrv = names_role_long(FS_ROLE_FORKSERVER, FS_METHOD_NONE);

	names_duration(x->ns, dur, sizeof(dur));
	switch (x->kind) {
	case FS_LESSON_FORKSERVER_STARTED:
		snprintf(buf, len, "%s forked %s; from now on the %s forks every child", by, who,
			 fsrv);
		break;
	case FS_LESSON_FORKSERVER_CHILD:
		snprintf(buf, len, "%s forked %s for %s: its parent is the %s, not %s", other, who,
			 by, fsrv, by);
		break;
	case FS_LESSON_TRACKER_STARTED:
		snprintf(buf, len,
			 "%s started %s: it frees the semaphores and shared memory the children "
			 "leave behind",
			 by, who);
		break;
	case FS_LESSON_SPAWN_EXEC:
		snprintf(buf, len,
			 "%s exec'd a fresh Python: a %s child imports the main module again, "
			 "none of %s's memory is copied",
			 who, method_word(FS_METHOD_SPAWN), by);
		break;
	case FS_LESSON_CHILD_READY:
		if (x->method == FS_METHOD_SPAWN)
			snprintf(buf, len,
				 "%s ran its target %s after its fork: exec, a fresh interpreter, "
				 "the main module imported again",
				 who, dur);
		else if (x->method == FS_METHOD_FORKSERVER)
			snprintf(buf, len, "%s ran its target %s after the %s forked it", who, dur,
				 fsrv);
		else
			snprintf(
			    buf, len,
			    "%s ran its target %s after its fork: a %s child is a copy of %s, no "
			    "exec",
			    who, dur, method_word(x->method), by);
		break;
	default: /* FS_LESSON_POOL_STARTED */
		if (x->executor)
			snprintf(buf, len,
				 "%s's ProcessPoolExecutor #%" PRIu32
				 " starts its workers with %s%s; the first is %s",
				 by, x->pool, method_word(x->method),
				 x->method == FS_METHOD_SPAWN
				     ? ""
				     : " (its context's method, not always spawn)",
				 who);
		else
			snprintf(buf, len,
				 "%s's Pool #%" PRIu32
				 " starts its workers with %s; the first is %s",
				 by, x->pool, method_word(x->method), who);
		break;
	}
}

size_t lesson_text(const struct fs_lesson *x, char *buf, size_t len)
{
	char who[LABEL_MAX], by[LABEL_MAX], other[LABEL_MAX], c[32];

	if (!len)
		return 0;
	lesson_proc_label(&x->who, who, sizeof(who));
	lesson_proc_label(&x->by, by, sizeof(by));
	lesson_proc_label(&x->other, other, sizeof(other));
	cores(x, c, sizeof(c));
	switch (x->kind) {
	case FS_LESSON_FORKSERVER_STARTED:
	case FS_LESSON_FORKSERVER_CHILD:
	case FS_LESSON_TRACKER_STARTED:
	case FS_LESSON_SPAWN_EXEC:
	case FS_LESSON_CHILD_READY:
	case FS_LESSON_POOL_STARTED:
		text_start(x, who, by, other, buf, len);
		break;
	case FS_LESSON_RECYCLED:
		text_recycled(x, who, buf, len);
		break;
	case FS_LESSON_DAEMON_KILLED:
	case FS_LESSON_TERMINATED:
	case FS_LESSON_POOL_TERMINATED:
	case FS_LESSON_KILLED:
		text_kill(x, who, by, buf, len);
		break;
	case FS_LESSON_ORPHANED:
		snprintf(buf, len,
			 "%s exited before its child %s: the orphan was re-parented to %s", by, who,
			 other);
		break;
	case FS_LESSON_JOINED:
		snprintf(buf, len, "%s waited in join() for %s, which exited 0; then %s went on",
			 by, who, by);
		break;
	case FS_LESSON_NO_GUARD:
		snprintf(
		    buf, len,
		    "%s exited %d before its target ran: a %s child imports the main module "
		    "again, and code outside an `if __name__ == \"__main__\":` guard runs there",
		    who, x->exit_code, method_word(x->method));
		break;
	case FS_LESSON_NO_GUARD_CHURN:
		snprintf(buf, len,
			 "%" PRIu64 " children of %s have now exited before their target ran: a "
			 "pool keeps replacing workers that fail the same way",
			 x->count, by);
		break;
	case FS_LESSON_GRANDCHILD:
		snprintf(buf, len, "%s, itself a child, started %s: a grandchild", by, who);
		break;
	case FS_LESSON_THREADS_TURNS:
		snprintf(buf, len, "two threads of %" PRIu32 " take turns: together they use %s",
			 x->who.pid, c);
		break;
	case FS_LESSON_THREADS_PARALLEL:
		snprintf(buf, len,
			 "two threads of %" PRIu32 " ran at once: together they use %s (no GIL in "
			 "their way)",
			 x->who.pid, c);
		break;
	case FS_LESSON_PROCS_PARALLEL:
		if (x->milli_cores >= 1400)
			snprintf(buf, len,
				 "%s and %s ran at once, each with its own interpreter: together "
				 "they use %s",
				 who, other, c);
		else
			snprintf(
			    buf, len,
			    "%s and %s ran side by side but together used only %s (the machine "
			    "had no second core free)",
			    who, other, c);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return strlen(buf);
}
