"""Part "pyhook" of bench/bench.py: the cost of the Python hook (src/pyhook, docs/channel.md).

Both variants run under `forkscope run --no-tui` on the same interpreter (the real
/usr/bin/python3, resolved, never a pyenv shim); one with the hook (the default), one with
`--no-pyhook`. The workload times itself and writes its figures to a file, so forkscope's
own start and stop are not counted:

1. tasks: Pool.map of a trivial function over 100,000 items with chunksize=1 (every item
   a task: the hook's per-task path at its busiest); the wall time of the map, pool
   creation and join included. Per round, the ratio hook / no hook; the median.
2. spawn: SPAWN_CHILDREN spawn children one after the other; each child's start cost is
   the time from start() in the parent to its target's first line, measured in the child
   (the same clock, CLOCK_MONOTONIC). Per round the median child; the ms the hook adds is
   the median over the rounds of hook - no hook.

Variants alternate from round to round so that slow drift favours neither. Stdlib only.
"""

import os
import statistics
import subprocess
import sys
import time

TARGET_TASKS_RATIO = 1.15  # Pool.map, 100,000 chunksize=1 tasks: hook / no hook
TARGET_SPAWN_MS = 5.0  # ms the hook adds to one spawn child's start
SPAWN_CHILDREN = 15

WORKLOAD = r'''
import multiprocessing as mp
import sys
import time


def f(x):
    return x


def child(t0, out):
    t = time.monotonic_ns()
    with open(out, "a") as fh:
        fh.write("spawn_ns=%d\n" % (t - t0))


def main():
    what, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == "tasks":
        t0 = time.monotonic_ns()
        with mp.get_context("fork").Pool(2) as pool:
            res = pool.map(f, range(n), chunksize=1)
            pool.close()
            pool.join()
        t = time.monotonic_ns() - t0
        assert len(res) == n
        with open(out, "a") as fh:
            fh.write("tasks_ns=%d\n" % t)
    else:
        ctx = mp.get_context("spawn")
        for _ in range(n):
            p = ctx.Process(target=child, args=(time.monotonic_ns(), out))
            p.start()
            p.join()


if __name__ == "__main__":
    main()
'''


class PyhookError(Exception):
    """A failure of this part (bench.py turns it into its BenchError)."""


def find_python():
    """The real interpreter: /usr/bin/python3 resolved (a pyenv shim would add a shell)."""
    path = os.path.realpath("/usr/bin/python3")
    if not os.access(path, os.X_OK):
        raise PyhookError("no /usr/bin/python3")
    return path


def _tail(path, default):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        lines = []
    return lines[-1] if lines else default


def _values(path, key):
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                k, sep, v = line.partition("=")
                if sep and k.strip() == key:
                    out.append(int(v))
    except (OSError, ValueError):
        pass
    return out


def _own_cpu(proc, timeout=600):
    """Waits for forkscope; its own CPU seconds (not its workload's: the rusage of a
    wait would add the reaped workload), its /proc/PID/stat read every 20 ms."""
    deadline = time.monotonic() + timeout
    last = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            last = int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise PyhookError("forkscope did not end in 600 s")
        time.sleep(0.02)
    return last / os.sysconf("SC_CLK_TCK")


class Pyhook:
    """The runs of this part, each with fresh files in the work directory."""

    def __init__(self, forkscope, workdir, keep):
        self.forkscope = os.path.abspath(forkscope)
        self.workdir = workdir
        self.keep = keep
        self.python = find_python()
        self.script = os.path.join(workdir, "pyhook_workload.py")
        with open(self.script, "w") as f:
            f.write(WORKLOAD)
        os.chmod(self.script, 0o644)
        self.seq = 0

    def run(self, what, n, hook):
        """One workload under forkscope; the figures it wrote, and the recording's
        channel records (to show that the hook did speak, or did not)."""
        self.seq += 1
        tag = "hook" if hook else "nohook"
        base = os.path.join(self.workdir, f"{self.seq:04d}-pyhook-{what}-{tag}")
        out, rec, errf = base + ".kv", base + ".jsonl", base + ".stderr"
        with open(out, "w"):
            pass
        os.chmod(out, 0o666)  # under sudo the workload runs as the invoking user
        argv = [self.forkscope, "run", "--no-tui", "-o", rec, "--max-procs", "0"]
        if not hook:
            argv.append("--no-pyhook")
        argv += ["--", self.python, self.script, what, out, str(n)]
        with open(errf, "w") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
        cpu = _own_cpu(proc)
        if proc.returncode != 0:
            raise PyhookError(f"forkscope on the {what} workload failed: "
                              + _tail(errf, f"exit status {proc.returncode}"))
        key = "tasks_ns" if what == "tasks" else "spawn_ns"
        vals = _values(out, key)
        if not vals:
            raise PyhookError(f"the {what} workload wrote no figures")
        channel = 0
        with open(rec, encoding="utf-8", errors="replace") as f:
            for line in f:
                if '"type":"channel"' in line:
                    channel += 1
        if not self.keep:
            os.unlink(rec)
        return vals, channel, cpu


