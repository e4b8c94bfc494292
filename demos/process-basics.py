# summary: Start a child with multiprocessing.Process: start(), join() and the main guard
# look-for: main forks (or spawns) one child; the child prints and exits 0 while main waits in join()
# question joined: main calls join() on its child: does main wait for it, or go on at once?
"""Starting a child process: start() and join().

start() creates the child and returns at once; join() waits until the child has
exited. Everything that starts processes sits under `if __name__ == "__main__":`,
because under the spawn and forkserver start methods each child imports this file
again (as module "__mp_main__") and must not start children of its own.
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
    print(f"[{who:<5} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def greet(name):
    """Runs in the child process."""
    say("child", f"hello {name}, I am the child; my parent is {os.getppid()}")
    pause(1)  # some "work", so that the parent really waits in join()
    say("child", "work done, returning (exit status 0)")


# Module-level code runs in every process that imports this file:
# in main, and again in each spawn/forkserver child (as __mp_main__).
say("module", f"this file is being run or imported as __name__ = {__name__!r}")

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Start a child and join it.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}")

    child = ctx.Process(target=greet, args=("student",))
    say("main", f"before start(): pid={child.pid}, alive={child.is_alive()}")
    child.start()
    say("main", f"after start(): the child has pid {child.pid}; now waiting in join()")
    child.join()
    say("main", f"join() returned: the child exited with exitcode {child.exitcode}")
