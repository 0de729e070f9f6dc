"""The hand-over round trip (交办与反馈), pure: which cases a handler holds, the rows of a results file checked
against the state, the handler-result events they become, and the markers the queue shows.

A results file comes back from a department or the 12345 hotline with one row per case: our reference (留言编号),
their ticket number (工单号), the result (办理结果), its date (日期) and the handler (承办单位). Every good row becomes
the event the console's 办理结果 action writes (`noted`, `result: true`) with `ticket`, `result_date`, `handler` and
`import_key` (reference + ticket + a digest of the normalised result text): a row whose key is in the case's history
already adds nothing, so importing the same file twice adds no event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from forms_api import messages, messages_console
from forms_api.cases.checks import WorkflowError, check
from forms_api.cases.events import AWAITING_ANSWER, REF_RE, TZ, make_event, parse_at
from forms_api.cases.fold import State, normalise_text
from forms_api.cases.submission import Submission

E = messages_console.HANDOVER_ROW_ERRORS
COLUMNS = messages_console.HANDOVER_RESULT_COLUMNS  # key -> the Chinese header the sheet writes
HANDLER_KINDS = ("department", "hotline")
MAX_ROWS = 2000
MAX_RESULT = 2000
MAX_SHORT = 64  # a ticket number, a handler's name
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


# --- who holds a case ------------------------------------------------------------------------------------------------


def held_by(sub: Submission, handler: str) -> bool:
    """Whether `sub` is handed to the department or hotline `handler` now: its name as the assignment gives it, or
    "12345热线" for the hotline's own number."""
    if sub.assignee_kind not in HANDLER_KINDS or sub.assignee is None:
        return False
    names = {sub.assignee}
    if sub.assignee_kind == "hotline" and sub.assignee == messages.STAFF_HOTLINE_NUMBER:
        names.add(messages.ASSIGNEE_KIND_LABELS["hotline"])
    return handler.strip() in names


def handover_event(sub: Submission) -> dict | None:
    """The `assigned` event that handed `sub` to its current department or hotline; None if it is with neither."""
    if sub.assignee_kind not in HANDLER_KINDS:
        return None
    return next((event for event in reversed(sub.history) if event["type"] == "assigned"), None)


def handed_between(subs: Iterable[Submission], handler: str, since: date, until: date | None) -> list[Submission]:
    """The open cases `handler` holds that were handed to it between `since` and `until` (days of China Standard
    Time, both included), in the order of their hand-over."""
    found = []
    for sub in subs:
        event = handover_event(sub)
        if event is None or not sub.open or not held_by(sub, handler):
            continue
        day = parse_at(event["at"]).astimezone(TZ).date()
        if since <= day and (until is None or day <= until):
            found.append((event["at"], sub.ref, sub))
    return [sub for _, _, sub in sorted(found, key=lambda item: (item[0], item[1]))]


# --- the queue's markers ----------------------------------------------------------------------------------------------


def _round(sub: Submission) -> list[dict]:
    """The events since the case was last answered or reopened: what the staff still have to act on."""
    events: list[dict] = []
    for event in reversed(sub.history):
        kind = event["type"]
        if kind in ("replied", "reopened") or (kind == "rated" and event.get("rating") == messages.RATING_REOPENS):
            break
        events.append(event)
    return events


def result_pending(sub: Submission) -> bool:
    """A handler's result is in and nobody has answered the citizen since (有办理结果待处理)."""
    return sub.status in AWAITING_ANSWER and any(
        event["type"] == "noted" and event.get("result") is True for event in _round(sub)
    )


def urges(sub: Submission) -> int:
    """How often a case still awaiting its answer was urged (催办) since it was last answered or reopened."""
    if sub.status not in AWAITING_ANSWER:
        return 0
    return sum(event["type"] == "urged" for event in _round(sub))


# --- a results file ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row of a results file; `number` is its row in the file (the header is row 1)."""

    number: int
    ref: str
    ticket: str
    result: str
    day: str
    handler: str


@dataclass(frozen=True)
class RowError:
    number: int
    reason: str

    def __str__(self) -> str:
        return messages_console.HANDOVER_ROW_ERROR.format(row=self.number, reason=self.reason)


@dataclass
class Plan:
    """What importing the rows would do now: the events of the good rows and their row numbers (one each, for the
    preview), the rows already in (or repeated in the file), the rows not done yet (neither a result nor a date: a
    department sends back the whole sheet), and every bad row with its reason."""

    events: list[dict] = field(default_factory=list)
    good: list[int] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as text: a spreadsheet's date as YYYY-MM-DD, a whole number without ".0", stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def read_rows(table: Sequence[Sequence[object]]) -> tuple[list[Row], list[RowError]]:
    """The data rows of a table whose first row names the columns (in any order, others ignored); blank rows are
    skipped. A missing column or no data at all is one error on row 1, and then there are no rows."""
    if not table:
        return [], [RowError(1, E["no_rows"])]
    header = [cell_text(cell).lstrip("\ufeff") for cell in table[0]]
    where = {key: header.index(name) for key, name in COLUMNS.items() if name in header}
    missing = [name for key, name in COLUMNS.items() if key not in where]
    if missing:
        return [], [RowError(1, E["missing_columns"].format(columns="、".join(missing)))]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: cell_text(cells[index]) if index < len(cells) else "" for key, index in where.items()}
        if not any(values.values()):
            continue
        rows.append(Row(number, **values))
    if not rows:
        return [], [RowError(1, E["no_rows"])]
    if len(rows) > MAX_ROWS:
        return [], [RowError(1, E["too_many_rows"].format(max=MAX_ROWS))]
    return rows, []