def _r(v):
    return "-" if v is None else f"{v:.3f}"


def part_pyhook(forkscope, workdir, ntasks, rounds, keep):
    """Runs the part, prints its table; returns (targets met, summary line)."""
    b = Pyhook(forkscope, workdir, keep)
    print(f"== pyhook: {rounds} rounds; Pool(2).map over {ntasks} tasks, chunksize=1 (fork); "
          f"{SPAWN_CHILDREN} spawn children a round; {b.python}", flush=True)
    b.run("tasks", min(ntasks, 10000), True)  # warm-up and preflight, not counted
    b.run("spawn", 1, False)
    res = {("tasks", True): [], ("tasks", False): [], ("spawn", True): [],
           ("spawn", False): []}
    records = {True: [], False: []}
    fs_cpu = {True: [], False: []}
    for r in range(rounds):
        order = (True, False) if r % 2 == 0 else (False, True)
        for hook in order:
            vals, ch, cpu = b.run("tasks", ntasks, hook)
            res[("tasks", hook)].append(vals[0])
            records[hook].append(ch)
            fs_cpu[hook].append(cpu)
        for hook in order:
            vals, _, _ = b.run("spawn", SPAWN_CHILDREN, hook)
            res[("spawn", hook)].append(statistics.median(vals))
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    ratios = [h / n for h, n in zip(res[("tasks", True)], res[("tasks", False)])]
    ratio = statistics.median(ratios)
    added = [(h - n) / 1e6 for h, n in zip(res[("spawn", True)], res[("spawn", False)])]
    add = statistics.median(added)
    print()
    print(f"{'workload':<40} {'no hook':>9} {'hook':>9} {'ratio/added':>12} "
          f"{'rounds min..max':>16}")
    print(f"{'Pool.map, ' + str(ntasks) + ' tasks (s)':<40} "
          f"{statistics.median(res[('tasks', False)]) / 1e9:>9.3f} "
          f"{statistics.median(res[('tasks', True)]) / 1e9:>9.3f} {_r(ratio):>12} "
          f"{min(ratios):>7.3f}..{max(ratios):.3f}")
    print(f"{'spawn child, start() to target (ms)':<40} "
          f"{statistics.median(res[('spawn', False)]) / 1e6:>9.1f} "
          f"{statistics.median(res[('spawn', True)]) / 1e6:>9.1f} {add:>+11.1f}  "
          f"{min(added):>+7.1f}..{max(added):+.1f}")
    print(f"  channel records in the Pool.map recordings (median): hook "
          f"{statistics.median(records[True]):.0f}, --no-pyhook "
          f"{statistics.median(records[False]):.0f}; forkscope's own CPU (median): hook "
          f"{statistics.median(fs_cpu[True]):.2f} s, --no-pyhook "
          f"{statistics.median(fs_cpu[False]):.2f} s")
    ok = round(ratio, 3) <= TARGET_TASKS_RATIO and add < TARGET_SPAWN_MS
    line = (f"pyhook: Pool.map {ntasks} chunksize=1 tasks hook/no hook {_r(ratio)} (target <= "
            f"{TARGET_TASKS_RATIO}); spawn child start {add:+.1f} ms with the hook (target < "
            f"{TARGET_SPAWN_MS:.0f} ms); {'target met' if ok else 'TARGET MISSED'}")
    print()
    print("bench: " + line, flush=True)
    return ok, line
