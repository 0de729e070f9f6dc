"""What the staff tools show and hand out: cases as terminal text (`list`, `show`), spreadsheet exports (CSV, XLSX)
and statistics, all pure; forms_api/cli.py parses options, calls these and writes files with queue.write_atomically.

Everything a citizen typed is hostile until shown otherwise:

- `plain()` makes a text safe for a terminal: control characters (ESC starts the ANSI sequences that recolour,
  retitle or rewrite a staff member's terminal), C1 controls and bidirectional overrides become visible stand-ins.
- `safe_cell()` makes a value safe for a spreadsheet (OWASP ASVS 1.2.10): a cell that starts with = + - @ tab, CR or
  NUL, also after leading whitespace, gets a leading single quote so no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import yaml

from forms_api import messages
from forms_api.workflow import CITIZEN, RATINGS, STATUSES, TZ, Evaluation, Submission, deadline_for, parse_at


class Calendar(NamedTuple):
    """Public holidays and the weekend days worked instead (调休), for counting working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


NO_HOLIDAYS = Calendar()


class _DatesAsText(yaml.SafeLoader):
    """safe_load without YAML's own timestamps: a bad date reaches us as text, for a message naming it."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def parse_calendar(text: str) -> Calendar:
    """A holidays file (YAML or JSON): a list of dates (holidays), or a mapping with `holidays` and `workdays` lists
    of YYYY-MM-DD dates. ValueError with the reason, in Chinese, when it is not one."""
    try:
        data = yaml.load(text, Loader=_DatesAsText)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None
    if isinstance(data, list):
        data = {"holidays": data}
    if not isinstance(data, dict) or not set(data) <= {"holidays", "workdays"}:
        raise ValueError(messages.STAFF_HOLIDAYS_SHAPE)

    def dates(values: object) -> frozenset[date]:
        if not isinstance(values, list):
            raise ValueError(messages.STAFF_HOLIDAYS_SHAPE)
        result = set()
        for value in values:
            try:
                if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError(value)
                result.add(date.fromisoformat(value))
            except ValueError:
                raise ValueError(messages.STAFF_HOLIDAYS_DATE.format(value=value)) from None
        return frozenset(result)

    return Calendar(dates(data.get("holidays", [])), dates(data.get("workdays", [])))


# --- text for a terminal ----------------------------------------------------------------------------------------------

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _terminal_table() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # C0 -> control pictures: ESC -> ␛
    del table[ord("\n")]
    table[ord("\t")] = " "
    table[0x7F] = "\u2421"  # ␡
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1, e.g. U+009B, the one-character CSI
    table.update({ord(char): "\ufffd" for char in _BIDI_CONTROLS})  # no reordering of what follows on the line
    return table


_TERMINAL = _terminal_table()


def plain(value: object) -> str:
    """`value` as inert text for a terminal: only newline survives of the control characters; CR LF becomes LF."""
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").translate(_TERMINAL)


def one_line(value: object, limit: int | None = None) -> str:
    """`plain(value)` on one line (line breaks become spaces), cut to `limit` characters with an ellipsis."""
    text = " ".join(plain(value).split("\n"))
    if limit is not None and len(text) > limit:
        return text[:limit] + "…"
    return text


# --- cells for a spreadsheet ------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
# Characters XML 1.0 (and so XLSX) cannot hold; CSV gets the same treatment so both exports carry the same values.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_cell(value: object) -> str:
    """`value` as a spreadsheet cell that is never a formula: always text, a quote before a dangerous start.

    Line breaks become LF (XML, and so XLSX, would turn a CR into LF on reading anyway: both formats agree).
    """
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_ILLEGAL.sub(lambda match: chr(0x2400 + ord(match[0])) if match[0] < " " else "\ufffd", text)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def moment_text(moment: datetime | None) -> str:
    """A timestamp as staff read it: China Standard Time, YYYY-MM-DD HH:MM."""
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def assignee_label(kind: str | None, name: str | None) -> str:
    """Who handles a case, e.g. "职能部门 县住建局"; "12345热线" alone for the hotline's own number."""
    if kind is None:
        return messages.STAFF_UNASSIGNED
    label = messages.ASSIGNEE_KIND_LABELS.get(kind, kind)
    if kind == "hotline" and name == messages.STAFF_HOTLINE_NUMBER:
        return label
    return f"{label} {name}"


