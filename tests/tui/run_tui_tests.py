#!/usr/bin/python3
"""Terminal tests of the forkscope UI, driven through tmux (send-keys, capture-pane).

Replay tests need no privileges (they use a recording written here). Live tests need
BPF (root): without it they are skipped with the reason, unless CI=true, where a skip
is a failure. Usage: FORKSCOPE=build/forkscope tests/tui/run_tui_tests.py [NAME...]
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FORKSCOPE = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(ROOT, "build/forkscope")))
SOCKET = "forkscope-tui-%d" % os.getpid()
CI = os.environ.get("CI", "").lower() == "true"
TMP = tempfile.mkdtemp(prefix="forkscope-tui-")

results = {"passed": 0, "failed": 0, "skipped": 0}


class Skip(Exception):
    pass


def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-L", SOCKET] + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


class Pane:
    """One tmux session running a shell command; the exit status ends up in a file."""

    def __init__(self, command, cols=120, rows=35, env=None):
        self.status_file = os.path.join(TMP, "status-%d" % time.monotonic_ns())
        envs = " ".join("%s=%s" % (k, shquote(v)) for k, v in (env or {}).items())
        # the shell survives a Ctrl-C meant for forkscope (a trap, not an ignore: children
        # get the default action back)
        shell = "trap : INT; %s %s; echo $? > %s; echo FORKSCOPE-EXITED; sleep 600" % (
            envs, command, self.status_file)
        tmux("kill-session", "-t", "t", check=False)
        for attempt in range(3):
            try:
                tmux("new-session", "-d", "-s", "t", "-x", str(cols), "-y", str(rows),
                     "/bin/sh -c %s" % shquote(shell))
                break
            except AssertionError as e:
                # the last session's end stops the tmux server: a new session can race
                # with its exit ("server exited unexpectedly"); ask again
                if "server exited" not in str(e) or attempt == 2:
                    raise
                time.sleep(0.2)
        self.shell_pid = int(tmux("display", "-p", "-t", "t", "#{pane_pid}").strip())

    def screen(self):
        return tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys):
        tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, pattern, timeout=10.0, absent=False):
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            found = re.search(pattern, s, re.M) is not None
            if found != absent:
                return s
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for %s%r; screen:\n%s" % (
                    "absence of " if absent else "", pattern, s))
            time.sleep(0.1)

    def exit_status(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.status_file):
                with open(self.status_file) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            time.sleep(0.05)
        raise AssertionError("forkscope did not exit; screen:\n" + self.screen())

    def forkscope_pid(self):
        """The forkscope process: the child of the pane's shell."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/task/%d/children" % (self.shell_pid, self.shell_pid)) as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("no forkscope process under the pane's shell")

    def alternate_screen(self):
        return tmux("display", "-p", "-t", "t", "#{alternate_on}").strip() == "1"

    def close(self):
        tmux("kill-session", "-t", "t", check=False)


def shquote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def session_processes(fs_pid):
    """PIDs of processes whose environment has FORKSCOPE_SESSION=<fs_pid>."""
    needle = b"FORKSCOPE_SESSION=%d\0" % fs_pid
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                if needle in f.read() + b"\0":
                    found.append(int(d))
        except OSError:
            pass
    return found


def wait_no_session_processes(fs_pid, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        left = session_processes(fs_pid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


# ---- a recording written by hand: main, resource tracker, forkserver, 3 workers ----

FSRV_ARGV = ["/usr/bin/python3", "-B", "-s", "-c",
             "from multiprocessing.forkserver import main; main(8, 9, ['__main__'], "
             "**{'sys_path': ['/tmp']})"]
TRACKER_ARGV = ["/usr/bin/python3", "-B", "-s", "-c",
                "from multiprocessing.resource_tracker import main;main(7)"]


def write_recording(path):
    ms = 1000000
    lines = [
        {"type": "header", "schema": 1, "tool": "forkscope 0.1.0", "root_pid": 1000,
         "command": ["/usr/bin/python3", "app.py"], "method": "forkserver",
         "python": "3.11.2", "kernel": "Linux test", "start_realtime_ns": 1},
        {"type": "fork", "t_ns": 1 * ms, "pid": 1000, "ppid": 999, "parent_tid": 999,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2 * ms, "pid": 1000, "ppid": 999,
         "filename": "/usr/bin/python3", "argv": ["/usr/bin/python3", "app.py"]},
        {"type": "fork", "t_ns": 10 * ms, "pid": 1001, "ppid": 1000, "parent_tid": 1000,
         "comm": "python3", "parent_threads": 1},
        {"type": "exec", "t_ns": 11 * ms, "pid": 1001, "ppid": 1000,
         "filename": "/usr/bin/python3", "argv": TRACKER_ARGV},
        {"type": "fork", "t_ns": 20 * ms, "pid": 1002, "ppid": 1000, "parent_tid": 1000,
         "comm": "python3", "parent_threads": 1},
        {"type": "exec", "t_ns": 21 * ms, "pid": 1002, "ppid": 1000,
         "filename": "/usr/bin/python3", "argv": FSRV_ARGV},
    ]
    t = 30
    for w in (1003, 1004, 1005):
        lines.append({"type": "fork", "t_ns": t * ms, "pid": w, "ppid": 1002,
                      "parent_tid": 1002, "comm": "python3", "parent_threads": 1})
        t += 5
    for w in (1003, 1004, 1005):
        lines.append({"type": "signal", "t_ns": t * ms, "pid": 1000, "target": w, "sig": 15})
        lines.append({"type": "exit", "t_ns": (t + 1) * ms, "pid": w, "ppid": 1002,
                      "comm": "python3", "exit_code": None, "signal": 15,
                      "core_dumped": False})
        t += 5
    lines += [
        {"type": "exit", "t_ns": 200 * ms, "pid": 1000, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "exit", "t_ns": 210 * ms, "pid": 1002, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "exit", "t_ns": 220 * ms, "pid": 1001, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "end", "t_ns": 230 * ms, "events": 19, "lost": 0},
    ]
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return len(lines) - 2  # events


def tree_rows(screen):
    """(pid, role text, indent of the tree column) of each tree row on the screen."""
    rows = []
    for line in screen.splitlines():
        m = re.match(r"^\s*(\d+)[\^ ]\s*(?:\d+\s+)?(main|forkserver|resource tracker|child \(\w+\)|other|fsrv|tracker|c-\w+)\s", line)
        if m:
            rows.append((int(m.group(1)), m.group(2), line))
    return rows


def tree_indent(line):
    """Column of the row's tree connector (deeper = larger; 0 for a root)."""
    m = re.search("[`|\u251c\u2514]-|[\u251c\u2514]\u2500", line[20:])
    return 20 + m.start() if m else 0


RECORDING = os.path.join(TMP, "rec.jsonl")
NEVENTS = write_recording(RECORDING)


def replay(extra_env=None, cols=120, rows=35):
    env = {"LANG": os.environ.get("LANG", "C.UTF-8"), "TERM": "tmux-256color"}
    env.update(extra_env or {})
    return Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(RECORDING)), cols, rows, env)


# ---- replay tests (no privileges) ----

def test_replay_shows_tree():
    p = replay()
    try:
        p.wait_for(r"REPLAY")
        p.keys("End")
        s = p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
        rows = tree_rows(s)
        pids = [r[0] for r in rows]
        assert pids[:3] == [1000, 1001, 1002], rows
        roles = dict((r[0], r[1]) for r in rows)
        assert roles[1000] == "main" and roles[1002] == "forkserver", roles
        assert roles[1001] == "resource tracker", roles
        # the workers come right after the forkserver, deeper in the tree
        assert pids[3:6] == [1003, 1004, 1005], pids
        for w in rows[3:6]:
            assert w[1] == "child (forkserver)", w
            assert tree_indent(w[2]) > tree_indent(rows[2][2]), (w[2], rows[2][2])
        # the workers were killed by main's SIGTERM as it exited: tombstones say so (the
        # sender is in the details, and in the tree when it is wide)
        assert re.search(r"1003 child \(forkserver\)\s+SIGTERM\*", s), s
        p.keys("z")
        s = p.wait_for(r"1003\s+1002 child \(forkserver\)\s+SIGTERM by 1000\*")
        # forkscope's own entry is not part of the workload
        assert 999 not in pids, pids
    finally:
        p.close()


def test_replay_step_and_seek():
    p = replay()
    try:
        p.wait_for(r"REPLAY at end")  # it plays by itself first
        p.keys("Home")
        s = p.wait_for(r"events 0/%d" % NEVENTS)
        assert tree_rows(s) == [], s
        for _ in range(3):
            p.keys(".")
        s = p.wait_for(r"events 3/%d" % NEVENTS)
        pids = [r[0] for r in tree_rows(s)]
        assert pids == [1000, 1001], s  # fork 1000, exec 1000, fork 1001
        assert "paused" in s, s
        p.keys(",")
        s = p.wait_for(r"events 2/%d" % NEVENTS)
        assert [r[0] for r in tree_rows(s)] == [1000], s
        p.keys("End")
        s = p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
        assert len(tree_rows(s)) == 6, s
        # speed keys say the speed, within 0.1x .. 100x
        for _ in range(12):
            p.keys(">")
        p.wait_for(r"speed 100x")
        for _ in range(12):
            p.keys("<")
        p.wait_for(r"speed 0.1x")
    finally:
        p.close()


def test_replay_quit_restores_terminal():
    p = replay()
    try:
        p.wait_for(r"REPLAY")
        assert p.alternate_screen(), "the UI should use the alternate screen"
        p.keys("q")
        assert p.exit_status() == 0
        p.wait_for(r"FORKSCOPE-EXITED")
        assert not p.alternate_screen(), "terminal left in the alternate screen"
    finally:
        p.close()


def test_replay_resize_and_tiny():
    p = replay(cols=100, rows=30)
    try:
        p.keys("End")
        p.wait_for(r"events %d/" % NEVENTS)
        tmux("resize-window", "-t", "t", "-x", "60", "-y", "20")
        p.wait_for(r"terminal too small: 60x20")
        p.wait_for(r"80x24")
        tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
        s = p.wait_for(r"forkserver")
        assert "too small" not in s, s
        assert len(tree_rows(s)) >= 5, s
        tmux("resize-window", "-t", "t", "-x", "200", "-y", "60")
        s = p.wait_for(r"legend:")
        assert len(tree_rows(s)) == 6, s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_tiny_terminal_at_start():
    p = replay(cols=40, rows=10)
    try:
        p.wait_for(r"too small")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_ascii_no_colors():
    p = replay({"LANG": "C", "LC_ALL": "C", "TERM": "vt100"})
    try:
        p.keys("End")
        s = p.wait_for(r"events %d/" % NEVENTS)
        assert re.search(r"[|`]-", s), s
        assert not re.search("[\u2500-\u257f]", s), s  # no box drawing in an ASCII locale
        assert len(tree_rows(s)) == 6, s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_keys_filter_fold_help():
    p = replay()
    try:
        p.keys("End")
        p.wait_for(r"events %d/" % NEVENTS)
        p.keys("f")  # forks only
        s = p.wait_for(r"filter: fork")
        log = [line[:60] for line in s.split(" Events ", 1)[1].splitlines()[1:-1]]
        assert not any(" exit " in line for line in log), s
        assert sum(" fork " in line for line in log) == 6, s
        p.keys("f", "f", "f", "f")
        p.wait_for(r"filter: all")
        # fold the forkserver: its 3 workers disappear, and come back
        p.keys("j", "j")
        p.keys("Left")
        s = p.wait_for(r"\[\+3\]")
        assert len(tree_rows(s)) == 3, s
        p.keys("Right")
        s = p.wait_for(r"\[\+3\]", absent=True)
        assert len(tree_rows(s)) == 6, s
        # search selects a process: the details pane shows it
        p.keys("/", "1004", "Enter")
        p.wait_for(r"PID 1004 ")
        p.keys("?")
        p.wait_for(r"forkscope keys")
        p.keys("x")
        p.wait_for(r"forkscope keys", absent=True)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_replay_bad_file():
    p = Pane("%s replay /nonexistent/file.jsonl 2>&1" % shquote(FORKSCOPE))
    try:
        assert p.exit_status() == 1
        s = p.wait_for(r"FORKSCOPE-EXITED")
        assert "forkscope:" in s, s
    finally:
        p.close()


