#!/usr/bin/python3
"""Write a synthetic forkscope recording (JSON Lines, schema 1) for the replay benchmarks.

    gen_recording.py (--events N | --procs N) [--seed S] [--jobs J] [--pid-max P] -o FILE

The workload it describes is a parallel build: the root runs `make -j J`, which keeps J
jobs going at once. A job is one of

* a compile (4 processes): make forks `sh -c "gcc ..."`, sh forks gcc, gcc forks cc1 and
  then as;
* a shell step (2 processes): make forks `sh -c "mkdir -p ... && touch ..."`, sh forks
  mkdir;
* an echo (1 process): make forks `sh -c "echo ..."`, which exits at once.

Every process has a fork, an exec, an exit and the SIGCHLD its exit sends to its parent:
4 events, short-lived, with realistic argv. PIDs are allocated as the kernel does (next
free number, wrapping at --pid-max to 300), so a long recording reuses PIDs. The output
is deterministic for a given set of options.

--events N stops at N events or a few fewer (the last jobs are chosen to fit);
--procs N writes exactly N processes, the root included. On success it prints one line:
`events=<n> procs=<n> bytes=<n>`. Exit status 0, 1 on an I/O error, 2 on a usage error.
"""

import argparse
import json
import random
import sys

START_REALTIME_NS = 1_700_000_000_000_000_000
KERNEL = "Linux 6.1.0-13-amd64 x86_64"
TOOL = "forkscope 0.1.0"
FORKER = 4000  # forkscope's own PID: the root's parent
PID_MIN = 300  # where the kernel starts again after wrapping

DIRS = ["core", "net", "util", "ui", "io", "db", "parse", "crypto", "sched", "mem"]
WORDS = ["alloc", "buffer", "cache", "config", "event", "hash", "index", "list", "log",
         "map", "node", "pool", "queue", "reader", "signal", "table", "timer", "tree",
         "writer", "worker"]
CFLAGS = ["-O2", "-g", "-Wall", "-Wextra", "-std=gnu11", "-fPIC", "-D_GNU_SOURCE",
          "-Iinclude", "-Isrc"]
JOB_PROCS = {"compile": 4, "shell": 2, "echo": 1}


