"""Records on forkscope's channel (docs/channel.md) from main and from a fork, a spawn and
a forkserver child, each naming the PID and user it runs as (as fields: the kernel names
the writer); then an oversized record and a forged one (a "pid" key)."""
import json
import multiprocessing
import os

CHANNEL_FD = -4099


def tell(*facts):
    record = b"FSC1\n" + b"".join(json.dumps(f).encode() + b"\n" for f in facts)
    try:
        os.write(CHANNEL_FD, record)
    except OSError:  # EBADF, with forkscope or without
        pass


def child(method):
    tell({"fact": "hello", "method": method, "said_pid": os.getpid(), "uid": os.getuid()})


if __name__ == "__main__":
    tell({"fact": "main", "said_pid": os.getpid(), "uid": os.getuid()},
         {"fact": "second", "n": 2})
    for method in ("fork", "spawn", "forkserver"):
        p = multiprocessing.get_context(method).Process(target=child, args=(method,))
        p.start()
        p.join()
    try:
        os.write(CHANNEL_FD, b"FSC1\n" + b"x" * 5000)  # oversized: arrives as its length
    except OSError:
        pass
    tell({"fact": "claim", "pid": 1})  # forged: a process speaks only for itself
    print("channel workload done", flush=True)