def test_replay_cut_recording():
    """A recording whose forkscope was killed (no end line, the last line cut): the replay
    says where it stops, shows the processes it no longer follows as unknown with a '?'
    where their bars end, and exits 0 with a warning after the UI."""
    path = os.path.join(TMP, "cut.jsonl")
    with open(RECORDING) as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        f.write("\n".join(lines[:9]) + "\n" + lines[9][:25])  # up to the 2nd forkserver fork
    p = Pane("%s replay %s 2>&1" % (shquote(FORKSCOPE), shquote(path)), 120, 35,
             {"LANG": "C.UTF-8", "TERM": "tmux-256color"})
    try:
        s = p.wait_for(r"the recording ends at 35 ms: line 10 is cut short")
        p.keys("End")
        s = p.wait_for(r"REPLAY at end")
        rows = tree_rows(s)
        assert len(rows) == 5 and all("unknown" in line for _, _, line in rows), s
        assert all(line.rstrip().endswith("?") for _, _, line in rows), s
        p.keys("q")
        assert p.exit_status() == 0
        s = p.wait_for(r"FORKSCOPE-EXITED")
        assert "forkscope: warning: %s: the recording ends at 35 ms: line 10 is cut short" \
            % path in s, s
    finally:
        p.close()


def test_help_any_key_closes():
    """In help every key only closes it (q and F10 too); a resize redraws it."""
    p = replay()
    try:
        p.wait_for(r"REPLAY")
        for key in ("q", "F10", "Escape", "Enter", "Space", "x"):
            p.keys("?")
            p.wait_for(r"forkscope keys")
            if key == "q":
                tmux("resize-window", "-t", "t", "-x", "100", "-y", "30")
                p.wait_for(r"forkscope keys")  # still the help, redrawn
                tmux("resize-window", "-t", "t", "-x", "120", "-y", "35")
                p.wait_for(r"forkscope keys")
            p.keys(key)
            s = p.wait_for(r"forkscope keys", absent=True)
            assert "REPLAY" in s, "%s did more than close the help:\n%s" % (key, s)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_esc_clears_search_and_filters():
    p = replay()
    try:
        p.keys("End")
        p.wait_for(r"events %d/" % NEVENTS)
        # Esc while typing a search: the prompt goes, nothing is searched
        p.keys("/", "1003")
        p.wait_for(r"search: 1003_")
        p.keys("Escape")
        s = p.wait_for(r"search: ", absent=True)
        assert "filter: all" in s, s
        # a search, the type and process filters: one Esc clears them all, and says so
        p.keys("/", "1004", "Enter")
        p.wait_for(r"PID 1004 ")
        p.keys("f", "p")
        s = p.wait_for(r"filter: fork pid 1004")
        p.keys("Escape")
        s = p.wait_for(r"filter: all\b")
        assert re.search(r"cleared", s), s
        assert "1004" not in s.split(" Events ", 1)[1].splitlines()[0], s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


SGR_RE = re.compile(r"\x1b\[([0-9;:]*)m")


def sgr_colours(text):
    """The colour parameters (30-37, 38;..., 40-47, 48;..., 90-97, 100-107) in the SGR
    sequences of text."""
    found = []
    for m in SGR_RE.finditer(text):
        params = [x for x in re.split("[;:]", m.group(1)) if x != ""]
        i = 0
        while i < len(params):
            v = int(params[i])
            if v in (38, 48):
                found.append(";".join(params[i:i + 3]))
                i += 5 if i + 1 < len(params) and params[i + 1] == "2" else 3
                continue
            if 30 <= v <= 37 or 40 <= v <= 47 or 90 <= v <= 97 or 100 <= v <= 107:
                found.append(str(v))
            i += 1
    return found


def test_no_color_env():
    """NO_COLOR=1: no colour escapes on any screen, attributes only; roles still words."""
    p = replay({"NO_COLOR": "1"})
    try:
        p.keys("End")
        p.wait_for(r"events %d/" % NEVENTS)
        for keys in ((), ("?",)):
            p.keys(*keys)
            time.sleep(0.3)
            raw = tmux("capture-pane", "-e", "-p", "-t", "t")
            assert not sgr_colours(raw), "colour codes %s in:\n%s" % (
                sorted(set(sgr_colours(raw))), raw)
            assert SGR_RE.search(raw), "no attributes at all?"
        p.keys("Escape")
        s = p.wait_for(r"REPLAY")
        assert re.search(r"1002\^forkserver", s), s  # roles are words
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()
    # with NO_COLOR empty, colours are used
    p = replay({"NO_COLOR": ""})
    try:
        p.keys("End")
        p.wait_for(r"events %d/" % NEVENTS)
        time.sleep(0.3)
        assert sgr_colours(tmux("capture-pane", "-e", "-p", "-t", "t"))
        p.keys("q")
    finally:
        p.close()


def test_help_scrolls_at_80x24():
    """At 80x24 the help scrolls (Down, PgDn, End, Home, the wheel) and lists every key."""
    p = replay(cols=80, rows=24)
    try:
        p.wait_for(r"REPLAY")
        p.keys("?")
        s = p.wait_for(r"forkscope keys")
        last = s.rstrip("\n").splitlines()[-1]
        assert re.search(r"scroll", last) and re.search(r"other key.*close", last), last
        first_body = s.splitlines()[1]
        p.keys("Down")
        s = p.wait_for(r"forkscope keys", absent=True)  # the title scrolled away
        assert s.splitlines()[0] != first_body or True
        assert re.search(r"other key.*close", s), "Down closed the help:\n" + s
        seen = set(s.splitlines())
        for _ in range(6):
            p.keys("PageDown")
            time.sleep(0.15)
            s = p.screen()
            assert re.search(r"other key.*close", s), "PgDn closed the help:\n" + s
            seen |= set(s.splitlines())
        p.keys("Home")
        p.wait_for(r"forkscope keys")
        p.keys("End")
        s = p.wait_for(r"timeline: \+ fork")  # the last lines of the help
        seen |= set(s.splitlines())
        text = "\n".join(seen)
        keys = "\n".join(line[:21] for line in seen)  # the column of keys
        # every key of the tables is there, the last ones included
        for label in (r"Up\b", r"PgDn", r"Tab", r"Esc", r"/", r"\bn\b", r"\bf\b", r"\bp\b",
                      r"\bo\b", r"Home", r"End", r"<", r">", r"\bm\b", r"\bd\b", r"\bc\b",
                      r"\?", r"F1\b", r"\bq\b", r"F10"):
            assert re.search(label, keys), (label, text)
        assert re.search(r"^\s+q F10\s.*quit", text, re.M), text
        # the mouse wheel scrolls too (an X10 wheel-up report), and does not close it
        p.keys("Home")
        p.wait_for(r"forkscope keys")
        p.keys("Down", "Down")
        p.wait_for(r"forkscope keys", absent=True)
        p.keys("-l", "\x1b[M`!!")
        p.keys("-l", "\x1b[M`!!")
        p.wait_for(r"forkscope keys")
        p.keys("x")
        p.wait_for(r"REPLAY")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


KILLS = os.path.join(TMP, "kills.jsonl")


def write_kills_recording(path):
    """main 3000 with two children: 3001 killed by SIGTERM, 3002 sent a SIGPIPE that was
    ignored (not delivered), then exiting 0."""
    ms = 1000000
    lines = [
        {"type": "header", "schema": 1, "tool": "forkscope 0.1.0", "root_pid": 3000,
         "command": ["/bin/sh", "x.sh"], "method": None, "python": None,
         "kernel": "Linux test", "start_realtime_ns": 1},
        {"type": "fork", "t_ns": 1 * ms, "pid": 3000, "ppid": 999, "parent_tid": 999,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2 * ms, "pid": 3000, "ppid": 999,
         "filename": "/bin/sh", "argv": ["/bin/sh", "x.sh"]},
        {"type": "fork", "t_ns": 10 * ms, "pid": 3001, "ppid": 3000, "parent_tid": 3000,
         "comm": "sleep", "parent_threads": 1},
        {"type": "fork", "t_ns": 12 * ms, "pid": 3002, "ppid": 3000, "parent_tid": 3000,
         "comm": "writer", "parent_threads": 1},
        {"type": "signal", "t_ns": 40 * ms, "pid": 3000, "target": 3002, "sig": 13,
         "sig_result": 1},
        {"type": "exit", "t_ns": 61 * ms, "pid": 3002, "ppid": 3000, "comm": "writer",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "signal", "t_ns": 120 * ms, "pid": 3000, "target": 3001, "sig": 15},
        {"type": "exit", "t_ns": 121 * ms, "pid": 3001, "ppid": 3000, "comm": "sleep",
         "exit_code": None, "signal": 15, "core_dumped": False},
        {"type": "exit", "t_ns": 200 * ms, "pid": 3000, "ppid": 999, "comm": "sh",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "end", "t_ns": 200 * ms, "events": 9, "lost": 0},
    ]
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")


def sgr_cells(line):
    """(char, set of active SGR parameters) for each cell of a captured line."""
    cells, active = [], set()
    pos = 0
    for m in SGR_RE.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            cells.append((ch, frozenset(active)))
        pos = m.end()
        params = [x for x in re.split("[;:]", m.group(1)) if x != ""] or ["0"]
        for v in params:
            v = int(v)
            if v == 0:
                active = set()
            elif 30 <= v <= 39:
                active = {a for a in active if not 30 <= a <= 39} | ({v} if v != 39 else set())
            elif 40 <= v <= 49:
                active = {a for a in active if not 40 <= a <= 49} | ({v} if v != 49 else set())
            else:
                active.add(v)
    return cells


