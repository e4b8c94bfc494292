#!/usr/bin/python3
"""forkscope installed like a Debian tool: make install into a DESTDIR and the installed
binary run from another folder (as root and as nobody), make uninstall leaving nothing;
the man page against --help (options and commands, both ways) and mandoc -Tlint; the bash
completion's COMPREPLY; --help ending in EXAMPLES; forkscope doctor's lines and status.
No tracer needed: run_tests.py runs them among its plain tests, or

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_install.py [-k NAME]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MAN = os.path.join(REPO, "docs", "forkscope.1")
COMPLETION = os.path.join(REPO, "docs", "completion", "forkscope.bash")
RECORDINGS = os.path.join(REPO, "demos", "recordings")
FIXTURE = os.path.join(HERE, "fixtures", "pyfacts-recycle.jsonl")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from fslib import (NOBODY_UID, Skip, TestFailure, as_user, check,  # noqa: E402
                   copy_for_other_users, other_user_cwd, other_user_env, tree_nodes)

# Documented in the man page, brought by other branches (narrate, theme) that the
# integrator merges: allowed to be missing from --help until then, never the other way.
PENDING = set()  # options of branches not landed yet (none)
DOCTOR_CHECKS = ("kernel", "BTF", "privileges", "BPF load", "tp_btf attach", "output capture",
                 "container",
                 "cgroup v2", "pids.max", "terminal", "TERM", "locale", "python3", "demos",
                 "Python hook", "recordings")


def run(argv, timeout=120, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kw)


def need_root(what):
    if os.geteuid() != 0:
        raise Skip(f"{what} needs root (setpriv to nobody)")


def missing_tool(tool, package):
    """Skip without the tool, except in CI (CI=true), where that is a failure."""
    if shutil.which(tool):
        return
    why = f"no {tool} (Debian package {package}; make deps installs it)"
    if os.environ.get("CI") == "true":
        raise TestFailure(why)
    raise Skip(why)


# ---------------------------------------------------------------- make install


def make_vars(binary):
    """The make variables that name the build the binary came from."""
    build = os.path.dirname(os.path.abspath(binary))
    if os.path.relpath(build, REPO).startswith(".."):
        raise Skip(f"{binary} is no build of this clone ({REPO})")
    if os.path.basename(build) == "build-san":
        return ["SAN=1"]
    return [f"BUILD={os.path.relpath(build, REPO)}"]


def files_under(top):
    return sorted(os.path.relpath(os.path.join(d, n), top)
                  for d, _, names in os.walk(top) for n in names)


def test_install(binary):
    """make install DESTDIR=$tmp PREFIX=/usr puts every file in its place; the installed
    binary finds its data from another folder (demos, tree --json of a shipped
    recording), also as nobody; make uninstall removes every file it put."""
    dest = tempfile.mkdtemp(prefix="forkscope-destdir-", dir="/tmp")
    elsewhere = tempfile.mkdtemp(prefix="forkscope-elsewhere-", dir="/tmp")
    try:
        os.chmod(dest, 0o755)
        os.chmod(elsewhere, 0o755)
        base = ["make", "--no-print-directory", "-C", REPO, f"DESTDIR={dest}", "PREFIX=/usr"]
        base += make_vars(binary)
        res = run(base + ["install"], timeout=600)
        check(res.returncode == 0, f"make install exited {res.returncode}: "
              f"{(res.stdout + res.stderr).strip()[-400:]}")
        files = files_under(dest)
        share = "usr/share/forkscope"
        demos = sorted(n for n in os.listdir(os.path.join(REPO, "demos")) if n.endswith(".py"))
        hooks = sorted(n for n in os.listdir(os.path.join(REPO, "src", "pyhook"))
                       if n.endswith(".py"))
        want = ["usr/bin/forkscope", "usr/share/man/man1/forkscope.1",
                "usr/share/bash-completion/completions/forkscope"]
        want += [f"{share}/demos/{n}" for n in demos] + [f"{share}/pyhook/{n}" for n in hooks]
        for name in want:
            check(name in files, f"make install did not put {name} (it put {files[:8]} ...)")
        for name in hooks:
            stem = name[:-3]
            check(any(re.fullmatch(rf"{share}/pyhook/__pycache__/{re.escape(stem)}\..*\.pyc", f)
                      for f in files), f"no byte code of the hook's {name}")
        shipped = sorted(n for n in os.listdir(RECORDINGS) if n.endswith(".jsonl")) \
            if os.path.isdir(RECORDINGS) else []
        for name in shipped:
            check(f"{share}/recordings/{name}" in files, f"recording {name} not installed")
        installed = os.path.join(dest, "usr", "bin", "forkscope")
        env = other_user_env()
        recording = (os.path.join(dest, share, "recordings", shipped[0]) if shipped
                     else FIXTURE)
        check_installed(installed, elsewhere, env, recording, demos)
        check_installed_traces(installed, elsewhere, env, os.path.join(dest, share))
        if os.geteuid() == 0:
            prefix = as_user(NOBODY_UID)
            res = run(prefix + [installed, "demos"], cwd=elsewhere, env=env)
            check(res.returncode == 0, f"demos as nobody exited {res.returncode}: "
                  f"{res.stderr.strip()}")
            check(all(n[:-3] in res.stdout for n in demos), "demos as nobody misses some")
            if shipped:
                res = run(prefix + [installed, "tree", "--json", recording], cwd=elsewhere,
                          env=env)
                check(res.returncode == 0 and res.stdout.lstrip().startswith("["),
                      f"tree --json as nobody exited {res.returncode}: {res.stderr.strip()}")
        res = run(base + ["uninstall"], timeout=120)
        check(res.returncode == 0, f"make uninstall exited {res.returncode}: "
              f"{(res.stdout + res.stderr).strip()[-400:]}")
        left = files_under(dest)
        check(not left, f"make uninstall left {left[:6]}")
        check(not os.path.exists(os.path.join(dest, share)), f"{share} is still there")
    finally:
        shutil.rmtree(dest, ignore_errors=True)
        shutil.rmtree(elsewhere, ignore_errors=True)


def check_installed_traces(installed, cwd, env, data):
    """As root where the tracer works: the installed binary traces a demo from its share
    folder, with the installed hook (each Python process tells its facts)."""
    if os.geteuid() != 0 or run([installed, "run", "--json", "--", "/bin/true"], cwd=cwd,
                                env=env, timeout=60).returncode != 0:
        return
    out = os.path.join(cwd, "installed.jsonl")
    res = run([installed, "run", "--no-tui", "-o", out, "--method", "spawn",
               "process-basics"], cwd=cwd, env=env, timeout=60)
    check(res.returncode == 0, f"the installed run exited {res.returncode}: "
          f"{res.stderr.strip()[-300:]}")
    with open(out, encoding="utf-8") as f:
        header = json.loads(f.readline())
    check(any(a.startswith(f"{data}/demos/process-basics.py") for a in header["command"]),
          f"the installed run did not run the installed demo: {header['command']}")
    res = run([installed, "tree", "--json", out], cwd=cwd, env=env)
    nodes = tree_nodes(json.loads(res.stdout))
    check(any(n["role"] == "mp_child" and n["py_hook"] == "spoke" for n in nodes),
          f"the installed hook did not speak: {[(n['role'], n['py_hook']) for n in nodes]}")


def check_installed(installed, cwd, env, recording, demos):
    """The installed binary, run from cwd: its demos, a recording's tree, its doctor."""
    res = run([installed, "demos"], cwd=cwd, env=env)
    check(res.returncode == 0, f"installed demos exited {res.returncode}: {res.stderr.strip()}")
    for name in demos:
        check(re.search(rf"^{re.escape(name[:-3])}\s", res.stdout, re.M),
              f"installed demos does not list {name[:-3]}")
    res = run([installed, "tree", "--json", recording], cwd=cwd, env=env)
    check(res.returncode == 0 and res.stdout.lstrip().startswith("["),
          f"installed tree --json exited {res.returncode}: {res.stderr.strip()}")
    res = run([installed, "doctor"], cwd=cwd, env=env)
    data = os.path.join(os.path.dirname(os.path.dirname(installed)), "share", "forkscope")
    check(re.search(rf"^ok\s+demos\s+\d+ in {re.escape(data)}/demos$", res.stdout, re.M),
          f"the installed doctor does not find its demos in {data}: {res.stdout[-600:]!r}")


