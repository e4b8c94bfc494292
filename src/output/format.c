/* Text output: event lines and the summary, in the words of base/names.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "model/channel.h"
#include "model/output.h"
#include "model/python.h"
#include "output/format.h"

#define FORMAT_DETAIL_MAX 8192
#define FORMAT_NAME_MAX 512 /* a quoted comm or file name */
#define FORMAT_MAX_SIG 64
#define FORMAT_MAX_CODE 255

void format_proc_state(const struct fs_proc *p, enum names_state_form form, char *buf, size_t len)
{
	struct names_state st = {
	    .exited = p->exited,
	    .exit_lost = p->exit_lost,
	    .exit_code = p->exit_code,
	    .signal = p->signal,
	    .core_dumped = p->core_dumped,
	    .killed_by = p->killed_by,
	    .daemon_kill = p->daemon_kill,
	    .stop = p->py.stop,
	    .unknown_after_ns = p->unknown_after_ns,
	};

	names_state(&st, form, buf, len);
}

size_t format_proc_command(const struct fs_proc *p, char *buf, size_t len, size_t arg_max)
{
	bool own = p->argv && p->argc > 0 && !p->argv_inherited;

	return names_command(buf, len, own ? p->argv : NULL, own ? p->argc : 0, p->comm,
			     FS_COMM_LEN, arg_max);
}

