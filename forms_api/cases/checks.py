"""Which events make sense in a submission's current state: the one set of rules every client obeys."""

from __future__ import annotations

from forms_api import messages
from forms_api.cases.events import AWAITING_ANSWER, EVENT_TYPES
from forms_api.cases.submission import Submission, rating_refusal


class WorkflowError(Exception):
    """A transition that makes no sense in the submission's current state; str(error) is the Chinese message.

    `code` is the key in messages.WORKFLOW_ERRORS, so that callers can map it (e.g. not_found -> 404, others -> 409).
    """

    def __init__(self, code: str, **values: str) -> None:
        self.code = code
        super().__init__(messages.WORKFLOW_ERRORS[code].format(**values))


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
    elif event_type == "urged" and sub.status not in AWAITING_ANSWER:
        refusal = "urge_answered"
    elif event_type == "rated":
        refusal = rating_refusal(sub)
    if refusal is not None:
        raise WorkflowError(refusal)
