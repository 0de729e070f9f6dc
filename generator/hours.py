"""A station's opening hours (`hours:`, free text) read as a weekly timetable, for the "open now" line on its page.

The site is static: whether a station is open *now* can only be worked out in the reader's browser (theme/assets/
station.js), from the timetable this module publishes in the page. Only hours written in a plain form are read
("工作日 8:30-12:00，14:30-17:30", "每天 9:00-17:00", "周一至周六 9:00-12:00；周日 14:00-17:00"); anything else
("每月两次，工作日午休时段") gives no timetable, and the page shows the text alone, as it always does.
"""

from __future__ import annotations

import json
import re

DAYS = "日一二三四五六"
"""Day numbers as JavaScript's Date.getDay() counts them: 0 is Sunday."""

_DAY = r"[一二三四五六日天]"
_DAY_PHRASES = {"工作日": (1, 2, 3, 4, 5), "每天": tuple(range(7)), "每日": tuple(range(7)), "周末": (6, 0)}
_SPAN = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})")
_RANGE = re.compile(rf"(?:周|星期)({_DAY})\s*[至到\-–—~～]\s*(?:周|星期)?({_DAY})")
_SINGLE = re.compile(rf"(?:周|星期)({_DAY})")
_SEPARATORS = re.compile(r"\s*[，,、和]\s*")

Timetable = list[tuple[list[int], list[tuple[int, int]]]]
"""Rules of a week: (days, [(from, to) in minutes after midnight])."""


def _day(char: str) -> int:
    return 0 if char in "日天" else DAYS.index(char)


def _days(phrase: str) -> list[int] | None:
    phrase = phrase.strip()
    if phrase in _DAY_PHRASES:
        return list(_DAY_PHRASES[phrase])
    if match := _RANGE.fullmatch(phrase):
        first, last = _day(match[1]), _day(match[2])
        return [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    if match := _SINGLE.fullmatch(phrase):
        return [_day(match[1])]
    return None


def _spans(text: str) -> list[tuple[int, int]] | None:
    spans = []
    for part in _SEPARATORS.split(text.strip()):
        match = _SPAN.fullmatch(part)
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and start < end <= 24 * 60):
            return None
        spans.append((start, end))
    return spans


def timetable(hours: str | None) -> Timetable | None:
    """The weekly timetable `hours` describes, or None when it is not written in a form read here."""
    if not hours:
        return None
    rules: Timetable = []
    for group in re.split(r"\s*[；;]\s*", hours.strip()):
        match = re.match(r"(\S+?)\s*(?=\d)", group)
        days = _days(match[1]) if match else None
        spans = _spans(group[match.end() :]) if match else None
        if days is None or spans is None:
            return None
        rules.append((days, spans))
    return rules or None


def timetable_json(hours: str | None) -> str | None:
    """The timetable as the page publishes it (a `data-hours` attribute): [[[days], [[from, to], ...]], ...]."""
    rules = timetable(hours)
    if rules is None:
        return None
    return json.dumps([[days, [list(span) for span in spans]] for days, spans in rules], separators=(",", ":"))