# ---------------------------------------------------------------- the man page


def help_text(binary):
    res = run([binary, "--help"])
    check(res.returncode == 0, f"--help exited {res.returncode}")
    return res.stdout


def man_text():
    """The man page rendered as plain text (mandoc), overstrike removed."""
    missing_tool("mandoc", "mandoc")
    res = run(["mandoc", "-Tascii", MAN])
    check(res.returncode == 0, f"mandoc -Tascii exited {res.returncode}: {res.stderr.strip()}")
    return re.sub(r".\x08", "", res.stdout)


OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")


def options_of(text):
    return set(OPTION.findall(text))


def commands_of_help(text):
    """The commands of --help's usage lines: `forkscope WORD`."""
    usage = text.split("\n\n")[0]
    return set(re.findall(r"^(?:usage:)?\s+forkscope ([a-z]+)\b", usage, re.M))


def commands_of_man(text):
    """The commands of the man page's SYNOPSIS: `forkscope WORD`."""
    synopsis = text.split("SYNOPSIS", 1)[1].split("DESCRIPTION", 1)[0]
    return set(re.findall(r"^\s+forkscope ([a-z]+)\b", synopsis, re.M))


def test_man_matches_help(binary):
    """Every option and command of --help is in the man page, and every one of the man
    page is in --help (but the PENDING ones of other branches, until they land)."""
    helps, man = help_text(binary), man_text()
    h_opts, m_opts = options_of(helps), options_of(man)
    check(len(h_opts) >= 15, f"only {len(h_opts)} options found in --help: {sorted(h_opts)}")
    check(not h_opts - m_opts, f"options of --help missing from the man page: "
          f"{sorted(h_opts - m_opts)}")
    check(not m_opts - h_opts - PENDING, f"options of the man page unknown to --help: "
          f"{sorted(m_opts - h_opts - PENDING)}")
    h_cmds, m_cmds = commands_of_help(helps), commands_of_man(man)
    check({"run", "tree", "demos", "doctor"} <= h_cmds, f"commands of --help: {sorted(h_cmds)}")
    check(not h_cmds - m_cmds, f"commands of --help missing from the man page: "
          f"{sorted(h_cmds - m_cmds)}")
    check(not m_cmds - h_cmds - PENDING, f"commands of the man page unknown to --help: "
          f"{sorted(m_cmds - h_cmds - PENDING)}")
    for section in ("SYNOPSIS", "COMMANDS", "OPTIONS", "EXAMPLES", "EXIT STATUS", "FILES",
                    "RECORDING FORMAT", "SEE ALSO"):
        check(re.search(rf"^{section}$", man, re.M), f"the man page has no {section}")


