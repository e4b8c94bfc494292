#!/usr/bin/python3
"""forkscope measured side by side with its peers. See bench/README.md.

Eight parts, each figure a ratio against a baseline run in the same invocation:

1. overhead: bench/storm (a fork+exec storm and a fork-only storm) untraced, under
   `forkscope run`, and while execsnoop, bpftrace and forkstat trace the system, alternated
   for several rounds; median ratios against the untraced run of the same round, the
   storm's events each tracer captured against those that happened, and what forkscope's
   programs cost per child from the kernel's BPF statistics (bench_kcost.py);
2. switch: bench/pingpong (two processes bouncing a byte over pipes, two context
   switches per bounce) untraced, traced by forkscope, and untraced while a forkscope
   traces something else; median ratios, and the time added to an untraced process's
   context switch while forkscope runs, in ns per switch;
3. ready: time from starting `forkscope run` until tracing is ready, beside execsnoop's
   (and bpftrace's and forkstat's);
4. replay: events per second of the recording reader (bench/replay_bench, alone and with
   the model) over a synthetic 1,000,000-event recording, beside `jq -c .`;
5. memory: peak RSS of a replay (reader and model) of 1,000,000 short-lived processes,
   beside the same replay of 1,000 and of 100,000 processes;
6. output: bench/flood (200 MB to stdout in 4 KiB writes) traced with output capture
   against the same writer into a pty drained by a plain reader, and the ns added to an
   untraced process's system calls while a forkscope captures output (bench_output.py);
7. keys: the live UI in a private tmux server answering keys (PgUp, End, ?, Tab...) while
   output floods in and during a fork storm, key-to-screen times against the same keys
   on an idle workload (bench_keys.py);
8. pyhook: the Python hook's cost, Pool.map over 100,000 chunksize=1 tasks and the start
   of a spawn child under `forkscope run` with the hook against `--no-pyhook`
   (bench_pyhook.py).

Stdlib only; run as root. Exit status: 0 measured (and, with --strict, every target met),
1 error, 3 a target missed under --strict.
"""

import argparse
import datetime
import io
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_kcost  # noqa: E402
import bench_keys  # noqa: E402
import bench_output  # noqa: E402
import bench_pyhook  # noqa: E402

TARGET_RATIO = 1.02  # overhead: traced / untraced
TARGET_REPLAY = 2.0  # reader events/s / jq's
TARGET_SWITCH_RATIO = 1.10  # pingpong traced / untraced
TARGET_SWITCH_NS = 100  # ns added to an untraced switch while forkscope traces
FORK_ONLY_FACTOR = 3  # fork-only children are ~3-4x cheaper: give that storm 3x as many
# The interleaved figure: children per turn, about 15 ms of either storm here (a turn
# short enough that the machine's speed hardly moves within two of them).
TURN_CHILDREN = {"exec": 25, "fork": 100}
PEER_READY_S = 60.0  # bpftrace compiles its script first
OTHERS_WAIT_S = 60.0  # a round waits at most this long for other forkscopes to end
PEER_DRAIN_S = 10.0
TRACEFS = "/sys/kernel/tracing"
NAMES = {"exec": "fork+exec", "fork": "fork-only"}
KINDS = ("fork", "exec", "exit")
PARTS = ("overhead", "switch", "ready", "replay", "memory", "output", "keys", "pyhook")

BPFTRACE_SCRIPT = r"""BEGIN { printf("ready\n"); }
tracepoint:sched:sched_process_fork { printf("fork %d %d\n", args->parent_pid, args->child_pid); }
tracepoint:sched:sched_process_exec { printf("exec %d\n", pid); }
tracepoint:sched:sched_process_exit /pid == tid/ { printf("exit %d\n", pid); }
"""


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


def median(values):
    return statistics.median(values) if values else None


def fmt_ratio(r):
    return "-" if r is None else f"{r:.3f}"


def describe(values):
    return f"{min(values):.3f}..{max(values):.3f}"


def kv_lines(text):
    """key=value lines (storm's and replay_bench's output) as a dict of ints."""
    out = {}
    for line in text.splitlines():
        key, sep, val = line.partition("=")
        if sep:
            try:
                out[key.strip()] = int(val)
            except ValueError:
                pass
    return out


# ---------------------------------------------------------------- set-up


def ensure_tracefs():
    """Mount tracefs when it is not mounted (execsnoop and bpftrace attach classic
    tracepoints, which need it; forkscope's tp_btf programs do not). Left mounted.
    Returns a note for the output, or None."""
    if os.path.isdir(os.path.join(TRACEFS, "events")) or os.path.isdir(
            "/sys/kernel/debug/tracing/events"):
        return None
    res = subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], capture_output=True,
                         text=True)
    if res.returncode != 0:
        return ("tracefs not mounted and mounting it failed: "
                + last_line(res.stderr, f"mount exit status {res.returncode}"))
    return f"mounted tracefs on {TRACEFS} for the peers (left mounted)"


def find_tool(*names):
    for name in names:
        if os.path.isabs(name):
            if os.access(name, os.X_OK):
                return name
            continue
        p = shutil.which(name)
        if p:
            return p
        for d in ("/usr/sbin", "/usr/bin", "/sbin"):
            if os.access(os.path.join(d, name), os.X_OK):
                return os.path.join(d, name)
    return None


def workload_paths(workdir, name, suffix):
    """(base, figure file) in the work dir; the figure file is made writable by anyone,
    since under sudo forkscope runs the workload as the invoking user."""
    base = os.path.join(workdir, name)
    out = base + suffix
    with open(out, "w"):
        pass
    os.chmod(out, 0o666)
    return base, out


def find_storm(args, workdir):
    """The storm binary: --storm, else next to forkscope, else compiled into workdir."""
    return find_workload(args, args.storm, "storm", workdir)


def find_workload(args, given, name, workdir):
    """A bench workload (storm, pingpong): GIVEN, else next to forkscope, else compiled
    from bench/NAME.c into workdir."""
    if given:
        if not os.access(given, os.X_OK):
            raise BenchError(f"{name} not found: {given} (run make bench)")
        return os.path.abspath(given)
    near = os.path.join(os.path.dirname(os.path.abspath(args.forkscope)), name)
    if os.access(near, os.X_OK):
        return near
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".c")
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or not os.path.exists(src):
        raise BenchError(f"{name} not found and cannot be compiled (run make bench)")
    out = os.path.join(workdir, name)
    res = subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
                          src], capture_output=True, text=True)
    if res.returncode != 0:
        raise BenchError(f"cannot compile {name}: " + last_line(res.stderr, "cc failed"))
    os.chmod(out, 0o755)
    return out


class Others:
    """Other forkscopes tracing on the machine (another user's, another checkout's). Their
    sched_switch and system-call programs run at every switch and system call of the
    machine, and their consumers take CPU: they skew the ratios. So each round first waits
    (up to OTHERS_WAIT_S) until none runs, and the rounds that began beside one anyway are
    counted."""

    def __init__(self):
        self.rounds = 0
        self.beside = 0
        self.waited = 0.0

    @staticmethod
    def _tracing(pid):
        """Whether process pid holds attached BPF programs (a replay holds none)."""
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            return False
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:bpf_link":
                    return True
            except OSError:
                pass
        return False

    @classmethod
    def running(cls):
        """PIDs of tracing forkscopes (at a round's start the bench runs none itself)."""
        return [int(d) for d in os.listdir("/proc")
                if d.isdigit() and read_text(f"/proc/{d}/comm").strip() == "forkscope"
                and cls._tracing(d)]

    def wait(self):
        """Before a round: wait for the others to end, at most OTHERS_WAIT_S."""
        self.rounds += 1
        t0 = time.monotonic()
        while self.running() and time.monotonic() - t0 < OTHERS_WAIT_S:
            time.sleep(0.2)
        self.waited += time.monotonic() - t0
        if self.running():
            self.beside += 1

    def line(self):
        return (f"  other forkscopes tracing: {self.beside} of {self.rounds} rounds began beside "
                f"one (a round waits up to {OTHERS_WAIT_S:.0f} s for them to end; "
                f"{self.waited:.0f} s waited in all)")


