"""The queue: the dashboard's counts and the list with its filters (a case's page: forms_api/console/case.py).

Every case passes the scope rule (forms_api/accounts/access.py) before it is counted or listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from flask import Response, request

from forms_api import cases, messages
from forms_api.accounts.access import visible
from forms_api.cases import CHANNELS, STATUSES, Calendar, Submission
from forms_api.cases.actions import TextProblem
from forms_api.cases.checks import pending_return
from forms_api.cases.handover import result_pending, urges
from forms_api.cases.queue import DASHBOARD, counts, due_soon, queue_order
from forms_api.console.areas import AREA_RE, area_filter, areas
from forms_api.console.areas import choices as area_choices
from forms_api.console.deputies import resolve
from forms_api.console.people import case_targets, deputies_told
from forms_api.console.service import account, bp, may, page, require
from forms_api.messages_console import CHANNEL_LABELS, HANDOVER_DASHBOARD, HANDOVER_TEXTS
from forms_api.messages_notify import CONSOLE_FAILED as NOTIFY_FAILED
from forms_api.public.service import service
from forms_api.public.sitedata import TargetsUnavailable
from forms_api.staff.text import assignee_text, deadline_label, deadline_text

PAGE_SIZE = 20
MARKS = {"result": result_pending, "urged": urges}  # the list's markers (forms_api/cases/handover.py)
MARKS |= {"returning": lambda sub: pending_return(sub) is not None}  # 申请退回 nobody has settled (转办, decline)
T = messages.CONSOLE_TEXTS


@dataclass(frozen=True)
class Filters:
    """The list's filters as the query string gives them: status ("" open, "all", or a status), due ("" / overdue /
    soon), a text to search, a station's id, an area's code (forms_api/console/areas.py), a deputy's id or name, a
    category, a channel, submitted between two dates, only those under 督办 or awaiting review ("1"), the page."""

    status: str = ""
    due: str = ""
    q: str = ""
    station: str = ""
    area: str = ""
    deputy: str = ""
    category: str = ""
    channel: str = ""
    since: str = ""
    until: str = ""
    supervised: str = ""
    review: str = ""
    mark: str = ""  # "result": a handler's result awaits an answer; "urged": urged (催办) since last answered;
    # "returning": the handler asked to hand it back (申请退回)
    page: int = 1

    @classmethod
    def from_request(cls) -> Filters:
        status = request.args.get("status", "")
        due = request.args.get("due", "")
        typed = request.args.get("deputy", "").strip()  # an id, or a name (resolved by the list)
        try:
            number = max(1, int(request.args.get("page", "1")))
        except ValueError:
            number = 1
        return cls(
            status=status if status in (*STATUSES, "all") else "",
            due=due if due in ("overdue", "soon") else "",
            q=request.args.get("q", "").strip()[:100],
            station=_id(request.args.get("station", "")),
            area=area if AREA_RE.fullmatch(area := request.args.get("area", "").strip()) else "",
            deputy=_id(typed) or typed[:40],
            category=request.args.get("category", "").strip()[:40],
            channel=channel if (channel := request.args.get("channel", "")) in CHANNELS else "",
            since=_day(request.args.get("since", "")),
            until=_day(request.args.get("until", "")),
            supervised="1" if request.args.get("supervised") == "1" else "",
            review="1" if request.args.get("review") == "1" else "",
            mark=mark if (mark := request.args.get("mark", "")) in MARKS else "",
            page=number,
        )

    @property
    def active(self) -> bool:
        """Whether any filter is set (the list's filter form then shows open)."""
        return any(getattr(self, key) for key in self.__dataclass_fields__ if key != "page")

    def query(self, **changes: object) -> dict[str, object]:
        """These filters (with `changes`) as query arguments, for links."""
        values = {key: getattr(self, key) for key in self.__dataclass_fields__} | changes
        return {key: value for key, value in values.items() if value not in ("", 1)}

    def keeps(self, sub: Submission, deputies_of: Callable[[str], frozenset[str]]) -> bool:
        """Whether `sub` passes the station, deputy, category and date filters (a station: its own cases and its
        deputies'; a deputy: the cases addressed or assigned to them)."""
        targets = {f"deputy:{sub.assignee_deputy}", sub.target} if sub.assignee_deputy else {sub.target}
        if self.station:
            station_targets = {f"station:{self.station}"} | {f"deputy:{d}" for d in deputies_of(self.station)}
            if not targets & station_targets:
                return False
        if self.deputy and f"deputy:{self.deputy}" not in targets or self.supervised and not sub.supervised:
            return False
        if self.review and sub.draft is None:
            return False
        if self.category and sub.category != self.category or self.channel and sub.channel != self.channel:
            return False
        day = sub.received_at.astimezone(cases.TZ).date().isoformat()
        return not (self.since and day < self.since or self.until and day > self.until)


def _id(value: str) -> str:
    value = value.strip().lower()
    return value if re.fullmatch(r"[a-z0-9-]{1,64}", value) else ""


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return ""


def _date_problems(today: date) -> list[str]:
    """What is wrong with the dates typed for the list, checked as the hand-over sheet's are (forms_api/console/
    handover.py): each a day, the end not before the start."""
    typed = {key: request.args.get(key, "").strip() for key in ("since", "until")}
    example = today.isoformat()
    problems = [
        messages.FILTER_TEXTS[f"bad_{key}"].format(value=value[:20], example=example)
        for key, value in typed.items()
        if value and not _day(value)
    ]
    since, until = _day(typed["since"]), _day(typed["until"])
    return problems + ([HANDOVER_TEXTS["reversed_dates"]] if since and until and until < since else [])


def _station_choices() -> list[tuple[str, str]]:
    """(id, name) of the stations the list's filter offers: a station worker's own, else every station."""
    listed = service().targets.listed("station")
    mine = account().stations
    return [found for found in listed if found[0] in mine] if mine else listed


def _categories(present: Iterable[str]) -> list[str]:
    """Every category the site's form offers (data/form.json, as the service reads it), in its order, then any other
    a case has (one the form no longer offers); only the latter while the site's data cannot be read."""
    try:
        configured = list(service().targets.categories())
    except TargetsUnavailable:
        configured = []
    return configured + sorted(set(present) - set(configured))


def _today_and_calendar() -> tuple[date, Calendar]:
    return cases.now().date(), service().calendar


def _visible_cases() -> list[Submission]:
    """Every case the signed-in account may see (a list of this moment's folded cases)."""
    svc = service()
    return svc.store.query(lambda state: visible(account(), list(state.submissions.values()), svc.targets.deputies_of))


def _matches(sub: Submission, words: list[str], name: str) -> bool:
    """The search over what every role may read: reference, text, category, target, assignee (no name or phone)."""
    haystack = " ".join((sub.ref, sub.text, sub.category, sub.target, name, assignee_text(sub))).casefold()
    return all(word in haystack for word in words)


# Each tile's link to the list, which lists exactly what the tile counts (forms_api/cases/queue.py, MARKS).
TILE_LINKS = {key: {"status": key} for key in STATUSES} | {"overdue": {"due": "overdue"}, "due_soon": {"due": "soon"}}
TILE_LINKS |= {"supervised": {"supervised": "1"}, "review": {"review": "1"}} | {key: {"mark": key} for key in MARKS}
# The tiles of the office's work, each shown to the roles that may do it (forms_api/accounts/access.py); every other
# tile (the statuses, the deadlines, 督办, 催办) to every role, over the cases it sees. 待受理 waits for 交办 (a
# handler never sees such a case), a handler's result for an answer or a 转办 from those who hand cases on, a deputy's
# answer for the office's review (审核), a 申请退回 for a 转办 or 不同意退回: a handler or a deputy only waits on them.
TILE_ACTIONS = {"submitted": "assign", "result": "assign", "review": "approve", "returning": "return_decline"}


def _tiles() -> list[str]:
    """The tiles the signed-in account is shown, in order. A deputy also gets 待受理, as the cases addressed to them
    that nobody handles yet: they answer such a case and take it on (forms_api/cases/actions.py, `answering`)."""
    role = account().role
    return [
        key
        for key in (*DASHBOARD, *MARKS)
        if key not in TILE_ACTIONS or may(TILE_ACTIONS[key]) or (key == "submitted" and role == "deputy")
    ]


@bp.get("/")
@require("queue")
def dashboard() -> Response:
    """The counts of what the account may see and do, each a link to the list of what it counts."""
    today, cal = _today_and_calendar()
    subs = _visible_cases()
    numbers = counts(subs, today, cal) | {key: sum(bool(MARKS[key](sub)) for sub in subs) for key in MARKS}
    labels = messages.DASHBOARD_LABELS | HANDOVER_DASHBOARD
    if account().role == "deputy":
        labels |= messages.DASHBOARD_LABELS_DEPUTY
    boxes = [(labels[key], numbers[key], TILE_LINKS[key]) for key in _tiles()]
    failed = 0  # notifications that failed for good: the office hears of them here (notify status has the details)
    if account().role == "office":
        failed = service().store.query(lambda state: len(state.outbox.by_state("failed")))
    return page("staff/dashboard.html", boxes=boxes, failed_notices=failed, notify_failed=NOTIFY_FAILED)


@bp.get("/cases")
@require("queue")
def case_list() -> Response:
    """The cases the account may see, filtered, overdue first, a page at a time; none, and why (400), when a filter is
    refused: a date that cannot be read, dates the wrong way round, a name that is no current deputy's, or several's."""
    filters = Filters.from_request()
    today, cal = _today_and_calendar()
    names = service().targets.name
    words = filters.q.casefold().split()
    shown, problems = filters, _date_problems(today)
    if filters.deputy and not _id(filters.deputy):  # a deputy by name: the one current deputy of that name
        try:
            filters = replace(filters, deputy=resolve(filters.deputy, tool="typed")[0])
        except TextProblem as problem:
            problems.append(str(problem))
    chosen = []
    visible_now = _visible_cases()
    known = areas()
    in_area = area_filter(filters.area, known) if filters.area else None
    for sub in [] if problems else visible_now:  # a filter refused: no list that looks filtered
        if filters.status == "" and not sub.open or filters.status not in ("", "all") and sub.status != filters.status:
            continue
        if (
            filters.due == "overdue"
            and not sub.overdue(today, *cal)
            or filters.due == "soon"
            and not due_soon(sub, today, cal)
        ):
            continue
        if not filters.keeps(sub, service().targets.deputies_of) or in_area is not None and not in_area(sub):
            continue
        if filters.mark and not MARKS[filters.mark](sub):
            continue
        if words and not _matches(sub, words, names(sub.target)):
            continue
        chosen.append(sub)
    chosen.sort(key=lambda sub: queue_order(sub, today, cal))
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    number = min(filters.page, pages)
    on_page = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    shown_targets = case_targets([sub.target for sub in on_page])
    namesakes = deputies_told(sub.assignee_deputy for sub in on_page)  # who handles it: which 李明远
    rows = [
        {
            "ref": sub.ref,
            "status": sub.status_label,
            "category": sub.category,
            "channel": sub.channel_label,
            "target": shown_targets[sub.target],
            "deadline": deadline_text(sub, today, cal),
            "deadline_label": deadline_label(sub),  # 交办期限 before 交办, as the citizen reads it
            "overdue": sub.overdue(today, *cal),
            "supervised": sub.supervised,
            "assignee": assignee_text(sub, namesakes),
            "excerpt": sub.text if len(sub.text) <= 60 else sub.text[:60] + "…",
            "result_pending": result_pending(sub),
            "urges": urges(sub),
            "returning": pending_return(sub) is not None,
        }
        for sub in on_page
    ]
    overdue = sum(sub.overdue(today, *cal) for sub in chosen)
    return page(
        "staff/cases.html",
        400 if problems else 200,
        rows=rows,
        filters=shown,
        problems=problems,
        statuses=[(key, messages.STATUS_LABELS[key]) for key in STATUSES],
        categories=_categories(sub.category for sub in visible_now),
        channels=list(CHANNEL_LABELS.items()),
        station_choices=_station_choices(),
        area_choices=area_choices(known),
        f=messages.FILTER_TEXTS,
        count=len(chosen),
        overdue=overdue,
        number=number,
        pages=pages,
    )
