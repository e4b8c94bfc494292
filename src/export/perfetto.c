/* forkscope export --format perfetto: the Trace Event Format's JSON (Chrome's, which
 * Perfetto's UI opens): one process track per process, named "PID role command" and
 * sorted in tree order; its lifetime as a complete slice on its main thread; fork, exec,
 * exit, signals and Python's phases as instants, with flows parent -> child and sender ->
 * target; on-CPU slices on each thread's track; Python's tasks as async slices. */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "export/export_internal.h"
#include "model/python.h"

#define PF_SYNTHETIC_PID 0x40000000u /* reused or huge PIDs: a track id of their own */

struct pf {
	FILE *f;
	const struct export_run *x;
	struct export_tree t;
	bool first;
	uint64_t flow;
};

/* The track id of the process in row r: its PID, unless that PID was used before in the
 * trace (two processes, one track: no) or does not fit Perfetto's 32-bit PIDs. */
static uint32_t pf_pid(const struct pf *pf, int r)
{
	const struct fs_proc *p = model_proc(pf->x->m, (size_t)pf->t.rows[r].idx);

	return p->generation == 0 && p->pid < PF_SYNTHETIC_PID ? p->pid
							       : PF_SYNTHETIC_PID + (uint32_t)r;
}

/* Start an event: the separator, then the fields every event has. */
static void pf_event(struct pf *pf, const char *ph, uint32_t pid, uint32_t tid, uint64_t ts)
{
	fprintf(pf->f, "%s\n{\"ph\":\"%s\",\"pid\":%u,\"tid\":%u,\"ts\":", pf->first ? "" : ",", ph,
		pid, tid);
	export_put_us(pf->f, ts);
	pf->first = false;
}

static void pf_str(struct pf *pf, const char *key, const char *value)
{
	fprintf(pf->f, ",\"%s\":\"", key);
	export_put(pf->f, value, EXPORT_ESC_JSON);
	putc('"', pf->f);
}

/* A metadata event: {"ph":"M","name":NAME,...,"args":{KEY:VALUE}} (value a string, or a
 * number when str is NULL). */
static void pf_meta(struct pf *pf, uint32_t pid, uint32_t tid, const char *name, const char *key,
		    const char *str, long long num)
{
	pf_event(pf, "M", pid, tid, 0);
	fprintf(pf->f, ",\"name\":\"%s\",\"args\":{\"%s\":", name, key);
	if (str) {
		putc('"', pf->f);
		export_put(pf->f, str, EXPORT_ESC_JSON);
		putc('"', pf->f);
	} else {
		fprintf(pf->f, "%lld", num);
	}
	fputs("}}", pf->f);
}

/* A thread-scoped instant on a process's main thread track. */
static void pf_instant(struct pf *pf, uint32_t pid, uint64_t ts, const char *cat, const char *name)
{
	pf_event(pf, "i", pid, pid, ts);
	fprintf(pf->f, ",\"s\":\"t\",\"cat\":\"%s\"", cat);
	pf_str(pf, "name", name);
	putc('}', pf->f);
}

/* A flow from one track to another: "s" bound to the slice around ts on the first, "f"
 * (bp "e": the enclosing slice) at to_ts on the second. */
static void pf_flow(struct pf *pf, const char *cat, uint32_t from, uint64_t ts, uint32_t to,
		    uint64_t to_ts)
{
	uint64_t id = ++pf->flow;

	pf_event(pf, "s", from, from, ts);
	fprintf(pf->f, ",\"cat\":\"%s\",\"name\":\"%s\",\"id\":%llu}", cat, cat,
		(unsigned long long)id);
	pf_event(pf, "f", to, to, to_ts);
	fprintf(pf->f, ",\"bp\":\"e\",\"cat\":\"%s\",\"name\":\"%s\",\"id\":%llu}", cat, cat,
		(unsigned long long)id);
}

