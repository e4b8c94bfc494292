"""The Python hook with the real tracer (issue 11's tests): a Manager's server is
"manager"; spawn's start costs at least 10 times fork's (fork -> ready); the hook changes
nothing of the program's output; --no-pyhook gives the kernel-only picture; the hook works
for a workload running as nobody; two executors in a row replace nobody and a Pool's
workers run at most maxtasksperchild tasks. Imported by run_tests.py, which hands over
its traced_run and tree_json."""
import os
import statistics
import subprocess

from fslib import (NOBODY_UID, check, copy_for_other_users, load_recording, other_user_cwd,
                   other_user_env, tree_nodes)

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
POOL = os.path.join(HERE, "pyhook_pool.py")
MANAGER = os.path.join(HERE, "pyhook_manager.py")
TWO_EXECUTORS = os.path.join(HERE, "two_executors.py")
# what a process's Python facts are in tree --json; without the hook all unset
PY_FIELDS = ("py_version", "py_hook", "py_name", "py_kind", "daemon", "target", "py_method",
             "py_pool", "py_pool_creator", "interp_ready_ns", "main_imported_ns", "ready_ns",
             "py_end_ns", "py_stop")


def pool_workers(nodes):
    return [n for n in nodes if n["py_kind"] == "pool_worker"]


def describe(nodes):
    return [(n["pid"], n["role"], n["py_kind"], n["py_name"]) for n in nodes]


def test_manager(ctx, traced_run, method):
    """A Manager's server process is py_kind "manager", named by multiprocessing."""
    t = traced_run(ctx, f"pyhook manager {method}", ["--", PYTHON, MANAGER, method])
    servers = [n for n in t.nodes if n["py_kind"] == "manager"]
    check(len(servers) == 1, f"{len(servers)} manager processes: {describe(t.nodes)}")
    check(servers[0]["pid"] != t.rec.root_pid and servers[0]["py_hook"] in ("spoke", "inherited"),
          f"the manager: {describe(servers)}, hook {servers[0]['py_hook']}")
    check("manager: {0: 0, 1: 1, 2: 4} [0, 1, 2]" in t.printed, "the manager's answer")


def median_start(ctx, traced_run, method):
    """The median fork -> ready (ready_ns - start_ns) of one Pool run's workers, in ns."""
    t = traced_run(ctx, f"pyhook start {method}", ["--", PYTHON, POOL, method])
    ws = pool_workers(t.nodes)
    check(len(ws) == 2, f"{method}: {len(ws)} Pool workers: {describe(t.nodes)}")
    costs = []
    for w in ws:
        check(w["ready_ns"] is not None and w["ready_ns"] >= w["start_ns"],
              f"{method}: worker {w['pid']} ready_ns {w['ready_ns']}, start {w['start_ns']}")
        costs.append(w["ready_ns"] - w["start_ns"])
    return statistics.median(costs)


def test_start_cost(ctx, traced_run):
    """The same small Pool under fork and under spawn: spawn's median fork -> ready is at
    least 10 times fork's (the interpreter starts and re-imports the main module)."""
    fork = median_start(ctx, traced_run, "fork")
    spawn = median_start(ctx, traced_run, "spawn")
    check(spawn >= 10 * fork, f"fork -> ready: spawn {spawn / 1e6:.2f} ms, fork "
          f"{fork / 1e6:.2f} ms (ratio {spawn / max(fork, 1):.1f}, expected >= 10)")


def output_lines(rec):
    """Each writer's (process, stream) output lines, writers in order of first write."""
    return rec.printed().splitlines()


def hook_and_not(ctx, traced_run, name, args):
    """The same workload traced with the hook (the default) and with --no-pyhook."""
    on = traced_run(ctx, f"{name} on", args)
    off = traced_run(ctx, f"{name} off", ["--no-pyhook"] + args)
    return on, off


def test_same_output(ctx, traced_run, method):
    """The hook changes nothing of what the program prints: the output lines of the
    recording (stdout and stderr, per writer) are equal with and without it."""
    on, off = hook_and_not(ctx, traced_run, f"pyhook output {method}",
                           ["--", PYTHON, POOL, method])
    lines_on, lines_off = output_lines(on.rec), output_lines(off.rec)
    check(lines_on and "squares: [0, 1, 4, 9, 16, 25, 36, 49]" in lines_on,
          f"the workload's lines with the hook: {lines_on}")
    check(lines_on == lines_off, f"output with the hook {lines_on}, without {lines_off}")
    check(on.rec.channel() and not off.rec.channel(), "channel records: with the hook "
          f"{len(on.rec.channel())}, without {len(off.rec.channel())}")


