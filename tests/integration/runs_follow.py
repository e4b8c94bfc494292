"""A workload for forkscope's integration tests: on-CPU time followed where the kernel's
bookkeeping of a thread changes under it.

  exec-thread  a thread other than main calls execv: the process goes on under main's PID
               (the kernel gives the exec'ing thread the leader's TID)
  escape       a child moves itself out of forkscope's cgroup (into the cgroup v2 root)
               before it execs: the kernel must stop filtering by that cgroup

Either way the exec'd program burns CPU and prints, as JSON, its PID and the CPU time its
thread used after the exec (time.thread_time())."""
import json
import os
import sys
import threading

BURN = """
import json, os, time
t0 = time.thread_time()
n = 0
while time.thread_time() - t0 < 0.3:
    n += 1
print(json.dumps({"pid": os.getpid(), "cpu": time.thread_time() - t0}), flush=True)
"""


def cgroup2_root():
    with open("/proc/self/mounts", encoding="utf-8") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            if fstype == "cgroup2":
                return mnt
    return None


def exec_burner():
    os.execv(sys.executable, [sys.executable, "-c", BURN])


def escape():
    """Leave the workload's cgroup for the cgroup v2 root, then exec the burner."""
    root = cgroup2_root()
    if root:
        with open(os.path.join(root, "cgroup.procs"), "w", encoding="ascii") as f:
            f.write(str(os.getpid()))
    exec_burner()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "exec-thread":
        t = threading.Thread(target=exec_burner)
        t.start()
        t.join()  # never returns: the exec replaces the whole process
    elif mode == "escape":
        pid = os.fork()
        if pid == 0:
            escape()
        os.waitpid(pid, 0)
    else:
        sys.exit(f"runs_follow.py: unknown mode {mode}")