def machine_lines():
    """Date, machine and commit, printed first (and kept in RESULTS.md)."""
    cpu = "unknown CPU"
    for line in read_text("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    here = os.path.dirname(os.path.abspath(__file__))
    rev = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    commit = rev.stdout.strip() if rev.returncode == 0 else "unknown"
    if commit != "unknown":
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--", ":/src",
                                ":/bpf", ":/bench", ":/Makefile"], capture_output=True,
                               text=True)
        if dirty.stdout.strip():
            commit += " (with uncommitted changes)"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    mem = 0
    for line in read_text("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) // 1024
    return [f"date: {now}",
            f"machine: {os.cpu_count()} CPUs ({cpu}), {mem} MiB, kernel {platform.release()}",
            f"commit: {commit}"]


# ---------------------------------------------------------------- peers


class Peer:
    """A system-wide tracer run around one storm: output to a file, ready when its header
    is there and a probe exec shows in its output, stopped with SIGINT after."""

    def __init__(self, name, path, workdir, seq):
        self.name = name
        self.path = path
        base = os.path.join(workdir, f"{seq:04d}-{name}")
        self.out = base + ".out"
        self.errf = base + ".err"
        self.script = base + ".bt"
        self.proc = None
        self.cpu0 = 0

    def argv(self):
        if self.name == "execsnoop":
            stdbuf = shutil.which("stdbuf")
            return ([stdbuf, "-oL"] if stdbuf else []) + [self.path]
        if self.name == "bpftrace":
            with open(self.script, "w") as f:
                f.write(BPFTRACE_SCRIPT)
            # To a file through stdout: with -o FILE it holds its output back until exit.
            return [self.path, self.script]
        return [self.path, "-l", "-e", "fork,exec,exit"]  # forkstat

    def is_header(self, line):
        if self.name == "execsnoop":
            return line.startswith("PCOMM")
        if self.name == "bpftrace":
            return line.strip() == "ready"
        return line.startswith("Time")  # forkstat

    def _lines(self):
        return read_text(self.out).splitlines()

    def _wait(self, pred, timeout):
        """Poll the output file until pred(lines) holds; True, or False on timeout/exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self._lines()):
                return True
            if self.proc.poll() is not None:
                return pred(self._lines())
            time.sleep(0.01)
        return False

    def start(self):
        """Start it and wait until it is ready; None, or why it is not available."""
        argv = self.argv()
        try:
            with open(self.out, "w") as out, open(self.errf, "w") as err:
                self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=err)
        except OSError as e:
            return e.strerror
        why = None
        if not self._wait(lambda ls: any(self.is_header(ln) for ln in ls), PEER_READY_S):
            why = "no header"
        else:
            # A probe exec must show: then its probes are attached and its output flows.
            for _ in range(20):
                probe = subprocess.Popen(["/bin/true"])
                probe.wait()
                tok = str(probe.pid)
                if self._wait(lambda ls: any(tok in ln.split() for ln in ls), 1.0):
                    break
            else:
                why = "a probe exec never showed in its output"
        if why:
            status = self.proc.poll()
            self.stop()
            msg = last_line(read_text(self.errf), "")
            if status is not None:
                why = f"exited with status {status}"
            return f"{why}: {msg}" if msg else why
        self.cpu0 = self.cpu_ns()
        return None

    def cpu_ns(self):
        """Its CPU time so far: the run time of its threads in ns (/proc/PID/task/*/schedstat),
        else utime + stime in clock ticks (/proc/PID/stat)."""
        task = f"/proc/{self.proc.pid}/task"
        try:
            ns = sum(int(read_text(f"{task}/{t}/schedstat").split()[0])
                     for t in os.listdir(task))
            if ns > 0:  # 0 where the kernel keeps no scheduler statistics
                return ns
        except (OSError, IndexError, ValueError):
            pass
        try:
            fields = read_text(f"/proc/{self.proc.pid}/stat").rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf(
                "SC_CLK_TCK")
        except (IndexError, ValueError):
            return 0

    def drain(self):
        """Wait until its output stops growing; its CPU time during the storm."""
        deadline = time.monotonic() + PEER_DRAIN_S
        size, still = -1, 0
        while time.monotonic() < deadline and still < 3:
            try:
                now = os.path.getsize(self.out)
            except OSError:
                now = 0
            still = still + 1 if now == size else 0
            size = now
            time.sleep(0.1)
        return self.cpu_ns() - self.cpu0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def count(self, storm_pid, n, mode):
        """The storm's events in the output: {kind: captured or None if not traced}."""
        lines = self._lines()
        c = {"fork": 0, "exec": 0, "exit": 0}
        ours = {storm_pid}
        if self.name == "execsnoop":
            c["fork"] = c["exit"] = None
            for ln in lines:
                f = ln.split()
                if len(f) >= 3 and f[1].isdigit() and f[2].isdigit() and (
                        int(f[1]) == storm_pid or int(f[2]) == storm_pid):
                    c["exec"] += 1
        elif self.name == "bpftrace":
            for ln in lines:
                f = ln.split()
                if len(f) == 3 and f[0] == "fork" and f[1] == str(storm_pid):
                    c["fork"] += 1
                    ours.add(int(f[2]))
            for ln in lines:
                f = ln.split()
                if len(f) == 2 and f[0] in ("exec", "exit") and f[1].isdigit() and \
                        int(f[1]) in ours:
                    c[f[0]] += 1
        else:  # forkstat: "TIME fork PARENT parent ..." then "TIME fork CHILD child ..."
            parent = None
            for ln in lines:
                f = ln.split()
                if len(f) >= 4 and f[1] == "fork" and f[2].isdigit():
                    if f[3] == "parent":
                        parent = int(f[2])
                    elif f[3] == "child" and parent == storm_pid:
                        c["fork"] += 1
                        ours.add(int(f[2]))
                    elif f[3] == "child" and parent == 0:
                        # It names no parent: whose child it is cannot be told.
                        c["no_parent"] = c.get("no_parent", 0) + 1
            for ln in lines:
                f = ln.split()
                if len(f) >= 3 and f[1] in ("exec", "exit") and f[2].isdigit() and \
                        int(f[2]) in ours:
                    c[f[1]] += 1
        lost = 0
        for ln in lines + read_text(self.errf).splitlines():
            m = re.search(r"[Ll]ost (\d+) events", ln)
            if m:
                lost += int(m.group(1))
        c["lost"] = lost
        exp = expected(n, mode)
        for k in KINDS:
            c["exp_" + k] = exp[k] if c[k] is not None else None
        return c


def expected(n, mode):
    """The storm's events: its N children's forks, their execs and storm's own, every
    exit (the children's and storm's)."""
    return {"fork": n, "exec": (n if mode == "exec" else 0) + 1, "exit": n + 1}


def find_peers(args):
    """{name: path or None} for the peers asked for."""
    wanted = [] if args.no_peers else [p for p in args.peers.split(",") if p]
    found = {}
    for name in wanted:
        if name == "execsnoop":
            found[name] = find_tool("/usr/sbin/execsnoop", "execsnoop", "execsnoop-bpfcc")
        elif name == "bpftrace":
            found[name] = find_tool("bpftrace")
        elif name == "forkstat":
            found[name] = find_tool("forkstat")
        else:
            raise BenchError(f"unknown peer: {name} (execsnoop, bpftrace, forkstat)")
    return found


# ---------------------------------------------------------------- part 1: overhead


# The tracer without the output program (sys_exit): what issue 9's switch targets measure.
LEAN = ["--no-capture", "--no-pyhook"]
LEAN_TOOL = "fs-lean"  # its name in the overhead part's tables


class Overhead:
    def __init__(self, args, workdir, storm):
        self.args = args
        self.workdir = workdir
        self.storm = storm
        self.forkscope = os.path.abspath(args.forkscope)
        self.seq = 0
        self.cpu = pick_cpu(args)
        self.startup_cpu = 0

    def _paths(self, tag):
        """Fresh file names in the work dir and the storm's figure file."""
        self.seq += 1
        return workload_paths(self.workdir, f"{self.seq:04d}-{tag}", ".storm")

    def _storm_argv(self, mode, n, storm_out, extra=()):
        argv = [self.storm, "--exec" if mode == "exec" else "--no-exec", "-o", storm_out]
        if self.cpu is not None:
            argv += ["--cpu", str(self.cpu)]
        return argv + list(extra) + [str(n)]

    @staticmethod
    def _timeout(n):
        return 60.0 + n * 0.05

    @staticmethod
    def _storm_figure(storm_out, what, key="storm_ns"):
        val = kv_lines(read_text(storm_out)).get(key)
        if val is None:
            raise BenchError(f"{what}: storm wrote no {key} figure")
        return val

    def run_untraced(self, mode, n):
        """The storm alone: (storm_ns, storm's cpu_ns, storm's PID)."""
        _, storm_out = self._paths(f"{mode}-untraced")
        argv = self._storm_argv(mode, n, storm_out)
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        try:
            _, err = proc.communicate(timeout=self._timeout(n))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchError(f"untraced {mode} storm timed out") from None
        if proc.returncode != 0:
            raise BenchError(f"untraced {mode} storm failed: "
                             + last_line(err, f"exit status {proc.returncode}"))
        what = f"untraced {mode} storm"
        return (self._storm_figure(storm_out, what),
                self._storm_figure(storm_out, what, "cpu_ns"), proc.pid)

    def run_traced(self, mode, n, lean=False):
        """Storm under forkscope (lean: --no-capture --no-pyhook, the tracer without the
        output program): (storm_ns, storm's cpu_ns, wall_ns, forkscope's own CPU ns,
        recording)."""
        base, storm_out = self._paths(f"{mode}-{LEAN_TOOL if lean else 'forkscope'}")
        rec = base + ".jsonl"
        errf = base + ".stderr"
        argv = ([self.forkscope, "run", "--no-tui", "--json", "-o", rec] + (LEAN if lean else [])
                + ["--"])
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
        scpu = self._storm_figure(storm_out, what, "cpu_ns")
        fs_cpu = max(0, int(total) - scpu)
        return ns, scpu, wall, fs_cpu, rec

    def run_interleaved(self, mode, n, variant):
        """Two storms that take turns on one CPU (storm --turns), TURN_CHILDREN[mode]
        children a turn: one under forkscope (variant: "forkscope" or LEAN_TOOL; "untraced",
        the control: neither is traced), one untraced beside it. A drift of the machine's
        speed (several per cent from one storm to the next here) meets both alike.
        (traced storm_ns, untraced storm_ns, their cpu_ns, the recording or None)."""
        lean = variant == LEAN_TOOL
        tag = f"{mode}-{variant}-turns"
        base, traced_out = self._paths(tag)
        _, plain_out = self._paths(f"{mode}-untraced-turns")
        rec, errf = base + ".jsonl", base + ".stderr"
        fifos = [base + ".turn-traced", base + ".turn-untraced"]
        for f in fifos:
            if os.path.exists(f):
                os.unlink(f)
            os.mkfifo(f)
        turns = [str(TURN_CHILDREN[mode])]
        traced = self._storm_argv(mode, n, traced_out, ["--turns"] + fifos + turns)
        if variant == "untraced":
            rec = None
        else:
            traced = ([self.forkscope, "run", "--no-tui", "--json", "-o", rec]
                      + (LEAN if lean else []) + ["--"] + traced)
        plain = self._storm_argv(mode, n, plain_out, ["--turns"] + fifos[::-1] + turns
                                 + ["--second"])
        procs = []
        try:
            with open(errf, "w") as err:
                procs.append(subprocess.Popen(traced, stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=err))
                procs.append(subprocess.Popen(plain, stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=err))
                for p in procs:
                    p.wait(timeout=self._timeout(2 * n))
        except subprocess.TimeoutExpired:
            raise BenchError(f"the interleaved {mode} storms timed out") from None
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            for f in fifos:
                os.unlink(f)
        if any(p.returncode != 0 for p in procs):
            msg = last_line(read_text(errf), "exit status "
                            + ", ".join(str(p.returncode) for p in procs))
            raise BenchError(f"the interleaved {mode} storms failed: {msg}")
        what = f"interleaved {mode} storm"
        return (self._storm_figure(traced_out, what), self._storm_figure(plain_out, what),
                self._storm_figure(traced_out, what, "cpu_ns"),
                self._storm_figure(plain_out, what, "cpu_ns"), rec)

    def run_peer(self, name, path, mode, n):
        """The storm while a peer traces the system: (storm_ns, storm's cpu_ns, peer cpu
        ns, counts), or a string saying why the peer is not available."""
        self.seq += 1
        peer = Peer(name, path, self.workdir, self.seq)
        why = peer.start()
        if why:
            return why
        try:
            ns, scpu, pid = self.run_untraced(mode, n)
            cpu = peer.drain()
        finally:
            peer.stop()
        counts = peer.count(pid, n, mode)
        if not self.args.keep:
            for p in (peer.out, peer.errf, peer.script):
                if os.path.exists(p):
                    os.unlink(p)
        return ns, scpu, cpu, counts

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
    """Count the storm's events in a forkscope recording against what must be there."""
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
    for k, v in expected(n, mode).items():
        c["exp_" + k] = v
    return c


def overhead_kernel_cost(b, workdir, storms, res, others):
    """The overhead part's in-kernel figure (bench_kcost.py): one more storm per storm and
    forkscope variant with the kernel's BPF statistics on."""
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    rows = []
    beside = {}  # (mode, variant) -> the programs' ns per child of an untraced storm
    for mode, cnt in storms:
        for v in ("forkscope", LEAN_TOOL):
            for how, fn in ((v, bench_kcost.measure), (BESIDE[v], bench_kcost.measure_beside)):
                others.wait()
                base, storm_out = b._paths(f"{mode}-kcost-{how}")
                rec = base + ".jsonl"
                argv = ([b.forkscope, "run", "--no-tui", "-o", rec]
                        + (LEAN if v == LEAN_TOOL else []))
                got = fn(bpftool, argv, b._storm_argv(mode, cnt, storm_out), storm_out,
                         workdir, b._timeout(cnt))
                rows.append((NAMES[mode], how, cnt, got))
                if fn is bench_kcost.measure_beside and not isinstance(got, str):
                    beside[(mode, v)] = sum(ns for ns, _ in got.values()) / cnt
                if not b.args.keep and os.path.exists(rec):
                    os.unlink(rec)
    child = {NAMES[m]: median(res[(m, "untraced")]) / c for m, c in storms}
    lines = bench_kcost.report(rows, child)
    lines.append(f"  {BESIDE['forkscope']}, {BESIDE[LEAN_TOOL]}: the same storm untraced, "
                 "beside a forkscope (or one run lean) that traces a sleep:\n  what its "
                 "programs cost a process it does not trace (with the statistics' own cost "
                 "of some\n  50 ns a run: an upper bound)")
    share = {k: ns / (child[NAMES[k[0]]]) for k, ns in beside.items() if child[NAMES[k[0]]]}
    return lines, share


TURNS = {"forkscope": "fs-turns", LEAN_TOOL: "lean-turns"}  # their rows in the events table
BESIDE = {"forkscope": "beside fs", LEAN_TOOL: "beside ln"}  # the in-kernel figure's rows
FS_ROWS = ("forkscope", LEAN_TOOL) + tuple(TURNS.values())  # the events table's forkscopes


def overhead_interleaved(b, storms, rounds, others, counts):
    """The interleaved figure: ROUNDS pairs of storms taking turns per storm and forkscope
    variant (Overhead.run_interleaved), printed; returns {(mode, variant): the median of the
    pairs' ratios}. The recordings' counts go into counts under TURNS' names."""
    ratios, cpus = {}, {}
    variants = ["forkscope", LEAN_TOOL, "untraced"]
    for r in range(rounds):
        for mode, cnt in storms:
            k = r % len(variants)
            for v in variants[k:] + variants[:k]:
                if v == "untraced" and r % 2:  # the control: every other round
                    continue
                others.wait()
                t_ns, u_ns, t_cpu, u_cpu, rec = b.run_interleaved(mode, cnt, v)
                ratios.setdefault((mode, v), []).append(t_ns / u_ns)
                if u_cpu > 0:
                    cpus.setdefault((mode, v), []).append(t_cpu / u_cpu)
                if rec:
                    counts.setdefault((mode, TURNS[v]), []).append(count_events(rec, cnt, mode))
                    if not b.args.keep:
                        os.unlink(rec)
        print(f"  interleaved pair {r + 1}/{rounds} done", file=sys.stderr, flush=True)
    print(f"interleaved: {rounds} pairs each ({(rounds + 1) // 2} for the control); a storm under "
          "forkscope and an untraced one\n  beside it take turns on one CPU,")
    print("  " + " or ".join(f"{TURN_CHILDREN[m]} {NAMES[m]}" for m, _ in storms)
          + " children a turn")
    print(f"{'storm':<10} {'tracer':<10} {'ratio':>7} {'pairs min..max':>16} {'cpu ratio':>9}")
    for mode, _ in storms:
        for v in variants:
            rs = ratios[(mode, v)]
            print(f"{NAMES[mode]:<10} {v:<10} {fmt_ratio(median(rs)):>7} {describe(rs):>16} "
                  f"{fmt_ratio(median(cpus.get((mode, v)) or [0])):>9}")
    print("  ratio: median of the pairs' traced / untraced storm time (the target): the two "
          "storms meet the same\n  drift of the machine's speed, which moves a storm alone by "
          "several per cent from one run to the\n  next (the rounds above); the untraced storm "
          "runs beside forkscope, so what forkscope costs the\n  machine's other processes is "
          "left out here: see 'beside' below and the switch part; untraced: the control, two "
          "untraced\n  storms paired the same way (the first of them in the traced one's "
          "place)")
    return {k: median(v) for k, v in ratios.items()}


def part_overhead(args, workdir, storm, n, rounds, pairs, peers):
    """Part 1; returns (targets met, summary line)."""
    b = Overhead(args, workdir, storm)
    b.preflight()
    unavailable = {name: "not installed" for name, path in peers.items() if not path}
    live = [name for name, path in peers.items() if path]
    storms = [("exec", n), ("fork", n * FORK_ONLY_FACTOR)]
    pin = f"storm pinned to CPU {b.cpu}" if b.cpu is not None else "storm not pinned"
    print(f"== overhead: {rounds} rounds; fork+exec storm N={n}, fork-only storm "
          f"N={n * FORK_ONLY_FACTOR}; {pin}", flush=True)
    for mode, cnt in storms:  # warm-up (page cache, CPU frequency), not counted
        b.run_untraced(mode, min(cnt, 200))

    res = {}  # (mode, tool) -> [storm_ns per round]
    scpus = {}  # (mode, tool) -> [storm's cpu_ns per round]
    cpu = {}  # (mode, tool) -> [tracer cpu ns per run]
    counts = {}  # (mode, tool) -> [count dicts]
    walls = {m: [] for m, _ in storms}
    others = Others()
    for r in range(rounds):
        for mode, cnt in storms:
            others.wait()
            variants = (["untraced", "forkscope", LEAN_TOOL]
                        + [p for p in live if p not in unavailable])
            k = r % len(variants)  # rotate: slow drift must not favour one variant
            for v in variants[k:] + variants[:k]:
                if v == "untraced":
                    ns, scpu, _ = b.run_untraced(mode, cnt)
                elif v in ("forkscope", LEAN_TOOL):
                    ns, scpu, wall, fs_cpu, rec = b.run_traced(mode, cnt, v == LEAN_TOOL)
                    if v == "forkscope":
                        walls[mode].append(wall)
                    cpu.setdefault((mode, v), []).append(max(fs_cpu - b.startup_cpu, 0))
                    counts.setdefault((mode, v), []).append(count_events(rec, cnt, mode))
                    if not args.keep:
                        os.unlink(rec)
                else:
                    got = b.run_peer(v, peers[v], mode, cnt)
                    if isinstance(got, str):
                        unavailable[v] = got
                        continue
                    ns, scpu, peer_cpu, c = got
                    cpu.setdefault((mode, v), []).append(peer_cpu)
                    counts.setdefault((mode, v), []).append(c)
                res.setdefault((mode, v), []).append(ns)
                scpus.setdefault((mode, v), []).append(scpu)
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    # A peer that failed in a later round is dropped from every round's figures.
    tools = ["forkscope", LEAN_TOOL] + [p for p in live if p not in unavailable]
    peer_tools = tools[2:]
    print()
    print(f"{'storm':<10} {'tracer':<10} {'median ms':>10} {'ratio':>7} {'rounds min..max':>16} "
          f"{'best ratio':>10} {'cpu ratio':>9} {'tracer cpu ms':>14}")
    medians = {}
    for mode, _ in storms:
        base = res[(mode, "untraced")]
        print(f"{NAMES[mode]:<10} {'untraced':<10} {median(base) / 1e6:>10.1f} {'1.000':>7} "
              f"{'':>16} {'1.000':>10} {'1.000':>9} {'':>14}")
        for v in tools:
            vals = res.get((mode, v))
            if not vals:
                continue
            # Ratio per round against the untraced run of the same round, then the median;
            # other load only adds time, so the best runs give a second estimate.
            ratios = [t / u for t, u in zip(vals, base)]
            medians[(mode, v)] = median(ratios)
            cpu_r = median([t / u for t, u in zip(scpus[(mode, v)], scpus[(mode, "untraced")])
                            if u > 0])
            print(f"{NAMES[mode]:<10} {v:<10} {median(vals) / 1e6:>10.1f} "
                  f"{fmt_ratio(medians[(mode, v)]):>7} {describe(ratios):>16} "
                  f"{fmt_ratio(min(vals) / min(base)):>10} {fmt_ratio(cpu_r):>9} "
                  f"{median(cpu[(mode, v)]) / 1e6:>14.1f}")
    for name, why in unavailable.items():
        print(f"{'':<10} {name:<10} unavailable ({why})")
    print("  ratio: median of the per-round ratios of storm's time, traced / untraced (storms "
          "run one after\n  another: the peers' figure; forkscope's target is the interleaved "
          "one below); cpu ratio: the\n  same for storm's CPU time (its children's included); "
          "tracer cpu: the tracer's own CPU time per "
          f"storm (forkscope: less its start-up of {b.startup_cpu / 1e6:.1f} ms);\n"
          f"  {LEAN_TOOL}: forkscope {' '.join(LEAN)}, the tracer without the output program "
          "(which every system call of\n  the machine pays for while output or the channel "
          "is captured)")
    print(others.line())
    print()
    inter = overhead_interleaved(b, storms, pairs, others, counts)
    print()
    kcost, beside = overhead_kernel_cost(b, workdir, storms, res, others)
    for line in kcost:
        print(line)
    print()
    # the whole machine's view: the traced storm's ratio, and the untraced one's share
    told = {}
    for mode, _ in storms:
        for v in ("forkscope", LEAN_TOOL):
            if (mode, v) in beside:
                told[(mode, v)] = inter[(mode, v)] * (1 + beside[(mode, v)])
    if told:
        print("all told (interleaved ratio x (1 + beside share), an upper bound): " + "; ".join(
            f"{NAMES[m]} " + " and ".join(
                f"{v} {fmt_ratio(told[(m, v)])}" for v in ("forkscope", LEAN_TOOL)
                if (m, v) in told) for m, _ in storms))
        print()
    for mode, _ in storms:
        evs = median([c["lines"] for c in counts[(mode, "forkscope")]])
        per = median(cpu[(mode, "forkscope")]) / 1e3 / max(1, evs)
        print(f"forkscope on the {NAMES[mode]} storm (medians): {median(walls[mode]) / 1e6:.1f} "
              f"ms wall (start-up, storm, drain), {per:.1f} us of its CPU per event")

    print()
    print(f"events of the storm captured / expected (summed over {rounds} rounds):")
    print(f"  {'storm':<10} {'tracer':<10} {'fork':>13} {'exec':>13} {'exit':>13} "
          f"{'lost':>6}  complete")
    complete = {}
    fs_lost = 0
    fs_got = fs_exp = 0
    for mode, _ in storms:
        for v in tools + list(TURNS.values()):
            cs = counts.get((mode, v))
            if not cs:
                continue
            cells, ok = [], True
            for kind in KINDS:
                if cs[0]["exp_" + kind] is None:
                    cells.append("-")
                    continue
                got = sum(c[kind] for c in cs)
                exp = sum(c["exp_" + kind] for c in cs)
                ok = ok and got == exp
                cells.append(f"{got}/{exp}")
                if v in FS_ROWS:
                    fs_got += min(got, exp)
                    fs_exp += exp
            lost = sum(c["lost"] for c in cs)
            if v in FS_ROWS:
                fs_lost += lost
                if any(c["end_events"] != c["lines"] for c in cs):
                    ok = False
                    print(f"  {NAMES[mode]:<10} {v}: end line 'events' differs from the "
                          "recording's lines")
            complete[(mode, v)] = ok and lost == 0
            print(f"  {NAMES[mode]:<10} {v:<10} {cells[0]:>13} {cells[1]:>13} {cells[2]:>13} "
                  f"{lost:>6}  {'yes' if complete[(mode, v)] else 'NO'}")
    print("  -: not traced by that tool (execsnoop sees execs only); lost: as the tool "
          f"reports it;\n  {TURNS['forkscope']}, {TURNS[LEAN_TOOL]}: the interleaved figure's "
          "recordings (forkscope, and forkscope run lean)")
    for mode, _ in storms:
        for v in tools:
            orphans = sum(c.get("no_parent", 0) for c in counts.get((mode, v), []))
            if orphans:
                print(f"  {NAMES[mode]}: {v} printed {orphans} forks with parent 0 (no parent): "
                      "their forks, execs and exits are not counted")

    # forkscope is compared with a peer on each storm where the peer traces every kind
    # of event the storm has (execsnoop on the fork-only storm traces none of them).
    # The target is the interleaved ratio: the rounds' ratios spread too far to tell 1.02.
    fs_ok = all(round(inter[(m, "forkscope")], 3) <= TARGET_RATIO for m, _ in storms)
    events_ok = fs_got == fs_exp and fs_lost == 0 and all(
        complete[(m, v)] for m, _ in storms for v in FS_ROWS if (m, v) in complete)
    worse = []
    for mode, _ in storms:
        for v in peer_tools:
            if (mode, v) not in medians or (v == "execsnoop" and mode == "fork"):
                continue
            if round(medians[(mode, "forkscope")], 3) > round(medians[(mode, v)], 3):
                worse.append(f"{v} on {NAMES[mode]}")
    peers_ok = not worse and len(peer_tools) > 0
    peer_txt = "; ".join(
        f"{NAMES[m]}: " + ", ".join(f"{v} {fmt_ratio(medians[(m, v)])}" for v in peer_tools
                                    if (m, v) in medians) for m, _ in storms)
    if not peer_tools:
        peer_txt = "none"
    better = ("better than every peer" if peers_ok else
              ("no peer measured" if not peer_tools else
               "NOT better than " + ", ".join(worse)))
    ok = fs_ok and events_ok
    told_txt = ", ".join(f"{NAMES[m]} {fmt_ratio(told[(m, 'forkscope')])}" for m, _ in storms
                         if (m, "forkscope") in told) or "not measured"
    line = (f"overhead: forkscope interleaved fork+exec {fmt_ratio(inter[('exec', 'forkscope')])}, "
            f"fork-only {fmt_ratio(inter[('fork', 'forkscope')])} (target <= {TARGET_RATIO}; "
            f"tracer only {fmt_ratio(inter[('exec', LEAN_TOOL)])} and "
            f"{fmt_ratio(inter[('fork', LEAN_TOOL)])}; all told {told_txt}); in alternated "
            f"rounds {fmt_ratio(medians[('exec', 'forkscope')])} and "
            f"{fmt_ratio(medians[('fork', 'forkscope')])}; events {fs_got}/{fs_exp}, {fs_lost} "
            f"lost; peers {peer_txt}; {better} (in the rounds); "
            f"{'targets met' if ok else 'TARGET MISSED'}")
    print()
    print("bench: " + line, flush=True)
    return ok, line


# ---------------------------------------------------------------- part 2: switch


class Switch:
    """The context-switch storm (bench/pingpong) untraced, traced by forkscope, and
    untraced while forkscope traces something else (a bystander)."""

    def __init__(self, args, workdir, pingpong):
        self.args = args
        self.workdir = workdir
        self.pingpong = pingpong
        self.forkscope = os.path.abspath(args.forkscope)
        self.cpu = pick_cpu(args)
        self.seq = 0

    def _paths(self, tag):
        """A fresh base name and pingpong's figure file."""
        self.seq += 1
        return workload_paths(self.workdir, f"{self.seq:04d}-pp-{tag}", ".pp")

    def _argv(self, n, out):
        argv = [self.pingpong, "-o", out]
        if self.cpu is not None:
            argv += ["--cpu", str(self.cpu)]
        return argv + [str(n)]

    @staticmethod
    def _timeout(n):
        return 60.0 + n * 0.0005

    @staticmethod
    def _figures(out, what):
        kv = kv_lines(read_text(out))
        if "pingpong_ns" not in kv or "switches" not in kv:
            raise BenchError(f"{what}: pingpong wrote no figures")
        return kv

    def untraced(self, n, what="untraced pingpong"):
        """pingpong alone: its figures (pingpong_ns, switches, cpu_ns)."""
        _, out = self._paths("untraced")
        proc = subprocess.Popen(self._argv(n, out), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=self._timeout(n))
        except BaseException as e:  # timed out or interrupted: pingpong and its child
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if isinstance(e, subprocess.TimeoutExpired):
                raise BenchError(f"{what} timed out") from None
            raise
        if proc.returncode != 0:
            raise BenchError(f"{what} failed: " + last_line(err, f"exit status "
                                                            f"{proc.returncode}"))
        return self._figures(out, what)

    def traced(self, n, lean=False):
        """pingpong under `forkscope run -o REC` (lean: with --no-capture --no-pyhook, the
        tracer without the output program): (its figures, the recording's counts)."""
        base, out = self._paths("traced-lean" if lean else "traced")
        rec = base + ".jsonl"
        errf = base + ".stderr"
        argv = ([self.forkscope, "run", "--no-tui", "-o", rec] + (LEAN if lean else [])
                + ["--"] + self._argv(n, out))
        with open(errf, "w") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
            try:
                proc.wait(self._timeout(n))
            except subprocess.TimeoutExpired:
                stop_forkscope(proc)
                raise BenchError("forkscope on pingpong timed out") from None
        if proc.returncode != 0:
            msg = last_line(read_text(errf), f"exit status {proc.returncode}")
            raise BenchError(f"forkscope failed on pingpong: {msg}")
        kv = self._figures(out, "forkscope on pingpong")
        counts = count_runs(rec)
        if not self.args.keep:
            os.unlink(rec)
        return kv, counts

    def bystander(self, n, lean=False):
        """pingpong untraced while `forkscope run -- sleep` traces something else (lean:
        with --no-capture --no-pyhook): its figures, and the run lines the bystander's
        recording has (its own sleep's only)."""
        base, _ = self._paths("bystander-lean-rec" if lean else "bystander-rec")
        rec = base + ".jsonl"
        errf = base + ".stderr"
        argv = ([self.forkscope, "run", "--no-tui", "-o", rec, "--duration", "600"]
                + (LEAN if lean else []) + ["--", "sleep", "600"])
        with open(errf, "w") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
        try:
            # Tracing is ready once the sleep's exec is recorded (forkscope lets its
            # workload run only once its programs are attached).
            deadline = time.monotonic() + 60
            while '"type":"exec"' not in read_text(rec):
                if proc.poll() is not None:
                    raise BenchError("the bystander forkscope exited early: "
                                     + last_line(read_text(errf), f"exit status "
                                                 f"{proc.returncode}"))
                if time.monotonic() > deadline:
                    raise BenchError("the bystander forkscope did not start its sleep in 60 s")
                time.sleep(0.02)
            kv = self.untraced(n, "pingpong beside a tracing forkscope")
        finally:
            stop_forkscope(proc)
        counts = count_runs(rec, need_end=False)
        if not self.args.keep:
            os.unlink(rec)
        return kv, counts

    def floor(self, n):
        """pingpong untraced beside an empty tp_btf/sched_switch program (bench/empty_switch):
        what any such program costs a switch here. Its figures, or None without the tool."""
        tool = os.path.join(os.path.dirname(self.forkscope), "empty_switch")
        obj = tool + ".bpf.o"
        if not (os.access(tool, os.X_OK) and os.path.exists(obj)):
            return None
        proc = subprocess.Popen([tool, obj], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            if proc.stdout.readline().strip() != "attached":
                return None
            return self.untraced(n, "pingpong beside an empty switch program")
        finally:
            proc.terminate()
            proc.wait()

    def preflight(self):
        """A short traced run: is forkscope there, can it trace here, does pingpong run?"""
        if not os.access(self.forkscope, os.X_OK):
            raise BenchError(f"forkscope not found: {self.args.forkscope} (run make)")
        self.untraced(1000)
        self.traced(1000)


def stop_forkscope(proc):
    """Stop a `forkscope run`: SIGINT (it ends its workload and writes the end line), then
    SIGKILL after 15 s (its watchdog then ends the workload)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def count_runs(rec, need_end=True):
    """The run lines of a recording: {'runs', 'switches' (their sum), 'span_ns' (first
    t_ns to last end_ns), 'lines' (event lines), 'end_events', 'lost'}."""
    c = {"runs": 0, "switches": 0, "lines": 0, "lost": 0, "end_events": None}
    first = last = None
    header = False
    with open(rec, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                if need_end:
                    raise BenchError(f"{rec}: not JSON Lines: {line[:60]}") from None
                continue  # a bystander stopped while writing: its last line may be cut
            t = ev.get("type")
            if t == "header":
                header = True
            elif t == "end":
                c["lost"] = int(ev.get("lost") or 0)
                c["end_events"] = int(ev.get("events") or 0)
            else:
                c["lines"] += 1
                if t == "run":
                    c["runs"] += 1
                    c["switches"] += int(ev.get("switches") or 0)
                    first = ev["t_ns"] if first is None else min(first, ev["t_ns"])
                    last = ev["end_ns"] if last is None else max(last, ev["end_ns"])
    if not header:
        raise BenchError(f"{rec}: no header line")
    if need_end and c["end_events"] is None:
        raise BenchError(f"{rec}: no end line (forkscope stopped early?)")
    c["span_ns"] = (last - first) if first is not None else 0
    return c




def part_switch(args, workdir, pingpong, n, rounds):
    """Part 2; returns (targets met, summary line)."""
    b = Switch(args, workdir, pingpong)
    b.preflight()
    pin = (f"both pinned to CPU {b.cpu}" if b.cpu is not None else "not pinned")
    print(f"== context switches: {rounds} rounds; pingpong N={n} bounces, {pin}", flush=True)
    b.untraced(min(n, 20000))  # warm-up, not counted
    variants = ["untraced", "traced", "traced-lean", "bystander", "bystander-lean", "floor"]
    res = {v: [] for v in variants}  # pingpong's figures per round
    recs = {v: [] for v in variants[1:]}
    if b.floor(1000) is None:
        print("  no floor row: build/empty_switch (and its .bpf.o) missing or not loadable")
        variants.remove("floor")
    others = Others()
    for r in range(rounds):
        others.wait()
        k = r % len(variants)  # rotate: slow drift must not favour one variant
        for v in variants[k:] + variants[:k]:
            if v == "untraced":
                res[v].append(b.untraced(n))
            elif v == "floor":
                kv = b.floor(n)
                if kv is None:
                    raise BenchError("the empty switch program could not be attached")
                res[v].append(kv)
            else:
                lean = v.endswith("-lean")
                kv, c = (b.traced(n, lean) if v.startswith("traced")
                         else b.bystander(n, lean))
                res[v].append(kv)
                recs[v].append(c)
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    base = res["untraced"]
    print()
    print(f"{'pingpong':<24} {'median ms':>10} {'ratio':>7} {'rounds min..max':>16} "
          f"{'best ratio':>10} {'cpu ratio':>9} {'switches':>9} {'ns/switch':>10}")
    ratio = {}
    cpu_ratio = {}
    per_switch = {}
    for v, label in (("untraced", "untraced"), ("traced", "traced by forkscope"),
                     ("traced-lean", "traced, tracer only"),
                     ("bystander", "beside a forkscope"),
                     ("bystander-lean", "beside, tracer only"),
                     ("floor", "beside an empty program")):
        if not res.get(v):
            continue
        ns = [kv["pingpong_ns"] for kv in res[v]]
        sw = median([kv["switches"] for kv in res[v]])
        if v == "untraced":
            print(f"{label:<24} {median(ns) / 1e6:>10.1f} {'1.000':>7} {'':>16} "
                  f"{'1.000':>10} {'1.000':>9} {sw:>9.0f} {'':>10}")
            continue
        ratios = [t["pingpong_ns"] / u["pingpong_ns"] for t, u in zip(res[v], base)]
        ratio[v] = median(ratios)
        cpu_r = cpu_ratio[v] = median([t["cpu_ns"] / u["cpu_ns"] for t, u in zip(res[v], base)
                                       if u["cpu_ns"] > 0])
        # The time added per switch of the untraced run of the same round, then the median.
        per_switch[v] = median([(t["pingpong_ns"] - u["pingpong_ns"]) / max(1, u["switches"])
                                for t, u in zip(res[v], base)])
        best = min(ns) / min(kv["pingpong_ns"] for kv in base)
        print(f"{label:<24} {median(ns) / 1e6:>10.1f} {fmt_ratio(ratio[v]):>7} "
              f"{describe(ratios):>16} {fmt_ratio(best):>10} {fmt_ratio(cpu_r):>9} "
              f"{sw:>9.0f} {per_switch[v]:>10.0f}")
    sw_base = median([kv["switches"] for kv in base])
    ns_base = median([kv["pingpong_ns"] for kv in base])
    best_by = ((min(kv["pingpong_ns"] for kv in res["bystander"])
                - min(kv["pingpong_ns"] for kv in base)) / max(1, sw_base))
    cpu_by = median([(t["cpu_ns"] - u["cpu_ns"]) / max(1, u["switches"])
                     for t, u in zip(res["bystander"], base)])
    print(f"  untraced: {ns_base / max(1, sw_base):.0f} ns per switch (time / switches); "
          "ratio: median of the per-round ratios of\n  pingpong's loop time against the "
          "untraced run of the same round; cpu ratio: the same for its CPU time;\n  "
          "ns/switch: (time - untraced time) / untraced switches, per round, the median; "
          "beside a forkscope:\n  pingpong untraced while `forkscope run -- sleep` traces "
          f"(the target); from the best runs {best_by:.0f} ns,\n  from CPU time "
          f"{cpu_by:.0f} ns per switch")
    print(others.line())

    if (round(ratio["traced"], 3) <= TARGET_SWITCH_RATIO
            and round(cpu_ratio["traced"], 3) > TARGET_SWITCH_RATIO):
        print(f"  note: the traced time ratio meets the target but its CPU time ratio "
              f"({fmt_ratio(cpu_ratio['traced'])}) does not: other load on the machine\n"
              f"  stretched every run alike (untraced {ns_base / max(1, sw_base):.0f} ns per "
              "switch), which dilutes the time ratio; run again when it is quieter")
    tr = recs["traced"]
    runs = sum(c["runs"] for c in tr)
    lost = sum(c["lost"] for c in tr)
    lines_ok = all(c["end_events"] == c["lines"] for c in tr)
    secs = sum(kv["pingpong_ns"] for kv in res["traced"]) / 1e9
    merged = sum(c["switches"] for c in tr)
    sw_traced = sum(kv["switches"] for kv in res["traced"])
    span = sum(c["span_ns"] for c in tr) / 1e9
    by_runs = sum(c["runs"] for c in recs["bystander"])
    print()
    print(f"forkscope's recordings of pingpong (summed over {rounds} rounds): {runs} run lines, "
          f"{lost} lost{'' if lines_ok else ', end line events differ from the lines'};\n"
          f"  {runs / max(secs, 1e-9):,.0f} run lines per second of pingpong's loop "
          f"({runs / max(span, 1e-9):,.0f}/s over the runs' own span), "
          f"{merged / max(1, runs):.0f} switches per run line;\n"
          f"  the run lines' switches: {merged} for {sw_traced} pingpong counted in its loops "
          f"({merged / max(1, sw_traced):.3f}: start-up and exit included);\n"
          f"  the bystander's recordings: {by_runs} run lines (its sleep's: pingpong is not "
          "followed)")
    lean = recs["traced-lean"]
    lost_lean = sum(c["lost"] for c in lean)
    lean_ok = all(c["end_events"] == c["lines"] for c in lean)

    def verdict(tr_v, by_v, lost_v, lines_v):
        return (round(ratio[tr_v], 3) <= TARGET_SWITCH_RATIO and lost_v == 0 and lines_v
                and per_switch[by_v] <= TARGET_SWITCH_NS)

    ok_lean = verdict("traced-lean", "bystander-lean", lost_lean, lean_ok)
    ok_default = verdict("traced", "bystander", lost, lines_ok)
    # Issue 9's targets are the tracer's (its switch program): they are judged on the
    # tracer alone; the default adds the output program at every system call of the
    # machine (pingpong makes two per switch), reported beside it (bench/README.md).
    ok = ok_lean
    line = (f"switch: tracer only (--no-capture --no-pyhook) traced/untraced "
            f"{fmt_ratio(ratio['traced-lean'])} (target <= {TARGET_SWITCH_RATIO}; cpu "
            f"{fmt_ratio(cpu_ratio['traced-lean'])}), {lost_lean} lost, untraced switches "
            f"beside it {per_switch['bystander-lean']:+.0f} ns (target <= {TARGET_SWITCH_NS}): "
            f"{'targets met' if ok_lean else 'TARGET MISSED'}"
            + (f" (an empty sched_switch program: {per_switch['floor']:+.0f} ns)"
               if "floor" in per_switch else "")
            + f"; as run by default (output "
            f"and channel captured) {fmt_ratio(ratio['traced'])}, {runs} run lines, {lost} "
            f"lost, beside it {per_switch['bystander']:+.0f} ns per switch "
            f"({'within' if ok_default else 'over'} the targets)")
    print()
    print("bench: " + line, flush=True)
    return ok, line


# ---------------------------------------------------------------- part 3: ready time


def wait_line(proc, pred, timeout):
    """Read proc's stdout until a line satisfies pred; the time it came (monotonic ns) or
    None (timeout or end of output). The rest of the output is drained by the caller."""
    fd = proc.stdout.fileno()
    buf = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        now = time.monotonic_ns()
        buf += chunk
        *lines, buf = buf.split(b"\n")
        if any(pred(ln.decode("utf-8", "replace")) for ln in lines):
            return now


def ready_forkscope(forkscope, storm, workdir):
    """From starting `forkscope run --no-tui --json -- storm --no-exec -o FILE 1`: (ns to
    storm's start, which forkscope lets run once tracing is ready; ns to the root's fork
    line on forkscope's stdout)."""
    stamp = os.path.join(workdir, "ready.storm")
    with open(stamp, "w"):
        pass
    os.chmod(stamp, 0o666)  # under sudo the workload runs as the invoking user
    argv = [forkscope, "run", "--no-tui", "--json", "--", storm, "--no-exec", "-o", stamp, "1"]
    t0 = time.monotonic_ns()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        t = wait_line(proc, lambda ln: '"type":"fork"' in ln, 60)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    start = kv_lines(read_text(stamp)).get("start_ns")
    if t is None or start is None or proc.returncode != 0:
        raise BenchError("ready time: forkscope did not run storm or printed no fork line "
                         f"(exit status {proc.returncode})")
    return start - t0, t - t0


def ready_peer(name, path):
    """ns from starting a peer to its header (printed once its probes are attached)."""
    peer = Peer(name, path, tempfile.gettempdir(), 0)
    # bpftrace: its ready line on stdout, not into a file
    argv = [path, "-e", BPFTRACE_SCRIPT] if name == "bpftrace" else peer.argv()
    t0 = time.monotonic_ns()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    except OSError as e:
        return e.strerror
    try:
        t = wait_line(proc, peer.is_header, PEER_READY_S)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    return f"no header within {PEER_READY_S:.0f} s" if t is None else t - t0


def part_ready(args, workdir, storm, runs, peers):
    """Part 3; returns (None: no target, summary line)."""
    print(f"== time to tracing ready: {runs} runs each, alternated", flush=True)
    times = {"forkscope": [], "forkscope-line": []}
    why = {}
    order = ["forkscope"] + [p for p, path in peers.items() if path]
    for name, path in peers.items():
        if not path:
            why[name] = "not installed"
    for r in range(runs):
        k = r % len(order)
        for name in order[k:] + order[:k]:
            if name in why:
                continue
            if name == "forkscope":
                ready, line = ready_forkscope(os.path.abspath(args.forkscope), storm, workdir)
                times["forkscope"].append(ready)
                times["forkscope-line"].append(line)
                continue
            got = ready_peer(name, peers[name])
            if isinstance(got, str):
                why[name] = got
            else:
                times.setdefault(name, []).append(got)
    base = median(times["execsnoop"]) if times.get("execsnoop") else None
    print()
    print(f"{'tracer':<16} {'median ms':>10} {'min ms':>8} {'max ms':>8} "
          f"{'ratio to execsnoop':>19}")
    labels = {"forkscope": "forkscope", "forkscope-line": "  first line"}
    for name in ["forkscope", "forkscope-line"] + list(peers):
        if name in why:
            print(f"{name:<16} unavailable ({why[name]})")
            continue
        ts = times[name]
        ratio = fmt_ratio(median(ts) / base) if base else "-"
        print(f"{labels.get(name, name):<16} {median(ts) / 1e6:>10.1f} {min(ts) / 1e6:>8.1f} "
              f"{max(ts) / 1e6:>8.1f} {ratio:>19}")
    print("  forkscope: from starting `forkscope run` to its workload's first instruction "
          "(forkscope lets it\n  run once tracing is ready); first line: to the root's fork "
          "line on its stdout (--json);\n  peers: to their header (execsnoop, forkstat) or "
          "BEGIN line (bpftrace), printed once attached")
    fs = median(times["forkscope"])
    line = (f"ready: forkscope {fs / 1e6:.1f} ms, "
            + (f"execsnoop {base / 1e6:.1f} ms, ratio {fs / base:.3f}" if base else
               f"execsnoop unavailable ({why.get('execsnoop', 'not asked for')})")
            + f"; forkscope's first event line {median(times['forkscope-line']) / 1e6:.1f} ms")
    print()
    print("bench: " + line, flush=True)
    return None, line


# ---------------------------------------------------------------- parts 4, 5: replay


def gen_recording(workdir, name, what, count):
    """Write a synthetic recording with bench/gen_recording.py: (path, events, procs)."""
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_recording.py")
    path = os.path.join(workdir, name)
    t0 = time.monotonic()
    res = subprocess.run([sys.executable, gen, f"--{what}", str(count), "-o", path],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise BenchError("gen_recording failed: " + last_line(res.stderr, "no message"))
    kv = dict(p.split("=", 1) for p in res.stdout.split() if "=" in p)
    print(f"  generated {name}: {int(kv['events']):,} events, {int(kv['procs']):,} processes, "
          f"{int(kv['bytes']) / 1e6:.0f} MB in {time.monotonic() - t0:.1f} s", flush=True)
    return path, int(kv["events"]), int(kv["procs"])


def run_timed(argv, what):
    """Run argv with stdout captured: (wall ns, stdout)."""
    t0 = time.monotonic_ns()
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    wall = time.monotonic_ns() - t0
    if res.returncode != 0:
        raise BenchError(f"{what} failed: " + last_line(res.stderr, f"exit status "
                                                        f"{res.returncode}"))
    return wall, res.stdout


def replay_bench_path(args):
    if args.replay_bench and os.access(args.replay_bench, os.X_OK):
        return os.path.abspath(args.replay_bench)
    near = os.path.join(os.path.dirname(os.path.abspath(args.forkscope)), "replay_bench")
    if os.access(near, os.X_OK):
        return near
    raise BenchError("replay_bench not found (make build/replay_bench)")


def part_replay(args, workdir, events, runs):
    """Part 4; returns (target met, summary line)."""
    rb = replay_bench_path(args)
    jq = find_tool("jq")
    print(f"== replay throughput: a {events:,}-event recording, {runs} runs each, "
          "alternated", flush=True)
    path, n, _ = gen_recording(workdir, "replay.jsonl", "events", events)
    variants = {"reader": [rb, path], "reader+model": [rb, "--model", path]}
    if jq:
        variants = {"jq -c .": [jq, "-c", ".", path], **variants}
    walls = {v: [] for v in variants}
    names = list(variants)
    with open(path, "rb") as f:  # into the page cache, as for every run after
        while f.read(1 << 24):
            pass
    for r in range(runs):
        k = r % len(names)
        for v in names[k:] + names[:k]:
            wall, out = run_timed(variants[v], v)
            if v != "jq -c ." and kv_lines(out).get("events") != n:
                raise BenchError(f"replay_bench read {kv_lines(out).get('events')} events, "
                                 f"the recording has {n}")
            walls[v].append(wall)
    if not args.keep:
        os.unlink(path)
    rate = {v: n / (median(w) / 1e9) for v, w in walls.items()}
    base = rate.get("jq -c .")
    print()
    print(f"{'reader':<14} {'median s':>9} {'events/s':>12} {'ratio to jq':>12}")
    for v in names:
        print(f"{v:<14} {median(walls[v]) / 1e9:>9.2f} {rate[v]:>12,.0f} "
              f"{fmt_ratio(rate[v] / base) if base else '-':>12}")
    print("  wall time of the whole process (jq's output to /dev/null); reader: "
          "replay_bench (record_open/record_next);\n  reader+model: every event applied to "
          "the model, model_finish at the end")
    if not base:
        line = (f"replay: reader {rate['reader']:,.0f} events/s; jq not installed, no "
                "ratio; TARGET MISSED")
        print("\nbench: " + line, flush=True)
        return False, line
    ok = round(rate["reader"] / base, 3) >= TARGET_REPLAY
    line = (f"replay: reader {rate['reader']:,.0f} events/s = {rate['reader'] / base:.2f}x jq "
            f"({base:,.0f}/s), with the model {rate['reader+model'] / base:.2f}x "
            f"(target >= {TARGET_REPLAY:.0f}x); {'target met' if ok else 'TARGET MISSED'}")
    print()
    print("bench: " + line, flush=True)
    return ok, line


def tool_near(args, name):
    """A helper binary built next to forkscope, or None."""
    p = os.path.join(os.path.dirname(os.path.abspath(args.forkscope)), name)
    return p if os.access(p, os.X_OK) else None


def part_memory(args, workdir, procs):
    """Part 5; returns (bounded, summary line)."""
    rb = replay_bench_path(args)
    rm = tool_near(args, "replay_memory")
    sizes = [1000, 100_000, procs]  # the UI's limits are reached past 20,000
    print(f"== memory: replays of {', '.join(f'{s:,}' for s in sizes)} short-lived processes",
          flush=True)
    # run name -> how to run it on a recording: (kv of the figures, wall ns)
    runs = {"model, keeps all": lambda p: [rb, "--model", p],
            "model, UI limit": lambda p: [rb, "--tombstones", "ui", p]}
    rows = {}  # (run, size) -> (procs, kv, wall)
    small = None
    for size in sizes:
        path, n, p = gen_recording(workdir, f"procs-{size}.jsonl", "procs", size)
        for run, argv in runs.items():
            wall, out = run_timed(argv(path), "replay_bench")
            kv = kv_lines(out)
            if kv.get("events") != n:
                raise BenchError(f"replay_bench read {kv.get('events')} of {n} events")
            rows[(run, size)] = (p, kv, wall)
        if rm and small:
            # The terminal UI's replay path (session + model under the UI's limits); it
            # replays the small recording too, in the same run.
            wall, out = run_timed([rm, small, path], "replay_memory")
            kv = kv_lines(out)
            kv = {"events": kv.get("big_events"), "maxrss_kb": kv.get("big_maxrss_kb"),
                  "kept": kv.get("big_kept_procs"), "small_kb": kv.get("small_maxrss_kb")}
            if None in kv.values():
                raise BenchError("replay_memory printed no figures")
            rows[("UI replay (session)", size)] = (p, kv, wall)
            rows[("UI replay (session)", sizes[0])] = (sizes[0], {
                "maxrss_kb": kv["small_kb"], "kept": min(sizes[0], kv["kept"])}, 0)
        if small is None:
            small = path
        elif not args.keep:
            os.unlink(path)
    if small and not args.keep:
        os.unlink(small)
    names = list(runs) + (["UI replay (session)"] if rm else [])
    print()
    print(f"{'processes':>10} {'run':<20} {'peak RSS MiB':>13} {'ratio':>7} {'kept':>9} "
          f"{'bytes/process':>14} {'s':>6}")
    for size in sizes:
        for run in names:
            if (run, size) not in rows:
                continue
            p, kv, wall = rows[(run, size)]
            base_p, base_kv, _ = rows[(run, sizes[0])]
            per = ((kv["maxrss_kb"] - base_kv["maxrss_kb"]) * 1024 / (p - base_p)
                   if p > base_p else None)
            print(f"{p:>10,} {run:<20} {kv['maxrss_kb'] / 1024:>13.1f} "
                  f"{kv['maxrss_kb'] / base_kv['maxrss_kb']:>7.2f} {kv['kept']:>9,} "
                  f"{'-' if per is None else f'{per:.0f}':>14} "
                  f"{'-' if not wall else f'{wall / 1e9:.1f}':>6}")
    print("  model, keeps all: replay_bench --model (reader and model, every process kept, as "
          "`forkscope tree`);\n  model, UI limit: the same with the UI's tombstone limit "
          "(replay_bench --tombstones ui);\n  UI replay (session): replay_memory, the UI's "
          "replay path with its event window and tombstone limit.\n  peak RSS: VmHWM; "
          "ratio: against the 1,000-process run of the same kind; kept: processes in the\n  "
          "model at the end; bytes/process: growth of the peak RSS over the 1,000-process run "
          "per extra process")
    # Bounded: ten times the processes must not take anywhere near ten times the memory.
    growth = {run: rows[(run, sizes[2])][1]["maxrss_kb"] / rows[(run, sizes[1])][1]["maxrss_kb"]
              for run in names if (run, sizes[1]) in rows}
    bounded_runs = [r for r in names if r != "model, keeps all" and r in growth]
    bounded = bool(bounded_runs) and all(growth[r] < 2.0 for r in bounded_runs)
    big = {run: rows[(run, sizes[2])][1] for run in names}
    base_all = rows[("model, keeps all", sizes[0])][1]["maxrss_kb"]
    per_all = (big["model, keeps all"]["maxrss_kb"] - base_all) * 1024 / (sizes[2] - sizes[0])
    line = (f"memory: {sizes[2]:,} processes, peak RSS: "
            + ", ".join(f"{run} {big[run]['maxrss_kb'] / 1024:.1f} MiB" for run in names)
            + f" ({per_all:.0f} bytes/process when all are kept); "
            f"{sizes[2] // sizes[1]}x the processes of the {sizes[1]:,} run: "
            + ", ".join(f"{growth[run]:.2f}x" for run in names)
            + f"; {'bounded' if bounded else 'NOT BOUNDED'} under the UI's limits")
    print()
    print("bench: " + line, flush=True)
    return bounded, line


# ---------------------------------------------------------------- main


class Tee(io.TextIOBase):
    """stdout that also keeps what was printed, for --results."""

    def __init__(self, out):
        self.out = out
        self.kept = []

    def write(self, s):
        self.kept.append(s)
        return self.out.write(s)

    def flush(self):
        self.out.flush()


def write_results(path, argv, text):
    with open(path, "w") as f:
        f.write("# forkscope bench results\n\n")
        f.write("Written by `bench/bench.py --results` (see bench/README.md for how to read "
                "it).\n\n")
        f.write("    " + " ".join(argv) + "\n\n```\n" + text.rstrip("\n") + "\n```\n")


def main():
    ap = argparse.ArgumentParser(description="forkscope measured beside its peers")
    ap.add_argument("--forkscope", default="build/forkscope", help="the forkscope binary")
    ap.add_argument("--storm", help="the storm binary (default: next to forkscope, else "
                    "compiled from bench/storm.c)")
    ap.add_argument("--pingpong", help="the pingpong binary (default: next to forkscope, "
                    "else compiled from bench/pingpong.c)")
    ap.add_argument("--flood", help="the flood binary (default: next to forkscope, else "
                    "compiled from bench/flood.c)")
    ap.add_argument("--replay-bench", help="the replay_bench binary (default: next to "
                    "forkscope)")
    ap.add_argument("-n", type=int, help="children of the exec storm (default 2000; the "
                    f"fork-only storm gets {FORK_ONLY_FACTOR}x as many)")
    ap.add_argument("--rounds", type=int, help="overhead and switch rounds (default 11)")
    ap.add_argument("--pairs", type=int, help="the overhead part's interleaved pairs per storm "
                    "and variant (default 2 x rounds - 1)")
    ap.add_argument("--bounces", type=int, help="pingpong's bounces in the switch part "
                    "(default 200000)")
    ap.add_argument("--quick", action="store_true", help="smoke run: N=200, 3 rounds, "
                    "20000 bounces, 100,000-event and 100,000-process recordings, 5 rounds "
                    "of keys")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"parts to run (default all: {','.join(PARTS)})")
    ap.add_argument("--peers", default="execsnoop,bpftrace,forkstat",
                    help="peers to compare with (default execsnoop,bpftrace,forkstat)")
    ap.add_argument("--no-peers", action="store_true", help="no peers")
    ap.add_argument("--no-pin", action="store_true", help="let storm run on any CPU "
                    "(default: pinned to one CPU, which makes the figures far less noisy)")
    ap.add_argument("--strict", action="store_true", help="exit 3 if a target is missed")
    ap.add_argument("--keep", action="store_true", help="keep the work files (path printed)")
    ap.add_argument("--results", metavar="FILE", help="also write the output to FILE as "
                    "Markdown (bench/RESULTS.md)")
    args = ap.parse_args()
    n = args.n if args.n is not None else (200 if args.quick else 2000)
    rounds = args.rounds if args.rounds is not None else (3 if args.quick else 11)
    pairs = args.pairs if args.pairs is not None else 2 * rounds - 1
    bounces = args.bounces if args.bounces is not None else (20000 if args.quick else 200000)
    parts = [p for p in args.parts.split(",") if p]
    bad = [p for p in parts if p not in PARTS]
    if n < 1 or rounds < 1 or pairs < 1 or bounces < 1 or bad or not parts:
        print("bench: -n, --rounds, --pairs and --bounces must be at least 1; --parts: "
              + ",".join(PARTS) + (f" (not {','.join(bad)})" if bad else ""), file=sys.stderr)
        return 1
    args.bounces = bounces
    needs_root = ("overhead", "switch", "ready", "output", "keys", "pyhook")
    if os.geteuid() != 0 and any(p in parts for p in needs_root):
        print("bench: must run as root (forkscope and its peers need BPF)", file=sys.stderr)
        return 1
    tee = Tee(sys.stdout)
    sys.stdout = tee
    workdir = tempfile.mkdtemp(prefix="forkscope-bench-")
    rc = 1
    try:
        os.chmod(workdir, 0o711)
        rc = bench(args, workdir, parts, n, rounds, pairs)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
    finally:
        sys.stdout = tee.out
        if args.keep:
            print(f"bench: files kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.results and rc != 1:
        write_results(args.results, ["bench/bench.py"] + sys.argv[1:], "".join(tee.kept))
    return rc


def loadavg():
    return " ".join(read_text("/proc/loadavg").split()[:3]) or "unknown"


def bench(args, workdir, parts, n, rounds, pairs):
    t0 = time.monotonic()
    for line in machine_lines():
        print(line)
    print(f"load average (1, 5, 15 min) at the start: {loadavg()} (other load spreads the "
          "figures)")
    peers = find_peers(args)
    if peers and ("overhead" in parts or "ready" in parts):
        note = ensure_tracefs()
        if note:
            print(note)
    print("peers: " + (", ".join(f"{k} {v or 'not installed'}" for k, v in peers.items())
                       or "none"), flush=True)
    storm = find_storm(args, workdir) if any(p in parts for p in ("overhead", "ready",
                                                                  "keys")) else None
    results = []
    if "overhead" in parts:
        print()
        results.append(part_overhead(args, workdir, storm, n, rounds, pairs, peers))
    if "switch" in parts:
        print()
        pingpong = find_workload(args, args.pingpong, "pingpong", workdir)
        results.append(part_switch(args, workdir, pingpong, args.bounces, rounds))
    if "ready" in parts:
        print()
        results.append(part_ready(args, workdir, storm, 3 if args.quick else 7, peers))
    if "replay" in parts:
        print()
        results.append(part_replay(args, workdir, 100_000 if args.quick else 1_000_000,
                                   1 if args.quick else 3))
    if "memory" in parts:
        print()
        results.append(part_memory(args, workdir, 300_000 if args.quick else 1_000_000))
    if "output" in parts:
        print()
        flood = find_workload(args, args.flood, "flood", workdir)
        try:
            results.append(bench_output.part_output(
                args.forkscope, flood, workdir, (32 if args.quick else 200) * 1000 * 1000,
                200_000 if args.quick else 2_000_000, rounds, args.keep, pick_cpu(args)))
        except bench_output.OutputError as e:
            raise BenchError(str(e)) from None
    if "keys" in parts:
        print()
        try:
            results.append(bench_keys.part_keys(args.forkscope, storm, workdir,
                                                5 if args.quick else 20))
        except bench_keys.KeysError as e:
            raise BenchError(str(e)) from None
    if "pyhook" in parts:
        print()
        try:
            results.append(bench_pyhook.part_pyhook(args.forkscope, workdir,
                                                    100_000, 3 if args.quick else 7,
                                                    args.keep))
        except bench_pyhook.PyhookError as e:
            raise BenchError(str(e)) from None
    missed = [line for ok, line in results if ok is False]
    print()
    print(f"bench summary ({time.monotonic() - t0:.0f} s; load average at the end: "
          f"{loadavg()}):")
    for _, line in results:
        print("  " + line)
    print("bench: " + ("every target met" if not missed else
                       f"{len(missed)} of {sum(1 for ok, _ in results if ok is not None)} "
                       "targets MISSED"))
    return 3 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