def import_key(ref: str, ticket: str, result: str) -> str:
    """What makes a row the same row again: the reference, the ticket number and the normalised result text."""
    digest = hashlib.sha256(normalise_text(result).encode("utf-8", "surrogatepass")).hexdigest()
    return hashlib.sha256("\x1f".join((ref, ticket.strip(), digest)).encode("utf-8")).hexdigest()[:32]


def _day(value: str, today: date) -> str:
    match = _DATE.match(value)
    try:
        day = date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(E["bad_date"].format(value=value[:40]))
    if day > today:
        raise ValueError(E["future_date"].format(day=day.isoformat(), today=today.isoformat()))
    return day.isoformat()


def _short(value: str, what: str, *, required: bool) -> str:
    if not value and required:
        raise ValueError(E["empty"].format(what=what))
    if CONTROL.search(value) or "\n" in value:
        raise ValueError(E["control"].format(what=what))
    if len(value) > MAX_SHORT:
        raise ValueError(E["long"].format(what=what, max=MAX_SHORT))
    return value


def _holder(sub: Submission) -> str:
    """Who holds a case, as a row error names it: 县住建局, 12345热线, 人大代表 王秀兰, 未交办."""
    if sub.assignee_kind is None or sub.assignee is None:
        return messages.STAFF_UNASSIGNED
    if sub.assignee_kind == "hotline" and sub.assignee == messages.STAFF_HOTLINE_NUMBER:
        return messages.ASSIGNEE_KIND_LABELS["hotline"]
    if sub.assignee_kind == "deputy":
        return f"{messages.ASSIGNEE_KIND_LABELS['deputy']} {sub.assignee}"
    return sub.assignee


def _checked(row: Row, state: State, today: date) -> tuple[Submission, dict]:
    """The case and the event fields of a row; ValueError with the reasons of EVERY problem found in it, so that a
    handler corrects a row once."""
    problems: list[str] = []

    def attempt(check_one: Callable[[], str]) -> str:
        try:
            return check_one()
        except ValueError as exc:
            problems.append(str(exc))
            return ""

    ref = attempt(lambda: _case(row, state))
    sub = state.submissions[ref] if ref else None
    ticket = attempt(lambda: _short(row.ticket, COLUMNS["ticket"], required=False))
    handler = attempt(lambda: _short(row.handler, COLUMNS["handler"], required=True))
    attempt(lambda: _result(row.result))
    day = attempt(lambda: _day(row.day, today))
    if sub is not None:
        attempt(lambda: _state(sub, handler, day))
    if problems or sub is None:
        raise ValueError(messages_console.HANDOVER_ROW_JOIN.join(problems))
    fields = {"note": row.result, "result": True, "ticket": ticket, "result_date": day, "handler": handler}
    return sub, fields | {"import_key": import_key(sub.ref, ticket, row.result)}


def _case(row: Row, state: State) -> str:
    if not REF_RE.fullmatch(row.ref):
        raise ValueError(E["bad_ref"].format(ref=row.ref[:40]) if row.ref else E["empty"].format(what=COLUMNS["ref"]))
    if row.ref not in state.submissions:
        raise ValueError(E["unknown_ref"].format(ref=row.ref))
    return row.ref


def _result(text: str) -> str:
    if not text:
        raise ValueError(E["empty"].format(what=COLUMNS["result"]))
    if CONTROL.search(text):
        raise ValueError(E["control"].format(what=COLUMNS["result"]))
    if len(text) > MAX_RESULT:
        raise ValueError(E["long"].format(what=COLUMNS["result"], max=MAX_RESULT))
    return text


def _state(sub: Submission, handler: str, day: str) -> str:
    """The case's own refusals: closed, held by another handler (a handler left empty is named already), or a result
    dated before the hand-over."""
    if not sub.open:
        raise ValueError(E["closed"].format(ref=sub.ref))
    if handler and not held_by(sub, handler):
        raise ValueError(E["not_handed"].format(ref=sub.ref, handler=handler, current=_holder(sub)))
    try:
        check(sub, "noted")
    except WorkflowError as exc:
        raise ValueError(str(exc)) from exc
    event = handover_event(sub)
    handed = parse_at(event["at"]).astimezone(TZ).date().isoformat() if event is not None else ""
    if day and handed and day < handed:
        raise ValueError(E["before_handover"].format(day=day, handed=handed))
    return sub.ref


def plan(rows: Iterable[Row], state: State, today: date, by: str) -> Plan:
    """Check every row against `state` (call it inside `decide`, under the lock, to apply): each bad row with its
    reason; a row whose key is in the case's history, or in an earlier row, is a repeat and adds nothing; a row
    without a result and a date is not done yet and adds nothing either."""
    result = Plan()
    keys: dict[str, set[str]] = {}
    for row in rows:
        if not row.result and not row.day:
            result.pending.append(row.number)
            continue
        try:
            sub, fields = _checked(row, state, today)
        except ValueError as exc:
            result.errors.append(RowError(row.number, str(exc)))
            continue
        known = keys.setdefault(sub.ref, {str(e.get("import_key")) for e in sub.history if e["type"] == "noted"})
        if fields["import_key"] in known:
            result.repeats.append(row.number)
            continue
        known.add(fields["import_key"])
        result.events.append(make_event("noted", sub.ref, by, **fields))
        result.good.append(row.number)
    return result


def importing(rows: list[Row], today: date, by: str, *, apply_good: bool, plans: list[Plan]) -> Callable:
    """The `decide` of an import: the rows planned against the state under the lock (the plan put in `plans`); the
    good rows' events, or none when a row is bad and not `apply_good`."""

    def decide(state: State) -> list[dict]:
        found = plan(rows, state, today, by)
        plans.append(found)
        return found.events if apply_good or not found.errors else []

    return decide
