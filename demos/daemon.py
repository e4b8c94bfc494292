# summary: Daemon processes: killed with SIGTERM when their parent exits; non-daemon children are joined
# variant: --parent-waits | main outlives the daemon: it exits 0 by itself, no SIGTERM
# look-for: with --parent-first main sends SIGTERM (15) to the still-sleeping daemon as it exits; with --parent-waits the daemon exits 0 by itself
# question daemon_killed: main is done after 1 s, its daemon sleeps 3 s: will the daemon print "done sleeping"? yes / no
# question joined: main joins the non-daemon child: does main wait for it, or go on at once?
"""Daemon and non-daemon children.

A daemon child (Process(daemon=True)) is tied to its parent: when the parent's Python
exits, multiprocessing's exit handler sends it SIGTERM (Process.terminate()) and it
dies at once, whatever it was doing. A non-daemon child is waited for instead: the
parent joins it (here explicitly; at exit Python would join it too).

  --parent-first (default)  main is done after about 1 s, the daemon still sleeps:
                            main's exit handler kills it with SIGTERM
  --parent-waits            main stays 4.5 s, longer than the daemon's 3 s:
                            the daemon finishes and exits 0
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
    print(f"[{who:<10} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def daemon_child():
    say("daemon", "I am a daemon; sleeping 3 s")
    for second in (1, 2, 3):
        pause(1)
        say("daemon", f"still alive after {second} s")
    say("daemon", "done sleeping, exiting normally (status 0)")


def worker_child():
    say("non-daemon", "I am not a daemon; working 1 s")
    pause(1)
    say("non-daemon", "done, exiting normally (status 0)")


def main():
    parser = argparse.ArgumentParser(description="A daemon child and a non-daemon child.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--parent-first", dest="parent_waits", action="store_false",
                       help="main exits while the daemon sleeps (default)")
    order.add_argument("--parent-waits", dest="parent_waits", action="store_true",
                       help="main outlives the daemon")
    parser.set_defaults(parent_waits=False)
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}")

    daemon = ctx.Process(target=daemon_child, name="the-daemon", daemon=True)
    worker = ctx.Process(target=worker_child, name="the-worker")
    daemon.start()
    worker.start()
    say("main", f"started daemon pid {daemon.pid} and non-daemon pid {worker.pid}")

    worker.join()
    say("main", f"joined the non-daemon: exitcode {worker.exitcode}")
    if args.parent_waits:
        say("main", "waiting 3.5 more seconds: longer than the daemon sleeps")
        pause(3.5)
        say("main", f"the daemon is alive: {daemon.is_alive()}, exitcode {daemon.exitcode}")
    say("main", f"main is done; daemon alive: {daemon.is_alive()}"
        + (" -> it will get SIGTERM from main's exit handler" if daemon.is_alive() else ""))


if __name__ == "__main__":
    main()