size_t format_proc_python(const struct fs_proc *p, char *buf, size_t len)
{
	const struct fs_py *py = &p->py;
	const char *kind = names_py_kind_long(py->kind);
	char name[4 * FS_PY_NAME_LEN + 4] = "", pool[32] = "";
	bool daemon = py->daemon_told && py->daemon && py->kind != FS_PY_KIND_POOL_WORKER;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (py->name[0])
		text_escape(name, sizeof(name), py->name, strnlen(py->name, sizeof(py->name)));
	if (py->pool)
		snprintf(pool, sizeof(pool), ", %s #%u",
			 py->kind == FS_PY_KIND_EXECUTOR_WORKER ? "executor" : "Pool", py->pool);
	if (py->kind == FS_PY_KIND_FORKSERVER || py->kind == FS_PY_KIND_RESOURCE_TRACKER)
		return 0; /* its role says as much: Python agreed with the kernel */
	if (kind)
		snprintf(buf, len, "%s%s(%s%s%s)", name, name[0] ? " " : "", kind, pool,
			 daemon ? ", daemon" : "");
	else if (py->hook == FS_PY_HOOK_NONE)
		snprintf(buf, len, "[%s]", names_py_hook_long(py->hook));
	else
		snprintf(buf, len, "%s", name);
	return strlen(buf);
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

/* A fixed-size name (comm, file name) quoted like an argument. */
static const char *format_name(const char *s, size_t size, char *buf, size_t buflen)
{
	names_command(buf, buflen, NULL, 0, s, size, FORMAT_ARG_MAX);
	return buf;
}

static void format_exec_detail(const struct fs_event *ev, char *detail, size_t size)
{
	char *store = malloc(FS_ARGS_LEN + 1), **argv = malloc(sizeof(char *) * FS_ARGS_LEN);
	size_t len = 0;
	int argc;

	detail[0] = '\0';
	if (!store || !argv)
		goto out;
	argc = format_split_args(ev, store, argv, FS_ARGS_LEN);
	if (argc == 0)
		len = names_command(detail, size, NULL, 0, ev->filename, FS_FILENAME_LEN,
				    FORMAT_ARG_MAX);
	else
		len = text_quote_argv(detail, size, argv, argc, FORMAT_ARG_MAX);
	if ((ev->flags & FS_F_ARGS_TRUNCATED) && len < size)
		snprintf(detail + len, size - len, " [argv truncated]");
out:
	free(store);
	free(argv);
}

/* An exit: the state it leaves (with the sender and daemon kill the model knows), then the
 * lifetime when its start was seen. */
static void format_exit_detail(const struct fs_event *ev, const struct fs_proc *p, char *detail,
			       size_t size)
{
	struct names_state st = {
	    .exited = true,
	    .exit_code = ev->exit_code,
	    .signal = ev->sig,
	    .core_dumped = (ev->flags & FS_F_CORE_DUMPED) != 0,
	    .killed_by = p && ev->sig ? p->killed_by : 0,
	    .daemon_kill = p && ev->sig && p->daemon_kill,
	    .stop = p && ev->sig ? p->py.stop : FS_PY_STOP_NONE,
	};
	size_t len;

	names_state(&st, NAMES_STATE_LONG, detail, size);
	len = strlen(detail);
	if (p && p->exited && !p->unseen_start && p->end_ns >= p->start_ns && len < size) {
		char life[32];

		names_duration(p->end_ns - p->start_ns, life, sizeof(life));
		snprintf(detail + len, size - len, " after %s", life);
	}
}

/* A signal: name, target and its role, and what the kernel did with it unless delivered. */
static void format_signal_detail(const struct fs_event *ev, const struct fs_model *m, char *detail,
				 size_t size)
{
	const struct fs_proc *tp = NULL;
	char result[48] = "";

	if (m) {
		int idx = model_find(m, ev->target);

		tp = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
	}
	if (ev->sig_result != 0)
		snprintf(result, sizeof(result), " (%s)",
			 names_sig_result(ev->sig_result, ev->flags & FS_F_TARGET_EXITING));
	snprintf(detail, size, "%s -> %u%s%s%s%s", names_signal(ev->sig), ev->target,
		 tp ? " [" : "", tp ? names_role_long(tp->role, tp->start_method) : "",
		 tp ? "]" : "", result);
}

void format_event_line(FILE *f, const struct fs_event *ev, const struct fs_model *m)
{
	uint32_t who = ev->pid, ppid = ev->ppid;
	const struct fs_proc *p = NULL;
	char detail[FORMAT_DETAIL_MAX], name[FORMAT_NAME_MAX], tbuf[32];
	const char *type = "?", *role = "-";

	if (m) {
		int idx = model_find(m, who);

		p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
		if (p)
			role = names_role_long(p->role, p->start_method);
	}
	detail[0] = '\0';
	switch (ev->type) {
	case FS_EV_FORK:
		snprintf(detail, sizeof(detail), "child of %u (%s)", ev->ppid,
			 format_name(ev->comm, FS_COMM_LEN, name, sizeof(name)));
		if (ev->tid && ev->tid != ev->ppid)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
				 " from thread %u", ev->tid);
		if (ev->parent_threads > 1)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
				 " [%u threads]", ev->parent_threads);
		if (names_clone_kind(ev->clone_flags))
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " by %s",
				 names_clone_kind(ev->clone_flags));
		break;
	case FS_EV_EXEC:
		format_exec_detail(ev, detail, sizeof(detail));
		break;
	case FS_EV_EXIT:
		format_exit_detail(ev, p, detail, sizeof(detail));
		break;
	case FS_EV_SIGNAL:
		ppid = p ? p->ppid : 0;
		format_signal_detail(ev, m, detail, sizeof(detail));
		break;
	case FS_EV_THREAD:
		ppid = 0;
		snprintf(detail, sizeof(detail), "thread %u created by thread %u [%u threads]",
			 ev->tid, ev->target, ev->parent_threads);
		break;
	case FS_EV_THREAD_EXIT:
		ppid = 0;
		snprintf(detail, sizeof(detail), "thread %u ended", ev->tid);
		break;
	case FS_EV_RUN: {
		char on[32];

		ppid = 0;
		names_duration(ev->cpu_ns, on, sizeof(on));
		snprintf(detail, sizeof(detail), "thread %u on CPU %u for %s (%s)", ev->tid,
			 ev->cpu, on, names_run_left(ev->left));
		break;
	}
	default:
		break;
	}
	type = names_event_type(ev->type);
	snprintf(tbuf, sizeof(tbuf), "%llu.%06llu", (unsigned long long)(ev->t_ns / 1000000000u),
		 (unsigned long long)(ev->t_ns % 1000000000u / 1000u));
	if (ppid)
		fprintf(f, "%11s %-6s %-7u %-7u %-19s %s\n", tbuf, type, who, ppid, role, detail);
	else
		fprintf(f, "%11s %-6s %-7u %-7s %-19s %s\n", tbuf, type, who, "-", role, detail);
}

/* ---------------------------------------------------------------- summary */

struct format_counts {
	size_t method[FS_ROLE_COUNT][FS_METHOD_COUNT]; /* by start method, for each role */
	size_t code[FORMAT_MAX_CODE + 1];
	size_t sig[FORMAT_MAX_SIG + 1];
	size_t odd_code, odd_sig, alive, unknown, cores, reparented, unseen;
	uint64_t cpu_ns[FS_ROLE_COUNT][FS_METHOD_COUNT], cpu_all; /* on-CPU time by role */
	uint64_t first_ns, last_ns; /* the run's span: first start, last end */
	size_t threads;
};