/* The process's tracks: names, order, its lifetime slice with what is known of it. */
static void pf_process(struct pf *pf, int r)
{
	const struct fs_model *m = pf->x->m;
	const struct fs_proc *p = model_proc(m, (size_t)pf->t.rows[r].idx);
	uint32_t pid = pf_pid(pf, r);
	uint64_t end = export_proc_end(pf->x, p);
	char title[96], cmd[512], state[256], py[320], why[512], name[1200];

	export_proc_title(p, title, sizeof(title));
	export_proc_command(p, cmd, sizeof(cmd), 60);
	export_proc_python(p, py, sizeof(py));
	snprintf(name, sizeof(name), "%s %s%s%s%s", title, cmd, py[0] ? " [" : "", py,
		 py[0] ? "]" : "");
	pf_meta(pf, pid, pid, "process_name", "name", name, 0);
	pf_meta(pf, pid, pid, "process_sort_index", "sort_index", NULL, r);
	snprintf(name, sizeof(name), "%s%s%u", py[0] ? py : p->comm, py[0] || p->comm[0] ? " " : "",
		 p->pid);
	pf_meta(pf, pid, pid, "thread_name", "name", name, 0);
	pf_meta(pf, pid, pid, "thread_sort_index", "sort_index", NULL, 0);

	export_proc_state(p, state, sizeof(state));
	snprintf(name, sizeof(name), "%s: %s", py[0] ? py : p->comm, state);
	pf_event(pf, "X", pid, pid, p->start_ns);
	fputs(",\"dur\":", pf->f);
	export_put_us(pf->f, end - p->start_ns);
	fputs(",\"cat\":\"process\"", pf->f);
	pf_str(pf, "name", name);
	fprintf(pf->f, ",\"args\":{\"pid\":%u,\"ppid\":%u,\"last_ppid\":%u", p->pid,
		p->parent >= 0 ? model_proc(m, (size_t)p->parent)->pid : p->ppid, p->ppid);
	pf_str(pf, "role", names_role_long(p->role, p->start_method));
	export_proc_command_full(p, cmd, sizeof(cmd));
	pf_str(pf, "command", cmd);
	export_proc_state_long(p, state, sizeof(state));
	pf_str(pf, "state", state);
	if (py[0])
		pf_str(pf, "python", py);
	model_py_why(m, p, why, sizeof(why));
	pf_str(pf, "why", why);
	if (p->replaces)
		fprintf(pf->f, ",\"replaces\":%u", p->replaces);
	if (p->replaced_by)
		fprintf(pf->f, ",\"replaced_by\":%u", p->replaced_by);
	if (p->py.tasks)
		fprintf(pf->f, ",\"tasks\":%llu", (unsigned long long)p->py.tasks);
	fprintf(pf->f, ",\"cpu_ns\":%llu}}", (unsigned long long)p->cpu_ns);
}

/* Its threads' names (the main thread's is its process's). */
static void pf_threads(struct pf *pf, int r)
{
	const struct fs_model *m = pf->x->m;
	const struct fs_proc *p = model_proc(m, (size_t)pf->t.rows[r].idx);
	uint32_t pid = pf_pid(pf, r);
	int k = 1;

	for (int i = p->first_thread; i >= 0;) {
		const struct fs_thread *th = model_thread(m, (size_t)i);

		if (!th)
			break;
		if (th->tid != p->pid) {
			char name[64];

			snprintf(name, sizeof(name), "thread %u", th->tid);
			pf_meta(pf, pid, th->tid, "thread_name", "name", name, 0);
			pf_meta(pf, pid, th->tid, "thread_sort_index", "sort_index", NULL, k++);
		}
		i = th->next;
	}
}

/* Order of runs: by thread, then start. */
static int pf_run_cmp(const void *a, const void *b)
{
	const struct export_mark *x = *(const struct export_mark *const *)a,
				 *y = *(const struct export_mark *const *)b;

	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return (x->t_ns > y->t_ns) - (x->t_ns < y->t_ns);
}

/* On-CPU slices: sorted per thread, kept inside the process's lifetime and apart from
 * each other (so that they nest under it on the main thread's track). 0 or -1. */