def test_man_demos(binary):
    """The man page's DEMOS section names exactly the demos `forkscope demos` lists."""
    res = run([binary, "demos"])
    listed = {ln.split()[0] for ln in res.stdout.splitlines() if ln and not ln.startswith(" ")}
    section = man_text().split("\nDEMOS\n", 1)[1].split("\nENVIRONMENT\n", 1)[0]
    named = set(re.findall(r"^ {5}([a-z][a-z-]+)(?: {2,}|\n)", section, re.M))
    check(listed and listed == named, f"the man page's DEMOS {sorted(named)} are not "
          f"`forkscope demos`' {sorted(listed)}")


def test_man_lint(binary):
    """mandoc -Tlint: nothing but the pages this machine lacks (SEE ALSO names other
    packages' manuals) and mandoc's own database notes."""
    del binary
    missing_tool("mandoc", "mandoc")
    res = run(["mandoc", "-Tlint", MAN])
    lines = [ln for ln in (res.stdout + res.stderr).splitlines()
             if ln.strip() and "referenced manual not found" not in ln
             and "mandoc.db" not in ln]
    check(not lines, "mandoc -Tlint: " + " | ".join(lines[:4]))
    if shutil.which("man"):  # groff's warnings, as Debian's lintian asks man for them
        res = run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", MAN],
                  env=dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80"))
        check(res.returncode == 0 and not res.stderr.strip(),
              f"man --warnings: {res.stderr.strip()[:300]}")


