#!/usr/bin/python3
"""The shipped recordings (demos/recordings/DEMO-METHOD.jsonl, made by `make recordings`)
replayed without root: `forkscope tree --json` run as nobody (from a copy nobody can
read) on each, which must check the start method's shape (who is whose parent) and the
demo's lesson, one assertion per demo. No tracer needed: run_tests.py runs them among its
plain tests, or

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_recordings.py
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECORDINGS = os.path.join(REPO, "demos", "recordings")
METHODS = ("fork", "spawn", "forkserver")
SIGTERM = 15
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from fslib import (NOBODY_UID, Skip, TestFailure, alive_at_most, as_user,  # noqa: E402
                   check, copy_for_other_users, other_user_cwd, other_user_env, tree_nodes)


def demos():
    return sorted(n[:-3] for n in os.listdir(os.path.join(REPO, "demos"))
                  if n.endswith(".py") and not n.startswith(("_", ".")))


def kids_of(nodes):
    return sorted((n for n in nodes if n["role"] == "mp_child"), key=lambda n: n["start_ns"])


def describe(nodes):
    return ", ".join(f"{n['pid']}:{n['exit_code']}/{n['signal']}" for n in nodes)


# One lesson per demo, from the replayed tree: (nodes, main, method) -> raises TestFailure.


def lesson_process_basics(nodes, main, method):
    (child,) = kids_of(nodes) or [None]
    check(child and child["exit_code"] == 0 and child["end_ns"] <= main["end_ns"],
          "process-basics: one child, exit 0, joined before main's end")


def lesson_start_methods(nodes, main, method):
    kids = kids_of(nodes)
    check(len(kids) == 3 and all(k["start_method"] == method for k in kids),
          f"start-methods: 3 children started by {method}: "
          f"{[(k['pid'], k['start_method']) for k in kids]}")


def lesson_missing_guard(nodes, main, method):
    kids = kids_of(nodes)
    check(not any(k["children"] for k in kids), "missing-guard: a worker has children: "
          "the missing guard makes no grandchildren")
    failed = [k for k in kids if k["exit_code"] == 1]
    if method == "fork":
        check(not failed, f"missing-guard under fork: workers exited 1: {describe(kids)}")
    else:
        check(len(failed) >= 4, f"missing-guard under {method}: only {len(failed)} workers "
              "exited 1 (re-importing main without the guard fails; the Pool respawns)")


def lesson_daemon(nodes, main, method):
    killed = [k for k in kids_of(nodes) if k["signal"] == SIGTERM]
    check(len(killed) == 1 and killed[0]["daemon_kill"] and killed[0]["killed_by"] == main["pid"]
          and killed[0]["end_ns"] <= main["end_ns"],
          f"daemon: the daemon child killed by main's SIGTERM at its exit: "
          f"{[(k['pid'], k['signal'], k['killed_by'], k['daemon_kill']) for k in kids_of(nodes)]}")


def lesson_identity(nodes, main, method):
    killed = [k for k in kids_of(nodes) if k["signal"] == SIGTERM]
    check(len(killed) == 1 and killed[0]["killed_by"] == main["pid"]
          and not killed[0]["daemon_kill"],
          f"identity: one child terminate()d by main, no daemon kill: {describe(kids_of(nodes))}")


def lesson_pool_basics(nodes, main, method):
    kids = kids_of(nodes)
    check(len(kids) == 4 and alive_at_most(kids) == 4 and not any(k["replaces"] for k in kids)
          and any(k["signal"] == SIGTERM and k["killed_by"] == main["pid"] for k in kids),
          f"pool-basics: 4 workers together, none replaced, terminated by main at the with "
          f"block's end: {describe(kids)}")


def lesson_pool_recycle(nodes, main, method):
    kids = kids_of(nodes)
    pids = {k["pid"] for k in kids}
    replacements = [k for k in kids if k["replaces"]]
    check(replacements and all(k["replaces"] in pids for k in replacements)
          and alive_at_most(kids) <= 2 and all((k["tasks"] or 0) <= 3 for k in kids),
          f"pool-recycle: some worker replaced, none ran more than 3 tasks "
          f"(maxtasksperchild=3), at most 2 alive: "
          f"{[(k['pid'], k['replaces'], k['tasks']) for k in kids]}")


def lesson_executor(nodes, main, method):
    kids = kids_of(nodes)
    pool = [k for k in kids if k["py_kind"] == "pool_worker"]
    executor = [k for k in kids if k["py_kind"] == "executor_worker"]
    check(len(pool) == 2 and len(executor) == 2
          and all(k["start_method"] == method for k in executor)
          and max(k["end_ns"] for k in pool) <= min(k["start_ns"] for k in executor),
          f"executor: 2 Pool workers, then 2 executor workers started by {method} "
          f"(the executor uses the context's method): "
          f"{[(k['pid'], k['py_kind'], k['start_method']) for k in kids]}")


def lesson_queue_pipe(nodes, main, method):
    kids = kids_of(nodes)
    check(len(kids) == 2 and kids[0]["end_ns"] <= kids[1]["start_ns"],
          f"queue-pipe: two children one after the other: {describe(kids)}")


def lesson_gil(nodes, main, method):
    """Main's two threads take turns (one GIL: together at most 1.2 cores), the two
    processes run at the same time, each busy on a CPU."""
    threads = [t for t in main["threads"] if t["tid"] != main["pid"] and t["cpu_ns"] > 0]
    kids = kids_of(nodes)
    check(len(threads) >= 2, f"gil: main has {len(threads)} busy threads, expected 2")
    span = max(t["end_ns"] for t in threads) - min(t["start_ns"] for t in threads)
    cores = sum(t["cpu_ns"] for t in threads) / span
    check(cores <= 1.2 and len(kids) == 2 and alive_at_most(kids) == 2
          and all(k["cpu_ns"] >= 300_000_000 for k in kids),
          f"gil: threads {cores:.2f} cores (one GIL: <= 1.2); processes "
          f"{[(k['pid'], k['cpu_ns']) for k in kids]} (two at once, each >= 0.3 s of CPU)")


LESSONS = {
    "process-basics": lesson_process_basics,
    "start-methods": lesson_start_methods,
    "missing-guard": lesson_missing_guard,
    "daemon": lesson_daemon,
    "identity": lesson_identity,
    "pool-basics": lesson_pool_basics,
    "pool-recycle": lesson_pool_recycle,
    "executor": lesson_executor,
    "queue-pipe": lesson_queue_pipe,
    "gil": lesson_gil,
}


def check_method_shape(nodes, main, method):
    """Who is whose parent under the start method: fork and spawn children are main's,
    forkserver ones the forkserver's; spawn and forkserver have one resource tracker."""
    kids = kids_of(nodes)
    servers = [n for n in nodes if n["role"] == "forkserver"]
    trackers = [n for n in nodes if n["role"] == "resource_tracker"]
    check(main["role"] == "main" and main["exit_code"] == 0, f"main: {describe([main])}")
    check(kids, "no multiprocessing children")
    if method == "fork":
        check(not servers and not trackers, "a forkserver or resource tracker under fork")
        check(all(k["ppid"] == main["pid"] for k in kids), "a fork child is not main's")
    elif method == "spawn":
        check(not servers and len(trackers) == 1, f"{len(servers)} forkservers, "
              f"{len(trackers)} resource trackers under spawn")
        check(all(k["ppid"] == main["pid"] and "--multiprocessing-fork" in k["argv"]
                  for k in kids), "a spawn child is not main's, or did not exec spawn_main")
    else:
        check(len(servers) == 1 and len(trackers) == 1,
              f"{len(servers)} forkservers, {len(trackers)} resource trackers")
        check(all(k["ppid"] == servers[0]["pid"] for k in kids),
              f"forkserver children whose parent is not the forkserver {servers[0]['pid']}: "
              f"{[(k['pid'], k['ppid']) for k in kids if k['ppid'] != servers[0]['pid']]}")


