"""Python's facts from live runs under every start method, against what Python itself
reports: pyfacts_workload.py writes the names, PIDs, daemon flags and kinds that
multiprocessing gives its children (and which worker ran which item) to a file; the tree
of the same run (`tree --json`) must say the same. Imported by run_tests.py, which hands
over its traced_run."""
import collections
import json
import os
import re

from fslib import check

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
WORKLOAD = os.path.join(HERE, "pyfacts_workload.py")
METHODS = ("fork", "spawn", "forkserver")


def check_ready(n):
    """ready_ns on start_ns's clock, within the process's life."""
    check(n["ready_ns"] is not None, f"{n['pid']} ({n['py_name']}): no ready_ns")
    check(n["start_ns"] <= n["ready_ns"] and (n["end_ns"] is None or
                                              n["ready_ns"] <= n["end_ns"]),
          f"{n['pid']}: ready_ns {n['ready_ns']} outside [{n['start_ns']}, {n['end_ns']}]")


def check_told(report, by_pid):
    """Every child Python told of: its name, daemon flag, kind and version in the tree."""
    seen = {}
    for t in report["told"]:
        seen[t["pid"]] = t
    for pid, t in seen.items():
        n = by_pid.get(pid)
        check(n is not None, f"{t['name']} (pid {pid}) is not in the tree")
        got = (n["py_name"], n["daemon"], n["py_kind"])
        want = (t["name"], t["daemon"], t["kind"])
        check(got == want, f"pid {pid}: tree says (py_name, daemon, py_kind) {got}, "
              f"Python {want}")
        check(n["py_version"] == report["py_version"],
              f"pid {pid}: py_version {n['py_version']}, Python {report['py_version']}")
        check(n["py_hook"] == "spoke", f"pid {pid}: py_hook {n['py_hook']}")
        check_ready(n)
    main = by_pid.get(report["main"])
    check(main and main["py_version"] == report["py_version"] and main["py_hook"] == "spoke",
          f"the main process: {main and (main['py_version'], main['py_hook'])}")


def check_pool(report, nodes, by_pid):
    """The note's map: chunks of 2, each worker's items as Python counted them (6 and 4, or
    6, 2 and 2), at most 3 tasks a worker, a replacement told by the facts."""
    counted = collections.Counter(t["pid"] for t in report["told"] if t["kind"] == "pool_worker")
    ws = [n for n in nodes if n["py_kind"] == "pool_worker"]
    ran = {n["pid"]: n["task_items"] for n in ws if n["task_items"]}
    check(ran == dict(counted), f"items per worker: tree {ran}, Python {dict(counted)}")
    # 5 chunks, at most 3 a worker: one worker serves 3 (six items); the other two chunks go
    # to the second worker, or one to it and one to the first one's replacement
    check(sorted(ran.values(), reverse=True) in ([6, 4], [6, 2, 2]),
          f"items per worker {sorted(ran.values(), reverse=True)}, expected [6, 4] or [6, 2, 2]")
    check(all(n["task_items"] == 2 * n["tasks"] and n["tasks"] <= 3 for n in ws),
          f"tasks and items {[(n['pid'], n['tasks'], n['task_items']) for n in ws]}")
    check(sum(n["tasks"] for n in ws) == 5, "not 5 tasks (chunks of 2) in all")
    repl = [n for n in ws if n["replaces"]]
    check(repl and all(n["replaces_told"] for n in repl),
          f"replacements {[(n['pid'], n['replaces'], n['replaces_told']) for n in repl]}")
    check(all(by_pid[n["replaces"]]["tasks"] == 3 for n in repl),
          "a replaced worker had not run its 3 tasks")


def check_executors(nodes):
    """Two executors in a row: workers, none of them a replacement."""
    ex = [n for n in nodes if n["py_kind"] == "executor_worker"]
    check(len(ex) >= 2, f"{len(ex)} executor workers")
    check(all(n["replaces"] is None and not n["replaces_told"] for n in ex),
          f"executor workers taken for recycling: "
          f"{[(n['pid'], n['replaces']) for n in ex if n['replaces']]}")


