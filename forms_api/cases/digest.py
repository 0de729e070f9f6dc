"""The working day's digest for station workers and the office, pure: which cases are new (not assigned yet), due on
the next working day, and overdue, for each recipient, as `notice` events (forms_api/cases/outbox.py) holding
references and counts only. One digest a recipient a day: a second run the same day adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from forms_api.cases.calendar import Calendar, add_working_days
from forms_api.cases.fold import State
from forms_api.cases.outbox import EMAIL, WORKER, notice
from forms_api.cases.queue import ref_key
from forms_api.cases.submission import Submission

OFFICE = "office"


def buckets(subs: Iterable[Submission], today: date, cal: Calendar) -> dict[str, list[str]]:
    """The references of `subs` that are new, due on the next working day, or overdue."""
    tomorrow = add_working_days(today, 1, *cal)
    result: dict[str, list[str]] = {"new": [], "due_tomorrow": [], "overdue": []}
    for sub in sorted(subs, key=lambda s: ref_key(s.ref)):
        if sub.status == "submitted":
            result["new"].append(sub.ref)
        if sub.overdue(today, *cal):
            result["overdue"].append(sub.ref)
        elif sub.due(*cal) == tomorrow:
            result["due_tomorrow"].append(sub.ref)
    return result


def digests(
    state: State, today: date, cal: Calendar, stations: Iterable[str], deputies_of: Callable[[str], frozenset[str]]
) -> list[dict]:
    """The digest notices of `today` not made yet: the office's (every open case) and each station's (its own
    cases and its deputies'), for recipients with something to report."""
    day = today.isoformat()
    made = {n.to for n in state.outbox.notices.values() if n.template == "digest" and n.params.get("day") == day}
    open_cases = [sub for sub in state.submissions.values() if sub.open]
    recipients: dict[str, list[Submission]] = {OFFICE: open_cases}
    for station in stations:
        targets = {f"station:{station}"} | {f"deputy:{d}" for d in deputies_of(station)}
        recipients[f"station:{station}"] = [sub for sub in open_cases if sub.target in targets]
    result = []
    for to, subs in recipients.items():
        found = buckets(subs, today, cal)
        if to not in made and any(found.values()):
            result.append(notice(None, to, EMAIL, "digest", {"day": day, **found}, WORKER, None))  # type: ignore[arg-type]
    return result
