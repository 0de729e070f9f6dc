"""Which events make sense in a submission's current state: the one set of rules every client obeys.

`check(sub, event_type)` looks at the state only; with the `event` about to be appended it also looks at what the
event says (a forced close, a hand-over, an approval) and when (the rating window), under the office's `Rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from forms_api import messages
from forms_api.cases.events import AWAITING_ANSWER, EVENT_TYPES, MAX_REOPENS, TZ, parse_at
from forms_api.cases.submission import Submission, rating_refusal

RATING_WINDOW_DAYS = 7  # the default of the setting RATING_WINDOW_DAYS


class Rules(NamedTuple):
    """The office's settings the workflow obeys: the days a citizen has to rate an answer before a case may be closed
    without force (RATING_WINDOW_DAYS), and whether a deputy's answer waits for review (STAFF_DEPUTY_REVIEW)."""

    rating_window_days: int = RATING_WINDOW_DAYS
    deputy_review: bool = False


RULES = Rules()


class WorkflowError(Exception):
    """A transition that makes no sense in the submission's current state; str(error) is the Chinese message.

    `code` is the key in messages.WORKFLOW_ERRORS, so that callers can map it (e.g. not_found -> 404, others -> 409).
    """

    def __init__(self, code: str, **values: str) -> None:
        self.code = code
        super().__init__(messages.WORKFLOW_ERRORS[code].format(**values))


def _date(day: date) -> str:
    return messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)


def _state_refusal(sub: Submission, event_type: str) -> str | None:
    """Why an `event_type` event makes no sense in `sub`'s state (a key of messages.WORKFLOW_ERRORS), or None."""
    answered = sub.status in ("replied", "closed")
    if event_type == "assigned" and sub.status == "closed":
        return "assign_closed"
    if event_type in ("replied", "drafted"):
        if answered:
            return f"reply_{sub.status}"
        if sub.assignee_kind is None:
            return "reply_unassigned"
        if event_type == "drafted" and sub.draft is not None:
            return "draft_pending"
    if event_type == "returned" and sub.draft is None:
        return "review_no_draft"
    if event_type == "closed" and sub.status == "closed":
        return "close_closed"
    if event_type == "reopened":
        if sub.status in AWAITING_ANSWER:
            return "reopen_open"
        if sub.reopens >= MAX_REOPENS:
            return "reopen_limit"
    if event_type == "urged" and sub.status not in AWAITING_ANSWER:
        return "urge_answered"
    if event_type == "urged" and sub.assignee_kind is None:
        return "urge_unassigned"
    if event_type == "followed_up" and (sub.answer is None or not answered):
        return "followup_no_answer"
    if event_type == "rated":
        return rating_refusal(sub)
    if event_type == "return_asked":
        return _return_refusal(sub)
    if event_type == "return_declined" and pending_return(sub) is None:
        return "return_none"
    return None


def pending_return(sub: Submission) -> dict | None:
    """The `return_asked` event (申请退回) nobody has settled yet: no 转办 (any `assigned`), decline, answer or close
    came after it; None when there is none."""
    for event in reversed(sub.history):
        if event["type"] == "return_asked":
            return event
        if event["type"] in ("assigned", "return_declined", "replied", "closed"):
            return None
    return None


def _return_refusal(sub: Submission) -> str | None:
    if sub.status not in AWAITING_ANSWER:
        return "return_answered"
    if sub.assignee_kind is None:
        return "return_unassigned"
    return "return_pending" if pending_return(sub) is not None else None


def _event_refusal(sub: Submission, event: Mapping[str, Any], rules: Rules) -> tuple[str, dict[str, str]] | None:
    """Why this very event is refused (what it says, when), with the message's values; or None."""
    kind = event["type"]
    if kind == "assigned" and sub.status == "replied" and not event.get("handover"):
        return "assign_replied", {}
    if kind == "assigned" and event.get("handover") and _holds(sub, event):
        return "handover_same", {"holder": sub.assignee or ""}
    if kind == "replied" and event.get("approved") and sub.draft is None:
        return "review_no_draft", {}
    if kind == "closed":
        if event.get("forced"):
            return ("close_force_reason", {}) if not str(event.get("reason") or "").strip() else None
        ends = sub.rating_window_ends(rules.rating_window_days)
        if ends is not None and parse_at(event["at"]).astimezone(TZ).date() < ends:
            return "close_rating_window", {"days": str(rules.rating_window_days), "from": _date(ends)}
    return None


def _holds(sub: Submission, event: Mapping[str, Any]) -> bool:
    """Whether the handler `event` names already holds `sub` (the same deputy by id, else the same kind and name)."""
    if event.get("to_kind") != sub.assignee_kind:
        return False
    if event.get("deputy") and sub.assignee_deputy:
        return event["deputy"] == sub.assignee_deputy
    return event.get("to") == sub.assignee


def check(
    sub: Submission | None, event_type: str, event: Mapping[str, Any] | None = None, *, rules: Rules = RULES
) -> None:
    """Raise WorkflowError if an event of `event_type` makes no sense for `sub` (None: no such submission); with the
    `event` itself, also if what it says or when it comes is refused under `rules`.

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
    refusal = _state_refusal(sub, event_type)
    if refusal is not None:
        raise WorkflowError(refusal)
    found = _event_refusal(sub, event, rules) if event is not None else None
    if found is not None:
        raise WorkflowError(found[0], **found[1])
