"""A workload for forkscope's integration tests: 20 short children, then a pause.

It prints "children done" once every child has exited, then sleeps: the test kills
forkscope with SIGKILL during the sleep and expects all 20 forks and exits on disk.
"""
import os
import sys
import time

for _ in range(20):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print("children done", flush=True)
sys.stdout.close()
time.sleep(30)
