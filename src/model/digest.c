/* A digest of everything the model says about its processes: two models that print the
 * same in every view have the same digest. The live == replay test compares it after every
 * event (docs/testing.md). */
#include <string.h>

#include "model/model_internal.h"

#define DIGEST_SEED 0xcbf29ce484222325ull
#define DIGEST_PRIME 0x100000001b3ull

/* FNV-1a over len bytes. */
uint64_t digest_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * DIGEST_PRIME;
	return h;
}

uint64_t digest_u64(uint64_t h, uint64_t v)
{
	return digest_bytes(h, &v, sizeof(v));
}

/* A string and its end, so that "ab","c" and "a","bc" differ. */
static uint64_t digest_str(uint64_t h, const char *s)
{
	return s ? digest_bytes(h, s, strlen(s) + 1) : digest_u64(h, 0xff);
}

/* What Python told of one process. */
static uint64_t digest_py(uint64_t h, const struct fs_py *py)
{
	const uint64_t v[] = {
	    py->kind,
	    py->hook,
	    py->method,
	    py->daemon_told,
	    py->daemon,
	    py->recycled,
	    py->pool,
	    py->hello_ns,
	    py->main_imported_ns,
	    py->ready_ns,
	    py->end_ns,
	    py->tasks,
	    py->items,
	    py->exit_cleanup_ns,
	    py->threaded_forks,
	    py->fork_threads_max,
	    py->terminate_ns,
	    py->kill_ns,
	    py->join_ns,
	    py->terminate_at_exit,
	    py->stop,
	    py->last_ns,
	};

	h = digest_bytes(h, v, sizeof(v));
	h = digest_bytes(h, py->version, strnlen(py->version, sizeof(py->version)) + 1);
	h = digest_bytes(h, py->name, strnlen(py->name, sizeof(py->name)) + 1);
	return digest_bytes(h, py->target, strnlen(py->target, sizeof(py->target)) + 1);
}

/* Python's tasks (their running digest), pools, counts and settings. */
static uint64_t digest_pys(uint64_t h, const struct fs_model *m)
{
	const struct fs_py_state *ps = &m->py;
	const struct fs_py_stats *st = &ps->stats;
	const uint64_t v[] = {ps->clock_base,
			      ps->hook_said,
			      ps->hook_on,
			      ps->hash,
			      ps->tn,
			      ps->npools,
			      st->applied,
			      st->ignored,
			      st->foreign,
			      st->clock_fallbacks,
			      st->hellos,
			      st->tasks,
			      st->tasks_forgotten,
			      st->pools_dropped};

	h = digest_bytes(h, v, sizeof(v));
	for (size_t i = 0; i < ps->npools; i++) {
		const struct fs_pool *pl = &ps->pools[i];
		const uint64_t w[] = {
		    pl->creator, pl->creator_pid, pl->number,	 pl->executor,
		    pl->told,	 pl->method,	  pl->processes, pl->maxtasksperchild,
		    pl->workers, pl->created_ns,  pl->close_ns,	 pl->terminate_ns,
		    pl->join_ns, pl->shutdown_ns};

		h = digest_bytes(h, w, sizeof(w));
	}
	return h;
}

/* The fields of one process that any output shows. */
static uint64_t digest_proc(uint64_t h, const struct fs_proc *p)
{
	const uint64_t v[] = {
	    p->pid,
	    p->ppid,
	    p->parent_tid,
	    p->parent_threads,
	    p->starter,
	    p->role,
	    p->start_method,
	    p->argv_inherited,
	    p->is_python,
	    p->unseen_start,
	    p->exec_seen,
	    p->exited,
	    (uint64_t)(int64_t)p->exit_code,
	    (uint64_t)p->signal,
	    p->core_dumped,
	    p->killed_by,
	    p->daemon_kill,
	    p->reparented,
	    p->replaces,
	    (uint64_t)p->slot,
	    p->start_ns,
	    p->exec_ns,
	    p->end_ns,
	    p->unknown_after_ns,
	    (uint64_t)(int64_t)p->parent,
	    p->generation,
	    p->exit_lost,
	    p->argv_truncated,
	    p->kill_sent_ns,
	    p->replaced_by,
	    (uint64_t)p->ppid_history_len,
	    p->clone_flags,
	};

	h = digest_bytes(h, v, sizeof(v));
	h = digest_u64(h, p->cpu_ns);
	h = digest_u64(h, p->runs);
	h = digest_u64(h, p->nthreads);
	h = digest_u64(h, p->output_lines);
	h = digest_u64(h, p->facts);
	h = digest_py(h, &p->py);
	for (int i = 0; i < p->ppid_history_len && i < FS_PPID_HISTORY; i++)
		h = digest_u64(h, p->ppid_history[i]);
	h = digest_bytes(h, p->comm, strnlen(p->comm, sizeof(p->comm)));
	h = digest_str(h, p->filename);
	h = digest_str(h, p->role_reason);
	for (int i = 0; p->argv && i < p->argc; i++)
		h = digest_str(h, p->argv[i]);
	return h;
}

/* The workload's lines and the channel's facts: their running digests (every change, in
 * order) and what they count. */
static uint64_t digest_output(uint64_t h, const struct fs_model *m)
{
	const struct fs_output_stats *o = &m->out.stats;
	const struct fs_channel_stats *c = &m->facts.stats;
	const uint64_t v[] = {
	    m->out.hash,	m->out.n,     m->out.kept_bytes, o->writes,
	    o->bytes,		o->cut_bytes, o->dropped_bytes,	 o->lines,
	    o->lines_forgotten, o->lost,      m->facts.hash,	 m->facts.n,
	    c->records,		c->accepted,  c->facts,		 c->facts_forgotten};

	h = digest_bytes(h, v, sizeof(v));
	return digest_bytes(h, c->rejected, sizeof(c->rejected));
}

uint64_t model_digest(const struct fs_model *m)
{
	const struct fs_model_stats *st = model_stats(m);
	uint64_t h = DIGEST_SEED;
	size_t n = model_count(m);

	h = digest_u64(h, n);
	for (size_t i = 0; i < n; i++)
		h = digest_proc(h, model_proc(m, i));
	for (size_t i = 0; i < model_thread_count(m); i++) {
		const struct fs_thread *t = model_thread(m, i);
		const uint64_t v[] = {t->tid,
				      t->creator_tid,
				      (uint64_t)(int64_t)t->proc,
				      (uint64_t)(int64_t)t->next,
				      t->start_ns,
				      t->end_ns,
				      t->cpu_ns,
				      t->runs,
				      t->exited};

		h = digest_bytes(h, v, sizeof(v));
	}
	if (st) {
		const uint64_t v[] = {st->forks, st->execs, st->exits,	      st->signals,
				      st->lost,	 st->live,  st->daemon_kills, st->recycled};

		h = digest_bytes(h, v, sizeof(v));
	}
	return m ? digest_pys(digest_output(h, m), m) : h;
}
