# summary: Worker recycling with Pool(maxtasksperchild=3): each worker exits after 3 tasks and the pool starts a replacement
# variant: --chunksize default | Pool.map's own chunks of 2 items: 3 tasks, 6 items a worker
# look-for: every 3 tasks a worker exits 0 and a new PID takes its place within milliseconds (2 workers alive at a time, 10 tasks, at least 4 workers in all)
# question recycled: Pool(2, maxtasksperchild=3): the worker's 3rd task is done. Same PID next task, or a new one?
"""Worker recycling, as in Apache or mod_wsgi.

Pool(processes=2, maxtasksperchild=3): a worker runs at most 3 tasks, then exits
(status 0) and the pool starts a fresh worker in its place. This bounds what a
long-running worker can accumulate (leaked memory, open files, ...).

We map a task over range(10) with chunksize=1 (every item is one task; with bigger
chunks a "task" would be a whole chunk). Odd tasks take 0.55 s and even ones 0.4 s, so
the two workers retire at different moments: one keeps working while the other is
replaced (that is how forkscope can tell a replacement from a new pool under forkserver).
Watch the worker PIDs: each one serves three tasks, then a new PID appears.

With --chunksize default the map runs as the study note's example wrote it (no chunksize):
Pool.map then cuts range(10) into chunks of 2 items, 5 tasks in all, so a worker serves
three tasks of two items each (six items) before it retires: the PIDs do not change
"every three items", and the hook's facts show "3 tasks (6 items)".
"""
import argparse
import multiprocessing
import os
import time

tasks_done_here = 0  # per worker process: each worker has its own copy


def pause(seconds):
    """time.sleep(seconds), --tempo N times longer: every pause alike, so that what happens
    keeps its order (a slower lesson, the same lesson)."""
    time.sleep(seconds * float(os.environ.get("DEMO_TEMPO", "1")))


def say(who, message):
    print(f"[{who:<6} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def task(number):
    global tasks_done_here
    tasks_done_here += 1
    say("worker", f"item {number} (this worker's item #{tasks_done_here}; at most 3 tasks)")
    pause(0.55 if number % 2 else 0.4)
    return os.getpid()


def main():
    parser = argparse.ArgumentParser(description="Pool worker recycling.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    parser.add_argument("--chunksize", default="1",
                        help="items per task: a number, or 'default' for Pool.map's own "
                             "choice, as in the study note's example (default: 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    if args.chunksize != "default" and not (args.chunksize.isdigit() and int(args.chunksize) > 0):
        parser.error("--chunksize: a positive number or 'default'")
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}")

    pool = ctx.Pool(processes=2, maxtasksperchild=3)
    if args.chunksize == "default":
        pids = pool.map(task, range(10))  # chunks of 2: divmod(10, 2 * 4) rounded up
    else:
        pids = pool.map(task, range(10), chunksize=int(args.chunksize))
    pool.close()  # no more tasks ...
    pool.join()   # ... and wait until every worker has exited
    say("main", f"worker PID per task: {pids}")
    say("main", f"{len(set(pids))} different workers ran the 10 tasks")


if __name__ == "__main__":
    main()