class Cell:
    """One cell of a captured line: its character, colours ("2", "208", None: the
    terminal's own) and other SGR attributes (1 bold, 2 dim, 4 underline, 7 reverse)."""

    def __init__(self, ch, fg, bg, attrs):
        self.ch, self.fg, self.bg, self.attrs = ch, fg, bg, attrs

    def __repr__(self):
        return "Cell(%r fg=%s bg=%s %s)" % (self.ch, self.fg, self.bg, sorted(self.attrs))


RED = {"1", "9", "160", "196", "124", "88"}


def parse_cells(line):
    """Cells of one line of `capture-pane -e` output, 256 colours understood."""
    cells, fg, bg, attrs, pos = [], None, None, set(), 0
    for m in list(SGR_RE.finditer(line)) + [None]:
        end = m.start() if m else len(line)
        for ch in line[pos:end]:
            cells.append(Cell(ch, fg, bg, frozenset(attrs)))
        if not m:
            break
        pos = m.end()
        params = [int(x) for x in re.split("[;:]", m.group(1)) if x != ""] or [0]
        i = 0
        while i < len(params):
            v = params[i]
            if v == 0:
                fg, bg, attrs = None, None, set()
            elif v in (38, 48) and i + 2 < len(params) and params[i + 1] == 5:
                if v == 38:
                    fg = str(params[i + 2])
                else:
                    bg = str(params[i + 2])
                i += 2
            elif 30 <= v <= 37:
                fg = str(v - 30)
            elif 90 <= v <= 97:
                fg = str(v - 90 + 8)
            elif 40 <= v <= 47:
                bg = str(v - 40)
            elif 100 <= v <= 107:
                bg = str(v - 100 + 8)
            elif v == 39:
                fg = None
            elif v == 49:
                bg = None
            elif v == 22:
                attrs -= {1, 2}
            elif v in (24, 27):
                attrs.discard(v - 20)
            else:
                attrs.add(v)
            i += 1
    return cells


def screen_cells(row):
    """The cells of screen row `row` (captured alone: capture-pane carries the attributes
    of a line's end over to the next line)."""
    raw = tmux("capture-pane", "-N", "-e", "-p", "-t", "t", "-S", str(row), "-E", str(row))
    return parse_cells(raw.rstrip("\n"))


def test_timeline_kill_marks():
    write_kills_recording(KILLS)
    env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    for extra in ({}, {"NO_COLOR": "1"}):
        env.update(extra)
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(KILLS)), 120, 35, env)
        try:
            p.keys("End")
            s = p.wait_for(r"events 9/9")
            plain = s.splitlines()
            col = plain[1].index("Timeline")
            rows = {}
            for i, line in enumerate(plain):
                m = re.match(r"^\s*(300[012])[\^ ]\s*(main|other|child)", line)
                if m and int(m.group(1)) not in rows:  # the tree's row, not the details'
                    # one line alone: its attributes from its first cell on
                    raw = tmux("capture-pane", "-e", "-p", "-t", "t", "-S", str(i), "-E", str(i))
                    cells = sgr_cells(raw.rstrip("\n"))
                    rows[int(m.group(1))] = cells[col:]
            killed = "".join(c for c, _ in rows[3001]).rstrip()
            assert killed.endswith("X"), "no X where SIGTERM killed 3001: %r" % killed
            x_attr = rows[3001][len(killed) - 1][1]
            writer = "".join(c for c, _ in rows[3002]).rstrip()
            assert "X" not in writer and "!" not in writer, \
                "an ignored SIGPIPE looks like a kill or a signal: %r" % writer
            assert writer.endswith("|"), writer
            assert "~" in writer, "the ignored SIGPIPE is not marked: %r" % writer
            mark = rows[3002][writer.index("~")][1]
            if not extra:
                assert 41 in x_attr, ("the kill mark is not red", x_attr)
                assert not (mark & {31, 41, 91, 101}), ("the ignored signal is red", mark)
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def xterm_rgb(n):
    """The xterm palette (as /work/shared/tools/screenshot draws it)."""
    base = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
            (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
            (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
    if n < 16:
        return base[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


def contrast(a, b):
    """WCAG contrast ratio of two xterm colours (1 to 21)."""
    def lum(n):
        c = [v / 255 for v in xterm_rgb(int(n))]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def theme_screen(args, env=None, cols=120, rows=36, keys=("End",)):
    """A replay of RECORDING in colour at its end: (pane, screen text, cells by row)."""
    e = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    e.update(env or {})
    p = Pane("%s replay %s %s" % (shquote(FORKSCOPE), args, shquote(RECORDING)), cols, rows, e)
    p.keys(*keys)
    s = p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
    time.sleep(0.3)
    return p, s, [screen_cells(i) for i in range(rows)]


def tree_row(screen, pid):
    """The screen row of pid's tree row."""
    for i, line in enumerate(screen.splitlines()):
        if re.match(r"^\s*%d[\^ ]" % pid, line):
            return i
    raise AssertionError("no row of %d:\n%s" % (pid, screen))


def test_theme_projector():
    """--theme projector (and FORKSCOPE_THEME=projector), checked on the rendered screen:
    every cell on the theme's own background (so that it reads on light and dark terminal
    schemes alike), every letter at 4.5:1 contrast or more, no dim at all (a finished row
    keeps its colour, not bold), header bars light on dark or dark on light, never bold
    black; the kill mark white on red, the forkserver's children not red."""
    for how in ("--theme projector", "FORKSCOPE_THEME"):
        p, s, cells = theme_screen("--theme projector" if how != "FORKSCOPE_THEME" else "",
                                   {"FORKSCOPE_THEME": "projector"} if how == "FORKSCOPE_THEME"
                                   else None)
        try:
            for y, row in enumerate(cells):
                for x, c in enumerate(row):
                    assert c.bg is not None, ("a cell on the terminal's own background",
                                              how, y, x, c)
                    assert 2 not in c.attrs, ("dim", y, x, c)
                    if c.ch.strip() and c.fg is not None:
                        assert contrast(c.fg, c.bg) >= 4.5, ("low contrast", y, x, c)
            title = cells[0][2]
            assert title.fg == "231" and title.bg == "16" and 1 in title.attrs, title
            for row in (1,):
                for c in cells[row]:
                    assert not (c.fg == "0" and 1 in c.attrs), ("bold black", c)
            # a finished worker (killed by SIGTERM): its colour, not dim, not bold; X on red
            y = tree_row(s, 1003)
            role = cells[y][8]
            assert role.fg == "130" and 1 not in role.attrs and 2 not in role.attrs, role
            line = s.splitlines()[y]
            col = s.splitlines()[1].index("Timeline")
            x = line.rstrip().rindex("X")
            assert x > col and cells[y][x].bg == "160" and cells[y][x].fg == "231", cells[y][x]
            live_bold = cells[tree_row(s, 1002)][8]  # the forkserver: also exited, not bold
            assert live_bold.fg == "127", live_bold
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def check_projector_cells(what, rows):
    """Every cell of a projector screen on the theme's own background, no dim, every letter
    at 4.5:1 or more."""
    for y in range(rows):
        for x, c in enumerate(screen_cells(y)):
            assert c.bg is not None, ("on the terminal's own background", what, y, x, c)
            assert 2 not in c.attrs, ("dim", what, y, x, c)
            if c.ch.strip() and c.fg is not None:
                assert contrast(c.fg, c.bg) >= 4.5, ("low contrast", what, y, x, c)


def test_theme_projector_screens():
    """The projector theme on every screen: the help, compare (its timelines, marks and
    table, zoomed), a compare run opened in the full UI, the CPU view, the output pane and
    the picker with its source, at 120x36 and 80x24."""
    rec = os.path.join(SHIPPED, "pool-recycle-forkserver.jsonl")
    for cols, rows in ((120, 36), (80, 24)):
        env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
        p = Pane("%s replay --theme projector %s" % (shquote(FORKSCOPE), shquote(rec)),
                 cols, rows, env)
        try:
            p.keys("e")
            p.wait_for(r"REPLAY at end")
            for keys, done in ((("u",), r"CPU view"), (("u", "o"), r"Output "),
                               (("?",), r"forkscope keys"), (("q", "c", "+"), r"zoomed"),
                               (("2",), r"COMPARE RUN")):
                p.keys(*keys)
                p.wait_for(done)
                time.sleep(0.3)
                check_projector_cells(done, rows)
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()
        p = Pane("%s --theme projector" % shquote(FORKSCOPE), cols, rows, env)
        try:
            p.wait_for(r"What to look for")
            check_projector_cells("picker", rows)
            p.keys("s")
            p.wait_for(r"daemon\.py\s+lines")
            check_projector_cells("source", rows)
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def test_theme_no_dim():
    """The default theme dims finished processes; --no-dim does not; the signal's red is
    not a role's colour (the forkserver's children are orange)."""
    for args, dim in (("", True), ("--no-dim", False)):
        p, s, cells = theme_screen(args)
        try:
            y = tree_row(s, 1003)
            role = cells[y][8]
            assert (2 in role.attrs) == dim, (args, role)
            assert role.fg == "208", role
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()
    # NO_COLOR wins over the projector theme: not one colour sent
    p, s, cells = theme_screen("--theme projector", {"NO_COLOR": "1"})
    try:
        raw = tmux("capture-pane", "-e", "-p", "-t", "t")
        assert not sgr_colours(raw), sorted(set(sgr_colours(raw)))
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_small_tree_spaced():
    """A tree that fits twice is spaced out (a blank line after each row, its timeline bar
    on its own line) instead of leaving half the screen empty; one that does not is packed."""
    for cols, rows, pitch in ((120, 36, 2), (80, 24, 1)):
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(RECORDING)), cols, rows,
                 {"LANG": "C", "TERM": "tmux-256color"})
        try:
            p.keys("End")
            s = p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
            lines = s.splitlines()
            ys = [i for i, line in enumerate(lines) if re.match(r"^\s*100\d[\^ ]", line)]
            ys = ys[:6]  # the tree's rows (the details pane may name a PID too)
            assert len(ys) == 6 and all(b - a == pitch for a, b in zip(ys, ys[1:])), (ys, s)
            col = lines[1].index("Timeline")
            for y in ys:
                assert re.search(r"[-=+*|X]", lines[y][col:]), (y, lines[y])
                if pitch == 2:
                    assert not lines[y + 1].strip(), lines[y + 1]
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


SHIPPED = os.path.join(ROOT, "demos", "recordings")


def cmp_header(screen, k, method):
    """The header line of compare run k (1-3)."""
    for line in screen.splitlines():
        if re.match(r"^[ >]%d %s \(" % (k, method), line):
            return line
    raise AssertionError("no header of run %d:\n%s" % (k, screen))


def test_compare_timelines():
    """c on a replay of a shipped DEMO-METHOD.jsonl: the three recordings as timelines on
    one axis, each run's header marking its figures (r: the median child start from the first
    child's fork, f: the forkserver's one-time start, T: the end), the table saying which
    mark is which; zoomed in, spawn's r is longer than fork's; 2 opens spawn's run in the
    full UI, c comes back. At 120x36, and at 80x24 with LANG=C and NO_COLOR."""
    rec = os.path.join(SHIPPED, "pool-recycle-forkserver.jsonl")
    if not os.path.exists(rec):
        raise AssertionError("no shipped recording %s (make recordings)" % rec)
    for cols, rows, env in ((120, 36, {"LANG": "C.UTF-8"}),
                            (80, 24, {"LANG": "C", "NO_COLOR": "1"})):
        env["TERM"] = "tmux-256color"
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(rec)), cols, rows, env)
        try:
            p.wait_for(r"REPLAY")
            p.keys("c")
            s = p.wait_for(r"the three recordings")
            assert re.search(r"since each (run's )?start", s), s
            axis = s.splitlines()[1]
            assert axis.count("+" if env["LANG"] == "C" else "\u252c") >= 4, axis
            heads = [cmp_header(s, k, m) for k, m in ((1, "fork"), (2, "spawn"),
                                                       (3, "forkserver"))]
            for h in heads:
                assert h.rstrip().endswith("T"), h
            assert re.search(r"^\s+r\s+child start \(fork -> ready\)\s+\S+ \S+\s+\S+ ms", s, re.M), s
            assert re.search(r"^\s+f\s+forkserver start \(once\)\s+-\s+-\s+\d", s, re.M), s
            assert re.search(r"^\s+T\s+total run time", s, re.M), s
            # a row per process on the shared axis: main, the children
            assert re.search(r"^ \d+ main\s+\*", s, re.M), s
            p.keys("+", "+", "+", "+")
            s = p.wait_for(r"zoomed")
            axis = s.splitlines()[1]
            heads = [cmp_header(s, k, m) for k, m in ((1, "fork"), (2, "spawn"),
                                                       (3, "forkserver"))]
            x0 = re.search(r"[+\u252c]", axis).start()  # the axis's start
            span = [len(re.search(r"r[-\u2500]*[|\u2524]?", h[x0:]).group(0)) for h in heads]
            assert span[1] > span[0] and span[1] > span[2], (span, heads)
            assert heads[2].index("f") < heads[2].rindex("r"), heads[2]
            p.keys("2")
            s = p.wait_for(r"COMPARE RUN[^\0]*(child \(spawn\)|c-spawn)")
            assert "method spawn" in s.splitlines()[0], s
            p.keys("c")
            p.wait_for(r"since each (run's )?start|zoomed")
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def details_text(screen):
    """The details pane's lines (right of the event log, below its header)."""
    lines = screen.splitlines()
    head = [i for i, line in enumerate(lines) if " Details " in line][0]
    x = lines[head].index(" Details ")
    return [line[x:].strip() for line in lines[head + 1:-1]]


