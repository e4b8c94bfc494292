/* Text output: event lines, summary, signal names, shell-quoted argv. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/format.h"
#include "record/record.h"

#define FORMAT_ARG_HARD_MAX 512				 /* arg_max is clamped to this */
#define FORMAT_QUOTED_MAX (FORMAT_ARG_HARD_MAX * 8 + 16) /* worst case of one quoted arg */
#define FORMAT_DETAIL_MAX 8192
#define FORMAT_MAX_SIG 64
#define FORMAT_MAX_CODE 255

static const char *const format_sig_names[] = {
    NULL,	"SIGHUP",  "SIGINT",	"SIGQUIT", "SIGILL",  "SIGTRAP",   "SIGABRT",
    "SIGBUS",	"SIGFPE",  "SIGKILL",	"SIGUSR1", "SIGSEGV", "SIGUSR2",   "SIGPIPE",
    "SIGALRM",	"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",   "SIGTSTP",
    "SIGTTIN",	"SIGTTOU", "SIGURG",	"SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO",   "SIGPWR",	"SIGSYS",  "SIG32",   "SIG33",
};

/* glibc's SIGRTMIN is 34 (32 and 33 are taken by the C library itself). */
static const char *const format_rt_names[] = {
    "SIGRTMIN",	   "SIGRTMIN+1",  "SIGRTMIN+2",	 "SIGRTMIN+3",	"SIGRTMIN+4",  "SIGRTMIN+5",
    "SIGRTMIN+6",  "SIGRTMIN+7",  "SIGRTMIN+8",	 "SIGRTMIN+9",	"SIGRTMIN+10", "SIGRTMIN+11",
    "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMIN+16", "SIGRTMIN+17",
    "SIGRTMIN+18", "SIGRTMIN+19", "SIGRTMIN+20", "SIGRTMIN+21", "SIGRTMIN+22", "SIGRTMIN+23",
    "SIGRTMIN+24", "SIGRTMIN+25", "SIGRTMIN+26", "SIGRTMIN+27", "SIGRTMIN+28", "SIGRTMIN+29",
    "SIGRTMAX",
};

const char *format_signal_name(int sig)
{
	static __thread char ring[3][16];
	static __thread unsigned next;
	char *buf;

	if (sig > 0 && sig < (int)(sizeof(format_sig_names) / sizeof(format_sig_names[0])))
		return format_sig_names[sig];
	if (sig >= 34 && sig <= FORMAT_MAX_SIG)
		return format_rt_names[sig - 34];
	buf = ring[next++ % 3];
	snprintf(buf, sizeof(ring[0]), "SIG%d", sig);
	return buf;
}

/* ---------------------------------------------------------------- quoting */

/* Does the character at s (n valid bytes) need an escape: C0, DEL or C1 controls. */
static bool format_is_control(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

static bool format_is_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c) != NULL;
}

enum format_style {
	FORMAT_PLAIN,  /* no quotes needed */
	FORMAT_SINGLE, /* 'a b' */
	FORMAT_DOUBLE, /* "it's": holds ' but nothing special inside double quotes */
	FORMAT_ANSI,   /* $'a\nb': control characters or invalid UTF-8 */
};

/* How to quote the first maxchars characters of arg (len bytes). */
static enum format_style format_style_of(const char *arg, size_t len, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)arg;
	bool quote = len == 0, squote = false, dq_unsafe = false;
	size_t i = 0, chars = 0;

	while (i < len && chars < maxchars) {
		size_t n = record_utf8_len(arg + i, len - i);

		if (n == 0 || format_is_control(s + i, n))
			return FORMAT_ANSI;
		if (n == 1 && !format_is_plain(s[i]))
			quote = true;
		if (n == 1 && s[i] == '\'')
			squote = true;
		else if (n == 1 && strchr("\"$`\\!", s[i]))
			dq_unsafe = true;
		i += n;
		chars++;
	}
	/* 'a'\''b' is hard to read: "a'b" says the same when nothing else is special */
	if (squote && !dq_unsafe)
		return FORMAT_DOUBLE;
	return quote ? FORMAT_SINGLE : FORMAT_PLAIN;
}

/* One argument, quoted for a POSIX shell (or bash $'' when it holds control bytes), cut
 * after maxchars characters. out has room for FORMAT_QUOTED_MAX bytes. */
