"""A workload for forkscope's integration tests: two CPU-bound threads of one process
(they share the GIL), then two CPU-bound processes. It prints, as JSON on its last line,
each thread's native ID and the CPU time it measured itself (time.thread_time()), and
each process's PID and CPU time (time.process_time()), with the phases' wall times."""
import json
import multiprocessing
import os
import threading
import time

WORK = 10_000_000


def spin(out, key):
    n = 0
    for _ in range(WORK):
        n += 1
    out[key] = time.thread_time()


def thread_phase():
    measured = {}
    threads = [threading.Thread(target=spin, args=(measured, i)) for i in range(2)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    return {"wall": wall, "threads": [{"tid": t.native_id, "cpu": measured[i]}
                                      for i, t in enumerate(threads)]}


def proc_spin(queue):
    n = 0
    for _ in range(WORK):
        n += 1
    queue.put((os.getpid(), time.process_time()))


def process_phase():
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=proc_spin, args=(queue,)) for _ in range(2)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return {"wall": time.monotonic() - t0, "procs": [{"pid": pid, "cpu": cpu}
                                                     for pid, cpu in results]}


if __name__ == "__main__":
    print(json.dumps({"threads": thread_phase(), "processes": process_phase()}), flush=True)
