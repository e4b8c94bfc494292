"""Part "keys" of bench/bench.py: how fast the live UI answers keys while it is busy.

`forkscope run` with its UI runs in a private tmux server (`tmux -L NAME`, a 120x36
pane, no status line) on three workloads, one after another:

* idle: a Python program that prints 400 lines and sleeps: the baseline, whose figure is
  tmux's own latency plus the UI's when it has nothing else to do;
* flood: two processes writing lines to stdout as fast as they can (far over the kernel's
  rate bound of 1 MiB/s), the output pane following them;
* storm: the same 400 lines, then bench/storm's fork-only storm (one child at a time,
  each _exits at once) for as long as the measurement lasts.

On each, with the output pane open ('o'), the same keys are sent over and over, each
one that must change the screen, and the time from sending it to the first screen that
shows its effect is measured: PgUp (the output pane holds: "[held: End follows]"), End
(it follows again), '?' (the help) and '?' again (back), Tab (the focus leaves the output
pane: its header loses the focus colour) and Shift-Tab (it comes back). The keys go
through one tmux control-mode client (`tmux -C`), which also polls `capture-pane` every
POLL_S: a round trip on a socket, no process started per poll. A random pause of up to
100 ms before each key spreads the keys over the UI's loop and frame phases.

Figures per workload: the median and the worst over every key, each key's median, and
the flood's and storm's medians as ratios to the idle median (tmux's part is in that).
Target: the flood and storm medians <= TARGET_MS. Every path kills the tmux server and
whatever of the workload is left (by the PIDs it wrote down). Stdlib only.
"""

import os
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

TARGET_MS = 100.0  # median key-to-screen time under the flood and the storm
COLS, ROWS = 120, 36
POLL_S = 0.005  # capture-pane interval while waiting for a key's effect
KEY_TIMEOUT_S = 3.0  # a key whose effect has not shown by then: the part fails
START_TIMEOUT_S = 30.0
PAUSE_MAX_S = 0.1  # random pause before each key
SETTLE_S = 1.5  # after the workload is under way, before the first key
CASES = ("idle", "flood", "storm")
HELP_TITLE = "forkscope keys"
HELD = "[held: End follows]"
OUTPUT_HEADER = re.compile(r"^ (Output|Events \+ output) ", re.M)
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
ESCAPE = re.compile(r"\x1b(\[[0-9;:?]*[A-Za-z]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")

# Lines first, so that the output pane has pages to go up; then the case's own load.
PROLOGUE = """import os, sys, time
with open(%(pids)r, "a") as f:
    f.write("%%d\\n" %% os.getpid())
for k in range(400):
    print("line %%d of the prologue, written before the load starts" %% k)
sys.stdout.flush()
"""
WORKLOADS = {
    "idle": "time.sleep(600)\n",
    "flood": """if os.fork() == 0:
    with open(%(pids)r, "a") as f:
        f.write("%%d\\n" %% os.getpid())
n, end = 0, time.time() + 600
while time.time() < end:
    sys.stdout.write("".join("%%d line %%d of the flood\\n" %% (os.getpid(), n + k)
                             for k in range(50)))
    n += 50
""",
    "storm": "os.execv(%(storm)r, [%(storm)r, '--no-exec', '10000000'])\n",
}
WHAT = {"idle": "idle (a sleep)", "flood": "output flood, 2 writers",
        "storm": "fork storm (storm --no-exec)"}


class KeysError(Exception):
    """A failure of this part (bench.py turns it into its BenchError)."""


def _plain(text):
    return ESCAPE.sub("", text)


def _sgr(state, params):
    """STATE (attributes, fg, bg) after one SGR sequence's PARAMS."""
    attrs, fg, bg = state
    ps = [int(p) if p.isdigit() else 0 for p in (params or "0").replace(":", ";").split(";")]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            attrs, fg, bg = frozenset(), None, None
        elif p in (38, 48):  # 38;5;N or 38;2;R;G;B
            n = 3 if i + 1 < len(ps) and ps[i + 1] == 5 else 5
            colour = tuple(ps[i + 1:i + n])
            fg, bg = (colour, bg) if p == 38 else (fg, colour)
            i += n - 1
        elif 30 <= p <= 37 or 90 <= p <= 97:
            fg = p
        elif 40 <= p <= 47 or 100 <= p <= 107:
            bg = p
        elif p == 39:
            fg = None
        elif p == 49:
            bg = None
        elif 1 <= p <= 9:
            attrs = attrs | {p}
        elif p == 22:
            attrs = attrs - {1, 2}
        elif 23 <= p <= 29:
            attrs = attrs - {p - 20}
        i += 1
    return attrs, fg, bg


