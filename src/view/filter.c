/* Event filters and the text of events, roles and states shown by the UI. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

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

static const char *view_type_name(uint32_t type)
{
	switch (type) {
	case FS_EV_FORK:
		return "fork";
	case FS_EV_EXEC:
		return "exec";
	case FS_EV_EXIT:
		return "exit";
	case FS_EV_SIGNAL:
		return "signal";
	}
	return "?";
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
							off ? "+" : "", view_type_name(t));
	}
	if (f->pid && off < len)
		off += (size_t)snprintf(buf + off, len - off, " pid %" PRIu32, f->pid);
	if (f->text[0] && off < len)
		off += (size_t)snprintf(buf + off, len - off, " \"%s\"", f->text);
	if (!f->hide_sigchld && off < len)
		snprintf(buf + off, len - off, " +SIGCHLD");
}

const char *view_signal_name(int sig, char *buf, size_t len)
{
	const char *name = sig > 0 && sig < 65 ? sigabbrev_np(sig) : NULL;

	if (name)
		snprintf(buf, len, "%s", name);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "RT%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

void view_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 10000000000ull)
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
	else if (ns >= 1000000000ull)
		snprintf(buf, len, "%.2fs", (double)ns / 1e9);
	else if (ns >= 10000000ull)
		snprintf(buf, len, "%.0fms", (double)ns / 1e6);
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.0fus", (double)ns / 1e3);
}

/* Copy argv (NUL-separated) as one line with spaces, within len; the program by its
 * base name. */
static void view_args_line(const struct view_ev *e, char *buf, size_t len)
{
	size_t off = 0, first_end = e->args ? strnlen(e->args, e->args_len) : 0;
	uint32_t i = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t k = 0; k < first_end; k++)
		if (e->args[k] == '/' && k + 1 < first_end)
			i = (uint32_t)k + 1;
	for (; e->args && i < e->args_len && off + 1 < len; i++)
		buf[off++] = e->args[i] ? e->args[i] : ' ';
	while (off > 0 && buf[off - 1] == ' ')
		off--;
	buf[off < len ? off : len - 1] = '\0';
}

void view_event_text(const struct view_ev *e, char *buf, size_t len)
{
	char t[32], sig[16], args[256];

	snprintf(t, sizeof(t), "%10.6f", (double)e->t_ns / 1e9);
	switch (e->type) {
	case FS_EV_FORK:
		snprintf(
		    buf, len, "%s fork   %7" PRIu32 " -> %" PRIu32 "  %s (%" PRIu32 " thread%s)", t,
		    e->ppid, e->pid, e->comm, e->parent_threads, e->parent_threads == 1 ? "" : "s");
		break;
	case FS_EV_EXEC:
		view_args_line(e, args, sizeof(args));
		snprintf(buf, len, "%s exec   %7" PRIu32 "  %s", t, e->pid,
			 args[0]       ? args
			 : e->filename ? e->filename
				       : "");
		break;
	case FS_EV_EXIT:
		if (e->sig)
			snprintf(buf, len, "%s exit   %7" PRIu32 "  %s killed by %s%s", t, e->pid,
				 e->comm, view_signal_name(e->sig, sig, sizeof(sig)),
				 e->flags & FS_F_CORE_DUMPED ? " (core)" : "");
		else
			snprintf(buf, len, "%s exit   %7" PRIu32 "  %s status %d", t, e->pid,
				 e->comm, e->exit_code);
		break;
	case FS_EV_SIGNAL:
		snprintf(buf, len, "%s signal %7" PRIu32 " -> %" PRIu32 "  %s%s", t, e->pid,
			 e->target, view_signal_name(e->sig, sig, sizeof(sig)),
			 e->sig_result ? " (not delivered)" : "");
		break;
	default:
		snprintf(buf, len, "%s ?      %7" PRIu32, t, e->pid);
		break;
	}
}

const char *view_role_label(const struct fs_proc *p)
{
	if (p->role == FS_ROLE_MP_CHILD) {
		switch (p->start_method) {
		case FS_METHOD_FORK:
			return "worker (fork)";
		case FS_METHOD_SPAWN:
			return "worker (spawn)";
		case FS_METHOD_FORKSERVER:
			return "worker (fsrv)";
		default:
			return "worker";
		}
	}
	switch (p->role) {
	case FS_ROLE_MAIN:
		return "main";
	case FS_ROLE_FORKSERVER:
		return "forkserver";
	case FS_ROLE_RESOURCE_TRACKER:
		return "res. tracker";
	default:
		return "other";
	}
}

const char *view_role_short(const struct fs_proc *p)
{
	if (p->role == FS_ROLE_MP_CHILD) {
		switch (p->start_method) {
		case FS_METHOD_FORK:
			return "w-fork";
		case FS_METHOD_SPAWN:
			return "w-spawn";
		case FS_METHOD_FORKSERVER:
			return "w-fsrv";
		default:
			return "worker";
		}
	}
	switch (p->role) {
	case FS_ROLE_MAIN:
		return "main";
	case FS_ROLE_FORKSERVER:
		return "fsrv";
	case FS_ROLE_RESOURCE_TRACKER:
		return "tracker";
	default:
		return "other";
	}
}

void view_proc_state(const struct fs_proc *p, bool brief, char *buf, size_t len)
{
	char sig[16];

	if (!p->exited)
		snprintf(buf, len, "running");
	else if (p->exit_lost)
		snprintf(buf, len, "%s", brief ? "exit ?" : "exit not seen (status unknown)");
	else if (p->signal && p->killed_by)
		snprintf(buf, len, "%s%s by %" PRIu32 "%s", brief ? "" : "killed ",
			 view_signal_name(p->signal, sig, sizeof(sig)), p->killed_by,
			 !p->daemon_kill ? ""
			 : brief	 ? "*"
					 : " (daemon)");
	else if (p->signal)
		snprintf(buf, len, "%s%s%s", brief ? "" : "killed ",
			 view_signal_name(p->signal, sig, sizeof(sig)),
			 !p->core_dumped ? ""
			 : brief	 ? " core"
					 : " (core)");
	else
		snprintf(buf, len, "exit %d", p->exit_code);
}
