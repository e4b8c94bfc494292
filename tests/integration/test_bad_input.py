#!/usr/bin/python3
"""forkscope and bad input: a table of bad command lines and bad recordings.

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_bad_input.py [-k PATTERN]

Every row runs forkscope once per binary: $FORKSCOPE, and build-san/forkscope (ASan+UBSan,
`make SAN=1`) when it exists. Each row asserts: exit status 2 (usage) or 1 (anything
else), exactly one line on stderr, `forkscope: ...` naming the problem (for a recording
`forkscope: FILE: line N: ...`), no signal, no sanitizer report, done within 10 s, no
control character of the input on stdout or stderr, and the processes of the valid lines
before a bad line still in the tree. Recording rows run `tree`, `tree --json` and, in a
pseudo-terminal made by script(1), `replay` (q pressed at once). Command-line rows run a
second time as the user nobody (as root only): they must fail the same way before any
privilege or BPF is needed. They run a copy of the binary and its data folder that every
user can read (fslib.copy_for_other_users), so they pass wherever the clone lies. Rows
about privileges and unreadable files run only as a user that is not root (nobody, or
ourselves when we are not root). Standard library only; the last line is
`N passed, N failed`.
"""
import argparse
import contextlib
import grp
import json
import os
import pwd
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from fslib import copy_for_other_users, other_user_cwd, other_user_env  # noqa: E402
ROW_TIMEOUT = 10  # seconds for one forkscope run
SANITIZER = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|"
                       r"UndefinedBehaviorSanitizer|AddressSanitizer:DEADLYSIGNAL")
# C0 controls but \t and \n, DEL, and C1 controls as UTF-8: never shown raw
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])")


