/* The channel's facts as lines for people (output/fact_text.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "model/python.h"
#include "output/fact_text.h"

#define FT_STRING_SHOWN 160 /* a string value is cut (with "...") after about this much */

/* A line being built: buf[0..pos) of len bytes. */
struct ft_line {
	char *buf;
	size_t len, pos;
};

static void ft_add(struct ft_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append to the line, cut at its end. */
static void ft_add(struct ft_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->pos + 1 >= l->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->pos, l->len - l->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->pos = l->pos + (size_t)n < l->len ? l->pos + (size_t)n : l->len - 1;
}

static const struct fs_fact_field *ft_field(const struct fs_fact *ft, const char *key)
{
	for (size_t k = 0; k < ft->nfields && k < FS_FACT_MAX_FIELDS; k++)
		if (strcmp(ft->fields[k].key, key) == 0)
			return &ft->fields[k];
	return NULL;
}

/* The string field key escaped into tmp, or NULL when there is none. */
static const char *ft_str(const struct fs_fact *ft, const char *key, char *tmp, size_t len)
{
	const struct fs_fact_field *fl = ft_field(ft, key);

	if (!fl || fl->type != FS_FACT_STRING || !fl->s)
		return NULL;
	text_escape(tmp, len, fl->s, strlen(fl->s));
	return tmp;
}

static bool ft_int(const struct fs_fact *ft, const char *key, int64_t *out)
{
	const struct fs_fact_field *fl = ft_field(ft, key);

	if (!fl || fl->type != FS_FACT_INT)
		return false;
	*out = fl->i;
	return true;
}

/* A bool field as "yes"/"no", or NULL. */
static const char *ft_yes(const struct fs_fact *ft, const char *key)
{
	const struct fs_fact_field *fl = ft_field(ft, key);

	if (!fl || fl->type != FS_FACT_BOOL)
		return NULL;
	return fl->i ? "yes" : "no";
}

/* Any fact, field by field: "fact KIND key=value ..." (strings quoted and escaped). */
static void ft_generic(struct ft_line *l, const struct fs_fact *ft)
{
	char tmp[4 * FS_FACT_MAX_STRING + 4];

	ft_add(l, "fact %s", ft->kind);
	for (size_t k = 0; k < ft->nfields && k < FS_FACT_MAX_FIELDS; k++) {
		const struct fs_fact_field *fl = &ft->fields[k];

		switch (fl->type) {
		case FS_FACT_STRING:
			text_escape(tmp, sizeof(tmp), fl->s ? fl->s : "",
				    fl->s ? strlen(fl->s) : 0);
			ft_add(l, " %s=\"%s\"", fl->key, tmp);
			break;
		case FS_FACT_INT:
			ft_add(l, " %s=%" PRId64, fl->key, fl->i);
			break;
		case FS_FACT_BOOL:
			ft_add(l, " %s=%s", fl->key, fl->i ? "true" : "false");
			break;
		default:
			ft_add(l, " %s=null", fl->key);
			break;
		}
	}
}

/* hello: the interpreter is ready, its hook loaded. */
static bool ft_hello(struct ft_line *l, const struct fs_fact *ft)
{
	char ver[64], impl[64], exe[4 * FT_STRING_SHOWN + 4];
	const char *gil = ft_yes(ft, "gil");

	if (!ft_str(ft, "py_version", ver, sizeof(ver)))
		return false;
	ft_add(l, "python: interpreter ready, %s %s",
	       ft_str(ft, "implementation", impl, sizeof(impl)) ? impl : "python", ver);
	if (gil && gil[0] == 'n')
		ft_add(l, ", free-threaded (no GIL)");
	if (ft_str(ft, "executable", exe, sizeof(exe)))
		ft_add(l, " (%s)", exe);
	return true;
}

/* process: what multiprocessing says the writer is, as it starts. */
static bool ft_process(struct ft_line *l, const struct fs_fact *ft)
{
	char kind[64], name[4 * FT_STRING_SHOWN + 4], target[4 * FT_STRING_SHOWN + 4];
	char method[32];
	const char *daemon = ft_yes(ft, "daemon"), *klong = NULL;
	enum fs_py_kind k = FS_PY_KIND_NONE;
	int64_t pool;

	if (ft_str(ft, "kind", kind, sizeof(kind))) {
		k = names_py_kind_parse(kind);
		klong = names_py_kind_long(k);
	}
	if (!ft_str(ft, "name", name, sizeof(name)) && !klong)
		return false;
	ft_add(l, "python: %s", klong ? klong : "process");
	if (ft_str(ft, "name", name, sizeof(name)))
		ft_add(l, " name=%s", name);
	if (daemon)
		ft_add(l, " daemon=%s", daemon);
	if (ft_str(ft, "target", target, sizeof(target)))
		ft_add(l, " target=%s", target);
	if (ft_int(ft, "pool", &pool) && pool > 0)
		ft_add(l, ", %s #%" PRId64, k == FS_PY_KIND_EXECUTOR_WORKER ? "executor" : "Pool",
		       pool);
	if (ft_str(ft, "method", method, sizeof(method)))
		ft_add(l, ", started by %s", method);
	return true;
}

/* task: one task of a Pool or executor worker, with its duration. */
static bool ft_task(struct ft_line *l, const struct fs_fact *ft, const struct fs_model *m)
{
	int64_t index, job, items, start, end;
	const struct fs_proc *p = NULL;
	const struct fs_pool *pool = NULL;
	char dur[32];
	int idx;

	if (!ft_int(ft, "index", &index) || !ft_int(ft, "start_ns", &start) ||
	    !ft_int(ft, "end_ns", &end) || end < start)
		return false;
	idx = m ? model_find_serial(m, ft->serial) : -1;
	p = idx >= 0 ? model_proc(m, (size_t)idx) : NULL;
	pool = p ? model_pool_of(m, p) : NULL;
	names_duration((uint64_t)(end - start), dur, sizeof(dur));
	if (ft_int(ft, "job", &job))
		ft_add(l, "task %" PRId64 " of job %" PRId64, index, job);
	else
		ft_add(l, "work item %" PRId64, index);
	if (pool)
		ft_add(l, " (%s #%u)", pool->executor ? "executor" : "Pool", pool->number);
	ft_add(l, " done in %s", dur);
	if (ft_int(ft, "items", &items))
		ft_add(l, " (%" PRId64 " item%s)", items, items == 1 ? "" : "s");
	return true;
}

/* tasks: a batch of one worker's tasks of one job, decoded as the model decodes it; one
 * task reads as a "task" fact does. */
static bool ft_tasks(struct ft_line *l, const struct fs_fact *ft, const struct fs_model *m)
{
	const struct fs_fact_field *t = ft_field(ft, "t");
	int64_t entries[FS_FACT_MAX_STRING / 8][4], base, job = 0;
	const struct fs_pool *pool = NULL;
	bool has_job = ft_int(ft, "job", &job);
	char dur[32];
	int n, idx;

	if (!t || t->type != FS_FACT_STRING || !t->s || !ft_int(ft, "base_ns", &base))
		return false;
	n = pyfacts_tasks_parse(t->s, base, entries, (int)(sizeof(entries) / sizeof(entries[0])));
	if (n <= 0)
		return false;
	idx = m ? model_find_serial(m, ft->serial) : -1;
	pool = idx >= 0 ? model_pool_of(m, model_proc(m, (size_t)idx)) : NULL;
	if (n > 1)
		ft_add(l, "%d tasks", n);
	else if (has_job)
		ft_add(l, "task %" PRId64, entries[0][0]);
	else
		ft_add(l, "work item %" PRId64, entries[0][0]);
	if (has_job)
		ft_add(l, " of job %" PRId64, job);
	if (pool)
		ft_add(l, " (%s #%u)", pool->executor ? "executor" : "Pool", pool->number);
	for (int i = 0; i < n; i++) {
		names_duration((uint64_t)(entries[i][3] - entries[i][2]), dur, sizeof(dur));
		if (n > 1)
			ft_add(l, "%s%" PRId64, i ? "; " : ": ", entries[i][0]);
		ft_add(l, " done in %s (%" PRId64 " item%s)", dur, entries[i][1],
		       entries[i][1] == 1 ? "" : "s");
	}
	return true;
}

/* pool: a Pool's creator tells its size and maxtasksperchild. */
static bool ft_pool(struct ft_line *l, const struct fs_fact *ft)
{
	int64_t pool, procs, max;
	char method[32];

	if (!ft_int(ft, "pool", &pool))
		return false;
	ft_add(l, "python: Pool #%" PRId64 " created", pool);
	if (ft_int(ft, "processes", &procs))
		ft_add(l, ", %" PRId64 " processes", procs);
	if (ft_int(ft, "maxtasksperchild", &max) && max > 0)
		ft_add(l, ", maxtasksperchild=%" PRId64, max);
	if (ft_str(ft, "method", method, sizeof(method)))
		ft_add(l, ", by %s", method);
	return true;
}

/* pool_close, pool_terminate, pool_join, executor_shutdown: the call, before it acts. */
static bool ft_pool_call(struct ft_line *l, const struct fs_fact *ft, const char *call)
{
	int64_t pool;

	if (!ft_int(ft, "pool", &pool))
		return false;
	ft_add(l, "python: %s #%" PRId64 " %s",
	       strcmp(call, "shutdown()") == 0 ? "ProcessPoolExecutor" : "Pool", pool, call);
	return true;
}

/* terminate, kill, join: the starter about to act on a child. */
static bool ft_child_call(struct ft_line *l, const struct fs_fact *ft, const char *call)
{
	char name[4 * FT_STRING_SHOWN + 4], during[64];
	int64_t child;

	if (!ft_int(ft, "child_pid", &child))
		return false;
	ft_add(l, "python: %s of %" PRId64, call, child);
	if (ft_str(ft, "name", name, sizeof(name)))
		ft_add(l, " (%s)", name);
	if (ft_str(ft, "during", during, sizeof(during)))
		ft_add(l, ", during %s",
		       strcmp(during, "exit_cleanup") == 0 ? "the exit cleanup" : during);
	return true;
}

/* The facts without fields of their own, and helper, phase, fork. */
static bool ft_simple(struct ft_line *l, const struct fs_fact *ft)
{
	char tmp[4 * FT_STRING_SHOWN + 4];
	int64_t threads;

	if (strcmp(ft->kind, "ready") == 0)
		ft_add(l, "python: ready, its target (or worker loop) starts");
	else if (strcmp(ft->kind, "end") == 0)
		ft_add(l, "python: its target returned");
	else if (strcmp(ft->kind, "exit_cleanup") == 0)
		ft_add(l, "python: exit cleanup begins (daemonic children are terminated there)");
	else if (strcmp(ft->kind, "helper") == 0 && ft_str(ft, "kind", tmp, sizeof(tmp)) &&
		 names_py_kind_long(names_py_kind_parse(tmp)))
		ft_add(l, "python: helper, the %s", names_py_kind_long(names_py_kind_parse(tmp)));
	else if (strcmp(ft->kind, "phase") == 0 && ft_str(ft, "phase", tmp, sizeof(tmp)))
		ft_add(l, "python: %s",
		       strcmp(tmp, "main_imported") == 0 ? "main module imported again" : tmp);
	else if (strcmp(ft->kind, "fork") == 0 && ft_int(ft, "threads", &threads)) {
		ft_add(l, "python: fork with %" PRId64 " threads alive", threads);
		if (ft_str(ft, "thread_names", tmp, sizeof(tmp)))
			ft_add(l, " (%s)", tmp);
	} else
		return false;
	return true;
}

/* A fact of Python's hook in words; false when it is none (or lacks what its words need). */
static bool ft_python(struct ft_line *l, const struct fs_fact *ft, const struct fs_model *m)
{
	static const struct {
		const char *kind, *call;
		bool child;
	} calls[] = {
	    {"pool_close", "close()", false},	{"pool_terminate", "terminate()", false},
	    {"pool_join", "join()", false},	{"executor_shutdown", "shutdown()", false},
	    {"terminate", "terminate()", true}, {"kill", "kill()", true},
	    {"join", "join()", true},
	};

	if (strcmp(ft->kind, "hello") == 0)
		return ft_hello(l, ft);
	if (strcmp(ft->kind, "process") == 0)
		return ft_process(l, ft);
	if (strcmp(ft->kind, "task") == 0)
		return ft_task(l, ft, m);
	if (strcmp(ft->kind, "tasks") == 0)
		return ft_tasks(l, ft, m);
	if (strcmp(ft->kind, "pool") == 0)
		return ft_pool(l, ft);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(ft->kind, calls[i].kind) == 0)
			return calls[i].child ? ft_child_call(l, ft, calls[i].call)
					      : ft_pool_call(l, ft, calls[i].call);
	return ft_simple(l, ft);
}

