# Lecture mode's tmux tests (docs/narration.md): the narration line and log, ] and [ in a
# replay, the question before the answer, step mode freezing a live run at each lesson and
# resuming with nothing lost. Run by run_tui_tests.py, which defines Pane, replay, live...
# (this file is read into its globals: the names below are its test_* functions).

SHIPPED = os.path.join(ROOT, "demos", "recordings")


def narrate_json(path):
    r = subprocess.run([FORKSCOPE, "narrate", "--json", path], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def replay_of(path, cols=120, rows=36):
    env = {"LANG": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
    return Pane("%s replay %s" % (shquote(FORKSCOPE), shquote(path)), cols, rows, env)


def narration_rows(screen):
    """The two narration rows: the last two above the status line."""
    return " ".join(screen.rstrip("\n").splitlines()[-3:-1])


def events_shown(screen):
    m = re.search(r"events (\d+)/(\d+)", screen.rstrip("\n").splitlines()[-1])
    assert m, screen
    return int(m.group(1)), int(m.group(2))


def status_events(p, timeout=10):
    """events shown/kept from the status line, once no message covers it."""
    deadline = time.monotonic() + timeout
    while True:
        last = p.screen().rstrip("\n").splitlines()[-1]
        m = re.search(r"events (\d+)/(\d+)", last)
        if m:
            return int(m.group(1)), int(m.group(2))
        assert time.monotonic() < deadline, "no events count on the status line: " + last
        time.sleep(0.2)


def test_narration_next_prev_replay():
    """] and [ in a replay: the lesson's sentence on the narration line, its place [k/N], the
    cursor just past its event; at 120x36 and at 80x24."""
    path = os.path.join(SHIPPED, "daemon-forkserver.jsonl")
    lessons = narrate_json(path)
    assert len(lessons) >= 3, lessons
    for cols, rows in ((120, 36), (80, 24)):
        p = replay_of(path, cols, rows)
        try:
            p.wait_for(r"narration|\[\d+/\d+\]")
            p.keys("b")  # the start
            p.keys(" ")  # paused there (play -> pause)
            p.wait_for(r"paused")
            for k in (0, 1, 2):
                p.keys("]")
                s = p.wait_for(r"\[%d/%d\]" % (k + 1, len(lessons)))
                words = lessons[k]["text"][:30]
                assert words in narration_rows(s).replace("\n", " "), (words, s)
                assert status_events(p)[0] == lessons[k]["event"] + 1, (lessons[k], s)
            p.keys("[")
            s = p.wait_for(r"\[2/%d\]" % len(lessons))
            assert status_events(p)[0] == lessons[1]["event"] + 1, s
        finally:
            p.close()


def test_narration_log_pane():
    """L opens the narration log (every lesson with its time); Enter on a row goes there."""
    path = os.path.join(SHIPPED, "pool-recycle-fork.jsonl")
    lessons = narrate_json(path)
    p = replay_of(path)
    try:
        p.wait_for(r"narration|\[\d+/\d+\]")
        p.keys("L")
        s = p.wait_for(r"narration: %d lessons" % len(lessons))
        for x in lessons:
            when = "%d.%03d s" % (x["t_ns"] // 10**9, x["t_ns"] % 10**9 // 10**6)
            assert when in s, (when, s)
        p.keys("g", "j", "j", "Enter")
        s = p.wait_for(r"\[3/%d\]" % len(lessons))
        assert status_events(p)[0] == lessons[2]["event"] + 1, s
        p.keys("L")
        p.wait_for(r"narration: \d+ lessons", absent=True)
    finally:
        p.close()


def test_question_before_answer():
    """With questions on (a), ] asks first with the lesson's event not shown yet (the
    demo's own question where its header has one); space answers and shows it."""
    path = os.path.join(SHIPPED, "start-methods-forkserver.jsonl")
    lessons = narrate_json(path)
    fsrv = [x for x in lessons if x["kind"] == "forkserver_child"][0]
    k = lessons.index(fsrv)
    p = replay_of(path, 80, 24)
    try:
        p.wait_for(r"narration|\[\d+/\d+\]")
        p.keys("b", " ", "a")
        p.wait_for(r"paused")
        for i in range(k):
            p.keys("]")
            p.wait_for(r"QUESTION:")
            p.keys(" ")
            p.wait_for(r"ANSWER:.*|\[%d/%d\]" % (i + 1, len(lessons)))
            p.wait_for(r"\[%d/%d\]" % (i + 1, len(lessons)))
        p.keys("]")
        # the demo's own question for this kind ("# question forkserver_child: ...")
        s = p.wait_for(r"QUESTION: The children print their PPID: under forkserver")
        assert status_events(p)[0] == fsrv["event"], s  # the fork not shown yet
        assert "ANSWER" not in narration_rows(s), s
        p.keys(" ")
        s = p.wait_for(r"ANSWER: the forkserver \(\d+\)")
        assert status_events(p)[0] == fsrv["event"] + 1, s
    finally:
        p.close()


def frozen_state(fs_pid):
    """cgroup.freeze of forkscope's workload cgroup, None when there is none."""
    for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        path = os.path.join(base, "forkscope-%d" % fs_pid, "cgroup.freeze")
        if os.path.exists(path):
            with open(path) as f:
                return f.read().strip() == "1"
    return None


def test_live_step_mode():
    """S freezes the live workload (cgroup.freeze 1, no event while frozen); space runs it
    to the next lesson and freezes it there with the question up, space again answers; to
    the end, nothing lost: the recording narrates the same lessons and lost nothing."""
    need_live()
    rec = os.path.join(TMP, "step.jsonl")
    env = {"LANG": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
    p = Pane("%s run -o %s --method forkserver daemon" % (shquote(FORKSCOPE), shquote(rec)),
             120, 36, env)
    try:
        p.wait_for(r"LIVE", timeout=20)
        p.keys("S")
        p.wait_for(r"\[step: frozen\]")
        fs_pid = p.forkscope_pid()
        state = frozen_state(fs_pid)
        if state is None:
            raise Skip("no cgroup v2 of the workload's own here: no freezer")
        assert state, "cgroup.freeze is not 1 in step mode"
        before = status_events(p)[1]
        time.sleep(1.5)
        assert status_events(p)[1] == before, "events came while frozen"
        seen = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            p.keys(" ")
            s = p.wait_for(r"QUESTION:|FINISHED|no lesson after", timeout=30)
            if "QUESTION:" not in narration_rows(s):
                break
            if "[step: frozen]" in s:
                assert frozen_state(fs_pid) in (True, None), "asked, but not frozen"
            p.keys(" ")
            s = p.wait_for(r"ANSWER:")
            seen += 1
        p.wait_for(r"FINISHED", timeout=60)
        assert seen >= 3, "only %d lessons stepped through" % seen
        shown, total = status_events(p)
        p.keys("q")
        assert p.exit_status() == 0
        lessons = narrate_json(rec)
        assert len(lessons) >= seen, (len(lessons), seen)
        with open(rec) as f:
            lines = [json.loads(x) for x in f]
        end = [x for x in lines if x.get("type") == "end"]
        assert end and end[0].get("lost", 0) == 0 and end[0].get("complete") is True, end
        assert end[0]["events"] == total, (end[0], total)
        kinds = {x["kind"] for x in lessons}
        for kind in ("forkserver_started", "forkserver_child", "daemon_killed"):
            assert kind in kinds, (kind, kinds)
    finally:
        p.close()


def test_live_narration_is_the_replays():
    """A live run narrates as its recording does: at its end the log holds the lessons
    `forkscope narrate` finds in the recording, with the same times and sentences."""
    need_live()
    rec = os.path.join(TMP, "live-narration.jsonl")
    env = {"LANG": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
    p = Pane("%s run -o %s --method spawn pool-recycle" % (shquote(FORKSCOPE), shquote(rec)),
             160, 40, env)
    try:
        p.wait_for(r"FINISHED", timeout=90)
        p.keys("L")
        s = p.wait_for(r"narration: \d+ lessons")
        n = int(re.search(r"narration: (\d+) lessons", s).group(1))
        p.keys("q")
        assert p.exit_status() == 0
        lessons = narrate_json(rec)
        assert n == len(lessons), (n, len(lessons), s)
        for x in lessons[: min(n, 12)]:
            when = "%d.%03d s" % (x["t_ns"] // 10**9, x["t_ns"] % 10**9 // 10**6)
            line = "%s %s" % (when, x["text"])
            assert line[:80] in s, (line, s)
        assert any(x["kind"] == "recycled" for x in lessons), lessons
    finally:
        p.close()


def test_live_step_mode_duration():
    """--duration counts the time the workload ran, not the time step mode held it: frozen
    past its deadline it is still there (LIVE, frozen); thawed, it runs out its time and
    is stopped."""
    need_live()
    env = {"LANG": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
    prog = "import time\nfor i in range(40):\n    time.sleep(0.25)\n"
    path = os.path.join(TMP, "naps.py")
    with open(path, "w") as f:
        f.write(prog)
    p = Pane("%s run --duration 2 -- /usr/bin/python3 %s" % (shquote(FORKSCOPE),
                                                             shquote(path)), 120, 36, env)
    try:
        p.wait_for(r"LIVE", timeout=20)
        p.keys("S")
        p.wait_for(r"\[step: frozen\]")
        fs_pid = p.forkscope_pid()
        if frozen_state(fs_pid) is None:
            raise Skip("no cgroup v2 of the workload's own here: no freezer")
        t0 = time.monotonic()
        time.sleep(3.5)  # past the 2 s deadline, frozen all along
        s = p.screen()
        assert "LIVE" in s and "FINISHED" not in s, s
        assert frozen_state(fs_pid) is True, "thawed behind our back"
        p.keys("S")  # step mode off: it runs on
        p.wait_for(r"FINISHED", timeout=20)
        assert time.monotonic() - t0 >= 4.5, "the frozen time counted against --duration"
        p.keys("q")
        p.exit_status()
        assert not wait_no_session_processes(fs_pid), "processes left behind"
    finally:
        p.close()


def test_narration_every_demo():
    """Every demo's lessons on screen: each shipped recording (under forkserver and spawn)
    replayed, ] from the start through its last lesson, each sentence on the narration
    line in turn."""
    names = sorted(f for f in os.listdir(SHIPPED)
                   if f.endswith(("-forkserver.jsonl", "-spawn.jsonl")))
    assert len(names) >= 20, names
    for name in names:
        path = os.path.join(SHIPPED, name)
        lessons = narrate_json(path)
        p = replay_of(path)
        try:
            p.wait_for(r"narration|\[\d+/\d+\]")
            p.keys("b", " ")
            p.wait_for(r"paused")
            for k, x in enumerate(lessons):
                p.keys("]")
                s = p.wait_for(r"\[%d/%d\]" % (k + 1, len(lessons)))
                assert x["text"][:40] in narration_rows(s), (name, x["text"], s)
            p.keys("]")
            p.wait_for(r"no lesson after this one")
        finally:
            p.close()


def test_live_step_mode_killed_forkscope():
    """forkscope SIGKILLed while step mode holds the workload frozen: the watchdog still
    kills the frozen cgroup (cgroup.kill works on frozen tasks): nothing is left behind."""
    need_live()
    env = {"LANG": "C", "NO_COLOR": "1", "TERM": "tmux-256color"}
    p = Pane("%s run --method fork -- /usr/bin/python3 %s" % (shquote(FORKSCOPE),
                                                             shquote(WORKLOAD)), 120, 36, env)
    try:
        p.wait_for(r"child \(fork\)", timeout=20)
        p.keys("S")
        p.wait_for(r"\[step: frozen\]")
        fs_pid = p.forkscope_pid()
        if frozen_state(fs_pid) is None:
            raise Skip("no cgroup v2 of the workload's own here: no freezer")
        assert session_processes(fs_pid), "no workload process to hold"
        os.kill(fs_pid, signal.SIGKILL)
        left = wait_no_session_processes(fs_pid, timeout=15)
        assert not left, "left behind after forkscope was killed while frozen: %s" % left
    finally:
        p.close()
