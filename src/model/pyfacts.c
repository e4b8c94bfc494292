/* Python's facts applied to the model (model/python.h): each fact of the hook's kinds
 * (src/pyhook/_forkscope_facts.py, docs/channel.md) checked against what the kernel saw
 * and merged into its writer's fs_proc.py, the tasks and the pools. A fact that does not
 * fit is ignored and counted, never half applied; facts of other kinds stay in
 * model_fact() only. Times: a fact's mono_ns (CLOCK_MONOTONIC, like the kernel's clock)
 * is placed on the trace's clock when the base is known and it lies between the writer's
 * start and the write, else the write's time stands. */
#include <string.h>

#include "model/analysis.h"
#include "model/model_internal.h"

#define PY_POOL_NUMBER_MAX 0xffffffll /* a pool number fits the pool map's key */
#define PY_COUNT_MAX 0x7fffffffll     /* processes, maxtasksperchild, threads */

static const char reason_told_child[] =
    "its hook says multiprocessing started it (the kernel saw no start method)";
static const char reason_told_forkserver[] =
    "its hook says it is multiprocessing's forkserver (its command line was not recognised)";
static const char reason_told_tracker[] = "its hook says it is multiprocessing's resource "
					  "tracker (its command line was not recognised)";

/* ---------------------------------------------------------------- a fact's fields */

static const struct fs_fact_field *fact_field(const struct fs_fact *f, const char *key)
{
	for (size_t k = 0; k < f->nfields; k++)
		if (strcmp(f->fields[k].key, key) == 0)
			return &f->fields[k];
	return NULL;
}

/* An integer field in [min, max] into *out; false when absent, not an integer or out. */
static bool fact_int(const struct fs_fact *f, const char *key, int64_t min, int64_t max,
		     int64_t *out)
{
	const struct fs_fact_field *fl = fact_field(f, key);

	if (!fl || fl->type != FS_FACT_INT || fl->i < min || fl->i > max)
		return false;
	*out = fl->i;
	return true;
}

/* A string field, or NULL. */
static const char *fact_str(const struct fs_fact *f, const char *key)
{
	const struct fs_fact_field *fl = fact_field(f, key);

	return fl && fl->type == FS_FACT_STRING ? fl->s : NULL;
}

/* A bool field: 0 or 1, -1 when absent or not a bool. */
static int fact_bool(const struct fs_fact *f, const char *key)
{
	const struct fs_fact_field *fl = fact_field(f, key);

	return fl && fl->type == FS_FACT_BOOL ? (int)fl->i : -1;
}

