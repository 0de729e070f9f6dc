"""The closed loop of a submission: its events, the fold of events into state, allowed transitions and deadlines.

Pure: no I/O. `forms_api.queue.EventLog` stores the events and folds them with `State.apply`; callers decide what to
append by calling `check` against the current state, under the log's lock.

Events (one JSON object each; every one has `type`, `ref`, `at`, `by`):

- submitted: code, target, category, text, name (optional), phone, anonymous, complex (false)
- assigned: to_kind (deputy | department | hotline), to, deadline (YYYY-MM-DD), complex
- replied: answer (public)        - closed: reason (optional)        - reopened: reason
- rated: rating (满意 | 基本满意 | 不满意), comment (optional)        - noted: note (internal)

A 不满意 rating reopens the submission in the fold itself: the API appends one `rated` event, never a second
`reopened` one, so a rating and its consequence can never be split by a crash.

One more event type in the same log belongs to no submission (no `ref`; `by` is always citizen):

- evaluated: target (deputy:<id>), year, rating (满意 | 基本满意 | 不满意), comment (optional, never published),
  voter: the keyed hash of phone + deputy + year (forms_api/evaluations.py), never the phone number itself; one
  evaluation per voter, so a second one with the same voter is refused by the API and ignored by the fold.
  Retention sets comment and (once its year is over) voter to null.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from forms_api import messages

EVENT_TYPES = ("submitted", "assigned", "replied", "closed", "reopened", "rated", "noted")
STATUSES = ("submitted", "assigned", "replied", "closed", "reopened")
AWAITING_ANSWER = frozenset({"submitted", "assigned", "reopened"})
ASSIGNEE_KINDS = ("deputy", "department", "hotline")
RATINGS = messages.RATINGS
CITIZEN = "citizen"

FIRST_ANSWER_DAYS = 5
COMPLEX_DAYS = 10

# Timestamps without an offset (never written by this code) are read as China Standard Time.
TZ = timezone(timedelta(hours=8), "CST")

REF_RE = re.compile(r"^(\d{4})-(\d{6,})$")
TARGET_RE = re.compile(r"^(deputy|station):[a-z0-9-]{1,64}$")
EVALUATED = "evaluated"  # a constituent's yearly evaluation of a deputy: an event of no submission
VOTER_RE = re.compile(r"^[0-9a-f]{64}$")
MIN_CODE_LENGTH = 22  # 22 URL-safe base64 characters carry 132 bits

# Fields each event type must carry besides type, ref, at and by (see make_event).
REQUIRED_FIELDS = {
    "submitted": ("code", "target", "category", "text", "phone", "anonymous"),
    "assigned": ("to_kind", "to", "deadline"),
    "replied": ("answer",),
    "closed": (),
    "reopened": ("reason",),
    "rated": ("rating",),
    "noted": ("note",),
}


class WorkflowError(Exception):
    """A transition that makes no sense in the submission's current state; str(error) is the Chinese message.

    `code` is the key in messages.WORKFLOW_ERRORS, so that callers can map it (e.g. not_found -> 404, others -> 409).
    """

    def __init__(self, code: str, **values: str) -> None:
        self.code = code
        super().__init__(messages.WORKFLOW_ERRORS[code].format(**values))


# --- time and deadlines -----------------------------------------------------------------------------------------------


def now() -> datetime:
    """The current time in China Standard Time, to the second."""
    return datetime.now(TZ).replace(microsecond=0)


def timestamp(moment: datetime | None = None) -> str:
    """An event's `at`: ISO 8601 with its offset, e.g. 2026-11-28T12:00:00+08:00."""
    moment = moment or now()
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a timezone")
    return moment.isoformat(timespec="seconds")


def parse_at(value: str) -> datetime:
    """Read an event's `at`; a value without an offset is taken as China Standard Time."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TZ)


def is_working_day(day: date, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday, except `holidays`; plus the weekend days in `workdays` (调休)."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: date, days: int, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
) -> date:
    """The day `days` working days after `start` (start itself not counted): Friday + 5 is the next Friday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            days -= 1
    return day