def replay_all(binary):
    """tree --json of every shipped recording, as nobody when we are root: {name: tree}."""
    names = sorted(n for n in os.listdir(RECORDINGS) if n.endswith(".jsonl"))
    trees = {}
    with copy_for_other_users(binary) as copy:
        top = os.path.dirname(copy)
        shutil.copytree(RECORDINGS, os.path.join(top, "recordings"))
        for root, dirs, files in os.walk(os.path.join(top, "recordings")):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        prefix = as_user(NOBODY_UID) if os.geteuid() == 0 else []
        for name in names:
            res = subprocess.run(prefix + [copy, "tree", "--json",
                                           os.path.join(top, "recordings", name)],
                                 capture_output=True, text=True, timeout=60,
                                 cwd=other_user_cwd(copy), env=other_user_env(),
                                 stdin=subprocess.DEVNULL)
            check(res.returncode == 0 and not res.stderr.strip(),
                  f"{name}: tree --json as {'nobody' if prefix else 'us'} exited "
                  f"{res.returncode}: {res.stderr.strip()[:200]}")
            trees[name] = json.loads(res.stdout)
    return trees


def test_shipped_recordings(binary):
    """Every demo under every method is shipped, and each replays to its lesson."""
    if not os.path.isdir(RECORDINGS):
        raise Skip("no demos/recordings (make recordings writes them)")
    trees = replay_all(binary)
    problems = []
    for demo in demos():
        for method in METHODS:
            name = f"{demo}-{method}.jsonl"
            if name not in trees:
                problems.append(f"{name} is not shipped")
                continue
            with open(os.path.join(RECORDINGS, name), encoding="utf-8") as f:
                header = json.loads(f.readline())
            nodes = tree_nodes(trees[name])
            main = trees[name][0]
            try:
                check(header.get("method") == method and header.get("pyhook") is True,
                      f"header method {header.get('method')!r}, pyhook {header.get('pyhook')!r}")
                check(main["pid"] == header["root_pid"], "the tree's root is not root_pid")
                check_method_shape(nodes, main, method)
                check(demo in LESSONS, "no lesson assertion for this demo")
                LESSONS[demo](nodes, main, method)
            except TestFailure as error:
                problems.append(f"{name}: {error}")
    check(not problems, f"{len(problems)} problems: " + " | ".join(problems[:4]))


def recordings_tests():
    """(name, function of the context) for run_tests.py's plain tests."""
    return [("shipped recordings: each replays to its lesson, as nobody",
             lambda ctx: test_shipped_recordings(ctx.binary))]


def main():
    binary = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build",
                                                                      "forkscope")))
    try:
        test_shipped_recordings(binary)
        print("ok - shipped recordings")
        print("1 passed, 0 failed")
        return 0
    except Skip as why:
        print(f"skip - shipped recordings: {why}")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    except TestFailure as error:
        print(f"FAIL - shipped recordings: {error}")
        print("0 passed, 1 failed")
        return 1


if __name__ == "__main__":
    sys.exit(main())
