"""Tests of issue 10 with the real tracer: the workload's output captured with its writer
(live and replayed), hostile bytes kept off the terminal, what is not captured, and the
channel from fork, spawn and forkserver children and from a workload running as nobody.
Imported by run_tests.py, which hands over its traced_run and tree_json."""
import json
import os
import re
import subprocess

from fslib import (NOBODY_UID, Recording, check, copy_for_other_users, event_bytes,
                   load_recording, other_user_cwd, other_user_env, tree_nodes)

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
OUTPUT = os.path.join(HERE, "output_workload.py")
CHANNEL = os.path.join(HERE, "channel_workload.py")
LINE = re.compile(r"(main|child-a|child-b) pid=(\d+) fd=([12]) line=(\d+)")
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")  # anything but \t and \n


def writers_lines(rec):
    """{(pid, fd): [line, ...]} from the exact bytes each process wrote to each stream."""
    out = {}
    for ev in rec.outputs():
        out.setdefault((ev["pid"], ev["fd"]), []).append(event_bytes(ev))
    return {k: b"".join(v).decode().splitlines() for k, v in out.items()}


def check_attribution(rec, nodes):
    """Every line names the process and the stream that wrote it, and each writer wrote
    all of its lines, in order."""
    by_writer = writers_lines(rec)
    tags = {}
    for (pid, fd), lines in by_writer.items():
        for line in lines:
            m = LINE.fullmatch(line)
            if not m:
                continue
            check(int(m.group(2)) == pid and int(m.group(3)) == fd,
                  f"{line!r} is recorded as written by pid {pid} on fd {fd}")
            tags.setdefault(m.group(1), set()).add(pid)
    check(set(tags) == {"main", "child-a", "child-b"} and
          all(len(pids) == 1 for pids in tags.values()),
          f"writers of the numbered lines: {tags}")
    for tag, (pid,) in tags.items():
        for fd in (1, 2):
            numbered = [ln for ln in by_writer.get((pid, fd), []) if LINE.fullmatch(ln)]
            want = [f"{tag} pid={pid} fd={fd} line={k}" for k in range(4)]
            check(numbered == want, f"{tag} (pid {pid}) fd {fd} wrote {numbered}")
    main = tags["main"].copy().pop()
    thread = [ev for ev in rec.outputs(main) if b"thread pid=" in event_bytes(ev)]
    check(thread and thread[0]["tid"] != main and
          f"tid={thread[0]['tid']}".encode() in event_bytes(thread[0]),
          f"the thread's line is not recorded with its TID: {thread[:1]}")
    kids = {n["pid"]: n for n in nodes if n["pid"] in tags["child-a"] | tags["child-b"]}
    check(len(kids) == 2 and all(n["role"] == "mp_child" for n in kids.values()),
          f"the children in the tree: {[(n['pid'], n['role']) for n in kids.values()]}")
    return tags


def test_output_attribution(ctx, traced_run, method):
    """Lines of main, a thread and two children writing at once, each line in two writes:
    recorded with the right PID, TID and fd; the replayed model (tree --json) counts each
    writer's lines; live == replay digests (traced_run)."""
    t = traced_run(ctx, f"output-{method}", ["--", PYTHON, OUTPUT, method])
    tags = check_attribution(t.rec, t.nodes)
    for tag in ("child-a", "child-b"):
        (pid,) = tags[tag]
        node = t.node(pid)
        check(node.get("output_lines") == 8,
              f"tree --json: {tag} (pid {pid}) has {node.get('output_lines')} output lines, "
              "expected 8")
    root = t.node(t.rec.root_pid)
    check(root.get("output_lines", 0) >= 11, f"tree --json: main has "
          f"{root.get('output_lines')} output lines, expected 11 or more")
    check(t.rec.end.get("output_lost", 0) == 0, f"output lost: {t.rec.end}")


