#!/usr/bin/python3
"""forkscope narrate: golden narrations and renamed demos (docs/narration.md).

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_narrate.py [-k PATTERN]
        [--update]

* golden: `forkscope narrate` of every shipped recording (demos/recordings/DEMO-METHOD.jsonl)
  equals tests/golden/narrate/DEMO-METHOD.txt, and `--json` gives the same lessons (kinds
  known, times in order, a question and an answer each). --update writes the goldens.
* no hook: a few demos run live with --no-pyhook: the kernel's evidence alone gives their
  lessons (none of them told by Python's facts).
* renamed: a few demos copied under other file names, their prints and process names
  reworded, run live as plain commands next to the original demos: the narrations have
  the same lesson kinds (the narration comes from what happened, not from a name). Needs
  BPF: skipped with the reason outside CI, a failure in CI (CI=true).

One line per test; the last line is `N passed, N failed[, N skipped]`.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fslib import TestFailure, check, run_forkscope  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECORDINGS = os.path.join(REPO, "demos", "recordings")
GOLDEN = os.path.join(REPO, "tests", "golden", "narrate")
PYTHON = "/usr/bin/python3"
KINDS = {"forkserver_started", "forkserver_child", "tracker_started", "spawn_exec",
         "child_ready", "pool_started", "recycled", "daemon_killed", "terminated",
         "pool_terminated", "killed", "orphaned", "joined", "no_guard", "no_guard_churn",
         "grandchild", "threads_turns", "threads_parallel", "procs_parallel"}


class Skip(Exception):
    """The test cannot run here."""


def narrate(binary, path, json_out=False):
    args = [binary, "narrate"] + (["--json"] if json_out else []) + [path]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, f"{' '.join(args)}: exit {r.returncode}: {r.stderr[:300]!r}")
    check(not r.stderr, f"{' '.join(args)}: stderr {r.stderr[:300]!r}")
    return r.stdout.decode()


def lessons_json(binary, path):
    out = []
    for line in narrate(binary, path, True).splitlines():
        obj = json.loads(line)
        for key in ("t_ns", "event", "kind", "told", "pid", "text", "question", "answer"):
            check(key in obj, f"{path}: a lesson without {key}: {line[:200]}")
        check(obj["kind"] in KINDS, f"{path}: unknown kind {obj['kind']}")
        check(obj["question"] and obj["answer"], f"{path}: no question or answer: {line}")
        out.append(obj)
    return out


def golden_test(binary, name, update):
    rec = os.path.join(RECORDINGS, name + ".jsonl")
    gold = os.path.join(GOLDEN, name + ".txt")
    text = narrate(binary, rec)
    if update:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(gold, "w") as f:
            f.write(text)
    check(os.path.exists(gold), f"no golden {gold} (run with --update)")
    with open(gold) as f:
        want = f.read()
    if text != want:
        import difflib
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                            "golden", "narrate", n=0))
        raise TestFailure(f"{name}: the narration changed:\n{diff[:2000]}")
    lessons = lessons_json(binary, rec)
    check(len(lessons) == len(text.splitlines()), f"{name}: --json has {len(lessons)} "
          f"lessons, the text {len(text.splitlines())}")
    times = [x["t_ns"] for x in lessons]
    check(times == sorted(times), f"{name}: lessons out of time order")
    for x, line in zip(lessons, text.splitlines()):
        check(line.endswith(x["text"]), f"{name}: --json text {x['text']!r} is not {line!r}")
    check(lessons, f"{name}: no lesson at all")


# ---------------------------------------------------------------- renamed demos, live

# (demo, method, its arguments, the words replaced in the copy: its prints and names)
RENAMED = [
    ("daemon", "forkserver", [], [("the-daemon", "sprite"), ("the-worker", "toiler"),
                                  ("I am a daemon", "Here a background helper")]),
    ("pool-recycle", "fork", [], [("tasks_done_here", "jobs_here")]),
    ("identity", "spawn", [], [("My-child-process", "Somebody-else"),
                               ("going to sleep", "dozing off")]),
]


def bpf_available(binary, tmp):
    if os.geteuid() != 0:
        return "not root: BPF needs root"
    r = run_forkscope(binary, ["run", "--no-tui", "--", "/bin/true"], timeout=30)
    if r.rc != 0:
        return f"the tracer cannot load here: {r.stderr_tail(1)}"
    return None


EOF_HELPERS = ("resource_tracker", "forkserver")  # roles that exit when main's pipe closes


def roles_of(binary, rec):
    """{pid: role} of a recording (tree --json, walked)."""
    r = subprocess.run([binary, "tree", "--json", rec], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, f"tree --json {rec}: exit {r.returncode}: {r.stderr[:300]!r}")
    out, todo = {}, json.loads(r.stdout)
    while todo:
        p = todo.pop()
        out[p["pid"]] = p["role"]
        todo += p.get("children") or []
    return out


def kinds_live(binary, tmp, label, argv, method):
    """The lesson kinds of a live run, less a race the demo does not teach: as main ends,
    its forkserver and resource tracker read EOF and exit too, before or after main's exit
    is through (an orphan lesson or none, from one run to the next)."""
    rec = os.path.join(tmp, label + ".jsonl")
    r = run_forkscope(binary, ["run", "--no-tui", "--json", "-o", rec, "--method", method]
                      + argv, timeout=90)
    check(r.rc == 0, f"{label}: forkscope exit {r.rc}: {r.stderr_tail()}")
    check(not r.leftovers, f"{label}: processes left behind: {r.leftovers}")
    roles = roles_of(binary, rec)
    return {x["kind"] for x in lessons_json(binary, rec)
            if not (x["kind"] == "orphaned" and roles.get(x["pid"]) in EOF_HELPERS)}


def renamed_test(binary, tmp, demo, method, args, words):
    src = os.path.join(REPO, "demos", demo + ".py")
    with open(src) as f:
        code = f.read()
    for old, new in words:
        check(old in code, f"{demo}.py no longer has {old!r}: update the test")
        code = code.replace(old, new)
    # every print reworded: what it says is not what the narration reads
    code = re.sub(r'print\(f"', 'print(f"(copy) ', code)
    copy = os.path.join(tmp, f"lecture_{demo.replace('-', '_')}_copy.py")
    with open(copy, "w") as f:
        f.write(code)
    os.chmod(copy, 0o644)
    want = kinds_live(binary, tmp, f"{demo}-{method}", [demo] + args, method)
    got = kinds_live(binary, tmp, f"{demo}-{method}-copy",
                     ["--", PYTHON, copy, "--method", method] + args, method)
    check(want, f"{demo}: the original told no lesson")
    check(got == want, f"{demo} under {method}: the copy's lesson kinds {sorted(got)} are "
          f"not the original's {sorted(want)}")


# (demo, method, lesson kinds the kernel's evidence alone must give, with --no-pyhook)
NO_HOOK = [
    ("pool-recycle", "forkserver", {"forkserver_started", "forkserver_child", "recycled"}),
    ("daemon", "spawn", {"tracker_started", "spawn_exec", "daemon_killed"}),
    ("missing-guard", "spawn", {"no_guard", "no_guard_churn"}),
]


def no_hook_test(binary, tmp, demo, method, kinds):
    rec = os.path.join(tmp, f"{demo}-{method}-nohook.jsonl")
    r = run_forkscope(binary, ["run", "--no-tui", "--no-pyhook", "-o", rec, "--method", method,
                               demo], timeout=90)
    check(r.rc in (0, 1), f"{demo}: forkscope exit {r.rc}: {r.stderr_tail()}")
    got = {x["kind"] for x in lessons_json(binary, rec)}
    check(kinds <= got, f"{demo} under {method} without the hook: lessons {sorted(got)}, "
          f"missing {sorted(kinds - got)}")
    check(not any(x["told"] for x in lessons_json(binary, rec)),
          f"{demo}: a lesson told by Python's facts in a run without the hook")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", metavar="PATTERN", help="only tests whose name has PATTERN")
    ap.add_argument("--update", action="store_true", help="write the goldens")
    opts = ap.parse_args()
    binary = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build",
                                                                      "forkscope")))
    ci = os.environ.get("CI") == "true"
    names = sorted(f[:-6] for f in os.listdir(RECORDINGS) if f.endswith(".jsonl"))
    tests = [(f"golden {n}", lambda n=n: golden_test(binary, n, opts.update)) for n in names]
    tmp = tempfile.mkdtemp(prefix="fs-narrate-")
    os.chmod(tmp, 0o755)
    bpf = {}

    def live(demo, method, args, words):
        if "why" not in bpf:
            bpf["why"] = bpf_available(binary, tmp)
        if bpf["why"]:
            raise Skip(bpf["why"])
        renamed_test(binary, tmp, demo, method, args, words)

    tests += [(f"renamed {d} {m}", lambda d=d, m=m, a=a, w=w: live(d, m, a, w))
              for d, m, a, w in RENAMED]

    def nohook(demo, method, kinds):
        if "why" not in bpf:
            bpf["why"] = bpf_available(binary, tmp)
        if bpf["why"]:
            raise Skip(bpf["why"])
        no_hook_test(binary, tmp, demo, method, kinds)

    tests += [(f"no hook {d} {m}", lambda d=d, m=m, k=k: nohook(d, m, k)) for d, m, k in NO_HOOK]
    passed = failed = skipped = 0
    try:
        for name, fn in tests:
            if opts.k and opts.k not in name:
                continue
            try:
                fn()
                print(f"ok - {name}")
                passed += 1
            except Skip as s:
                if ci:
                    print(f"not ok - {name}: cannot run in CI: {s}")
                    failed += 1
                else:
                    print(f"skip - {name}: {s}")
                    skipped += 1
            except (TestFailure, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                print(f"not ok - {name}: {e}")
                failed += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
