"""The folder store's line format: one event a JSON line, and reading complete lines only (a torn tail is skipped)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_CHUNK = 1 << 20

# JSON leaves these raw with ensure_ascii=False, but str.splitlines() and some tools break lines at them: escape them
# too (they only ever occur inside JSON strings), so that one event is one line for every reader.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

# One encoder for every append (json.dumps with these options would build a new one each call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def encode_events(events: Iterable[dict]) -> bytes:
    """One compact JSON line per event (UTF-8, sorted keys). ValueError if an event is no dict with a "type"."""
    lines = []
    for index, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not event["type"]:
            raise ValueError(f"event {index} is not a dict with a non-empty string 'type': {event!r:.200}")
        try:
            text = _ENCODER.encode(event)
            if "\x85" in text or "\u2028" in text or "\u2029" in text:  # rare; translate() is slow on CJK text
                text = text.translate(_LINE_BREAKS)
            lines.append(text.encode("utf-8") + b"\n")
        except (TypeError, ValueError) as exc:  # UnicodeEncodeError (lone surrogates) is a ValueError
            raise ValueError(f"event {index} ({event['type']}) cannot be stored as JSON: {exc}") from exc
    return b"".join(lines)


def parse_line(line: bytes) -> dict | None:
    """The event on one line (without its "\\n"), or None if the line is not a JSON object with a string "type"."""
    try:
        event = json.loads(line)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return None
    return event


def complete_lines(fd: int, start: int, end: int) -> Iterator[tuple[bytes, int]]:
    """Each complete line between byte offsets start and end, without its "\\n", with the offset just past it.

    Bytes after the last "\\n" (a torn tail, or a write in progress) are not yielded.
    """
    position, line_start, carry = start, start, b""
    while position < end:
        chunk = os.pread(fd, min(_CHUNK, end - position), position)
        if not chunk:
            break
        position += len(chunk)
        *lines, carry = (carry + chunk).split(b"\n")
        for line in lines:
            line_start += len(line) + 1
            yield line, line_start


def read_events(path: Path) -> Iterator[dict]:
    """Every event in a log file, lock-free and tolerant: unparsable lines and a torn last line are skipped.

    Without the lock a reader may stop short of an append in progress; use EventLog.state() for a consistent view.
    """
    with open(path, "rb") as file:
        for line in file:  # binary files split on b"\n" only (not on U+2028 or U+0085 inside a text)
            if not line.endswith(b"\n"):
                return
            event = parse_line(line[:-1])
            if event is not None:
                yield event