def test_lists_home_end_pages():
    """Home/End and PgUp/PgDn as in less and htop: in the event log Home selects the first
    event, End the last (and follows again); the details scroll a page and no further than
    their last line (End shows it, Home the first); in the tree Home/End stay the run's start
    and end (b/e)."""
    p = replay(cols=80, rows=24)
    try:
        p.keys("End")
        p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
        p.keys("Tab", "Tab")  # the event log
        p.keys("Home")
        s = p.wait_for(r"^\s+0\.001000 fork", timeout=5)
        p.keys("End")
        s = p.wait_for(r"0\.220000 exit|0\.210000 exit")
        assert "events %d/%d" % (NEVENTS, NEVENTS) in s, s  # End did not seek elsewhere
        p.keys("Tab")  # the details of main (1000)
        p.keys("End")
        time.sleep(0.4)
        end = details_text(p.screen())
        assert any(re.match(r"\d+ (child|forkserver|resource)", t) for t in end), end
        p.keys("NPage", "NPage", "NPage")
        time.sleep(0.4)
        assert details_text(p.screen()) == end, "paged past the end"
        p.keys("Home")
        s = p.wait_for(r"PID 1000 ")
        p.keys("NPage")
        time.sleep(0.4)
        assert details_text(p.screen())[0] != "PID 1000  main", details_text(p.screen())
        p.keys("PPage")
        p.wait_for(r"PID 1000 ")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def mouse(p, x, y, button=0, sgr=True):
    """A press of button at column x, row y (0-based): SGR (1006) or X10 encoding."""
    if sgr:
        p.keys("-l", "\x1b[<%d;%d;%dM" % (button, x + 1, y + 1))
        if button < 64:
            p.keys("-l", "\x1b[<%d;%d;%dm" % (button, x + 1, y + 1))
    else:
        p.keys("-l", "\x1b[M%c%c%c" % (32 + button, 33 + x, 33 + y))
        if button < 64:
            p.keys("-l", "\x1b[M%c%c%c" % (32 + 3, 33 + x, 33 + y))


def test_mouse():
    """A click on a tree row selects its process, on a timeline row too, on an event its
    event and process; the wheel moves the selection; a double click is Enter. SGR reports
    (TERM=xterm-256color) and X10 ones (tmux-256color). Without a mouse (TERM=vt100) the
    keys still work."""
    for term, sgr in (("xterm-256color", True), ("tmux-256color", False)):
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(RECORDING)), 120, 36,
                 {"LANG": "C.UTF-8", "TERM": term})
        try:
            p.keys("e")
            s = p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
            y = tree_row(s, 1004)
            mouse(p, 3, y, sgr=sgr)
            p.wait_for(r"PID 1004 ")
            col = s.splitlines()[1].index("Timeline")
            mouse(p, col + 5, tree_row(s, 1002), sgr=sgr)
            p.wait_for(r"PID 1002 ")
            # an event row: its process is selected
            lines = s.splitlines()
            ev = [i for i, line in enumerate(lines) if re.match(r"^\s+\d\.\d{6} exit\s+1001", line)]
            assert ev, s
            mouse(p, 5, ev[0], sgr=sgr)
            s = p.wait_for(r"PID 1001 ")
            # the wheel over the tree: three rows down from the first
            mouse(p, 3, tree_row(s, 1000), sgr=sgr)
            p.wait_for(r"PID 1000 ")
            mouse(p, 3, tree_row(s, 1000), button=65, sgr=sgr)
            p.wait_for(r"PID 1003 ")
            mouse(p, 3, tree_row(s, 1000), button=64, sgr=sgr)
            p.wait_for(r"PID 1000 ")
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()
    p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(RECORDING)), 120, 36,
             {"LANG": "C", "TERM": "vt100"})
    try:
        p.keys("e")
        p.wait_for(r"events %d/%d" % (NEVENTS, NEVENTS))
        p.keys("j")
        p.wait_for(r"PID 1001 ")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


# ---- live tests (root and BPF) ----

LIVE_REASON = None


def write_threads_recording(path):
    """A GIL lesson in miniature (schema 3): main (2000) counts alone on CPU 0, then its
    threads 2001 (preempted each time: runnable between runs) and 2002 (blocked between
    runs) take turns on CPU 1 in 20 ms runs, then children 2010 and 2011 run at once on
    CPUs 0 and 3 of a 64-CPU machine. Run lines come when their run ends."""
    ms = 1000000
    lines = [
        {"type": "header", "schema": 3, "tool": "forkscope 0.1.0", "root_pid": 2000,
         "command": ["/usr/bin/python3", "gil.py"], "method": "fork", "python": "3.11.2",
         "kernel": "Linux test", "start_realtime_ns": 1, "cpus": 64},
        {"type": "fork", "t_ns": 1 * ms, "pid": 2000, "ppid": 999, "parent_tid": 999,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2 * ms, "pid": 2000, "ppid": 999,
         "filename": "/usr/bin/python3", "argv": ["/usr/bin/python3", "gil.py"]},
        {"type": "thread", "t_ns": 99 * ms, "pid": 2000, "tid": 2001, "creator_tid": 2000,
         "threads": 2, "comm": "python3"},
        {"type": "thread", "t_ns": 99 * ms, "pid": 2000, "tid": 2002, "creator_tid": 2000,
         "threads": 3, "comm": "python3"},
        {"type": "run", "t_ns": 2 * ms, "end_ns": 100 * ms, "pid": 2000, "tid": 2000,
         "cpu": 0, "left": "blocked", "cpu_ns": 98 * ms, "switches": 1},
    ]
    for k in range(5):
        for tid, off, left in ((2001, 0, "preempted"), (2002, 20, "blocked")):
            t0 = 100 + 40 * k + off
            lines.append({"type": "run", "t_ns": t0 * ms, "end_ns": (t0 + 20) * ms,
                          "pid": 2000, "tid": tid, "cpu": 1,
                          "left": "exited" if k == 4 else left,
                          "cpu_ns": 20 * ms, "switches": 1})
    for tid in (2001, 2002):
        lines.append({"type": "thread_exit", "t_ns": 300 * ms, "pid": 2000, "tid": tid,
                      "comm": "python3"})
    for pid in (2010, 2011):
        lines.append({"type": "fork", "t_ns": 300 * ms, "pid": pid, "ppid": 2000,
                      "parent_tid": 2000, "comm": "python3", "parent_threads": 1})
    for pid, cpu in ((2010, 0), (2011, 3)):
        lines.append({"type": "run", "t_ns": 301 * ms, "end_ns": 500 * ms, "pid": pid,
                      "tid": pid, "cpu": cpu, "left": "exited", "cpu_ns": 199 * ms,
                      "switches": 1})
        lines.append({"type": "exit", "t_ns": 500 * ms, "pid": pid, "ppid": 2000,
                      "comm": "python3", "exit_code": 0, "signal": None,
                      "core_dumped": False})
    lines += [
        {"type": "exit", "t_ns": 510 * ms, "pid": 2000, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "end", "t_ns": 520 * ms, "events": len(lines) - 1 + 1, "lost": 0},
    ]
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return len(lines) - 2  # events


THREADS_RECORDING = os.path.join(TMP, "threads.jsonl")
THREADS_NEVENTS = write_threads_recording(THREADS_RECORDING)


def replay_threads(extra_env=None, cols=120, rows=36):
    env = {"LANG": os.environ.get("LANG", "C.UTF-8"), "TERM": "tmux-256color"}
    env.update(extra_env or {})
    p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(THREADS_RECORDING)), cols, rows,
             env)
    p.wait_for(r"REPLAY")
    p.keys("End")
    p.wait_for(r"events %d/%d" % (THREADS_NEVENTS, THREADS_NEVENTS))
    return p


def timeline_part(screen, pid, kind):
    """The timeline columns of the row of `pid` whose role column reads `kind`."""
    lines = screen.splitlines()
    col = lines[1].index(" Timeline")
    for line in lines[2:]:
        if re.match(r"^\s*%d[\^ ]\s*(?:\d+\s+)?%s\b" % (pid, kind), line):
            return line[col:]
    raise AssertionError("no %s row %d:\n%s" % (kind, pid, screen))


