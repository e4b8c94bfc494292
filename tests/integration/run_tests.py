#!/usr/bin/python3
"""forkscope's integration tests: real runs of the tracer, as root.

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/run_tests.py [-k PATTERN] [-j N]

Every demo runs under every start method (`run --json -o FILE`), then `tree --json FILE`;
each test asserts what the demo teaches, from the recorded events and from the tree.
Then a shell workload (exit codes, SIGKILL, an orphan), the start-method hook, --duration,
and the command line. After every run no process may carry that run's FORKSCOPE_SESSION.

Without BPF (not root, or loading fails) the tracer tests are skipped -- unless CI=true,
where that is a failure. One line per test; the last line is `N passed, N failed[, N skipped]`.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_faults import fault_tests
from test_capture import capture_tests
from test_pylive import pylive_tests
from test_pyhook import pyhook_tests
from fslib import (Skip, TestFailure, alive_at_most, check, load_recording,  # noqa: E402
                   run_forkscope, session_processes, tree_nodes, tree_parent_links)
from test_pyfacts import pyfacts_tests  # noqa: E402
from test_install import install_tests  # noqa: E402
from test_recordings import recordings_tests  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEMOS_DIR = os.path.join(REPO, "demos")
PYTHON = "/usr/bin/python3"
METHODS = ("fork", "spawn", "forkserver")
SIGKILL, SIGTERM = 9, 15
RUN_TIMEOUT = 60  # seconds for one forkscope run (every demo ends by itself in ~10 s)


class Context:
    """What every test needs: the binary, a scratch directory, and run helpers."""

    def __init__(self, binary, tmpdir):
        self.binary = binary
        self.tmpdir = tmpdir

    def run(self, args, timeout=RUN_TIMEOUT, env=None):
        return run_forkscope(self.binary, args, timeout, env)

    def path(self, name):
        return os.path.join(self.tmpdir, re.sub(r"[^A-Za-z0-9_.-]", "_", name))


# ---------------------------------------------------------------- traced runs


class Traced:
    """One traced run: the forkscope result, its recording and its tree."""

    def __init__(self, res, rec, tree):
        self.res = res
        self.rec = rec
        self.tree = tree
        self.nodes = tree_nodes(tree)
        roots = [n for n in self.nodes if n["pid"] == rec.root_pid]
        check(roots, f"the root pid {rec.root_pid} is not in the tree")
        self.root = roots[0]
        # what the workload printed: its recorded output (forkscope's pty), and stderr for
        # a run without capture (there, with --json, the workload's stdout goes to stderr)
        self.printed = rec.printed() + "\n" + res.stderr

    def role(self, role):
        return [n for n in self.nodes if n["role"] == role]

    def node(self, pid):
        found = [n for n in self.nodes if n["pid"] == pid]
        check(found, f"pid {pid} is not in the tree")
        return found[-1]

    def exec_argv(self, pid):
        p = self.rec.find(pid)
        return p.argv_text() if p else ""


def check_no_leftovers(res):
    check(not res.timed_out, f"forkscope did not end within {RUN_TIMEOUT} s")
    check(not res.leftovers,
          f"processes left behind with FORKSCOPE_SESSION={res.pid}: {res.leftovers}")


def traced_run(ctx, name, run_args, expect_rc=0):
    """forkscope run --json -o FILE ARGS, then forkscope tree --json FILE, plus the
    checks every recording must pass."""
    out = ctx.path(name + ".jsonl")
    live_digests = ctx.path(name + ".live-digests")
    res = ctx.run(["run", "--json", "-o", out] + run_args,
                  env={"FORKSCOPE_DIGEST_LOG": live_digests})
    check_no_leftovers(res)
    check(res.rc == expect_rc, f"run exited {res.rc}, expected {expect_rc}: {res.stderr_tail()}")
    rec = load_recording(out)
    stdout_lines = [line for line in res.stdout.splitlines() if line.strip()]
    with open(out, encoding="utf-8", errors="replace") as f:
        file_lines = [line for line in f.read().splitlines() if line.strip()]
    check(stdout_lines == file_lines,
          f"--json stdout ({len(stdout_lines)} lines) differs from -o FILE ({len(file_lines)})")
    t = Traced(res, rec, tree_json(ctx, out))
    check_recording(t)
    check_live_equals_replay(ctx, name, out, live_digests, len(rec.events))
    return t


def check_live_equals_replay(ctx, name, recording, live_digests, nevents):
    """The model built live and the model `tree` builds from the recording agree after
    every event and at the end (model digests, $FORKSCOPE_DIGEST_LOG)."""
    replay_digests = ctx.path(name + ".replay-digests")
    res = ctx.run(["tree", recording], env={"FORKSCOPE_DIGEST_LOG": replay_digests})
    check(res.rc == 0, f"tree exited {res.rc}: {res.stderr_tail()}")
    with open(live_digests, encoding="ascii") as f:
        live = f.read().splitlines()
    with open(replay_digests, encoding="ascii") as f:
        replay = f.read().splitlines()
    check(len(live) == nevents + 1, f"{len(live)} live digests for {nevents} events")
    for n, (a, b) in enumerate(zip(live, replay), 1):
        check(a == b, f"live and replay models differ after line {n} of the digests: "
                      f"{a!r} != {b!r}")
    check(len(live) == len(replay), f"{len(live)} live digests, {len(replay)} replayed")


def tree_json(ctx, path):
    """forkscope tree --json FILE, parsed."""
    res = ctx.run(["tree", "--json", path])
    check(res.rc == 0, f"tree --json exited {res.rc}: {res.stderr_tail()}")
    try:
        tree = json.loads(res.stdout)
    except ValueError as error:
        raise TestFailure(f"tree --json is not JSON: {error}")
    check(isinstance(tree, list), "tree --json is not an array")
    return tree


def check_recording(t):
    """Facts that hold for every recording: one exit per process, counts that add up,
    nothing lost, and a tree that agrees with the events."""
    rec = t.rec
    check(rec.header.get("schema") == 3, f"header schema {rec.header.get('schema')!r}")
    check(rec.end.get("complete") is True, f"end line: complete is {rec.end.get('complete')!r}")
    check(rec.header.get("tool", "").startswith("forkscope "), "header tool is not forkscope")
    check(not rec.errors, "; ".join(rec.errors[:3]))
    check(rec.end.get("lost") == 0, f"end line reports {rec.end.get('lost')} lost events")
    check(rec.end.get("events") == len(rec.events),
          f"end line counts {rec.end.get('events')} events, the recording has {len(rec.events)}")
    forks, execs, exits = rec.count("fork"), rec.count("exec"), rec.count("exit")
    unseen = 0 if rec.root.fork else 1  # the root's own fork (by forkscope) may be recorded
    check(exits == forks + unseen, f"{forks} forks (+{unseen} for the root) but {exits} exits")
    check(execs >= 1 and rec.root.execs, "the root's exec is not recorded")
    for p in rec.procs:
        check(len(p.exits) == 1, f"pid {p.pid} has {len(p.exits)} exits")
        if p.fork:
            check(p.fork["t_ns"] <= p.exit["t_ns"], f"pid {p.pid} exits before its fork")
        check(p.exit["pid"] == p.pid, "exit of the wrong pid")
    # the tree: one node per process, nested under the parent at fork, with its exit
    check(len(t.nodes) == len(rec.procs),
          f"tree has {len(t.nodes)} processes, the recording {len(rec.procs)}")
    check([n["pid"] for n in t.tree] == [rec.root_pid],
          f"tree roots {[n['pid'] for n in t.tree]}, expected only {rec.root_pid}")
    for parent, child in tree_parent_links(t.tree):
        check(child["ppid"] == parent["pid"],
              f"pid {child['pid']} (ppid {child['ppid']}) nested under {parent['pid']}")
    for n in t.nodes:
        p = rec.find(n["pid"])
        check(p is not None, f"tree pid {n['pid']} is not in the recording")
        ex = p.exit
        check(n["exit_code"] == ex["exit_code"] and n["signal"] == ex["signal"],
              f"pid {n['pid']}: tree says exit {n['exit_code']}/signal {n['signal']}, "
              f"events say {ex['exit_code']}/{ex['signal']}")
        check(n["end_ns"] is not None and n["end_ns"] >= n["start_ns"],
              f"pid {n['pid']}: bad times {n['start_ns']}..{n['end_ns']}")
        if p.fork:
            check(n["ppid"] == p.ppid, f"pid {n['pid']}: tree ppid {n['ppid']}, fork {p.ppid}")


def check_python(t, method, n_children=None):
    """The start-method facts of a Python multiprocessing recording."""
    rec, root = t.rec, t.root
    check(rec.header.get("method") == method,
          f"header method {rec.header.get('method')!r}, expected {method!r}")
    check(str(rec.header.get("python", "")).startswith("3."),
          f"header python {rec.header.get('python')!r}")
    check(root["role"] == "main", f"the root has role {root['role']!r}, not main")
    check(root["exit_code"] == 0, f"main exited {root['exit_code']}/signal {root['signal']}")
    kids = t.role("mp_child")
    servers, trackers = t.role("forkserver"), t.role("resource_tracker")
    if n_children is not None:
        check(len(kids) == n_children, f"{len(kids)} multiprocessing children, "
              f"expected {n_children}")
    for k in kids:
        check(k["start_method"] == method,
              f"child {k['pid']} has start_method {k['start_method']!r}, expected {method!r}")
    if method == "fork":
        check(not servers and not trackers, "a forkserver or resource tracker under plain fork")
        check(rec.count("exec") == 1, f"{rec.count('exec')} execs under fork (only main's "
              "expected: fork children never exec)")
        for k in kids:
            check(k["ppid"] == root["pid"], f"fork child {k['pid']} has ppid {k['ppid']}")
    elif method == "spawn":
        check(not servers, "a forkserver under spawn")
        check(len(trackers) == 1, f"{len(trackers)} resource trackers under spawn")
        check(trackers[0]["ppid"] == root["pid"], "the resource tracker is not main's child")
        for k in kids:
            check(k["ppid"] == root["pid"], f"spawn child {k['pid']} has ppid {k['ppid']}")
            argv = t.exec_argv(k["pid"])
            check("spawn_main" in argv and "--multiprocessing-fork" in argv,
                  f"spawn child {k['pid']} exec'd {argv[:100]!r}")
    else:
        check(len(servers) == 1, f"{len(servers)} forkservers under forkserver")
        check(len(trackers) == 1, f"{len(trackers)} resource trackers under forkserver")
        server = servers[0]
        check(server["ppid"] == root["pid"], "the forkserver is not main's child")
        check("multiprocessing.forkserver" in t.exec_argv(server["pid"]),
              "the forkserver did not exec `-c from multiprocessing.forkserver ...`")
        check(server["exit_code"] == 0, f"the forkserver ended {server['exit_code']}/"
              f"signal {server['signal']}")
        # it ends when main's exit closes its "alive" pipe: after main's exit event, but
        # possibly before the kernel re-parents it (so `reparented` is not asserted)
        check(server["end_ns"] >= root["end_ns"], "the forkserver did not outlive main")
        for k in kids:
            check(k["ppid"] == server["pid"],
                  f"forkserver child {k['pid']} has ppid {k['ppid']}, not the forkserver's "
                  f"{server['pid']} (main is {root['pid']})")
            check(not t.rec.find(k["pid"]).execs, f"forkserver child {k['pid']} exec'd")
    for helper in servers + trackers:
        check(helper["exit_code"] == 0, f"{helper['role']} {helper['pid']} ended "
              f"{helper['exit_code']}/signal {helper['signal']}")
    return kids


def demo_args(demo, method, *extra):
    return ["--python", PYTHON, "--method", method, demo] + list(extra)


def exited_ok(nodes):
    return all(n["exit_code"] == 0 for n in nodes)


def describe(nodes):
    return ", ".join(f"{n['pid']}:{n['exit_code']}/{n['signal']}" for n in nodes)


# ---------------------------------------------------------------- one test per demo


def test_gil(ctx, method):
    t = traced_run(ctx, f"gil-{method}", demo_args("gil", method))
    kids = check_python(t, method, n_children=2)  # the two threads are not processes
    check(exited_ok(kids), f"children: {describe(kids)}")
    check(alive_at_most(kids) == 2, "the two worker processes never ran at the same time")
    check("2 processes:" in t.printed, "the demo's timings are not in forkscope's stderr")


def test_process_basics(ctx, method):
    t = traced_run(ctx, f"process-basics-{method}", demo_args("process-basics", method))
    (child,) = check_python(t, method, n_children=1)
    check(child["exit_code"] == 0, f"child ended {describe([child])}")
    check(child["end_ns"] - child["start_ns"] >= 900_000_000, "the child lived less than 1 s")
    check(child["end_ns"] <= t.root["end_ns"], "main exited before the child (no join)")


def test_start_methods(ctx, method):
    t = traced_run(ctx, f"start-methods-{method}", demo_args("start-methods", method))
    kids = check_python(t, method, n_children=3)
    check(exited_ok(kids), f"children: {describe(kids)}")
    if method == "forkserver":
        server = t.role("forkserver")[0]
        check(all(k["ppid"] != t.root["pid"] for k in kids), "a child's PPID is main's")
        check(f"kernel PPID {server['pid']}," in t.printed,
              "the children did not print the forkserver's PID as their PPID")


def test_missing_guard_pool(ctx, method):
    t = traced_run(ctx, f"missing-guard-pool-{method}",
                   demo_args("missing-guard", method, "--variant", "pool"))
    kids = check_python(t, method)
    for k in kids:
        check(not k["children"], f"worker {k['pid']} has children: there are no grandchildren")
    failed = [k for k in kids if k["exit_code"] == 1]
    if method == "fork":
        check(len(kids) == 2 and not failed, f"fork pool workers: {describe(kids)}")
        check("map() result: [0, 1, 4, 9, 16]" in t.printed, "map() gave no result")
    else:
        check(len(failed) >= 6, f"only {len(failed)} workers exited 1: no respawn churn")
        check(alive_at_most(kids) <= 4, f"{alive_at_most(kids)} workers alive at once")
        others = [k for k in kids if k["exit_code"] != 1]
        check(all(k["signal"] == SIGTERM for k in others),
              f"workers neither exiting 1 nor terminated: {describe(others)}")
        check("no result after 3 s" in t.printed, "main did not give up after 3 s")


def test_missing_guard_process(ctx, method):
    t = traced_run(ctx, f"missing-guard-process-{method}",
                   demo_args("missing-guard", method, "--variant", "process"))
    (child,) = check_python(t, method, n_children=1)
    check(not child["children"], "the child has children")
    want = 0 if method == "fork" else 1
    check(child["exit_code"] == want, f"the child ended {describe([child])}, expected exit {want}")


def test_daemon(ctx, method, parent_waits=False):
    flag = "--parent-waits" if parent_waits else "--parent-first"
    t = traced_run(ctx, f"daemon{flag}-{method}", demo_args("daemon", method, flag))
    kids = check_python(t, method, n_children=2)
    root = t.root["pid"]
    kills = t.rec.signals(sig=SIGTERM, sender=root)
    if parent_waits:
        check(exited_ok(kids), f"children: {describe(kids)}")
        check(not any(k["daemon_kill"] for k in kids), "a daemon kill with --parent-waits")
        check(not kills, "main sent SIGTERM although the daemon ended by itself")
        daemon = max(kids, key=lambda k: k["end_ns"] - k["start_ns"])
        check(daemon["end_ns"] - daemon["start_ns"] >= 2_900_000_000, "the daemon lived < 3 s")
    else:
        (daemon,) = [k for k in kids if k["signal"] == SIGTERM] or [None]
        check(daemon is not None, f"no child killed by SIGTERM: {describe(kids)}")
        (worker,) = [k for k in kids if k is not daemon]
        check(worker["exit_code"] == 0 and not worker["daemon_kill"],
              f"the non-daemon ended {describe([worker])}")
        check(daemon["killed_by"] == root, f"the daemon was killed by {daemon['killed_by']}, "
              f"not main {root}")
        check(daemon["daemon_kill"], "the daemon's SIGTERM is not marked daemon_kill")
        check([s["target"] for s in kills] == [daemon["pid"]],
              f"main's SIGTERMs went to {[s['target'] for s in kills]}")
        check(daemon["end_ns"] <= t.root["end_ns"], "the daemon died after main")
        check(daemon["end_ns"] - daemon["start_ns"] < 2_500_000_000,
              "the daemon lived on (it sleeps 3 s; main ends after 1 s)")


def test_daemon_tempo(ctx):
    """--tempo 1.5 (the picker's t): every pause of daemon --parent-first lasts 1.5 times
    longer and the lesson is the same: main's exit handler still kills the sleeping daemon
    with SIGTERM, now after about 1.5 s instead of 1 s."""
    t = traced_run(ctx, "daemon-tempo", demo_args("daemon", "fork", "--tempo", "1.5"))
    kids = check_python(t, "fork", n_children=2)
    (daemon,) = [k for k in kids if k["signal"] == SIGTERM] or [None]
    check(daemon is not None and daemon["daemon_kill"], f"no daemon kill: {describe(kids)}")
    lived = daemon["end_ns"] - daemon["start_ns"]
    check(1_400_000_000 <= lived < 3_500_000_000, f"the daemon lived {lived} ns")


def test_demo_tempo_option(ctx):
    """Every demo takes --tempo N; process-basics at --tempo 2 takes twice its 1 s pause."""
    demos = DEMOS_DIR
    for name in sorted(os.listdir(demos)):
        if name.endswith(".py"):
            r = subprocess.run([PYTHON, os.path.join(demos, name), "--help"],
                               capture_output=True, text=True, timeout=30)
            check(r.returncode == 0 and "--tempo" in r.stdout, f"{name}: no --tempo")
    t0 = time.monotonic()
    r = subprocess.run([PYTHON, os.path.join(demos, "process-basics.py"), "--method", "fork",
                        "--tempo", "2"], capture_output=True, text=True, timeout=30)
    took = time.monotonic() - t0
    check(r.returncode == 0 and 2.0 <= took < 6, f"rc {r.returncode}, {took:.1f} s")


def test_identity(ctx, method):
    t = traced_run(ctx, f"identity-{method}", demo_args("identity", method))
    kids = sorted(check_python(t, method, n_children=3), key=lambda k: k["start_ns"])
    named, sleeper, counter = kids
    check(named["exit_code"] == 0 and counter["exit_code"] == 0,
          f"children: {describe(kids)}")
    check(sleeper["signal"] == SIGTERM, f"the sleeper ended {describe([sleeper])}")
    check(sleeper["killed_by"] == t.root["pid"], f"the sleeper was killed by "
          f"{sleeper['killed_by']}, not main")
    check(not sleeper["daemon_kill"], "terminate() while main goes on is marked a daemon kill")
    check(sleeper["end_ns"] - sleeper["start_ns"] < 5_000_000_000, "the sleeper was not "
          "terminated at once")
    check(counter["start_ns"] > sleeper["end_ns"], "main did not go on after the terminate()")
    check("'My-child-process'" in t.printed, "the child's name was not printed")


def test_pool_basics(ctx, method):
    t = traced_run(ctx, f"pool-basics-{method}", demo_args("pool-basics", method))
    kids = check_python(t, method, n_children=4)
    check(alive_at_most(kids) == 4, "the 4 workers were not alive together")
    check(not any(k["replaces"] for k in kids), "a worker is marked as a replacement")
    # leaving `with Pool()` terminates the pool: SIGTERM from main to the worker busy with
    # the 30 s task; an idle worker may exit 0 first (a race) or get SIGTERM too
    for k in kids:
        check(k["exit_code"] == 0 or (k["signal"] == SIGTERM and k["killed_by"] == t.root["pid"]),
              f"worker ended {describe([k])}")
    check(any(k["signal"] == SIGTERM for k in kids), "no worker got SIGTERM from terminate()")
    check("nap(30): sleeping 30 s" in t.printed, "the 30 s task did not start")
    last_start = max(k["start_ns"] for k in kids)
    first_end = min(k["end_ns"] for k in kids)
    check(first_end - last_start >= 3_000_000_000, "workers did not serve for the whole demo")


def test_executor(ctx, method):
    t = traced_run(ctx, f"executor-{method}", demo_args("executor", method))
    kids = check_python(t, method, n_children=4)  # 2 Pool workers, then 2 executor workers
    check(exited_ok(kids), f"children: {describe(kids)}")
    kids.sort(key=lambda k: k["start_ns"])
    check(max(k["end_ns"] for k in kids[:2]) <= min(k["start_ns"] for k in kids[2:]),
          "the executor's workers started before the Pool's had exited")
    check(f"the executor uses start method: {method}" in t.printed,
          "the demo did not report the executor's start method")
    # under forkserver too: no worker of the Pool still ran when the executor's started
    check(not any(k["replaces"] for k in kids),
          f"executor workers taken for Pool replacements: {[k['replaces'] for k in kids]}")


def test_two_executors(ctx, method):
    """Two ProcessPoolExecutor(2) one after the other: new workers, no recycling."""
    t = traced_run(ctx, f"two-executors-{method}",
                   ["--", PYTHON, os.path.join(HERE, "two_executors.py"), method])
    kids = [n for n in t.nodes if n["role"] == "mp_child"]
    check(len(kids) == 4, f"{len(kids)} workers, expected 2 per executor: {describe(kids)}")
    check(not any(k["replaces"] for k in kids),
          f"workers of the second executor taken for replacements: "
          f"{[(k['pid'], k['replaces']) for k in kids if k['replaces']]}")
    check("recycled workers: 0" in t.printed or "recycled" not in t.printed,
          "the summary claims recycling")


def test_executor_max_tasks(ctx):
    """No --method: the Pool forks, the executor with max_tasks_per_child spawns."""
    res_name = "executor-max-tasks"
    out = ctx.path(res_name + ".jsonl")
    res = ctx.run(["run", "--json", "-o", out, "--python", PYTHON, "executor",
                   "--max-tasks-per-child", "2"])
    check_no_leftovers(res)
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    rec = load_recording(out)
    check(rec.header.get("method") is None, f"header method {rec.header.get('method')!r}")
    forked = [p for p in rec.procs if p.fork and p.ppid == rec.root_pid and not p.execs]
    spawned = [p for p in rec.procs if "spawn_main" in p.argv_text()]
    check(len(forked) == 2, f"{len(forked)} forked Pool workers")
    check(len(spawned) >= 2, f"{len(spawned)} spawned executor workers")
    check("the executor uses start method: spawn" in rec.printed(), "executor did not say spawn")


def test_queue_pipe(ctx, method):
    t = traced_run(ctx, f"queue-pipe-{method}", demo_args("queue-pipe", method))
    kids = sorted(check_python(t, method, n_children=2), key=lambda k: k["start_ns"])
    check(exited_ok(kids), f"children: {describe(kids)}")
    check(kids[0]["end_ns"] <= kids[1]["start_ns"], "the second child started before the "
          "first was joined")
    check("Hello from child" in t.printed, "the queue's message was not printed")


def test_pool_recycle(ctx, method):
    t = traced_run(ctx, f"pool-recycle-{method}", demo_args("pool-recycle", method))
    kids = check_python(t, method)
    # 10 tasks, at most 3 per worker: at least 4 workers; at most 3 recyclings
    check(4 <= len(kids) <= 5, f"{len(kids)} workers for 10 tasks with maxtasksperchild=3")
    check(exited_ok(kids), f"workers (close+join: all exit 0): {describe(kids)}")
    check(alive_at_most(kids) <= 2, f"{alive_at_most(kids)} workers alive at once, Pool(2)")
    by_pid = {k["pid"]: k for k in kids}
    replacements = [k for k in kids if k["replaces"]]
    check(len(replacements) == len(kids) - 2,
          f"{len(replacements)} replacements among {len(kids)} workers (2 initial)")
    replaced = [k["replaces"] for k in replacements]
    check(len(set(replaced)) == len(replaced), "a worker was replaced twice")
    for k in replacements:
        old = by_pid.get(k["replaces"])
        check(old is not None, f"{k['pid']} replaces {k['replaces']}, not a worker")
        check(old["end_ns"] <= k["start_ns"] and k["start_ns"] - old["end_ns"] < 1_000_000_000,
              f"{k['pid']} does not follow the exit of {old['pid']} closely")
    chains = [k for k in kids if not k["replaces"]]
    check(len(chains) == 2, f"{len(chains)} chains of workers, expected 2 (one per slot)")
    tasks = [int(pid) for pid in re.findall(r"\d+", t.printed.split("worker PID per task:")[-1]
                                                    .splitlines()[0])]
    check(len(tasks) == 10 and set(tasks) <= set(by_pid), "task PIDs are not the traced workers")
    check(max(tasks.count(pid) for pid in set(tasks)) <= 3, "a worker ran more than 3 tasks")


def test_pool_recycle_note(ctx, method):
    """The study note's example, map() without chunksize: 5 tasks of 2 items, so a worker
    serves six items before it retires, not "a new PID every three tasks" (docs/guide.md)."""
    t = traced_run(ctx, f"pool-recycle-note-{method}",
                   demo_args("pool-recycle", method, "--chunksize", "default"))
    kids = check_python(t, method)
    told = [k for k in kids if k.get("tasks")]
    check(sum(k["tasks"] for k in told) == 5 and sum(k["task_items"] for k in told) == 10,
          f"tasks told: {[(k['pid'], k.get('tasks'), k.get('task_items')) for k in kids]}")
    check(all(k["tasks"] <= 3 for k in told), "a worker ran more than 3 tasks")
    check(any(k["task_items"] == 6 for k in told),
          f"no worker served 3 tasks of 2 items: {[(k['pid'], k['task_items']) for k in told]}")
    pids = [int(pid) for pid in re.findall(r"\d+", t.printed.split("worker PID per task:")[-1]
                                                    .splitlines()[0])]
    check(max(pids.count(pid) for pid in set(pids)) == 6,
          f"the items per PID: {[pids.count(p) for p in set(pids)]}")


# ---------------------------------------------------------------- other workloads


def test_shell_workload(ctx):
    script = os.path.join(HERE, "shell_workload.sh")
    t = traced_run(ctx, "shell", ["--", "/bin/sh", script])
    res, rec = t.res, t.rec
    root = rec.root_pid
    check(rec.header.get("method") is None, "a method in the header")
    check(not [n for n in t.nodes if n["role"] not in ("main", "other")],
          "Python roles in a shell script's tree")
    direct = [p for p in rec.procs if p.ppid == root]
    codes = sorted(p.exit["exit_code"] for p in direct if p.exit["exit_code"] is not None)
    for code in (0, 3, 7):
        check(code in codes, f"no child of the script exited {code} (codes {codes})")
    killed = [n for n in t.nodes if n["signal"] == SIGKILL]
    check(len(killed) == 1, f"{len(killed)} processes killed by SIGKILL")
    check(killed[0]["killed_by"] == root, f"SIGKILL from {killed[0]['killed_by']}, not the "
          f"script {root}")
    check(rec.signals(sig=SIGKILL, sender=root, target=killed[0]["pid"]),
          "no signal event for the SIGKILL")
    orphans = [n for n in t.nodes if n["reparented"]]
    check(len(orphans) == 1, f"{len(orphans)} re-parented processes, expected 1")
    orphan = rec.find(orphans[0]["pid"])
    check(orphan.ppid != root and orphan.ppid != res.pid, "the orphan's first parent is wrong")
    check(orphan.exit["ppid"] == res.pid, f"the orphan's exit names ppid {orphan.exit['ppid']}, "
          f"not forkscope {res.pid}")
    check(orphans[0]["last_ppid"] == res.pid, "the tree's last_ppid is not forkscope")
    check(orphan.exit["exit_code"] == 0, "the orphan did not exit 0")
    check(orphan.exit["t_ns"] > rec.root.exit["t_ns"] + 500_000_000,
          "the orphan did not outlive the script")
    check(res.elapsed >= 1.0, "run did not wait for the orphan")


HOOK_SCRIPT = """\
import multiprocessing, os
{choice}
def child():
    print("child", os.getpid(), flush=True)
if __name__ == "__main__":
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
    print("method", multiprocessing.get_start_method(), flush=True)
    print("session", os.environ.get("FORKSCOPE_SESSION"), flush=True)
"""


def hook_run(ctx, name, choice):
    script = ctx.path(name + ".py")
    with open(script, "w") as f:
        f.write(HOOK_SCRIPT.format(choice=choice))
    out = ctx.path(name + ".jsonl")
    res = ctx.run(["run", "--json", "-o", out, "--method", "spawn", "--", PYTHON, script])
    check_no_leftovers(res)
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    rec = load_recording(out)
    res.printed = rec.printed()
    check(f"session {res.pid}\n" in res.printed,
          "the workload's FORKSCOPE_SESSION is not forkscope's pid (the leftover scan "
          "would see nothing)")
    return res, rec


def test_hook_default(ctx):
    """--method spawn on a program that does not choose: its children spawn."""
    res, rec = hook_run(ctx, "hook-default", "")
    check(rec.header.get("method") == "spawn", "header method is not spawn")
    check("method spawn" in res.printed, "the program's default start method is not spawn")
    children = [p for p in rec.procs if p.ppid == rec.root_pid and "spawn_main" in p.argv_text()]
    check(len(children) == 1, f"{len(children)} spawn children, expected 1")


def test_hook_program_choice(ctx):
    """--method spawn on a program that calls set_start_method('fork'): it still forks."""
    res, rec = hook_run(ctx, "hook-fork", "multiprocessing.set_start_method('fork')")
    check("method fork" in res.printed, "the program's own choice (fork) did not win")
    check(not any("spawn_main" in p.argv_text() for p in rec.procs), "a child was spawned")
    children = [p for p in rec.procs if p.ppid == rec.root_pid]
    check(len(children) == 1 and not children[0].execs, "not exactly one forked child")


def test_duration(ctx):
    out = ctx.path("duration.jsonl")
    res = ctx.run(["run", "--json", "-o", out, "--duration", "1", "--", "/bin/sleep", "30"],
                  timeout=20)
    check_no_leftovers(res)
    check(0.9 <= res.elapsed <= 4.0, f"--duration 1 took {res.elapsed:.1f} s")
    rec = load_recording(out)
    check(not rec.errors, "; ".join(rec.errors[:3]))
    ex = rec.root.exit
    check(ex and ex["signal"] in (SIGTERM, SIGKILL), f"sleep was not stopped by a signal: {ex}")
    # forkscope exits with the workload's status, as strace and time do
    check(res.rc == 128 + ex["signal"], f"run exited {res.rc}, expected 128 + {ex['signal']}")


def test_all_as_root(ctx):
    """--all as real root is accepted: the whole system is traced, the workload's own
    status is forkscope's, and its root is forked once (the launcher reports that fork;
    the kernel's copy of it is not delivered), so main's exit is seen."""
    if os.getuid() != 0:
        raise Skip("--all needs real root (the bad-input table checks the refusal)")
    out = ctx.path("all.jsonl")
    res = ctx.run(["run", "--no-tui", "--all", "-o", out, "--", "/bin/true"])
    check_no_leftovers(res)
    check(res.rc == 0, f"run --all exited {res.rc}: {res.stderr_tail()} {res.stdout[-200:]!r}")
    check(re.search(r"forkscope exits 0: the workload's status \(main \d+ exited 0\)",
                    res.stdout), f"summary: {res.stdout[-200:]!r}")
    rec = load_recording(out)
    forks = [ev for ev in rec.events if ev["type"] == "fork" and ev["pid"] == rec.root_pid]
    check(len(forks) == 1, f"the root {rec.root_pid} is forked {len(forks)} times")
    check(rec.root.exit and rec.root.exit["exit_code"] == 0, f"root exit: {rec.root.exit}")


def test_unknown_demo(ctx):
    res = ctx.run(["run", "--no-tui", "no-such-demo"])
    check_no_leftovers(res)
    check(res.rc in (1, 2), f"exit status {res.rc}, expected 2 or 1")
    lines = res.stderr.strip().splitlines()
    check(len(lines) == 1 and "no-such-demo" in lines[0], f"stderr: {res.stderr.strip()!r}")


def test_missing_command(ctx):
    res = ctx.run(["run", "--no-tui", "--", "/nonexistent/command"])
    check_no_leftovers(res)
    check(res.rc == 1, f"exit status {res.rc}, expected 1")
    lines = res.stderr.strip().splitlines()
    check(len(lines) == 1 and "/nonexistent/command" in lines[0],
          f"stderr: {res.stderr.strip()!r}")


# ---------------------------------------------------------------- command line (no BPF)


def demo_files():
    """name -> summary, read from demos/*.py the way `forkscope demos` does."""
    demos = {}
    for name in sorted(os.listdir(DEMOS_DIR)):
        if not name.endswith(".py") or name.startswith(("_", ".")):
            continue
        with open(os.path.join(DEMOS_DIR, name), encoding="utf-8") as f:
            head = f.readlines()[:30]
        summary = [line.split(":", 1)[1].strip() for line in head
                   if line.startswith("# summary:")]
        look_for = [line for line in head if line.startswith("# look-for:")]
        demos[name[:-3]] = (summary[0] if summary else None, bool(look_for))
    return demos


def test_demos_list(ctx):
    res = ctx.run(["demos"])
    check(res.rc == 0, f"exit status {res.rc}")
    demos = demo_files()
    check(len(demos) >= 10, f"only {len(demos)} demos")
    for name, (summary, has_look_for) in demos.items():
        check(summary and has_look_for, f"{name}.py lacks a summary or look-for header")
        lines = [line for line in res.stdout.splitlines() if re.search(rf"\b{re.escape(name)}\b",
                                                                      line)]
        check(lines, f"demo {name} is not listed")
        words = " ".join(summary.split()[:4])
        check(any(words in line for line in lines) or words in res.stdout,
              f"the summary of {name} is not listed")


def test_bogus_method(ctx):
    res = ctx.run(["run", "--method", "bogus", "process-basics"])
    check(res.rc == 2, f"exit status {res.rc}, expected 2")
    check(len(res.stderr.strip().splitlines()) == 1, f"stderr: {res.stderr.strip()!r}")


def test_usage_errors(ctx):
    for args in (["run"], ["frobnicate"], ["tree"], ["demos", "extra"], []):
        res = ctx.run(args)
        check(res.rc == 2, f"`forkscope {' '.join(args)}` exited {res.rc}, expected 2")
        check(res.stderr.strip(), f"`forkscope {' '.join(args)}` printed no error")


def test_exit_status_is_the_workload(ctx):
    """forkscope exits with the workload's status, and the summary says whose it is."""
    for script, want, words in (("exit 3", 3, "main \\d+ exited 3"),
                                ("kill -TERM $$", 143, "128 \\+ 15: main \\d+ was killed by SIGTERM"),
                                ("exit 0", 0, "main \\d+ exited 0")):
        res = ctx.run(["run", "--no-tui", "--", "/bin/sh", "-c", script])
        check_no_leftovers(res)
        check(res.rc == want, f"sh -c {script!r}: forkscope exited {res.rc}, expected {want}")
        check(re.search(rf"forkscope exits {want}: the workload's status \({words}\)",
                        res.stdout), f"sh -c {script!r}: summary {res.stdout[-200:]!r}")
    res = ctx.run(["run", "--no-tui", "--", "/nonexistent/command"])
    check(res.rc == 1, f"a missing command: exit {res.rc}, expected 1 (forkscope's own error)")


def test_tree_missing_file(ctx):
    res = ctx.run(["tree", "--json", ctx.path("does-not-exist.jsonl")])
    check(res.rc == 1, f"exit status {res.rc}, expected 1")
    check(len(res.stderr.strip().splitlines()) == 1, f"stderr: {res.stderr.strip()!r}")


def test_pending_sigterm(ctx):
    """A dropped second SIGTERM (already pending) does not steal the kill: live and replay
    both name main, the sender of the delivered one."""
    t = traced_run(ctx, "pending-sigterm",
                   ["--", PYTHON, os.path.join(HERE, "pending_sigterm.py")])
    main = t.rec.root_pid
    killed = [n for n in t.nodes if n["signal"] == SIGTERM]
    check(len(killed) == 1, f"{len(killed)} processes killed by SIGTERM")
    target = killed[0]["pid"]
    sent = t.rec.signals(sig=SIGTERM, target=target)
    check(len(sent) == 2, f"{len(sent)} SIGTERMs to the target, expected 2")
    check(sent[0]["pid"] == main and sent[0]["sig_result"] == 0,
          f"first SIGTERM: {sent[0]}, expected from main {main}, delivered")
    check(sent[1]["pid"] != main and sent[1]["sig_result"] == 2,
          f"second SIGTERM: {sent[1]}, expected from the helper, already pending (2)")
    check(killed[0]["killed_by"] == main,
          f"tree says killed by {killed[0]['killed_by']}, expected main {main}")


def test_subprocess_children(ctx):
    """subprocess children are vfork children, never multiprocessing children, even the one
    whose exec failed (it exits 255 without exec'ing); a fork Process is one."""
    t = traced_run(ctx, "subprocess", ["--", PYTHON, os.path.join(HERE,
                                                                  "subprocess_children.py")])
    VFORK = 0x4000 | 0x100
    kids = [n for n in t.nodes if n["pid"] != t.rec.root_pid]
    check(len(kids) == 3, f"{len(kids)} children, expected 3")
    failed, true, mp = sorted(kids, key=lambda n: n["start_ns"])
    check(failed["exit_code"] == 255 and failed["role"] == "other" and
          failed["clone_flags"] & VFORK == VFORK,
          f"the failed subprocess: role {failed['role']}, exit {failed['exit_code']}, "
          f"clone flags {failed['clone_flags']:#x}")
    check(true["role"] == "other" and true["clone_flags"] & VFORK == VFORK,
          f"subprocess /bin/true: role {true['role']}, clone flags {true['clone_flags']:#x}")
    check(mp["role"] == "mp_child" and mp["start_method"] == "fork" and
          not mp["clone_flags"] & 0x100,
          f"the fork Process: role {mp['role']} {mp['start_method']}, "
          f"clone flags {mp['clone_flags']:#x}")
    fork_lines = [ev for ev in t.rec.events if ev["type"] == "fork"]
    check(all("clone_flags" in ev for ev in fork_lines), "a fork line without clone_flags")


def test_signal_to_a_dying_target(ctx):
    """The kernel reports a signal to a process in its group exit as "ignored", like one
    the target ignores: forkscope tells them apart (target_exiting) and says so."""
    cores = tempfile.mkdtemp(prefix="forkscope-core-")
    script = os.path.join(HERE, "dying_target.py")
    try:
        t = traced_run(ctx, "dying-target", ["--", PYTHON, script, cores])
        res = ctx.run(["run", "--no-tui", "--", PYTHON, script, cores])
    finally:
        for name in os.listdir(cores):
            os.unlink(os.path.join(cores, name))
        os.rmdir(cores)
    child = [n for n in t.nodes if n["pid"] != t.rec.root_pid][0]
    check(child["signal"] == 6, f"the child ended {describe([child])}, expected SIGABRT")
    terms = t.rec.signals(sig=SIGTERM, target=child["pid"])
    ignored = [ev for ev in terms if ev["sig_result"] == 1 and not ev["target_exiting"]]
    dropped = [ev for ev in terms if ev["sig_result"] == 1 and ev["target_exiting"]]
    # the first, sent while it ignores SIGTERM (one of the loop may land before its abort)
    check(ignored and ignored[0] is terms[0],
          f"the first SIGTERM is not 'ignored by the target': {terms[:2]}")
    check(dropped, f"no SIGTERM marked as sent to an exiting target among {len(terms)}")
    check("(ignored by the target)" in res.stdout and
          "(dropped: the target was already exiting)" in res.stdout,
          f"the event lines do not tell them apart: {res.stdout[-400:]!r}")


def process_cores(t, said):
    """Cores the gil workload's two processes used together, from their run lines."""
    prun = [r for p in said["processes"]["procs"] for r in t.rec.runs(pid=p["pid"])]
    span = (max(r["end_ns"] for r in prun) - min(r["t_ns"] for r in prun)) / 1e9
    return sum(r["cpu_ns"] for r in prun) / 1e9 / span


def test_threads_and_cpu(ctx):
    """Threads and on-CPU time from the kernel: two GIL-bound threads of one process take
    turns (together at most 1.2 cores, handing the CPU over at least 100 times a second,
    on CPU together at most 5% of their time); two processes run at once (at least 1.6
    cores on 2 or more cores); every thread's traced CPU time is within 10% of what it
    measured itself, and the thread lines are the threads Python made."""
    for attempt in (1, 2):
        t = traced_run(ctx, f"gil-threads-{attempt}",
                       ["--", PYTHON, os.path.join(HERE, "gil_workload.py")])
        said = json.loads([ln for ln in t.printed.splitlines() if ln.startswith("{")][-1])
        # two processes get two cores only on a quiet machine: a busy one gets a second go
        if attempt == 2 or (os.cpu_count() or 1) < 2 or process_cores(t, said) >= 1.6:
            break
    main = t.rec.root_pid
    check(t.rec.header.get("cpus") == os.cpu_count(),
          f"header cpus {t.rec.header.get('cpus')}, the machine has {os.cpu_count()}")
    threads = said["threads"]["threads"]
    tids = [th["tid"] for th in threads]
    made = {ev["tid"]: ev for ev in t.rec.threads(main)}
    check(set(tids) <= set(made), f"thread lines {sorted(made)} miss Python's threads {tids}")
    for tid in tids:
        check(made[tid]["creator_tid"] == main, f"thread {tid} created by "
              f"{made[tid]['creator_tid']}, not main's thread {main}")
    ended = {ev["tid"]: ev for ev in t.rec.events if ev["type"] == "thread_exit"}
    check(set(tids) <= set(ended), "a thread_exit line is missing")
    for th in threads:
        traced = sum(r["cpu_ns"] for r in t.rec.runs(tid=th["tid"])) / 1e9
        check(abs(traced - th["cpu"]) <= 0.1 * th["cpu"] + 0.002,
              f"thread {th['tid']}: traced {traced:.3f} s on CPU, it measured {th['cpu']:.3f} s")
    runs = sorted((r for r in t.rec.runs(pid=main) if r["tid"] in tids),
                  key=lambda r: r["t_ns"])
    wall = (max(ended[tid]["t_ns"] for tid in tids) - min(made[tid]["t_ns"] for tid in tids)) / 1e9
    cpu = sum(r["cpu_ns"] for r in runs) / 1e9
    check(cpu / wall <= 1.2, f"two GIL-bound threads used {cpu / wall:.2f} cores")
    handovers = sum(1 for a, b in zip(runs, runs[1:]) if a["tid"] != b["tid"])
    check(handovers / wall >= 100, f"{handovers / wall:.0f} hand-overs a second, expected 100+")
    first = [r for r in runs if r["tid"] == tids[0]]
    second = [r for r in runs if r["tid"] == tids[1]]
    together = sum(max(0, min(a["end_ns"], b["end_ns"]) - max(a["t_ns"], b["t_ns"]))
                   for a in first for b in second) / 1e9
    check(together <= 0.05 * cpu, f"the threads were on CPU together {together:.3f} s of "
          f"{cpu:.3f} s")
    for r in runs:
        check(r["left"] in ("preempted", "blocked", "exited") and r["end_ns"] >= r["t_ns"],
              f"a run line: {r}")
    procs = said["processes"]["procs"]
    if (os.cpu_count() or 1) >= 2:
        cores = process_cores(t, said)
        # what the two processes measured themselves: a machine (a VM, a CPU quota) may
        # give them less than two cores; the trace must then say what they got
        own = sum(p["cpu"] for p in procs) / said["processes"]["wall"]
        if own >= 1.6:
            check(cores >= 1.6, f"two processes used {cores:.2f} cores")
        else:
            check(cores >= 0.85 * own, f"two processes used {cores:.2f} cores by the trace, "
                  f"{own:.2f} by their own measure (the machine gave them less than 1.6)")
    for p in procs:
        traced = sum(r["cpu_ns"] for r in t.rec.runs(pid=p["pid"])) / 1e9
        check(abs(traced - p["cpu"]) <= 0.1 * p["cpu"] + 0.005,
              f"process {p['pid']}: traced {traced:.3f} s, it measured {p['cpu']:.3f} s")
    node = t.node(main)
    check(abs(node["cpu_ns"] - sum(r["cpu_ns"] for r in t.rec.runs(pid=main))) < 1000,
          "tree --json cpu_ns is not the sum of the runs")
    check({th["tid"] for th in node["threads"]} >= set(tids) | {main},
          f"tree --json threads {[th['tid'] for th in node['threads']]}")


def test_runs_follow_exec_and_escape(ctx):
    """On-CPU time stays followed where the kernel's view of a thread changes: a process
    whose non-main thread execs (it takes main's TID), and a child that leaves forkscope's
    cgroup before its exec (the kernel then stops filtering by that cgroup). Each time the
    exec'd program's traced CPU time is within 10% of what it measured itself."""
    for mode in ("exec-thread", "escape"):
        t = traced_run(ctx, f"runs-follow-{mode}",
                       ["--no-pyhook", "--", PYTHON, os.path.join(HERE, "runs_follow.py"), mode])
        said = [ln for ln in t.printed.splitlines() if ln.startswith("{")]
        check(said, f"{mode}: the exec'd program's output is not in the recording")
        said = json.loads(said[-1])
        pid = said["pid"]
        execs = [ev for ev in t.rec.events if ev["type"] == "exec" and ev["pid"] == pid]
        check(execs, f"{mode}: no exec of {pid}")
        after = execs[-1]["t_ns"]
        traced = sum(r["cpu_ns"] for r in t.rec.runs(pid=pid) if r["end_ns"] > after) / 1e9
        check(abs(traced - said["cpu"]) <= 0.1 * said["cpu"] + 0.005,
              f"{mode}: traced {traced:.3f} s on CPU after the exec, the program measured "
              f"{said['cpu']:.3f} s")
        if mode == "exec-thread":
            check(pid == t.rec.root_pid, f"the exec'ing thread's process is {pid}, not main")


def test_term_once(ctx):
    """Termination (--duration) sends each process exactly one SIGTERM, then SIGKILL to
    what ignored it, after the grace period."""
    out = ctx.path("term-once.jsonl")
    res = ctx.run(["run", "--no-tui", "--duration", "0.5", "-o", out, "--", PYTHON,
                   os.path.join(HERE, "term_once.py")])
    check_no_leftovers(res)
    rec = load_recording(out)
    check(len(rec.procs) == 4, f"{len(rec.procs)} processes, expected main and 3 children")
    for p in rec.procs:
        terms = rec.signals(sig=SIGTERM, sender=res.pid, target=p.pid)
        check(len(terms) == 1, f"pid {p.pid} got {len(terms)} SIGTERMs from forkscope, "
              f"expected exactly 1")
    ignoring = [p for p in rec.procs if p.exit["signal"] == SIGKILL]
    check(len(ignoring) == 1, f"{len(ignoring)} processes ended by SIGKILL, expected the "
          f"one that ignores SIGTERM")


def test_killed_forkscope_keeps_its_recording(ctx):
    """forkscope killed with SIGKILL: what it read is on disk (within a poll cycle), tree
    exits 0 with a warning, and processes it no longer follows are 'unknown after'."""
    out = ctx.path("killed.jsonl")
    argv = [ctx.binary, "run", "--no-tui", "-o", out, "--", PYTHON,
            os.path.join(HERE, "durable_workload.py")]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        seen = ""
        while "children done" not in seen and time.monotonic() < deadline:
            chunk = proc.stdout.readline().decode(errors="replace")
            if not chunk:
                break
            seen += chunk
        check("children done" in seen, "the workload never said its children were done")
        time.sleep(0.5)  # a few poll cycles (100 ms each)
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    deadline = time.monotonic() + 10  # the watchdog ends the workload
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    check(not session_processes(proc.pid), "the workload outlived forkscope's SIGKILL")
    with open(out, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    forks = [ev for ev in lines if ev["type"] == "fork" and ev["pid"] != lines[0]["root_pid"]]
    exits = [ev for ev in lines if ev["type"] == "exit"]
    check(len(forks) == 20 and len(exits) == 20,
          f"{len(forks)} forks and {len(exits)} exits on disk, expected 20 and 20")
    check(lines[-1]["type"] != "end", "an end line, though forkscope was killed")
    res = ctx.run(["tree", out])
    check(res.rc == 0, f"tree exited {res.rc}: {res.stderr_tail()}")
    check(re.search(r"warning: .*the recording ends at [\d.]+ (us|ms|s)", res.stderr),
          f"no warning on stderr: {res.stderr.strip()!r}")
    check(re.search(r"unknown after [\d.]+ (us|ms|s)", res.stdout),
          f"the root is not 'unknown after': {res.stdout.strip()[:200]!r}")
    tree = tree_json(ctx, out)
    root = [n for n in tree_nodes(tree) if n["pid"] == lines[0]["root_pid"]][0]
    check(root["end_ns"] is None and root.get("unknown_after_ns"),
          f"the root in tree --json: end_ns {root['end_ns']}, unknown_after_ns "
          f"{root.get('unknown_after_ns')}")


# ---------------------------------------------------------------- the runner


# Tests run alone, not beside another: they measure how many cores the workload gets.
ALONE = {"threads and CPU: the GIL, seen by the kernel"}


def all_tests():
    """(name, function, needs_bpf) in the order to start them: the longest first."""
    tracer = []
    for method in METHODS:
        tracer += [
            (f"missing-guard pool {method}", lambda c, m=method: test_missing_guard_pool(c, m)),
            (f"daemon --parent-waits {method}",
             lambda c, m=method: test_daemon(c, m, parent_waits=True)),
            (f"pool-basics {method}", lambda c, m=method: test_pool_basics(c, m)),
            (f"pool-recycle {method}", lambda c, m=method: test_pool_recycle(c, m)),
            (f"pool-recycle --chunksize default {method}",
             lambda c, m=method: test_pool_recycle_note(c, m)),
            (f"gil {method}", lambda c, m=method: test_gil(c, m)),
            (f"executor {method}", lambda c, m=method: test_executor(c, m)),
            (f"daemon --parent-first {method}", lambda c, m=method: test_daemon(c, m)),
            (f"process-basics {method}", lambda c, m=method: test_process_basics(c, m)),
            (f"identity {method}", lambda c, m=method: test_identity(c, m)),
            (f"start-methods {method}", lambda c, m=method: test_start_methods(c, m)),
            (f"missing-guard process {method}",
             lambda c, m=method: test_missing_guard_process(c, m)),
            (f"queue-pipe {method}", lambda c, m=method: test_queue_pipe(c, m)),
            (f"two executors {method}", lambda c, m=method: test_two_executors(c, m)),
        ]
    tracer += [
        ("executor max_tasks_per_child spawns", test_executor_max_tasks),
        ("daemon --tempo 1.5: the same lesson, slower", test_daemon_tempo),
        ("shell workload: codes, SIGKILL, orphan", test_shell_workload),
        ("hook: --method spawn is the default", test_hook_default),
        ("hook: the program's own choice wins", test_hook_program_choice),
        ("--duration stops the workload", test_duration),
        ("a dropped pending SIGTERM: live == replay", test_pending_sigterm),
        ("termination: one SIGTERM per process", test_term_once),
        ("threads and CPU: the GIL, seen by the kernel", test_threads_and_cpu),
        ("runs followed across a thread's exec and out of the cgroup",
         test_runs_follow_exec_and_escape),
        ("a signal to a dying target is no ignored signal", test_signal_to_a_dying_target),
        ("subprocess children are not multiprocessing children", test_subprocess_children),
        ("exit status: the workload's own", test_exit_status_is_the_workload),
        ("forkscope killed: the recording is kept", test_killed_forkscope_keeps_its_recording),
        ("--all as root: accepted, exits 0", test_all_as_root),
    ]
    tracer += fault_tests()
    tracer += capture_tests(traced_run, tree_json)
    tracer += pylive_tests(traced_run)
    tracer += pyhook_tests(traced_run, tree_json)
    plain = [
        ("unknown demo", test_unknown_demo),
        ("missing command", test_missing_command),
        ("demos lists every demo", test_demos_list),
        ("demos take --tempo", test_demo_tempo_option),
        ("--method bogus", test_bogus_method),
        ("usage errors", test_usage_errors),
        ("tree of a missing file", test_tree_missing_file),
    ]
    plain += pyfacts_tests()  # recordings made with Python's hook, replayed
    plain += install_tests()  # make install, the man page, completion, doctor
    plain += recordings_tests()  # demos/recordings replayed as nobody, one lesson each
    return [(n, f, True) for n, f in tracer] + [(n, f, False) for n, f in plain]


def bpf_problem(ctx):
    """None if the tracer works here, else why not."""
    res = ctx.run(["run", "--json", "--", "/bin/true"], timeout=30)
    if res.rc != 0 or '"type":"end"' not in res.stdout.replace(" ", ""):
        who = "" if os.geteuid() == 0 else " (not root)"
        return f"`forkscope run -- /bin/true` failed{who}, exit {res.rc}: {res.stderr_tail(1)}"
    if res.leftovers:
        return f"`forkscope run -- /bin/true` left processes behind: {res.leftovers}"
    return None


def main():
    parser = argparse.ArgumentParser(description="forkscope integration tests")
    parser.add_argument("-k", metavar="PATTERN", help="run only tests whose name has PATTERN")
    parser.add_argument("-j", type=int, default=2, help="tests in parallel (default 2)")
    args = parser.parse_args()
    binary = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build/forkscope")))
    if not os.access(binary, os.X_OK):
        print(f"FAIL - setup: no forkscope binary at {binary}")
        print("0 passed, 1 failed")
        return 1
    tests = [t for t in all_tests() if not args.k or args.k in t[0]]
    passed = failed = skipped = 0
    lock = threading.Lock()
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="forkscope-it-") as tmpdir:
        ctx = Context(binary, tmpdir)
        problem = bpf_problem(ctx) if any(t[2] for t in tests) else None
        if problem:
            if os.environ.get("CI") == "true":
                print(f"FAIL - bpf available: {problem}")
                failed += 1
            else:
                print(f"SKIP: {problem}")
            skipped += sum(1 for t in tests if t[2])
            tests = [t for t in tests if not t[2]]

        def one(test):
            nonlocal passed, failed, skipped
            name, func, _ = test
            t0 = time.monotonic()
            try:
                func(ctx)
                line, outcome = f"ok - {name}", "passed"
            except TestFailure as error:
                line, outcome = f"FAIL - {name}: {error}", "failed"
            except Skip as why:
                line, outcome = f"skip - {name}: {why}", "skipped"
            except Exception as error:  # a bug in the test or a malformed output
                line, outcome = f"FAIL - {name}: {type(error).__name__}: {error}", "failed"
            with lock:
                print(f"{line} ({time.monotonic() - t0:.1f} s)", flush=True)
                if outcome == "passed":
                    passed += 1
                elif outcome == "failed":
                    failed += 1
                else:
                    skipped += 1

        # tests that measure how many cores the workload gets run alone, after the others
        alone = [t for t in tests if t[0] in ALONE]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
            list(pool.map(one, [t for t in tests if t[0] not in ALONE]))
        for test in alone:
            one(test)

    print(f"# {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
