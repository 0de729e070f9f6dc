"""Retention: anonymise the personal data of submissions closed longer than the retention period (privacy notice:
"办结满一年后，删除其中的姓名和联系电话").

What "anonymise" means for every event of such a case (found by `ref`, including events the fold ignored):

- `name` becomes null and `phone` "" (the `submitted` event keeps both keys, so the log stays valid for every reader);
- the free texts (`text`, `comment`, `answer`, `note`, `reason`) keep their words, but every phone-like number
  (mobiles and landlines with or without separators, full-width digits too, and any other run of 7 or more digits:
  local numbers, ID card and account numbers) and every occurrence of the citizen's own name become stand-ins;
- the `submitted` event gets `"anonymised": "YYYY-MM-DD"`, the day it was done.

Yearly evaluations of deputies (`evaluated` events, no `ref`) given `days` or more days before: `comment` becomes
null, and so does `voter` (the keyed hash standing for the phone number) once the evaluation's year is over, when it
can no longer be needed to refuse a second evaluation. Target, year and rating stay: they are the public figures.

The tracking code stays, so the citizen's code still shows status and answer (never personal data, as before).
Everything else in the log stays byte for byte. The staff tools rewrite the log through `Store.rewrite` (exclusive lock,
temporary file, fsync, os.replace, fsync of the folder), so appends that wait for the lock land in the new file.
Running it again changes nothing and rewrites nothing. Backups are not touched: see docs/DEPLOY.md (they expire).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from forms_api import messages
from forms_api.cases.events import EVALUATED, TZ, parse_at
from forms_api.cases.fold import State, fold

FREE_TEXT_FIELDS = ("text", "comment", "answer", "note", "reason")
MARKER = "anonymised"

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # one character for one: offsets stay valid
_SEP = r"[\s\-－‐–—.·]?"
_NUMBER = re.compile(
    r"(?<![0-9])(?:"
    rf"(?:(?:\+|＋|00)?86{_SEP})?1[3-9][0-9](?:{_SEP}[0-9]{{4}}){{2}}"  # a mobile: 138 0013 8000, +86-138-0013-8000
    rf"|[(（]?0[0-9]{{2,3}}[)）]?{_SEP}[0-9]{{3,4}}{_SEP}[0-9]{{4}}"  # a landline with its area code: (010) 1234-5678
    rf"|[0-9]{{3,4}}{_SEP}[0-9]{{4}}"  # a local number: 5551-2345
    r"|[0-9]{7,}"  # any other long number: an ID card or account number
    r")(?![0-9])"
)


def mask_numbers(text: str) -> str:
    """`text` with every phone-like number (7 or more digits, separators allowed) replaced by messages.MASK_NUMBER."""
    plain = text.translate(_FULL_WIDTH_DIGITS)
    pieces, last = [], 0
    for match in _NUMBER.finditer(plain):
        pieces += [text[last : match.start()], messages.MASK_NUMBER]
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else text


def mask_text(text: str, names: Iterable[str]) -> str:
    """Phone-like numbers and each of `names` (the citizen's own, exactly as given) replaced by stand-ins."""
    text = mask_numbers(text)
    for name in sorted({name.strip() for name in names if name.strip()}, key=len, reverse=True):
        text = text.replace(name, messages.MASK_NAME)
    return text


@dataclass
class Report:
    """What a purge found and did; `anonymised` counts the cases changed by this run."""

    days: int
    cutoff: date  # cases closed on this day or earlier are due
    due: int = 0
    anonymised: int = 0
    recent_closed: int = 0
    open: int = 0
    events_changed: int = 0
    evaluations: int = 0  # yearly evaluations whose comment or voter hash this run removed

    @property
    def already(self) -> int:
        return self.due - self.anonymised

    def lines(self, *, dry_run: bool = False) -> list[str]:
        values = {
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "count": self.anonymised,
            "already": self.already,
            "recent": self.recent_closed,
            "open": self.open,
            "events": self.events_changed,
        }
        first = messages.PURGE_DRY_RUN if dry_run else messages.PURGE_DONE
        lines = [first.format(**values), messages.PURGE_KEPT.format(**values)]
        if self.evaluations:
            evaluated = messages.PURGE_EVALUATIONS_DRY_RUN if dry_run else messages.PURGE_EVALUATIONS
            lines.append(evaluated.format(count=self.evaluations, days=self.days))
        return lines


def due_refs(state: State, cutoff: date, report: Report) -> set[str]:
    """References of the cases closed on `cutoff` or earlier (and still closed); counts every case into `report`."""
    refs = set()
    for ref, sub in state.submissions.items():
        if sub.status != "closed":
            report.open += 1
        elif sub.closed_at is not None and sub.closed_at.date() <= cutoff:
            refs.add(ref)
        else:
            report.recent_closed += 1
    report.due = len(refs)
    return refs


def anonymise(events: list[dict], *, days: int, today: date) -> tuple[list[dict], Report]:
    """The log's events with the personal data of every case closed `days` or more days before `today` removed."""
    report = Report(days=days, cutoff=today - timedelta(days=days))
    state = fold(events)
    due = due_refs(state, report.cutoff, report)
    names: dict[str, set[str]] = {}
    for event in events:
        if event.get("ref") in due and isinstance(event.get("name"), str):
            names.setdefault(event["ref"], set()).add(event["name"])
    changed_refs: set[str] = set()
    result = []
    for event in events:
        ref = event.get("ref")
        if event.get("type") == EVALUATED:
            new = scrub_evaluation(event, report.cutoff, today)
            report.evaluations += new != event
            result.append(new)
            continue
        if ref not in due:
            result.append(event)
            continue
        new = scrub(event, names.get(ref, ()), today)
        if new != event:
            changed_refs.add(ref)
            report.events_changed += 1
        result.append(new)
    report.anonymised = len(changed_refs)
    return result, report


def scrub(event: dict, names: Iterable[str], today: date) -> dict:
    """One event of a due case without its personal data (a new dict; the same values when there is nothing to do)."""
    new = dict(event)
    if new.get("name") is not None:
        new["name"] = None
    if "phone" in new and new["phone"] != "":
        new["phone"] = ""
    names = tuple(names)
    for key in FREE_TEXT_FIELDS:
        if isinstance(new.get(key), str):
            new[key] = mask_text(new[key], names)
    if new.get("type") == "submitted" and MARKER not in new:
        new[MARKER] = today.isoformat()
    return new


def scrub_evaluation(event: dict, cutoff: date, today: date) -> dict:
    """An `evaluated` event given on `cutoff` or earlier without its comment, and without its voter hash once its
    year is over (a new dict; the same values when there is nothing to do or the event is malformed)."""
    try:
        given = parse_at(event["at"]).astimezone(TZ).date()
    except (KeyError, TypeError, ValueError):
        return event
    if given > cutoff:
        return event
    new = dict(event)
    if new.get("comment") is not None:
        new["comment"] = None
    year = new.get("year")
    if new.get("voter") is not None and isinstance(year, int) and year < today.year:
        new["voter"] = None
    return new
