#!/usr/bin/python3
"""Python's own facts replayed: recordings made with the hook on (fixtures/pyfacts-*.jsonl,
real runs with the `run` lines left out), read by `forkscope tree --json`. No tracer, no
root: run_tests.py runs them among its plain tests, or

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_pyfacts.py

The fixtures: pool-recycle under fork (Pool(2, maxtasksperchild=3), chunks of 1), the
study note's Pool(processes=2, maxtasksperchild=3).map(f, range(10)) (chunks of 2),
pool-basics under spawn (leaving `with Pool()` terminates it), daemon under forkserver,
identity under spawn (a terminate()), and a `python -I` child (no hook). Also the
hand-built fixtures of CPython 3.14's command lines (py314-*.jsonl, kernel only).
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SIGTERM = 15
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from fslib import TestFailure, check  # noqa: E402


def nodes_of(tree):
    out, todo = [], list(tree)
    while todo:
        n = todo.pop(0)
        out.append(n)
        todo[:0] = n["children"]
    return out


def tree(binary, path):
    res = subprocess.run([binary, "tree", "--json", path], capture_output=True, text=True,
                         timeout=30)
    check(res.returncode == 0, f"tree --json {path} exited {res.returncode}: {res.stderr}")
    return nodes_of(json.loads(res.stdout))


def fixture(name):
    return os.path.join(FIXTURES, f"pyfacts-{name}.jsonl")


def header_of(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(f.readline())


def workers(nodes, kind="pool_worker"):
    return sorted((n for n in nodes if n["py_kind"] == kind), key=lambda n: n["start_ns"])


def check_times(n):
    """ready_ns on start_ns's clock: after the start (and the phases), before the end."""
    check(n["ready_ns"] is not None, f"{n['pid']}: no ready_ns")
    check(n["start_ns"] <= n["ready_ns"] and (n["end_ns"] is None or n["ready_ns"] <= n["end_ns"]),
          f"{n['pid']}: ready_ns {n['ready_ns']} outside its life "
          f"[{n['start_ns']}, {n['end_ns']}]")


def test_recycling(binary):
    """pool-recycle: four workers named by multiprocessing, at most 3 tasks each (10 in
    all), the two replacements certain from the facts, each of a worker that ran 3."""
    path = fixture("recycle")
    nodes = tree(binary, path)
    ws = workers(nodes)
    check([w["py_name"] for w in ws] == [f"ForkPoolWorker-{i}" for i in range(1, 5)],
          f"names {[w['py_name'] for w in ws]}")
    check(all(w["daemon"] is True and w["target"] == "multiprocessing.pool.worker" and
              w["py_pool"] == 1 for w in ws), "a worker is not Pool #1's daemonic worker")
    check(all(w["tasks"] <= 3 for w in ws) and sum(w["tasks"] for w in ws) == 10,
          f"tasks per worker {[w['tasks'] for w in ws]}")
    by_pid = {w["pid"]: w for w in ws}
    repl = [w for w in ws if w["replaces"]]
    check(len(repl) == 2 and all(w["replaces_told"] for w in repl),
          f"replacements {[(w['pid'], w['replaces'], w['replaces_told']) for w in repl]}")
    check(all(by_pid[w["replaces"]]["tasks"] == 3 for w in repl),
          "a replaced worker did not run its 3 tasks")
    version = header_of(path)["python"]
    check(all(n["py_version"] == version for n in nodes), "py_version is not the header's")
    for w in ws:
        check_times(w)
        check(w["ready_ns"] - w["start_ns"] < 50_000_000, f"{w['pid']}: fork -> ready "
              f"{(w['ready_ns'] - w['start_ns']) / 1e6:.1f} ms under fork")


