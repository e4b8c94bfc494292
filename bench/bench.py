#!/usr/bin/python3
"""Overhead of forkscope on a fork+exec storm and on a fork-only storm.

Runs bench/storm untraced and under `forkscope run --no-tui --json -o FILE -- storm ...`,
alternating, for several rounds; compares the storm's own loop time (CLOCK_MONOTONIC,
measured inside storm, so the tracer's start-up is excluded) and checks that the
recording holds every fork, exec and exit. Where an execsnoop is installed it is run
beside the exec storm as a reference. Stdlib only; run as root. See bench/README.md.

Exit status: 0 measured (and, with --strict, every target met), 1 error, 3 a target
missed under --strict.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TARGET_RATIO = 1.02
FORK_ONLY_FACTOR = 3  # fork-only children are ~3-4x cheaper: give that storm 3x as many
EXECSNOOP_READY_S = 20.0


class BenchError(Exception):
    """A failure that ends the bench with one line on stderr and exit status 1."""


def last_line(text, default):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else default


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def find_storm(args, workdir):
    """The storm binary: --storm, else next to forkscope, else compiled into workdir."""
    if args.storm:
        if not os.access(args.storm, os.X_OK):
            raise BenchError(f"storm not found: {args.storm} (run make bench)")
        return os.path.abspath(args.storm)
    near = os.path.join(os.path.dirname(os.path.abspath(args.forkscope)), "storm")
    if os.access(near, os.X_OK):
        return near
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "storm.c")
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or not os.path.exists(src):
        raise BenchError("storm not found and cannot be compiled (run make bench)")
    out = os.path.join(workdir, "storm")
    res = subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
                          src], capture_output=True, text=True)
    if res.returncode != 0:
        raise BenchError("cannot compile storm: " + last_line(res.stderr, "cc failed"))
    os.chmod(out, 0o755)
    return out


class Bench:
    def __init__(self, args, workdir, storm):
        self.args = args
        self.workdir = workdir
        self.storm = storm
        self.forkscope = os.path.abspath(args.forkscope)
        self.seq = 0
        self.cpu = pick_cpu(args)
        self.startup_cpu = 0

    def _paths(self, tag):
        """Fresh file names in the work dir; the storm file is pre-created writable by
        anyone, since under sudo forkscope runs the workload as the invoking user."""
        self.seq += 1
        base = os.path.join(self.workdir, f"{self.seq:04d}-{tag}")
        storm_out = base + ".storm"
        with open(storm_out, "w"):
            pass
        os.chmod(storm_out, 0o666)
        return base, storm_out

    def _storm_argv(self, mode, n, storm_out):
        argv = [self.storm, "--exec" if mode == "exec" else "--no-exec", "-o", storm_out]
        if self.cpu is not None:
            argv += ["--cpu", str(self.cpu)]
        return argv + [str(n)]

    def _timeout(self, n):
        return 60.0 + n * 0.05

    @staticmethod
    def _storm_figure(storm_out, what, key="storm_ns"):
        for line in read_text(storm_out).splitlines():
            if line.startswith(key + "="):
                try:
                    return int(line.split("=", 1)[1])
                except ValueError:
                    break
        raise BenchError(f"{what}: storm wrote no {key} figure")

    def run_untraced(self, mode, n):
        _, storm_out = self._paths(f"{mode}-untraced")
        argv = self._storm_argv(mode, n, storm_out)
        try:
            res = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True, timeout=self._timeout(n))
        except subprocess.TimeoutExpired:
            raise BenchError(f"untraced {mode} storm timed out") from None
        if res.returncode != 0:
            raise BenchError(f"untraced {mode} storm failed: "
                             + last_line(res.stderr, f"exit status {res.returncode}"))
        return self._storm_figure(storm_out, f"untraced {mode} storm")

    def run_traced(self, mode, n):
        """Storm under forkscope: (storm_ns, wall_ns, forkscope's own CPU ns, recording)."""
        base, storm_out = self._paths(f"{mode}-forkscope")
        rec = base + ".jsonl"
        errf = base + ".stderr"
        argv = [self.forkscope, "run", "--no-tui", "--json", "-o", rec, "--"]
        argv += self._storm_argv(mode, n, storm_out)
        t0 = time.monotonic_ns()
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(errf, "w") as err:
            try:
                res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=err, timeout=self._timeout(n))
            except subprocess.TimeoutExpired:
                raise BenchError(f"forkscope on the {mode} storm timed out") from None
        wall = time.monotonic_ns() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if res.returncode != 0:
            msg = last_line(read_text(errf), f"exit status {res.returncode}")
            raise BenchError(f"forkscope failed on the {mode} storm: {msg}")
        what = f"forkscope {mode} storm"
        ns = self._storm_figure(storm_out, what)
        # forkscope and everything it reaped, less what storm says its loop used.
        total = (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) * 1e9
        fs_cpu = max(0, int(total) - self._storm_figure(storm_out, what, "cpu_ns"))
        return ns, wall, fs_cpu, rec

    def preflight(self):
        """A one-child traced run: is forkscope there, and can it trace here?"""
        if not os.path.exists(self.forkscope):
            raise BenchError(f"forkscope not found: {self.args.forkscope} (run make)")
        if not os.access(self.forkscope, os.X_OK):
            raise BenchError(f"forkscope not executable: {self.args.forkscope}")
        base, storm_out = self._paths("preflight")
        rec = base + ".jsonl"
        argv = [self.forkscope, "run", "--no-tui", "--json", "-o", rec, "--"]
        argv += self._storm_argv("fork", 1, storm_out)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise BenchError("forkscope did not finish a one-child run in 120 s") from None
        except OSError as e:
            raise BenchError(f"cannot run forkscope: {e.strerror}") from None
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if res.returncode != 0:
            msg = last_line(res.stderr, f"exit status {res.returncode}")
            raise BenchError(f"forkscope cannot trace here (BPF unavailable?): {msg}")
        count_events(rec, 1, "fork")
        # forkscope's fixed cost (BPF load, set-up), taken off its per-event figure.
        self.startup_cpu = int((ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) * 1e9)


