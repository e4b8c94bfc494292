#!/usr/bin/env python3
"""The vocabulary check itself: it passes on the tree as it is, and fails on a copy of src/
with a role word (long, short or machine form) or a signal name planted as a literal outside
src/base/names.c, naming file:line; words inside longer text or comments pass. Prints one
ok/not ok line per case and 'N passed, N failed'."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selftest import ROOT, main  # noqa: E402

CHECK = "check_vocabulary.py"


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


if __name__ == "__main__":
    sys.exit(main(CHECK, CASES))