class Failure(Exception):
    """An expectation of a row did not hold."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


# ---------------------------------------------------------------- recordings


def line(obj):
    return json.dumps(obj, separators=(",", ":")) + "\n"


def header(**changes):
    h = {"type": "header", "schema": 1, "tool": "forkscope 0.1.0", "root_pid": 100,
         "command": ["/usr/bin/python3", "app.py"], "method": "fork", "python": "3.11.2",
         "kernel": "Linux 6.1.0 x86_64", "start_realtime_ns": 1700000000000000000}
    h.update(changes)
    return h


FORK = {"type": "fork", "t_ns": 300, "pid": 102, "ppid": 100, "parent_tid": 100,
        "comm": "python3", "parent_threads": 1}
EXEC = {"type": "exec", "t_ns": 400, "pid": 102, "ppid": 100, "filename": "/bin/sleep",
        "argv": ["sleep", "1"]}
EXIT = {"type": "exit", "t_ns": 500, "pid": 102, "ppid": 100, "comm": "sleep",
        "exit_code": 0, "signal": None, "core_dumped": False}
SIGNAL = {"type": "signal", "t_ns": 450, "pid": 100, "target": 102, "sig": 15}
END = {"type": "end", "t_ns": 900, "events": 5, "lost": 0}
OUTPUT = {"type": "output", "t_ns": 260, "pid": 100, "tid": 100, "fd": 1, "data": "hello\n"}
CHANNEL = {"type": "channel", "t_ns": 270, "pid": 100, "tid": 100,
           "data": 'FSC1\n{"fact":"name","name":"main"}'}

# five valid lines: the header, the root (100) and one child (101) that exits
PREFIX = "".join(line(x) for x in (
    header(),
    {"type": "fork", "t_ns": 100, "pid": 100, "ppid": 99, "parent_tid": 99,
     "comm": "forkscope", "parent_threads": 1},
    {"type": "exec", "t_ns": 150, "pid": 100, "ppid": 99, "filename": "/usr/bin/python3",
     "argv": ["/usr/bin/python3", "app.py"]},
    {"type": "fork", "t_ns": 200, "pid": 101, "ppid": 100, "parent_tid": 100,
     "comm": "python3", "parent_threads": 1},
    {"type": "exit", "t_ns": 250, "pid": 101, "ppid": 100, "comm": "python3",
     "exit_code": 3, "signal": None, "core_dumped": False},
))
PREFIX_LINES = 5
PREFIX_PIDS = (100, 101)

# the fields of each record type: value kind; "?" marks nullable
FIELDS = {
    "header": (header(), {"schema": "int", "tool": "str", "root_pid": "int",
                          "command": "strs", "method": "str?", "python": "str?",
                          "kernel": "str", "start_realtime_ns": "int"}),
    "fork": (FORK, {"t_ns": "int", "pid": "int", "ppid": "int", "parent_tid": "int",
                    "comm": "str", "parent_threads": "int"}),
    "exec": (EXEC, {"t_ns": "int", "pid": "int", "ppid": "int", "filename": "str",
                    "argv": "strs"}),
    "exit": (EXIT, {"t_ns": "int", "pid": "int", "ppid": "int", "comm": "str",
                    "exit_code": "int?", "signal": "int?", "core_dumped": "bool"}),
    "signal": (SIGNAL, {"t_ns": "int", "pid": "int", "target": "int", "sig": "int"}),
    "end": (END, {"t_ns": "int", "events": "int", "lost": "int"}),
    "output": (OUTPUT, {"t_ns": "int", "pid": "int", "tid": "int", "fd": "int", "data": "str"}),
    "channel": (CHANNEL, {"t_ns": "int", "pid": "int", "tid": "int", "data": "str"}),
}
WRONG = {  # values of the wrong type for each kind
    "int": ["7", 7.5, True, None, [7], {"n": 7}],
    "int?": ["7", 7.5, False, [7]],
    "str": [7, True, None, ["x"], {"s": "x"}],
    "str?": [7, False, ["x"]],
    "bool": [0, "false", None, [True]],
    "strs": ["x", 7, None, {"a": "x"}, [1], ["x", None], [["x"]]],
}


def deep_nesting(levels):
    return '{"type":"fork","x":' + "[" * levels + "]" * levels + "}\n"


def random_bytes(seed, n):
    rnd = random.Random(seed)
    return bytes(rnd.randrange(256) for _ in range(n))


# ---------------------------------------------------------------- the table


class Row:
    """One bad input. kind "cli": args as given; "rec": content is a recording (bytes or
    str) run through tree, tree --json and replay. message: regex the stderr line must
    match after `forkscope: ` (recordings: after `forkscope: FILE: `)."""

    def __init__(self, name, kind, rc, message, args=None, content=None, path=None,
                 pids=(), stdin=None, nobody=True, replay=True, prepare=None, warn=None,
                 other_user=False):
        self.name = name
        self.warn = warn  # recordings that stop early: regex of the one warning line
        self.kind = kind
        self.rc = rc
        self.message = message
        self.args = args or []
        self.content = content
        self.path = path  # a fixed path instead of content (a directory, /dev/zero, ...)
        self.pids = pids  # PIDs the tree must still show
        self.stdin = stdin
        self.nobody = nobody
        self.replay = replay
        self.prepare = prepare  # prepare(tmpdir) -> args or (args, env), for rows that need files
        # only as a user that is not root: nobody (setpriv) when we are root, else ourselves
        self.other_user = other_user


def export_prepare(which, options):
    """export rows: a recording in the row's folder ("good": a fork and its exit; "bad":
    line 2 not JSON), `export OPTIONS FILE` (-o outdir: a directory there)."""
    def prepare(tmp):
        path = os.path.join(tmp, which + ".jsonl")
        body = (line({"type": "fork", "t_ns": 1, "pid": 4242, "ppid": 1, "parent_tid": 1,
                      "comm": "sh", "parent_threads": 1}) +
                line({"type": "exit", "t_ns": 2, "pid": 4242, "ppid": 1, "comm": "sh",
                      "exit_code": 0, "signal": None, "core_dumped": False, "tid": 4242})
                if which == "good" else "{not json\n")
        with open(path, "w") as f:
            f.write(line(header()) + body)
        opts = list(options)
        if "self" in opts:
            opts[opts.index("self")] = path
        if "outdir" in opts:
            out = os.path.join(tmp, "outdir")
            os.makedirs(out, exist_ok=True)
            opts[opts.index("outdir")] = out
        return ["export"] + opts + [path]
    return prepare


def cli_rows():
    usage = "(see forkscope --help)"
    u = re.escape(usage)

    def not_exec(tmp):
        path = os.path.join(tmp, "not-executable")
        with open(path, "w") as f:
            f.write("#!/bin/sh\necho hi\n")
        os.chmod(path, 0o644)
        return ["run", "--no-tui", "--", path]

    def a_directory(tmp):
        return ["run", "--no-tui", "--", tmp]

    def closed(part, args):
        """A data folder (FORKSCOPE_HOME) with daemon.py and the hook, part of it mode 000."""
        def prepare(tmp):
            home = tempfile.mkdtemp(prefix="closed-", dir=tmp)
            for sub, src in (("demos", os.path.join(REPO, "demos", "daemon.py")),
                             ("pyhook", os.path.join(REPO, "src", "pyhook", "sitecustomize.py"))):
                os.mkdir(os.path.join(home, sub))
                shutil.copyfile(src, os.path.join(home, sub, os.path.basename(src)))
            for root, dirs, files in os.walk(home):
                os.chmod(root, 0o755)
                for name in files:
                    os.chmod(os.path.join(root, name), 0o644)
            os.chmod(os.path.join(home, part) if part else home, 0)
            return args, {"FORKSCOPE_HOME": home}
        return prepare

    # who runs the rows with other_user: nobody when we are root, else ourselves
    if os.geteuid() == 0 and have_user("nobody"):
        who = re.escape(f"nobody (uid {pwd.getpwnam('nobody').pw_uid})")
    else:
        who = re.escape(f"{pwd.getpwuid(os.geteuid()).pw_name} (uid {os.geteuid()})")
    home = r"/\S+/closed-[^/ ]+"
    denied = "Permission denied"

    return [
        Row("unknown command", "cli", 2, rf"unknown command: frobnicate {u}",
            args=["frobnicate"]),
        Row("unknown option of run", "cli", 2, r".*--bogus", args=["run", "--bogus", "x"]),
        Row("unknown short option of run", "cli", 2, r".*-z", args=["run", "-z", "x"]),
        Row("unknown option of tree", "cli", 2, r".*--bogus", args=["tree", "--bogus", "f"]),
        Row("unknown option before the command", "cli", 2, r".*--bogus", args=["--bogus"]),
        Row("value for an option without one", "cli", 2, r".*--no-tui=3",
            args=["run", "--no-tui=3", "--", "/bin/true"]),
        Row("value for a tree option without one", "cli", 2, r".*--json=1",
            args=["tree", "--json=1", "f.jsonl"]),
        Row("missing value of --duration", "cli", 2, r".*--duration.*",
            args=["run", "--duration"]),
        Row("missing value of -o", "cli", 2, r".*(-o|output).*", args=["run", "-o"]),
        Row("missing value of --method", "cli", 2, r".*--method.*", args=["run", "--method"]),
        Row("--duration -1", "cli", 2, r"--duration needs a positive number of seconds: -1",
            args=["run", "--duration", "-1", "--", "/bin/true"]),
        Row("--duration abc", "cli", 2, r"--duration .*: abc",
            args=["run", "--duration", "abc", "--", "/bin/true"]),
        Row("--duration 0", "cli", 2, r"--duration .*: 0 ",
            args=["run", "--duration", "0", "--", "/bin/true"]),
        Row("--duration nan", "cli", 2, r"--duration .*: nan",
            args=["run", "--duration", "nan", "--", "/bin/true"]),
        Row("--duration 1e999", "cli", 2, r"--duration .*: 1e999",
            args=["run", "--duration", "1e999", "--", "/bin/true"]),
        Row("--ringbuf-kb 0", "cli", 2, r"--ringbuf-kb .*: 0 ",
            args=["run", "--ringbuf-kb", "0", "--", "/bin/true"]),
        Row("--ringbuf-kb huge", "cli", 2, r"--ringbuf-kb .*: 99999999999999999999999",
            args=["run", "--ringbuf-kb", "99999999999999999999999", "--", "/bin/true"]),
        Row("--ringbuf-kb 2097152", "cli", 2, r"--ringbuf-kb .*: 2097152",
            args=["run", "--ringbuf-kb", "2097152", "--", "/bin/true"]),
        Row("--ringbuf-kb 12k", "cli", 2, r"--ringbuf-kb .*: 12k",
            args=["run", "--ringbuf-kb", "12k", "--", "/bin/true"]),
        Row("--ringbuf-kb 4 (too small for an exec)", "cli", 2,
            r"--ringbuf-kb needs a size from 16 .*largest event.*: 4 ",
            args=["run", "--ringbuf-kb", "4", "--", "/bin/true"]),
        Row("--ringbuf-kb 15", "cli", 2, r"--ringbuf-kb .*: 15 ",
            args=["run", "--ringbuf-kb", "15", "--", "/bin/true"]),
        Row("--ringbuf-kb -4", "cli", 2, r"--ringbuf-kb .*: -4",
            args=["run", "--ringbuf-kb", "-4", "--", "/bin/true"]),
        Row("run with nothing to run", "cli", 2, r"run needs a DEMO or -- COMMAND",
            args=["run"]),
        Row("run -- with nothing after it", "cli", 2, r"run needs a DEMO or -- COMMAND",
            args=["run", "--no-tui", "--"]),
        Row("tree without a file", "cli", 2, r"tree needs exactly one recording FILE",
            args=["tree"]),
        Row("tree with two files", "cli", 2, r"tree needs exactly one recording FILE",
            args=["tree", "a.jsonl", "b.jsonl"]),
        Row("narrate without a file", "cli", 2, r"narrate needs exactly one recording FILE",
            args=["narrate"]),
        Row("narrate with two files", "cli", 2, r"narrate needs exactly one recording FILE",
            args=["narrate", "a.jsonl", "b.jsonl"]),
        Row("narrate with a tree option", "cli", 2, r"narrate takes --json and one recording "
            r"FILE: --ascii", args=["narrate", "--ascii", "a.jsonl"]),
        Row("unknown option of narrate", "cli", 2, r".*--bogus", args=["narrate", "--bogus", "f"]),
        Row("narrate of a missing file", "cli", 1,
            r"/nonexistent/x\.jsonl: cannot open /nonexistent/x\.jsonl: No such file or "
            r"directory", args=["narrate", "/nonexistent/x.jsonl"]),
        Row("replay without a file", "cli", 2, r"replay needs exactly one recording FILE",
            args=["replay"]),
        Row("replay with two files", "cli", 2, r"replay needs exactly one recording FILE",
            args=["replay", "a.jsonl", "b.jsonl"]),
        # the UI's options (theme part of issue 12): --theme, $FORKSCOPE_THEME, --tempo
        Row("replay unknown theme", "cli", 2, r"unknown theme \(use default or projector\): pink",
            args=["replay", "--theme", "pink", "a.jsonl"]),
        Row("run unknown theme", "cli", 2, r"unknown theme \(use default or projector\): ",
            args=["run", "--theme=", "gil"]),
        Row("picker unknown theme", "cli", 2, r"unknown theme", args=["--theme", "x"]),
        Row("theme env unknown", "cli", 2, r"unknown theme in FORKSCOPE_THEME.*: neon",
            args=["replay", "a.jsonl"],
            prepare=lambda d: (["replay", "a.jsonl"], {"FORKSCOPE_THEME": "neon"})),
        Row("picker tempo 0", "cli", 2, r"--tempo needs a number from 1 to 10: 0",
            args=["--tempo", "0"]),
        Row("picker tempo word", "cli", 2, r"--tempo needs a number from 1 to 10: slow",
            args=["--tempo", "slow"]),
        Row("picker stray word", "cli", 2, r"unknown command: gil", args=["--no-dim", "gil"]),
        Row("replay -o", "cli", 2, r"unknown option: -o", args=["replay", "-o", "x", "a.jsonl"]),
        Row("demos extra", "cli", 2, rf"demos takes no arguments: extra {u}",
            args=["demos", "extra"]),
        Row("doctor extra", "cli", 2, rf"doctor takes no arguments: extra {u}",
            args=["doctor", "extra"]),
        Row("unknown demo", "cli", 2, r"no such demo: no-such-demo\b.*",
            args=["run", "--no-tui", "no-such-demo"]),
        Row("unknown demo with a path", "cli", 2, r"no such demo: \.\./\.\./etc/passwd\b.*",
            args=["run", "--no-tui", "../../etc/passwd"]),
        Row("unknown method", "cli", 2, r"unknown start method .*: threads",
            args=["run", "--method", "threads", "process-basics"]),
        Row("empty method", "cli", 2, r"unknown start method .*: '' \(see",
            args=["run", "--method", "", "process-basics"]),
        Row("missing command (path)", "cli", 1, r".*(not found|No such file).*: "
            r"/nonexistent/command$", args=["run", "--no-tui", "--", "/nonexistent/command"]),
        Row("missing command (PATH search)", "cli", 1,
            r".*not found.*: no-such-command-xyz$",
            args=["run", "--no-tui", "--", "no-such-command-xyz"]),
        Row("non-executable command", "cli", 1, r".*(not executable|[Pp]ermission denied).*",
            prepare=not_exec),
        Row("a directory as command", "cli", 1,
            r".*([Ii]s a directory|not executable|[Pp]ermission denied).*", prepare=a_directory),
        Row("python interpreter not found", "cli", 1, r".*interpreter.*/nonexistent/python3",
            args=["run", "--no-tui", "--python", "/nonexistent/python3", "process-basics"]),
        Row("tree of a missing file", "cli", 1,
            r"/nonexistent/x\.jsonl: cannot open /nonexistent/x\.jsonl: No such file or "
            r"directory", args=["tree", "/nonexistent/x.jsonl"]),
        # export (docs/export.md): the command line, then recordings and outputs
        Row("export without --format", "cli", 2,
            rf"export needs --format perfetto, dot, mermaid or svg {u}",
            args=["export", "f.jsonl"]),
        Row("export with an unknown format", "cli", 2,
            rf"unknown export format \(use perfetto, dot, mermaid or svg\): png {u}",
            args=["export", "--format", "png", "f.jsonl"]),
        Row("export with an empty format", "cli", 2, r"unknown export format .*: '' \(see",
            args=["export", "--format", "", "f.jsonl"]),
        Row("export without a file", "cli", 2, r"export needs exactly one recording FILE",
            args=["export", "--format", "svg"]),
        Row("export with two files", "cli", 2, r"export needs exactly one recording FILE",
            args=["export", "--format", "dot", "a.jsonl", "b.jsonl"]),
        Row("export with an empty -o", "cli", 2, r"-o needs a file name",
            args=["export", "--format", "dot", "-o", "", "a.jsonl"]),
        Row("export of a missing file", "cli", 1,
            r"/nonexistent/x\.jsonl: cannot open /nonexistent/x\.jsonl: No such file or "
            r"directory", args=["export", "--format", "perfetto", "/nonexistent/x.jsonl"]),
        Row("export of a bad recording", "cli", 1, r"\S+/bad\.jsonl: line 2: .*",
            prepare=export_prepare("bad", ["--format", "svg"])),
        Row("export to a folder that does not exist", "cli", 1,
            r"cannot write /nonexistent/dir/x\.svg: No such file or directory$",
            prepare=export_prepare("good", ["--format", "svg", "-o",
                                            "/nonexistent/dir/x.svg"])),
        Row("export onto its own recording", "cli", 1,
            r"\S+/good\.jsonl is the recording itself: give -o another file$",
            prepare=export_prepare("good", ["--format", "svg", "-o", "self"])),
        Row("export onto a directory", "cli", 1, r"cannot write \S+/outdir: Is a directory$",
            prepare=export_prepare("good", ["--format", "mermaid", "-o", "outdir"])),
        # privileges and files the user forkscope runs as may not read
        Row("--all without real root", "cli", 2,
            r"--all shows every user's processes and arguments: it needs real root \(uid 0\); "
            rf"run it with sudo {u}$", args=["run", "--no-tui", "--all", "--", "/bin/true"],
            other_user=True),
        Row("--all without real root (a demo)", "cli", 2, r"--all shows .*real root",
            args=["run", "--all", "--method", "fork", "daemon"], other_user=True),
        Row("demo folder closed to the user", "cli", 1,
            rf"cannot read demo ({home})/demos/daemon\.py as {who}: {denied} \(the folder "
            r"\1/demos is closed to that user\)$",
            prepare=closed("demos", ["run", "--no-tui", "daemon"]), other_user=True),
        Row("demo file closed to the user", "cli", 1,
            rf"cannot read demo {home}/demos/daemon\.py as {who}: {denied} \(its mode does "
            r"not let that user read it\)$",
            prepare=closed("demos/daemon.py", ["run", "--no-tui", "daemon"]), other_user=True),
        Row("data folder closed to the user", "cli", 1,
            rf"cannot read demo ({home})/demos/daemon\.py as {who}: {denied} \(the folder "
            r"\1 is closed to that user\)$",
            prepare=closed("", ["run", "--no-tui", "--method", "spawn", "daemon"]),
            other_user=True),
        Row("an unknown demo in a closed folder", "cli", 1,
            rf"cannot read demo {home}/demos/nope\.py as {who}: {denied} \(the folder ",
            prepare=closed("demos", ["run", "--no-tui", "nope"]), other_user=True),
        Row("demos: the folder closed to the user", "cli", 1,
            rf"cannot read the demo folder {home}/demos as {who}: {denied} \(its mode does "
            r"not let that user read it\)$", prepare=closed("demos", ["demos"]),
            other_user=True),
        Row("Python hook closed to the user", "cli", 1,
            rf"cannot read the Python hook ({home})/pyhook/sitecustomize\.py as {who}: "
            rf"{denied} \(the folder \1/pyhook is closed to that user\)$",
            prepare=closed("pyhook", ["run", "--no-tui", "--method", "spawn", "--",
                                      "/bin/true"]), other_user=True),
    ]


def wrong_type_rows():
    """Every field of every record type: missing, and each value of a wrong type."""
    rows = []
    for rtype, (good, fields) in FIELDS.items():
        for field, kind in fields.items():
            variants = [("missing", None)] + [(json.dumps(v), v) for v in WRONG[kind]]
            for label, value in variants:
                obj = dict(good)
                if label == "missing":
                    del obj[field]
                else:
                    obj[field] = value
                if rtype == "header":
                    content, lineno, pids = line(obj), 1, ()
                else:
                    content, lineno, pids = PREFIX + line(obj), PREFIX_LINES + 1, PREFIX_PIDS
                rows.append(Row(f"{rtype}.{field} {label}", "rec", 1,
                                rf"line {lineno}: {rtype}: (missing )?field \"{field}\"",
                                content=content, pids=pids, replay=False))
    return rows


# The warning for a recording without an end line (forkscope stopped), exit status 0.
NO_END = r"the recording ends at [\d.]+ (us|ms|s): no end line \(forkscope was stopped\)$"


def cut_warning(n):
    """The warning for a recording whose last line n was cut short, exit status 0."""
    return (rf"the recording ends at [\d.]+ (us|ms|s): line {n} is cut short \(forkscope was "
            r"stopped while writing it\)$")


def recording_rows():
    n = PREFIX_LINES + 1  # the line after the valid prefix
    cut_fork = line(FORK)[:40]
    esc = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u007f"
    deep = deep_nesting(100000)
    return [
        Row("missing recording", "rec", 1, r"cannot open .*no-such\.jsonl: No such file",
            path="no-such.jsonl"),
        Row("a directory as recording", "rec", 1, r"cannot open .*: Is a directory", path="."),
        Row("empty recording", "rec", 1, r"empty recording", content=b""),
        Row("only blank lines", "rec", 1, r"empty recording", content=b"\n  \n\t\r\n"),
        Row("truncated in the header", "rec", 1, r"line 1: truncated line at end of file",
            content=line(header())[:60]),
        Row("truncated mid-line", "rec", 0, None, warn=cut_warning(n),
            content=PREFIX + cut_fork, pids=PREFIX_PIDS),
        Row("truncated inside a string", "rec", 0, None, warn=cut_warning(n),
            content=PREFIX + line(EXEC)[:70], pids=PREFIX_PIDS),
        Row("truncated inside a number", "rec", 0, None, warn=cut_warning(n),
            content=PREFIX + '{"type":"fork","t_ns":12', pids=PREFIX_PIDS),
        Row("truncated inside a UTF-8 sequence", "rec", 0, None, warn=cut_warning(n),
            content=PREFIX.encode() + line(dict(EXEC, filename="/usr/bin/日")).encode()
            [:-5], pids=PREFIX_PIDS),
        Row("random bytes", "rec", 1, r"line 1: .*(NUL byte|UTF-8|not valid JSON)",
            content=random_bytes(1, 4096)),
        Row("random bytes after valid lines", "rec", 1,
            rf"line {n}: .*(NUL byte|UTF-8|not valid JSON)",
            content=PREFIX.encode() + random_bytes(2, 4096).replace(b"\n", b" "),
            pids=PREFIX_PIDS),
        Row("NUL bytes", "rec", 1, r"line 1: contains a NUL byte", content=b"\0" * 1000),
        Row("NUL byte inside a line", "rec", 1, rf"line {n}: contains a NUL byte",
            content=PREFIX.encode() + line(FORK).encode().replace(b"python3", b"py\0thon"),
            pids=PREFIX_PIDS),
        Row("escaped NUL in a string", "rec", 1, rf"line {n}: fork: .*\"comm\".*NUL",
            content=PREFIX + line(dict(FORK, comm="a\u0000b")), pids=PREFIX_PIDS),
        Row("invalid UTF-8", "rec", 1, rf"line {n}: not valid UTF-8",
            content=PREFIX.encode() + line(FORK).encode().replace(b"python3", b"py\xff\xfe"),
            pids=PREFIX_PIDS),
        Row("/dev/zero", "rec", 1, r"line 1: (line longer than 16 MiB|contains a NUL byte)",
            path="/dev/zero"),
        Row("a 20 MiB line", "rec", 1, rf"line {n}: line longer than 16 MiB",
            content=PREFIX + '{"type":"fork","comm":"' + "x" * (20 << 20) + '"}\n',
            pids=PREFIX_PIDS),
        Row("a 20 MiB line without newline", "rec", 1, rf"line {n}: line longer than 16 MiB",
            content=PREFIX + "7" * (20 << 20), pids=PREFIX_PIDS),
        Row("nested 100000 levels", "rec", 1, rf"line {n}: JSON nested deeper than 16 levels",
            content=PREFIX + deep, pids=PREFIX_PIDS),
        Row("nested 100000 levels, first line", "rec", 1,
            r"line 1: JSON nested deeper than 16 levels", content=deep),
        Row("unknown schema 4", "rec", 1, r"line 1: header: unsupported recording schema 4",
            content=line(header(schema=4)) + line(FORK)),
        Row("schema 0", "rec", 1, r"line 1: header: unsupported recording schema 0",
            content=line(header(schema=0))),
        Row("schema huge", "rec", 1, r"line 1: header: field \"schema\" is out of range",
            content=line(header(schema=1 << 40))),
        Row("header missing", "rec", 1, r"line 1: expected the header first, got a \"fork\"",
            content=line(FORK) + line(EXIT)),
        Row("event before header", "rec", 1, r"line 1: expected the header first",
            content=line(EXEC) + line(header())),
        Row("header twice", "rec", 1, rf"line {n}: a second header", content=PREFIX +
            line(header(root_pid=555)) + line(FORK), pids=PREFIX_PIDS),
        Row("two recordings concatenated", "rec", 1, rf"line {n + 1}: a second header",
            content=PREFIX + line(END) + PREFIX, pids=PREFIX_PIDS),
        Row("event after the end line", "rec", 1, rf"line {n + 1}: a \"fork\" line after the "
            r"end line", content=PREFIX + line(END) + line(FORK), pids=PREFIX_PIDS),
        Row("not an object", "rec", 1, rf"line {n}: expected a JSON object, got array",
            content=PREFIX + "[1,2,3]\n", pids=PREFIX_PIDS),
        Row("a bare string", "rec", 1, r"line 1: expected a JSON object, got string",
            content='"header"\n'),
        Row("a bare null", "rec", 1, r"line 1: expected a JSON object, got null",
            content="null\n"),
        Row("not JSON", "rec", 1, rf"line {n}: not valid JSON", content=PREFIX + "hello\n",
            pids=PREFIX_PIDS),
        Row("trailing garbage", "rec", 1, rf"line {n}: not valid JSON",
            content=PREFIX + line(FORK).rstrip("\n") + " xyz\n", pids=PREFIX_PIDS),
        Row("two objects on a line", "rec", 1, rf"line {n}: not valid JSON",
            content=PREFIX + line(FORK).rstrip("\n") + line(EXIT), pids=PREFIX_PIDS),
        Row("BOM on a later line", "rec", 1, rf"line {n}: not valid JSON",
            content=PREFIX + "\ufeff" + line(FORK), pids=PREFIX_PIDS),
        Row("a record on two lines", "rec", 1, rf"line {n}: incomplete JSON \(each record "
            r"must be on one line\)", content=PREFIX + '{"type":"fork",\n"pid":5}\n',
            pids=PREFIX_PIDS),
        Row("line number counts blank lines", "rec", 1, rf"line {n + 2}: incomplete JSON",
            content=PREFIX + "\n\n{\n", pids=PREFIX_PIDS),
        Row("unknown type", "rec", 1, rf"line {n}: unknown type \"fork2\"",
            content=PREFIX + line(dict(FORK, type="fork2")), pids=PREFIX_PIDS),
        Row("type with escapes", "rec", 1, rf"line {n}: unknown type \"\?\[2J",
            content=PREFIX + line(dict(FORK, type=esc)), pids=PREFIX_PIDS),
        Row("type not a string", "rec", 1, rf"line {n}: field \"type\" must be a string",
            content=PREFIX + line(dict(FORK, type=1)), pids=PREFIX_PIDS),
        Row("pid 2^32", "rec", 1, rf"line {n}: fork: field \"pid\" is out of range",
            content=PREFIX + line(dict(FORK, pid=1 << 32)), pids=PREFIX_PIDS),
        Row("pid 10^30", "rec", 1, rf"line {n}: fork: field \"pid\" is out of range",
            content=PREFIX + '{"type":"fork","t_ns":1,"pid":' + "1" + "0" * 30 + "}\n",
            pids=PREFIX_PIDS),
        Row("t_ns 2^63", "rec", 1, rf"line {n}: exit: field \"t_ns\" is out of range",
            content=PREFIX + line(dict(EXIT, t_ns=1 << 63)), pids=PREFIX_PIDS),
        Row("t_ns 1e400", "rec", 1, rf"line {n}: fork: field \"t_ns\" must be a non-negative",
            content=PREFIX + line(FORK).replace('"t_ns":300', '"t_ns":1e400'),
            pids=PREFIX_PIDS),
        Row("exit_code 256", "rec", 1, rf"line {n}: exit: field \"exit_code\" is out of range",
            content=PREFIX + line(dict(EXIT, exit_code=256)), pids=PREFIX_PIDS),
        Row("exit_code 2^70", "rec", 1, rf"line {n}: exit: field \"exit_code\" is out of range",
            content=PREFIX + line(dict(EXIT, exit_code=1 << 70)), pids=PREFIX_PIDS),
        Row("signal 65", "rec", 1, rf"line {n}: exit: field \"signal\" is out of range",
            content=PREFIX + line(dict(EXIT, exit_code=None, signal=65)), pids=PREFIX_PIDS),
        Row("sig -1", "rec", 1, rf"line {n}: signal: field \"sig\" is out of range",
            content=PREFIX + line(dict(SIGNAL, sig=-1)), pids=PREFIX_PIDS),
        Row("exit_code and signal both null", "rec", 1, rf"line {n}: exit: exactly one of",
            content=PREFIX + line(dict(EXIT, exit_code=None)), pids=PREFIX_PIDS),
        Row("exit_code and signal both set", "rec", 1, rf"line {n}: exit: exactly one of",
            content=PREFIX + line(dict(EXIT, signal=9)), pids=PREFIX_PIDS),
        Row("negative pid", "rec", 1, rf"line {n}: fork: field \"pid\" must be a non-negative",
            content=PREFIX + line(dict(FORK, pid=-5)), pids=PREFIX_PIDS),
        Row("negative ppid", "rec", 1, rf"line {n}: exit: field \"ppid\" must be a non-neg",
            content=PREFIX + line(dict(EXIT, ppid=-1)), pids=PREFIX_PIDS),
        Row("negative root_pid", "rec", 1, r"line 1: header: field \"root_pid\" must be a non-",
            content=line(header(root_pid=-1))),
        Row("negative lost", "rec", 1, rf"line {n}: end: field \"lost\" must be a non-negative",
            content=PREFIX + line(dict(END, lost=-1)), pids=PREFIX_PIDS),
        Row("argv not an array", "rec", 1, rf"line {n}: exec: field \"argv\" must be an array",
            content=PREFIX + line(dict(EXEC, argv="sleep 1")), pids=PREFIX_PIDS),
        Row("argv of numbers", "rec", 1, rf"line {n}: exec: field \"argv\" must be an array",
            content=PREFIX + line(dict(EXEC, argv=[1, 2])), pids=PREFIX_PIDS),
        Row("command not an array", "rec", 1, r"line 1: header: field \"command\" must be an",
            content=line(header(command="python3 app.py"))),
        Row("mono_base_ns not a number", "rec", 1, r"line 1: header: field \"mono_base_ns\"",
            content=line(header(mono_base_ns="12"))),
        Row("negative mono_base_ns", "rec", 1, r"line 1: header: field \"mono_base_ns\" must be a",
            content=line(header(mono_base_ns=-1))),
        Row("pyhook not a bool", "rec", 1, r"line 1: header: field \"pyhook\"",
            content=line(header(pyhook=1))),
        Row("escapes in a bad line", "rec", 1, rf"line {n}: fork: field \"pid\"",
            content=PREFIX + line(dict(FORK, comm=esc, pid=esc)), pids=PREFIX_PIDS),
        Row("escapes after a valid escaped line", "rec", 1, rf"line {n + 1}: not valid JSON",
            content=PREFIX + line(dict(FORK, comm=esc)) + esc + "\n", pids=PREFIX_PIDS + (102,)),
        # the workload's output and the channel
        Row("output on fd 3", "rec", 1, rf"line {n}: output: field \"fd\" must be 1 \(stdout\) "
            r"or 2 \(stderr\)", content=PREFIX + line(dict(OUTPUT, fd=3)), pids=PREFIX_PIDS),
        Row("output fd 0", "rec", 1, rf"line {n}: output: field \"fd\" must be 1",
            content=PREFIX + line(dict(OUTPUT, fd=0)), pids=PREFIX_PIDS),
        Row("output longer than a chunk", "rec", 1,
            rf"line {n}: output: field \"data\" is longer than 4096 bytes",
            content=PREFIX + line(dict(OUTPUT, data="x" * 4097)), pids=PREFIX_PIDS),
        Row("output data_b64 not base64", "rec", 1,
            rf"line {n}: output: field \"data_b64\" is not base64",
            content=PREFIX + line(dict(OUTPUT, data_b64="a*b=")), pids=PREFIX_PIDS),
        Row("output data_b64 of a wrong length", "rec", 1,
            rf"line {n}: output: field \"data_b64\" is not base64 \(length 5\)",
            content=PREFIX + line(dict(OUTPUT, data_b64="QUFBQ")), pids=PREFIX_PIDS),
        Row("output data_b64 not canonical", "rec", 1,
            rf"line {n}: output: field \"data_b64\" is not canonical base64",
            content=PREFIX + line(dict(OUTPUT, data_b64="QR==")), pids=PREFIX_PIDS),
        Row("output data_b64 too long", "rec", 1,
            rf"line {n}: output: field \"data_b64\" holds more than 4096 bytes",
            content=PREFIX + line(dict(OUTPUT, data_b64="QUFB" * 1366)), pids=PREFIX_PIDS),
        Row("output data_b64 a number", "rec", 1,
            rf"line {n}: output: field \"data_b64\" must be a string",
            content=PREFIX + line(dict(OUTPUT, data_b64=7)), pids=PREFIX_PIDS),
        Row("output cut negative", "rec", 1,
            rf"line {n}: output: field \"cut\" must be a non-negative integer",
            content=PREFIX + line(dict(OUTPUT, cut=-1)), pids=PREFIX_PIDS),
        Row("output dropped negative", "rec", 1,
            rf"line {n}: output: field \"dropped\" must be a non-negative integer",
            content=PREFIX + line(dict(OUTPUT, dropped=-5)), pids=PREFIX_PIDS),
        Row("output tid 2^32", "rec", 1, rf"line {n}: output: field \"tid\" is out of range",
            content=PREFIX + line(dict(OUTPUT, tid=1 << 32)), pids=PREFIX_PIDS),
        Row("channel oversized with data", "rec", 1,
            rf"line {n}: channel: an oversized record \(\"cut\"\) must have an empty \"data\"",
            content=PREFIX + line(dict(CHANNEL, cut=5000)), pids=PREFIX_PIDS),
        Row("channel longer than a record", "rec", 1,
            rf"line {n}: channel: field \"data\" is longer than 4096 bytes",
            content=PREFIX + line(dict(CHANNEL, data="FSC1\n" + "x" * 4092)), pids=PREFIX_PIDS),
        Row("output_lost negative", "rec", 1,
            rf"line {n}: end: field \"output_lost\" must be a non-negative integer",
            content=PREFIX + line(dict(END, output_lost=-1)), pids=PREFIX_PIDS),
        Row("output after the end line", "rec", 1, rf"line {n + 1}: a \"output\" line after "
            r"the end line", content=PREFIX + line(END) + line(OUTPUT), pids=PREFIX_PIDS),
        Row("stdin: garbage", "rec", 1, r"line 1: not valid JSON", path="-",
            stdin=b"\x1b[2J garbage\n", replay=False),
    ]


def accepted_rows():
    """Hostile but valid recordings: shown in full, exit status 0."""
    esc = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u007f\u202e"
    jesc = "\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u007f\u202e"  # inside a fact
    big = (1 << 32) - 1
    return [
        Row("escape sequences everywhere", "rec", 0, None, content="".join(line(x) for x in (
            header(tool=esc, command=[esc, esc], method=esc, python=esc, kernel=esc),
            dict(FORK, pid=100, ppid=99, comm=esc),
            dict(EXEC, pid=100, ppid=99, filename="/x/" + esc, argv=[esc, "-c", esc]),
            dict(FORK, comm=esc),
            dict(SIGNAL, sig=9),
            dict(EXIT, comm=esc, exit_code=None, signal=9)))
            + line(END), pids=(100, 102)),
        Row("largest numbers", "rec", 0, None, content="".join(line(x) for x in (
            header(root_pid=big, start_realtime_ns=(1 << 63) - 1),
            dict(FORK, pid=big, ppid=big - 1, parent_tid=big, parent_threads=big,
                 t_ns=(1 << 63) - 1),
            dict(FORK, pid=big - 2, ppid=big, parent_tid=big, parent_threads=big,
                 t_ns=(1 << 63) - 1),
            dict(EXIT, pid=big, ppid=0, t_ns=0, exit_code=255),
            dict(END, events=(1 << 64) - 1, lost=(1 << 64) - 1, t_ns=(1 << 63) - 1))),
            pids=(big, big - 2)),
        Row("pid 0 and self-parents", "rec", 0, None, warn=NO_END, content="".join(line(x) for x in (
            header(root_pid=0),
            dict(FORK, pid=0, ppid=0, parent_tid=0),
            dict(FORK, pid=7, ppid=7, parent_tid=7),
            dict(EXIT, pid=7, ppid=7),
            dict(EXIT, pid=7, ppid=7),
            dict(SIGNAL, pid=0, target=0, sig=0))), pids=(7,)),  # the model drops PID 0
        Row("unknown fields and long strings", "rec", 0, None, warn=NO_END, content="".join(line(x) for x in (
            header(extra={"a": [1, {"b": None}]}, command=["x" * 100000] * 3),
            dict(FORK, comm="c" * 5000, future=True),
            dict(EXEC, filename="/" + "f" * 100000, argv=["a" * 70000, "b"],
                 truncated=True))), pids=(102,)),
        Row("escape sequences in output and facts", "rec", 0, None, content=PREFIX + "".join(
            line(x) for x in (
                dict(OUTPUT, data=esc + "\n" + esc),
                dict(OUTPUT, fd=2, data="\ufffd" + esc, data_b64="/xtbMko="),
                dict(CHANNEL, data='FSC1\n{"fact":"name","name":"' + esc.replace("\u001b", "\\u001b")
                     .replace("\u0007", "\\u0007").replace("\u009b", "\\u009b")
                     .replace("\u007f", "\\u007f") + '"}'),
                dict(CHANNEL, data='FSC1\n{"fact":"name","pid":1}'),
                dict(CHANNEL, data="", cut=1 << 20),
                dict(END, output_lost=3))), pids=PREFIX_PIDS),
        Row("hostile Python facts", "rec", 0, None, warn=NO_END, content="".join(line(x) for x in (
            header(mono_base_ns=(1 << 63) - 1, pyhook=True),
            dict(FORK, pid=100, ppid=99, comm="python3", t_ns=100),
            dict(EXEC, pid=100, ppid=99, filename="/usr/bin/python3", argv=["python3", "a.py"],
                 t_ns=200),
            dict(FORK, pid=101, ppid=100),
            dict(CHANNEL, pid=100, data='FSC1\n{"fact":"hello","py_version":"' + jesc +
                 '","mono_ns":9223372036854775806}'),
            dict(CHANNEL, pid=101, data='FSC1\n{"fact":"process","kind":"pool_worker","pool":1,'
                 '"name":"' + jesc + '","target":"' + jesc + '","daemon":true}\n'
                 '{"fact":"task","index":0,"items":4294967295,"start_ns":1,"end_ns":'
                 '9223372036854775806}\n{"fact":"ready","mono_ns":-5}\n'
                 '{"fact":"tasks","base_ns":9223372036854775806,"t":"1,1,999,999;' + jesc + '"}\n'
                 '{"fact":"tasks","base_ns":1,"t":"' + ";".join(["9,4294967295,0,1"] * 25) + '"}'),
            dict(CHANNEL, pid=100, data='FSC1\n{"fact":"terminate","child_pid":4294967295}\n'
                 '{"fact":"pool","pool":16777215,"maxtasksperchild":2147483647}\n'
                 '{"fact":"kill","child_pid":101,"during":"' + jesc + '"}'),
            dict(SIGNAL, pid=100, target=101, sig=9),
            dict(EXIT, pid=101, ppid=100, comm="python3", exit_code=None, signal=9))),
            pids=(100, 101)),
        Row("output from unknown writers", "rec", 0, None, warn=NO_END, content=PREFIX + "".join(
            line(x) for x in (
                dict(OUTPUT, pid=4000, tid=4001, data="early"),
                dict(CHANNEL, pid=4000, tid=4001),
                dict(OUTPUT, pid=(1 << 32) - 1, tid=0, fd=2, data="x" * 4096, cut=(1 << 32) - 1,
                     dropped=(1 << 64) - 1))), pids=PREFIX_PIDS),
        Row("CRLF line ends", "rec", 0, None, warn=NO_END, content=PREFIX.replace("\n", "\r\n"),
            pids=PREFIX_PIDS),
        Row("UTF-8 byte order mark (ignored)", "rec", 0, None, warn=NO_END,
            content=b"\xef\xbb\xbf" + PREFIX.encode(), pids=PREFIX_PIDS),
        Row("no end line, no final newline", "rec", 0, None, warn=NO_END, content=PREFIX.rstrip("\n"),
            pids=PREFIX_PIDS),
    ]


def all_rows():
    return cli_rows() + recording_rows() + wrong_type_rows() + accepted_rows()


# ---------------------------------------------------------------- running


class Run:
    def __init__(self, argv, rc, out, err, elapsed):
        self.argv, self.rc, self.out, self.err, self.elapsed = argv, rc, out, err, elapsed


def run(argv, stdin=None, user=None, timeout=ROW_TIMEOUT, extra_env=None):
    """Run argv (as user, through setpriv, when given: argv[0] is then a copy every user
    can read, run from its own folder)."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1", LC_ALL="C.UTF-8", TERM="xterm")
    cwd = None
    if user:
        env, cwd = other_user_env(env), other_user_cwd(argv[0])
        argv = ["setpriv", f"--reuid={user}", f"--regid={user_group(user)}",
                "--clear-groups", "--"] + argv
    env.update(extra_env or {})
    start = time.monotonic()
    try:
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise Failure(f"no exit within {timeout} s (hang): {shlex.join(argv)[:200]}")
    return Run(argv, p.returncode, p.stdout, p.stderr, time.monotonic() - start)


