"""Fault tests of issue 4 with the real tracer: cleanup for every way a run can end
(forkscope killed with SIGKILL included), privileges under sudo, the process cap, lost
events with a tiny ring buffer, and live delivery of events. Imported by run_tests.py."""
import glob
import json
import os
import re
import signal
import subprocess
import time

from fslib import (NOBODY_UID, Recording, TestFailure, as_user, check, copy_for_other_users,
                   load_recording, other_user_cwd, other_user_env, session_processes)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMOS = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, "demos", "*.py"))
               if not os.path.basename(p).startswith("_"))
METHODS = ("fork", "spawn", "forkserver")
NOBODY = NOBODY_UID
# Ways a run is ended from outside, with how long to let it run first.
ENDINGS = ("duration", "SIGINT", "SIGTERM", "SIGHUP", "SIGKILL")
# A workload whose processes try to escape: a new session, a double fork, ignored SIGTERM.
ESCAPER = ("setsid sh -c 'trap \"\" TERM; sleep 30' & "
           "( (trap '' TERM HUP; sleep 30) & ) ; "
           "nohup sleep 30 >/dev/null 2>&1 & sleep 30")


def cgroups_of(pid):
    """forkscope-<pid> cgroup directories that still exist."""
    return [d for d in glob.glob("/sys/fs/cgroup/**/forkscope-%d" % pid, recursive=True)
            if os.path.isdir(d)]