def test_python_says(ctx, traced_run, method):
    out = ctx.path(f"pylive-{method}.json")
    t = traced_run(ctx, f"pylive {method}", ["--", PYTHON, WORKLOAD, method, out])
    with open(out, encoding="utf-8") as f:
        report = json.load(f)
    by_pid = {n["pid"]: n for n in t.nodes}
    check_told(report, by_pid)
    check_pool(report, t.nodes, by_pid)
    check_executors(t.nodes)
    iso = by_pid.get(report["isolated"])
    check(iso and iso["py_hook"] == "none" and iso["why"].startswith("no hook"),
          f"the python3 -I child: {iso and (iso['py_hook'], iso['why'])}")


def test_summary(ctx):
    """run --no-tui's summary says what Python told: who spoke, who has no hook, the
    tasks of the pools' and executors' workers, the recycling the facts told."""
    out = ctx.path("pylive-summary.json")
    res = ctx.run(["run", "--no-tui", "--", PYTHON, WORKLOAD, "fork", out], timeout=120)
    check(res.rc == 0, f"run --no-tui exited {res.rc}: {res.stderr_tail()}")
    m = re.search(r"python: (\d+) processes told their facts.*, 1 no hook \(.*Pool worker",
                  res.stdout)
    check(m and int(m.group(1)) >= 8, f"no python line: {res.stdout[-600:]!r}")
    m = re.search(r"python tasks: 13 in \d+ workers \(18 items\); Pools: 1, "
                  r"ProcessPoolExecutors: 2; recycled workers told by the facts: 1", res.stdout)
    check(m, f"no python tasks line: {res.stdout[-600:]!r}")


def test_compare(ctx):
    """forkscope compare --python A,B DEMO: a row per interpreter with its version, the
    median fork -> ready, and no change between two runs of the same version (no other
    interpreter needed); a usage error without a demo."""
    version = ctx.run(["run", "--json", "--", PYTHON, "-c", "import platform; "
                       "print(platform.python_version())"])
    check(version.rc == 0, f"run exited {version.rc}: {version.stderr_tail()}")
    want = json.loads(version.stdout.splitlines()[0])["python"]
    res = ctx.run(["compare", "--python", f"{PYTHON},{PYTHON}", "--method", "spawn",
                   "pool-recycle"], timeout=180)
    check(res.rc == 0, f"compare exited {res.rc}: {res.stderr_tail()}")
    rows = [ln.split() for ln in res.stdout.splitlines() if ln.startswith(PYTHON)]
    check(len(rows) == 2 and all(r[1] == want for r in rows),
          f"compare rows {rows} (python {want}): {res.stdout!r}")
    check(all(float(r[4]) > 0 and r[5] == "spawn" for r in rows),
          f"no fork -> ready under spawn: {rows}")
    tail = res.stdout.split("what changed between the versions:", 1)
    check(len(tail) == 2 and not tail[1].strip(), f"changes between equal versions: {tail}")
    bad = ctx.run(["compare", "--python", PYTHON])
    check(bad.rc == 2 and "compare needs a DEMO" in bad.stderr,
          f"compare without a demo: exit {bad.rc}, {bad.stderr!r}")


BURST = """
import multiprocessing as mp
def f(x):
    return x
if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as pool:
        assert len(pool.map(f, range(5000), chunksize=1)) == 5000
        pool.close()  # the workers end by themselves and send what they have: a with
        pool.join()   # block's terminate() may kill one within its last millisecond
"""


def test_burst(ctx, traced_run):
    """5,000 tiny tasks, chunksize=1: every task told (batched, at most 32 facts a
    record, none rejected), in two workers."""
    t = traced_run(ctx, "pylive burst", ["--", PYTHON, "-c", BURST])
    ws = [n for n in t.nodes if n["py_kind"] == "pool_worker"]
    check(len(ws) == 2 and sum(n["tasks"] for n in ws) == 5000 and
          sum(n["task_items"] for n in ws) == 5000,
          f"tasks told {[(n['pid'], n['tasks']) for n in ws]}, expected 5000 in all")


def pylive_tests(traced_run):
    """(name, function) of these tests, for run_tests.py."""
    return [(f"py facts live: what Python says, {m}",
             lambda c, m=m: test_python_says(c, traced_run, m)) for m in METHODS] + [
        ("py facts live: the run summary", test_summary),
        ("py facts live: compare --python", test_compare),
        ("py facts live: a burst of 5,000 tasks, every one told",
         lambda c: test_burst(c, traced_run))]
