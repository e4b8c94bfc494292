#!/usr/bin/env python3
"""The vocabulary check itself: it passes on the tree as it is, and fails on a copy of src/
with a role word (long, short or machine form) or a signal name planted as a literal outside
src/base/names.c, naming file:line; words inside longer text or comments pass. Prints one
ok/not ok line per case and 'N passed, N failed'."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECK = os.path.join(HERE, "check_vocabulary.py")


def run_check(root):
    p = subprocess.run([sys.executable, CHECK, "--root", root], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def with_copy(change):
    """Run the check on a copy of src/ after change(copy_root)."""
    tmp = tempfile.mkdtemp(prefix="forkscope-vocab-")
    try:
        shutil.copytree(os.path.join(ROOT, "src"), os.path.join(tmp, "src"))
        change(tmp)
        return run_check(tmp)
    finally:
        shutil.rmtree(tmp)


def lines_of(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read().count("\n")


def plant(rel, text):
    """A change appending text to rel; the case's wanted output names the line it lands on."""
    def change(root):
        with open(os.path.join(root, rel), "a", encoding="utf-8") as f:
            f.write(text)
    return change


def replace(rel, old, new):
    def change(root):
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert old in text, (rel, old)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
    return change


def at_end(rel):
    """file:line of a line appended to rel in the tree as it is."""
    return f"{rel}:{lines_of(ROOT, rel) + 1}:"


CASES = [
    ("the tree as it is passes", None, 0, "no role word"),
    ("a long role form fails, naming file:line",
     plant("src/view/tree.c", 'static const char *x = "resource tracker";\n'), 1,
     at_end("src/view/tree.c") + ' the role word "resource tracker"'),
    ("a short role form fails",
     plant("src/tui/draw.c", 'static const char *x = "c-fsrv";\n'), 1,
     at_end("src/tui/draw.c") + ' the role word "c-fsrv"'),
    ("a machine name fails",
     plant("src/output/tree_print.c", 'static const char *x = "mp_child";\n'), 1,
     at_end("src/output/tree_print.c") + ' the role word "mp_child"'),
    ("a child's long form fails",
     plant("src/cli/cli.c", 'static const char *x = "child (forkserver)";\n'), 1,
     'the role word "child (forkserver)"'),
    ("a signal name fails",
     plant("src/output/format.c", 'static const char *x = "SIGTERM";\n'), 1,
     at_end("src/output/format.c") + ' the signal name "SIGTERM"'),
    ("a realtime or unnamed signal fails",
     plant("src/view/filter.c", 'static const char *x[] = {"SIGRTMIN+3", "SIG99"};\n'), 1,
     'the signal name "SIG99"'),
    ("a name split over adjacent literals fails",
     plant("src/view/filter.c", 'static const char *x = "SIG"\n\t"KILL";\n'), 1,
     at_end("src/view/filter.c") + ' the signal name "SIGKILL"'),
    ("a header is checked too",
     plant("src/view/view.h", '#define X_ROLE "tracker"\n'), 1, 'the role word "tracker"'),
    ("words inside longer text, comments and names.c pass",
     lambda r: (plant("src/view/tree.c", 'static const char *x = "killed by SIGTERM";\n'
                      '/* "SIGTERM" and "main" */\n// "fsrv"\n'
                      'static const char y = \'"\'; static const char *z = "a \\" main";\n')(r),
                plant("src/base/names.c", 'static const char *x = "SIGTERM";\n')(r)),
     0, "no role word"),
    ("a known exception no longer needed fails",
     replace("src/model/roles.c", '"main"', '"main_"'), 1,
     'no "main" any more: remove it from KNOWN'),
    ("names.c without its role table is an error",
     replace("src/base/names.c", "names_children[", "names_kids["), 2, "no table names_children"),
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
