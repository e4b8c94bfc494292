#!/usr/bin/env python3
"""make check-layers: no include points up the layer order in src/LAYERS, no source file
is longer than the limit, libbpf and curses stay in their layers.

    check_layers.py [--root DIR] [--max-lines N]

Prints one line per problem (file:line: what) and exits 1 when there is any, else
prints a one-line summary and exits 0.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')
GENERATED = {"forkscope.skel.h", "output.skel.h", "vmlinux.h"}
# system headers that only one layer may use
OWNED = {"bpf/": "trace", "curses.h": "tui", "ncurses.h": "tui", "ncursesw/": "tui"}


def read_layers(root):
    path = os.path.join(root, "src", "LAYERS")
    layers = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                layers.append(line.split()[0])
    return layers


def source_files(root):
    for top in ("src", "bpf"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.join(d, n)


def layer_of(root, path, layers):
    """The layer a file belongs to, 'bpf' for the kernel side, 'top' for src/main.c."""
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "bpf":
        return "bpf"
    if len(rel) == 2:
        return "top"
    return rel[1] if rel[1] in layers else None


def check(root, max_lines):
    layers = read_layers(root)
    rank = {name: i for i, name in enumerate(layers)}
    order = " < ".join(layers)
    problems = []
    nfiles = 0
    for path in source_files(root):
        nfiles += 1
        rel = os.path.relpath(path, root)
        mine = layer_of(root, path, layers)
        if mine is None:
            problems.append(f"{rel}: not in a layer folder of src/LAYERS ({order})")
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        if len(lines) > max_lines:
            problems.append(f"{rel}: {len(lines)} lines, over the limit of {max_lines}")
        for no, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, name = m.groups()
            if kind == "<":
                for prefix, owner in OWNED.items():
                    if name.startswith(prefix) and mine not in (owner, "bpf", "top"):
                        problems.append(f"{rel}:{no}: includes <{name}>: only the {owner} "
                                        f"layer may")
                continue
            if name in GENERATED:
                continue
            head = name.split("/")[0]
            # the kernel side's own headers sit beside its objects (bpf/slots.bpf.h)
            if mine == "bpf" and "/" not in name and name.endswith(".bpf.h") and \
                    os.path.isfile(os.path.join(root, "bpf", name)):
                continue
            if "/" not in name or head not in rank:
                problems.append(f"{rel}:{no}: includes \"{name}\": name a layer "
                                f"(\"LAYER/file.h\", layers: {order})")
                continue
            if mine == "top":
                continue
            if mine == "bpf":
                if head != "base":
                    problems.append(f"{rel}:{no}: includes \"{name}\": the kernel side "
                                    f"may include only base/")
                continue
            if rank[head] > rank[mine]:
                problems.append(f"{rel}:{no}: includes \"{name}\": {mine} may not include "
                                f"{head}, a higher layer ({order})")
    return problems, nfiles


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--max-lines", type=int, default=600)
    args = ap.parse_args()
    try:
        problems, nfiles = check(args.root, args.max_lines)
    except OSError as e:
        print(f"check-layers: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print(f"check-layers: {len(problems)} problems in {nfiles} files", file=sys.stderr)
        return 1
    print(f"check-layers: {nfiles} files, layers in order, none over {args.max_lines} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