def user_group(user):
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def have_user(user):
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def check_common(r, what):
    err = r.err.decode("utf-8", "replace")
    check(r.rc >= 0, f"{what}: killed by signal {-r.rc}; stderr: {err[-300:]!r}")
    check(not SANITIZER.search(err), f"{what}: sanitizer report: {err[:400]!r}")
    for stream, data in (("stdout", r.out), ("stderr", r.err)):
        m = RAW_CONTROL.search(data)
        check(not m, f"{what}: raw control character {m.group()!r} on {stream}" if m else "")


def check_message(err_text, prefix, pattern, what):
    lines = err_text.splitlines()
    check(len(lines) == 1, f"{what}: {len(lines)} lines on stderr, expected 1: {err_text[:300]!r}")
    check(lines[0].startswith(prefix), f"{what}: stderr {lines[0][:200]!r} does not start "
          f"with {prefix!r}")
    check(re.match(pattern, lines[0][len(prefix):]),
          f"{what}: stderr {lines[0][:200]!r} does not match {prefix}{pattern}")


def text_pids(out):
    """PIDs at the start of each tree line (after the tree drawing)."""
    found = set()
    for ln in out.splitlines():
        m = re.match(r"^[\s│├└─|`-]*(\d+) ", ln)
        if m:
            found.add(int(m.group(1)))
    return found


