#!/usr/bin/env python3
"""The layer check itself: it passes on the tree as it is, and fails on a copy of the tree
with an include pointing up the order, a file over the limit, a header named without its
layer, or curses in the model. Prints one ok/not ok line per case and 'N passed, N failed'."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECK = os.path.join(HERE, "check_layers.py")


def run_check(root):
    p = subprocess.run([sys.executable, CHECK, "--root", root], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def with_copy(change):
    """Run the check on a copy of src/ and bpf/ after change(copy_root)."""
    tmp = tempfile.mkdtemp(prefix="forkscope-layers-")
    try:
        for d in ("src", "bpf"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(tmp, d))
        change(tmp)
        return run_check(tmp)
    finally:
        shutil.rmtree(tmp)


def append(root, rel, text):
    with open(os.path.join(root, rel), "a", encoding="utf-8") as f:
        f.write(text)


CASES = [
    ("the tree as it is passes", None, 0, "layers in order"),
    ("model including tui fails",
     lambda r: append(r, "src/model/roles.c", '#include "tui/tui.h"\n'), 1,
     "model may not include tui, a higher layer"),
    ("record including workload fails",
     lambda r: append(r, "src/record/record_write.c", '#include "workload/live.h"\n'), 1,
     "record may not include workload"),
    ("the kernel side including model fails",
     lambda r: append(r, "bpf/forkscope.bpf.c", '#include "model/model.h"\n'), 1,
     "the kernel side may include only base/"),
    ("a header without its layer fails",
     lambda r: append(r, "src/view/tree.c", '#include "model.h"\n'), 1, "name a layer"),
    ("curses in the model fails",
     lambda r: append(r, "src/model/roles.c", "#include <curses.h>\n"), 1,
     "only the tui layer may"),
    ("a file over 600 lines fails",
     lambda r: append(r, "src/base/clock.c", "\n" * 601), 1, "over the limit of 600"),
]


def main():
    passed = failed = 0
    for name, change, want_rc, want_text in CASES:
        rc, out = run_check(ROOT) if change is None else with_copy(change)
        ok = rc == want_rc and want_text in out
        print(("ok - " if ok else "not ok - ") + name)
        if not ok:
            print("  exit %d, wanted %d and %r in:\n  %s" % (rc, want_rc, want_text,
                                                             out.strip().replace("\n", "\n  ")))
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