static int pf_runs(struct pf *pf)
{
	const struct export_run *x = pf->x;
	const struct export_mark **runs = malloc((x->nmarks + 1) * sizeof(*runs));
	size_t n = 0;
	uint64_t prev_end = 0, prev_serial = 0;
	uint32_t prev_tid = 0;

	if (!runs)
		return -1;
	for (size_t i = 0; i < x->nmarks; i++)
		if (x->marks[i].type == FS_EV_RUN && x->marks[i].serial)
			runs[n++] = &x->marks[i];
	qsort(runs, n, sizeof(*runs), pf_run_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct export_mark *k = runs[i];
		int r = export_tree_row(&pf->t, x->m, k->serial);
		const struct fs_proc *p =
		    r >= 0 ? model_proc(x->m, (size_t)pf->t.rows[r].idx) : NULL;
		uint64_t from = k->t_ns, to = k->end_ns;
		uint32_t pid;

		if (!p)
			continue;
		if (k->serial != prev_serial || k->tid != prev_tid)
			prev_end = 0;
		prev_serial = k->serial;
		prev_tid = k->tid;
		/* strictly after the lifetime's start: an importer that sorts by time alone
		 * still opens the lifetime first */
		from = from <= p->start_ns ? p->start_ns + 1 : from;
		from = from < prev_end ? prev_end : from;
		to = to > export_proc_end(x, p) ? export_proc_end(x, p) : to;
		if (to <= from)
			continue;
		prev_end = to;
		pid = pf_pid(pf, r);
		pf_event(pf, "X", pid, k->tid == p->pid ? pid : k->tid, from);
		fputs(",\"dur\":", pf->f);
		export_put_us(pf->f, to - from);
		fprintf(
		    pf->f,
		    ",\"cat\":\"cpu\",\"name\":\"on CPU\",\"args\":{\"cpu\":%u,\"left\":\"%s\"}}",
		    k->cpu, names_run_left(k->left));
	}
	free(runs);
	return 0;
}

/* Forks, execs and signals as instants, with their flows. */
static void pf_marks(struct pf *pf)
{
	const struct export_run *x = pf->x;
	char name[128];

	for (size_t i = 0; i < x->nmarks; i++) {
		const struct export_mark *k = &x->marks[i];
		int r = export_tree_row(&pf->t, x->m, k->serial);
		int o = export_tree_row(&pf->t, x->m, k->other);

		if (k->type == FS_EV_FORK && r >= 0) {
			const struct fs_proc *c = model_proc(x->m, (size_t)pf->t.rows[r].idx);
			uint64_t end = export_proc_end(x, c), at = c->start_ns;

			if (end > at + 2)
				at++; /* inside the child's lifetime, not at its edge */
			snprintf(name, sizeof(name), "fork %u", k->pid);
			if (o >= 0) {
				pf_instant(pf, pf_pid(pf, o), k->t_ns, "fork", name);
				pf_flow(pf, "fork", pf_pid(pf, o), k->t_ns, pf_pid(pf, r), at);
			}
		} else if (k->type == FS_EV_EXEC && r >= 0) {
			snprintf(name, sizeof(name), "exec %s", k->name ? k->name : "?");
			pf_instant(pf, pf_pid(pf, r), k->t_ns, "exec", name);
		} else if (k->type == FS_EV_SIGNAL) {
			const char *sig = names_signal(k->sig);

			if (r >= 0) {
				snprintf(name, sizeof(name), "%s to %u", sig, k->target);
				pf_instant(pf, pf_pid(pf, r), k->t_ns, "signal", name);
			}
			if (o >= 0) {
				snprintf(name, sizeof(name), "%s from %u (%s)", sig, k->pid,
					 names_sig_result(k->sig_result, false));
				pf_instant(pf, pf_pid(pf, o), k->t_ns, "signal", name);
			}
			if (r >= 0 && o >= 0 && r != o)
				pf_flow(pf, "signal", pf_pid(pf, r), k->t_ns, pf_pid(pf, o),
					k->t_ns);
		}
	}
}