def assignee_text(sub: Submission) -> str:
    return assignee_label(sub.assignee_kind, sub.assignee)


# The name of a deputy or station by target ("deputy:wang-xiulan"), "" when unknown: schema.Targets.name.
TargetNames = Callable[[str], str]


def no_names(target: str) -> str:
    return ""


def target_label(target: str, name: str, *, with_id: bool = False) -> str:
    """A case's target as the status page shows it, "王秀兰（代表）", with the id staff act on when `with_id`
    ("王秀兰（代表，deputy:wang-xiulan）"); the id alone when the site's data has no name for it."""
    name = name.strip()
    if not name:
        return target
    kind = messages.PAGE_TEXTS["deputy" if target.startswith("deputy:") else "station"]
    shape = messages.STAFF_TARGET_WITH_ID if with_id else messages.STAFF_TARGET
    return shape.format(name=name, kind=kind, target=target)


def export_rows(
    subs: Iterable[Submission], *, personal: bool, cal: Calendar = NO_HOLIDAYS, names: TargetNames = no_names
) -> tuple[list[str], list[list[str]]]:
    """The header and one row per case, every cell already made safe; name and phone only when `personal`.

    The target's id comes last, so that every other column keeps its place with and without `personal`."""
    header = list(messages.STAFF_EXPORT_COLUMNS)
    if personal:
        header += list(messages.STAFF_EXPORT_PERSONAL_COLUMNS)
    header.append(messages.STAFF_EXPORT_TARGET_ID)
    rows = []
    for sub in subs:
        deadline = shown_deadline(sub, cal)
        row = [
            sub.ref,
            sub.status_label,
            sub.category,
            target_label(sub.target, names(sub.target)),
            moment_text(sub.submitted_at),
            deadline.isoformat() if deadline else "",
            assignee_text(sub),
            sub.text,
            sub.answer or "",
        ]
        if personal:
            row += [sub.name or "", sub.phone]
        rows.append([*row, sub.target])
    return [safe_cell(column) for column in header], [[safe_cell(cell) for cell in row] for row in rows]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """RFC 4180 CSV (CRLF, quotes where needed) in UTF-8 with a BOM, so that Excel reads the Chinese right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """One worksheet, every cell stored as a string (data_type "s"): no value is ever kept as a formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = messages.STAFF_EXPORT_SHEET
    for row_index, row in enumerate([header, *rows], start=1):
        for column_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            cell.value = value
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- cases for a terminal (`list`, `show`) ----------------------------------------------------------------------------


def shown_deadline(sub: Submission, cal: Calendar) -> date | None:
    """The deadline of an open case; the one it had for a replied or closed case."""
    return sub.due(*cal) or sub.deadline


def deadline_text(sub: Submission, today: date, cal: Calendar) -> str:
    deadline = shown_deadline(sub, cal)
    if deadline is None:
        return messages.STAFF_NO_DEADLINE
    if sub.overdue(today, *cal):
        return f"{deadline.isoformat()} {messages.STAFF_OVERDUE.format(days=(today - deadline).days)}"
    return deadline.isoformat()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def columns(rows: Iterable[list[str]]) -> list[str]:
    """Rows of cells as aligned lines (wide characters count twice); the last column is not padded."""
    rows = list(rows)
    widths = [max(_width(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _who(by: object) -> str:
    return messages.CITIZEN_LABEL if by == CITIZEN else one_line(by)


def _history_line(event: dict) -> str:
    detail = ""
    kind = event["type"]
    if kind == "assigned":
        assignee = one_line(assignee_label(event["to_kind"], event["to"]))
        detail = messages.STAFF_HISTORY_ASSIGNED.format(assignee=assignee, deadline=one_line(event["deadline"]))
        detail += messages.STAFF_HISTORY_COMPLEX if event.get("complex") else ""
    elif kind in ("closed", "reopened") and event.get("reason"):
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["reason"]))
    elif kind == "rated":
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["rating"]))
        detail += messages.STAFF_HISTORY_REOPENS if event["rating"] == messages.RATING_REOPENS else ""
    at = moment_text(parse_at(event["at"]))
    return f"  {at}  {_who(event.get('by'))}  {messages.EVENT_LABELS.get(kind, one_line(kind))}{detail}"


