"""What the staff tools and the console share when staff act on a case, pure: the text staff typed, the fields of an
assignment or a hand-over, the urge's own rule, a forced close, the review of a deputy's answer, and the `decide`
that appends ONE checked event.

Both clients call `decision(...)` inside their store's `append`, so every action runs `check` against the current
state under the log's exclusive lock: one set of rules, many clients.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from forms_api import messages
from forms_api.cases.calendar import Calendar, deadline_for
from forms_api.cases.checks import RULES, Rules, WorkflowError, check
from forms_api.cases.events import AWAITING_ANSWER, make_event
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


def decision(
    ref: str, event_type: str, by: str, fields: Fields, *, rules: Rules = RULES, at: datetime | None = None
) -> Callable[[State], dict]:
    """The `decide` of ONE `event_type` event for `ref`: `check` against the current state, then `fields(sub)` (which
    runs under the lock, may refuse with a WorkflowError and must not do I/O), then the event, checked itself under
    the office's `rules` (`at`: its time, now by default)."""

    def decide(state: State) -> dict:
        sub = state.submissions.get(ref)
        check(sub, event_type)
        assert sub is not None  # check refuses a missing case
        event = make_event(event_type, ref, by, at, **fields(sub))
        check(sub, event_type, event, rules=rules)
        return event

    return decide


def takes_on(sub: Submission, deputy: str | None) -> bool:
    """Whether the deputy `deputy` (an account's id; None: not a deputy) answering `sub` takes it on first: a case
    addressed to them that nobody handles yet. The office and a station still assign first (they may: 交办)."""
    return deputy is not None and sub.assignee_kind is None and sub.target == f"deputy:{deputy}"


def answering(
    ref: str,
    event_type: str,
    by: str,
    fields: Fields,
    *,
    deputy: str | None,
    take_on: Fields,
    rules: Rules = RULES,
    at: datetime | None = None,
) -> Callable[[State], list[dict]]:
    """The `decide` of an answer (`event_type`: replied or drafted) by the deputy `deputy` (an id; None: not a deputy),
    who is named on it (so that the case's handler is told when somebody else answers: forms_api/cases/outbox.py).
    When they answer a case addressed to them that nobody handles yet (`takes_on`), an `assigned` event to them
    (`take_on(sub)`: its fields, the deadline counted as an assignment's) comes first in the SAME append, each checked
    against the state it meets: every answered case has an assignment, and the citizen's deputy needs nobody to assign
    it to them."""
    answered = fields if deputy is None else lambda sub: fields(sub) | {"deputy": deputy}
    answer = decision(ref, event_type, by, answered, rules=rules, at=at)

    def decide(state: State) -> list[dict]:
        sub = state.submissions.get(ref)
        if sub is None or not takes_on(sub, deputy):
            return [answer(state)]
        assigned = decision(ref, "assigned", by, take_on, rules=rules, at=at)(state)
        after = State()  # the case as the answer will meet it, the assignment folded into a copy
        after.submissions[ref] = copy.deepcopy(sub)
        after.apply(assigned)
        return [assigned, answer(after)]

    return decide


def held_elsewhere(sub: Submission, role: str, deputy: str | None) -> bool:
    """Whether a station worker or a deputy (`deputy`: their id) answering `sub` would answer for someone else who
    handles it (a department, the hotline, another deputy), who may be answering too. The office, which answers from
    what the handlers did, is never asked."""
    if role == "office" or sub.assignee_kind is None:
        return False
    return not (role == "deputy" and sub.assignee_kind == "deputy" and sub.assignee_deputy == deputy)


def return_request(reason: str, *, deputy: str | None) -> Fields:
    """申请退回: a case's handler says it is not theirs (`reason`). A handler's scope is the cases it holds; a deputy
    (`deputy`: their id) sees the cases addressed to them too, and asks only for one assigned to them."""

    def fields(sub: Submission) -> dict:
        if deputy is not None and not (sub.assignee_kind == "deputy" and sub.assignee_deputy == deputy):
            raise WorkflowError("return_not_yours")
        return {"reason": reason}

    return fields


def answer_event(role: str | None, rules: Rules) -> str:
    """The event an answer appends: a deputy's waits for the office's review when STAFF_DEPUTY_REVIEW is on."""
    return "drafted" if role == "deputy" and rules.deputy_review else "replied"