def json_pids(out, what):
    try:
        roots = json.loads(out)
    except ValueError as e:
        raise Failure(f"{what}: stdout is not JSON ({e}): {out[:200]!r}")
    found, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        found.add(node["pid"])
        todo.extend(node["children"])
    return found


def run_cli_row(binary, row, tmp, user=None):
    args, env = row.prepare(tmp) if row.prepare else row.args, None
    if isinstance(args, tuple):
        args, env = args
    r = run([binary] + args, user=user, extra_env=env)
    what = "`forkscope " + shlex.join(args) + "`" + (f" as {user}" if user else "")
    check_common(r, what)
    check(r.rc == row.rc, f"{what}: exit status {r.rc}, expected {row.rc}; stderr: "
          f"{r.err.decode(errors='replace').strip()[:200]!r}")
    check_message(r.err.decode(errors="replace"), "forkscope: ", row.message, what)
    check(not r.out.strip(), f"{what}: printed on stdout: {r.out[:200]!r}")
    return r.err


def run_reader(binary, args, row, path, what):
    """A command that reads the row's recording (tree, narrate, export): its exit status
    and its one stderr line (the error, the warning, or nothing) as the row says."""
    r = run([binary] + args, stdin=row.stdin)
    check_common(r, what)
    err = r.err.decode(errors="replace")
    check(r.rc == row.rc, f"{what}: exit status {r.rc}, expected {row.rc}; stderr: "
          f"{err.strip()[:200]!r}")
    if row.warn:
        check_message(err, f"forkscope: warning: {path}: ", row.warn, what)
    elif row.message is None:
        check(not err.strip(), f"{what}: stderr: {err[:200]!r}")
    else:
        check_message(err, f"forkscope: {path}: ", row.message, what)
    return r