def show_lines(
    sub: Submission, *, personal: bool, today: date, cal: Calendar, names: TargetNames = no_names
) -> list[str]:
    """Everything about one case, for `show`; every value from the log made inert with `plain`."""

    def field(key: str, value: object) -> str:
        return messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value=one_line(value))

    def block(key: str, text: str | None) -> list[str]:
        if not text:
            return [messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value=messages.STAFF_NONE)]
        return [messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value="")] + [
            f"  {line}" for line in plain(text).split("\n")
        ]

    def yes_no(value: bool) -> str:
        return messages.STAFF_YES if value else messages.STAFF_NO

    lines = [
        messages.STAFF_SHOW_TITLE.format(ref=sub.ref),
        field("status", sub.status_label),
        field("target", target_label(sub.target, names(sub.target), with_id=True)),
        field("category", sub.category),
        field("submitted", moment_text(sub.submitted_at)),
        field("name", (sub.name or messages.STAFF_NOT_GIVEN) if personal else messages.STAFF_HIDDEN),
        field("phone", (sub.phone or messages.STAFF_NOT_GIVEN) if personal else messages.STAFF_HIDDEN),
        field("anonymous", yes_no(sub.anonymous)),
        field("complex", yes_no(sub.complex)),
        field("assignee", assignee_text(sub)),
        field("deadline", deadline_text(sub, today, cal)),
        *block("text", sub.text),
        *block("answer", sub.answer),
    ]
    if sub.replied_at is not None:
        lines.append(field("replied", moment_text(sub.replied_at)))
    if sub.closed_at is not None:
        lines.append(field("closed", moment_text(sub.closed_at)))
        if sub.close_reason:
            lines.append(field("close_reason", sub.close_reason))
    if sub.reopened_at is not None:
        lines.append(field("reopened", moment_text(sub.reopened_at)))
    lines.append(field("rating", sub.rating or messages.STAFF_NONE))
    if sub.rating_comment:
        lines.append(field("rating_comment", sub.rating_comment))
    notes = "\n".join(
        f"{moment_text(parse_at(note['at']))}  {_who(note.get('by'))}  {one_line(note['note'])}" for note in sub.notes
    )
    lines += block("notes", notes)
    lines.append(messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS["history"], value=""))
    lines += [_history_line(event) for event in sub.history]
    return lines


def list_lines(
    cases: list[Submission], today: date, cal: Calendar, excerpt: int = 30, names: TargetNames = no_names
) -> list[str]:
    """`list`: a header and one aligned line per case (no name or phone), then the count line."""
    lines = []
    if cases:
        rows = [list(messages.STAFF_LIST_HEADER)]
        for sub in cases:
            rows.append(
                [
                    sub.ref,
                    sub.status_label,
                    one_line(sub.category),
                    one_line(target_label(sub.target, names(sub.target))),
                    deadline_text(sub, today, cal),
                    one_line(assignee_text(sub)),
                    one_line(sub.text, excerpt),
                ]
            )
        lines = columns(rows)
    overdue = sum(sub.overdue(today, *cal) for sub in cases)
    return [*lines, messages.STAFF_LIST_COUNT.format(count=len(cases), overdue=overdue)]


# --- statistics -------------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    """Figures over all cases, none of them personal."""

    by_status: dict[str, int]
    total: int
    overdue: int
    answered: int  # cases with a first answer
    answered_in_time: int  # of those, answered on or before the deadline in force at that moment
    median_days_to_answer: float | None  # from submission to first answer, in days (fractional)
    ratings: dict[str, int]  # every rating given (a case answered twice may be rated twice)

    @property
    def in_time_percent(self) -> float | None:
        return 100 * self.answered_in_time / self.answered if self.answered else None


