#!/usr/bin/python3
"""forkscope export, rendered by the real tools (docs/export.md).

    FORKSCOPE=build/forkscope /usr/bin/python3 tests/integration/test_export.py [-k PATTERN]
        [--keep DIR]

For each recording (the shipped demos/recordings/*.jsonl, the fixtures the tests carry,
a hostile one and one with a reused PID made here, and a live run when BPF can be
loaded) and each format:

* perfetto: a strict JSON parse (no NaN, no duplicate keys), then the structure Perfetto's
  importer needs: every event with ph/pid/tid/ts, a named track (process_name) for every
  process of the recording and every PID its fork/exec/exit lines name, complete slices
  with a duration that nest on their track, every flow id one "s" and one "f" (bp "e");
* dot: `dot -Tsvg`, then `rsvg-convert` of that SVG to PNG; every process's "PID role";
* svg: an XML parse, `rsvg-convert` to PNG; every process's "PID role";
* mermaid: `mmdc` (@mermaid-js/mermaid-cli from build/npm, made by `make export-deps`,
  with Debian's chromium through build/npm/puppeteer.json), all the diagrams in one run
  (one browser start); every process's "PID role".

Every process that `forkscope tree --json` shows must be in each export. A missing tool
skips its checks with a printed reason, but fails under CI=true. The stdout of export
without -o must be the file -o writes. Standard library only; the last line is
`N passed, N failed`.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
CI = os.environ.get("CI") == "true"
FORKSCOPE = os.path.abspath(os.environ.get("FORKSCOPE", os.path.join(REPO, "build/forkscope")))
NPM = os.path.join(os.path.dirname(os.path.dirname(FORKSCOPE)), "build", "npm")
if not os.path.isdir(NPM):
    NPM = os.path.join(REPO, "build", "npm")
MMDC = os.environ.get("MMDC", os.path.join(NPM, "node_modules", ".bin", "mmdc"))
PUPPETEER = os.environ.get("MMDC_PUPPETEER", os.path.join(NPM, "puppeteer.json"))
TOOL_TIMEOUT = 120
FORMATS = ("perfetto", "dot", "mermaid", "svg")


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(argv, timeout=TOOL_TIMEOUT, **kw):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise Failure(f"no exit within {timeout} s: {' '.join(argv)[:200]}")


# ---------------------------------------------------------------- recordings


def line(obj):
    return json.dumps(obj, ensure_ascii=False) + "\n"


def hostile_recording(path):
    """A shell whose command line is markup and escapes, a PID reused, a kill."""
    hdr = {"type": "header", "schema": 3, "tool": "forkscope 0.1.0", "root_pid": 100,
           "command": ["/usr/bin/python3", "</title><script>alert(1)</script>"],
           "method": "fork", "python": "3.11.2", "kernel": "Linux", "start_realtime_ns": 1,
           "cpus": 2}
    ev = [
        {"type": "fork", "t_ns": 1000, "pid": 100, "ppid": 99, "parent_tid": 99,
         "comm": "forkscope", "parent_threads": 1},
        {"type": "exec", "t_ns": 2000, "pid": 100, "ppid": 99, "filename": "/usr/bin/python3",
         "argv": ["python3", "</title><script>alert(1)</script>"], "tid": 100,
         "comm": "python3"},
        {"type": "fork", "t_ns": 10000, "pid": 101, "ppid": 100, "parent_tid": 100,
         "comm": "python3", "parent_threads": 1},
        {"type": "exec", "t_ns": 11000, "pid": 101, "ppid": 100, "filename": "/bin/sh",
         "argv": ["sh", "-c", "\"]; n0 --> n9 %% <b>x</b> ]]> --> \\N \u001b[31m\ufffd & ;#"],
         "tid": 101, "comm": "sh"},
        {"type": "exit", "t_ns": 20000, "pid": 101, "ppid": 100, "comm": "sh",
         "exit_code": 2, "signal": None, "core_dumped": False, "tid": 101},
        {"type": "fork", "t_ns": 30000, "pid": 101, "ppid": 100, "parent_tid": 100,
         "comm": "python3", "parent_threads": 1},
        {"type": "signal", "t_ns": 40000, "pid": 100, "target": 101, "sig": 9,
         "sig_result": 0, "tid": 100, "comm": "python3"},
        {"type": "exit", "t_ns": 41000, "pid": 101, "ppid": 100, "comm": "python3",
         "exit_code": None, "signal": 9, "core_dumped": False, "tid": 101},
        {"type": "exit", "t_ns": 50000, "pid": 100, "ppid": 99, "comm": "python3",
         "exit_code": 0, "signal": None, "core_dumped": False, "tid": 100},
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write(line(hdr))
        for e in ev:
            f.write(line(e))
        f.write(line({"type": "end", "t_ns": 60000, "events": len(ev), "lost": 0,
                      "complete": True}))


def live_recording(tmp):
    """A pool-recycle run under forkserver, when BPF can be loaded here; else None."""
    path = os.path.join(tmp, "live-pool-recycle.jsonl")
    r = run([FORKSCOPE, "run", "--no-tui", "-o", path, "--method", "forkserver",
             "pool-recycle"], timeout=120)
    if r.returncode != 0 or not os.path.exists(path):
        err = r.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        # like the tracer's tests: a skip with its reason, a failure under CI=true
        print(f"{'FAIL' if CI else 'SKIP'} - live recording (needs BPF): {err[0][:200]}")
        return None
    return path


def recordings(tmp, live):
    """The recordings to export, and whether the live one was wanted and failed."""
    found = sorted(glob.glob(os.path.join(REPO, "demos", "recordings", "*.jsonl")))
    found += [os.path.join(HERE, "fixtures", n) for n in
              ("pyfacts-recycle.jsonl", "pyfacts-daemon-forkserver.jsonl",
               "pyfacts-pool-spawn.jsonl", "pyfacts-nohook.jsonl")]
    hostile = os.path.join(tmp, "hostile.jsonl")
    hostile_recording(hostile)
    found.append(hostile)
    live_failed = False
    if live:
        rec = live_recording(tmp)
        if rec:
            found.append(rec)
        live_failed = rec is None
    return [p for p in found if os.path.exists(p)], live_failed


def processes(path):
    """(pid, role long words) of every process tree --json shows, and the PIDs of the
    recording's fork, exec and exit lines."""
    r = run([FORKSCOPE, "tree", "--json", path])
    check(r.returncode == 0, f"tree --json {path}: {r.stderr.decode(errors='replace')[:200]}")
    procs, todo = [], list(json.loads(r.stdout))
    while todo:
        n = todo.pop()
        procs.append((n["pid"], n["role"], n.get("start_method")))
        todo.extend(n["children"])
    pids = set()
    with open(path, encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                obj = json.loads(ln)
                if obj.get("type") in ("fork", "exec", "exit"):
                    pids.add(obj["pid"])
    return procs, pids


def role_words(role, method):
    """The words the exports show for a role (names.c's long forms)."""
    if role == "mp_child":
        return f"child ({method})" if method else "child"
    return {"resource_tracker": "resource tracker"}.get(role, role)


# ---------------------------------------------------------------- checks


def strict_json(data):
    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        check(len(keys) == len(set(keys)), f"duplicate keys in {keys}")
        return dict(pairs)

    def no_constant(name):
        raise Failure(f"non-JSON constant {name}")

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes,
                          parse_constant=no_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise Failure(f"not strict JSON: {e}")


def check_perfetto(data, procs, pids):
    doc = strict_json(data)
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "no traceEvents array")
    check(doc.get("displayTimeUnit") == "ns", "displayTimeUnit is not ns")
    names, flows, slices, asyncs, lifetimes = {}, {}, {}, [], {}
    for e in doc["traceEvents"]:
        for key in ("ph", "pid", "tid", "ts"):
            check(key in e, f"an event without {key}: {e}")
        check(isinstance(e["pid"], int) and 0 <= e["pid"] < 2**32, f"pid {e['pid']!r}")
        check(isinstance(e["ts"], (int, float)) and e["ts"] >= 0, f"ts {e['ts']!r}")
        ph = e["ph"]
        if ph == "M" and e.get("name") == "process_name":
            names[e["pid"]] = e["args"]["name"]
        elif ph == "X":
            check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0, f"X dur: {e}")
            slices.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
            if e.get("cat") == "process":
                lifetimes[e["pid"]] = (e["ts"], e["ts"] + e["dur"])
        elif ph in ("s", "f"):
            check("id" in e and "cat" in e and "name" in e, f"flow without id/cat/name: {e}")
            if ph == "f":
                check(e.get("bp") == "e", f"flow end without bp e: {e}")
            flows.setdefault((e["cat"], e["id"]), []).append(ph)
        elif ph in ("b", "e"):
            check("id" in e and "cat" in e, f"async without id/cat: {e}")
            asyncs.append(e)
        elif ph == "i":
            check(e.get("s") in ("t", "p", "g"), f"instant without scope: {e}")
        elif ph != "M":
            raise Failure(f"unexpected phase {ph!r}")
    for e in asyncs:  # a task lies in its worker's lifetime
        life = lifetimes.get(e["pid"])
        check(life and life[0] - 1e-3 <= e["ts"] <= life[1] + 1e-3,
              f"{e['cat']} {e.get('name')} at {e['ts']} outside its process's lifetime {life}")
    for key, phs in flows.items():
        check(sorted(phs) == ["f", "s"], f"flow {key}: {phs}, not one s and one f")
    for key, spans in slices.items():
        # complete slices on one track nest: each starts after the one enclosing it ends,
        # or ends inside it (Perfetto drops a slice that overlaps its parent's end)
        stack = []
        for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
            while stack and stack[-1] <= start + 1e-6:  # ns in float microseconds
                stack.pop()
            if stack and end > stack[-1] + 1e-6:
                raise Failure(f"track {key}: slice {start}..{end} overlaps the end of the "
                              f"slice around it ({stack[-1]})")
            stack.append(end)
    labels = " | ".join(names.values())
    for pid, role, method in procs:
        check(any(n.startswith(f"{pid} {role_words(role, method)}") for n in names.values()),
              f"no track named '{pid} {role_words(role, method)} ...' in: {labels[:300]}")
    check(len(names) == len(procs), f"{len(names)} process tracks for {len(procs)} processes")
    for pid in pids:
        check(any(n.startswith(f"{pid} ") for n in names.values()),
              f"PID {pid} of the recording has no track")