def _attrs_at(line, start, state):
    """The rendition (attributes, fg, bg) of the visible column START of an escaped
    capture line that starts in rendition STATE."""
    col, i = 0, 0
    while i < len(line):
        m = ESCAPE.match(line, i) if line[i] == "\x1b" else None
        if m:
            sgr = SGR.fullmatch(m.group(0))
            if sgr:
                state = _sgr(state, sgr.group(1))
            i = m.end()
            continue
        if col == start:
            break
        col += 1
        i += 1
    return state


def _output_header(escaped):
    """The rendition of the output pane's header (brighter when it has the focus), or
    None when there is none. capture-pane -e carries renditions over line ends."""
    state = (frozenset(), None, None)
    for line in escaped.splitlines():
        if OUTPUT_HEADER.match(_plain(line)):
            return _attrs_at(line, 1, state)
        for m in SGR.finditer(line):
            state = _sgr(state, m.group(1))
    return None


class Control:
    """One tmux control-mode client of the private server: commands in, replies out."""

    def __init__(self, tmux, socket):
        self.proc = subprocess.Popen([tmux, "-L", socket, "-C", "attach", "-t", "t"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, bufsize=0)
        self.buf = b""
        self.owed = 0  # replies not read yet

    def attach(self):
        """Waits until the client is attached, then turns its %output notices off."""
        deadline = time.monotonic() + 10
        while True:  # attached once the session is announced; commands before it fail
            line = self._line(deadline)
            if line.startswith("%session-changed"):
                break
        self.command("refresh-client -f no-output")  # no %output flood to read

    def _line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            r = select.select([self.proc.stdout], [], [], max(left, 0))[0] if left > 0 else []
            if not r:
                raise KeysError("tmux's control client did not answer in time")
            data = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not data:
                raise KeysError("tmux's control client ended (the server exited)")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def command(self, cmd, timeout=10.0):
        """Runs CMD; its output lines. A tmux error raises KeysError. The replies of
        commands sent before and not read (an interrupted call) are skipped first."""
        self.proc.stdin.write(cmd.encode() + b"\n")
        self.owed += 1
        deadline = time.monotonic() + timeout
        while True:
            out, failed = self._reply(deadline)
            self.owed -= 1
            if self.owed == 0:
                break
        if failed:
            raise KeysError(f"tmux {cmd.split()[0]}: " + " ".join(out).strip())
        return out

    def _reply(self, deadline):
        """The next reply to one of our commands: (its lines, whether it is an error)."""
        out, inside = [], False
        while True:
            line = self._line(deadline)
            if not inside:
                # our replies carry flag 1; other blocks and notifications are skipped
                inside = line.startswith("%begin ") and line.split()[-1] == "1"
                continue
            if line.startswith(("%end ", "%error ")):
                return out, line.startswith("%error")
            out.append(line)

    def screen(self, escaped=False):
        return "\n".join(self.command("capture-pane -p -t t" + (" -e" if escaped else "")))

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _pid_alive(pid, marker):
    """PID still runs and is ours (its command line names MARKER)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read()
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and marker.encode() in cmd


def _cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _status_figures(screen):
    """(events so far, output lines so far) from the status line and the output header
    (the lines kept plus the oldest forgotten)."""
    ev = re.search(r"events (\d+)/(\d+)", screen)
    out = re.search(r"^ Output\s+(\d+) lines(.*)$", screen, re.M)
    lines = None
    if out:
        gone = re.search(r"(\d+) oldest forgotten", out.group(2))
        lines = int(out.group(1)) + (int(gone.group(1)) if gone else 0)
    return (int(ev.group(2)) if ev else None), lines


class Case:
    """One workload under the UI in its own tmux server; close() leaves nothing behind."""

    def __init__(self, tmux, forkscope, storm, workdir, name, tag):
        self.tmux = tmux
        self.name = name
        self.socket = f"forkscope-bench-keys-{os.getpid()}-{tag}"
        base = os.path.join(workdir, f"keys-{tag}")
        self.script = base + ".py"
        self.pids = base + ".pids"
        self.conf = base + ".tmux.conf"
        self.errf = base + ".stderr"
        self.marker = storm if name == "storm" else self.script
        with open(self.pids, "w"):
            pass
        os.chmod(self.pids, 0o666)  # under sudo the workload runs as the invoking user
        with open(self.script, "w") as f:
            f.write((PROLOGUE + WORKLOADS[name]) % {"pids": self.pids, "storm": storm})
        os.chmod(self.script, 0o644)
        with open(self.conf, "w") as f:
            f.write("set -g status off\nset -g remain-on-exit on\n"
                    "set -g history-limit 100\nset -sg escape-time 0\n")
        # stderr to a file: forkscope writes to it only once the terminal is its no more,
        # and tmux loses the last words of a pane that dies at once
        self.argv = ["/bin/sh", "-c", 'exec "$@" 2>"$0"', self.errf, "env", "LANG=C.UTF-8",
                     "TERM=tmux-256color", os.path.abspath(forkscope), "run", "--duration",
                     "600", "--", sys.executable, self.script]
        self.ctl = None
        self.fs_pid = None
        self.focus = None  # the rendition of the output pane's header with the focus
        # tmux leaves its socket behind: close() removes it
        self.socket_path = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp",
                                        f"tmux-{os.getuid()}", self.socket)
        self.started = False

    def launch(self):
        """The tmux server with forkscope in its one pane, and the control client."""
        tmux = self.tmux
        self.started = True  # from here on, close() kills the server
        res = subprocess.run([tmux, "-L", self.socket, "-f", self.conf, "new-session", "-d",
                              "-s", "t", "-x", str(COLS), "-y", str(ROWS),
                              " ".join(_shquote(a) for a in self.argv)],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise KeysError("cannot start tmux: " + (res.stderr.strip() or
                                                     f"exit status {res.returncode}"))
        self.ctl = Control(tmux, self.socket)
        self.ctl.attach()
        size = self.ctl.command("display -p -t t '#{pane_width}x#{pane_height}'")
        if size != [f"{COLS}x{ROWS}"]:
            raise KeysError(f"the tmux pane is {' '.join(size)}, not {COLS}x{ROWS}")
        self.fs_pid = int(self.ctl.command("display -p -t t '#{pane_pid}'")[0])

    def dead(self):
        """None while forkscope runs, else its exit status (tmux keeps the pane)."""
        out = self.ctl.command("display -p -t t '#{pane_dead} #{pane_dead_status}'")
        f = (out[0] if out else "").split()
        if not f or f[0] != "1":
            return None
        return int(f[1]) if len(f) > 1 and f[1].isdigit() else -1  # -1: not known yet

    def fail(self, why, screen=None):
        """A KeysError saying WHY, with forkscope's last words when it exited."""
        status = self.dead()
        if status is not None:  # tmux may not have its status nor its last words yet
            deadline = time.monotonic() + 1
            while status < 0 and time.monotonic() < deadline:
                time.sleep(0.05)
                status = self.dead()
            time.sleep(0.1)
            screen = None
        if screen is None:
            screen = _plain(self.ctl.screen())
        last = [ln.strip() for ln in screen.splitlines()
                if ln.strip() and not ln.startswith("Pane is dead")]  # tmux's, not forkscope's
        try:
            with open(self.errf, encoding="utf-8", errors="replace") as f:
                last += [ln.strip() for ln in f.read().splitlines() if ln.strip()]
        except OSError:
            pass
        if status is not None:
            code = f" with status {status}" if status >= 0 else ""
            return KeysError(f"{self.name}: forkscope exited{code}: "
                             + (last[-1] if last else "no message"))
        return KeysError(f"{self.name}: {why}; the screen's first line: "
                         + (last[0] if last else "(empty)"))

    def wait(self, pred, timeout, why):
        """Polls the screen until PRED(plain, escaped) holds; the time it first held."""
        deadline = time.monotonic() + timeout
        while True:
            escaped = self.ctl.screen(escaped=True)
            t = time.monotonic()
            plain = _plain(escaped)
            if pred(plain, escaped):
                return t
            if t > deadline:
                raise self.fail(why, plain)
            time.sleep(POLL_S)

    def start(self):
        """Until the run is live, its output pane open and following, the load under way."""
        self.wait(lambda p, e: "[LIVE]" in p or self.dead() is not None, START_TIMEOUT_S,
                  "the UI did not show a live run")
        if self.dead() is not None:
            raise self.fail("forkscope exited")
        self.ctl.command("send-keys -t t o")
        self.wait(lambda p, e: "of the prologue" in p or " of the flood" in p,
                  START_TIMEOUT_S, "the output pane showed none of the workload's lines")
        time.sleep(SETTLE_S)
        self.focus = _output_header(self.ctl.screen(escaped=True))  # with the focus
        if self.focus is None:
            raise self.fail("the output pane has no header")

    def keys(self, reps, rng):
        """REPS rounds of the keys; {key: [seconds]}, and the load figures meanwhile."""
        steps = [
            ("PgUp", "PPage", lambda p, e: HELD in p),
            ("End", "End", lambda p, e: HELD not in p and OUTPUT_HEADER.search(p) is not None),
            ("?", "?", lambda p, e: HELP_TITLE in p),
            ("? back", "?", lambda p, e: HELP_TITLE not in p and "[LIVE]" in p),
            ("Tab", "Tab", lambda p, e: _output_header(e) not in (self.focus, None)),
            ("Shift-Tab", "BTab", lambda p, e: _output_header(e) == self.focus),
        ]
        times = {label: [] for label, _, _ in steps}
        worst = (0.0, None, 0)  # the slowest key: its time, label and round
        first = _plain(self.ctl.screen())
        t0, cpu0 = time.monotonic(), _cpu_s(self.fs_pid)
        for r in range(reps):
            for label, key, pred in steps:
                time.sleep(rng.uniform(0, PAUSE_MAX_S))
                sent = time.monotonic()
                self.ctl.command(f"send-keys -t t {key}")
                seen = self.wait(pred, KEY_TIMEOUT_S,
                                 f"the UI did not answer {label} within {KEY_TIMEOUT_S:.0f} s")
                times[label].append(seen - sent)
                worst = max(worst, (seen - sent, label, r + 1))
        last = _plain(self.ctl.screen())
        span, cpu1 = time.monotonic() - t0, _cpu_s(self.fs_pid)
        ev0, out0 = _status_figures(first)
        ev1, out1 = _status_figures(last)
        load = {
            "events_s": (ev1 - ev0) / span if ev0 is not None and ev1 is not None else None,
            "lines_s": (out1 - out0) / span if out0 is not None and out1 is not None else None,
            "cpu": (cpu1 - cpu0) / span if cpu0 is not None and cpu1 is not None else None,
            "worst": worst,
        }
        return times, load

    def close(self):
        """q, then the server killed, then forkscope and the workload by their PIDs."""
        if self.ctl:
            try:
                if self.dead() is None:
                    self.ctl.command("send-keys -t t q")
                    deadline = time.monotonic() + 10
                    while self.dead() is None and time.monotonic() < deadline:
                        time.sleep(0.05)
            except KeysError:
                pass
            self.ctl.close()
        if self.started:
            subprocess.run([self.tmux, "-L", self.socket, "kill-server"],
                           capture_output=True)
            try:
                os.unlink(self.socket_path)
            except OSError:
                pass
        pids = []
        try:
            with open(self.pids) as f:
                pids = [int(x) for x in f.read().split() if x.isdigit()]
        except OSError:
            pass
        left = [(p, self.marker) for p in pids]
        if self.fs_pid:
            left.append((self.fs_pid, self.argv[7]))  # forkscope's path
        deadline = time.monotonic() + 5  # forkscope stops its workload on SIGHUP
        while any(_pid_alive(p, m) for p, m in left) and time.monotonic() < deadline:
            time.sleep(0.05)
        stuck = []
        for p, m in left:
            if _pid_alive(p, m):
                stuck.append(p)
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        return stuck


def _shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def _ms(v):
    return "-" if v is None else f"{v * 1000:.1f}"


def part_keys(forkscope, storm, workdir, reps, seed=1):
    """Runs the part, prints its table; returns (target met, summary line)."""
    tmux = shutil.which("tmux")
    if not tmux:
        raise KeysError("tmux is not installed (apt-get install tmux)")
    if not os.access(forkscope, os.X_OK):
        raise KeysError(f"forkscope not found: {forkscope} (run make)")
    if not storm or not os.access(storm, os.X_OK):
        raise KeysError(f"storm not found: {storm} (run make bench)")
    rng = random.Random(seed)
    print(f"== keys: the live UI in a {COLS}x{ROWS} tmux pane; {reps} rounds of 6 keys per "
          f"workload; screen polled every {POLL_S * 1000:.0f} ms", flush=True)
    res, loads = {}, {}
    for k, name in enumerate(CASES):
        case = None
        try:
            case = Case(tmux, forkscope, storm, workdir, name, f"{k}-{name}")
            case.launch()
            case.start()
            res[name], loads[name] = case.keys(reps, rng)
        finally:
            stuck = case.close() if case else []
        if stuck:
            print(f"  {name}: killed what was left running: PIDs "
                  + " ".join(map(str, stuck)), file=sys.stderr)
        print(f"  {name} done", file=sys.stderr, flush=True)

    labels = list(res["idle"])
    every = {n: [t for label in labels for t in res[n][label]] for n in CASES}
    med = {n: statistics.median(every[n]) for n in CASES}
    worst = {n: max(every[n]) for n in CASES}
    print()
    print(f"{'workload':<30} {'keys':>4} {'median ms':>9} {'ratio':>6} {'p90 ms':>7} "
          f"{'worst ms':>8}  " + " ".join(f"{label:>9}" for label in labels))
    for n in CASES:
        p90 = statistics.quantiles(every[n], n=10)[-1] if len(every[n]) > 1 else every[n][0]
        ratio = med[n] / med["idle"] if med["idle"] > 0 else None
        print(f"{WHAT[n]:<30} {len(every[n]):>4} {_ms(med[n]):>9} "
              f"{'-' if ratio is None else f'{ratio:.2f}':>6} {_ms(p90):>7} {_ms(worst[n]):>8}  "
              + " ".join(f"{_ms(statistics.median(res[n][label])):>9}" for label in labels))
    print("  per key: its median ms (PgUp, End: the output pane held and following again; "
          "?: the help and back;\n  Tab, Shift-Tab: the focus off the output pane and back); "
          "ratio: the median over the idle median")
    for n in CASES:
        ld = loads[n]
        bits = []
        if ld["events_s"] is not None:
            bits.append(f"{ld['events_s']:,.0f} events/s")
        if ld["lines_s"] is not None:
            bits.append(f"{ld['lines_s']:,.0f} output lines/s")
        if ld["cpu"] is not None:
            bits.append(f"forkscope {ld['cpu'] * 100:.0f} % of a CPU")
        t, label, r = ld["worst"]
        print(f"  {n} meanwhile: " + (", ".join(bits) or "-")
              + f"; the worst: {label} in round {r} ({_ms(t)} ms)")
    ok = all(med[n] * 1000 <= TARGET_MS for n in ("flood", "storm"))
    line = (f"keys: median key-to-screen {_ms(med['flood'])} ms under an output flood "
            f"(worst {_ms(worst['flood'])}), {_ms(med['storm'])} ms under a fork storm "
            f"(worst {_ms(worst['storm'])}), idle {_ms(med['idle'])} ms "
            f"(ratios {med['flood'] / med['idle']:.2f}, {med['storm'] / med['idle']:.2f}; "
            f"target <= {TARGET_MS:.0f} ms); {'target met' if ok else 'TARGET MISSED'}")
    print()
    print("bench: " + line, flush=True)
    return ok, line