def first_answer(
    sub: Submission, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
) -> tuple[datetime, date] | None:
    """When a case was first answered and the deadline in force then, replayed from its history; None if never."""
    start = sub.submitted_at.astimezone(TZ).date()
    deadline: date | None = None
    complex_case = bool(sub.history[0].get("complex", False)) if sub.history else False
    for event in sub.history:
        at = parse_at(event["at"])
        if event["type"] == "assigned":
            deadline, complex_case = date.fromisoformat(event["deadline"]), bool(event.get("complex", False))
        elif event["type"] == "reopened" or (event["type"] == "rated" and event["rating"] == messages.RATING_REOPENS):
            deadline, start = None, at.astimezone(TZ).date()
        elif event["type"] == "replied":
            due = deadline or deadline_for(start, complex=complex_case, holidays=holidays, workdays=workdays)
            return at, due
    return None


def compute_stats(
    subs: Iterable[Submission],
    today: date,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> Stats:
    """Counts by status, overdue cases, first answers within their deadline, the median time to them, ratings."""
    by_status = dict.fromkeys(STATUSES, 0)
    ratings = dict.fromkeys(RATINGS, 0)
    overdue = answered = in_time = 0
    durations = []
    for sub in subs:
        by_status[sub.status] = by_status.get(sub.status, 0) + 1
        overdue += sub.overdue(today, holidays, workdays)
        found = first_answer(sub, holidays, workdays)
        if found is not None:
            at, due = found
            answered += 1
            in_time += at.astimezone(TZ).date() <= due
            durations.append((at - sub.submitted_at).total_seconds() / 86400)
        rated = Counter(event["rating"] for event in sub.history if event["type"] == "rated")
        for rating, count in rated.items():
            ratings[rating] = ratings.get(rating, 0) + count
    return Stats(
        by_status=by_status,
        total=sum(by_status.values()),
        overdue=overdue,
        answered=answered,
        answered_in_time=in_time,
        median_days_to_answer=statistics.median(durations) if durations else None,
        ratings=ratings,
    )


def stats_lines(figures: Stats, today: date) -> list[str]:
    """`stats` as text: statuses, overdue, answered in time, median time to a first answer, ratings."""
    sep = messages.STAFF_LIST_SEPARATOR
    statuses = sep.join(
        messages.STAFF_STATS_ITEM.format(label=messages.STATUS_LABELS[key], count=count)
        for key, count in figures.by_status.items()
    )
    ratings = sep.join(
        messages.STAFF_STATS_ITEM.format(label=key, count=count) for key, count in figures.ratings.items()
    )
    percent, median = figures.in_time_percent, figures.median_days_to_answer
    none = messages.STAFF_STATS_NONE
    return [
        messages.STAFF_STATS_TITLE.format(today=today.isoformat()),
        messages.STAFF_STATS_STATUSES.format(items=statuses, total=figures.total),
        messages.STAFF_STATS_OVERDUE.format(count=figures.overdue),
        messages.STAFF_STATS_IN_TIME.format(
            percent=none if percent is None else f"{percent:.1f}%",
            answered=figures.answered,
            in_time=figures.answered_in_time,
        ),
        messages.STAFF_STATS_MEDIAN.format(
            days=none if median is None else messages.STAFF_STATS_DAYS.format(days=median)
        ),
        messages.STAFF_STATS_RATINGS.format(count=sum(figures.ratings.values()), items=ratings),
    ]


def evaluation_lines(evaluations: Iterable[Evaluation]) -> list[str]:
    """`stats`: the yearly evaluations of deputies, one line per year (newest first); nothing when there are none."""
    by_year: dict[int, Counter[str]] = {}
    for evaluation in evaluations:
        by_year.setdefault(evaluation.year, Counter())[evaluation.rating] += 1
    sep = messages.STAFF_LIST_SEPARATOR
    lines = []
    for year in sorted(by_year, reverse=True):
        counts = by_year[year]
        items = sep.join(messages.STAFF_STATS_ITEM.format(label=key, count=counts[key]) for key in RATINGS)
        lines.append(messages.STAFF_STATS_EVALUATIONS.format(year=year, count=sum(counts.values()), items=items))
    return lines