def test_output_text(ctx):
    """run --no-tui: each finished line among the event lines with its writer's PID, two
    writers' pieces never glued, and no escape or control byte reaches the terminal."""
    res = ctx.run(["run", "--no-tui", "--", PYTHON, OUTPUT, "fork"])
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    raw = res.stdout.encode()
    bad = CONTROL.search(raw)
    check(not bad, f"a control byte reached stdout: {bad.group()!r} near "
          f"{raw[max(0, bad.start() - 40):bad.start() + 40]!r}" if bad else "")
    shown = [ln for ln in res.stdout.splitlines() if LINE.search(ln)]
    check(len(shown) == 3 * 2 * 4, f"{len(shown)} numbered lines shown, expected 24")
    for ln in shown:
        m = LINE.search(ln)
        check(len(LINE.findall(ln)) == 1, f"two writers glued: {ln!r}")
        check(re.search(rf"\b{m.group(2)}\b", ln[:m.start()]),
              f"the line does not show its writer {m.group(2)} before the text: {ln!r}")
    esc = [ln for ln in res.stdout.splitlines() if "escapes:" in ln]
    check(esc and "owned-title" in esc[0] and "\\x1b" in esc[0],
          f"the escapes line is not shown with visible escapes: {esc}")


def test_output_not_captured(ctx):
    """What a program writes to a file or a pipe of its own is not output (the pipe's
    reader printing it is, as its writer); with --no-capture the workload writes to
    forkscope's stdout and stderr and nothing is recorded as output."""
    hidden = ctx.path("hidden.txt")
    out = ctx.path("not-captured.jsonl")
    script = f"echo to-a-file > {hidden}; echo through-a-pipe | cat; echo gone 2>/dev/null >&2"
    res = ctx.run(["run", "--json", "-o", out, "--", "/bin/sh", "-c", script])
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    rec = load_recording(out)
    printed = rec.printed()
    check("to-a-file" not in printed and "gone" not in printed,
          f"a write to the program's own file was captured: {printed!r}")
    with open(hidden) as f:
        check(f.read() == "to-a-file\n", "the program's own file does not hold its line")
    piped = [ev for ev in rec.outputs() if b"through-a-pipe" in event_bytes(ev)]
    cats = [p.pid for p in rec.procs if p.execs and p.execs[-1]["filename"].endswith("/cat")]
    check(len(piped) == 1 and [piped[0]["pid"]] == cats,
          f"the pipe's line is not cat's ({cats}): {piped}")
    out2 = ctx.path("no-capture.jsonl")
    res = ctx.run(["run", "--json", "--no-capture", "-o", out2, "--", "/bin/sh", "-c",
                   "echo plain-stdout; echo plain-stderr >&2"])
    check(res.rc == 0, f"--no-capture run exited {res.rc}: {res.stderr_tail()}")
    check("plain-stdout" in res.stderr and "plain-stderr" in res.stderr,
          f"--no-capture: the workload's lines are not on forkscope's stderr: "
          f"{res.stderr[-200:]!r}")
    check(not load_recording(out2).outputs(), "--no-capture recorded output")


def channel_checks(rec, nodes, uid):
    """The channel's records in a recording of channel_workload.py and the facts in its
    tree --json."""
    by_role = {}
    for n in nodes:
        by_role.setdefault((n["role"], n.get("start_method")), []).append(n)
    senders = {rec.root_pid: "main"}
    for method in ("fork", "spawn", "forkserver"):
        kids = by_role.get(("mp_child", method), [])
        check(len(kids) == 1, f"{len(kids)} {method} children in the tree")
        senders[kids[0]["pid"]] = method
    for pid, who in senders.items():
        lines = rec.channel(pid)
        check(lines, f"no channel record from {who} (pid {pid})")
        facts = [json.loads(ln) for ln in event_bytes(lines[0]).decode().splitlines()[1:]]
        check(facts[0]["said_pid"] == pid and facts[0]["uid"] == uid,
              f"{who}'s record: {facts} (written by pid {pid}, uid {uid} expected)")
        node = [n for n in nodes if n["pid"] == pid][0]
        kinds = [f.get("fact") for f in node.get("facts", [])]
        want = ["main", "second"] if who == "main" else ["hello"]
        check(kinds == want, f"tree --json: {who} (pid {pid}) has facts {kinds}, expected "
              f"{want}")
    oversized = [ev for ev in rec.channel() if ev.get("cut")]
    check(len(oversized) == 1 and oversized[0]["cut"] == 5005 and not event_bytes(oversized[0]),
          f"the oversized record: {oversized}")
    forged = [ev for ev in rec.channel() if b'"pid": 1' in event_bytes(ev)]
    check(len(forged) == 1 and forged[0]["pid"] == rec.root_pid, f"the forged record: {forged}")
    root = [n for n in nodes if n["pid"] == rec.root_pid][0]
    check("claim" not in [f.get("fact") for f in root.get("facts", [])],
          "the forged fact was accepted")