size_t fact_text(const struct fs_fact *ft, const struct fs_model *m, char *buf, size_t len)
{
	struct ft_line l = {buf, len, 0};

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!ft_python(&l, ft, m)) {
		l.pos = 0;
		buf[0] = '\0';
		ft_generic(&l, ft);
	}
	return l.pos;
}

size_t fact_text_rejected(enum fs_channel_reject why, char *buf, size_t len)
{
	int n;

	if (!len)
		return 0;
	n = snprintf(buf, len, "rejected: %s (%s)", names_channel_reject(why),
		     names_channel_reject_long(why));
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

size_t fact_text_record(const struct fs_model *m, const struct fs_channel_stats *before,
			const char *sep, char *buf, size_t len)
{
	const struct fs_channel_stats *st = model_channel_stats(m);
	size_t n = model_fact_count(m), pos = 0;
	uint64_t told = st->facts - before->facts;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (size_t i = told < n ? n - (size_t)told : 0; told && i < n && pos + 1 < len; i++) {
		if (pos) {
			int k = snprintf(buf + pos, len - pos, "%s", sep);

			pos = k > 0 && pos + (size_t)k < len ? pos + (size_t)k : len - 1;
		}
		pos += fact_text(model_fact(m, i), m, buf + pos, len - pos);
	}
	if (told)
		return pos;
	for (int r = 0; r < FS_CHANNEL_REJECT_COUNT; r++)
		if (st->rejected[r] != before->rejected[r])
			return fact_text_rejected((enum fs_channel_reject)r, buf, len);
	return 0;
}
