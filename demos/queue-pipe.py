# summary: Talking between processes: a Queue and a Pipe (and get_context to pick the start method)
# look-for: two short-lived children; the messages travel through pipes, so the trace shows only fork/exec/exit, not the data
"""Passing data between processes.

  * Queue: any number of processes put() and get() picklable objects. Here the
    child puts "Hello from child" and the parent get()s it.
  * Pipe(): two connected ends; each side send()s and recv()s. Here the parent sends
    a question and the child answers on the same pipe.

The start method comes from multiprocessing.get_context(method): a context has the
same API as the multiprocessing module (ctx.Process, ctx.Queue, ctx.Pipe, ...).
"""
import argparse
import multiprocessing
import os


def say(who, message):
    print(f"[{who:<5} pid={os.getpid()} ppid={os.getppid()}] {message}", flush=True)


def queue_child(queue):
    say("child", "putting a message on the queue")
    queue.put(f"Hello from child (pid {os.getpid()})")


def pipe_child(conn):
    question = conn.recv()
    say("child", f"received {question!r} through the pipe")
    conn.send(f"{question} -> {sum(question)} (answered by pid {os.getpid()})")
    conn.close()


def main():
    parser = argparse.ArgumentParser(description="Queue and Pipe between processes.")
    parser.add_argument("--method", choices=["fork", "spawn", "forkserver"],
                        help="start method (default: the platform's)")
    parser.add_argument("--tempo", type=float, default=1.0, metavar="N",
                        help="accepted as by every demo; this one has no pause to stretch")
    args = parser.parse_args()
    os.environ["DEMO_TEMPO"] = str(args.tempo)  # the children pause as long
    ctx = multiprocessing.get_context(args.method)
    say("main", f"start method: {ctx.get_start_method()}")

    # 1. a Queue: the child talks, the parent listens
    queue = ctx.Queue()
    child = ctx.Process(target=queue_child, args=(queue,))
    child.start()
    say("main", f"got from the queue: {queue.get(timeout=10)!r}")
    child.join()

    # 2. a Pipe: a question and an answer
    parent_end, child_end = ctx.Pipe()
    child = ctx.Process(target=pipe_child, args=(child_end,))
    child.start()
    parent_end.send([1, 2, 3])
    say("main", f"got from the pipe: {parent_end.recv()!r}")
    child.join()
    say("main", "done")


if __name__ == "__main__":
    main()