def test_threads_toggle():
    p = replay_threads()
    try:
        s = p.screen()
        assert not re.search(r"^\s*2001\s+thread", s, re.M), s  # off by default
        p.keys("t")
        s = p.wait_for(r"^\s*2002\s+thread\s+ended", timeout=5)
        assert re.search(r"^\s*2001\s+thread\s+ended\s.*CPU 100 ms", s, re.M), s
        assert re.search(r"^\s*2000\s+thread\s.*CPU 98 ms \(main", s, re.M), s
        # thread rows come right under their process, before its children
        rows = [int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s", s, re.M)]
        assert rows[0] == 2000 and sorted(rows[1:4]) == [2000, 2001, 2002], rows
        assert rows[4:6] == [2010, 2011], rows
        # the selection skips thread rows: Down goes from main to its first child
        p.keys("Down")
        s = p.wait_for(r"PID 2010", timeout=5)
        p.keys("t")
        p.wait_for(r"^\s*2001\s+thread", absent=True, timeout=5)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_timeline_states_ascii_no_color():
    p = replay_threads({"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"})
    try:
        p.keys("t")
        s = p.wait_for(r"^\s*2002\s+thread", timeout=5)
        assert not re.search("[\u2500-\u259f]", s), s  # ASCII only
        main = timeline_part(s, 2000, "main")
        t1, t2 = timeline_part(s, 2001, "thread"), timeline_part(s, 2002, "thread")
        assert "#" in main and "." in main, main  # counting, then waiting for the children
        assert "#" in t1 and "-" in t1 and "." not in t1.strip(" |"), t1  # preempted
        assert "#" in t2 and "." in t2 and "-" not in t2, t2  # blocked between its runs
        kid = timeline_part(s, 2010, r"c(hild|-fork)")
        assert re.search(r"#{5,}", kid), kid
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def cpu_lanes(screen):
    """{cpu: the lane's cells} of the CPU view on the screen."""
    lines = screen.splitlines()
    col = lines[1].index(" Timeline")
    lanes = {}
    for line in lines:
        m = re.match(r"^ CPU (\d+)\s+busy", line)
        if m:
            lanes[int(m.group(1))] = line[col:]
    return lanes


def test_cpu_view_lanes():
    for cols, rows, env in ((120, 36, {}), (80, 24, {"LANG": "C", "LC_ALL": "C",
                                                       "NO_COLOR": "1"})):
        p = replay_threads(env, cols, rows)
        try:
            p.keys("u")
            s = p.wait_for(r"CPU view", timeout=5)
            assert re.search(r"3 CPUs used of 64 +cores busy 1\.\d\d", s), s
            lanes = cpu_lanes(s)
            assert sorted(lanes) == [0, 1, 3], s  # only the CPUs the workload used
            assert re.search(r"1 PID 2000 main", s) and re.search(r"2 PID 2010 ", s), s
            # main alone on CPU 0, then its threads on CPU 1 (one core: its mark only)
            assert set(lanes[1].strip(" |")) == {"1"}, lanes
            assert lanes[0].lstrip(" |").startswith("111"), lanes
            # the two children at once: 2 on CPU 0 and 3 on CPU 3 in the same columns
            both = [i for i, c in enumerate(lanes[0]) if c == "2" and i < len(lanes[3])
                    and lanes[3][i] == "3"]
            assert len(both) >= 5, lanes
            p.keys("u")
            p.wait_for(r"CPU view", absent=True, timeout=5)
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()



# ---- the output pane: a recording with the workload's output ----

OUT_LONG = "".join(str(i % 10) for i in range(300))  # wider than any pane: it wraps
OUT_EVIL = "evil \x1b]0;pwned\x07\x1b[2J\x1b[H end"  # a title, a clear, a cursor move
OUT_FLOOD = 40  # "count NN" lines of main's, for scrolling


def write_output_recording(path):
    """RECORDING's run with its output: main, the workers (one on stderr, one line in two
    writes, one too long for a row, one with escape sequences) and a flood of main's."""
    ms = 1000000
    with open(RECORDING) as f:
        lines = [json.loads(line) for line in f]
    end = lines.pop()
    out = [(5, 1000, 1, "start() took 86 ms\n"),
           (41, 1003, 1, "partial "), (41.5, 1003, 1, "line from 1003\n"),
           (42, 1004, 2, "warning: worker 1004 on stderr\n"),
           (43, 1005, 1, OUT_LONG + "\n"),
           (44, 1000, 1, OUT_EVIL + "\n"),
           (150, 1000, 1, "cores busy 1.82\n")]
    out += [(60 + k * 0.1, 1000, 1, "count %02d\n" % k) for k in range(OUT_FLOOD)]
    for t, pid, fd, data in out:
        lines.append({"type": "output", "t_ns": int(t * ms), "pid": pid, "tid": pid,
                      "fd": fd, "data": data})
    lines[1:] = sorted(lines[1:], key=lambda x: x["t_ns"])
    end["events"] = len(lines) - 1
    lines.append(end)
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return len(lines) - 2


OUT_RECORDING = os.path.join(TMP, "output.jsonl")
OUT_NEVENTS = write_output_recording(OUT_RECORDING)


def replay_output(extra_env=None, cols=120, rows=36):
    env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    env.update(extra_env or {})
    p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(OUT_RECORDING)), cols, rows, env)
    p.wait_for(r"REPLAY")
    p.keys("End")
    p.wait_for(r"events \d+/%d" % OUT_NEVENTS)
    return p


NARRATION_ROW = re.compile(r"^(\[step: \w+\] )?(\[\d+/\d+\] |narration: |QUESTION: )")


def output_lines(screen, width, role=True):
    """The output pane's lines on the screen: [pid, role, stream mark, text], a wrapped
    line's rows joined (a row with no PID continues the line above)."""
    rows = screen.rstrip("\n").splitlines()
    head = [i for i, line in enumerate(rows)
            if re.match(r"^ Output( \[held.*\])?  \d+ lines", line)]
    assert head, screen
    found = []
    text_x = 20 if role else 12
    body = rows[head[0] + 1:-1]
    if len(body) >= 2 and NARRATION_ROW.match(body[-2]):
        body = body[:-2]  # the narration line's two rows (docs/narration.md)
    for row in body:
        row = row[:width].ljust(width)
        pid, text = row[:7].strip(), row[text_x:].rstrip()
        if pid:
            found.append([int(pid), row[8:15].strip() if role else "",
                          row[text_x - 4:text_x - 1].strip(), text])
        elif found:
            found[-1][3] += row[text_x:].rstrip() if row[text_x:].strip() else ""
    return found


def test_output_pane():
    """o: each line with its writer (PID, role, err for stderr), wrapped, the escape
    sequences as text (the title, the screen and the cursor untouched), at 120x36 and
    80x24 (maximized), LANG=C and NO_COLOR."""
    for cols, rows in ((120, 36), (80, 24)):
        p = replay_output({"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"}, cols, rows)
        try:
            title = tmux("display", "-p", "-t", "t", "#{pane_title}").strip()
            p.keys("o")
            if cols == 80:
                p.keys("z")  # the long line needs more rows than the 80x24 pane has
            s = p.wait_for(r"Output( \[held.*\])?  \d+ lines")
            width = 72 if cols == 120 else 80
            if cols == 80:
                p.keys("Home")
                s = p.wait_for(r"start\(\) took")
            got = output_lines(s, width)
            by_text = {g[3]: g for g in got}
            deadline = time.time() + 10
            while cols == 80 and OUT_LONG not in by_text and time.time() < deadline:
                time.sleep(0.1)  # a loaded machine: the pane may be caught mid-draw
                s = p.screen()
                got = output_lines(s, width)
                by_text = {g[3]: g for g in got}
            if cols == 80:
                assert by_text["start() took 86 ms"][:3] == [1000, "main", ""], got
                assert by_text["partial line from 1003"][:3] == [1003, "c-fsrv", ""], got
                assert by_text["warning: worker 1004 on stderr"][:3] == [1004, "c-fsrv",
                                                                       "err"], got
                assert by_text[OUT_LONG][:3] == [1005, "c-fsrv", ""], got
            evil = [g for g in got if g[3].startswith("evil")] if cols == 80 else []
            if cols == 80:
                assert evil and evil[0][3] == \
                    "evil \\x1b]0;pwned\\x07\\x1b[2J\\x1b[H end", evil
            else:
                # following: the newest at the bottom
                assert got[-1][:4] == [1000, "main", "", "cores busy 1.82"], got
            # the escape sequences did nothing: same title, the screen whole
            assert tmux("display", "-p", "-t", "t", "#{pane_title}").strip() == title
            assert "pwned" not in tmux("display", "-p", "-t", "t", "#{pane_title}")
            assert s.splitlines()[0].startswith(" forkscope"), s
            assert "\x1b" not in s
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def test_output_scroll():
    """PgUp holds the pane (the header says End follows), Home shows the oldest line, End
    follows again; the keys are in the help."""
    p = replay_output({"NO_COLOR": "1"})
    try:
        p.keys("o")
        s = p.wait_for(r"Output( \[held.*\])?  \d+ lines")
        assert "held" not in s and "cores busy 1.82" in s, s
        p.keys("PPage")
        s = p.wait_for(r"held: End follows")
        assert "cores busy 1.82" not in s, s
        got = output_lines(s, 72)
        assert got and got[-1][3].startswith("count"), got
        p.keys("Home")
        s = p.wait_for(r"start\(\) took 86 ms")
        assert output_lines(s, 72)[0][3] == "start() took 86 ms", s
        p.keys("NPage")
        s = p.wait_for(r"start\(\) took 86 ms", absent=True)
        p.keys("End")
        s = p.wait_for(r"cores busy 1\.82")
        assert "held" not in s, s
        # Home and End scroll the output only with its focus; elsewhere they seek
        p.keys("?")
        s = p.wait_for(r"forkscope keys")
        p.keys("End")
        s = p.wait_for(r"in the output pane")
        p.keys("Home")
        s = p.wait_for(r"forkscope keys")
        p.keys("x")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_output_with_events():
    """i: the lines among the events in time order, under the event log's columns."""
    for cols, rows in ((120, 36), (80, 24)):
        p = replay_output({"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"}, cols, rows)
        try:
            p.keys("i", "z", "Home")
            s = p.wait_for(r"Events \+ output")
            rows_ = s.splitlines()
            fork = [i for i, r in enumerate(rows_) if re.search(r"fork\s+1002 -> 1003", r)]
            part = [i for i, r in enumerate(rows_)
                    if re.search(r"^\s*0\.041000 stdout\s+1003 .*partial line", r)]
            err = [i for i, r in enumerate(rows_)
                   if re.search(r"^\s*0\.042000 stderr\s+1004 .*warning: worker", r)]
            sig = [i for i, r in enumerate(rows_) if re.search(r"signal\s+1000 -> 1003", r)]
            assert fork and part and err and sig, s
            assert fork[0] < part[0] < err[0] < sig[0], (fork, part, err, sig, s)
            p.keys("i")
            s = p.wait_for(r"Events \d+/\d+")
            assert "stdout" not in s, s  # the plain event log has no output
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def test_output_colours():
    """In colour: a line's PID in its writer's role colour (main green, a forkserver's
    child orange: red is a signal's colour alone), err bold and underlined, never red; the
    text itself never coloured by the program."""
    p = replay_output()
    try:
        p.keys("o", "Home")
        s = p.wait_for(r"warning: worker 1004")
        lines = s.splitlines()
        head = [i for i, line in enumerate(lines) if line.startswith(" Output ")][0]
        found = {}
        for i, line in enumerate(lines):
            m = re.match(r"^\s*(1000|1004) ", line) if i > head else None
            if m and m.group(1) not in found:
                found[m.group(1)] = screen_cells(i)
        main, child = found["1000"], found["1004"]
        assert main[5].fg == "2", ("main's PID is not green", main[5])
        assert child[5].fg == "208", ("the forkserver child's PID is not orange", child[5])
        err = child[16]
        assert "".join(c.ch for c in child[16:19]) == "err", child
        assert err.fg not in RED and {1, 4} <= err.attrs, ("err", err)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


