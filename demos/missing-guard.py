# summary: No `if __name__ == "__main__":` guard: what spawn and forkserver children do when they re-import this file
# variant: --variant pool | a Pool without the main guard (the default)
# variant: --variant process | one Process without the main guard
# look-for: spawn/forkserver children exit 1 (RuntimeError, no endless recursion); with --variant pool the Pool keeps replacing workers that exit 1; under fork all is well
# question no_guard: No __main__ guard: the child re-imports this file and reaches Pool() again. Grandchildren forever?
# question no_guard_churn: Every new worker fails the same way: does the pool give up, or keep starting new ones?
"""A program WITHOUT the main guard (do not write programs like this).

Everything below runs at module level. Under spawn and forkserver each child imports
this file again (as "__mp_main__") and so runs this code again: it reaches start()
(or Pool()) while it is still starting up. Python 3.11 refuses with RuntimeError
("An attempt has been made to start a new process before the current process has
finished its bootstrapping phase"), and the child exits 1. There are no grandchildren,
no recursion:

  --variant process   one child, which exits 1; main goes on
  --variant pool      every Pool worker exits 1 and the Pool starts a replacement,
                      again and again; map() would wait forever, so this demo gives up
                      after 3 seconds and terminates the pool

Under fork nothing is re-imported: the same code just works.
"""
import argparse
import multiprocessing
import os
import sys


def say(who, message):
    print(f"[{who:<6} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def square(x):
    return x * x


def hello():
    say("child", "hello from the child")


def refused(error):
    """Only a re-importing child gets here. Uncaught, the RuntimeError would exit 1 with a
    long traceback; we print its first line and exit 1 just the same."""
    say("module", "RuntimeError: " + " ".join(str(error).split()).split(".")[0] + ".")
    say("module", "-> this process exits with status 1")
    sys.exit(1)


parser = argparse.ArgumentParser(description="Processes started without a main guard.")
parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                    help="start method (default: the platform's)")
parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                    help="accepted as by every demo; this one has no pause to stretch")
parser.add_argument("--variant", choices=["process", "pool"], default="pool",
                    help="start one Process, or a Pool (default: pool)")
args = parser.parse_args()  # a spawn child gets main's sys.argv back, so this works there too
os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
ctx = multiprocessing.get_context(args.method)

say("module", f"module-level code runs with __name__ = {__name__!r}, "
    f"start method {ctx.get_start_method()}")

if args.variant == "process":
    child = ctx.Process(target=hello)
    try:
        child.start()  # in a re-importing child: RuntimeError
    except RuntimeError as error:
        refused(error)
    child.join()
    say("main", f"the child exited with exitcode {child.exitcode}")
else:
    try:
        pool = ctx.Pool(2)  # in a re-importing worker: RuntimeError
    except RuntimeError as error:
        refused(error)
    try:
        result = pool.map_async(square, range(5))
        say("main", f"map() result: {result.get(timeout=3)}")
    except multiprocessing.TimeoutError:
        say("main", "no result after 3 s: the pool's workers keep dying (exit 1) and "
            "being replaced")
    finally:
        pool.terminate()
    say("main", "pool terminated, done")
