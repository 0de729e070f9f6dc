"""What the staff tools and the console share when staff act on a case, pure: the text staff typed, the fields of an
assignment or a hand-over, the urge's own rule, and the `decide` that appends ONE checked event.

Both clients call `decision(...)` inside their store's `append`, so every action runs `check` against the current
state under the log's exclusive lock: one set of rules, many clients.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from forms_api import messages
from forms_api.cases.calendar import Calendar, deadline_for
from forms_api.cases.checks import WorkflowError, check
from forms_api.cases.events import make_event
from forms_api.cases.fold import State
from forms_api.cases.submission import Submission

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
Fields = Callable[[Submission], dict]


class TextProblem(ValueError):
    """Text staff typed that cannot be stored; str(problem) is the Chinese message."""


def clean_text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """Text staff typed (an answer, a reason, a note, a name): trimmed, not empty when required, no control
    characters (they could drive a terminal reading the log); `what` is a key of messages.STAFF_TEXT_WHAT."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        if required:
            raise TextProblem(messages.STAFF_TEXT_EMPTY.format(what=messages.STAFF_TEXT_WHAT[what]))
        return None
    if CONTROL.search(text):
        raise TextProblem(messages.STAFF_TEXT_CONTROL.format(what=messages.STAFF_TEXT_WHAT[what]))
    return text


def decision(ref: str, event_type: str, by: str, fields: Fields) -> Callable[[State], dict]:
    """The `decide` of ONE `event_type` event for `ref`: `check` against the current state, then `fields(sub)` (which
    runs under the lock, may refuse with a WorkflowError and must not do I/O), then the event."""

    def decide(state: State) -> dict:
        sub = state.submissions.get(ref)
        check(sub, event_type)
        assert sub is not None  # check refuses a missing case
        return make_event(event_type, ref, by, **fields(sub))

    return decide


def assignment(
    *,
    to_kind: str,
    name: str | None,
    deputy: str | None,
    complex_case: bool | None,
    deadline: date | None,
    today: date,
    cal: Calendar,
) -> Fields:
    """The fields of an `assigned` event: the hotline's number when no name is given, the case's own complexity
    unless told, and the deadline given or counted from today (10 working days when complex, else 5). `deputy`: the
    id of the deputy it goes to, so that the case enters that deputy's scope."""

    def fields(sub: Submission) -> dict:
        is_complex = sub.complex if complex_case is None else complex_case
        due = deadline or deadline_for(today, complex=is_complex, holidays=cal.holidays, workdays=cal.workdays)
        result = {"to_kind": to_kind, "to": name or messages.STAFF_HOTLINE_NUMBER, "deadline": due}
        result["complex"] = is_complex
        if to_kind == "deputy" and deputy:
            result["deputy"] = deputy
        return result

    return fields


def handover(*, to_kind: str, name: str | None, deputy: str | None, cal: Calendar) -> Fields:
    """转办: an `assigned` event to another handler that keeps the case's deadline and complexity; refused for a case
    nobody handles yet (assign it first)."""

    def fields(sub: Submission) -> dict:
        due = sub.due(*cal)
        if sub.assignee_kind is None or due is None:
            raise WorkflowError("handover_unassigned")
        kept = {"complex_case": None, "deadline": due, "today": due, "cal": cal}
        return assignment(to_kind=to_kind, name=name, deputy=deputy, **kept)(sub)

    return fields


def urge(today: date, cal: Calendar) -> Fields:
    """催办: only a case past its deadline is urged (`check` already refuses one that awaits no answer)."""

    def fields(sub: Submission) -> dict:
        if not sub.overdue(today, *cal):
            raise WorkflowError("urge_not_overdue")
        return {"deadline": sub.due(*cal).isoformat()}  # type: ignore[union-attr]

    return fields