def test_help_ends_in_examples(binary):
    """--help's last block is EXAMPLES, one `forkscope ...  # what` per line."""
    blocks = help_text(binary).rstrip("\n").split("\n\n")
    last = blocks[-1].splitlines()
    check(last[0] == "EXAMPLES:", f"the last block of --help starts {last[0]!r}")
    check(len(last) >= 8, f"only {len(last) - 1} examples")
    for line in last[1:]:
        check(re.match(r"^  (sudo )?forkscope\b.*  # \S", line), f"example line {line!r}")
    # the comments start in one column; a command too long for it ends two spaces before its own
    cols = [line.index("  # ") for line in last[1:]]
    col = min(cols)
    check(all(c == col or line[:c].rstrip() == line[:c] for c, line in zip(cols, last[1:])),
          f"the examples' comments are not aligned: columns {sorted(set(cols))}")


# ---------------------------------------------------------------- bash completion


def complete(binary, words, cwd):
    """COMPREPLY of the completion function for words (the last one being completed)."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
              '_forkscope; printf "%s\\n" "${COMPREPLY[@]}"')
    res = run(["bash", "--norc", "-c", script, "complete", COMPLETION, binary] + words,
              cwd=cwd)
    check(res.returncode == 0, f"completion of {words} exited {res.returncode}: "
          f"{res.stderr.strip()}")
    return [w for w in res.stdout.splitlines() if w]


def test_completion_shellcheck(binary):
    """shellcheck has nothing to say of the completion script."""
    del binary
    missing_tool("shellcheck", "shellcheck")
    res = run(["shellcheck", "-s", "bash", COMPLETION])
    check(res.returncode == 0, "shellcheck: " + " | ".join(res.stdout.strip().splitlines()[:6]))


def test_completion(binary):
    """Commands, options per command, demo names, methods, formats and recordings."""
    tmp = tempfile.mkdtemp(prefix="forkscope-complete-")
    try:
        for name in ("a.jsonl", "b.jsonl", "notes.txt"):
            open(os.path.join(tmp, name), "w").close()
        os.mkdir(os.path.join(tmp, "more"))
        demos = [ln.split()[0] for ln in run([binary, "demos"]).stdout.splitlines()
                 if ln and not ln.startswith(" ")]
        check(demos, "forkscope demos lists nothing")
        cases = [
            ([""], {"run", "replay", "tree", "demos", "compare", "doctor", "--help"}, None),
            (["d"], {"demos", "doctor"}, {"run"}),
            (["run", "--method", ""], {"fork", "spawn", "forkserver"}, None),
            (["run", "--method", "f"], {"fork", "forkserver"}, {"spawn"}),
            (["run", ""], set(demos), None),
            (["run", "pool-r"], {"pool-recycle"}, {"pool-basics"}),
            (["run", "--no-"], {"--no-tui", "--no-capture", "--no-pyhook"}, {"--json"}),
            (["compare", "--"], {"--python", "--method"}, {"--no-tui"}),
            (["tree", "--"], {"--json", "--ascii"}, {"--method"}),
            (["tree", ""], {"a.jsonl", "b.jsonl", "more/"}, {"notes.txt"}),
            (["replay", "b"], {"b.jsonl"}, None),
            (["narrate", ""], {"a.jsonl", "b.jsonl"}, {"notes.txt"}),
            (["export", "--format", ""], {"perfetto", "dot", "mermaid", "svg"}, None),
            (["export", "a"], {"a.jsonl"}, None),
            (["run", "-o", "n"], {"notes.txt"}, None),
            (["--theme", ""], {"default", "projector"}, None),
            (["--tempo", ""], {"1", "10"}, None),
            (["narrate", "--"], {"--json"}, {"--ascii"}),
            (["replay", "--"], {"--theme", "--no-dim"}, {"--json"}),
            (["run", "--method", "fork", "da"], {"daemon"}, {"fork"}),
            (["run", "-o", "x.jsonl", "--no-tui", "pool-b"], {"pool-basics"}, None),
            (["run", "daemon", "n"], {"notes.txt"}, {"daemon", "--no-tui"}),
            (["tree", "a.jsonl", ""], set(), {"a.jsonl", "b.jsonl", "--json"}),
            (["run", "--", "/bin/sh", "no"], {"notes.txt"}, None),
        ]
        for words, must, must_not in cases:
            got = set(complete(binary, words, tmp))
            check(must <= got, f"completing {words}: {sorted(got)} lacks {sorted(must - got)}")
            check(not must_not or not (must_not & got),
                  f"completing {words}: {sorted((must_not or set()) & got)} offered")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- doctor


def doctor_lines(stdout):
    """{check: (level, rest)} of doctor's lines; every line but the last is a check."""
    lines = stdout.rstrip("\n").splitlines()
    check(lines and lines[-1].startswith("forkscope doctor: "), f"doctor's last line: "
          f"{lines[-1] if lines else ''!r}")
    names = sorted(DOCTOR_CHECKS + ("unprivileged BPF", "workload cgroup", "python"),
                   key=len, reverse=True)
    pattern = re.compile(r"^(ok|warn|FAIL) +(" + "|".join(map(re.escape, names)) + r") +(\S.*)$")
    found = {}
    for line in lines[:-1]:
        m = pattern.match(line)
        check(m, f"doctor line {line!r} is not `ok|warn|FAIL CHECK what`")
        level, name, rest = m.groups()
        check(level == "ok" or " -> " in rest, f"{level} without what to do: {line!r}")
        found.setdefault(name, (level, rest))
    for name in DOCTOR_CHECKS:
        check(name in found, f"doctor has no {name} line: {sorted(found)}")
    return found