def wait_until(predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def end_run(ctx, name, run_args, ending, after=1.0):
    """Start forkscope run --no-tui, end it by `ending`, and prove nothing is left."""
    args = ["run", "--no-tui", "--python", "/usr/bin/python3"]
    if ending == "duration":
        args += ["--duration", str(after)]
    argv = [ctx.binary] + args + run_args
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    # a short demo may be over before the signal: then the test only proves the cleanup
    wait_until(lambda: len(session_processes(proc.pid)) >= 2 or proc.poll() is not None, 10)
    try:
        time.sleep(after / 2)
        if ending != "duration" and proc.poll() is None:
            proc.send_signal(getattr(signal, ending))
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"{name}: forkscope did not end within 15 s after {ending}")
        gone = wait_until(lambda: not session_processes(proc.pid), 5)
        left = session_processes(proc.pid)
        check(gone, f"{name}: after {ending}, processes left behind: {left}")
        check(wait_until(lambda: not cgroups_of(proc.pid), 8),
              f"{name}: cgroups left behind: {cgroups_of(proc.pid)}")
        if ending != "SIGKILL":
            err = proc.stderr.read().decode(errors="replace")
            # the workload's own status: 0, or 128 + the signal that ended it
            check(proc.returncode in (0, 128 + signal.SIGTERM, 128 + signal.SIGKILL),
                  f"{name}: exit {proc.returncode}: {err[-300:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in session_processes(proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.stderr.close()


def cleanup_tests():
    """Every demo under every method, each ended one of the ways (rotating), plus SIGKILL
    of forkscope for every demo and method, and the escaping workload for every ending."""
    tests = []
    k = 0
    for demo in DEMOS:
        for method in METHODS:
            for ending in sorted({ENDINGS[k % (len(ENDINGS) - 1)], "SIGKILL"}):
                name = f"cleanup {demo} {method} {ending}"
                tests.append((name, lambda c, n=name, d=demo, m=method, e=ending:
                              end_run(c, n, ["--method", m, d], e, after=0.8)))
            k += 1
    for ending in ENDINGS:
        name = f"cleanup escaping workload {ending}"
        tests.append((name, lambda c, n=name, e=ending:
                      end_run(c, n, ["--", "/bin/sh", "-c", ESCAPER], e, after=1.0)))
    return tests


def test_sudo_user(ctx):
    """Under sudo (SUDO_UID/SUDO_GID) the workload runs as that user, and the recording
    belongs to it; --as-root keeps root. The workload (nobody) reads the demo: a copy of
    forkscope and its data nobody can read is run, wherever the clone lies."""
    with copy_for_other_users(ctx.binary) as binary:
        sudo_user_runs(ctx, binary)


def sudo_user_runs(ctx, binary):
    os.chmod(ctx.tmpdir, 0o777)
    env = other_user_env(dict(os.environ, SUDO_UID=str(NOBODY), SUDO_GID=str(NOBODY)))
    cwd = other_user_cwd(binary)
    out = ctx.path("sudo.jsonl")
    res = subprocess.run([binary, "run", "--json", "-o", out, "--", "/bin/sh", "-c",
                          "echo uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME"],
                         env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    check(res.returncode == 0, f"run exited {res.returncode}: {res.stderr[-300:]}")
    printed = load_recording(out).printed()
    check(f"uid={NOBODY} gid={NOBODY} groups={NOBODY}" in printed,
          f"the workload did not run as nobody: {printed[-300:]}")
    st = os.stat(out)
    check((st.st_uid, st.st_gid) == (NOBODY, NOBODY),
          f"the recording belongs to {st.st_uid}:{st.st_gid}, not nobody")
    res = subprocess.run([binary, "run", "--as-root", "--json", "--", "/usr/bin/id", "-u"],
                         env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    printed = Recording(res.stdout).printed() if res.returncode == 0 else ""
    check(res.returncode == 0 and printed.strip().splitlines()[0] == "0",
          f"--as-root did not run as root: {printed[-200:]} {res.stderr[-200:]}")
    res = subprocess.run([binary, "run", "--no-tui", "--python", "/usr/bin/python3",
                          "--method", "spawn", "process-basics"], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=60)
    check(res.returncode == 0 and "exit status: 3 exited 0" in res.stdout,
          f"a spawn demo as nobody failed: {res.stdout[-300:]} {res.stderr[-300:]}")


def test_no_shell_string(ctx):
    """Arguments reach the workload through exec: shell syntax stays text."""
    marker = ctx.path("injected")
    arg = f"$(touch {marker}); `touch {marker}`; touch {marker}"
    res = ctx.run(["run", "--json", "--", "/bin/echo", arg])
    check(res.rc == 0, f"run exited {res.rc}")
    check(not os.path.exists(marker), "an argument was run by a shell")
    check(arg in Recording(res.stdout).printed(), "the argument did not reach echo unchanged")


def test_max_procs(ctx):
    """--max-procs caps the workload's live processes: a process forked over the cap is
    killed at once, the others live; the summary says how many were killed."""
    out = ctx.path("cap.jsonl")
    res = ctx.run(["run", "--no-tui", "--max-procs", "10", "-o", out, "--", "/bin/sh", "-c",
                   "for i in $(seq 40); do sleep 2 & done; wait"])
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    m = re.search(r"process cap: (\d+) processes forked over 10 live ones were killed at "
                  r"once \(--max-procs\)", res.stdout)
    check(m, f"the summary does not mention the cap: {res.stdout[-300:]!r}")
    rec = load_recording(out)
    killed = {p.pid for p in rec.procs if p.exit and p.exit["signal"] == signal.SIGKILL}
    check(len(killed) == int(m.group(1)), f"{len(killed)} processes died of SIGKILL, the "
          f"summary says {m.group(1)} were killed")
    live = peak = 0
    for ev in rec.events:
        if ev["type"] == "fork" and ev["pid"] not in killed:
            live += 1
        elif ev["type"] == "exit" and ev["pid"] not in killed:
            live -= 1
        peak = max(peak, live)
    check(peak == 10, f"{peak} processes that were not killed lived at once, expected 10")
    for ev in rec.events:
        if ev["type"] == "fork":
            over = ev["subtree_live"] > 10
            check(over == (ev["pid"] in killed),
                  f"pid {ev['pid']}: forked with {ev['subtree_live']} live, killed: "
                  f"{ev['pid'] in killed}")


def test_max_procs_counts_processes_not_threads(ctx):
    """--max-procs 8 lets one process start 20 threads: threads are not processes."""
    script = ("import threading, time\n"
              "ts = [threading.Thread(target=time.sleep, args=(0.2,)) for _ in range(20)]\n"
              "[t.start() for t in ts]; [t.join() for t in ts]; print('20 threads ran')\n")
    res = ctx.run(["run", "--no-tui", "--max-procs", "8", "--", "/usr/bin/python3", "-c",
                   script])
    check(res.rc == 0, f"run exited {res.rc}: {res.stderr_tail()}")
    check("20 threads ran" in res.stdout, f"the threads did not all run: {res.stdout[-300:]!r}")
    check("cap:" not in res.stdout, f"a cap was reported: {res.stdout[-300:]!r}")


def test_fork_bomb_capped(ctx):
    """A fork bomb under a process cap ends and leaves nothing behind."""
    bomb = "b() { b & b & }; b; sleep 1"
    res = ctx.run(["run", "--no-tui", "--max-procs", "200", "--duration", "3", "--",
                   "/bin/bash", "-c", bomb], timeout=60)
    check(not res.leftovers, f"processes left behind: {res.leftovers[:10]}")
    check(re.search(r"(process|task) cap: ", res.stdout), "the cap was not reported")


LOST_STORM = 20000  # forks: a few seconds of storm here


def test_lost_events(ctx):
    """A tiny ring buffer under a fork storm: the loss is counted in the kernel and shown
    in the summary and the end line, and the tree stays consistent."""
    storm = os.path.join(os.path.dirname(ctx.binary), "storm")
    if not os.access(storm, os.X_OK):
        subprocess.run(["make", "-s", "-C", REPO, os.path.relpath(storm, REPO)], check=True,
                       capture_output=True)
    out = ctx.path("lost.jsonl")
    argv = [ctx.binary, "run", "--json", "--ringbuf-kb", "16", "--max-procs", "0", "-o", out,
            "--", storm, "--no-exec", str(LOST_STORM)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        # the reader may keep up with a storm on its own: stop it for a moment while the
        # storm goes on, so the 16 KiB buffer surely overflows
        wait_until(lambda: len(session_processes(proc.pid)) >= 1, 10)
        time.sleep(0.3)
        storming = bool(session_processes(proc.pid))
        proc.send_signal(signal.SIGSTOP)
        time.sleep(0.5)
        proc.send_signal(signal.SIGCONT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = err.decode(errors="replace")
    check(proc.returncode == 0, f"run exited {proc.returncode}: {stderr[-300:]}")
    check(storming, "the storm was over before forkscope was paused")
    rec = load_recording(out)
    end = rec.end
    check(end and end["lost"] > 0, f"no loss counted with a 16 KiB buffer: {end}")
    check(f"lost events: {end['lost']}" in stderr, "the summary does not show the loss")
    tree = ctx.run(["tree", "--json", out])
    check(tree.rc == 0, f"tree exited {tree.rc}: {tree.stderr_tail()}")
    roots = json.loads(tree.stdout)
    pids = []

    def walk(nodes):
        for n in nodes:
            pids.append(n["pid"])
            walk(n["children"])
    walk(roots)
    check(len(pids) >= LOST_STORM - end["lost"], f"only {len(pids)} processes in the tree")
    check(rec.root_pid in pids, "the root is missing from the tree")


def test_events_arrive_live(ctx):
    """Events reach the output while the workload still runs (not only at its end)."""
    argv = [ctx.binary, "run", "--json", "--", "/bin/sh", "-c", "/bin/true; sleep 3"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    start = time.monotonic()
    seen_at = None
    try:
        for line in proc.stdout:
            if b'"filename":"/bin/true"' in line or b'"filename":"/usr/bin/true"' in line:
                seen_at = time.monotonic() - start
                break
    finally:
        proc.kill()
        proc.wait()
        for pid in session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
    check(seen_at is not None, "the exec of /bin/true never appeared")
    check(seen_at < 2.0, f"the exec appeared only after {seen_at:.1f} s (the workload runs 3 s)")


def test_no_bpf_privileges(ctx):
    """Without BPF privileges: a message saying what is missing and how to grant it; tree
    still works on a recording."""
    rec = ctx.path("nobody.jsonl")
    ok = ctx.run(["run", "--json", "-o", rec, "--", "/bin/true"])
    check(ok.rc == 0, f"run as root failed: {ok.stderr_tail()}")
    os.chmod(rec, 0o644)
    os.chmod(ctx.tmpdir, 0o755)
    with copy_for_other_users(ctx.binary) as binary:
        no_bpf_runs(binary, rec)


def no_bpf_runs(binary, rec):
    """As nobody, a copy of forkscope nobody can read: refused for BPF, tree works."""
    drop = as_user(NOBODY)
    env, cwd = other_user_env(), other_user_cwd(binary)
    res = subprocess.run(drop + [binary, "run", "--no-tui", "--", "/bin/true"], env=env,
                         cwd=cwd, capture_output=True, text=True, timeout=30)
    check(res.returncode == 1, f"exit {res.returncode} without privileges")
    msg = res.stderr.strip()
    check(len(msg.splitlines()) == 1, f"not a one-line error: {msg!r}")
    check("CAP_BPF" in msg and "CAP_PERFMON" in msg and "root" in msg,
          f"the error does not say how to grant privileges: {msg}")
    res = subprocess.run(drop + [binary, "tree", rec], env=env, cwd=cwd, capture_output=True,
                         text=True, timeout=30)
    check(res.returncode == 0 and "main" in res.stdout,
          f"tree as nobody failed: {res.returncode} {res.stderr[-200:]}")


def fault_tests():
    """(name, function) pairs that need the tracer."""
    return cleanup_tests() + [
        ("sudo: the workload runs as the invoking user", test_sudo_user),
        ("arguments never pass through a shell", test_no_shell_string),
        ("--max-procs caps live processes", test_max_procs),
        ("--max-procs counts processes, not threads", test_max_procs_counts_processes_not_threads),
        ("a fork bomb is capped and cleaned up", test_fork_bomb_capped),
        ("lost events are counted and shown", test_lost_events),
        ("events arrive while the workload runs", test_events_arrive_live),
        ("no BPF privileges: clear message, tree works", test_no_bpf_privileges),
    ]