/* Exits and Python's phases of the process in row r. */
static void pf_ends(struct pf *pf, int r)
{
	const struct fs_proc *p = model_proc(pf->x->m, (size_t)pf->t.rows[r].idx);
	uint32_t pid = pf_pid(pf, r);
	const uint64_t phase[] = {p->py.hello_ns, p->py.main_imported_ns, p->py.ready_ns};
	const enum fs_py_phase which[] = {FS_PY_PHASE_HELLO, FS_PY_PHASE_MAIN_IMPORTED,
					  FS_PY_PHASE_READY};

	for (size_t i = 0; i < 3; i++)
		if (phase[i] >= p->start_ns && phase[i] && phase[i] <= export_proc_end(pf->x, p))
			pf_instant(pf, pid, phase[i], "python", names_py_phase(which[i]));
	if (p->exited && !p->exit_lost && p->end_ns) {
		char state[256];

		export_proc_state_long(p, state, sizeof(state));
		pf_instant(pf, pid, p->end_ns, "exit", state);
	}
}

/* Python's tasks as async slices on their worker's process. */
static void pf_tasks(struct pf *pf)
{
	const struct fs_model *m = pf->x->m;
	size_t n = model_task_count(m);

	for (size_t i = 0; i < n; i++) {
		const struct fs_task *tk = model_task(m, i);
		int r = export_tree_row(&pf->t, m, tk->serial + 1);
		char name[96];

		if (r < 0 || tk->end_ns < tk->start_ns)
			continue;
		if (tk->job != FS_TASK_NO_JOB)
			snprintf(name, sizeof(name), "task %lld of job %lld", (long long)tk->index,
				 (long long)tk->job);
		else
			snprintf(name, sizeof(name), "task %lld", (long long)tk->index);
		pf_event(pf, "b", pf_pid(pf, r), pf_pid(pf, r), tk->start_ns);
		fprintf(pf->f,
			",\"cat\":\"task\",\"id\":%zu,\"name\":\"%s\",\"args\":{\"items\":%llu}}",
			i + 1, name, (unsigned long long)tk->items);
		pf_event(pf, "e", pf_pid(pf, r), pf_pid(pf, r), tk->end_ns);
		fprintf(pf->f, ",\"cat\":\"task\",\"id\":%zu,\"name\":\"%s\"}", i + 1, name);
	}
}

int export_perfetto(FILE *f, const struct export_run *x)
{
	struct pf pf = {.f = f, .x = x, .first = true};
	const struct fs_header *h = &x->header;
	char title[256];
	int rc = -1;

	if (export_tree_build(&pf.t, x->m) != 0)
		return -1;
	fputs("{\"traceEvents\":[", f);
	for (size_t r = 0; r < pf.t.n; r++) {
		pf_process(&pf, (int)r);
		pf_threads(&pf, (int)r);
	}
	if (pf_runs(&pf) != 0)
		goto out;
	pf_marks(&pf);
	for (size_t r = 0; r < pf.t.n; r++)
		pf_ends(&pf, (int)r);
	pf_tasks(&pf);
	fputs("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{", f);
	export_run_title(x, title, sizeof(title));
	fputs("\"title\":\"", f);
	export_put(f, title, EXPORT_ESC_JSON);
	fputs("\",\"tool\":\"", f);
	export_put(f, h->tool ? h->tool : "", EXPORT_ESC_JSON);
	fputs("\",\"kernel\":\"", f);
	export_put(f, h->kernel ? h->kernel : "", EXPORT_ESC_JSON);
	fprintf(f, "\",\"root_pid\":%u,\"start_realtime_ns\":%llu,\"marks_dropped\":%llu}}\n",
		h->root_pid, (unsigned long long)h->start_realtime_ns,
		(unsigned long long)x->marks_dropped);
	rc = 0;
out:
	export_tree_free(&pf.t);
	return rc;
}