# ---- Python's facts (the startup hook's channel records): names, phases, tasks, ready ----

PY_BASE = 5000000000000  # CLOCK_MONOTONIC at t_ns = 0 (the header's mono_base_ns)
SPAWN_ARGV = ["/usr/bin/python3", "-B", "-c",
              "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, "
              "pipe_handle=7)", "--multiprocessing-fork"]


def write_python_recording(path):
    """A spawn Pool: main (1000) starts SpawnPoolWorker-1 (1003: exec 1 ms after its fork,
    interpreter ready +40 ms, main imported +90 ms, ready +110 ms, three tasks of two items)
    and a `python -I` child (1005) whose hook never spoke: [no hook]."""
    ms = 1000000

    def chan(t, pid, *facts):
        data = "FSC1\n" + "".join(json.dumps(f) + "\n" for f in facts)
        return {"type": "channel", "t_ns": int(t * ms), "pid": pid, "tid": pid, "data": data}

    def mono(t):
        return PY_BASE + int(t * ms)

    lines = [
        {"type": "header", "schema": 3, "tool": "forkscope 0.1.0", "root_pid": 1000,
         "command": ["/usr/bin/python3", "app.py"], "method": "spawn", "python": "3.11.2",
         "kernel": "Linux test", "start_realtime_ns": 1, "cpus": 2,
         "mono_base_ns": PY_BASE, "pyhook": True},
        {"type": "fork", "t_ns": 1 * ms, "pid": 1000, "ppid": 999, "parent_tid": 999,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2 * ms, "pid": 1000, "ppid": 999,
         "filename": "/usr/bin/python3", "argv": ["/usr/bin/python3", "app.py"]},
        chan(5, 1000, {"fact": "hello", "py_version": "3.11.2", "mono_ns": mono(4)}),
        {"type": "fork", "t_ns": 10 * ms, "pid": 1003, "ppid": 1000, "parent_tid": 1000,
         "comm": "python3", "parent_threads": 1},
        {"type": "exec", "t_ns": 11 * ms, "pid": 1003, "ppid": 1000,
         "filename": "/usr/bin/python3", "argv": SPAWN_ARGV},
        chan(51, 1003, {"fact": "hello", "py_version": "3.11.2", "mono_ns": mono(50)}),
        chan(121, 1003, {"fact": "phase", "phase": "main_imported", "mono_ns": mono(100)},
             {"fact": "process", "name": "SpawnPoolWorker-1", "daemon": True,
              "target": "multiprocessing.pool.worker", "kind": "pool_worker",
              "method": "spawn", "pool": 1, "mono_ns": mono(119)},
             {"fact": "ready", "mono_ns": mono(120)}),
        {"type": "fork", "t_ns": 20 * ms, "pid": 1005, "ppid": 1000, "parent_tid": 1000,
         "comm": "python3", "parent_threads": 1},
        {"type": "exec", "t_ns": 21 * ms, "pid": 1005, "ppid": 1000,
         "filename": "/usr/bin/python3", "argv": ["/usr/bin/python3", "-I", "-c", "pass"]},
        {"type": "exit", "t_ns": 60 * ms, "pid": 1005, "ppid": 1000, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        chan(400, 1003, *[{"fact": "task", "job": 0, "index": k * 2, "items": 2,
                           "start_ns": mono(130 + k * 90), "end_ns": mono(200 + k * 90)}
                          for k in range(3)]),
        chan(405, 1000, {"fact": "pool", "pool": 1, "processes": 1, "maxtasksperchild": 3,
                         "method": "spawn", "mono_ns": mono(8)}),
        {"type": "exit", "t_ns": 410 * ms, "pid": 1003, "ppid": 1000, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "exit", "t_ns": 450 * ms, "pid": 1000, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
    ]
    lines[1:] = sorted(lines[1:], key=lambda x: x["t_ns"])
    lines.append({"type": "end", "t_ns": 460 * ms, "events": len(lines) - 1, "lost": 0})
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return len(lines) - 2


PY_RECORDING = os.path.join(TMP, "python.jsonl")
PY_NEVENTS = write_python_recording(PY_RECORDING)


def test_python_facts():
    """Python's account in the panes, at 120x36 and 80x24 with LANG=C and NO_COLOR: the
    tree names SpawnPoolWorker-1 and marks [no hook]; its timeline row has the ready point
    '@' after the exec '*' and a task tick ':'; the details say why, list the start-up
    phases and the tasks."""
    for cols, rows in ((120, 36), (80, 24)):
        env = {"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(PY_RECORDING)), cols, rows,
                 env)
        try:
            p.wait_for(r"REPLAY")
            p.keys("End")
            s = p.wait_for(r"events %d/%d" % (PY_NEVENTS, PY_NEVENTS))
            s = p.wait_for(r"SpawnPoolWorker-1")
            row = [line for line in s.splitlines() if re.match(r"^\s*1003 ", line)]
            assert row and "SpawnPoolWorker-1" in row[0], s
            nohook = [line for line in s.splitlines() if re.match(r"^\s*1005 ", line)]
            assert nohook and "[no hook]" in nohook[0], s
            bar = timeline_part(s, 1003, "c-spawn" if cols == 80 else "child")
            assert "*" in bar and "@" in bar and ":" in bar, bar
            assert bar.index("*") < bar.index("@") <= bar.index(":"), bar
            if cols == 120:
                assert "@ ready : task" in s.splitlines()[1], s
            p.keys("Down")
            p.wait_for(r"PID 1003")
            p.keys("Enter")  # the details, full view
            # the last task line too: a loaded machine may be caught mid-draw
            s = p.wait_for(r"(?s)tasks: 3 \(6 items\).*job 0 #4\s+2 items at 310 ms")
            assert "why: multiprocessing says it is SpawnPoolWorker-1 of Pool #1" in s, s
            for phase, d in (("fork", "at 10 ms"), ("exec", r"\+1\.0 ms"),
                             ("interpreter ready", r"\+40 ms"),
                             ("main imported", r"\+90 ms"), ("ready", r"\+110 ms")):
                assert re.search(r"^\s+%s\s+%s\s*$" % (phase, d), s, re.M), (phase, s)
            assert re.search(r"job 0 #0\s+2 items at 130 ms, 70 ms", s), s
            assert re.search(r"job 0 #4\s+2 items at 310 ms, 70 ms", s), s
            p.keys("?")
            s = p.wait_for(r"forkscope keys")
            p.keys("End")
            s = p.wait_for(r"@ ready: its target")
            p.keys("x")
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


POOL_RECYCLE = os.path.join(ROOT, "demos", "recordings", "pool-recycle-fork.jsonl")


def test_event_log_facts():
    """The event log shows each channel record as the model decoded it: the hook's facts in
    words (the Pool worker's name, its tasks or batches of tasks, the Pool's calls), never
    the record's JSON; at 120x36 and 80x24 with LANG=C and NO_COLOR, also after stepping
    back and forth. Rejected records (a written recording) say why."""
    if not os.path.exists(POOL_RECYCLE):
        raise AssertionError("no shipped recording %s (make recordings)" % POOL_RECYCLE)
    for cols, rows in ((120, 36), (80, 24)):
        env = {"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(POOL_RECYCLE)), cols, rows, env)
        try:
            p.wait_for(r"REPLAY")
            p.keys("End")
            s = p.wait_for(r"chan\s+\d+\s+python: its target re")
            chans = [line for line in s.splitlines() if re.search(r"\bchan\s+\d+ ", line)]
            assert len(chans) >= 2, s
            assert not re.search(r'"fact"|\{"|FSC1', s), s
            if cols == 120:
                assert re.search(r"chan\s+\d+\s+python: Pool #1 join\(\)", s), s
                assert re.search(r"(task \d+|\d+ tasks) of job 0 \(Pool #1\):? \d* ?done "
                                 r"in \d+", s), s
            # from the start, step by step: the workers' process facts, then their tasks
            p.keys("Home")
            p.wait_for(r"events 0/", timeout=5)
            seen = set()
            for _ in range(130):
                p.keys(".")
                s = p.screen()
                assert not re.search(r'"fact"|\{"|FSC1', s), s
                if re.search(r"chan\s+\d+\s+python: Pool wor", s):
                    seen.add("worker")
                if re.search(r"chan\s+\d+\s+(task \d+|\d+ tasks) of job 0", s):
                    seen.add("task")
                if len(seen) == 2:
                    break
            assert seen == {"worker", "task"}, (seen, s)
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()
    # rejected records say why, in the row of their writer
    ms = 1000000
    rejects = os.path.join(TMP, "rejects.jsonl")
    lines = [
        {"type": "header", "schema": 3, "tool": "forkscope 0.1.0", "root_pid": 1000,
         "command": ["/usr/bin/python3", "app.py"], "method": None, "python": "3.11.2",
         "kernel": "Linux test", "start_realtime_ns": 1, "cpus": 2},
        {"type": "fork", "t_ns": 1 * ms, "pid": 1000, "ppid": 999, "parent_tid": 999,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2 * ms, "pid": 1000, "ppid": 999,
         "filename": "/usr/bin/python3", "argv": ["/usr/bin/python3", "app.py"]},
        {"type": "channel", "t_ns": 3 * ms, "pid": 1000, "tid": 1000,
         "data": 'FSC1\n{"fact":"name","pid":1}\n'},
        {"type": "channel", "t_ns": 4 * ms, "pid": 1000, "tid": 1000,
         "data": 'FSC1\n{"fact":"name",\n'},
        {"type": "channel", "t_ns": 5 * ms, "pid": 1000, "tid": 1000,
         "data": 'FSC1\n{"fact":"stage","step":3}\n'},
        {"type": "exit", "t_ns": 9 * ms, "pid": 1000, "ppid": 999, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False},
        {"type": "end", "t_ns": 10 * ms, "events": 6, "lost": 0},
    ]
    with open(rejects, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(rejects)), 120, 36,
             {"LANG": "C", "LC_ALL": "C", "NO_COLOR": "1", "TERM": "tmux-256color"})
    try:
        p.wait_for(r"REPLAY")
        p.keys("End")
        s = p.wait_for(r"chan\s+1000\s+rejected: forged \(names a process")
        assert re.search(r"chan\s+1000\s+rejected: bad JSON \(", s), s
        assert re.search(r"chan\s+1000\s+fact stage step=3", s), s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_live_compare_python():
    """compare: the real start cost per method from Python's ready facts, the forkserver's
    one-time start apart, and fork -> exec on its own row."""
    need_live()
    p = live("pool-recycle")
    try:
        p.wait_for(r"LIVE|FINISHED", timeout=20)
        p.keys("c")
        s = p.wait_for(r"compare finished", timeout=90)
        d = r"\d+(?:\.\d+)? (?:us|ms|s)"
        assert re.search(r"child start \(fork -> ready\)\s+%s\s+%s\s+%s" % (d, d, d), s), s
        assert re.search(r"forkserver start \(once\)\s+-\s+-\s+%s" % d, s), s
        assert re.search(r"fork -> exec avg", s), s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def live_available():
    global LIVE_REASON
    if LIVE_REASON is not None:
        return LIVE_REASON == ""
    if os.geteuid() != 0:
        LIVE_REASON = "not root"
    elif not os.path.exists("/sys/kernel/btf/vmlinux"):
        LIVE_REASON = "no kernel BTF"
    else:
        r = subprocess.run([FORKSCOPE, "run", "--no-tui", "--", "/bin/true"],
                           capture_output=True, text=True, timeout=60)
        LIVE_REASON = "" if r.returncode == 0 else "BPF tracing unavailable: " + \
            (r.stderr.strip().splitlines() or ["?"])[-1]
    return LIVE_REASON == ""


def need_live():
    if not live_available():
        raise Skip(LIVE_REASON)


WORKLOAD = os.path.join(TMP, "sleepers.py")
with open(WORKLOAD, "w") as f:
    f.write("""import multiprocessing as mp, time
def nap(x):
    time.sleep(60)
if __name__ == "__main__":
    with mp.Pool(3) as pool:
        pool.map(nap, range(3))
""")


def live(args, cols=120, rows=35):
    env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    return Pane("%s run %s" % (shquote(FORKSCOPE), args), cols, rows, env)


def test_live_forkserver():
    need_live()
    p = live("--method forkserver pool-recycle")
    try:
        s = p.wait_for(r"child \(forkserver\)", timeout=20)
        rows = tree_rows(s)
        fsrv = [i for i, r in enumerate(rows) if r[1] == "forkserver"]
        assert fsrv, s
        workers = [r for r in rows if r[1] == "child (forkserver)"]
        assert workers, s
        for w in workers:  # beneath the forkserver
            assert rows.index(w) > fsrv[0], s
            assert tree_indent(w[2]) > tree_indent(rows[fsrv[0]][2]), s
        p.wait_for(r"FINISHED", timeout=30)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()



def parse_duration(text):
    m = re.match(r"(\d+(?:\.\d+)?) (us|ms|s)$", text.strip())
    assert m, text
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def axis_and_clock(screen):
    """(the timeline axis's end, the status bar's time) in seconds."""
    lines = screen.rstrip("\n").splitlines()
    head = [line for line in lines if "Timeline (" in line][0]
    end = re.search(r"(\d+(?:\.\d+)? (?:us|ms|s))\s*$", head).group(1)
    clock = re.match(r"^\s*(\d+(?:\.\d+)? (?:us|ms|s))\s+procs", lines[-1]).group(1)
    return parse_duration(end), parse_duration(clock)


def test_live_timeline_advances():
    """No events for seconds: the axis and the bars of running processes still advance."""
    need_live()
    p = live("--method forkserver -- /usr/bin/python3 %s" % WORKLOAD)
    try:
        p.wait_for(r"(child \(\w+\).*\n(?: *\n)?.*){3}", timeout=20)  # spaced rows too
        time.sleep(0.5)
        end1, clock1 = axis_and_clock(p.screen())
        time.sleep(1.5)
        s = p.screen()
        end2, clock2 = axis_and_clock(s)
        assert end2 - end1 > 1.0, "the axis froze: %.3f s then %.3f s\n%s" % (end1, end2, s)
        # the axis ends a little after now, and now is the status bar's clock
        assert clock2 <= end2 <= clock2 * 1.1 + 0.05, (end2, clock2, s)
        # the main process's bar is still running ('>' at the right end of the axis)
        main = [line for line in s.splitlines() if re.match(r"^\s*\d+\s+main\s", line)][0]
        assert main.rstrip().endswith(">"), main
        # paused: the view freezes, the axis too
        p.keys("Space")
        time.sleep(0.3)
        end3, _ = axis_and_clock(p.screen())
        time.sleep(1.0)
        end4, _ = axis_and_clock(p.screen())
        assert end4 == end3, (end3, end4)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_live_compare():
    need_live()
    p = live("pool-recycle")
    try:
        p.wait_for(r"LIVE|FINISHED", timeout=20)
        p.keys("c")
        s = p.wait_for(r"compare finished", timeout=90)
        for m in ("fork \\(done\\)", "spawn \\(done\\)", "forkserver \\(done\\)"):
            assert re.search(m, s), s
        assert re.search(r"processes created\s+\d+\s+\d+\s+\d+", s), s
        assert "child (spawn)" in s and "child (forkserver)" in s and "child (fork)" in s, s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_live_method_change_and_output():
    need_live()
    try:
        need_capture()
    except Skip:
        pass
    p = live("--method fork pool-basics")
    try:
        s = p.wait_for(r"child \(fork\)", timeout=20)
        # the workload prints, but never onto the UI; its lines are in the output pane
        p.wait_for(r"FINISHED", timeout=30)
        assert "[worker pid=" not in p.screen(), p.screen()
        p.keys("o")
        p.wait_for(r"\[worker pid=\d+" if CAPTURE_REASON == "" else r"Output( \[held.*\])?  \d+ lines")
        p.keys("o", "m")
        s = p.wait_for(r"method spawn", timeout=5)
        p.wait_for(r"child \(spawn\)", timeout=20)
        s = p.wait_for(r"FINISHED", timeout=30)
        assert "child (fork)" not in s, s
        p.keys("r")
        p.wait_for(r"LIVE", timeout=10)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


CAPTURE_REASON = None


def need_capture():
    """Live tracing that captures the workload's output (its writes as output lines)."""
    global CAPTURE_REASON
    need_live()
    if CAPTURE_REASON is None:
        r = subprocess.run([FORKSCOPE, "run", "--json", "--", "/bin/sh", "-c", "echo hi"],
                           capture_output=True, text=True, timeout=60)
        CAPTURE_REASON = "" if '"type":"output"' in r.stdout.replace(" ", "") else \
            "output capture unavailable: %s" % ((r.stderr.strip().splitlines() or ["?"])[-1])
    if CAPTURE_REASON:
        raise Skip(CAPTURE_REASON)


PRINTERS = os.path.join(TMP, "printers.py")
with open(PRINTERS, "w") as f:
    f.write(r"""import multiprocessing as mp, os, sys, time
def work(k):
    print("child %d pid=%d" % (k, os.getpid()), flush=True)
    if k == 1:
        print("child 1 complains", file=sys.stderr, flush=True)
if __name__ == "__main__":
    print("main starts", flush=True)
    ctx = mp.get_context("fork")
    ps = [ctx.Process(target=work, args=(k,)) for k in range(2)]
    for p in ps:
        p.start()
        p.join()
    print("evil \x1b]0;pwned\x07\x1b[2J\x1b[H end", flush=True)
    print("main done", flush=True)
""")


def test_live_output_and_replay():
    """Live: each line with its writer (main, the children, stderr), the escapes as text;
    the recording's replay shows the same lines."""
    need_capture()
    rec = os.path.join(TMP, "printers.jsonl")
    p = live("-o %s -- /usr/bin/python3 %s" % (shquote(rec), shquote(PRINTERS)))
    try:
        p.wait_for(r"FINISHED", timeout=30)
        title = tmux("display", "-p", "-t", "t", "#{pane_title}").strip()
        p.keys("o")
        s = p.wait_for(r"main done")
        live_lines = output_lines(s, 72)
        texts = [g[3] for g in live_lines]
        assert texts[0] == "main starts" and texts[-1] == "main done", live_lines
        kids = [g for g in live_lines if g[3].startswith("child")]
        assert len(kids) == 3 and all(g[1] == "c-fork" for g in kids), live_lines
        assert [g[2] for g in kids] == ["", "", "err"], kids
        for g in kids[:2]:
            assert g[3].endswith("pid=%d" % g[0]), g  # the writer is the process itself
        assert "evil \\x1b]0;pwned\\x07\\x1b[2J\\x1b[H end" in texts, texts
        assert tmux("display", "-p", "-t", "t", "#{pane_title}").strip() == title
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()
    p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(rec)), 120, 35,
             {"LANG": "C.UTF-8", "TERM": "tmux-256color"})
    try:
        p.wait_for(r"REPLAY")
        p.keys("End", "o")
        s = p.wait_for(r"main done")
        assert output_lines(s, 72) == live_lines, (output_lines(s, 72), live_lines)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def quit_midway(how):
    p = live("--method forkserver -- /usr/bin/python3 %s" % WORKLOAD)
    try:
        p.wait_for(r"(child \(\w+\).*\n(?: *\n)?.*){3}", timeout=20)  # spaced rows too
        fs = p.forkscope_pid()
        assert len(session_processes(fs)) >= 4, session_processes(fs)
        t0 = time.monotonic()
        if how == "kill":
            os.kill(fs, signal.SIGTERM)
        elif how == "hup":
            os.kill(fs, signal.SIGHUP)
        else:
            p.keys(how)
        status = p.exit_status(timeout=10)
        took = time.monotonic() - t0
        left = wait_no_session_processes(fs)
        assert not left, "processes left behind: %s" % left
        p.wait_for(r"FORKSCOPE-EXITED")
        assert not p.alternate_screen(), "terminal left in the alternate screen"
        assert took < 5, "quitting took %.1fs" % took
        return status
    finally:
        p.close()


