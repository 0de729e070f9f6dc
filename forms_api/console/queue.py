"""The read-only queue: the dashboard's counts, the list with its filters, a case's page, and the showing of a
citizen's name and phone (a POST: it appends a `viewed` event naming the account before anything is shown).

Every case passes the scope rule (forms_api/accounts/access.py) before it is counted, listed or shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, abort, request

from forms_api import cases, messages
from forms_api.accounts.access import may_see, targets_of, visible
from forms_api.cases import REF_RE, STATUSES, Calendar, Submission
from forms_api.cases.queue import DASHBOARD, counts, due_soon, queue_order
from forms_api.console.service import account, bp, page, require
from forms_api.public.service import service
from forms_api.staff.text import assignee_text, deadline_text, history_entry, moment_text, target_label

PAGE_SIZE = 20
T = messages.CONSOLE_TEXTS


@dataclass(frozen=True)
class Filters:
    """The list's filters as the query string gives them: status ("" open, "all", or a status), due ("" / overdue /
    soon), a text to search, the page."""

    status: str = ""
    due: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_request(cls) -> Filters:
        status = request.args.get("status", "")
        due = request.args.get("due", "")
        try:
            number = max(1, int(request.args.get("page", "1")))
        except ValueError:
            number = 1
        return cls(
            status=status if status in (*STATUSES, "all") else "",
            due=due if due in ("overdue", "soon") else "",
            q=request.args.get("q", "").strip()[:100],
            page=number,
        )

    def query(self, **changes: object) -> dict[str, object]:
        """These filters (with `changes`) as query arguments, for links."""
        values = {"status": self.status, "due": self.due, "q": self.q, "page": self.page} | changes
        return {key: value for key, value in values.items() if value not in ("", 1)}


def _today_and_calendar() -> tuple[date, Calendar]:
    return cases.now().date(), service().calendar


def _visible_cases() -> list[Submission]:
    """Every case the signed-in account may see (a list of this moment's folded cases)."""
    svc = service()
    return svc.store.query(lambda state: visible(account(), list(state.submissions.values()), svc.targets.deputies_of))


def _case(ref: str) -> Submission:
    """The case `ref` if the account may see it: 404 when there is none, 403 when it is out of scope."""
    if not REF_RE.fullmatch(ref):
        abort(404)
    svc = service()
    sub = svc.store.query(lambda state: state.submissions.get(ref))
    if sub is None:
        abort(404)
    if not may_see(account(), sub, targets_of(account(), svc.targets.deputies_of)):
        abort(403)
    return sub


def _matches(sub: Submission, words: list[str], name: str) -> bool:
    """The search over what every role may read: reference, text, category, target, assignee (no name or phone)."""
    haystack = " ".join((sub.ref, sub.text, sub.category, sub.target, name, assignee_text(sub))).casefold()
    return all(word in haystack for word in words)


@bp.get("/")
@require("queue")
def dashboard() -> Response:
    """The counts of what the account may see, each a link to the list."""
    today, cal = _today_and_calendar()
    numbers = counts(_visible_cases(), today, cal)
    links = {key: {"status": key} for key in STATUSES} | {"overdue": {"due": "overdue"}, "due_soon": {"due": "soon"}}
    boxes = [(messages.DASHBOARD_LABELS[key], numbers[key], links[key]) for key in DASHBOARD]
    return page("staff/dashboard.html", boxes=boxes)


@bp.get("/cases")
@require("queue")
def case_list() -> Response:
    """The cases the account may see, filtered, overdue first, a page at a time."""
    filters = Filters.from_request()
    today, cal = _today_and_calendar()
    names = service().targets.name
    words = filters.q.casefold().split()
    chosen = []
    for sub in _visible_cases():
        if filters.status == "" and not sub.open or filters.status not in ("", "all") and sub.status != filters.status:
            continue
        if (
            filters.due == "overdue"
            and not sub.overdue(today, *cal)
            or filters.due == "soon"
            and not due_soon(sub, today, cal)
        ):
            continue
        if words and not _matches(sub, words, names(sub.target)):
            continue
        chosen.append(sub)
    chosen.sort(key=lambda sub: queue_order(sub, today, cal))
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    number = min(filters.page, pages)
    rows = [
        {
            "ref": sub.ref,
            "status": sub.status_label,
            "category": sub.category,
            "target": target_label(sub.target, names(sub.target)),
            "deadline": deadline_text(sub, today, cal),
            "overdue": sub.overdue(today, *cal),
            "assignee": assignee_text(sub),
            "excerpt": sub.text if len(sub.text) <= 60 else sub.text[:60] + "…",
        }
        for sub in chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    ]
    overdue = sum(sub.overdue(today, *cal) for sub in chosen)
    return page(
        "staff/cases.html",
        rows=rows,
        filters=filters,
        statuses=[(key, messages.STATUS_LABELS[key]) for key in STATUSES],
        count=len(chosen),
        overdue=overdue,
        number=number,
        pages=pages,
    )


def _case_page(sub: Submission, *, personal: bool) -> Response:
    today, cal = _today_and_calendar()
    names = service().targets.name
    timeline = [history_entry(event) for event in sub.history]
    notes = [(moment_text(cases.parse_at(note["at"])), note.get("by") or "", note["note"]) for note in sub.notes]
    return page(
        "staff/case.html",
        sub=sub,
        target=target_label(sub.target, names(sub.target), with_id=True),
        submitted=moment_text(sub.submitted_at),
        assignee=assignee_text(sub),
        deadline=deadline_text(sub, today, cal),
        overdue=sub.overdue(today, *cal),
        timeline=timeline,
        notes=notes,
        personal=personal,
    )


@bp.get("/cases/<ref>")
@require("queue")
def case(ref: str) -> Response:
    """One case: message, target, deadline, timeline; the name and phone only after the button below."""
    return _case_page(_case(ref), personal=False)


@bp.post("/cases/<ref>/personal")
@require("personal")
def personal(ref: str) -> Response:
    """The case with the citizen's name and phone, once a `viewed` event naming the account is in the log."""
    _case(ref)
    by = account().login

    def decide(state: cases.State) -> dict:
        cases.check(state.submissions.get(ref), "viewed")
        return cases.make_event("viewed", ref, by)

    service().store.append(decide)
    return _case_page(_case(ref), personal=True)
