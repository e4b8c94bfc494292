/* Analyses over Python's facts (model/python.h): how a killed process was stopped (its
 * starter's terminate() or kill(), a Pool.terminate(), multiprocessing's exit cleanup),
 * which Python processes had no hook, and the "why" line of a process. The kernel's
 * evidence comes first: a fact only names the cause of a signal the kernel saw its
 * starter send, after the fact. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

static const char why_no_hook[] =
    "no hook: a Python process that never told its facts although the run had the hook on "
    "(python -I and -S ignore it); the kernel says: ";

/* Whether a fact's time t came before the kernel's kill at kill_ns. */
static bool py_before(uint64_t t, uint64_t kill_ns)
{
	return t && t <= kill_ns;
}

void pyanalysis_stop(struct fs_model *m, int idx)
{
	struct fs_proc *p = &m->procs[idx];
	const struct fs_proc *s;
	const struct fs_pool *pool;
	uint64_t at = p->kill_sent_ns;
	bool worker = p->py.kind == FS_PY_KIND_POOL_WORKER;
	int pl;

	p->py.stop = FS_PY_STOP_NONE;
	if (!p->exited || p->exit_lost || !p->signal || !p->killed_by || p->starter_idx < 0)
		return;
	s = &m->procs[p->starter_idx];
	if (s->pid != p->killed_by || at < s->start_ns)
		return; /* not sent by its starter: no fact of the starter's explains it */
	pl = worker ? pyfacts_pool_index(m, p) : -1;
	pool = pl >= 0 ? &m->py.pools[pl] : NULL;
	if (p->signal == SIGKILL && py_before(p->py.kill_ns, at)) {
		p->py.stop = FS_PY_STOP_KILL;
	} else if (p->signal != SIGTERM) {
		return;
	} else if (py_before(p->py.terminate_ns, at)) {
		if (p->py.terminate_at_exit)
			p->py.stop = worker ? FS_PY_STOP_POOL_EXIT : FS_PY_STOP_DAEMON_EXIT;
		else if (pool && py_before(pool->terminate_ns, p->py.terminate_ns))
			p->py.stop = FS_PY_STOP_POOL_TERMINATE;
		else
			p->py.stop = FS_PY_STOP_TERMINATE;
	} else if (pool && py_before(pool->terminate_ns, at)) {
		p->py.stop = FS_PY_STOP_POOL_TERMINATE;
	} else if (p->py.daemon_told && p->py.daemon && py_before(s->py.exit_cleanup_ns, at)) {
		/* the exit cleanup terminates daemons through their Popen: no terminate fact */
		p->py.stop = FS_PY_STOP_DAEMON_EXIT;
	}
}

/* Whether the run had the hook on: said so, or some process said hello. */
static bool py_run_hooked(const struct fs_model *m)
{
	return m->py.hook_said ? m->py.hook_on : m->py.stats.hellos > 0;
}

/* Whether the interpreter of p ran past its start-up (so its hook had its chance): it
 * exited by itself, or wrote output, or started a process after its exec. One killed
 * early, or still starting, may just not have got there. */
static bool py_ran(const struct fs_model *m, const struct fs_proc *p)
{
	if (p->exited && !p->exit_lost && !p->signal)
		return true;
	return p->output_lines > 0 ||
	       (p->last_child >= 0 && m->procs[p->last_child].start_ns > p->exec_ns);
}

/* The hook of process i, from its own facts, its parent's image, or its silence. */
static void py_hook_of(struct fs_model *m, size_t i, bool hooked)
{
	struct fs_proc *p = &m->procs[i];

	/* a fork child that never exec'd runs its parent's image, hook and all */
	if (p->py.hook != FS_PY_HOOK_SPOKE && !p->exec_seen && !p->unseen_start && p->parent >= 0 &&
	    (size_t)p->parent < i) {
		const struct fs_proc *pp = &m->procs[p->parent];

		if (pp->py.hook == FS_PY_HOOK_SPOKE || pp->py.hook == FS_PY_HOOK_INHERITED) {
			p->py.hook = FS_PY_HOOK_INHERITED;
			if (!p->py.version[0])
				memcpy(p->py.version, pp->py.version, sizeof(p->py.version));
		} else if (pp->py.hook == FS_PY_HOOK_NONE) {
			p->py.hook = FS_PY_HOOK_NONE;
		}
	}
	/* an interpreter that started and ended without a word: its hook did not load */
	if (hooked && p->py.hook == FS_PY_HOOK_UNKNOWN && p->is_python &&
	    (p->exec_seen || (int)i == m->root_idx) && (p->exited || p->unknown_after_ns) &&
	    py_ran(m, p))
		p->py.hook = FS_PY_HOOK_NONE;
	if (!hooked && p->py.hook == FS_PY_HOOK_NONE)
		p->py.hook = FS_PY_HOOK_UNKNOWN;
}

void pyanalysis_finish(struct fs_model *m)
{
	bool hooked = py_run_hooked(m);

	/* creation order: a parent's hook is settled before its children's */
	for (size_t i = 0; i < m->nprocs; i++) {
		py_hook_of(m, i, hooked);
		pyanalysis_stop(m, (int)i);
	}
}

bool model_py_why(const struct fs_model *m, const struct fs_proc *p, char *buf, size_t len)
{
	struct names_py np;

	if (!len)
		return false;
	buf[0] = '\0';
	if (!m || !p)
		return false;
	if (p->py.kind == FS_PY_KIND_NONE) {
		snprintf(buf, len, "%s%s", p->py.hook == FS_PY_HOOK_NONE ? why_no_hook : "",
			 p->role_reason ? p->role_reason : "");
		return false;
	}
	np.kind = p->py.kind;
	np.name = p->py.name;
	np.pool = p->py.pool;
	np.daemon = p->py.daemon_told && p->py.daemon;
	names_py_account(buf, len, &np);
	return true;
}
