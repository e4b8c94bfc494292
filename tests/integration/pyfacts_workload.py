"""What Python itself says about its children, for test_pylive.py: run under forkscope as

    pyfacts_workload.py METHOD OUT.json

it starts, under METHOD, a named Process, a daemon, the study note's
Pool(processes=2, maxtasksperchild=3).map(f, range(10)), two ProcessPoolExecutors in a
row, and a `python3 -I` child (which ignores PYTHONPATH: no hook), and writes what
multiprocessing reported of each (name, pid, daemon flag, kind, items run) to OUT.json.
"""
import concurrent.futures
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time


def me(kind):
    p = mp.current_process()
    return {"pid": os.getpid(), "name": p.name, "daemon": bool(p.daemon), "kind": kind}


def child(q, kind):
    q.put(me(kind))


def daemon_child(q):
    q.put(me("process"))
    time.sleep(0.2)


def item(x):
    return me("pool_worker")


def job(x):
    return me("executor_worker")


def main():
    method, out = sys.argv[1], sys.argv[2]
    ctx = mp.get_context(method)
    q = ctx.Queue()
    told = []
    bob = ctx.Process(target=child, args=(q, "process"), name="Bob-the-child")
    d = ctx.Process(target=daemon_child, args=(q,), name="the-daemon", daemon=True)
    bob.start()
    d.start()
    told += [q.get(timeout=30), q.get(timeout=30)]
    bob.join()
    d.join()

    with ctx.Pool(processes=2, maxtasksperchild=3) as pool:
        items = pool.map(item, range(10))
        # the worker that ran its 3 tasks is replaced by the pool's worker handler, which
        # looks every 0.1 s: under spawn the map is over long before, and leaving the
        # with block (terminate) would stop the pool first
        time.sleep(1.0)
    told += items

    for _ in range(2):  # two executors in a row: no worker replaces another
        with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as ex:
            told += list(ex.map(job, range(4)))

    iso = subprocess.run([sys.executable, "-I", "-c", "import os; print(os.getpid())"],
                         capture_output=True, text=True, check=True)
    report = {"py_version": platform.python_version(), "main": os.getpid(),
              "isolated": int(iso.stdout), "told": told}
    with open(out, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
