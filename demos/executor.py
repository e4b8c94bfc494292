# summary: multiprocessing.Pool vs concurrent.futures.ProcessPoolExecutor, and which start method the executor really uses
# variant: --max-tasks-per-child 1 | each executor worker runs one task, then a new one replaces it
# variant: --max-tasks-per-child 2 | each executor worker runs two tasks, then a new one replaces it
# look-for: the executor's workers start like the Pool's, with the default start method or mp_context (not always spawn); executor workers are not daemons and exit when it shuts down
# question pool_started: Which start method will ProcessPoolExecutor use here: always spawn / the default context's?
"""Pool and ProcessPoolExecutor side by side.

Both run tasks in worker processes. Differences a trace shows:
  * Pool(2) starts its workers at once; the executor starts them as tasks come in.
  * Pool workers are daemons; executor workers are not: shutdown() lets them finish
    and exit 0.
  * Start method: the executor uses mp_context if given, otherwise the default start
    method (fork on Linux up to Python 3.13) -- NOT always spawn. Only with
    max_tasks_per_child (Python 3.11+) and no mp_context does it pick spawn; try
    --max-tasks-per-child 2 without --method.
"""
import argparse
import concurrent.futures
import multiprocessing
import os
import sys
import time


def pause(seconds):
    """time.sleep(seconds), --tempo N times longer: every pause alike, so that what happens
    keeps its order (a slower lesson, the same lesson)."""
    time.sleep(seconds * float(os.environ.get("DEMO_TEMPO", "1")))


def say(who, message):
    print(f"[{who:<8} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def how_was_i_started():
    """What the kernel knows: the command line of this process (/proc/self/cmdline)."""
    with open("/proc/self/cmdline", "rb") as f:
        cmdline = f.read().decode(errors="replace")
    if "spawn_main" in cmdline:
        return "spawn"
    if "forkserver" in cmdline:
        return "forkserver"
    return "fork"


def cube(x):
    pause(0.2)
    daemon = multiprocessing.current_process().daemon
    return f"cube({x}) = {x ** 3} in pid {os.getpid()} ({how_was_i_started()}, daemon={daemon})"


def main():
    parser = argparse.ArgumentParser(description="Pool vs ProcessPoolExecutor.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    parser.add_argument("--max-tasks-per-child", type=int, metavar="N",
                        help="give the executor max_tasks_per_child=N (Python 3.11+)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"Pool start method: {ctx.get_start_method()}")

    with ctx.Pool(2) as pool:
        for line in pool.map(cube, range(4)):
            say("Pool", line)
        pool.close()  # no more tasks: the workers exit normally
        pool.join()

    options = {"max_workers": 2}
    shown = ["max_workers=2"]
    if args.method:
        options["mp_context"] = ctx
        shown.append(f"mp_context=get_context({args.method!r})")
    if args.max_tasks_per_child:
        if sys.version_info < (3, 11):
            say("main", "max_tasks_per_child needs Python 3.11 or newer; ignored")
        else:
            options["max_tasks_per_child"] = args.max_tasks_per_child
            shown.append(f"max_tasks_per_child={args.max_tasks_per_child}")
    say("main", f"ProcessPoolExecutor({', '.join(shown)})")
    try:
        executor = concurrent.futures.ProcessPoolExecutor(**options)
    except ValueError as error:  # e.g. a fork context with max_tasks_per_child
        say("main", f"ValueError: {error}")
        return
    # _mp_context is private: read here only to show what the executor chose
    say("main", f"the executor uses start method: {executor._mp_context.get_start_method()}")
    with executor:
        for line in executor.map(cube, range(4)):
            say("Executor", line)
    say("main", "executor shut down: its workers exited")


if __name__ == "__main__":
    main()
