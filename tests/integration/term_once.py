"""A workload for forkscope's integration tests: three children that wait, one of them
ignoring SIGTERM, and main waiting for them. Ended by `forkscope --duration`, each process
must get exactly one SIGTERM (then SIGKILL after the grace period, for the one that
ignores it)."""
import os
import signal
import time

kids = []
for i in range(3):
    pid = os.fork()
    if pid == 0:
        if i == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(30)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
