#!/usr/bin/env python3
"""make check-layers: one vocabulary. No C string literal in src/ outside src/base/names.c
is a role word (long, short or machine form, read from names.c's role tables) or a signal
name ("SIGTERM", "SIGRTMIN+3", "SIG99"): those words come from base/names.h. Literals that
only contain such a word inside longer text are fine.

    check_vocabulary.py [--root DIR]

Prints one line per literal found (file:line: what) and exits 1 when there is any, else a
one-line summary and exits 0.
"""
import argparse
import os
import re
import sys

NAMES_C = os.path.join("src", "base", "names.c")
# the tables of names.c that hold the role words
ROLE_TABLES = ("names_roles", "names_children")
SIGNAL = re.compile(r"^SIG(?:[A-Z][A-Z0-9]*(?:\+\d+)?|-?\d+)$")

# Literals in files this check may not change yet, each with its reason. An entry that no
# longer matches anything is reported too, so that the list only shrinks.
KNOWN = {
    ("src/model/roles.c", "main"): "the Python function `main` the -c code imports, not a role",
}


def literals(text):
    """(line, value) of each string literal of C source text, adjacent literals joined,
    comments and character constants skipped. Escapes are kept as written."""
    out = []
    i, n, line = 0, len(text), 1
    pending = None  # [line, value] of a literal that a next one may continue
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            body = text[i + 1:j]
            if c == '"':
                if pending is None:
                    pending = [line, body]
                else:
                    pending[1] += body
            line += body.count("\n")
            i = j + 1
            continue
        else:
            # any other token ends a run of adjacent literals
            if pending is not None:
                out.append(tuple(pending))
                pending = None
            i += 1
            continue
    if pending is not None:
        out.append(tuple(pending))
    return out


def role_words(root):
    """The role words of names.c: every literal inside its role tables."""
    with open(os.path.join(root, NAMES_C), encoding="utf-8") as f:
        text = f.read()
    words = set()
    for table in ROLE_TABLES:
        m = re.search(r"\b%s\s*\[[^\]]*\]\s*=\s*\{" % table, text)
        if not m:
            raise ValueError(f"{NAMES_C}: no table {table}[] = {{...}}")
        end = text.find("};", m.end())
        words.update(v for _, v in literals(text[m.end():end]))
    return words


def check(root):
    words = role_words(root)
    problems, used, nfiles = [], set(), 0
    for d, _, names in os.walk(os.path.join(root, "src")):
        for name in sorted(names):
            path = os.path.join(d, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if not name.endswith((".c", ".h")) or rel in (NAMES_C, NAMES_C[:-1] + "h"):
                continue
            nfiles += 1
            with open(path, encoding="utf-8", errors="replace") as f:
                found = literals(f.read())
            for line, value in found:
                if value in words:
                    what = f"the role word \"{value}\""
                elif SIGNAL.match(value):
                    what = f"the signal name \"{value}\""
                else:
                    continue
                if (rel, value) in KNOWN:
                    used.add((rel, value))
                    continue
                problems.append(f"{rel}:{line}: {what}: take it from base/names.h")
    for key in sorted(set(KNOWN) - used):
        problems.append(f"{key[0]}: no \"{key[1]}\" any more: remove it from KNOWN in "
                        f"{os.path.basename(__file__)}")
    return problems, nfiles, len(words), sorted(used)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    args = ap.parse_args()
    try:
        problems, nfiles, nwords, known = check(args.root)
    except (OSError, ValueError) as e:
        print(f"check-vocabulary: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print(f"check-vocabulary: {len(problems)} problems in {nfiles} files", file=sys.stderr)
        return 1
    print(f"check-vocabulary: {nfiles} files, no role word ({nwords} of them) or signal name "
          f"outside {NAMES_C}; {len(known)} known exceptions: "
          + ", ".join(f"{f} \"{v}\"" for f, v in known))
    return 0


if __name__ == "__main__":
    sys.exit(main())