def test_study_note(binary):
    """The note's map(f, range(10)) with maxtasksperchild=3: chunks of 2, so two PIDs run
    the items (6 and 4), not "a new PID every three tasks"."""
    ws = workers(tree(binary, fixture("note")))
    items = sorted((w["task_items"] for w in ws if w["task_items"]), reverse=True)
    check(items == [6, 4], f"items per worker {items}, expected [6, 4]")
    check(sum(w["tasks"] for w in ws) == 5, "not 5 tasks (chunks) in all")


def test_pool_terminate(binary):
    """pool-basics under spawn: leaving the with block terminates the Pool, which the
    facts tell from a daemon kill; spawn's start-up phases in order."""
    nodes = tree(binary, fixture("pool-spawn"))
    ws = workers(nodes)
    check(len(ws) == 4, f"{len(ws)} workers")
    killed = [w for w in ws if w["signal"] == SIGTERM]
    check(killed, "no worker was terminated")
    check(all(w["py_stop"] == "pool_terminate" and not w["daemon_kill"] for w in killed),
          f"terminated workers {[(w['py_stop'], w['daemon_kill']) for w in killed]}")
    for w in ws:
        check(w["start_ns"] < w["interp_ready_ns"] < w["main_imported_ns"] < w["ready_ns"],
              f"{w['pid']}: phases out of order")
        check_times(w)
    tracker = [n for n in nodes if n["role"] == "resource_tracker"]
    check(tracker and tracker[0]["py_kind"] == "resource_tracker", "the tracker's py_kind")


def test_daemon_kill(binary):
    """daemon under forkserver: the daemon is marked before it dies and is terminated by
    the exit cleanup; the worker is no daemon and exits 0."""
    nodes = tree(binary, fixture("daemon-forkserver"))
    by_name = {n["py_name"]: n for n in nodes if n["py_name"]}
    d, w = by_name.get("the-daemon"), by_name.get("the-worker")
    check(d and w, f"names {sorted(by_name)}")
    check(d["daemon"] is True and d["py_stop"] == "daemon_exit" and d["daemon_kill"],
          f"the daemon: daemon {d['daemon']}, stop {d['py_stop']}")
    check(w["daemon"] is False and w["exit_code"] == 0, "the worker")
    check([n["py_kind"] for n in nodes if n["role"] == "forkserver"] == ["forkserver"],
          "the forkserver's py_kind")


def test_terminate(binary):
    """identity under spawn: names of Process objects; the child terminated at once is
    "terminate()" and no daemon kill; it was killed before its hook could speak, so it is
    not called "no hook"."""
    nodes = tree(binary, fixture("identity-spawn"))
    names = [n["py_name"] for n in nodes if n["py_name"]]
    check("My-child-process" in names and "Counter-subclass" in names, f"names {names}")
    stopped = [n for n in nodes if n["py_stop"]]
    check(len(stopped) == 1 and stopped[0]["py_stop"] == "terminate" and
          not stopped[0]["daemon_kill"], f"stops {[(n['pid'], n['py_stop']) for n in stopped]}")
    check(stopped[0]["py_hook"] is None, f"the early-killed child: hook {stopped[0]['py_hook']}")


def test_no_hook(binary):
    """A `python -I` child never loads the hook: "no hook", not guessed; a plain child
    spoke; a fork child has its parent's."""
    nodes = tree(binary, fixture("nohook"))
    iso = [n for n in nodes if "-I" in n["argv"]]
    check(len(iso) == 1 and iso[0]["py_hook"] == "none" and iso[0]["why"].startswith("no hook"),
          f"the -I child: {[(n['py_hook'], n['why']) for n in iso]}")
    plain = [n for n in nodes if "-c" in n["argv"] and "-I" not in n["argv"]]
    check(plain and plain[0]["py_hook"] == "spoke", "the plain child did not speak")
    forked = [n for n in nodes if n["role"] == "mp_child"]
    check(forked and forked[0]["py_hook"] == "inherited", "the fork child's hook")