static void format_count(const struct fs_model *m, struct format_counts *c)
{
	size_t i, n = model_count(m);

	for (i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(m, i);
		unsigned r = (unsigned)p->role < FS_ROLE_COUNT ? (unsigned)p->role : FS_ROLE_OTHER;
		unsigned meth = (unsigned)p->start_method < FS_METHOD_COUNT && r == FS_ROLE_MP_CHILD
				    ? (unsigned)p->start_method
				    : 0;

		c->method[r][meth]++;
		c->cpu_ns[r][meth] += p->cpu_ns;
		if (i == 0 || p->start_ns < c->first_ns)
			c->first_ns = p->start_ns;
		if (p->exited && p->end_ns > c->last_ns)
			c->last_ns = p->end_ns;
		c->cpu_all += p->cpu_ns;
		c->threads += p->nthreads;
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

/* One line per role, and for children one per start method: "child (spawn)  3". */
static void format_summary_roles(FILE *f, const struct fs_model *m, const struct format_counts *c)
{
	const struct fs_model_stats *st = model_stats(m);

	fprintf(f, "processes: %zu (at most %zu alive at once)\n", model_count(m), st->peak_live);
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		for (int k = 0; k < FS_METHOD_COUNT; k++) {
			if (c->method[r][k] == 0)
				continue;
			fprintf(f, "  %-18s %5zu\n",
				names_role_long((enum fs_role)r, (enum fs_method)k),
				c->method[r][k]);
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
		fprintf(f, "%s %zu killed by %s", sep, c->sig[i], names_signal(i));
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

/* On-CPU time in all and by role, when the trace has it (runs on CPUs). */
static void format_summary_cpu(FILE *f, const struct format_counts *c)
{
	char d[32];

	if (!c->cpu_all)
		return;
	names_duration(c->cpu_all, d, sizeof(d));
	fprintf(f, "on-CPU time: %s in %zu threads (", d, c->threads);
	for (unsigned r = 0, first = 1; r < FS_ROLE_COUNT; r++)
		for (unsigned meth = 0; meth < FS_METHOD_COUNT; meth++) {
			if (!c->cpu_ns[r][meth])
				continue;
			names_duration(c->cpu_ns[r][meth], d, sizeof(d));
			fprintf(f, "%s%s %s", first ? "" : ", ",
				names_role_long((enum fs_role)r, (enum fs_method)meth), d);
			first = 0;
		}
	fprintf(f, ")\n");
	if (c->last_ns > c->first_ns) {
		names_duration(c->last_ns - c->first_ns, d, sizeof(d));
		fprintf(f, "cores busy: %.2f over the %s of the run (on-CPU time / wall time)\n",
			(double)c->cpu_all / (double)(c->last_ns - c->first_ns), d);
	}
}

/* The workload's output and the channel, when there was any. */
static void format_summary_output(FILE *f, const struct fs_model *m)
{
	const struct fs_output_stats *o = model_output_stats(m);
	const struct fs_channel_stats *c = model_channel_stats(m);
	uint64_t rejected = 0;
	const char *sep = " (";

	if (o->writes || o->lost) {
		fprintf(f, "output: %llu lines, %llu bytes in %llu writes",
			(unsigned long long)o->lines, (unsigned long long)o->bytes,
			(unsigned long long)o->writes);
		if (o->cut_bytes)
			fprintf(f, ", %llu bytes cut (lines over %d bytes, writes over %d)",
				(unsigned long long)o->cut_bytes, FS_OUTPUT_LINE_MAX,
				FS_OUTPUT_CHUNK * FS_OUTPUT_CHUNKS_PER_WRITE);
		if (o->dropped_bytes)
			fprintf(f, ", %llu bytes dropped (over %llu KiB/s)",
				(unsigned long long)o->dropped_bytes,
				(unsigned long long)(FS_OUTPUT_BYTES_PER_SEC >> 10));
		if (o->lines_forgotten)
			fprintf(f, ", the oldest %llu lines not kept",
				(unsigned long long)o->lines_forgotten);
		if (o->lost)
			fprintf(f, ", %llu output events lost (ring buffer full)",
				(unsigned long long)o->lost);
		fputc('\n', f);
	}
	if (!c->records)
		return;
	fprintf(f, "channel: %llu records, %llu accepted (%llu facts), ",
		(unsigned long long)c->records, (unsigned long long)c->accepted,
		(unsigned long long)c->facts);
	for (int r = 0; r < FS_CHANNEL_REJECT_COUNT; r++)
		rejected += c->rejected[r];
	fprintf(f, "%llu rejected", (unsigned long long)rejected);
	for (int r = 0; r < FS_CHANNEL_REJECT_COUNT; r++) {
		if (!c->rejected[r])
			continue;
		fprintf(f, "%s%llu %s", sep, (unsigned long long)c->rejected[r],
			names_channel_reject((enum fs_channel_reject)r));
		sep = ", ";
	}
	fputs(rejected ? ")\n" : "\n", f);
}

/* What Python told through the hook, when any process spoke: who spoke, who has no
 * hook, the kinds, and the tasks of the pools' and executors' workers. */
static void format_summary_python(FILE *f, const struct fs_model *m)
{
	const struct fs_py_stats *ps = model_py_stats(m);
	size_t hook[FS_PY_HOOK_COUNT] = {0}, kind[FS_PY_KIND_COUNT] = {0};
	size_t i, n = model_count(m), workers = 0, recycled = 0, pools = 0, executors = 0;
	uint64_t tasks = 0, items = 0;
	const char *sep = "";

	for (i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(m, i);

		if ((unsigned)p->py.hook < FS_PY_HOOK_COUNT)
			hook[p->py.hook]++;
		if ((unsigned)p->py.kind < FS_PY_KIND_COUNT)
			kind[p->py.kind]++;
		if (p->py.tasks)
			workers++;
		tasks += p->py.tasks;
		items += p->py.items;
		recycled += p->py.recycled;
	}
	if (!ps->hellos && !hook[FS_PY_HOOK_SPOKE] && !hook[FS_PY_HOOK_NONE])
		return;
	fprintf(f, "python: %zu processes told their facts", hook[FS_PY_HOOK_SPOKE]);
	if (hook[FS_PY_HOOK_INHERITED])
		fprintf(f, ", %zu fork children with their parent's hook",
			hook[FS_PY_HOOK_INHERITED]);
	fprintf(f, ", %zu %s", hook[FS_PY_HOOK_NONE], names_py_hook_long(FS_PY_HOOK_NONE));
	for (unsigned k = FS_PY_KIND_NONE + 1; k < FS_PY_KIND_COUNT; k++) {
		if (!kind[k])
			continue;
		fprintf(f, "%s%zu %s", sep[0] ? sep : " (", kind[k],
			names_py_kind_long((enum fs_py_kind)k));
		sep = ", ";
	}
	fputs(sep[0] ? ")\n" : "\n", f);
	for (i = 0; i < model_pool_count(m); i++) {
		if (model_pool(m, i)->executor)
			executors++;
		else
			pools++;
	}
	if (tasks || pools || executors)
		fprintf(f,
			"python tasks: %llu in %zu workers (%llu items); Pools: %zu, "
			"ProcessPoolExecutors: %zu; recycled workers told by the facts: %zu\n",
			(unsigned long long)tasks, workers, (unsigned long long)items, pools,
			executors, recycled);
	if (ps->ignored || ps->tasks_forgotten)
		fprintf(f, "python facts: %llu applied, %llu ignored, %llu oldest tasks not kept\n",
			(unsigned long long)ps->applied, (unsigned long long)ps->ignored,
			(unsigned long long)ps->tasks_forgotten);
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
	fprintf(f, "terminated at their starter's exit: %zu%s\n", st->daemon_kills,
		st->daemon_kills ? " (SIGTERM from the starter, which then exited: daemons at "
				   "interpreter exit, or a pool closed just before)"
				 : "");
	format_summary_recycled(f, m);
	if (c->reparented)
		fprintf(f, "re-parented: %zu (outlived their parent and were adopted)\n",
			c->reparented);
	if (c->unseen)
		fprintf(f, "seen without their fork: %zu (started before tracing, or lost)\n",
			c->unseen);
	format_summary_cpu(f, c);
	format_summary_output(f, m);
	format_summary_python(f, m);
	fprintf(f, "events: %llu (%llu fork, %llu exec, %llu exit, %llu signal",
		(unsigned long long)st->events, (unsigned long long)st->forks,
		(unsigned long long)st->execs, (unsigned long long)st->exits,
		(unsigned long long)st->signals);
	{
		uint64_t writes = model_output_stats(m)->writes;
		uint64_t records = model_channel_stats(m)->records;

		if (st->threads || st->runs)
			fprintf(f, ", %llu thread, %llu run, %llu thread end",
				(unsigned long long)st->threads, (unsigned long long)st->runs,
				(unsigned long long)(st->events - st->forks - st->execs -
						     st->exits - st->signals - st->threads -
						     st->runs - writes - records));
		if (writes)
			fprintf(f, ", %llu output", (unsigned long long)writes);
		if (records)
			fprintf(f, ", %llu channel", (unsigned long long)records);
	}
	fprintf(f, ")\n");
	if (st->lost)
		fprintf(f,
			"lost events: %llu - the kernel could not deliver them (ring buffer "
			"full); the trace is incomplete, try a larger --ringbuf-kb\n",
			(unsigned long long)st->lost);
	else
		fprintf(f, "lost events: 0\n");
	free(c);
}