def pick_cpu(args):
    """The CPU storm is pinned to: the last one we may use, if there are two or more."""
    if args.no_pin:
        return None
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except OSError:
        return None
    return cpus[-1] if len(cpus) >= 2 else None


def count_events(rec, n, mode):
    """Count the storm's events in a recording against what must be there."""
    root = None
    c = {"fork": 0, "exec": 0, "exit": 0, "signal": 0, "lines": 0}
    end = None
    with open(rec, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                raise BenchError(f"{rec}: not JSON Lines: {line[:60]}") from None
            t = ev.get("type")
            if t == "header":
                root = ev.get("root_pid")
                continue
            if t == "end":
                end = ev
                continue
            c["lines"] += 1
            if t == "fork":
                # The root's own fork is synthesised by forkscope; count the storm's.
                if root is not None and ev.get("ppid") == root:
                    c["fork"] += 1
            elif t in ("exec", "exit", "signal"):
                c[t] += 1
    if root is None:
        raise BenchError(f"{rec}: no header line")
    if end is None:
        raise BenchError(f"{rec}: no end line (forkscope stopped early?)")
    c["lost"] = int(end.get("lost") or 0)
    c["end_events"] = int(end.get("events") or 0)
    c["exp_fork"] = n
    c["exp_exec"] = (n if mode == "exec" else 0) + 1
    c["exp_exit"] = n + 1
    return c


def tracefs_mounted():
    """Classic tracepoints (what execsnoop attaches to) need tracefs."""
    return any(os.path.isdir(d) for d in ("/sys/kernel/tracing/events",
                                          "/sys/kernel/debug/tracing/events"))


class Execsnoop:
    """An execsnoop running beside a storm; counts the lines for the storm's /bin/true."""

    def __init__(self, path):
        self.path = path
        self.proc = None
        self.lines = []
        self.err = []
        self.ready = threading.Event()

    @staticmethod
    def find():
        for name in ("execsnoop", "execsnoop-bpfcc"):
            p = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(
                f"/usr/sbin/{name}", os.X_OK) else None)
            if p:
                return p
        return None

    def _read_out(self):
        for line in self.proc.stdout:
            self.ready.set()
            self.lines.append(line)
        self.ready.set()

    def _read_err(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def start(self):
        """Start it and wait for its header (printed once attached); None or a reason."""
        argv = [self.path]
        stdbuf = shutil.which("stdbuf")
        if stdbuf:
            argv = [stdbuf, "-oL"] + argv
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, env=env,
                                         errors="replace")
        except OSError as e:
            return e.strerror
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self.ready.wait(EXECSNOOP_READY_S)
        status = self.proc.poll()
        if status is None and self.lines:
            return None
        self.stop()
        time.sleep(0.1)  # let the reader thread take its last words
        why = last_line("".join(self.err), "")
        if not tracefs_mounted():
            why = "tracefs not mounted" + (f": {why}" if why else "")
        if status is None:
            return why or f"no output within {EXECSNOOP_READY_S:.0f} s"
        return why or f"exited with status {status}"

    def stop(self):
        """Stop it; the number of lines for /bin/true it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.05)  # let the reader threads take the last lines
        return sum(1 for ln in self.lines if ln.split()[:1] == ["true"])


def fmt_ratio(r):
    return f"{r:.3f}"


def describe(values):
    return f"{min(values):.3f}..{max(values):.3f}"


def main():
    ap = argparse.ArgumentParser(description="forkscope overhead on fork(+exec) storms")
    ap.add_argument("--forkscope", default="build/forkscope", help="the forkscope binary")
    ap.add_argument("--storm", help="the storm binary (default: next to forkscope, else "
                    "compiled from bench/storm.c)")
    ap.add_argument("-n", type=int, help="children of the exec storm (default 2000; the "
                    f"fork-only storm gets {FORK_ONLY_FACTOR}x as many)")
    ap.add_argument("--rounds", type=int, help="rounds (default 11)")
    ap.add_argument("--quick", action="store_true", help="smoke run: N=200, 3 rounds")
    ap.add_argument("--no-execsnoop", action="store_true", help="do not run execsnoop")
    ap.add_argument("--no-pin", action="store_true", help="let storm run on any CPU "
                    "(default: pinned to one CPU, which makes the figures far less noisy)")
    ap.add_argument("--strict", action="store_true", help="exit 3 if a target is missed")
    ap.add_argument("--keep", action="store_true", help="keep the recordings (path printed)")
    args = ap.parse_args()
    n = args.n if args.n is not None else (200 if args.quick else 2000)
    rounds = args.rounds if args.rounds is not None else (3 if args.quick else 11)
    if n < 1 or rounds < 1:
        print("bench: -n and --rounds must be at least 1", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("bench: must run as root (forkscope needs BPF)", file=sys.stderr)
        return 1
    workdir = tempfile.mkdtemp(prefix="forkscope-bench-")
    try:
        os.chmod(workdir, 0o711)
        return bench(args, workdir, n, rounds)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"bench: files kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def bench(args, workdir, n, rounds):
    storm = find_storm(args, workdir)
    b = Bench(args, workdir, storm)
    b.preflight()
    snoop_path = None if args.no_execsnoop else Execsnoop.find()
    snoop_why = "skipped (--no-execsnoop)" if args.no_execsnoop else "not installed"
    storms = [("exec", n), ("fork", n * FORK_ONLY_FACTOR)]
    pin = f"storm pinned to CPU {b.cpu}" if b.cpu is not None else "storm not pinned"
    print(f"forkscope bench: {rounds} rounds; fork+exec storm N={n}, fork-only storm "
          f"N={n * FORK_ONLY_FACTOR}; kernel {platform.release()}, {os.cpu_count()} CPUs, "
          f"{pin}", flush=True)
    # Warm-up (page cache, CPU frequency), not counted.
    for mode, cnt in storms:
        b.run_untraced(mode, min(cnt, 200))

    res = {}  # (mode, variant) -> list of storm_ns, per round
    walls = {m: [] for m, _ in storms}
    fs_cpus = {m: [] for m, _ in storms}
    counts = {m: [] for m, _ in storms}
    snoop_seen = []
    for r in range(rounds):
        for mode, cnt in storms:
            variants = ["untraced", "forkscope"]
            if mode == "exec" and snoop_path:
                variants.append("execsnoop")
            # Rotate the order each round so that drift does not favour one variant.
            k = r % len(variants)
            for v in variants[k:] + variants[:k]:
                if v == "untraced":
                    ns = b.run_untraced(mode, cnt)
                elif v == "forkscope":
                    ns, wall, fs_cpu, rec = b.run_traced(mode, cnt)
                    walls[mode].append(wall)
                    fs_cpus[mode].append(fs_cpu)
                    counts[mode].append(count_events(rec, cnt, mode))
                    if not args.keep:
                        os.unlink(rec)
                else:
                    snoop = Execsnoop(snoop_path)
                    why = snoop.start()
                    if why:
                        snoop_path, snoop_why = None, why
                        continue
                    try:
                        ns = b.run_untraced(mode, cnt)
                    finally:
                        seen = snoop.stop()
                    snoop_seen.append(seen)
                res.setdefault((mode, v), []).append(ns)
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    return report(args, n, rounds, storms, res, (walls, fs_cpus, b.startup_cpu), counts,
                  snoop_seen, snoop_why)


def report(args, n, rounds, storms, res, costs, counts, snoop_seen, snoop_why):
    names = {"exec": "fork+exec", "fork": "fork-only"}
    print()
    print(f"{'storm':<10} {'run':<10} {'median ms':>10} {'ratio':>7} {'rounds min..max':>16} "
          f"{'best ms':>8} {'best ratio':>10}")
    medians = {}
    for mode, _ in storms:
        base = res[(mode, "untraced")]
        print(f"{names[mode]:<10} {'untraced':<10} {statistics.median(base) / 1e6:>10.1f} "
              f"{'1.000':>7} {'':>16} {min(base) / 1e6:>8.1f} {'1.000':>10}")
        for v in ("forkscope", "execsnoop"):
            if mode == "exec" and v == "execsnoop" and (mode, v) not in res:
                print(f"{names[mode]:<10} {v:<10} unavailable ({snoop_why})")
                continue
            if (mode, v) not in res:
                continue
            vals = res[(mode, v)]
            # Ratio per round against the untraced run of the same round, then the median.
            ratios = [t / u for t, u in zip(vals, base)]
            med = statistics.median(ratios)
            medians[(mode, v)] = med
            # Noise from other load only adds time: the best runs are a second estimate.
            print(f"{names[mode]:<10} {v:<10} {statistics.median(vals) / 1e6:>10.1f} "
                  f"{fmt_ratio(med):>7} {describe(ratios):>16} {min(vals) / 1e6:>8.1f} "
                  f"{fmt_ratio(min(vals) / min(base)):>10}")
    walls, fs_cpus, startup = costs
    print()
    print("forkscope's own cost per traced run (medians; informative, not a target):")
    print(f"  {'storm':<10} {'wall ms':>8} {'cpu ms':>8} {'us/event':>9}")
    for mode, _ in storms:
        w = statistics.median(walls[mode]) / 1e6
        c = statistics.median(fs_cpus[mode])
        evs = statistics.median(x["lines"] for x in counts[mode])
        per = max(c - startup, 0) / 1e3 / max(evs, 1)
        print(f"  {names[mode]:<10} {w:8.1f} {c / 1e6:8.1f} {per:9.1f}")
    print(f"  wall: start-up, storm and drain; cpu: forkscope's process alone; us/event: "
          f"after its start-up ({startup / 1e6:.1f} ms cpu, a one-child run)")

    print()
    print(f"events in the recordings ({rounds} traced runs per storm):")
    print(f"  {'storm':<10} {'kind':<7} {'captured':>9} {'expected':>9}")
    all_ok = True
    lost = 0
    miss_total = exp_total = 0
    for mode, _ in storms:
        for kind in ("fork", "exec", "exit"):
            got = sum(c[kind] for c in counts[mode])
            exp = sum(c["exp_" + kind] for c in counts[mode])
            exp_total += exp
            miss_total += max(exp - got, 0)
            mark = "" if got == exp else "  MISMATCH"
            all_ok = all_ok and got == exp
            print(f"  {names[mode]:<10} {kind:<7} {got:>9} {exp:>9}{mark}")
        sigs = sum(c["signal"] for c in counts[mode])
        print(f"  {names[mode]:<10} {'signal':<7} {sigs:>9} {'-':>9}  (SIGCHLD etc., not checked)")
        bad_end = sum(1 for c in counts[mode] if c["end_events"] != c["lines"])
        if bad_end:
            all_ok = False
            print(f"  {names[mode]:<10} end line 'events' differs from the lines in "
                  f"{bad_end} recordings")
        lost += sum(c["lost"] for c in counts[mode])
    print(f"  lost (end lines): {lost}")
    if snoop_seen:
        print(f"  execsnoop printed {sum(snoop_seen)} lines for true, expected "
              f"{n * len(snoop_seen)}")

    exec_r = medians[("exec", "forkscope")]
    fork_r = medians[("fork", "forkscope")]
    # Judged on the figure as printed (3 decimals).
    ratio_ok = round(exec_r, 3) <= TARGET_RATIO and round(fork_r, 3) <= TARGET_RATIO
    events_ok = all_ok and lost == 0
    snoop = (f"execsnoop {fmt_ratio(medians[('exec', 'execsnoop')])}"
             if ("exec", "execsnoop") in medians else f"execsnoop: unavailable ({snoop_why})")
    verdict = "targets met" if ratio_ok and events_ok else "TARGET MISSED"
    print()
    print(f"bench: forkscope/untraced median ratio fork+exec {fmt_ratio(exec_r)}, fork-only "
          f"{fmt_ratio(fork_r)} (target <= {TARGET_RATIO}); events "
          f"{exp_total - miss_total}/{exp_total} captured, {lost} lost; {snoop}; {verdict}")
    if args.strict and not (ratio_ok and events_ok):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
