# summary: The GIL: CPU-bound threads take turns on one core, processes run in parallel
# look-for: press u (CPU view) and t (threads): one lane busy while main counts alone; its two threads share one PID and take turns (cores busy ~1, twice as long); the two processes are two new PIDs on two lanes at once (cores busy ~2)
# question threads_turns: Two threads count down 24 million each: how many cores will they keep busy together? 1 / 2
# question procs_parallel: Now two processes do the same work: how many cores will they keep busy together? 1 / 2
"""Working around the GIL with processes.

The same CPU-bound function runs three ways:
  1. once, alone                      -> the time one unit of work takes
  2. twice, in two threads            -> the threads share one interpreter lock (the GIL):
                                          only one runs Python code at a time, so it takes
                                          about twice as long
  3. twice, in two processes          -> each process has its own interpreter and GIL,
                                          so on a machine with 2+ cores both run at once

"CPU used" is the on-CPU time; "cores busy" = CPU used / wall time.
"""
import argparse
import multiprocessing
import os
import platform
import sys
import threading
import time

WORK = 24_000_000  # loop iterations for one unit of work (about half a second)


def say(who, message):
    print(f"[{who:<7} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def work():
    """One unit of work, --tempo N times more counting (N times longer, the same lesson)."""
    return int(WORK * float(os.environ.get("DEMO_TEMPO", "1")))


def count_down(n):
    """Pure Python CPU work: it holds the GIL the whole time."""
    while n > 0:
        n -= 1


def thread_work(name):
    say("thread", f"{name} (thread id {threading.get_native_id()}) starts counting")
    count_down(work())
    say("thread", f"{name} done, its own CPU time {time.thread_time():.2f} s")


def process_work(name, results):
    say("child", f"{name} starts counting in its own interpreter")
    cpu0 = time.process_time()
    count_down(work())
    cpu = time.process_time() - cpu0
    say("child", f"{name} done, its own CPU time {cpu:.2f} s")
    results.put(cpu)  # send the CPU time back to the parent


def gil_state():
    """Whether this interpreter has the GIL on (free-threaded builds can turn it off)."""
    if hasattr(sys, "_is_gil_enabled"):
        return "yes" if sys._is_gil_enabled() else "no (free-threaded: threads run in parallel)"
    return "yes"


def report(label, wall, cpu):
    say("main", f"{label:<13} wall {wall:5.2f} s, CPU used {cpu:5.2f} s, "
        f"cores busy {cpu / wall:4.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method for the processes (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: each unit of work counts N times longer (default 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}, cores: {os.cpu_count()}")
    say("main", f"Python {platform.python_version()} ({sys.executable}), GIL: {gil_state()}")

    # 1. one unit of work alone
    wall0, cpu0 = time.perf_counter(), time.process_time()
    count_down(work())
    report("alone:", time.perf_counter() - wall0, time.process_time() - cpu0)

    # 2. two threads: same PID, one GIL
    wall0, cpu0 = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=thread_work, args=(f"thread-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report("2 threads:", time.perf_counter() - wall0, time.process_time() - cpu0)

    # 3. two processes: two PIDs, two GILs
    results = ctx.Queue()
    wall0 = time.perf_counter()
    procs = [ctx.Process(target=process_work, args=(f"process-{i}", results)) for i in (1, 2)]
    for p in procs:
        p.start()
    cpu = results.get() + results.get()  # wait for both answers
    for p in procs:
        p.join()
    report("2 processes:", time.perf_counter() - wall0, cpu)
    say("main", "threads: no speed-up for CPU-bound Python; processes: one core each")


if __name__ == "__main__":
    main()
