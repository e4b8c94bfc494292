"""Helpers for forkscope's integration tests: run forkscope, find what it left behind,
read a recording (JSON Lines) into processes, and walk the tree of `forkscope tree --json`.
Standard library only."""
import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time


class TestFailure(Exception):
    """A test's expectation did not hold; the message says which."""


class Skip(Exception):
    """The test cannot run here (run_tests.py prints it as skip, with the reason)."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


# ---------------------------------------------------------------- running forkscope


class Result:
    """What one forkscope run did: exit status, output, time, leftovers."""

    def __init__(self, argv, rc, stdout, stderr, elapsed, pid, leftovers, timed_out):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.pid = pid  # forkscope's own PID (= FORKSCOPE_SESSION of its workload)
        self.leftovers = leftovers  # PIDs still carrying FORKSCOPE_SESSION=pid after it ended
        self.timed_out = timed_out

    def stderr_tail(self, lines=3):
        return " | ".join(self.stderr.strip().splitlines()[-lines:])


def session_processes(session_pid):
    """PIDs of the live processes whose environment has FORKSCOPE_SESSION=session_pid."""
    wanted = b"FORKSCOPE_SESSION=%d" % session_pid
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if wanted in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue  # gone meanwhile, or a kernel thread
    return found


def run_forkscope(binary, args, timeout=60, env=None):
    """Run forkscope with args (and env added to ours); afterwards scan for (and kill)
    processes it left behind."""
    argv = [binary] + list(args)
    start = time.monotonic()
    full_env = dict(os.environ, **env) if env else None
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=full_env)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()  # our own child, by its PID
        out, err = proc.communicate()
    elapsed = time.monotonic() - start
    leftovers = session_processes(proc.pid)
    for pid in leftovers:  # started by this run: end them so that later tests are not disturbed
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return Result(argv, proc.returncode, out.decode(errors="replace"),
                  err.decode(errors="replace"), elapsed, proc.pid, leftovers, timed_out)


# ---------------------------------------------------------------- runs as another user

NOBODY_UID = 65534


def as_user(uid, gid=None):
    """The argv prefix that runs a command as uid (gid: the same number by default), with
    no supplementary groups: for tests that run forkscope as nobody."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid if gid is None else gid}",
            "--clear-groups", "--"]


def data_dir_of(binary):
    """The data folder a forkscope binary uses (src/base/paths.c): share/forkscope next to
    it, else ../share/forkscope (an install)."""
    here = os.path.dirname(os.path.abspath(binary))
    for candidate in (os.path.join(here, "share", "forkscope"),
                      os.path.join(os.path.dirname(here), "share", "forkscope")):
        if os.path.isdir(os.path.join(candidate, "demos")):
            return candidate
    raise TestFailure(f"no share/forkscope with demos next to {binary}")


@contextlib.contextmanager
def copy_for_other_users(binary):
    """A copy of the binary and its data folder in a fresh folder under /tmp that every user
    may read (folders 755, files 644, the binary 755), removed afterwards; yields the copy's
    path. A test that runs forkscope as nobody runs this copy: the clone may lie where
    nobody cannot read (a mktemp -d, /root), and its permissions stay as they are. The copy
    finds its data next to itself, so FORKSCOPE_HOME and FORKSCOPE_DEMOS must not be set
    for it, and the other user's working folder should be the copy's (a spawned Python
    child enters its parent's): see other_user_env and other_user_cwd."""
    top = tempfile.mkdtemp(prefix="forkscope-shared-", dir="/tmp")
    try:
        os.chmod(top, 0o755)
        copy = os.path.join(top, os.path.basename(binary))
        shutil.copyfile(binary, copy)
        shutil.copytree(data_dir_of(binary), os.path.join(top, "share", "forkscope"))
        for root, dirs, files in os.walk(top):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        os.chmod(copy, 0o755)
        yield copy
    finally:
        shutil.rmtree(top, ignore_errors=True)


def other_user_env(env=None):
    """The environment for a copy_for_other_users binary: ours (or env) without the
    variables that would point it back into the clone."""
    env = dict(os.environ if env is None else env)
    env.pop("FORKSCOPE_HOME", None)
    env.pop("FORKSCOPE_DEMOS", None)
    return env


def other_user_cwd(copy):
    """The working folder for a run of a copy_for_other_users binary: the copy's own."""
    return os.path.dirname(copy)


# ---------------------------------------------------------------- recordings


class Proc:
    """One process of a recording, from its fork (or the header, for the root) to its exit."""

    def __init__(self, pid, ppid, t_start, fork=None):
        self.pid = pid
        self.ppid = ppid  # parent at fork
        self.t_start = t_start
        self.fork = fork  # the fork event, None for the root
        self.execs = []
        self.exits = []
        self.signals = []  # signal events aimed at it
        self.children = []

    @property
    def exit(self):
        return self.exits[0] if self.exits else None

    def argv_text(self):
        """The argv of its last exec as one string ('' if it never exec'd)."""
        return " ".join(self.execs[-1].get("argv") or []) if self.execs else ""

    def __repr__(self):
        return f"<pid {self.pid} ppid {self.ppid}>"