def run_rec_row(binary, row, tmp, scripted):
    if row.path is None:
        path = os.path.join(tmp, re.sub(r"[^A-Za-z0-9]+", "-", row.name) + ".jsonl")
        data = row.content.encode() if isinstance(row.content, str) else row.content
        with open(path, "wb") as f:
            f.write(data)
    else:
        path = row.path
    for args in (["tree", path], ["tree", "--json", path]):
        what = "`forkscope " + " ".join(args[:-1]) + " FILE`"
        r = run_reader(binary, args, row, path, what)
        out = r.out.decode("utf-8", "replace")
        if not out and not row.pids and row.rc:
            continue  # nothing valid: nothing printed
        shown = json_pids(out, what) if "--json" in args else text_pids(out)
        missing = set(row.pids) - shown
        check(not missing, f"{what}: the valid lines' processes {sorted(missing)} are not "
              f"shown; stdout: {out[:300]!r}")
        if not row.pids and row.rc:
            check(not out.strip() or out.strip() in ("[\n]", "[]", "(no processes recorded)"),
                  f"{what}: printed a tree of nothing valid: {out[:200]!r}")
    # the narration reads the same loop: the same status and message, never a crash
    run_reader(binary, ["narrate", path], row, path, "`forkscope narrate FILE`")
    for fmt in ("perfetto", "svg"):
        run_export(binary, row, path, fmt)
    if scripted and row.replay:
        run_replay(binary, row, path)


