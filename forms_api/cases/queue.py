"""The queue as staff work it, pure: which deadline a case shows, the order (overdue first), what is due soon, and
the dashboard's counts. The staff tools (`list`, `export`) and the console share it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from forms_api.cases.calendar import Calendar, add_working_days
from forms_api.cases.events import REF_RE, STATUSES
from forms_api.cases.submission import Submission

DUE_SOON_DAYS = 2  # working days: a case due today or within them is "due soon" (即将到期)
# The dashboard's counts, in the order shown: the five statuses, with overdue and due soon after the open ones, then
# the open cases under 督办 and the deputies' answers awaiting review (审核).
DASHBOARD = ("submitted", "assigned", "overdue", "due_soon", "replied", "closed", "reopened", "supervised", "review")


def shown_deadline(sub: Submission, cal: Calendar) -> date | None:
    """The deadline of an open case; the one it had for a replied or closed case."""
    return sub.due(*cal) or sub.deadline


def answer_deadline(sub: Submission, cal: Calendar) -> date | None:
    """答复期限: the deadline shown once the case was handed on (set at 交办, or counted from a reopening); None before
    交办, when the day shown is the office's to hand it on by (`Submission.assign_by`), as the tracking page tells."""
    return None if sub.awaits_assignment else shown_deadline(sub, cal)


def ref_key(ref: str) -> tuple[int, int]:
    """A reference in numeric order (2026-000010 after 2026-000009)."""
    match = REF_RE.match(ref)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def queue_order(sub: Submission, today: date, cal: Calendar) -> tuple[bool, date, tuple[int, int]]:
    """The sort key of every list: overdue first, then by deadline (none last), then by reference."""
    return (not sub.overdue(today, *cal), shown_deadline(sub, cal) or date.max, ref_key(sub.ref))


def due_soon(sub: Submission, today: date, cal: Calendar) -> bool:
    """Awaiting an answer, not overdue, and due within DUE_SOON_DAYS working days (today included)."""
    due = sub.due(*cal)
    return due is not None and today <= due <= add_working_days(today, DUE_SOON_DAYS, *cal)


def counts(subs: Iterable[Submission], today: date, cal: Calendar) -> dict[str, int]:
    """How many of `subs` are in each of DASHBOARD's boxes: its status, and overdue or due soon."""
    result = dict.fromkeys(DASHBOARD, 0)
    for sub in subs:
        result[sub.status] += 1
        result["supervised"] += sub.supervised and sub.open
        result["review"] += sub.draft is not None and sub.open  # a draft left on a closed case: not listed
        if sub.overdue(today, *cal):
            result["overdue"] += 1
        elif due_soon(sub, today, cal):
            result["due_soon"] += 1
    return result


assert set(STATUSES) <= set(DASHBOARD)