FAKE_PYTHON = """#!/bin/sh
# what a free-threaded interpreter prints for doctor's question ({gil}: the GIL now)
echo "$0"
echo {version}
echo {gil}
echo 1
"""


def fake_home(top):
    """A HOME with two pyenv free-threaded builds (shell scripts that answer as they do):
    3.13.0t with the GIL off, 3.14.0t with it turned back on."""
    for version, gil in (("3.13.0t", "off"), ("3.14.0t", "on")):
        bindir = os.path.join(top, ".pyenv", "versions", version, "bin")
        os.makedirs(bindir)
        path = os.path.join(bindir, "python3")
        with open(path, "w") as f:
            f.write(FAKE_PYTHON.format(version=version[:-1], gil=gil))
        os.chmod(path, 0o755)
    return top


def test_doctor(binary):
    """As we are: each check once, with what to do when it is not ok; exit 1 exactly when
    a check FAILs; the BPF checks pass where the tracer works; pyenv's free-threaded
    builds named with their GIL."""
    home = tempfile.mkdtemp(prefix="forkscope-home-")
    try:
        res = run([binary, "doctor"], timeout=120,
                  env=dict(os.environ, HOME=fake_home(home), TERM="no-such-terminal"))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    found = doctor_lines(res.stdout)
    check(found["TERM"][0] == "warn" and "terminfo" in found["TERM"][1],
          f"TERM=no-such-terminal: {found['TERM']}")
    for version, words in (("3.13.0t", "Python 3.13.0, free-threaded, GIL off"),
                           ("3.14.0t", "Python 3.14.0, free-threaded build, GIL on")):
        check(re.search(rf"^ok\s+python\s+{words}, .*/versions/{version}/bin/python3$",
                        res.stdout, re.M), f"doctor does not say {words!r} of {version}: "
              f"{[ln for ln in res.stdout.splitlines() if 'python' in ln]}")
    failed = [n for n, (level, _) in found.items() if level == "FAIL"]
    check(res.returncode == (1 if failed else 0),
          f"doctor exited {res.returncode} with FAIL lines {failed}")
    check(found["terminal"][0] == "warn", "doctor's stdout is a pipe: the terminal check "
          "must say it is not a terminal")
    pythons = [ln for ln in res.stdout.splitlines() if re.match(r"^ok\s+python3?\s", ln)]
    check(any("/usr/bin/python3" in ln and "GIL" in ln for ln in pythons),
          f"doctor does not list /usr/bin/python3 with its GIL: {pythons}")
    if os.geteuid() == 0:
        works = run([binary, "run", "--json", "--", "/bin/true"], timeout=60).returncode == 0
        check(works == (found["BPF load"][0] == "ok" == found["tp_btf attach"][0]),
              f"the tracer {'works' if works else 'fails'} but doctor says "
              f"{found['BPF load']} / {found['tp_btf attach']}")