def deadline_for(
    start: date,
    *,
    complex: bool = False,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> date:
    """The default answer deadline: 5 working days, 10 for a case marked complex."""
    return add_working_days(start, COMPLEX_DAYS if complex else FIRST_ANSWER_DAYS, holidays, workdays)


# --- making events ----------------------------------------------------------------------------------------------------


def new_code() -> str:
    """A tracking code: 24 random bytes from `secrets` (192 bits), URL-safe."""
    return secrets.token_urlsafe(24)


def make_event(event_type: str, ref: str, by: str, at: datetime | str | None = None, **fields: Any) -> dict:
    """Build one event with its required fields checked (ValueError names the problem, for programmers).

    Defaults: submitted gets name None and complex False; assigned gets complex False; a `deadline` may be a date.
    """
    if event_type not in REQUIRED_FIELDS:
        raise ValueError(f"unknown event type {event_type!r}")
    if not isinstance(ref, str) or not REF_RE.match(ref):
        raise ValueError(f"bad reference {ref!r}")
    if not isinstance(by, str) or not by.strip():
        raise ValueError("`by` must name the actor")
    missing = [name for name in REQUIRED_FIELDS[event_type] if name not in fields]
    if missing:
        raise ValueError(f"{event_type} event lacks {', '.join(missing)}")
    event: dict[str, Any] = {"type": event_type, "ref": ref, "by": by}
    event["at"] = at if isinstance(at, str) else timestamp(at)
    parse_at(event["at"])
    if event_type == "submitted":
        fields.setdefault("name", None)
        fields.setdefault("complex", False)
        if not isinstance(fields["code"], str) or len(fields["code"]) < MIN_CODE_LENGTH:
            raise ValueError("the tracking code must be a string of at least 128 bits (e.g. new_code())")
        if not isinstance(fields["target"], str) or not TARGET_RE.match(fields["target"]):
            raise ValueError(f"bad target {fields['target']!r}")
        if not isinstance(fields["anonymous"], bool):
            raise ValueError("anonymous must be a bool")
    elif event_type == "assigned":
        fields.setdefault("complex", False)
        if fields["to_kind"] not in ASSIGNEE_KINDS:
            raise ValueError(f"to_kind must be one of {', '.join(ASSIGNEE_KINDS)}")
        if isinstance(fields["deadline"], date):
            fields["deadline"] = fields["deadline"].isoformat()
        date.fromisoformat(fields["deadline"])
    elif event_type == "rated" and fields["rating"] not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    event.update(fields)
    return event


def make_evaluation(
    target: str, year: int, rating: str, voter: str, at: datetime | str | None = None, comment: str | None = None
) -> dict:
    """An `evaluated` event (ValueError names the problem): `voter` is the keyed hash from forms_api.evaluations."""
    if not isinstance(target, str) or not TARGET_RE.fullmatch(target) or not target.startswith("deputy:"):
        raise ValueError(f"bad deputy target {target!r}")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9999:
        raise ValueError(f"bad year {year!r}")
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    if not isinstance(voter, str) or not VOTER_RE.fullmatch(voter):
        raise ValueError("voter must be a keyed hash (64 lowercase hex digits)")
    event = {"type": EVALUATED, "by": CITIZEN, "at": at if isinstance(at, str) else timestamp(at)}
    parse_at(event["at"])
    event |= {"target": target, "year": year, "rating": rating, "comment": comment or None, "voter": voter}
    return event


# --- one submission ---------------------------------------------------------------------------------------------------


@dataclass
class Submission:
    """The fold of one submission's events. Personal data (code, text, name, phone) stays out of repr()."""

    ref: str
    code: str = field(repr=False)
    target: str
    category: str
    text: str = field(repr=False)
    submitted_at: datetime
    name: str | None = field(default=None, repr=False)
    phone: str = field(default="", repr=False)
    anonymous: bool = False
    status: str = "submitted"
    assignee_kind: str | None = None
    assignee: str | None = None
    deadline: date | None = None
    complex: bool = False
    answer: str | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    reopened_at: datetime | None = None
    rating: str | None = None
    rating_comment: str | None = field(default=None, repr=False)
    rated_at: datetime | None = None
    notes: list[dict] = field(default_factory=list, repr=False)
    history: list[dict] = field(default_factory=list, repr=False)

    @property
    def open(self) -> bool:
        return self.status != "closed"

    @property
    def status_label(self) -> str:
        return messages.STATUS_LABELS[self.status]

    def due(self, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> date | None:
        """When an answer is due: the assigned deadline, else 5 (10 if complex) working days after the submission or
        the last reopening; None when no answer is awaited (replied or closed)."""
        if self.status not in AWAITING_ANSWER:
            return None
        if self.deadline is not None:
            return self.deadline
        start = (self.reopened_at or self.submitted_at).date()
        return deadline_for(start, complex=self.complex, holidays=holidays, workdays=workdays)

    def overdue(
        self, today: date, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
    ) -> bool:
        """Awaiting an answer and past its due day (an unassigned one counts from the first-answer deadline)."""
        due = self.due(holidays, workdays)
        return due is not None and today > due

    def public_view(self, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> dict:
        """What the tracking code shows: status, dates and the public answer; never name, phone, the citizen's text,
        the rating comment, internal notes or staff names.

        The deadline is the one staff see in `list`: when an answer is due (`due`, so also for a case not assigned yet
        or reopened), else the one a replied or closed case had; pass the holidays calendar to count as staff do."""

        def iso(moment: datetime | date | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        handled_by = None
        if self.assignee_kind is not None:
            name = self.assignee
            if self.assignee_kind == "hotline" and name == messages.STAFF_HOTLINE_NUMBER:
                name = None  # "12345热线" says it all; not "12345热线：12345"
            handled_by = {
                "kind": self.assignee_kind,
                "kind_label": messages.ASSIGNEE_KIND_LABELS.get(self.assignee_kind, self.assignee_kind),
                "name": name,
            }
        timeline = [
            {"at": event["at"], "type": event["type"], "label": messages.EVENT_LABELS[event["type"]]}
            for event in self.history
            if event["type"] != "noted"
        ]
        return {
            "reference": self.ref,
            "status": self.status,
            "status_label": self.status_label,
            "category": self.category,
            "target": self.target,
            "submitted_at": iso(self.submitted_at),
            "handled_by": handled_by,
            "deadline": iso(self.due(holidays, workdays) or self.deadline),
            "answer": self.answer,
            "replied_at": iso(self.replied_at),
            "closed_at": iso(self.closed_at),
            "rating": self.rating,
            "rated_at": iso(self.rated_at),
            "can_rate": _rating_refusal(self) is None,
            "timeline": timeline,
        }


@dataclass
class Evaluation:
    """One constituent's yearly evaluation of a deputy; the comment and the voter hash stay out of repr()."""

    target: str
    year: int
    rating: str
    at: datetime
    comment: str | None = field(default=None, repr=False)
    voter: str | None = field(default=None, repr=False)  # None once retention dropped it


# --- transitions ------------------------------------------------------------------------------------------------------


def _rating_refusal(sub: Submission) -> str | None:
    if sub.status == "reopened":
        return "rate_reopened"
    if sub.answer is None or sub.status not in ("replied", "closed"):
        return "rate_no_answer"
    if sub.rating is not None:
        return "rate_twice"
    return None


def check(sub: Submission | None, event_type: str) -> None:
    """Raise WorkflowError if an event of `event_type` makes no sense for `sub` (None: no such submission).

    Call it inside `decide`, so that it runs under the log's lock against the current state.
    """
    if event_type not in EVENT_TYPES:
        raise WorkflowError("unknown_event", event_type=str(event_type))
    if event_type == "submitted":
        if sub is not None:
            raise WorkflowError("exists", ref=sub.ref)
        return
    if sub is None:
        raise WorkflowError("not_found")
    refusal = None
    if event_type == "assigned" and sub.status in ("replied", "closed"):
        refusal = f"assign_{sub.status}"
    elif event_type == "replied" and sub.status in ("replied", "closed"):
        refusal = f"reply_{sub.status}"
    elif event_type == "closed" and sub.status == "closed":
        refusal = "close_closed"
    elif event_type == "reopened" and sub.status in AWAITING_ANSWER:
        refusal = "reopen_open"
    elif event_type == "rated":
        refusal = _rating_refusal(sub)
    if refusal is not None:
        raise WorkflowError(refusal)


# --- the state of all submissions -------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """For duplicate detection: NFKC (full-width -> half-width), all whitespace removed (it carries no meaning between
    Chinese characters), case folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


@lru_cache(maxsize=16)
def _text_key(text: str) -> bytes:
    """The duplicate-detection key of a text. Cached (a few entries): the API keys a text when it looks for a
    duplicate and again when the new submission is folded."""
    return _digest(normalise_text(text))


class State:
    """All submissions and evaluations, folded from the log's events in order. Tolerant: a malformed event is
    counted, never fatal."""

    def __init__(self) -> None:
        self.submissions: dict[str, Submission] = {}
        self.evaluations: list[Evaluation] = []
        self._voters: set[str] = set()
        self.events = 0  # events applied
        self.ignored_events = 0  # unknown types, unknown refs, malformed fields
        self.skipped_lines = 0  # unparsable lines in the log (counted by forms_api.queue)
        self._by_code: dict[bytes, str] = {}  # sha256(code) -> ref
        self._by_text: dict[tuple[str, bytes], list[str]] = {}  # (target, sha256(normalised text)) -> refs
        self._last_seq: dict[int, int] = {}

    def next_ref(self, year: int) -> str:
        """The next reference of `year`: 2026-000001, 2026-000002, ..."""
        return f"{year:04d}-{self._last_seq.get(year, 0) + 1:06d}"

    def by_code(self, code: object) -> Submission | None:
        """Look a submission up by its tracking code (through its sha256, so no comparison leaks the code)."""
        if not isinstance(code, str):
            return None
        ref = self._by_code.get(_digest(code))
        return self.submissions.get(ref) if ref is not None else None

    def find_duplicate(
        self, target: str, text: str, now: datetime, window: timedelta, *, phone: str | None = None
    ) -> Submission | None:
        """The latest submission to `target` with the same normalised text submitted within `window` before `now`.

        Pass `phone` to match only the same citizen: otherwise two people sending the same letter would share one
        tracking code, and each could read and rate the other's case.
        """
        for ref in reversed(self._by_text.get((target, _text_key(text)), ())):
            sub = self.submissions[ref]
            if sub.submitted_at >= now - window and (phone is None or sub.phone == phone):
                return sub
        return None

    def has_evaluated(self, voter: str) -> bool:
        """Whether an evaluation with this keyed hash (one phone, one deputy, one year) is in the log."""
        return voter in self._voters

    def apply(self, event: dict) -> bool:
        """Fold one event; False (and counted in ignored_events) for unknown types, unknown refs or bad fields."""
        handler = _HANDLERS.get(event.get("type")) if isinstance(event, dict) else None
        try:
            applied = handler is not None and handler(self, event)
        except (KeyError, TypeError, ValueError, AttributeError):
            applied = False
        if applied:
            self.events += 1
        else:
            self.ignored_events += 1
        return applied


def _existing(state: State, event: dict) -> tuple[Submission, datetime] | None:
    sub = state.submissions.get(event["ref"]) if isinstance(event.get("ref"), str) else None
    if sub is None:
        return None
    return sub, parse_at(event["at"])


def _reopen(sub: Submission, at: datetime) -> None:
    sub.status = "reopened"
    sub.reopened_at = at
    sub.deadline = None  # a new answer is due FIRST_ANSWER_DAYS after reopening, unless assigned with a deadline
    sub.closed_at = None
    sub.close_reason = None


def _submitted(state: State, event: dict) -> bool:
    ref, code, at = event["ref"], event["code"], parse_at(event["at"])
    match = REF_RE.match(ref) if isinstance(ref, str) else None
    if match is None or ref in state.submissions or not isinstance(code, str):
        return False
    code_key = _digest(code)
    if code_key in state._by_code:
        return False
    sub = Submission(
        ref=ref,
        code=code,
        target=str(event["target"]),
        category=str(event["category"]),
        text=str(event["text"]),
        submitted_at=at,
        name=event.get("name"),
        phone=str(event.get("phone") or ""),
        anonymous=bool(event.get("anonymous", False)),
        complex=bool(event.get("complex", False)),
    )
    sub.history.append(event)
    state.submissions[ref] = sub
    state._by_code[code_key] = ref
    state._by_text.setdefault((sub.target, _text_key(sub.text)), []).append(ref)
    year, seq = int(match[1]), int(match[2])
    state._last_seq[year] = max(state._last_seq.get(year, 0), seq)
    return True


def _assigned(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    deadline = event.get("deadline")
    deadline = date.fromisoformat(deadline) if deadline is not None else None
    sub, _ = found
    sub.status = "assigned"
    sub.assignee_kind, sub.assignee = str(event["to_kind"]), str(event["to"])
    sub.deadline = deadline
    sub.complex = bool(event.get("complex", False))
    sub.history.append(event)
    return True


def _replied(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    answer = event["answer"]
    sub, at = found
    sub.status = "replied"
    sub.answer, sub.replied_at = str(answer), at
    sub.rating = sub.rating_comment = sub.rated_at = None  # a rating belongs to one answer
    sub.history.append(event)
    return True


def _closed(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    sub, at = found
    sub.status = "closed"
    sub.closed_at, sub.close_reason = at, event.get("reason")
    sub.history.append(event)
    return True


def _reopened(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    sub, at = found
    _reopen(sub, at)
    sub.history.append(event)
    return True


def _rated(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    rating = str(event["rating"])
    sub, at = found
    sub.rating, sub.rating_comment, sub.rated_at = rating, event.get("comment"), at
    if rating == messages.RATING_REOPENS:
        _reopen(sub, at)
    sub.history.append(event)
    return True


def _noted(state: State, event: dict) -> bool:
    found = _existing(state, event)
    if found is None:
        return False
    note = str(event["note"])
    sub, _ = found
    sub.notes.append({"at": event["at"], "by": event.get("by"), "note": note})
    sub.history.append(event)
    return True


def _evaluated(state: State, event: dict) -> bool:
    target, year, rating, voter = event["target"], event["year"], event["rating"], event.get("voter")
    if not isinstance(target, str) or not TARGET_RE.fullmatch(target) or not target.startswith("deputy:"):
        return False
    if isinstance(year, bool) or not isinstance(year, int) or rating not in RATINGS:
        return False
    if voter is not None and (not isinstance(voter, str) or voter in state._voters):
        return False  # a second evaluation by the same voter (the API refuses it; a hand-made log might not)
    comment = event.get("comment")
    at = parse_at(event["at"])
    state.evaluations.append(Evaluation(target, year, rating, at, comment if isinstance(comment, str) else None, voter))
    if voter is not None:
        state._voters.add(voter)
    return True


_HANDLERS = {
    "submitted": _submitted,
    "assigned": _assigned,
    "replied": _replied,
    "closed": _closed,
    "reopened": _reopened,
    "rated": _rated,
    "noted": _noted,
    EVALUATED: _evaluated,
}