def jstr(s):
    """A JSON string; plain ASCII needs no escaping, which is the common (fast) case."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return json.dumps(s)


def jargv(argv):
    return "[" + ",".join(jstr(a) for a in argv) + "]"


class Gen:
    """Allocates PIDs and time, and writes the event lines."""

    def __init__(self, out, rng, pid_max):
        self.out = out
        self.rng = rng
        self.pid_max = pid_max
        self.last_pid = FORKER
        self.live = {FORKER}
        self.t = 1_000_000
        self.events = 0
        self.procs = 0
        self.buf = []

    def _tick(self):
        self.t += self.rng.randint(20_000, 400_000)
        return self.t

    def _emit(self, line):
        self.buf.append(line)
        self.events += 1
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self):
        self.out.write("\n".join(self.buf) + "\n" if self.buf else "")
        self.buf = []

    def alloc_pid(self):
        pid = self.last_pid
        while True:
            pid += 1
            if pid >= self.pid_max:
                pid = PID_MIN
            if pid not in self.live:
                break
        self.last_pid = pid
        self.live.add(pid)
        return pid

    def fork(self, ppid, comm):
        pid = self.alloc_pid()
        self.procs += 1
        self._emit(f'{{"type":"fork","t_ns":{self._tick()},"pid":{pid},"ppid":{ppid},'
                   f'"parent_tid":{ppid},"comm":{jstr(comm)},"parent_threads":1}}')
        return pid

    def exec(self, pid, ppid, filename, argv):
        self._emit(f'{{"type":"exec","t_ns":{self._tick()},"pid":{pid},"ppid":{ppid},'
                   f'"filename":{jstr(filename)},"argv":{jargv(argv)}}}')

    def exit(self, pid, ppid, comm, code=0, signal_parent=True):
        self._emit(f'{{"type":"exit","t_ns":{self._tick()},"pid":{pid},"ppid":{ppid},'
                   f'"comm":{jstr(comm)},"exit_code":{code},"signal":null,'
                   f'"core_dumped":false}}')
        self.live.discard(pid)
        if signal_parent:
            self._emit(f'{{"type":"signal","t_ns":{self._tick()},"pid":{pid},'
                       f'"target":{ppid},"sig":17}}')


def compile_job(g, make, rng, k):
    """make -> sh -c "gcc ..." -> gcc -> cc1, as. Yields after each event."""
    d = rng.choice(DIRS)
    name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}{k % 97}"
    src, obj = f"src/{d}/{name}.c", f"build/{d}/{name}.o"
    flags = rng.sample(CFLAGS, rng.randint(3, len(CFLAGS)))
    gcc_argv = ["gcc"] + flags + ["-c", src, "-o", obj]
    sh = g.fork(make, "make")
    yield
    g.exec(sh, make, "/bin/sh", ["/bin/sh", "-c", " ".join(gcc_argv)])
    yield
    gcc = g.fork(sh, "sh")
    yield
    g.exec(gcc, sh, "/usr/bin/gcc", gcc_argv)
    yield
    tmp = f"/tmp/cc{rng.randrange(16**6):06x}.s"
    cc1 = g.fork(gcc, "gcc")
    yield
    g.exec(cc1, gcc, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
           ["/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet"] + [f for f in flags if
                                                               f.startswith(("-I", "-D"))]
           + ["-imultiarch", "x86_64-linux-gnu", src, "-quiet", "-dumpdir", "build/",
              "-dumpbase", f"{name}.c", "-dumpbase-ext", ".c", "-mtune=generic",
              "-march=x86-64"] + [f for f in flags if f.startswith(("-O", "-W", "-g",
                                                                    "-std", "-f"))]
           + ["-o", tmp])
    yield
    g.exit(cc1, gcc, "cc1")
    yield
    asm = g.fork(gcc, "gcc")
    yield
    g.exec(asm, gcc, "/usr/bin/as", ["as", "--64", "-o", obj, tmp])
    yield
    g.exit(asm, gcc, "as")
    yield
    g.exit(gcc, sh, "gcc")
    yield
    g.exit(sh, make, "sh")
    yield


def shell_job(g, make, rng, k):
    """make -> sh -c "mkdir -p ... && touch ..." -> mkdir."""
    d = f"build/{rng.choice(DIRS)}/{rng.choice(WORDS)}{k % 13}"
    sh = g.fork(make, "make")
    yield
    g.exec(sh, make, "/bin/sh", ["/bin/sh", "-c", f"mkdir -p {d} && touch {d}/.stamp"])
    yield
    mk = g.fork(sh, "sh")
    yield
    g.exec(mk, sh, "/usr/bin/mkdir", ["mkdir", "-p", d])
    yield
    g.exit(mk, sh, "mkdir")
    yield
    g.exit(sh, make, "sh")
    yield


def echo_job(g, make, rng, k):
    """make -> sh -c "echo ..." (a shell built-in: no further process)."""
    sh = g.fork(make, "make")
    yield
    g.exec(sh, make, "/bin/sh", ["/bin/sh", "-c", f"echo '  CC      {rng.choice(WORDS)}{k}.o'"])
    yield
    g.exit(sh, make, "sh")
    yield


JOBS = {"compile": compile_job, "shell": shell_job, "echo": echo_job}


def pick_kind(rng, budget_procs):
    """A job kind by weight (compile 60 %, shell 25 %, echo 15 %) that fits the budget."""
    x = rng.random()
    kind = "compile" if x < 0.60 else ("shell" if x < 0.85 else "echo")
    while JOB_PROCS[kind] > budget_procs:
        kind = {"compile": "shell", "shell": "echo"}[kind]
    return kind


def generate(out, args):
    rng = random.Random(args.seed)
    g = Gen(out, rng, args.pid_max)
    root = g.alloc_pid()
    command = ["/usr/bin/make", f"-j{args.jobs}", "all"]
    out.write('{"type":"header","schema":1,"tool":' + jstr(TOOL) + f',"root_pid":{root},'
              f'"command":{jargv(command)},"method":null,"python":null,'
              f'"kernel":{jstr(KERNEL)},"start_realtime_ns":{START_REALTIME_NS}}}\n')
    g.procs += 1
    g._emit(f'{{"type":"fork","t_ns":{g._tick()},"pid":{root},"ppid":{FORKER},'
            f'"parent_tid":{FORKER},"comm":"forkscope","parent_threads":1}}')
    g.exec(root, FORKER, "/usr/bin/make", command)
    # Budget in processes (--procs) or in events (--events; 4 per process, the root's
    # exit included): the last jobs are chosen to fit.
    if args.procs is not None:
        budget = args.procs - 1
    else:
        budget = max(args.events - 3, 0) // 4
    active, k = [], 0
    while True:
        while len(active) < args.jobs and budget > 0:
            kind = pick_kind(rng, budget)
            budget -= JOB_PROCS[kind]
            active.append(JOBS[kind](g, root, rng, k))
            k += 1
        if not active:
            break
        job = active[rng.randrange(len(active))]
        try:
            next(job)
        except StopIteration:
            active.remove(job)
    g.exit(root, FORKER, "make", signal_parent=False)
    g.flush()
    out.write(f'{{"type":"end","t_ns":{g._tick() + 100_000_000},"events":{g.events},'
              f'"lost":0}}\n')
    return g


def main():
    ap = argparse.ArgumentParser(description="write a synthetic forkscope recording")
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--events", type=int, help="about this many events (at most)")
    size.add_argument("--procs", type=int, help="exactly this many processes")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--jobs", type=int, default=4, help="parallel jobs (default 4)")
    ap.add_argument("--pid-max", type=int, default=32768,
                    help="PIDs wrap here, as kernel.pid_max (default 32768)")
    ap.add_argument("-o", dest="output", required=True, help="output file ('-': stdout)")
    args = ap.parse_args()
    if (args.events is not None and args.events < 3) or (args.procs is not None
                                                         and args.procs < 1):
        ap.error("--events must be at least 3, --procs at least 1")
    if args.jobs < 1 or args.pid_max < PID_MIN + 4 * args.jobs + 16:
        ap.error("--jobs must be at least 1 and --pid-max large enough for the live PIDs")
    try:
        if args.output == "-":
            g = generate(sys.stdout, args)
            size = 0
        else:
            with open(args.output, "w", encoding="utf-8", buffering=1 << 20) as out:
                g = generate(out, args)
                size = out.tell()
    except OSError as e:
        print(f"gen_recording: {args.output}: {e.strerror}", file=sys.stderr)
        return 1
    print(f"events={g.events} procs={g.procs} bytes={size}",
          file=sys.stderr if args.output == "-" else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
