"""A workload for forkscope's integration tests: a signal the target ignores, and signals
to a process in its group exit, which the kernel also calls "ignored".

The child ignores SIGTERM and main sends it one (ignored by the target). Then the child
touches 200 MB and aborts with core dumps on (RLIMIT_CORE unlimited, in the folder given
as argv[1]): writing the core keeps it in its group exit for a while, and the kernel
drops every SIGTERM main sends it meanwhile. forkscope must tell the two apart. The core
file is removed."""
import os
import resource
import signal
import sys
import time

os.chdir(sys.argv[1])
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
child = os.fork()
if child == 0:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.write(ready_w, b"i")  # ignoring SIGTERM now
    os.read(go_r, 1)
    block = bytearray(200 << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    os.write(ready_w, b"x")
    os.abort()
os.read(ready_r, 1)
os.kill(child, signal.SIGTERM)  # ignored by the target
os.write(go_w, b"g")
os.read(ready_r, 1)
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        os.kill(child, signal.SIGTERM)  # dropped once it dumps core: it is exiting
    except ProcessLookupError:
        break
    done, status = os.waitpid(child, os.WNOHANG)
    if done:
        break
    time.sleep(0.0005)
for name in os.listdir("."):
    if name == "core" or name.startswith("core."):
        os.unlink(name)
