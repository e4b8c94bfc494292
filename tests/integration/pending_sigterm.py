"""A workload for forkscope's integration tests: a second SIGTERM dropped as pending.

The target blocks SIGTERM; main sends it one (queued, pending); a helper then sends a
second (the kernel drops it: already pending); the target unblocks and dies of the first.
Whoever reads the trace must say main killed it, live and from the recording alike.
"""
import os
import signal
import time

ready_r, ready_w = os.pipe()
target = os.fork()
if target == 0:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    os.write(ready_w, b"x")
    time.sleep(0.5)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # dies here
    time.sleep(5)
    os._exit(3)
os.read(ready_r, 1)
os.kill(target, signal.SIGTERM)
helper = os.fork()
if helper == 0:
    os.kill(target, signal.SIGTERM)
    os._exit(0)
os.waitpid(helper, 0)
_, status = os.waitpid(target, 0)
print(f"main {os.getpid()}: target {target} ended with signal {os.WTERMSIG(status)}, "
      f"helper {helper}")
