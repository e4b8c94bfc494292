/* Predict-then-reveal (output/lesson_text.h): a question for each lesson kind, asked before
 * the lesson's event is shown, and its answer, shown with it. A question names only what
 * was known before the event (who asked, the start method), never the outcome. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "output/lesson_text.h"

#define LABEL_MAX (4 * FS_PY_NAME_LEN + 64)

static const char *method_word(enum fs_method m)
{
	const char *w = names_method(m);

	return w ? w : "this start method";
}

size_t lesson_question(const struct fs_lesson *x, char *buf, size_t len)
{
	char by[LABEL_MAX];
	const char *fsrv = names_role_long(FS_ROLE_FORKSERVER, FS_METHOD_NONE);
	const char *tracker = names_role_long(FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE);

	if (!len)
		return 0;
	lesson_proc_label(&x->by, by, sizeof(by));
	switch (x->kind) {
	case FS_LESSON_FORKSERVER_STARTED:
		snprintf(buf, len,
			 "%s wants a %s child: what does it start first? the child / a %s "
			 "/ a %s",
			 by, fsrv, fsrv, tracker);
		break;
	case FS_LESSON_FORKSERVER_CHILD:
		snprintf(buf, len, "Under %s: who will be the new child's parent? %s / %s / %s",
			 fsrv, by, fsrv, tracker);
		break;
	case FS_LESSON_TRACKER_STARTED:
		snprintf(buf, len,
			 "Besides its children, which helper does %s start? none / a %s / "
			 "a second %s",
			 by, tracker, names_role_long(FS_ROLE_MAIN, FS_METHOD_NONE));
		break;
	case FS_LESSON_SPAWN_EXEC:
		snprintf(buf, len,
			 "Under %s: what does the new child do first? run its target / "
			 "exec a fresh Python / wait for %s",
			 method_word(FS_METHOD_SPAWN), by);
		break;
	case FS_LESSON_CHILD_READY:
		snprintf(buf, len,
			 "Under %s: how long from the fork to the child's target running? "
			 "about 1 ms / about 10 ms / about 100 ms",
			 method_word(x->method));
		break;
	case FS_LESSON_POOL_STARTED:
		snprintf(buf, len,
			 "Which start method will %s's %s use for its workers? fork / "
			 "spawn / forkserver",
			 by, x->executor ? "ProcessPoolExecutor" : "Pool");
		break;
	case FS_LESSON_RECYCLED:
		snprintf(buf, len,
			 "A worker ran its last task (maxtasksperchild): it waits / it exits and "
			 "is replaced / the pool stops?");
		break;
	case FS_LESSON_DAEMON_KILLED:
		snprintf(buf, len,
			 "%s is done, its daemon child still runs: the child runs on / gets %s / "
			 "becomes an orphan?",
			 by, names_signal(15));
		break;
	case FS_LESSON_TERMINATED:
		snprintf(buf, len,
			 "terminate() on a running child: what does the child get? %s / "
			 "%s / a Python exception",
			 names_signal(15), names_signal(9));
		break;
	case FS_LESSON_POOL_TERMINATED:
		snprintf(buf, len,
			 "Leaving a Pool's with block: a worker still busy finishes its task / "
			 "gets %s / runs on?",
			 names_signal(15));
		break;
	case FS_LESSON_KILLED:
		snprintf(buf, len, "How will this process end? exit 0 / exit 1 / a signal");
		break;
	case FS_LESSON_ORPHANED:
		snprintf(buf, len,
			 "%s exits before its child: who becomes the child's parent? "
			 "nobody / init (PID 1) / the nearest subreaper",
			 by);
		break;
	case FS_LESSON_JOINED:
		snprintf(buf, len,
			 "%s calls join() on its child: what does it do until the child "
			 "exits? it goes on / it waits",
			 by);
		break;
	case FS_LESSON_NO_GUARD:
		snprintf(buf, len,
			 "No __main__ guard under %s: the child runs start() again. Grandchildren "
			 "forever / RuntimeError, exit 1 / fine?",
			 method_word(x->method));
		break;
	case FS_LESSON_NO_GUARD_CHURN:
		snprintf(buf, len,
			 "The pool's workers all fail at start-up: what does the pool do? "
			 "it gives up / it keeps starting new ones");
		break;
	case FS_LESSON_GRANDCHILD:
		snprintf(buf, len, "Can a child start children of its own? yes / no");
		break;
	case FS_LESSON_THREADS_TURNS:
	case FS_LESSON_THREADS_PARALLEL:
		snprintf(buf, len,
			 "Two CPU-bound threads in one Python process: how many cores do "
			 "they use together? 1 / 2");
		break;
	case FS_LESSON_PROCS_PARALLEL:
		snprintf(buf, len,
			 "Two CPU-bound processes: how many cores do they use together? "
			 "1 / 2");
		break;
	default:
		snprintf(buf, len, "What happens next?");
		break;
	}
	return strlen(buf);
}

size_t lesson_answer(const struct fs_lesson *x, char *buf, size_t len)
{
	char who[LABEL_MAX], other[LABEL_MAX], dur[32];
	unsigned tenths = (x->milli_cores + 50) / 100;

	if (!len)
		return 0;
	lesson_proc_label(&x->who, who, sizeof(who));
	lesson_proc_label(&x->other, other, sizeof(other));
	names_duration(x->ns, dur, sizeof(dur));
	switch (x->kind) {
	case FS_LESSON_FORKSERVER_STARTED:
	case FS_LESSON_TRACKER_STARTED:
		snprintf(buf, len, "%s", who);
		break;
	case FS_LESSON_FORKSERVER_CHILD:
		snprintf(buf, len, "%s", other);
		break;
	case FS_LESSON_SPAWN_EXEC:
		snprintf(buf, len, "it exec'd a fresh Python");
		break;
	case FS_LESSON_CHILD_READY:
		snprintf(buf, len, "%s", dur);
		break;
	case FS_LESSON_POOL_STARTED:
		snprintf(buf, len, "%s", names_method(x->method) ? names_method(x->method) : "?");
		break;
	case FS_LESSON_RECYCLED:
		snprintf(buf, len, "it exits; the pool starts %" PRIu32 " in its place",
			 x->other.pid);
		break;
	case FS_LESSON_DAEMON_KILLED:
	case FS_LESSON_TERMINATED:
	case FS_LESSON_POOL_TERMINATED:
	case FS_LESSON_KILLED:
		snprintf(buf, len, "%s", names_signal(x->sig));
		break;
	case FS_LESSON_ORPHANED:
		snprintf(buf, len, "%s", other);
		break;
	case FS_LESSON_JOINED:
		snprintf(buf, len, "it waits");
		break;
	case FS_LESSON_NO_GUARD:
		snprintf(buf, len, "it exits %d: no grandchild", x->exit_code);
		break;
	case FS_LESSON_NO_GUARD_CHURN:
		snprintf(buf, len, "it keeps starting new ones");
		break;
	case FS_LESSON_GRANDCHILD:
		snprintf(buf, len, "yes");
		break;
	case FS_LESSON_THREADS_TURNS:
	case FS_LESSON_THREADS_PARALLEL:
	case FS_LESSON_PROCS_PARALLEL:
		snprintf(buf, len, "%u.%u", tenths / 10, tenths % 10);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return strlen(buf);
}