def run_export(binary, row, path, fmt):
    """export of a recording row: tree's exit status and message; what it writes names the
    valid lines' processes."""
    what = f"`forkscope export --format {fmt} FILE`"
    r = run_reader(binary, ["export", "--format", fmt, path], row, path, what)
    out = r.out.decode("utf-8", "replace")
    if r.rc != 0:
        check(not out, f"{what}: wrote an export of a refused recording: {out[:200]!r}")
        return
    for pid in row.pids:
        want = f'"pid":{pid},' if fmt == "perfetto" else f">{pid} "
        check(want in out, f"{what}: process {pid} missing from the export")


def run_replay(binary, row, path):
    """replay in a pseudo-terminal, q pressed at once: the exit status and the last line."""
    cmd = shlex.join([binary, "replay", path])
    r = run(["script", "-qec", cmd, "/dev/null"], stdin=b"q")
    what = "`forkscope replay FILE` (in script)"
    text = ANSI.sub("", r.out.decode("utf-8", "replace")).replace("\r", "")
    check(r.rc >= 0 and not SANITIZER.search(text), f"{what}: crashed: {text[-400:]!r}")
    check(r.rc == row.rc, f"{what}: exit status {r.rc}, expected {row.rc}: {text[-200:]!r}")
    if row.warn:
        last = ([ln for ln in text.splitlines() if "forkscope: " in ln][-1:] or [""])[0]
        last = last[last.find("forkscope: "):]
        head = f"forkscope: warning: {path}: "
        check(last.startswith(head) and re.match(row.warn, last[len(head):]),
              f"{what}: last line {last[:200]!r}, expected {head}{row.warn}")
    elif row.message:
        # the last message; the echo of the q may come before or after it
        last = ([ln for ln in text.splitlines() if "forkscope: " in ln][-1:] or [""])[0]
        last = last[last.find("forkscope: "):]
        check(last.startswith(f"forkscope: {path}: ") and
              re.match(row.message, last[len(f"forkscope: {path}: "):]),
              f"{what}: last line {last[:200]!r}, expected forkscope: FILE: {row.message}")


