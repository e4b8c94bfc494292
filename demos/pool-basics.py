# summary: Pools: Pool(4).map, apply_async with AsyncResult.get(), and the with-block that terminates the pool
# look-for: four worker processes start at once in Pool(4) and serve all tasks; leaving the with-block sends SIGTERM to the workers still alive (surely the one busy with a 30 s task)
# question forkserver_child: Pool(4) under forkserver: who will be the new child's parent? main / forkserver / resource tracker
# question pool_terminated: The with-block ends while a worker naps 30 s: does it finish its nap / get SIGTERM / run on?
# question pool_started: Pool(4): when do its four workers start? at once / at the first task / one per task
"""A pool of worker processes.

  * Pool(4) starts 4 worker processes at once; they wait for tasks.
  * pool.map(square, [1, 2, 3, 4, 5]) splits the list into tasks, the workers run them,
    and map() returns the results in order. Each task prints which worker (PID) ran it.
  * pool.apply_async(f, args) returns an AsyncResult at once; .get() waits for it.
  * Leaving `with Pool(...) as pool:` calls pool.terminate(): it tells idle workers to
    stop, then sends SIGTERM to every worker still alive -- surely to one busy with a
    30 s task. (To let the workers finish and exit 0, call pool.close() and pool.join()
    at the end of the block.)
"""
import argparse
import multiprocessing
import os
import time


def pause(seconds):
    """time.sleep(seconds), --tempo N times longer: every pause alike, so that what happens
    keeps its order (a slower lesson, the same lesson)."""
    time.sleep(seconds * float(os.environ.get("DEMO_TEMPO", "1")))


def say(who, message):
    print(f"[{who:<6} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def square(x):
    say("worker", f"square({x}) = {x * x}")
    pause(0.1)  # a little work, so that the tasks spread over the workers
    return x * x


def nap(seconds):
    say("worker", f"nap({seconds}): sleeping {seconds} s")
    pause(seconds)
    return f"slept {seconds} s in pid {os.getpid()}"


def main():
    parser = argparse.ArgumentParser(description="Pool.map, apply_async and the with-block.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}")

    with ctx.Pool(4) as pool:
        say("main", "Pool(4) created: 4 workers are waiting for tasks")

        results = pool.map(square, [1, 2, 3, 4, 5])
        say("main", f"map() returned {results}")

        pending = [pool.apply_async(nap, (seconds,)) for seconds in range(4)]
        say("main", "apply_async() returned 4 AsyncResults at once; now get() each")
        for result in pending:
            say("main", f"get() -> {result.get()}")

        pool.apply_async(nap, (30,))  # a long task, still running when we leave
        pause(0.5)  # (time for a worker to pick it up)
        say("main", "leaving the with-block: the pool is terminated: SIGTERM to the busy "
            "worker, and to idle ones that have not yet exited on their own")
    say("main", "done")


if __name__ == "__main__":
    main()