static size_t format_quote(char *out, const char *arg, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)arg;
	size_t len = strlen(arg), i, n, chars, o = 0;
	enum format_style style = format_style_of(arg, len, maxchars);
	bool ansi = style == FORMAT_ANSI;
	char close = 0;

	if (style == FORMAT_ANSI) {
		o += (size_t)sprintf(out + o, "$'");
		close = '\'';
	} else if (style == FORMAT_DOUBLE) {
		close = out[o++] = '"';
	} else if (style == FORMAT_SINGLE) {
		close = out[o++] = '\'';
	}
	for (i = 0, chars = 0; i < len && chars < maxchars; i += n ? n : 1, chars++) {
		n = record_utf8_len(arg + i, len - i);
		if (n == 0) {
			o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
		} else if (ansi && format_is_control(s + i, n)) {
			unsigned c = n == 1 ? s[i] : s[i + 1];

			if (c == '\n')
				o += (size_t)sprintf(out + o, "\\n");
			else if (c == '\t')
				o += (size_t)sprintf(out + o, "\\t");
			else if (c == '\r')
				o += (size_t)sprintf(out + o, "\\r");
			else if (n == 1)
				o += (size_t)sprintf(out + o, "\\x%02x", c);
			else
				o += (size_t)sprintf(out + o, "\\u%04x", c);
		} else if (s[i] == '\'' && ansi) {
			o += (size_t)sprintf(out + o, "\\'");
		} else if (s[i] == '\\' && ansi) {
			o += (size_t)sprintf(out + o, "\\\\");
		} else if (s[i] == '\'' && style == FORMAT_SINGLE) {
			o += (size_t)sprintf(out + o, "'\\''");
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
	}
	if (i < len)
		o += (size_t)sprintf(out + o, "...");
	if (close)
		out[o++] = close;
	out[o] = '\0';
	return o;
}

size_t format_argv(char *buf, size_t buflen, char *const *argv, int argc, size_t arg_max)
{
	char *q = malloc(FORMAT_QUOTED_MAX);
	size_t len = 0, n;
	int i;

	if (buflen == 0)
		goto out;
	buf[0] = '\0';
	if (!q)
		goto out;
	if (arg_max > FORMAT_ARG_HARD_MAX)
		arg_max = FORMAT_ARG_HARD_MAX;
	for (i = 0; i < argc && argv[i]; i++) {
		n = format_quote(q, argv[i], arg_max);
		/* room for this argument, a space and a possible " ..." after it */
		if (len + (i > 0) + n + 4 >= buflen) {
			const char *more = i > 0 ? " ..." : "...";

			if (len + strlen(more) < buflen) {
				memcpy(buf + len, more, strlen(more) + 1);
				len += strlen(more);
			}
			break;
		}
		if (i > 0)
			buf[len++] = ' ';
		memcpy(buf + len, q, n + 1);
		len += n;
	}
out:
	free(q);
	return len;
}

const char *format_role(const struct fs_proc *p, char *buf, size_t buflen)
{
	const char *role = model_role_name(p->role), *method = NULL;

	if (p->role == FS_ROLE_MP_CHILD)
		method = model_method_name(p->start_method);
	snprintf(buf, buflen, "%s%s%s", role ? role : "?", method ? "/" : "", method ? method : "");
	return buf;
}

/* ---------------------------------------------------------------- event lines */

void format_event_header(FILE *f)
{
	fprintf(f, "%-11s %-6s %-7s %-7s %-19s %s\n", "TIME(s)", "EVENT", "PID", "PPID", "ROLE",
		"DETAIL");
}

/* Split an exec event's args into an argv array (pointers into a copy in store). */
static int format_split_args(const struct fs_event *ev, char *store, char **argv, int max)
{
	size_t len = ev->args_len, pos = 0;
	int argc = 0;

	if (len > FS_ARGS_LEN)
		len = FS_ARGS_LEN;
	memcpy(store, ev->args, len);
	store[len] = '\0';
	while (pos < len && argc < max) {
		argv[argc++] = store + pos;
		pos += strlen(store + pos) + 1;
	}
	return argc;
}

/* A short, terminal-safe rendering of a fixed-size name (comm). */
static const char *format_name(const char *s, size_t size, char *buf)
{
	char tmp[FS_FILENAME_LEN + 1];
	size_t len = strnlen(s, size < FS_FILENAME_LEN ? size : FS_FILENAME_LEN);

	memcpy(tmp, s, len);
	tmp[len] = '\0';
	format_quote(buf, tmp, FORMAT_ARG_MAX);
	return buf;
}