/* Copy src into dst[size], cut at a character boundary (src is valid UTF-8). */
static void py_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	while (n > 0 && src[n] && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A time the writer told (CLOCK_MONOTONIC) on the trace's clock, or the write's time. */
static uint64_t py_place(struct fs_model *m, const struct fs_proc *p, const struct fs_fact *f,
			 int64_t mono)
{
	uint64_t base = m->py.clock_base;

	if (base && mono > 0 && (uint64_t)mono >= base) {
		uint64_t rel = (uint64_t)mono - base;

		if (rel >= p->start_ns && rel <= f->t_ns)
			return rel;
	}
	m->py.stats.clock_fallbacks++;
	return f->t_ns;
}

/* ---------------------------------------------------------------- the facts */

/* One kind of fact: applied to writer idx at time t. 1 applied, 0 ignored, -1 ENOMEM. */
typedef int (*fact_fn)(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t);

static int fact_hello(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;
	const char *v = fact_str(f, "py_version");

	if (v)
		py_copy_str(py->version, sizeof(py->version), v);
	if (!py->hello_ns)
		py->hello_ns = t;
	m->py.stats.hellos++;
	return 1;
}

/* Where a process fact's pool goes: the worker's starter made it. 0 or -1. */
static int fact_process_pool(struct fs_model *m, int idx, uint32_t number)
{
	struct fs_proc *p = &m->procs[idx];
	bool first = p->py.pool != number;
	int pl;

	p->py.pool = number;
	if (p->starter_idx < 0)
		return 0;
	pl = pystate_pool_get(m, p->starter_idx, number);
	if (pl == -1)
		return -1;
	if (pl >= 0) {
		m->py.pools[pl].executor |= p->py.kind == FS_PY_KIND_EXECUTOR_WORKER;
		m->py.pools[pl].workers += first;
	}
	return 0;
}

static int fact_process(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_proc *p = &m->procs[idx];
	enum fs_py_kind kind = names_py_kind_parse(fact_str(f, "kind"));
	const char *name = fact_str(f, "name"), *target = fact_str(f, "target");
	int daemon = fact_bool(f, "daemon");
	bool worker = kind == FS_PY_KIND_POOL_WORKER || kind == FS_PY_KIND_EXECUTOR_WORKER;
	int64_t pool = 0;

	(void)t;
	/* a process started by multiprocessing, which the kernel saw so or cannot place */
	if (idx == m->root_idx || (p->role != FS_ROLE_MP_CHILD && p->role != FS_ROLE_OTHER))
		return 0;
	if (kind == FS_PY_KIND_NONE || kind == FS_PY_KIND_FORKSERVER ||
	    kind == FS_PY_KIND_RESOURCE_TRACKER)
		return 0;
	if (fact_field(f, "pool") &&
	    (!worker || !fact_int(f, "pool", 1, PY_POOL_NUMBER_MAX, &pool)))
		return 0;
	if (p->role == FS_ROLE_OTHER && !p->is_python)
		return 0;
	p->py.kind = kind;
	if (name)
		py_copy_str(p->py.name, sizeof(p->py.name), name);
	if (target)
		py_copy_str(p->py.target, sizeof(p->py.target), target);
	p->py.daemon_told = daemon >= 0;
	p->py.daemon = daemon == 1;
	p->py.method = names_method_parse(fact_str(f, "method"));
	if (pool && fact_process_pool(m, idx, (uint32_t)pool) != 0)
		return -1;
	if (p->role == FS_ROLE_OTHER) /* the kernel could not tell: Python can */
		proc_set_role(m, idx, FS_ROLE_MP_CHILD, p->py.method, reason_told_child);
	/* Python's kind settles whether it replaces a worker */
	analysis_unrecycle(m, idx);
	analysis_recycle_one(m, idx);
	return 1;
}

static int fact_helper(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_proc *p = &m->procs[idx];
	enum fs_py_kind kind = names_py_kind_parse(fact_str(f, "kind"));
	enum fs_role role = kind == FS_PY_KIND_FORKSERVER	  ? FS_ROLE_FORKSERVER
			    : kind == FS_PY_KIND_RESOURCE_TRACKER ? FS_ROLE_RESOURCE_TRACKER
								  : FS_ROLE_OTHER;

	(void)t;
	if (role == FS_ROLE_OTHER || idx == m->root_idx)
		return 0;
	if (p->role == FS_ROLE_OTHER && p->is_python)
		proc_set_role(m, idx, role, FS_METHOD_NONE,
			      role == FS_ROLE_FORKSERVER ? reason_told_forkserver
							 : reason_told_tracker);
	if (p->role != role) /* the kernel saw something else run */
		return 0;
	p->py.kind = kind;
	return 1;
}

static int fact_ready(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;

	(void)f;
	if (!py->ready_ns)
		py->ready_ns = t;
	return 1;
}

static int fact_end(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;

	(void)f;
	if (!py->end_ns)
		py->end_ns = t;
	return 1;
}

static int fact_phase(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;
	const char *phase = fact_str(f, "phase");

	if (!phase || strcmp(phase, "main_imported") != 0)
		return 0;
	if (!py->main_imported_ns)
		py->main_imported_ns = t;
	return 1;
}

/* One task of a worker: placed on the trace's clock, kept, counted. 0, or -1 ENOMEM. */
static int py_task_add(struct fs_model *m, int idx, const struct fs_fact *f, struct fs_task *task,
		       int64_t start, int64_t end)
{
	struct fs_proc *p = &m->procs[idx];

	task->end_ns = py_place(m, p, f, end);
	task->start_ns = py_place(m, p, f, start);
	if (task->start_ns > task->end_ns)
		task->start_ns = task->end_ns;
	if (pystate_task_push(&m->py, task) != 0)
		return -1;
	p->py.tasks++;
	p->py.items += task->items;
	return 0;
}

static int fact_task(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_proc *p = &m->procs[idx];
	struct fs_task task = {p->serial, FS_TASK_NO_JOB, 0, 1, 0, 0};
	int64_t start, end, items = 1;

	(void)t;
	if (p->py.kind != FS_PY_KIND_POOL_WORKER && p->py.kind != FS_PY_KIND_EXECUTOR_WORKER)
		return 0;
	if (!fact_int(f, "index", 0, INT64_MAX - 1, &task.index) ||
	    !fact_int(f, "start_ns", 1, INT64_MAX - 1, &start) ||
	    !fact_int(f, "end_ns", 1, INT64_MAX - 1, &end) ||
	    (fact_field(f, "items") && !fact_int(f, "items", 0, UINT32_MAX, &items)) ||
	    (fact_field(f, "job") && !fact_int(f, "job", 0, INT64_MAX - 1, &task.job)))
		return 0;
	task.items = (uint64_t)items;
	return py_task_add(m, idx, f, &task, start, end) != 0 ? -1 : 1;
}

/* A decimal number of at most 18 digits at *s (no sign), then the separator sep or the
 * end (sep 0): true with *out and *s past it. */
static bool py_decimal(const char **s, char sep, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 18) {
		v = v * 10 + (**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || (**s != sep && !(sep == ';' && **s == '\0')))
		return false;
	if (**s)
		(*s)++;
	*out = v;
	return true;
}

int pyfacts_tasks_parse(const char *t, int64_t base, int64_t (*out)[4], int max)
{
	int n = 0;

	while (*t) {
		int64_t *e;

		if (n == max)
			return -1;
		e = out[n];
		if (!py_decimal(&t, ',', &e[0]) || !py_decimal(&t, ',', &e[1]) ||
		    !py_decimal(&t, ',', &e[2]) || !py_decimal(&t, ';', &e[3]) ||
		    e[1] > UINT32_MAX || e[2] > INT64_MAX - 1 - base ||
		    e[3] > INT64_MAX - 1 - base - e[2])
			return -1;
		e[2] += base; /* start */
		e[3] += e[2]; /* end */
		n++;
	}
	return n;
}

/* A batch of tasks of one worker in one fact: {"fact":"tasks","base_ns":B,"t":"...",
 * "job":J}, a quarter of the bytes of as many "task" facts and one fact to decode. */
static int fact_tasks(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	int64_t entries[FS_FACT_MAX_STRING / 8][4], base, job = FS_TASK_NO_JOB;
	const char *list = fact_str(f, "t");
	int n;

	(void)t;
	if (m->procs[idx].py.kind != FS_PY_KIND_POOL_WORKER &&
	    m->procs[idx].py.kind != FS_PY_KIND_EXECUTOR_WORKER)
		return 0;
	if (!list || !fact_int(f, "base_ns", 1, INT64_MAX - 1, &base) ||
	    (fact_field(f, "job") && !fact_int(f, "job", 0, INT64_MAX - 1, &job)))
		return 0;
	n = pyfacts_tasks_parse(list, base, entries, (int)(sizeof(entries) / sizeof(entries[0])));
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		struct fs_task task = {m->procs[idx].serial,	job, entries[i][0],
				       (uint64_t)entries[i][1], 0,   0};

		if (py_task_add(m, idx, f, &task, entries[i][2], entries[i][3]) != 0)
			return -1;
	}
	return 1;
}