class Recording:
    """A parsed recording: header, events in order, end line, and the processes."""

    def __init__(self, text):
        lines = [line for line in text.splitlines() if line.strip()]
        check(lines, "empty recording")
        records = []
        for number, line in enumerate(lines, 1):
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise TestFailure(f"recording line {number} is not JSON ({error}): {line[:80]}")
        self.header = records[0]
        self.end = records[-1]
        check(self.header.get("type") == "header", f"first line is not a header: {lines[0][:80]}")
        check(self.end.get("type") == "end", f"last line is not an end line: {lines[-1][:80]}")
        self.events = records[1:-1]
        for ev in self.events:
            check(ev.get("type") in ("fork", "exec", "exit", "signal", "thread", "thread_exit",
                                     "run", "output", "channel"),
                  f"unexpected line in the middle: {json.dumps(ev)[:80]}")
        self.root_pid = self.header["root_pid"]
        self.procs = []  # every process, in order of appearance
        self.errors = []  # inconsistencies found while building
        self._build()

    def _build(self):
        live = {}  # pid -> Proc not yet exited
        root = Proc(self.root_pid, None, 0)
        self.procs.append(root)
        live[self.root_pid] = root
        self.root = root
        for ev in self.events:
            kind, pid = ev["type"], ev["pid"]
            if kind == "fork" and pid == self.root_pid and root.fork is None and not root.execs:
                root.fork, root.ppid, root.t_start = ev, ev["ppid"], ev["t_ns"]  # the launch
            elif kind == "fork":
                if pid in live:
                    self.errors.append(f"fork of pid {pid}, which has not exited")
                p = Proc(pid, ev["ppid"], ev["t_ns"], ev)
                parent = live.get(ev["ppid"])
                if parent:
                    parent.children.append(p)
                self.procs.append(p)
                live[pid] = p
            elif kind == "exec":
                if pid in live:
                    live[pid].execs.append(ev)
                else:
                    self.errors.append(f"exec of pid {pid} with no fork before it (or after exit)")
            elif kind == "exit":
                if pid in live:
                    live.pop(pid).exits.append(ev)
                else:
                    self.errors.append(f"exit of pid {pid} with no fork before it (or twice)")
            elif kind == "signal":
                target = live.get(ev["target"])
                if target:
                    target.signals.append(ev)
            # thread, thread_exit and run lines: see threads() and runs()
        for p in live.values():
            self.errors.append(f"pid {p.pid} has no exit")

    def threads(self, pid=None):
        """thread lines (of one process)."""
        return [ev for ev in self.events if ev["type"] == "thread"
                and (pid is None or ev["pid"] == pid)]

    def runs(self, pid=None, tid=None):
        """run lines (of one process, or one thread)."""
        return [ev for ev in self.events if ev["type"] == "run"
                and (pid is None or ev["pid"] == pid) and (tid is None or ev["tid"] == tid)]

    def outputs(self, pid=None, fd=None):
        """output lines (of one process, of one stream)."""
        return [ev for ev in self.events if ev["type"] == "output"
                and (pid is None or ev["pid"] == pid) and (fd is None or ev["fd"] == fd)]

    def channel(self, pid=None):
        """channel lines (of one process)."""
        return [ev for ev in self.events if ev["type"] == "channel"
                and (pid is None or ev["pid"] == pid)]

    def written(self, pid, fd=None):
        """The exact bytes one process wrote to its stdout (fd 1), stderr (2) or both."""
        return b"".join(event_bytes(ev) for ev in self.outputs(pid, fd))

    def printed(self):
        """What the workload printed, as text: each writer's (process and stream) writes
        joined, writer after writer in order of their first write, so that a line is
        never broken by another writer's."""
        writers = []
        for ev in self.outputs():
            if (ev["pid"], ev["fd"]) not in writers:
                writers.append((ev["pid"], ev["fd"]))
        return "\n".join(b"".join(event_bytes(ev) for ev in self.outputs(pid, fd))
                         .decode(errors="replace") for pid, fd in writers)

    def count(self, kind):
        return sum(1 for ev in self.events if ev["type"] == kind)

    def find(self, pid):
        """The last process with that PID (PIDs are not reused in these short tests)."""
        for p in reversed(self.procs):
            if p.pid == pid:
                return p
        return None

    def signals(self, sig=None, sender=None, target=None):
        return [ev for ev in self.events if ev["type"] == "signal"
                and (sig is None or ev["sig"] == sig)
                and (sender is None or ev["pid"] == sender)
                and (target is None or ev["target"] == target)]


def event_bytes(ev):
    """The exact bytes of an output or channel line (data_b64 when they are not UTF-8)."""
    if "data_b64" in ev:
        return base64.b64decode(ev["data_b64"])
    return ev.get("data", "").encode()


def load_recording(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return Recording(f.read())


# ---------------------------------------------------------------- trees


def tree_nodes(roots):
    """All nodes of a `forkscope tree --json` array, parents before children."""
    out = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.get("children") or []))
    return out


def tree_parent_links(roots):
    """(parent, child) pairs of the nested tree."""
    links = []
    for node in tree_nodes(roots):
        for child in node.get("children") or []:
            links.append((node, child))
    return links


def alive_at_most(nodes):
    """Largest number of the nodes alive at the same time (from start_ns/end_ns)."""
    moments = []
    for n in nodes:
        moments.append((n["start_ns"], 1))
        moments.append((n["end_ns"] if n["end_ns"] is not None else float("inf"), -1))
    alive = peak = 0
    for _, step in sorted(moments):  # an exit sorts before a start at the same instant
        alive += step
        peak = max(peak, alive)
    return peak
