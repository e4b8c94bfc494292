# summary: Process identity: pid, name and current_process(); terminate() sends SIGTERM; a Process subclass
# look-for: the sleeper is killed by signal 15 from main while main goes on (not a daemon kill at exit); names like My-child-process exist only inside Python, the kernel sees comm "python3"
# question terminated: main calls terminate() on the child sleeping 20 s: what reaches it? SIGTERM / SIGKILL / an exception
"""Who am I? Process identity and ending a process early.

  * current_process() describes the running process: its name ("MainProcess" in main,
    the name given to Process(name=...) in a child) and its pid. The name lives only
    inside Python; the kernel knows the PID and the command name (comm) "python3".
  * terminate() sends SIGTERM: a child sleeping 20 s is killed at once
    (exitcode -15 in Python, "killed by signal 15" for the kernel).
  * A subclass of Process that overrides run(): run() is what the child executes.
"""
import argparse
import multiprocessing
import os
import time


def pause(seconds):
    """time.sleep(seconds), --tempo N times longer: every pause alike, so that what happens
    keeps its order (a slower lesson, the same lesson)."""
    time.sleep(seconds * float(os.environ.get("DEMO_TEMPO", "1")))


def say(message):
    me = multiprocessing.current_process()
    print(f"[{me.name:<17} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def introduce():
    me = multiprocessing.current_process()
    say(f"current_process().name = {me.name!r}, pid = {me.pid}, os.getpid() = {os.getpid()}")


def sleep_long():
    say("going to sleep for 20 s (I will not wake up)")
    pause(20)
    say("woke up: this line should never be printed")


class Counter(multiprocessing.Process):
    """A Process subclass: start() runs run() in the child."""

    def __init__(self, limit, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit

    def run(self):
        for i in range(1, self.limit + 1):
            say(f"Counter.run(): {i} of {self.limit}")
            pause(0.2)


def main():
    parser = argparse.ArgumentParser(description="Names, PIDs, terminate(), subclassing.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="run N times slower: every pause lasts N times longer (default 1)")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    if args.method:
        # a Process subclass uses the global start method, so set it (once) here
        multiprocessing.set_start_method(args.method, force=True)
    say(f"start method: {multiprocessing.get_start_method()}")
    introduce()

    # 1. a child with a name of our choosing
    named = multiprocessing.Process(target=introduce, name="My-child-process")
    named.start()
    named.join()
    say(f"{named.name} (pid {named.pid}) exited with exitcode {named.exitcode}")

    # 2. terminate() right after start(): SIGTERM
    sleeper = multiprocessing.Process(target=sleep_long, name="Sleeper")
    sleeper.start()
    say(f"started {sleeper.name} pid {sleeper.pid}; calling terminate() now")
    sleeper.terminate()
    sleeper.join()
    say(f"{sleeper.name} exitcode {sleeper.exitcode} (negative = killed by that signal)")

    # 3. main goes on working after the kill: a Process subclass
    counter = Counter(3, name="Counter-subclass")
    counter.start()
    counter.join()
    say(f"{counter.name} (pid {counter.pid}) exited with exitcode {counter.exitcode}")


if __name__ == "__main__":
    main()