/* The pool a fact of its creator names: its index, -2 none, -1 ENOMEM. */
static int fact_pool_of(struct fs_model *m, int idx, const struct fs_fact *f)
{
	int64_t number;

	if (!fact_int(f, "pool", 1, PY_POOL_NUMBER_MAX, &number))
		return -2;
	return pystate_pool_get(m, idx, (uint32_t)number);
}

static int fact_pool(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	int64_t processes = 0, max = 0;
	struct fs_pool *pl;
	int i;

	if ((fact_field(f, "processes") &&
	     !fact_int(f, "processes", 0, PY_COUNT_MAX, &processes)) ||
	    (fact_field(f, "maxtasksperchild") &&
	     !fact_int(f, "maxtasksperchild", 0, PY_COUNT_MAX, &max)))
		return 0;
	i = fact_pool_of(m, idx, f);
	if (i < 0)
		return i == -1 ? -1 : 0;
	pl = &m->py.pools[i];
	if (pl->executor || pl->told)
		return 0;
	pl->told = true;
	pl->processes = (uint32_t)processes;
	pl->maxtasksperchild = (uint32_t)max;
	pl->method = names_method_parse(fact_str(f, "method"));
	pl->created_ns = t;
	return 1;
}

/* pool_close, pool_terminate, pool_join, executor_shutdown: the first of each. */
static int fact_pool_action(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_pool *pl;
	uint64_t *at;
	int i = fact_pool_of(m, idx, f);

	if (i < 0)
		return i == -1 ? -1 : 0;
	pl = &m->py.pools[i];
	if (strcmp(f->kind, "executor_shutdown") == 0) {
		if (pl->told)
			return 0; /* a Pool */
		pl->executor = true;
		at = &pl->shutdown_ns;
	} else if (pl->executor) {
		return 0;
	} else {
		at = strcmp(f->kind, "pool_close") == 0	      ? &pl->close_ns
		     : strcmp(f->kind, "pool_terminate") == 0 ? &pl->terminate_ns
							      : &pl->join_ns;
	}
	if (!*at)
		*at = t;
	return 1;
}

