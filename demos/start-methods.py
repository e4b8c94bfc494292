# summary: Start methods fork, spawn and forkserver: who is each child's parent, and what does starting cost
# look-for: fork children are copies of main (no exec); spawn children exec a new python (spawn_main); forkserver children have the forkserver as PPID, not main
# question forkserver_child: The children print their PPID: under forkserver, whose PID is it? main's / the forkserver's / their own
# question child_ready: Which start method starts a child fastest: fork / spawn / forkserver? Here is this one's cost
"""The three start methods, seen from the children.

  fork        the child is a copy of the parent: no exec, starts fast, PPID = main
  spawn       the child execs a fresh interpreter ("-c ... spawn_main ...") that
              imports this file again: the slowest to start, PPID = main
  forkserver  main starts a server process once (it execs a fresh interpreter); every
              child is then forked by that server, so its PPID is the forkserver's
              PID, not main's (Python's own parent_process() still says main)

The program picks its method with a context: multiprocessing.get_context(method)
(or, once, globally: multiprocessing.set_start_method(method, force=True)).
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


def how_was_i_started():
    """What the kernel knows: the command line of this process (/proc/self/cmdline)."""
    with open("/proc/self/cmdline", "rb") as f:
        cmdline = f.read().decode(errors="replace")
    if "spawn_main" in cmdline:
        return "exec'd a fresh interpreter (spawn_main)"
    if "forkserver" in cmdline:
        return "forked by the forkserver (its command line)"
    return "a fork of its parent (same command line, no exec)"


def child(number, started_at):
    delay_ms = (time.monotonic() - started_at) * 1000
    say("child", f"child {number}: running {delay_ms:.0f} ms after start(); "
        f"{how_was_i_started()}")
    say("child", f"child {number}: kernel PPID {os.getppid()}, "
        f"Python's parent_process() {multiprocessing.parent_process().pid}")
    pause(0.5)


def main():
    parser = argparse.ArgumentParser(description="Three children under one start method.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    method = ctx.get_start_method()
    say("main", f"start method: {method} (available: {multiprocessing.get_all_start_methods()})")

    children = []
    for number in (1, 2, 3):
        p = ctx.Process(target=child, args=(number, time.monotonic()))
        t0 = time.monotonic()
        p.start()
        say("main", f"started child {number}: pid {p.pid}, start() took "
            f"{(time.monotonic() - t0) * 1000:.0f} ms")
        children.append(p)
    for p in children:
        p.join()
    say("main", f"all children exited: {[p.exitcode for p in children]}")
    if method == "forkserver":
        say("main", "the children's PPID was the forkserver, which outlives main and is "
            "re-parented")


if __name__ == "__main__":
    main()