def test_no_pyhook(ctx, traced_run, method):
    """--no-pyhook: no channel line, no Python fact in tree --json, the kernel's roles
    (the same as with the hook, which only adds facts)."""
    on, off = hook_and_not(ctx, traced_run, f"pyhook kernel-only {method}",
                           ["--", PYTHON, POOL, method])
    check(off.rec.header.get("pyhook") is False, f"header: {off.rec.header}")
    check(not off.rec.channel(), f"{len(off.rec.channel())} channel lines without the hook")
    for n in off.nodes:
        told = {k: n.get(k) for k in PY_FIELDS if n.get(k) is not None}
        check(not told, f"pid {n['pid']} has Python facts without the hook: {told}")
        check(not n.get("tasks") and not n.get("task_items") and not n.get("replaces_told")
              and not n.get("facts"), f"pid {n['pid']}: tasks {n.get('tasks')}, facts "
              f"{n.get('facts')} without the hook")
    roles_on = sorted(n["role"] for n in on.nodes)
    roles_off = sorted(n["role"] for n in off.nodes)
    check(roles_off == roles_on, f"roles without the hook {roles_off}, with it {roles_on}")
    check(roles_off.count("mp_child") == 2, f"roles without the hook {roles_off}")
    check(pool_workers(on.nodes), "with the hook: no pool_worker")


def test_nobody(ctx, tree_json):
    """The workload runs as nobody (under sudo): the hook's facts arrive, with the
    workers' names and kinds; a copy of forkscope nobody can read runs it."""
    os.chmod(ctx.tmpdir, 0o777)
    out = ctx.path("pyhook-nobody.jsonl")
    with copy_for_other_users(ctx.binary) as binary:
        env = other_user_env(dict(os.environ, SUDO_UID=str(NOBODY_UID),
                                  SUDO_GID=str(NOBODY_UID)))
        script = os.path.join(os.path.dirname(binary), "pyhook_pool.py")
        with open(POOL) as src, open(script, "w") as dst:
            dst.write(src.read())
        os.chmod(script, 0o644)
        res = subprocess.run([binary, "run", "--json", "-o", out, "--", PYTHON, script,
                              "spawn"], env=env, cwd=other_user_cwd(binary),
                             capture_output=True, text=True, timeout=120)
    check(res.returncode == 0, f"run as nobody exited {res.returncode}: {res.stderr[-300:]}")
    rec = load_recording(out)
    check(rec.header.get("pyhook") is True and rec.channel(),
          f"as nobody: header {rec.header}, {len(rec.channel())} channel lines")
    check(f"uid: {NOBODY_UID}" in rec.printed(), f"not run as nobody: {rec.printed()!r}")
    nodes = tree_nodes(tree_json(ctx, out))
    ws = sorted(pool_workers(nodes), key=lambda n: n["start_ns"])
    check([w["py_name"] for w in ws] == ["SpawnPoolWorker-1", "SpawnPoolWorker-2"],
          f"as nobody: workers {describe(nodes)}")
    check(all(w["py_hook"] == "spoke" and w["daemon"] is True and w["ready_ns"] for w in ws),
          f"as nobody: {[(w['py_hook'], w['daemon'], w['ready_ns']) for w in ws]}")
    check(sum(w["tasks"] for w in ws) == 8, f"as nobody: tasks {[w['tasks'] for w in ws]}")
    main = [n for n in nodes if n["pid"] == rec.root_pid]
    check(main and main[0]["py_hook"] == "spoke", "as nobody: the main process did not speak")


def test_no_replacements(ctx, traced_run, method):
    """Two executors in a row: executor workers told, none replaces another; a
    Pool(maxtasksperchild=2) over 8 tasks: at most 2 tasks per worker, 8 in all."""
    t = traced_run(ctx, f"pyhook executors {method}", ["--", PYTHON, TWO_EXECUTORS, method])
    ex = [n for n in t.nodes if n["py_kind"] == "executor_worker"]
    check(len(ex) == 4, f"{len(ex)} executor workers: {describe(t.nodes)}")
    check(not any(n["replaces"] or n["replaces_told"] for n in t.nodes),
          f"replacements: {[(n['pid'], n['replaces']) for n in t.nodes if n['replaces']]}")
    p = traced_run(ctx, f"pyhook maxtasks {method}", ["--", PYTHON, POOL, method, "2"])
    ws = pool_workers(p.nodes)
    tasks = [w["tasks"] for w in ws]
    check(len(ws) >= 4 and all(k <= 2 for k in tasks) and sum(tasks) == 8,
          f"tasks per worker {tasks}, maxtasksperchild=2 over 8 tasks")
    check(all(w["replaces_told"] for w in ws if w["replaces"]),
          "a replacement not told by the facts")


def pyhook_tests(traced_run, tree_json):
    """(name, function) of these tests, for run_tests.py."""
    tests = []
    for m in ("fork", "spawn", "forkserver"):
        tests += [
            (f"pyhook: a Manager's server, {m}", lambda c, m=m: test_manager(c, traced_run, m)),
            (f"pyhook: two executors, maxtasksperchild, {m}",
             lambda c, m=m: test_no_replacements(c, traced_run, m)),
        ]
    tests += [
        ("pyhook: spawn's start at least 10x fork's", lambda c: test_start_cost(c, traced_run)),
        ("pyhook: the same output, fork", lambda c: test_same_output(c, traced_run, "fork")),
        ("pyhook: the same output, spawn", lambda c: test_same_output(c, traced_run, "spawn")),
        ("pyhook: --no-pyhook is kernel-only, fork",
         lambda c: test_no_pyhook(c, traced_run, "fork")),
        ("pyhook: --no-pyhook is kernel-only, spawn",
         lambda c: test_no_pyhook(c, traced_run, "spawn")),
        ("pyhook: a workload running as nobody", lambda c: test_nobody(c, tree_json)),
    ]
    return tests
