"""The overhead part's in-kernel figure (bench/bench.py): what forkscope's BPF programs cost
each child of a storm, from the kernel's own statistics (kernel.bpf_stats_enabled: each
program's run time and number of runs). Wall time on a shared machine moves by several
per cent from one run to the next; this figure hardly moves, so it says where a storm's
ratio comes from and whether a change to the programs made them cheaper.

One more storm per storm kind and forkscope variant: the storm waits on a FIFO until the
statistics are read, and the figures are read again once it has written its own; the
difference, over the storm's children, is the cost per child. It counts everything the
programs did meanwhile (the few switches of other tasks too), not the kernel's dispatch
to them (the switch part's empty-program floor measures that) nor forkscope's consumer.
measure_beside() takes the same figure for the storm run untraced beside a forkscope: what
its programs cost the machine's other processes. Stdlib only.
"""

import json
import os
import signal
import subprocess
import time

PROGRAMS = ("handle_newtask", "handle_exec", "handle_exit", "handle_signal", "handle_switch",
            "output_exit")
SHORT = {"handle_newtask": "newtask", "handle_exec": "exec", "handle_exit": "exit",
         "handle_signal": "signal", "handle_switch": "switch", "output_exit": "output"}
STATS = "/proc/sys/kernel/bpf_stats_enabled"
NOT_LOADED = "forkscope's programs are not loaded"


def _programs(bpftool):
    """{name: (run_time_ns, run_cnt)} of forkscope's programs, or a string saying why not."""
    try:
        res = subprocess.run([bpftool, "-j", "prog", "show"], capture_output=True, text=True,
                             timeout=30)
        progs = json.loads(res.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, ValueError) as e:
        return f"bpftool prog show failed: {e}"
    out = {}
    for p in progs:
        name = p.get("name")
        if name not in PROGRAMS:
            continue
        if name in out:
            return "another forkscope's programs are loaded"
        out[name] = (int(p.get("run_time_ns", 0)), int(p.get("run_cnt", 0)))
    return out if out else NOT_LOADED


def _wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


def _has_figures(path):
    try:
        with open(path, encoding="utf-8") as f:
            return "storm_ns=" in f.read()
    except OSError:
        return False


def measure(bpftool, forkscope_argv, storm_argv, storm_out, workdir, timeout):
    """Run forkscope_argv + a shell that runs storm_argv once the first reading is taken;
    {program: (ns, runs)} spent during the storm, or a string saying why not."""
    return _measure(bpftool, forkscope_argv, storm_argv, storm_out, workdir, timeout, True)


def measure_beside(bpftool, forkscope_argv, storm_argv, storm_out, workdir, timeout):
    """The same for storm_argv run untraced, beside forkscope_argv tracing a shell that
    sleeps: what forkscope's programs cost a process it does not trace."""
    return _measure(bpftool, forkscope_argv, storm_argv, storm_out, workdir, timeout, False)


def _measure(bpftool, forkscope_argv, storm_argv, storm_out, workdir, timeout, traced):
    """measure() (traced) or measure_beside()."""
    ready, go = os.path.join(workdir, "kcost.ready"), os.path.join(workdir, "kcost.go")
    for p in (ready, go, storm_out):
        if os.path.exists(p):
            os.unlink(p)
    os.mkfifo(go)
    # the last forkscope's programs may outlive it a little (the kernel frees them later)
    _wait_for(lambda: _programs(bpftool) == NOT_LOADED, 10)
    script = 'echo > "$0"; read x < "$1"; shift; "$@"; sleep 60'
    argv = forkscope_argv + ["--", "/bin/sh", "-c", script, ready, go]
    if traced:
        argv += storm_argv
    beside = None
    try:
        with open(STATS, encoding="ascii") as f:
            old = f.read().strip()
        with open(STATS, "w", encoding="ascii") as f:
            f.write("1")
    except OSError as e:
        return f"cannot enable the kernel's BPF statistics: {e.strerror}"
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        if not _wait_for(lambda: os.path.exists(ready), 30):
            return "the traced shell did not start"
        before = _programs(bpftool)
        with open(go, "w", encoding="ascii") as f:
            f.write("go\n")
        if isinstance(before, str):
            return before
        if not traced:
            beside = subprocess.Popen(storm_argv, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not _wait_for(lambda: _has_figures(storm_out), timeout):
            return "the storm did not finish"
        after = _programs(bpftool)
        if isinstance(after, str):
            return after
        return {n: (after[n][0] - before.get(n, (0, 0))[0], after[n][1] - before.get(n, (0, 0))[1])
                for n in after}
    finally:
        if beside:
            beside.kill()  # done by now, but for one that timed out
            beside.wait()
        proc.send_signal(signal.SIGINT)  # forkscope ends the workload (the sleep) and exits
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        with open(STATS, "w", encoding="ascii") as f:
            f.write(old)
        os.unlink(go)


def report(rows, child_ns):
    """Lines for the overhead part: rows are (storm name, variant, n, measure()'s result);
    child_ns: {storm name: an untraced child's ns (median storm time / n)}."""
    lines = ["in the kernel (BPF statistics, one more storm each): forkscope's programs per "
             "child of the storm,", "  their total and, per program, us and runs per child"]
    for storm, variant, n, got in rows:
        if isinstance(got, str):
            lines.append(f"  {storm:<10} {variant:<10} unavailable ({got})")
            continue
        total = sum(ns for ns, _ in got.values()) / n
        share = total / child_ns[storm] * 100 if child_ns.get(storm) else 0.0
        parts = ", ".join(f"{SHORT[p]} {got[p][0] / n / 1e3:.2f} ({got[p][1] / n:.1f})"
                          for p in PROGRAMS if p in got and got[p][1])
        lines.append(f"  {storm:<10} {variant:<10} {total / 1e3:5.2f} us = {share:.1f} % of an "
                     f"untraced child ({child_ns.get(storm, 0) / 1e3:.0f} us): {parts}")
    return lines
