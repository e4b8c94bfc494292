"""The workload's side of forkscope's channel (docs/channel.md).

A process tells forkscope facts about itself by writing one record to a file
descriptor number that can never be open (FD, negative): the write fails with EBADF,
and forkscope's kernel side, if it is there, has copied the buffer with the writer's
PID, TID and time. Without forkscope it costs one failing system call per batch and
changes nothing else: no thread, no file, no output, no exception.

A record is MAGIC and then facts, one JSON object a line, at most MAX bytes and
MAX_FACTS facts. Facts are
batched: say() only appends; flush() writes. The hook flushes before a fork (so a child
never inherits its parent's facts), when a process ends, and when a batch is full.
"""
import os

import _thread

FD = -4099  # FS_CHANNEL_FD in src/base/event.h
MAGIC = b"FSC1\n"  # FS_CHANNEL_MAGIC
MAX = 4096  # FS_CHANNEL_MAX
MAX_STRING = 512  # FS_FACT_MAX_STRING in src/model/channel.h
MAX_FACTS = 32  # FS_FACT_MAX_FACTS: a record with more is rejected whole

_batch = []
_size = len(MAGIC)
_lock = _thread.allocate_lock()  # threads of a process share the batch
dropped = 0  # facts too big to send at all

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _quote(s):
    """A JSON string (the json module costs milliseconds to import: too slow here)."""
    if len(s) <= MAX_STRING and s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'  # keys and most values: nothing to escape
    if len(s.encode("utf-8", "replace")) > MAX_STRING:
        s = s.encode("utf-8", "replace")[: MAX_STRING - 3].decode("utf-8", "ignore") + "..."
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff":
            out.append("\\u%04x" % (ord(ch) if ch < "\ud800" else 0xFFFD))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    return _quote(str(v))


def encode(kind, fields):
    """One fact as its line (bytes, newline included)."""
    parts = ['"fact":' + _quote(kind)]
    for key, v in fields.items():
        parts.append(_quote(key) + ":" + _value(v))
    return ("{" + ",".join(parts) + "}\n").encode("utf-8", "replace")


def say(_fact, **fields):
    """Queue one fact about this process."""
    say_line(encode(_fact, fields))


def say_line(line):
    """Queue one fact already encoded (bytes, newline included): for a hot path."""
    global _size, dropped
    if len(MAGIC) + len(line) > MAX:
        dropped += 1
        return
    with _lock:
        if _size + len(line) > MAX or len(_batch) >= MAX_FACTS:
            _flush_locked()
        _batch.append(line)
        _size += len(line)


def send_lines(lines):
    """Send the queued facts and then LINES (complete ASCII lines, str, each far below
    MAX) in as few records as fit (MAX bytes, MAX_FACTS facts): one system call per
    record, not one per line."""
    room = MAX - len(MAGIC)
    with _lock:
        _flush_locked()
        for i in range(0, len(lines), MAX_FACTS):
            data = "".join(lines[i:i + MAX_FACTS]).encode("ascii", "replace")
            while data:
                cut = len(data) if len(data) <= room else data.rfind(b"\n", 0, room) + 1
                if cut <= 0:  # a line over MAX: never from the hook's own encoders
                    break
                try:
                    os.write(FD, MAGIC + data[:cut])
                except OSError:
                    pass
                data = data[cut:]


def flush():
    """Send the queued facts, if any, as one record: one system call, which fails."""
    if _batch:
        with _lock:
            _flush_locked()


def _flush_locked():
    global _size
    if not _batch:
        return
    data = MAGIC + b"".join(_batch)
    del _batch[:]
    _size = len(MAGIC)
    try:
        os.write(FD, data)
    except OSError:
        pass


def _forget():
    """In a fork child: the parent's queue was flushed before the fork; start empty
    (and with a lock of its own: another thread of the parent may have held it)."""
    global _size, _lock
    _lock = _thread.allocate_lock()
    del _batch[:]
    _size = len(MAGIC)


def install():
    """Flush before every fork and at exit; a fork child starts with an empty queue."""
    import atexit

    os.register_at_fork(before=flush, after_in_child=_forget)
    atexit.register(flush)