def check_names(text, procs, what):
    for pid, role, method in procs:
        want = f"{pid} {role_words(role, method)}"
        check(want in text, f"{what}: '{want}' missing")


def svg_text(data, what):
    """The SVG parsed as XML; its text (element text and attributes' titles)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise Failure(f"{what}: not well-formed XML: {e}")
    check(root.tag.endswith("svg"), f"{what}: root element {root.tag}")
    return " ".join(t for t in root.itertext())


def rsvg(svg_path, png_path, what):
    r = run(["rsvg-convert", "-o", png_path, svg_path])
    check(r.returncode == 0, f"{what}: rsvg-convert failed: {r.stderr.decode()[:300]}")
    with open(png_path, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{what}: rsvg-convert wrote no PNG")


def check_dot(path, out_dir, stem, procs):
    svg = os.path.join(out_dir, stem + ".dot.svg")
    r = run(["dot", "-Tsvg", "-o", svg, path])
    check(r.returncode == 0 and not r.stderr.strip(),
          f"dot -Tsvg: rc {r.returncode}: {r.stderr.decode()[:300]}")
    with open(svg, "rb") as f:
        check_names(svg_text(f.read(), "dot's SVG"), procs, "dot's SVG")
    rsvg(svg, os.path.join(out_dir, stem + ".dot.png"), "dot's SVG")


def check_svg(path, out_dir, stem, procs):
    with open(path, "rb") as f:
        text = svg_text(f.read(), "svg")
    check_names(text, procs, "svg")
    rsvg(path, os.path.join(out_dir, stem + ".svg.png"), "svg")


def check_mermaid_svg(svg, procs, what):
    with open(svg, "rb") as f:
        data = f.read()
    # labels are HTML in foreignObjects: their text, entities decoded by the parser
    check_names(svg_text(data, what), procs, what)
    check(b"<script" not in data, f"{what}: a script element from the labels")


def render_mermaid(todo, out_dir):
    """mmdc over every Mermaid export at once (one browser start: a Markdown file with one
    diagram each, rendered to all-N.svg), then each SVG checked. When the batch fails,
    each diagram alone, to name the one mmdc refuses. Returns (passed, failed)."""
    md = os.path.join(out_dir, "all-mermaid.md")
    with open(md, "w", encoding="utf-8") as f:
        for stem, path, _ in todo:
            with open(path, encoding="utf-8") as g:
                f.write(f"# {stem}\n\n```mermaid\n{g.read()}```\n\n")
    out = os.path.join(out_dir, "all-mermaid-out.md")
    r = run([MMDC, "-q", "-p", PUPPETEER, "-i", md, "-o", out, "-b", "white"],
            timeout=60 + 10 * len(todo))
    passed = failed = 0
    for k, (stem, path, procs) in enumerate(todo, 1):
        what = f"{stem} mermaid"
        try:
            svg = os.path.join(out_dir, f"all-mermaid-out-{k}.svg")
            if r.returncode != 0:
                svg = os.path.join(out_dir, stem + ".mmd.svg")
                r1 = run([MMDC, "-q", "-p", PUPPETEER, "-i", path, "-o", svg, "-b", "white"])
                check(r1.returncode == 0 and os.path.exists(svg), "mmdc: rc %d: %s" % (
                    r1.returncode, (r1.stderr or r1.stdout).decode(errors="replace")[:400]))
            check(os.path.exists(svg), f"mmdc wrote no {svg}")
            check_mermaid_svg(svg, procs, "mmdc's SVG")
            print(f"ok - {what} ({len(procs)} processes, rendered by mmdc)")
            passed += 1
        except (Failure, OSError) as e:
            print(f"FAIL - {what}: {e}")
            failed += 1
    return passed, failed


# ---------------------------------------------------------------- main


def tools():
    """Which renderers are here: name -> None, or why it is not."""
    why = {}
    for name in ("dot", "rsvg-convert"):
        why[name] = None if shutil.which(name) else f"{name} not found (make export-deps)"
    if not os.access(MMDC, os.X_OK):
        why["mmdc"] = f"{MMDC} not found (make export-deps installs it)"
    elif not os.path.exists(PUPPETEER) or not os.access("/usr/bin/chromium", os.X_OK):
        why["mmdc"] = "no chromium or puppeteer config (make export-deps)"
    else:
        why["mmdc"] = None
    return why


def main():
    ap = argparse.ArgumentParser(description="forkscope export rendered by the real tools")
    ap.add_argument("-k", metavar="PATTERN", help="only recordings whose name has PATTERN")
    ap.add_argument("--keep", metavar="DIR", help="keep the exports and PNGs in DIR")
    ap.add_argument("--no-live", action="store_true", help="no live recording")
    args = ap.parse_args()
    passed = failed = 0
    why = tools()
    for name, reason in why.items():
        if reason:
            print(f"{'FAIL' if CI else 'SKIP'} - {name}: {reason}")
            if CI:
                failed += 1
    tmp = tempfile.mkdtemp(prefix="forkscope-export-")
    out_dir = args.keep or tmp
    os.makedirs(out_dir, exist_ok=True)
    try:
        recs, live_failed = recordings(tmp, not args.no_live)
        if live_failed and CI:
            failed += 1
        mermaid = []
        for rec in recs:
            stem = os.path.basename(rec)[:-6]
            if args.k and args.k not in stem:
                continue
            try:
                procs, pids = processes(rec)
            except Failure as e:
                print(f"FAIL - {stem}: {e}")
                failed += 1
                continue
            for fmt in FORMATS:
                what = f"{stem} {fmt}"
                try:
                    path = os.path.join(out_dir, f"{stem}.{fmt}")
                    r = run([FORKSCOPE, "export", "--format", fmt, "-o", path, rec])
                    check(r.returncode == 0, f"export: rc {r.returncode}: "
                          f"{r.stderr.decode(errors='replace')[:300]}")
                    r2 = run([FORKSCOPE, "export", "--format", fmt, rec])
                    with open(path, "rb") as f:
                        check(r2.stdout == f.read(), "stdout differs from the -o file")
                    if fmt == "perfetto":
                        check_perfetto(r2.stdout, procs, pids)
                    elif fmt == "dot":
                        if why["dot"] and not CI:
                            continue
                        check_dot(path, out_dir, stem, procs)
                    elif fmt == "svg":
                        if why["rsvg-convert"] and not CI:
                            continue
                        check_svg(path, out_dir, stem, procs)
                    elif fmt == "mermaid" and not why["mmdc"]:
                        mermaid.append((stem, path, procs))  # rendered all at once below
                        continue
                    print(f"ok - {what} ({len(procs)} processes)")
                    passed += 1
                except (Failure, OSError) as e:
                    print(f"FAIL - {what}: {e}")
                    failed += 1
        if mermaid:
            p, f = render_mermaid(mermaid, out_dir)
            passed += p
            failed += f
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.keep:
        print(f"# the exports and their PNGs are in {out_dir}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