def test_old_recording(binary):
    """Without the header's mono_base_ns (an older recording) the facts are placed at
    their writes' times: still on start_ns's clock, never before the exact ones."""
    exact = {n["pid"]: n for n in tree(binary, fixture("recycle"))}
    with open(fixture("recycle"), encoding="utf-8") as f:
        lines = f.readlines()
    head = json.loads(lines[0])
    del head["mono_base_ns"]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(json.dumps(head) + "\n" + "".join(lines[1:]))
    try:
        old = tree(binary, f.name)
    finally:
        os.unlink(f.name)
    ws = workers(old)
    check(len(ws) == 4, "the workers are not known without the clock base")
    for w in ws:
        check_times(w)
        check(w["ready_ns"] >= exact[w["pid"]]["ready_ns"], "a write time before the fact's")


def roles_of(binary, name):
    """{pid: (role, start_method)} of a fixture's tree --json."""
    nodes = tree(binary, os.path.join(FIXTURES, name))
    return {n["pid"]: (n["role"], n["start_method"]) for n in nodes}, nodes


def test_python314(binary):
    """CPython 3.14's argv forms, kernel only (hand-built fixtures, argv as 3.14's sources
    build them: Lib/multiprocessing/forkserver.py ForkServer.ensure_running(), lines
    143-172 of 3.14.0 and gh-144503's form of 3.14.4, `import sys; ...` then the parent's
    argv; resource_tracker.py ResourceTracker._launch(); spawn.py get_command_line()).
    py314-forkserver: python3.14 under its default forkserver, 3.14.4's forkserver command
    with `app.py --n 2` after the code, two forkserver children and a spawn child;
    py314-frozen: a frozen app exec'ing itself as `myapp -c CODE` for the helpers."""
    roles, nodes = roles_of(binary, "py314-forkserver.jsonl")
    want = {5100: ("main", None), 5101: ("resource_tracker", None),
            5102: ("forkserver", None), 5103: ("mp_child", "forkserver"),
            5104: ("mp_child", "forkserver"), 5105: ("mp_child", "spawn")}
    check(roles == want, f"python3.14 roles {roles}")
    fs = [n for n in nodes if n["pid"] == 5102][0]
    check(fs["argv"][-3:] == ["app.py", "--n", "2"], "the forkserver's appended sys.argv")
    check("parent's argv" in fs["why"], f"the forkserver's why: {fs['why']}")
    roles, nodes = roles_of(binary, "py314-frozen.jsonl")
    want = {5200: ("main", None), 5201: ("resource_tracker", None),
            5202: ("forkserver", None), 5203: ("mp_child", "forkserver"),
            5204: ("mp_child", "forkserver")}
    check(roles == want, f"frozen app roles {roles}")
    check(all("frozen app" in n["why"] for n in nodes if n["pid"] in (5201, 5202)),
          "the frozen helpers' why")


def pyfacts_tests():
    """(name, function of the context) for run_tests.py's plain tests."""
    tests = [
        ("py facts: recycling certain from facts", test_recycling),
        ("py facts: the study note's chunks", test_study_note),
        ("py facts: a with block's pool.terminate()", test_pool_terminate),
        ("py facts: a daemon killed at exit", test_daemon_kill),
        ("py facts: terminate() and names", test_terminate),
        ("py facts: no hook", test_no_hook),
        ("py facts: an old recording", test_old_recording),
        ("py 3.14: roles from its argv forms", test_python314),
    ]
    return [(name, lambda ctx, fn=fn: fn(ctx.binary)) for name, fn in tests]


def main():
    binary = os.environ.get("FORKSCOPE", os.path.join(HERE, "..", "..", "build", "forkscope"))
    passed = failed = 0
    for name, fn in pyfacts_tests():
        try:
            fn(type("Ctx", (), {"binary": binary}))
            print(f"ok - {name}")
            passed += 1
        except (TestFailure, subprocess.SubprocessError, ValueError, KeyError) as e:
            print(f"FAIL - {name}: {e}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