def test_channel(ctx, traced_run):
    """Records from main and from fork, spawn and forkserver children arrive with the
    writer the kernel names; the oversized one as its length; the forged one rejected;
    live == replay (traced_run)."""
    # the raw channel alone: the Python hook's own facts would come too
    t = traced_run(ctx, "channel", ["--no-pyhook", "--", PYTHON, CHANNEL])
    channel_checks(t.rec, t.nodes, os.getuid())
    res = ctx.run(["run", "--no-tui", "--no-pyhook", "--", PYTHON, CHANNEL])
    check(res.rc == 0, f"run --no-tui exited {res.rc}: {res.stderr_tail()}")
    check(re.search(r"oversized", res.stdout) and re.search(r"forged", res.stdout),
          f"the summary does not count the oversized and forged records: "
          f"{res.stdout[-400:]!r}")


def test_channel_nobody(ctx, tree_json):
    """The workload runs as nobody (under sudo): its records arrive all the same, from
    every start method; a copy of forkscope nobody can read runs it."""
    os.chmod(ctx.tmpdir, 0o777)
    out = ctx.path("channel-nobody.jsonl")
    with copy_for_other_users(ctx.binary) as binary:
        env = other_user_env(dict(os.environ, SUDO_UID=str(NOBODY_UID),
                                  SUDO_GID=str(NOBODY_UID)))
        script = os.path.join(os.path.dirname(binary), "channel_workload.py")
        with open(CHANNEL) as src, open(script, "w") as dst:
            dst.write(src.read())
        os.chmod(script, 0o644)
        res = subprocess.run([binary, "run", "--json", "-o", out, "--no-pyhook", "--",
                              PYTHON, script],
                             env=env, cwd=other_user_cwd(binary), capture_output=True,
                             text=True, timeout=120)
    check(res.returncode == 0, f"run as nobody exited {res.returncode}: {res.stderr[-300:]}")
    rec = load_recording(out)
    check(Recording(res.stdout).events == rec.events, "--json stdout differs from -o FILE")
    channel_checks(rec, tree_nodes(tree_json(ctx, out)), NOBODY_UID)


def test_pyhook_default(ctx, traced_run):
    """The Python hook is on by default (the header says so, every Python process of the
    workload says hello or was forked after its parent did, a Pool worker tells its
    kind); --no-pyhook turns it off (no channel record at all)."""
    t = traced_run(ctx, "pyhook on", ["--method", "fork", "pool-recycle"])
    check(t.rec.header.get("pyhook") is True, f"header: {t.rec.header}")
    kinds = {}
    for ev in t.rec.channel():
        for line in ev["data"].split("\n")[1:]:
            if line:
                kinds.setdefault(ev["pid"], []).append(json.loads(line)["fact"])
    check(kinds.get(t.rec.root_pid, [])[:1] == ["hello"], f"main's facts: {kinds}")
    workers = [pid for pid, k in kinds.items() if "process" in k and "tasks" in k]
    check(len(workers) >= 3, f"pool workers telling their tasks: {kinds}")
    out = ctx.path("pyhook-off.jsonl")
    res = ctx.run(["run", "--json", "-o", out, "--no-pyhook", "--method", "fork",
                   "pool-recycle"], timeout=120)
    check(res.rc == 0, f"--no-pyhook run exited {res.rc}: {res.stderr_tail()}")
    off = load_recording(out)
    check(off.header.get("pyhook") is False and not off.channel(),
          f"--no-pyhook: header {off.header}, {len(off.channel())} channel records")


def capture_tests(traced_run, tree_json):
    """(name, function) of these tests, for run_tests.py."""
    tests = [(f"output attributed, live and replayed: {m}",
              lambda c, m=m: test_output_attribution(c, traced_run, m))
             for m in ("fork", "spawn")]
    tests += [
        ("output as text: writers, no glue, no escapes", test_output_text),
        ("output: own files and pipes, --no-capture", test_output_not_captured),
        ("channel: fork, spawn, forkserver; oversized, forged",
         lambda c: test_channel(c, traced_run)),
        ("channel: a workload running as nobody", lambda c: test_channel_nobody(c, tree_json)),
        ("the Python hook: on by default, --no-pyhook", lambda c: test_pyhook_default(c, traced_run)),
    ]
    return tests
