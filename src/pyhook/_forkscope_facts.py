"""What a Python process of the workload tells forkscope about itself (docs/channel.md).

Installed by sitecustomize when FORKSCOPE_PYHOOK=1. Nothing is imported ahead of the
program: the patches wait for the program's own import of a multiprocessing module (a
finder on sys.meta_path), so a program that never uses multiprocessing only pays for
one hello. No thread is started, no output is written, no exception escapes.

Every fact carries mono_ns, time.monotonic_ns() when it happened: the kernel's clock
(CLOCK_MONOTONIC), so forkscope can place it although facts are sent in batches.
"""
import os
import sys
import time

import _forkscope_channel as channel

_pools = {}  # "count": pools and executors numbered so far in this process
_in_exit = False  # in multiprocessing's exit cleanup (daemons are terminated there)


_now = time.monotonic_ns  # the builtin itself: a worker calls it three times a task


def _say(_fact, **fields):
    fields["mono_ns"] = _now()
    channel.say(_fact, **fields)


def _qualname(f):
    if f is None:
        return ""
    mod = getattr(f, "__module__", None) or ""
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or type(f).__name__
    return mod + "." + name if mod else name


def _hello():
    gil = getattr(sys, "_is_gil_enabled", None)
    _say(
        "hello",
        py_version="%d.%d.%d" % sys.version_info[:3],
        implementation=sys.implementation.name,
        gil=bool(gil()) if gil else True,
        executable=sys.executable or "",
    )


def _before_fork():
    threading = sys.modules.get("threading")
    n = threading.active_count() if threading else 1
    if n > 1:
        names = ",".join(t.name for t in threading.enumerate())
        _say("fork", threads=n, thread_names=names)
    channel.flush()


# -- the kind of a multiprocessing child, from its target -------------------------


def _kind_of(target):
    q = _qualname(getattr(target, "__func__", target))
    if q in ("multiprocessing.pool.worker",):
        return "pool_worker"
    if q == "concurrent.futures.process._process_worker":
        return "executor_worker"
    if q.startswith("multiprocessing.managers.") and q.endswith("._run_server"):
        return "manager"
    return "process"


def _default_method():
    context = sys.modules.get("multiprocessing.context")
    try:
        return context._default_context.get_start_method(allow_none=True) or ""
    except Exception:
        return ""


def _pool_number(queue):
    """The number of the pool or executor whose task queue this is: kept on the queue
    itself (an id() is reused once a pool is gone: two executors in a row would share
    it)."""
    n = getattr(queue, "_forkscope_pool", 0)
    if not n:
        _pools["count"] = n = _pools.get("count", 0) + 1
        try:
            queue._forkscope_pool = n
        except Exception:
            pass
    return n


# -- tasks: proxies for a worker's queues ------------------------------------------


class _Tasks:
    """Wraps a worker's task queue (get) and result queue (put) to time each task.

    A task costs a tuple; the tasks are sent as the worker hands in a result, at most
    once a millisecond (a burst of tiny tasks shares a write) or at once when no task is
    waiting (before the result: the parent may end the pool as soon as it has it, a
    with block's terminate()), and when the worker ends (docs/channel.md)."""

    def __init__(self, inq, outq, items_of, id_of):
        self.inq, self.outq = inq, outq
        self.items_of, self.id_of = items_of, id_of
        self.current = None
        self.poller = None  # a poll object on the task queue's pipe, False: none

    def get(self, *a, **k):
        if _done and (_now() - _done[0][4] >= 1000000 or self._idle()):
            _send_tasks()  # put() sent them when no task waited: rarely left for here
        task = self.inq.get(*a, **k)
        if task is not None:
            self.current = (self.id_of(task), self.items_of(task), _now())
        return task

    def _idle(self):
        """No task waiting: one poll() system call (the queue's own empty() builds a
        selector each time, five times the cost), only while tasks are unsent."""
        if self.poller is None:
            try:
                import select

                self.poller = select.poll()
                self.poller.register(self.inq._reader.fileno(), select.POLLIN)
            except Exception:
                self.poller = False
        if not self.poller:
            return False  # an unknown queue: batches by time alone
        try:
            return not self.poller.poll(0)
        except Exception:
            return True

    def put(self, obj, *a, **k):
        if self.current is not None:
            (job, index), items, start = self.current
            self.current = None
            end = _now()
            _done.append((job, index, items, start, end))
            # sent before the result when no task waits: the parent may end the pool as
            # soon as it has this result (a with block's terminate()), and then the
            # worker never asks for another task
            if len(_done) >= 128 or end - _done[0][4] >= 1000000 or self._idle():
                _send_tasks()
        return self.outq.put(obj, *a, **k)


