/* Event filters and the one-line text of an event in the UI's event log (its words come
 * from base/names.h). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "view/view.h"

void evfilter_init(struct evfilter *f)
{
	memset(f, 0, sizeof(*f));
	f->hide_sigchld = true;
}

bool view_event_involves(const struct view_ev *e, uint32_t pid)
{
	if (e->pid == pid)
		return true;
	if (e->type == FS_EV_FORK && e->ppid == pid)
		return true;
	return e->type == FS_EV_SIGNAL && e->target == pid;
}

/* Does the text occur in the event's comm, file name, argv or PIDs? */
static bool evfilter_text_match(const char *text, const struct view_ev *e)
{
	char num[16];

	if (strstr(e->comm, text) || (e->filename && strstr(e->filename, text)))
		return true;
	if (e->args) {
		/* args is NUL-terminated past args_len by the store */
		for (uint32_t off = 0; off < e->args_len;
		     off += (uint32_t)strlen(e->args + off) + 1)
			if (strstr(e->args + off, text))
				return true;
	}
	snprintf(num, sizeof(num), "%" PRIu32, e->pid);
	if (!strcmp(num, text))
		return true;
	snprintf(num, sizeof(num), "%" PRIu32, e->type == FS_EV_SIGNAL ? e->target : e->ppid);
	return !strcmp(num, text);
}

bool evfilter_match(const struct evfilter *f, const struct view_ev *e)
{
	if (f->types && (e->type >= 32 || !(f->types & (1u << e->type))))
		return false;
	if (f->hide_sigchld && e->type == FS_EV_SIGNAL && e->sig == SIGCHLD)
		return false;
	/* runs on a CPU are many and belong on a time axis, not in the log; the output's
	 * writes are shown as the model's lines (the output pane, among the events with i) */
	if (e->type == FS_EV_RUN || e->type == FS_EV_OUTPUT)
		return false;
	if (f->pid && !view_event_involves(e, f->pid))
		return false;
	return !f->text[0] || evfilter_text_match(f->text, e);
}

void evfilter_cycle_type(struct evfilter *f)
{
	static const unsigned order[] = {0, 1u << FS_EV_FORK, 1u << FS_EV_EXEC, 1u << FS_EV_EXIT,
					 1u << FS_EV_SIGNAL};
	size_t n = sizeof(order) / sizeof(order[0]), i;

	for (i = 0; i < n; i++)
		if (order[i] == f->types)
			break;
	f->types = order[(i + 1) % n];
}

void evfilter_describe(const struct evfilter *f, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!f->types) {
		off += (size_t)snprintf(buf, len, "all");
	} else {
		for (uint32_t t = FS_EV_FORK; t <= FS_EV_SIGNAL && off < len; t++)
			if (f->types & (1u << t))
				off += (size_t)snprintf(buf + off, len - off, "%s%s",
							off ? "+" : "", names_event_type(t));
	}
	if (f->pid && off < len)
		off += (size_t)snprintf(buf + off, len - off, " pid %" PRIu32, f->pid);
	if (f->text[0] && off < len)
		off += (size_t)snprintf(buf + off, len - off, " \"%s\"", f->text);
	if (!f->hide_sigchld && off < len)
		snprintf(buf + off, len - off, " +SIGCHLD");
}

/* An exec's argv (NUL-separated, args_len bytes) quoted as one line within len, the program
 * by its base name. */
static void view_args_line(const struct view_ev *e, char *buf, size_t len)
{
	char *argv[64];
	int argc = 0;

	buf[0] = '\0';
	for (uint32_t off = 0; e->args && off < e->args_len && argc < 64;
	     off += (uint32_t)strnlen(e->args + off, e->args_len - off) + 1)
		argv[argc++] = e->args + off;
	if (argc) {
		char *slash = strrchr(argv[0], '/');

		if (slash && slash[1]) /* the program by its base name */
			argv[0] = slash + 1;
		text_quote_argv(buf, len, argv, argc, 80);
	}
}

void view_event_text(const struct view_ev *e, char *buf, size_t len)
{
	struct names_state st = {.exited = true, .exit_code = e->exit_code, .signal = e->sig};
	char t[32], args[256], state[64], result[48] = "";

	snprintf(t, sizeof(t), "%10.6f", (double)e->t_ns / 1e9);
	switch (e->type) {
	case FS_EV_FORK:
		snprintf(buf, len,
			 "%s fork   %7" PRIu32 " -> %" PRIu32 "  %s (%" PRIu32 " thread%s%s%s)", t,
			 e->ppid, e->pid, e->comm, e->parent_threads,
			 e->parent_threads == 1 ? "" : "s",
			 names_clone_kind(e->clone_flags) ? ", " : "",
			 names_clone_kind(e->clone_flags) ? names_clone_kind(e->clone_flags) : "");
		break;
	case FS_EV_EXEC:
		view_args_line(e, args, sizeof(args));
		snprintf(buf, len, "%s exec   %7" PRIu32 "  %s", t, e->pid,
			 args[0]       ? args
			 : e->filename ? e->filename
				       : "");
		break;
	case FS_EV_EXIT:
		st.core_dumped = (e->flags & FS_F_CORE_DUMPED) != 0;
		names_state(&st, NAMES_STATE_LONG, state, sizeof(state));
		snprintf(buf, len, "%s exit   %7" PRIu32 "  %s %s", t, e->pid, e->comm, state);
		break;
	case FS_EV_SIGNAL:
		if (e->sig_result)
			snprintf(result, sizeof(result), " (%s)",
				 names_sig_result(e->sig_result, e->flags & FS_F_TARGET_EXITING));
		snprintf(buf, len, "%s signal %7" PRIu32 " -> %" PRIu32 "  %s%s", t, e->pid,
			 e->target, names_signal(e->sig), result);
		break;
	case FS_EV_THREAD:
		snprintf(buf, len,
			 "%s thread %7" PRIu32 "  thread %" PRIu32 " by %" PRIu32 " (%" PRIu32
			 " threads)",
			 t, e->pid, e->tid, e->target, e->parent_threads);
		break;
	case FS_EV_THREAD_EXIT:
		snprintf(buf, len, "%s t-exit %7" PRIu32 "  thread %" PRIu32 " ended", t, e->pid,
			 e->tid);
		break;
	case FS_EV_RUN: {
		char on[32];

		names_duration(e->cpu_ns, on, sizeof(on));
		snprintf(buf, len,
			 "%s run    %7" PRIu32 "  thread %" PRIu32 " CPU %" PRIu32 " %s (%s)", t,
			 e->pid, e->tid, e->cpu, on, names_run_left(e->left));
		break;
	}
	case FS_EV_CHANNEL: {
		/* what the model decoded (the session keeps it as it applies the event); a
		 * record not applied yet shows its size only, never its bytes */
		char rec[48];

		if (!e->text)
			snprintf(rec, sizeof(rec), "a record of %" PRIu32 " bytes",
				 e->cut ? e->cut : e->args_len);
		snprintf(buf, len, "%s %-6s %7" PRIu32 "  %s", t, names_event_type(e->type), e->pid,
			 e->text ? e->text : rec);
		break;
	}
	default:
		snprintf(buf, len, "%s ?      %7" PRIu32, t, e->pid);
		break;
	}
}
