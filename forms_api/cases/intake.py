"""A new case, pure: the ONE `decide` that turns a message into a `submitted` event, shared by the citizen's form
(forms_api/public/submissions.py) and the console's offline intake (forms_api/console/intake.py).

Run inside the store's `append`, under the log's exclusive lock: the duplicate window is looked at, the next reference
of the year taken and the workflow's check run against the state as it is, so two clients can never share a
reference, and a repeat within the window (a reload, a double click) stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from forms_api.cases.checks import check
from forms_api.cases.events import CITIZEN, make_event
from forms_api.cases.fold import State
from forms_api.cases.submission import Submission


@dataclass
class NewCase:
    """What a new case says, checked by its client: to whom, what, from whom. `extra`: the event's further fields
    (the channel, the day it was said, consent, a request's hash); `by`: the citizen, or the staff who registered it."""

    target: str
    category: str
    text: str
    name: str | None
    phone: str
    anonymous: bool = False
    by: str = CITIZEN
    extra: dict[str, Any] = field(default_factory=dict)


def new_case(
    case: NewCase, code: str, at: datetime, window: timedelta | None, duplicates: list[Submission]
) -> Callable[[State], dict | None]:
    """The `decide` of one new case with tracking code `code`: None (and the earlier case put in `duplicates`) when
    the same text went to the same target from the same phone within `window`; else its `submitted` event."""

    def decide(state: State) -> dict | None:
        if window:
            same = state.find_duplicate(case.target, case.text, at, window, phone=case.phone)
            if same is not None:
                duplicates.append(same)
                return None
        ref = state.next_ref(at.year)
        check(state.submissions.get(ref), "submitted")
        return make_event(
            "submitted",
            ref,
            case.by,
            at,
            code=code,
            target=case.target,
            category=case.category,
            text=case.text,
            name=case.name or None,
            phone=case.phone,
            anonymous=case.anonymous,
            **case.extra,
        )

    return decide