static void format_exec_detail(const struct fs_event *ev, char *detail, size_t size)
{
	char *store = malloc(FS_ARGS_LEN + 1), **argv = malloc(sizeof(char *) * FS_ARGS_LEN);
	char name[FORMAT_QUOTED_MAX];
	size_t len = 0;
	int argc;

	detail[0] = '\0';
	if (!store || !argv)
		goto out;
	argc = format_split_args(ev, store, argv, FS_ARGS_LEN);
	if (argc == 0)
		len = (size_t)snprintf(detail, size, "%s",
				       format_name(ev->filename, FS_FILENAME_LEN, name));
	else
		len = format_argv(detail, size, argv, argc, FORMAT_ARG_MAX);
	if ((ev->flags & FS_F_ARGS_TRUNCATED) && len < size)
		snprintf(detail + len, size - len, " [argv truncated]");
out:
	free(store);
	free(argv);
}

/* What became of a signal (the kernel's TRACE_SIGNAL_* result), "" when delivered. */
static const char *format_sig_result(int result)
{
	switch (result) {
	case 1:
		return " (ignored)";
	case 2:
		return " (already pending)";
	case 3:
		return " (queue full, not sent)";
	case 4:
		return " (sent without its info)";
	default:
		return "";
	}
}

/* "1.234 s", the lifetime of an exited process whose start was seen. */
static void format_lifetime(const struct fs_proc *p, char *buf, size_t size)
{
	uint64_t ns;

	buf[0] = '\0';
	if (!p || !p->exited || p->unseen_start || p->end_ns < p->start_ns)
		return;
	ns = p->end_ns - p->start_ns;
	snprintf(buf, size, " after %llu.%03llu s", (unsigned long long)(ns / 1000000000u),
		 (unsigned long long)(ns % 1000000000u / 1000000u));
}

void format_event_line(FILE *f, const struct fs_event *ev, const struct fs_model *m)
{
	uint32_t who = ev->pid, ppid = ev->ppid;
	const struct fs_proc *p = NULL, *tp = NULL;
	char detail[FORMAT_DETAIL_MAX], name[FORMAT_QUOTED_MAX], role[48] = "-", trole[48],
								 tbuf[32], life[48], from[24];
	const char *type = "?";
	int idx;

	if (m) {
		idx = model_find(m, who);
		p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
		if (p)
			format_role(p, role, sizeof(role));
	}
	detail[0] = '\0';
	switch (ev->type) {
	case FS_EV_FORK:
		type = "fork";
		snprintf(detail, sizeof(detail), "child of %u (%s)", ev->ppid,
			 format_name(ev->comm, FS_COMM_LEN, name));
		if (ev->tid && ev->tid != ev->ppid)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
				 " from thread %u", ev->tid);
		if (ev->parent_threads > 1)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
				 " [%u threads]", ev->parent_threads);
		break;
	case FS_EV_EXEC:
		type = "exec";
		format_exec_detail(ev, detail, sizeof(detail));
		break;
	case FS_EV_EXIT:
		type = "exit";
		format_lifetime(p, life, sizeof(life));
		from[0] = '\0';
		if (p && p->killed_by)
			snprintf(from, sizeof(from), " from %u", p->killed_by);
		if (ev->sig == 0)
			snprintf(detail, sizeof(detail), "exit %d%s", ev->exit_code, life);
		else
			snprintf(detail, sizeof(detail), "killed by %s%s%s%s",
				 format_signal_name(ev->sig), from,
				 (ev->flags & FS_F_CORE_DUMPED) ? " (core dumped)" : "", life);
		break;
	case FS_EV_SIGNAL:
		type = "signal";
		ppid = p ? p->ppid : 0;
		trole[0] = '\0';
		if (m) {
			idx = model_find(m, ev->target);
			tp = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
			if (tp)
				format_role(tp, trole, sizeof(trole));
		}
		snprintf(detail, sizeof(detail), "%s -> %u%s%s%s%s", format_signal_name(ev->sig),
			 ev->target, trole[0] ? " (" : "", trole, trole[0] ? ")" : "",
			 format_sig_result(ev->sig_result));
		break;
	default:
		break;
	}
	snprintf(tbuf, sizeof(tbuf), "%llu.%06llu", (unsigned long long)(ev->t_ns / 1000000000u),
		 (unsigned long long)(ev->t_ns % 1000000000u / 1000u));
	if (ppid)
		fprintf(f, "%11s %-6s %-7u %-7u %-19s %s\n", tbuf, type, who, ppid, role, detail);
	else
		fprintf(f, "%11s %-6s %-7u %-7s %-19s %s\n", tbuf, type, who, "-", role, detail);
}

/* ---------------------------------------------------------------- summary */

struct format_counts {
	size_t role[FS_ROLE_COUNT];
	size_t method[FS_ROLE_COUNT][4]; /* by start method, for each role */
	size_t code[FORMAT_MAX_CODE + 1];
	size_t sig[FORMAT_MAX_SIG + 1];
	size_t odd_code, odd_sig, alive, unknown, cores, reparented, unseen;
};