def newest_source():
    newest = 0.0
    for root, _, files in os.walk(os.path.join(REPO, "src")):
        for name in files:
            if name.endswith((".c", ".h")):
                newest = max(newest, os.path.getmtime(os.path.join(root, name)))
    return newest


def binaries():
    """$FORKSCOPE, then build-san/forkscope if it exists and is not older than the sources
    (a stale one would test old code; `make SAN=1` rebuilds it)."""
    main = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build/forkscope")))
    found = [main]
    san = os.path.join(REPO, "build-san/forkscope")
    if os.access(san, os.X_OK) and os.path.realpath(san) != os.path.realpath(main):
        if os.path.getmtime(san) >= newest_source():
            found.append(san)
        else:
            print("# build-san/forkscope is older than src/: not run (make SAN=1 rebuilds it)")
    return found


def main():
    parser = argparse.ArgumentParser(description="forkscope bad-input tests")
    parser.add_argument("-k", metavar="PATTERN", help="only rows whose name has PATTERN")
    parser.add_argument("--no-san", action="store_true", help="skip build-san/forkscope")
    parser.add_argument("-v", action="store_true", help="a line for every row, not only failures")
    args = parser.parse_args()
    bins = binaries()[:1] if args.no_san else binaries()
    if not os.access(bins[0], os.X_OK):
        print(f"FAIL - setup: no forkscope binary at {bins[0]}")
        print("0 passed, 1 failed")
        return 1
    rows = [r for r in all_rows() if not args.k or args.k in r.name]
    scripted = shutil.which("script") is not None
    as_nobody = os.geteuid() == 0 and shutil.which("setpriv") and have_user("nobody")
    if not as_nobody:
        print("# command-line rows not run as nobody (needs root, setpriv and a nobody user)")
    passed = failed = 0
    started = time.monotonic()
    # a scratch directory nobody can read too (for the command-line rows run as nobody)
    with tempfile.TemporaryDirectory(prefix="forkscope-bad-", dir="/tmp") as tmp:
        os.chmod(tmp, 0o755)
        for binary in bins:
            label = os.path.relpath(binary, REPO)
            print(f"# {label}: {len(rows)} rows" + ("" if scripted else " (no script(1): "
                                                     "replay not checked)"), flush=True)
            # nobody runs a copy it can read: the clone may lie where nobody cannot
            with contextlib.ExitStack() as shared:
                nobody_binary = shared.enter_context(copy_for_other_users(binary)) \
                    if as_nobody else None
                for row in rows:
                    t0 = time.monotonic()
                    try:
                        if row.kind == "cli" and row.other_user:
                            if as_nobody:
                                run_cli_row(nobody_binary, row, tmp, user="nobody")
                            else:
                                run_cli_row(binary, row, tmp)  # we are not root ourselves
                        elif row.kind == "cli":
                            as_root = run_cli_row(binary, row, tmp)
                            if as_nobody and row.nobody:
                                as_user = run_cli_row(nobody_binary, row, tmp, user="nobody")
                                check(as_user == as_root, f"as nobody the message differs: "
                                      f"{as_user!r} vs {as_root!r}")
                        else:
                            run_rec_row(binary, row, tmp, scripted)
                        passed += 1
                    except Failure as e:
                        failed += 1
                        print(f"FAIL - {label}: {row.name}: {e}", flush=True)
                        continue
                    dt = time.monotonic() - t0
                    if dt > 2 or args.v:
                        print(f"ok - {label}: {row.name} ({dt:.1f} s)", flush=True)
            print(f"# {label}: done", flush=True)
    print(f"# {time.monotonic() - started:.0f} s" + ("" if args.v else
                                                       "; ok rows slower than 2 s are listed"))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