def approval(sub: Submission) -> dict:
    """审核通过: the `replied` event that publishes the draft waiting for review (check refuses one without)."""
    if sub.draft is None:
        raise WorkflowError("review_no_draft")
    author = {"deputy": sub.draft["deputy"]} if sub.draft.get("deputy") else {}  # whose answer it is
    return {"answer": sub.draft["answer"], "approved": True, "drafted_by": sub.draft["by"]} | author


def closing(reason: str | None, *, force: bool, told: str | None = None) -> Fields:
    """办结: the reason (internal), `forced` to close inside the rating window (a reason is then required), and for a
    case without an answer what its citizen is `told` (a key of messages.CLOSED_TOLD)."""
    if force and not reason:
        raise WorkflowError("close_force_reason")
    if told is not None and told not in messages.CLOSED_TOLD:
        raise ValueError(f"no such CLOSED_TOLD key: {told!r}")
    values = ({"reason": reason} if reason else {}) | ({"forced": True} if force else {})

    def fields(sub: Submission) -> dict:
        return dict(values) | ({"told": told} if told and sub.answer is None else {})

    return fields


LATEST_DEADLINE_DAYS = 60
"""A deadline typed further out than this is refused as a likely typo: once set, a deadline is never moved."""


def deadline_problem(deadline: date, today: date) -> str | None:
    """Why a deadline staff typed cannot be set (the Chinese message), or None: before today, or so far out that a
    late case could never show as overdue (`assignment` keeps a deadline for good)."""
    if deadline < today:
        return messages.STAFF_DEADLINE_PAST.format(deadline=deadline.isoformat(), today=today.isoformat())
    latest = today + timedelta(days=LATEST_DEADLINE_DAYS)
    if deadline > latest:
        return messages.STAFF_DEADLINE_FAR.format(
            deadline=deadline.isoformat(), latest=latest.isoformat(), days=LATEST_DEADLINE_DAYS
        )
    return None


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
    id of the deputy it goes to, so that the case enters that deputy's scope.

    A case already being handled keeps its deadline and complexity (re-assigning must not make a late case look on
    time): another deadline or complexity for it is refused."""

    def fields(sub: Submission) -> dict:
        if sub.status == "assigned" and sub.deadline is not None:
            changed = deadline is not None and deadline != sub.deadline
            if changed or complex_case is not None and complex_case != sub.complex:
                raise WorkflowError("assign_keeps_deadline", deadline=sub.deadline.isoformat())
            is_complex, due = sub.complex, sub.deadline
            return _assignee(to_kind, name, deputy) | {"deadline": due, "complex": is_complex}
        is_complex = sub.complex if complex_case is None else complex_case
        due = deadline or deadline_for(today, complex=is_complex, holidays=cal.holidays, workdays=cal.workdays)
        return _assignee(to_kind, name, deputy) | {"deadline": due, "complex": is_complex}

    return fields


def _assignee(to_kind: str, name: str | None, deputy: str | None) -> dict:
    result = {"to_kind": to_kind, "to": name or messages.STAFF_HOTLINE_NUMBER}
    return result | {"deputy": deputy} if to_kind == "deputy" and deputy else result


def handover(*, to_kind: str, name: str | None, deputy: str | None, today: date, cal: Calendar) -> Fields:
    """转办: an `assigned` event (marked `handover`) to another handler. A case awaiting an answer keeps its deadline
    and complexity; an answered one (handed on after the answer) gets a new deadline from today, as a reopened case
    would. Refused for a case nobody handles yet (assign it first)."""

    def fields(sub: Submission) -> dict:
        if sub.assignee_kind is None:
            raise WorkflowError("handover_unassigned")
        if sub.status in AWAITING_ANSWER:
            due = sub.due(*cal)
        else:  # replied (a closed case is refused by check)
            due = deadline_for(today, complex=sub.complex, holidays=cal.holidays, workdays=cal.workdays)
        return _assignee(to_kind, name, deputy) | {"deadline": due, "complex": sub.complex, "handover": True}

    return fields


def urge(today: date, cal: Calendar) -> Fields:
    """催办: only a case past its deadline is urged (`check` already refuses one that awaits no answer)."""

    def fields(sub: Submission) -> dict:
        if not sub.overdue(today, *cal):
            raise WorkflowError("urge_not_overdue")
        return {"deadline": sub.due(*cal).isoformat()}  # type: ignore[union-attr]

    return fields