static void format_count(const struct fs_model *m, struct format_counts *c)
{
	size_t i, n = model_count(m);

	for (i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(m, i);
		unsigned r = (unsigned)p->role < FS_ROLE_COUNT ? (unsigned)p->role : FS_ROLE_OTHER;
		unsigned meth = (unsigned)p->start_method < 4 ? (unsigned)p->start_method : 0;

		c->role[r]++;
		c->method[r][meth]++;
		c->reparented += p->reparented;
		c->unseen += p->unseen_start;
		if (!p->exited)
			c->alive++;
		else if (p->exit_lost)
			c->unknown++;
		else if (p->signal > 0 && p->signal <= FORMAT_MAX_SIG)
			c->sig[p->signal]++;
		else if (p->signal != 0)
			c->odd_sig++;
		else if (p->exit_code >= 0 && p->exit_code <= FORMAT_MAX_CODE)
			c->code[p->exit_code]++;
		else
			c->odd_code++;
		if (p->exited && p->core_dumped)
			c->cores++;
	}
}

static void format_summary_roles(FILE *f, const struct fs_model *m, const struct format_counts *c)
{
	const struct fs_model_stats *st = model_stats(m);
	int r, k;

	fprintf(f, "processes: %zu (at most %zu alive at once)\n", model_count(m), st->peak_live);
	for (r = 0; r < FS_ROLE_COUNT; r++) {
		const char *sep = " (";

		if (c->role[r] == 0)
			continue;
		fprintf(f, "  %-18s %5zu", model_role_name((enum fs_role)r), c->role[r]);
		for (k = 1; k < 4 && r == FS_ROLE_MP_CHILD; k++) {
			const char *name = model_method_name((enum fs_method)k);

			if (c->method[r][k] == 0 || !name)
				continue;
			fprintf(f, "%s%s %zu", sep, name, c->method[r][k]);
			sep = ", ";
		}
		fprintf(f, "%s\n", sep[0] == ',' ? ")" : "");
	}
}

static void format_summary_exits(FILE *f, const struct format_counts *c)
{
	const char *sep = "";
	int i;

	fprintf(f, "exit status:");
	for (i = 0; i <= FORMAT_MAX_CODE; i++) {
		if (!c->code[i])
			continue;
		fprintf(f, "%s %zu exited %d", sep, c->code[i], i);
		sep = ",";
	}
	for (i = 1; i <= FORMAT_MAX_SIG; i++) {
		if (!c->sig[i])
			continue;
		fprintf(f, "%s %zu killed by %s", sep, c->sig[i], format_signal_name(i));
		sep = ",";
	}
	if (c->odd_code + c->odd_sig) {
		fprintf(f, "%s %zu with an unusual status", sep, c->odd_code + c->odd_sig);
		sep = ",";
	}
	if (c->unknown) {
		fprintf(f, "%s %zu whose exit was not seen", sep, c->unknown);
		sep = ",";
	}
	if (c->alive) {
		fprintf(f, "%s %zu still alive at the end", sep, c->alive);
		sep = ",";
	}
	fprintf(f, "%s\n", sep[0] ? "" : " none");
	if (c->cores)
		fprintf(f, "core dumps: %zu\n", c->cores);
}

void format_summary(FILE *f, const struct fs_model *m)
{
	const struct fs_model_stats *st = model_stats(m);
	struct format_counts *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	format_count(m, c);
	fprintf(f, "\n--- summary ---\n");
	format_summary_roles(f, m, c);
	format_summary_exits(f, c);
	fprintf(f, "daemon kills: %zu%s\n", st->daemon_kills,
		st->daemon_kills ? " (daemonic children sent SIGTERM by their parent as it exited)"
				 : "");
	fprintf(f, "recycled workers: %zu%s\n", st->recycled,
		st->recycled ? " (Pool workers that replaced one that had exited)" : "");
	if (c->reparented)
		fprintf(f, "re-parented: %zu (outlived their parent and were adopted)\n",
			c->reparented);
	if (c->unseen)
		fprintf(f, "seen without their fork: %zu (started before tracing, or lost)\n",
			c->unseen);
	fprintf(f, "events: %llu (%llu fork, %llu exec, %llu exit, %llu signal)\n",
		(unsigned long long)st->events, (unsigned long long)st->forks,
		(unsigned long long)st->execs, (unsigned long long)st->exits,
		(unsigned long long)st->signals);
	if (st->lost)
		fprintf(f,
			"lost events: %llu - the kernel could not deliver them (ring buffer "
			"full); the trace is incomplete, try a larger --ringbuf-kb\n",
			(unsigned long long)st->lost);
	else
		fprintf(f, "lost events: 0\n");
	free(c);
}
