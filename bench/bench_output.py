"""Part "output" of bench/bench.py: the cost of capturing the workload's output.

1. bench/flood writes BYTES (200 MB) to stdout in 4 KiB writes, traced by `forkscope run`
   with output capture (its stdout is forkscope's pty, each write seen by sys_enter and
   sys_exit) against untraced: the same writer into a pty that a plain reader drains
   (`flood --pty`). The ratio of the writer's own time, per round, the median; and what
   the recording kept (output lines, bytes carried, dropped by the rate bound, lost).
2. `flood --syscalls N` (N writes of a byte to /dev/null, N getppid calls) untraced, and
   untraced while a forkscope with output capture traces a sleep: the ns added to each
   system call of a process forkscope does not trace (sys_enter and sys_exit run for every
   system call of the machine while output is captured).

Variants rotate from round to round so that slow drift favours none. Each variant runs on
one CPU (taskset: the writer, its reader or forkscope, and the kernel's work for the pty
share it), which makes the figures far less noisy on a shared machine. Stdlib only.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

TARGET_OUTPUT_RATIO = 1.10  # flood traced with capture / untraced into a pty


class OutputError(Exception):
    """A failure of this part (bench.py turns it into its BenchError)."""


def _kv(path):
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, sep, val = line.partition("=")
                if sep:
                    out[key.strip()] = int(val)
    except (OSError, ValueError):
        pass
    return out


def _tail(path, default):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        lines = []
    return lines[-1] if lines else default


def count_output(rec):
    """What a recording kept of the flood: output lines, bytes carried, cut, dropped,
    and the end line's output_lost and lost."""
    c = {"lines": 0, "bytes": 0, "cut": 0, "dropped": 0, "output_lost": 0, "lost": 0,
         "end": False}
    with open(rec, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            ev = json.loads(line)
            if ev.get("type") == "output":
                c["lines"] += 1
                c["bytes"] += len(ev.get("data", ""))
                c["cut"] += int(ev.get("cut") or 0)
                c["dropped"] += int(ev.get("dropped") or 0)
            elif ev.get("type") == "end":
                c["end"] = True
                c["output_lost"] = int(ev.get("output_lost") or 0)
                c["lost"] = int(ev.get("lost") or 0)
    return c


class Output:
    """The runs of this part, each with fresh files in the work directory."""

    def __init__(self, forkscope, flood, workdir, keep, cpu):
        self.forkscope = os.path.abspath(forkscope)
        self.flood = flood
        self.workdir = workdir
        self.keep = keep
        self.seq = 0
        taskset = shutil.which("taskset")
        self.pin = [taskset, "-c", str(cpu)] if taskset and cpu is not None else []

    def _paths(self, tag):
        self.seq += 1
        base = os.path.join(self.workdir, f"{self.seq:04d}-flood-{tag}")
        out = base + ".kv"
        with open(out, "w"):
            pass
        os.chmod(out, 0o666)  # under sudo the workload runs as the invoking user
        return base, out

    def _run(self, argv, what, errf, timeout=600):
        with open(errf, "w") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, start_new_session=True)
            try:
                proc.wait(timeout)
            except BaseException:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise
        if proc.returncode != 0:
            raise OutputError(f"{what} failed: "
                              + _tail(errf, f"exit status {proc.returncode}"))

    def untraced(self, nbytes):
        base, out = self._paths("untraced")
        self._run(self.pin + [self.flood, "--pty", "-o", out, str(nbytes)], "flood into a pty",
                  base + ".stderr")
        return self._figures(out, "flood into a pty")

    def traced(self, nbytes):
        """flood under `forkscope run -o REC`: its figures and what the recording kept."""
        base, out = self._paths("traced")
        rec = base + ".jsonl"
        self._run(self.pin + [self.forkscope, "run", "--no-tui", "-o", rec, "--", self.flood,
                              "-o", out, str(nbytes)], "forkscope on flood", base + ".stderr")
        kv = self._figures(out, "forkscope on flood")
        counts = count_output(rec)
        if not self.keep:
            os.unlink(rec)
        return kv, counts

    def calls(self, n, what="system calls"):
        base, out = self._paths("calls")
        self._run(self.pin + [self.flood, "--syscalls", str(n), "-o", out], what,
                  base + ".stderr")
        kv = _kv(out)
        if "write_pns" not in kv or "getppid_pns" not in kv:
            raise OutputError(f"{what}: flood wrote no figures")
        return kv

    def calls_beside(self, n):
        """The system calls untraced while `forkscope run -- sleep` captures output."""
        base, _ = self._paths("bystander")
        rec = base + ".jsonl"
        errf = base + ".stderr"
        argv = [self.forkscope, "run", "--no-tui", "-o", rec, "--duration", "600", "--",
                "sleep", "600"]
        with open(errf, "w") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err)
        try:
            deadline = time.monotonic() + 60
            while not self._exec_seen(rec):  # attached once the sleep has exec'd
                if proc.poll() is not None:
                    raise OutputError("the bystander forkscope exited early: "
                                      + _tail(errf, f"exit status {proc.returncode}"))
                if time.monotonic() > deadline:
                    raise OutputError("the bystander forkscope did not start in 60 s")
                time.sleep(0.02)
            kv = self.calls(n, "system calls beside a forkscope")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        warn = _tail(errf, "")
        if "output capture is off" in warn:
            raise OutputError("the bystander forkscope did not capture output: " + warn)
        if not self.keep:
            os.unlink(rec)
        return kv

    @staticmethod
    def _exec_seen(rec):
        try:
            with open(rec, encoding="utf-8", errors="replace") as f:
                return '"type":"exec"' in f.read()
        except OSError:
            return False

    @staticmethod
    def _figures(out, what):
        kv = _kv(out)
        if "flood_ns" not in kv:
            raise OutputError(f"{what}: flood wrote no figures")
        return kv


