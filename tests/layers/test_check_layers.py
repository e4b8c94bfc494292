#!/usr/bin/env python3
"""The layer check itself: it passes on the tree as it is, and fails on a copy of the tree
with an include pointing up the order, a file over the limit, a header named without its
layer, or curses in the model. Prints one ok/not ok line per case and 'N passed, N failed'."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from selftest import main  # noqa: E402

CHECK = "check_layers.py"


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
    ("the kernel side including a header it does not have fails",
     lambda r: append(r, "bpf/forkscope.bpf.c", '#include "nowhere.bpf.h"\n'), 1,
     "name a layer"),
    ("a header without its layer fails",
     lambda r: append(r, "src/view/tree.c", '#include "model.h"\n'), 1, "name a layer"),
    ("curses in the model fails",
     lambda r: append(r, "src/model/roles.c", "#include <curses.h>\n"), 1,
     "only the tui layer may"),
    ("a file over 600 lines fails",
     lambda r: append(r, "src/base/clock.c", "\n" * 601), 1, "over the limit of 600"),
]


if __name__ == "__main__":
    sys.exit(main(CHECK, CASES))