/* terminate, kill, join of a child: only of a process the writer started. */
static int fact_child(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	const char *during = fact_str(f, "during");
	struct fs_proc *c;
	int64_t pid;
	int ci;

	if (!fact_int(f, "child_pid", 1, UINT32_MAX, &pid))
		return 0;
	ci = model_find(m, (uint32_t)pid);
	if (ci < 0 || ci == idx || m->procs[ci].starter_idx != idx)
		return 0;
	c = &m->procs[ci];
	if (strcmp(f->kind, "join") == 0) {
		if (!c->py.join_ns)
			c->py.join_ns = t;
	} else if (strcmp(f->kind, "kill") == 0) {
		if (!c->py.kill_ns)
			c->py.kill_ns = t;
	} else if (!c->py.terminate_ns) {
		c->py.terminate_ns = t;
		c->py.terminate_at_exit = during && strcmp(during, "exit_cleanup") == 0;
	}
	if (c->exited) /* told after the kernel's exit: the stop is known now */
		pyanalysis_stop(m, ci);
	return 1;
}

static int fact_exit_cleanup(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;

	(void)f;
	if (!py->exit_cleanup_ns)
		py->exit_cleanup_ns = t;
	return 1;
}

static int fact_fork(struct fs_model *m, int idx, const struct fs_fact *f, uint64_t t)
{
	struct fs_py *py = &m->procs[idx].py;
	int64_t threads;

	(void)t;
	if (!fact_int(f, "threads", 2, PY_COUNT_MAX, &threads))
		return 0;
	py->threaded_forks++;
	if ((uint32_t)threads > py->fork_threads_max)
		py->fork_threads_max = (uint32_t)threads;
	return 1;
}

/* The hook's kinds of fact (docs/channel.md). */
static const struct {
	const char *kind;
	fact_fn fn;
} py_facts[] = {
    {"hello", fact_hello},
    {"process", fact_process},
    {"helper", fact_helper},
    {"ready", fact_ready},
    {"end", fact_end},
    {"phase", fact_phase},
    {"task", fact_task},
    {"tasks", fact_tasks},
    {"pool", fact_pool},
    {"pool_close", fact_pool_action},
    {"pool_terminate", fact_pool_action},
    {"pool_join", fact_pool_action},
    {"executor_shutdown", fact_pool_action},
    {"terminate", fact_child},
    {"kill", fact_child},
    {"join", fact_child},
    {"exit_cleanup", fact_exit_cleanup},
    {"fork", fact_fork},
};

int pyfacts_apply(struct fs_model *m, int idx, const struct fs_fact *f)
{
	struct fs_proc *p = &m->procs[idx];
	int64_t mono = 0;
	uint64_t t;
	int rc;

	for (size_t i = 0; i < sizeof(py_facts) / sizeof(py_facts[0]); i++) {
		if (strcmp(f->kind, py_facts[i].kind) != 0)
			continue;
		if (!fact_int(f, "mono_ns", 1, INT64_MAX - 1, &mono))
			mono = 0;
		t = py_place(m, p, f, mono);
		rc = py_facts[i].fn(m, idx, f, t);
		if (rc < 0)
			return -1;
		p = &m->procs[idx];
		if (rc == 0) {
			m->py.stats.ignored++;
			return 0;
		}
		m->py.stats.applied++;
		p->py.hook = FS_PY_HOOK_SPOKE;
		p->py.last_ns = f->t_ns;
		return 0;
	}
	m->py.stats.foreign++;
	return 0;
}