def _ratio(r):
    return "-" if r is None else f"{r:.3f}"


def part_output(forkscope, flood, workdir, nbytes, ncalls, rounds, keep, cpu):
    """Runs the part, prints its table; returns (target met, summary line)."""
    b = Output(forkscope, flood, workdir, keep, cpu)
    pin = f"each run on CPU {cpu}" if b.pin else "not pinned"
    print(f"== output capture: {rounds} rounds; flood {nbytes / 1e6:.0f} MB in 4 KiB writes; "
          f"{ncalls} system calls of each kind; {pin}", flush=True)
    b.untraced(min(nbytes, 16 << 20))  # warm-up and preflight, not counted
    b.traced(min(nbytes, 16 << 20))
    variants = ["untraced", "traced", "calls", "beside"]
    res = {v: [] for v in variants}
    recs = []
    for r in range(rounds):
        k = r % len(variants)
        for v in variants[k:] + variants[:k]:
            if v == "untraced":
                res[v].append(b.untraced(nbytes))
            elif v == "traced":
                kv, c = b.traced(nbytes)
                res[v].append(kv)
                recs.append(c)
            elif v == "calls":
                res[v].append(b.calls(ncalls))
            else:
                res[v].append(b.calls_beside(ncalls))
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    ratios = [t["flood_ns"] / u["flood_ns"] for t, u in zip(res["traced"], res["untraced"])]
    cpu = [t["cpu_ns"] / u["cpu_ns"] for t, u in zip(res["traced"], res["untraced"])
           if u.get("cpu_ns")]
    ratio = statistics.median(ratios)
    med_u = statistics.median(kv["flood_ns"] for kv in res["untraced"]) / 1e9
    med_t = statistics.median(kv["flood_ns"] for kv in res["traced"]) / 1e9
    print()
    print(f"{'flood':<32} {'median s':>9} {'MB/s':>7} {'ratio':>7} {'rounds min..max':>16} "
          f"{'cpu ratio':>9}")
    print(f"{'into a pty, a plain reader':<32} {med_u:>9.3f} {nbytes / 1e6 / med_u:>7.0f} "
          f"{'1.000':>7}")
    print(f"{'traced, output captured':<32} {med_t:>9.3f} {nbytes / 1e6 / med_t:>7.0f} "
          f"{_ratio(ratio):>7} {min(ratios):>7.3f}..{max(ratios):.3f} "
          f"{_ratio(statistics.median(cpu) if cpu else None):>9}")
    kept = {k: sum(c[k] for c in recs) for k in ("lines", "bytes", "cut", "dropped",
                                                  "output_lost", "lost")}
    accounted = all(c["bytes"] + c["cut"] + c["dropped"] == nbytes for c in recs)
    print(f"  the recordings (summed over {rounds} rounds): {kept['lines']} output lines, "
          f"{kept['bytes'] / 1e6:.1f} MB carried, {kept['dropped'] / 1e6:.1f} MB dropped by "
          f"the rate bound,\n  {kept['cut']} bytes cut, {kept['output_lost']} output events "
          f"lost, {kept['lost']} other events lost; every byte accounted for: "
          f"{'yes' if accounted else 'NO'}")

    per = {}
    for kind in ("write", "getppid"):
        key = kind + "_pns"
        added = [(t[key] - u[key]) / 1000 for t, u in zip(res["beside"], res["calls"])]
        per[kind] = statistics.median(added)
        base = statistics.median(kv[key] for kv in res["calls"]) / 1000
        print(f"  {kind}(2) of an untraced process: {base:.0f} ns; beside a forkscope capturing "
              f"output {per[kind]:+.0f} ns per call (median of the rounds; "
              f"{min(added):+.0f}..{max(added):+.0f})")
    ok = round(ratio, 3) <= TARGET_OUTPUT_RATIO and accounted and kept["lost"] == 0
    line = (f"output: flood traced/untraced {_ratio(ratio)} (target <= {TARGET_OUTPUT_RATIO}), "
            f"{kept['output_lost']} output events lost; untraced system calls beside a "
            f"capturing forkscope {per['write']:+.0f} ns per write, {per['getppid']:+.0f} ns "
            f"per getppid; {'target met' if ok else 'TARGET MISSED'}")
    print()
    print("bench: " + line, flush=True)
    return ok, line