def test_live_quit_q():
    need_live()
    assert quit_midway("q") == 0


def test_live_quit_ctrl_c():
    need_live()
    quit_midway("C-c")


def test_live_quit_sigterm():
    need_live()
    quit_midway("kill")


def test_live_quit_sighup():
    need_live()
    quit_midway("hup")


def test_live_keys_answer_during_storm():
    """A fork storm: the help screen still opens within ~100 ms of the key."""
    need_live()
    storm = os.path.join(TMP, "storm.py")
    with open(storm, "w") as f:
        f.write("import os, time\nend = time.time() + 8\nwhile time.time() < end:\n"
                "    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n"
                "    os.waitpid(pid, 0)\n")
    p = live("-- /usr/bin/python3 %s" % storm)
    try:
        p.wait_for(r"LIVE", timeout=20)
        time.sleep(1.5)
        worst = 0.0
        for _ in range(4):
            t0 = time.monotonic()
            p.keys("?")
            p.wait_for(r"forkscope keys", timeout=2)
            worst = max(worst, time.monotonic() - t0)
            p.keys("x")
            p.wait_for(r"forkscope keys", absent=True, timeout=2)
        # tmux itself adds some latency: allow for it on top of the 100 ms
        assert worst < 0.35, "a key took %.0f ms" % (worst * 1000)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_live_no_capture():
    """--no-capture: the output pane says the output is not captured, and nothing of the
    workload's reaches the screen."""
    need_live()
    p = live("--no-capture -- /usr/bin/python3 %s" % shquote(PRINTERS))
    try:
        p.wait_for(r"FINISHED", timeout=30)
        p.keys("o")
        s = p.wait_for(r"output not captured: --no-capture")
        assert "main starts" not in s and "pwned" not in s, s
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def test_live_keys_answer_during_output_flood():
    """Output floods in (two writers, as fast as they can, over the kernel's rate bound):
    with the output pane following it, a scroll key and the help answer within ~100 ms."""
    need_capture()
    flood = os.path.join(TMP, "flood.py")
    with open(flood, "w") as f:
        f.write("import os, sys, time\nos.fork()\nend = time.time() + 8\nn = 0\n"
                "while time.time() < end:\n"
                "    sys.stdout.write(''.join('%d line %d of the flood\\n' % (os.getpid(), n + k)"
                " for k in range(50)))\n    n += 50\n")
    p = live("-- /usr/bin/python3 %s" % flood)
    try:
        p.wait_for(r"LIVE", timeout=20)
        p.keys("o")
        p.wait_for(r"line \d+ of the flood", timeout=10)
        time.sleep(1.0)
        worst = 0.0
        for _ in range(3):
            t0 = time.monotonic()
            p.keys("PPage")
            p.wait_for(r"held: End follows", timeout=2)
            worst = max(worst, time.monotonic() - t0)
            t0 = time.monotonic()
            p.keys("End")
            p.wait_for(r"held: End follows", absent=True, timeout=2)
            worst = max(worst, time.monotonic() - t0)
            t0 = time.monotonic()
            p.keys("?")
            p.wait_for(r"forkscope keys", timeout=2)
            worst = max(worst, time.monotonic() - t0)
            p.keys("x")
            p.wait_for(r"forkscope keys", absent=True, timeout=2)
        # tmux itself adds some latency: allow for it on top of the 100 ms
        assert worst < 0.35, "a key took %.0f ms" % (worst * 1000)
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


