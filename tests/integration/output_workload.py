"""Output for the capture tests: main, a thread of main and two children of the start
method given write lines that each name their writer (PID, stream); every line goes in
two writes, the children's at the same time, so that their pieces interleave; one line
carries escape sequences (clear the screen, set the title, move the cursor)."""
import multiprocessing
import os
import sys
import threading
import time

LINES = 4  # per writer and stream


def say(fd, text):
    """One line in two writes, a little apart."""
    data = text.encode()
    os.write(fd, data[:len(data) // 2])
    time.sleep(0.005)
    os.write(fd, data[len(data) // 2:] + b"\n")


def lines(tag):
    for k in range(LINES):
        say(1, f"{tag} pid={os.getpid()} fd=1 line={k}")
        say(2, f"{tag} pid={os.getpid()} fd=2 line={k}")


def child(tag, barrier):
    barrier.wait()  # both children write at the same time
    lines(tag)


def thread_lines():
    print(f"thread pid={os.getpid()} fd=1 tid={threading.get_native_id()}", flush=True)


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    barrier = ctx.Barrier(2)
    kids = [ctx.Process(target=child, args=(f"child-{n}", barrier)) for n in "ab"]
    for k in kids:
        k.start()
    lines("main")
    t = threading.Thread(target=thread_lines)
    t.start()
    t.join()
    print("escapes: \x1b[2J\x1b]0;owned-title\x07\x1b[1;1Hhome\x1b[31m red\x1b[0m end", flush=True)
    for k in kids:
        k.join()
    print(f"main pid={os.getpid()} fd=1 done", flush=True)