_done = []  # tasks ended and not sent: (job, index, items, start_ns, end_ns)


# A batch of one worker's tasks of one job in one "tasks" fact (docs/channel.md): entries
# "index,items,start,duration" with start an offset from base_ns, at most _TASKS_BYTES of
# them (the model takes a string of up to 512 bytes).
_TASKS = '{"fact":"tasks","base_ns":%d,"t":"%s"}\n'
_JOB_TASKS = '{"fact":"tasks","base_ns":%d,"t":"%s","job":%d}\n'
_TASKS_BYTES = 460


def _send_tasks():
    # encoded here, not by channel.say, and cut into records by send_lines: a worker
    # may run many thousand tasks a second
    if not _done:
        channel.flush()
        return
    lines = []
    job = base = None
    parts = []
    size = 0
    for j, index, items, start, end in _done:
        if parts and (j != job or start < base or size > _TASKS_BYTES):
            lines.append(_TASKS % (base, ";".join(parts)) if job is None else
                         _JOB_TASKS % (base, ";".join(parts), job))
            parts = []
        if not parts:
            job, base, size = j, start, 0
        entry = "%d,%d,%d,%d" % (index, items, start - base, max(0, end - start))
        parts.append(entry)
        size += len(entry) + 1
    lines.append(_TASKS % (base, ";".join(parts)) if job is None else
                 _JOB_TASKS % (base, ";".join(parts), job))
    del _done[:]
    channel.send_lines(lines)


class _Proxy:
    def __init__(self, real, tasks, method):
        self._real, self._tasks, self._method = real, tasks, method

    def __getattr__(self, name):
        if name == self._method:
            return getattr(self._tasks, name)
        return getattr(self._real, name)


_chunked = ()  # multiprocessing.pool's mapstar and starmapstar, once it is imported


def _pool_items(task):
    func, args = task[2], task[3]
    if func in _chunked and args and len(args[0]) == 2:
        return len(args[0][1])
    return 1


def _executor_items(call_item):
    fn = call_item.fn
    if getattr(getattr(fn, "func", None), "__name__", "") == "_process_chunk" and call_item.args:
        return len(call_item.args[0])
    return 1


def _wrap_worker_queues(proc, kind):
    args = list(proc._args)
    if len(args) < 2:
        return
    if kind == "pool_worker":
        tasks = _Tasks(args[0], args[1], _pool_items, lambda t: (t[0], t[1]))
    else:
        tasks = _Tasks(args[0], args[1], _executor_items, lambda c: (None, c.work_id))
    args[0] = _Proxy(args[0], tasks, "get")
    args[1] = _Proxy(args[1], tasks, "put")
    proc._args = tuple(args)


# -- the patches, applied when the program imports each module ----------------------