def picker(args="", env=None, cols=120, rows=36):
    e = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    e.update(env or {})
    p = Pane("%s %s" % (shquote(FORKSCOPE), args), cols, rows, e)
    p.wait_for(r"pick a demo")
    return p


def picker_selected(screen):
    """The demo the picker's description shows."""
    return screen.splitlines()[1].split("\u2502" if "\u2502" in screen else "|")[1].strip()


def test_picker_keys():
    """The picker without running anything: Home/End/PgUp/PgDn in the demo list, ? and F1
    list its keys (any other key closes), the variants of daemon and missing-guard, the
    tempo, a demo's source (s) scrolled with PgDn/End and closed with Esc, a click on a demo
    and the wheel; at 120x36 and 80x24 with LANG=C and NO_COLOR."""
    for cols, rows, env in ((120, 36, {}), (80, 24, {"LANG": "C", "NO_COLOR": "1"})):
        p = picker(cols=cols, rows=rows, env=env)
        try:
            s = p.wait_for(r"What to look for")
            assert picker_selected(s) == "daemon", s
            p.keys("End")
            s = p.wait_for(r"\| start-methods|\u2502 start-methods")
            p.keys("Home")
            p.wait_for(r"[|\u2502] daemon\s*$")
            p.keys("NPage")
            s = p.wait_for(r"[|\u2502] start-methods\s*$")
            p.keys("PPage")
            p.wait_for(r"[|\u2502] daemon\s*$")
            for key in ("?", "F1"):
                p.keys(key)
                s = p.wait_for(r"the demo picker's keys")
                for k in ("Home g", "PgDn", "v ", "t ", "s Tab", "Esc", "mouse"):
                    assert k in s, (k, s)
                p.keys("x")
                p.wait_for(r"pick a demo")
            # daemon's variant, then back to as written
            s = p.wait_for(r"variant: < as written >")
            p.keys("v")
            s = p.wait_for(r"variant: < --parent-waits >")
            assert "exits 0 by itself" in s, s
            p.keys("v")
            p.wait_for(r"variant: < as written >")
            p.keys("t", "t")
            p.wait_for(r"tempo: < 2x slower >")
            # missing-guard: two variants
            p.keys("j", "j", "j", "j")
            s = p.wait_for(r"[|\u2502] missing-guard\s*$")
            p.keys("v")
            p.wait_for(r"variant: < --variant pool >")
            p.keys("v")
            p.wait_for(r"variant: < --variant process >")
            # its source, read-only, scrolled
            p.keys("s")
            s = p.wait_for(r"missing-guard\.py\s+lines 1-")
            assert "# summary:" in s, s
            p.keys("End")
            s = p.wait_for(r"missing-guard\.py\s+lines \d+-(\d+) of \1")
            p.keys("Escape")
            p.wait_for(r"What to look for")
            # a click on gil, and the wheel
            s = p.screen()
            y = [i for i, line in enumerate(s.splitlines()) if re.match(r"^ gil\s", line)][0]
            mouse(p, 3, y, sgr=False)
            p.wait_for(r"[|\u2502] gil\s*$")
            mouse(p, 3, y, button=65, sgr=False)
            p.wait_for(r"[|\u2502] pool-basics\s*$")
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def test_picker_variant_recorded():
    """forkscope -o FILE --tempo 1.5: the run picked (executor, its variant
    --max-tasks-per-child 1) is recorded to FILE with the variant's and the tempo's
    arguments; its tree has an executor worker for each of the four tasks."""
    need_live()
    out = os.path.join(TMP, "picked.jsonl")
    p = picker("-o %s --tempo 1.5" % shquote(out))
    try:
        p.keys("j")
        p.wait_for(r"[|\u2502] executor\s*$")
        s = p.wait_for(r"tempo: < 1.5x slower >")
        assert "recording the run to" in s, s
        p.keys("v")
        p.wait_for(r"variant: < --max-tasks-per-child 1 >")
        p.keys("Enter")
        p.wait_for(r"FINISHED", timeout=60)
        p.keys("d")
        p.wait_for(r"pick a demo")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()
    with open(out) as f:
        lines = [json.loads(line) for line in f]
    head = lines[0]
    cmd = " ".join(head["command"])
    assert "executor.py" in cmd and "--max-tasks-per-child 1" in cmd, cmd
    assert "--tempo 1.5" in cmd, cmd
    assert lines[-1]["type"] == "end", lines[-1]
    r = subprocess.run([FORKSCOPE, "tree", out], capture_output=True, text=True)
    # one task a worker: four executor workers at least for its four tasks
    assert r.returncode == 0 and r.stdout.count("ProcessPoolExecutor worker") >= 4, \
        r.stdout + r.stderr


def test_picker_runs_demo():
    need_live()
    env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    p = Pane(shquote(FORKSCOPE), 120, 35, env)
    try:
        p.wait_for(r"pick a demo")
        s = p.wait_for(r"What to look for")
        name = re.search(r"^ (\S+)\s*[|\u2502]", s.splitlines()[2]).group(1)
        p.keys("Enter")
        s = p.wait_for(r"(LIVE|FINISHED)", timeout=20)
        assert name in s.splitlines()[0], s
        p.wait_for(r"^\s+\d+[ ^]\s*main\s", timeout=20)  # a tree row of the run
        p.keys("d")
        p.wait_for(r"pick a demo")
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()


# ---- exports from the UI (X, docs/export.md) ----

EXPORT_EXTS = (".perfetto.json", ".dot", ".mmd", ".svg")


def check_exports(base, pids):
    """The four files at base + each ending, each naming every process."""
    for ext in EXPORT_EXTS:
        path = base + ext
        assert os.path.exists(path), "no %s" % path
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if ext == ".perfetto.json":
            json.loads(text)
        for pid in pids:
            assert str(pid) in text, "%s: no process %d" % (path, pid)


def test_export_key_replay():
    """X in a replay writes the four exports next to the recording and says where, at
    120x36 and at 80x24 with LANG=C and NO_COLOR=1."""
    rec = os.path.join(TMP, "export-me.jsonl")
    shutil.copyfile(RECORDING, rec)
    base = rec[:-len(".jsonl")]
    for cols, rows, env in ((120, 36, {"LANG": "C.UTF-8"}),
                            (80, 24, {"LANG": "C", "NO_COLOR": "1"})):
        for ext in EXPORT_EXTS:
            if os.path.exists(base + ext):
                os.unlink(base + ext)
        env["TERM"] = "tmux-256color"
        p = Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(rec)), cols, rows, env)
        try:
            p.wait_for(r"REPLAY")
            p.keys("X")
            s = p.wait_for(r"exported to ")
            last = [ln for ln in s.splitlines() if "exported to" in ln][0]
            assert base[:cols - 20] in last, last
            check_exports(base, range(1000, 1006))
            p.keys("?")
            p.wait_for(r"forkscope keys")
            for _ in range(20):  # page down to the runs' keys
                if re.search(r"X\s+export the run", p.screen()):
                    break
                p.keys("NPage")
                time.sleep(0.2)
            p.wait_for(r"X\s+export the run", timeout=2)
            p.keys("q")
            p.keys("q")
            assert p.exit_status() == 0
        finally:
            p.close()


def test_export_key_live():
    """X after a live run without -o: the exports of the events in memory, in the current
    directory, named after the demo and its method."""
    need_live()
    env = {"LANG": "C.UTF-8", "TERM": "tmux-256color"}
    p = Pane("cd %s && %s run --method fork daemon" % (shquote(TMP), shquote(FORKSCOPE)),
             120, 36, env)
    try:
        p.wait_for(r"FINISHED", timeout=30)
        p.keys("X")
        p.wait_for(r"exported to \./forkscope-daemon-fork\{")
        check_exports(os.path.join(TMP, "forkscope-daemon-fork"), ())
        p.keys("q")
        assert p.exit_status() == 0
    finally:
        p.close()
# lecture mode (narration, lessons, step mode, questions): its tests in their own file
exec(open(os.path.join(HERE, "tui_lecture.py")).read())


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux is not installed")
        print("0 passed, 0 failed")
        return 0 if not CI else 1
    if not os.access(FORKSCOPE, os.X_OK):
        print("forkscope binary not found: %s" % FORKSCOPE)
        print("0 passed, 1 failed")
        return 1
    names = sys.argv[1:]
    tests = [(n, f) for n, f in sorted(globals().items(), key=lambda kv: 0)
             if n.startswith("test_") and callable(f)]
    order = [n for n in globals() if n.startswith("test_")]
    tests.sort(key=lambda nf: order.index(nf[0]))
    for name, fn in tests:
        if names and name not in names:
            continue
        t0 = time.monotonic()
        try:
            fn()
        except Skip as e:
            if CI:
                results["failed"] += 1
                print("FAIL %s: skipped in CI: %s" % (name, e))
            else:
                results["skipped"] += 1
                print("SKIP %s: %s" % (name, e))
            continue
        except Exception as e:  # report and go on
            results["failed"] += 1
            print("FAIL %s (%.1fs): %s" % (name, time.monotonic() - t0, e))
            continue
        results["passed"] += 1
        print("ok   %s (%.1fs)" % (name, time.monotonic() - t0))
    tmux("kill-server", check=False)
    shutil.rmtree(TMP, ignore_errors=True)
    if results["skipped"]:
        print("%d skipped" % results["skipped"])
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