def test_doctor_as_nobody(binary):
    """As nobody (a copy nobody can read): exit 1, the privileges and the load FAIL,
    saying what to do, and the rest still checked."""
    need_root("doctor as nobody")
    with copy_for_other_users(binary) as copy:
        res = run(as_user(NOBODY_UID) + [copy, "doctor"], cwd=other_user_cwd(copy),
                  env=dict(other_user_env(), HOME="/nonexistent"), timeout=120)
    check(res.returncode == 1, f"doctor as nobody exited {res.returncode}")
    found = doctor_lines(res.stdout)
    level, rest = found["privileges"]
    check(level == "FAIL" and "CAP_BPF" in rest and "sudo" in rest,
          f"privileges as nobody: {level} {rest}")
    check(found["BPF load"][0] == "FAIL", f"BPF load as nobody: {found['BPF load']}")
    check(found["demos"][0] == "ok", f"demos as nobody: {found['demos']}")
    check(not res.stderr.strip(), f"doctor as nobody wrote to stderr: {res.stderr.strip()!r}")


def pids_cgroup_root():
    """A cgroup folder where a child with its own pids.max can be made, or None."""
    with open("/proc/self/mounts", encoding="utf-8") as f:
        mounts = [line.split() for line in f]
    for dev, path, kind, opts, *_ in mounts:
        if kind == "cgroup" and "pids" in opts.split(","):
            return path
    for dev, path, kind, opts, *_ in mounts:
        try:
            with open(os.path.join(path, "cgroup.subtree_control"), encoding="utf-8") as f:
                if kind == "cgroup2" and "pids" in f.read().split():
                    return path
        except OSError:
            continue
    return None


def test_doctor_pids_max(binary):
    """In a cgroup whose pids.max is 100 (a container's --pids-limit), doctor warns."""
    need_root("making a cgroup")
    top = pids_cgroup_root()
    if not top:
        raise Skip("no pids controller to make a cgroup with")
    cg = os.path.join(top, f"forkscope-test-{os.getpid()}")
    os.mkdir(cg)
    try:
        with open(os.path.join(cg, "pids.max"), "w") as f:
            f.write("100")
        procs = os.path.join(cg, "cgroup.procs")
        res = run(["sh", "-c", 'echo $$ > "$1" && exec "$2" doctor', "sh", procs, binary])
    finally:
        os.rmdir(cg)  # its one process has exited
    check(re.search(r"^warn\s+pids\.max\s+\S+/pids\.max: 100 -> ", res.stdout, re.M),
          f"doctor under pids.max 100: {[ln for ln in res.stdout.splitlines() if 'pids' in ln]}")


def install_tests():
    """(name, function of the context) for run_tests.py's plain tests."""
    tests = [
        ("install: make install DESTDIR, run elsewhere, uninstall", test_install),
        ("install: the man page's options and commands are --help's", test_man_matches_help),
        ("install: the man page's DEMOS are forkscope demos'", test_man_demos),
        ("install: mandoc -Tlint and groff's warnings are clean", test_man_lint),
        ("install: --help ends in EXAMPLES", test_help_ends_in_examples),
        ("install: bash completion", test_completion),
        ("install: bash completion passes shellcheck", test_completion_shellcheck),
        ("install: doctor", test_doctor),
        ("install: doctor as nobody", test_doctor_as_nobody),
        ("install: doctor under a low pids.max", test_doctor_pids_max),
    ]
    return [(name, lambda ctx, fn=fn: fn(ctx.binary)) for name, fn in tests]


def main():
    binary = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build",
                                                                      "forkscope")))
    pattern = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else ""
    passed = failed = skipped = 0
    for name, fn in install_tests():
        if pattern not in name:
            continue
        try:
            fn(type("Ctx", (), {"binary": binary}))
            print(f"ok - {name}", flush=True)
            passed += 1
        except Skip as why:
            print(f"skip - {name}: {why}", flush=True)
            skipped += 1
        except (TestFailure, subprocess.SubprocessError, OSError, KeyError) as e:
            print(f"FAIL - {name}: {e}", flush=True)
            failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