def _patch_process(mod):
    base = mod.BaseProcess
    real = {name: getattr(base, name) for name in ("_bootstrap", "start", "terminate", "kill", "join")}

    def _bootstrap(self, *a, **k):
        kind = _kind_of(self._target)
        fields = {"name": self.name, "daemon": bool(self.daemon),
                  "target": _qualname(self._target) or _qualname(type(self).run),
                  "kind": kind, "method": self._start_method or _default_method()}
        if getattr(self, "_forkscope_pool", 0):
            fields["pool"] = self._forkscope_pool
        _say("process", **fields)
        if kind in ("pool_worker", "executor_worker"):
            try:
                _wrap_worker_queues(self, kind)
            except Exception:
                pass
        _say("ready")
        channel.flush()  # the daemon flag is known before anyone can kill it
        try:
            code = real["_bootstrap"](self, *a, **k)
        finally:
            _send_tasks()
            _say("end")
            channel.flush()
        return code

    def start(self):
        kind = _kind_of(self._target)
        if kind in ("pool_worker", "executor_worker") and self._args:
            self._forkscope_pool = _pool_number(self._args[0])
        return real["start"](self)

    def _action(real, name):
        def act(self, *a, **k):
            fields = {"child_pid": self.pid or 0, "name": self.name}
            if _in_exit:
                fields["during"] = "exit_cleanup"
            _say(name, **fields)
            if name != "join":  # a join may poll in a loop: it waits for a batch
                channel.flush()  # before the signal
            return real(self, *a, **k)
        return act

    base._bootstrap = _bootstrap
    base.start = start
    for name in ("terminate", "kill", "join"):
        setattr(base, name, _action(real[name], name))


def _patch_pool(mod):
    global _chunked
    _chunked = (mod.mapstar, mod.starmapstar)
    pool = mod.Pool
    init = pool.__init__

    def __init__(self, *a, **k):
        init(self, *a, **k)
        _say("pool", pool=_pool_number(self._inqueue), processes=self._processes,
             maxtasksperchild=self._maxtasksperchild or 0,
             method=getattr(self._ctx, "_name", "") or "")

    def _action(real, name):
        def act(self, *a, **k):
            inq = getattr(self, "_inqueue", None)
            _say(name, pool=_pool_number(inq) if inq is not None else 0)
            channel.flush()
            return real(self, *a, **k)
        return act

    pool.__init__ = __init__
    for name in ("close", "terminate", "join"):
        setattr(pool, name, _action(getattr(pool, name), "pool_" + name))


def _patch_executor(mod):
    ex = mod.ProcessPoolExecutor
    shutdown = ex.shutdown

    def _shutdown(self, *a, **k):
        q = getattr(self, "_call_queue", None)
        _say("executor_shutdown", pool=_pool_number(q) if q is not None else 0)
        channel.flush()
        return shutdown(self, *a, **k)

    ex.shutdown = _shutdown


def _patch_spawn(mod):
    prepare = mod.prepare

    def _prepare(*a, **k):
        r = prepare(*a, **k)
        _say("phase", phase="main_imported")
        return r

    mod.prepare = _prepare


def _patch_helper(kind):
    def patch(mod):
        main = mod.main

        def _main(*a, **k):
            _say("helper", kind=kind)
            channel.flush()
            return main(*a, **k)

        mod.main = _main
    return patch


def _patch_util(mod):
    import atexit

    def _exit_cleanup():
        # runs just before multiprocessing's own exit function (atexit is LIFO)
        global _in_exit
        _in_exit = True
        _say("exit_cleanup")
        channel.flush()

    atexit.register(_exit_cleanup)


_PATCHES = {
    "multiprocessing.process": _patch_process,
    "multiprocessing.pool": _patch_pool,
    "multiprocessing.spawn": _patch_spawn,
    "multiprocessing.util": _patch_util,
    "multiprocessing.forkserver": _patch_helper("forkserver"),
    "multiprocessing.resource_tracker": _patch_helper("resource_tracker"),
    "concurrent.futures.process": _patch_executor,
}


class _Finder:
    """Lets the real finders find a module, then patches it once it has run."""

    def find_spec(self, name, path=None, target=None):
        if name not in _PATCHES:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader, patch = spec.loader, _PATCHES[name]

        class _Loader:
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                try:
                    patch(module)
                except Exception:
                    pass

            def __getattr__(self, attr):
                return getattr(loader, attr)

        spec.loader = _Loader()
        return spec


def install():
    channel.install()
    os.register_at_fork(before=_before_fork)
    _hello()
    # at once: a Python process that never spoke is marked "no hook" by forkscope, so
    # even one killed before its first batch must have said hello (one write per start)
    channel.flush()
    for name, patch in _PATCHES.items():  # imported before us (rare): patch now
        if name in sys.modules:
            try:
                patch(sys.modules[name])
            except Exception:
                pass
    sys.meta_path.insert(0, _Finder())
