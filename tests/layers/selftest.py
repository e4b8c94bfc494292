"""What the checks' self-tests share: run a check on the tree as it is or on a copy of it
with a mistake planted, and print one ok/not ok line per case and 'N passed, N failed'."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_check(check, root):
    """(exit status, stdout + stderr) of the check script on the tree at root."""
    p = subprocess.run([sys.executable, os.path.join(HERE, check), "--root", root],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def with_copy(check, change, folders=("src", "bpf")):
    """Run the check on a copy of the folders after change(copy_root)."""
    tmp = tempfile.mkdtemp(prefix="forkscope-selftest-")
    try:
        for d in folders:
            shutil.copytree(os.path.join(ROOT, d), os.path.join(tmp, d))
        change(tmp)
        return run_check(check, tmp)
    finally:
        shutil.rmtree(tmp)


def main(check, cases):
    """Run (name, change or None, wanted exit status, wanted text) cases; the exit status."""
    passed = failed = 0
    for name, change, want_rc, want_text in cases:
        rc, out = run_check(check, ROOT) if change is None else with_copy(check, change)
        ok = rc == want_rc and want_text in out
        print(("ok - " if ok else "not ok - ") + name)
        if not ok:
            print("  exit %d, wanted %d and %r in:\n  %s" % (rc, want_rc, want_text,
                                                             out.strip().replace("\n", "\n  ")))
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
