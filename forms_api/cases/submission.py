"""A submission and a yearly evaluation as the fold of their events leaves them, and what a tracking code shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from forms_api import messages, messages_console
from forms_api.cases.calendar import deadline_for
from forms_api.cases.events import AWAITING_ANSWER, INTERNAL_EVENTS, MAX_REOPENS, ONLINE, TZ, parse_at


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
    channel: str = ONLINE  # how it came in: the site, or one of the offline channels staff register (线下登记)
    said_on: date | None = None  # for a case registered offline: the day the citizen said it
    status: str = "submitted"
    assignee_kind: str | None = None
    assignee: str | None = None
    assignee_deputy: str | None = None  # the deputy's id, when assigned to a deputy by id
    deadline: date | None = None
    complex: bool = False
    answer: str | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    close_told: str | None = None  # a key of messages.CLOSED_TOLD: why, for the citizen, when closed unanswered
    reopened_at: datetime | None = None
    rating: str | None = None
    rating_comment: str | None = field(default=None, repr=False)
    rated_at: datetime | None = None
    reopens: int = 0  # how often it was reopened (by staff or by a 不满意)
    unsatisfied: int = 0  # how many 不满意 ratings it got
    supervised: bool = False  # 督办: the office supervises it (a second 不满意, or one past MAX_REOPENS)
    supervised_step: int | None = None  # the index in history of the rating that put it under 督办
    reopening_steps: list[int] = field(default_factory=list, repr=False)  # indexes of the ratings that reopened it
    followed_up_at: datetime | None = None  # the last 回访 (a follow-up call staff recorded)
    draft: dict | None = field(default=None, repr=False)  # a deputy's answer awaiting review: answer, at, by
    notes: list[dict] = field(default_factory=list, repr=False)
    history: list[dict] = field(default_factory=list, repr=False)

    @property
    def open(self) -> bool:
        return self.status != "closed"

    @property
    def status_label(self) -> str:
        return messages.STATUS_LABELS[self.status]

    @property
    def under_supervision(self) -> bool:
        """督办 and waiting for it: a 不满意 put it there and no new answer or closing has come since (a new answer
        clears the rating, `_replied`); the office's next step is the citizen's status (督办中), not 已答复."""
        return self.supervised and self.status == "replied" and self.rating == messages.RATING_REOPENS

    @property
    def supervised_at(self) -> str | None:
        """When a 不满意 put the case under 督办 (the rating's time, as stored)."""
        return self.history[self.supervised_step]["at"] if self.supervised_step is not None else None

    @property
    def channel_label(self) -> str:
        return messages_console.CHANNEL_LABELS.get(self.channel, self.channel)

    @property
    def received_at(self) -> datetime:
        """When the citizen said it: the submission, or for a case registered offline the day they said it (at the
        time of day it was registered)."""
        if self.said_on is None:
            return self.submitted_at
        local = self.submitted_at.astimezone(TZ)
        return local.replace(year=self.said_on.year, month=self.said_on.month, day=self.said_on.day)

    @property
    def unsatisfied_reopens(self) -> bool:
        """Whether a 不满意 now reopens the case (the first one, while reopened fewer than MAX_REOPENS times); any
        other puts it under 督办 (forms_api/cases/fold.py)."""
        return self.unsatisfied == 0 and self.reopens < MAX_REOPENS

    def rating_window_ends(self, days: int) -> date | None:
        """The first day a replied case that nobody rated (nor recorded a 回访 for) may be closed without force;
        None when the citizen's say is in (rated, followed up) or no answer awaits it."""
        if self.status != "replied" or self.replied_at is None or self.rating is not None:
            return None
        if self.followed_up_at is not None and self.followed_up_at >= self.replied_at:
            return None
        return self.replied_at.astimezone(TZ).date() + timedelta(days=days)

    def due(self, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> date | None:
        """When an answer is due: the assigned deadline, else 5 (10 if complex) working days after the submission or
        the last reopening; None when no answer is awaited (replied or closed)."""
        if self.status not in AWAITING_ANSWER:
            return None
        if self.deadline is not None:
            return self.deadline
        start = self.reopened_at.date() if self.reopened_at else self.received_at.date()
        return deadline_for(start, complex=self.complex, holidays=holidays, workdays=workdays)

    @property
    def awaits_assignment(self) -> bool:
        """Nobody handles it yet and an answer is awaited: its due day is the office's to hand it on by (交办期限);
        the answer's own deadline is set at 交办, counted from that day (forms_api/cases/actions.assignment)."""
        return self.assignee_kind is None and self.status in AWAITING_ANSWER

    def assign_by(
        self, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
    ) -> date | None:
        """交办期限: 5 (10 if complex) working days after the case was received, the day the office hands it on by
        (the figures count an answer late when it was not: `first_answer`); kept once it was handed on, so that the
        date a citizen saw stays, beside the answer's deadline. None for a case closed without ever being assigned."""
        if self.awaits_assignment:
            return self.due(holidays, workdays)
        start = self.received_at.astimezone(TZ).date()  # or the reopening before the first 交办, as `due` counted
        for event in self.history:
            if event["type"] == "assigned":
                complex_case = bool(self.history[0].get("complex", False))
                return deadline_for(start, complex=complex_case, holidays=holidays, workdays=workdays)
            if event["type"] == "reopened" or (event["type"] == "rated" and event["rating"] == messages.RATING_REOPENS):
                start = parse_at(event["at"]).astimezone(TZ).date()
        return None

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
        or reopened), else the one a replied or closed case had; pass the holidays calendar to count as staff do.
        Before 交办 that day is the office's to hand the case on by (`deadline_kind` "assign"), and stays as
        `assign_by` after it, beside the answer's deadline set at 交办 (also on the timeline's 交办 step): a date a
        citizen saw never silently becomes a later one."""

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
        timeline = []
        deadline = self.due(holidays, workdays) or self.deadline
        offline = self.channel != ONLINE

        def redone(at: str) -> str:  # a reopening's new deadline, as `due` counts it from that day
            day = parse_at(at).astimezone(TZ).date()
            return deadline_for(day, complex=self.complex, holidays=holidays, workdays=workdays).isoformat()

        for index, event in enumerate(self.history):
            if event["type"] not in INTERNAL_EVENTS:
                step = {"at": event["at"], "type": event["type"], "label": messages.EVENT_LABELS[event["type"]]}
                if event["type"] == "submitted" and offline:  # registered by staff: said so, with how it came in
                    step["label"] = messages_console.OFFLINE_SUBMITTED.format(channel=self.channel_label)
                if event["type"] == "replied":
                    step["answer"] = event["answer"]  # every answer stays on the timeline, with its date
                if event["type"] == "assigned":  # where the answer's deadline comes from: set at 交办
                    step["deadline"] = event["deadline"]
                if event["type"] == "reopened":  # and at a reopening, counted from it
                    step["deadline"] = redone(event["at"])
                timeline.append(step)
            if index in self.reopening_steps:  # a first 不满意 reopened it: the citizen sees it is being redone
                step = {"at": event["at"], "type": "reopened", "label": messages.EVENT_LABELS["reopened"]}
                timeline.append(step | {"deadline": redone(event["at"])})
            if index == self.supervised_step:
                timeline.append({"at": event["at"], "type": "supervised", "label": messages.SUPERVISED_LABEL})
        return {
            "reference": self.ref,
            "status": self.status,
            "status_label": messages.SUPERVISED_STATUS if self.under_supervision else self.status_label,
            "category": self.category,
            "target": self.target,
            "submitted_at": iso(self.said_on or self.submitted_at),  # when said: for a case registered offline, a day
            "channel": self.channel,
            "channel_label": self.channel_label,
            "registered_at": iso(self.submitted_at) if offline else None,  # 线下登记: when staff registered it
            "handled_by": handled_by,
            "deadline": iso(deadline),
            # what `deadline` is: the office's day to hand it on by (交办期限), or the answer's (答复期限, set at 交办)
            "deadline_kind": None if deadline is None else "assign" if self.awaits_assignment else "answer",
            "assign_by": iso(self.assign_by(holidays, workdays)),  # 交办期限, kept after 交办 beside the answer's
            "assigned_at": next((event["at"] for event in self.history if event["type"] == "assigned"), None),
            "answer": self.answer,
            "replied_at": iso(self.replied_at),
            "closed_at": iso(self.closed_at),
            "closed_note": messages.CLOSED_TOLD.get(self.close_told or "") if self.status == "closed" else None,
            "rating": self.rating,
            "rated_at": iso(self.rated_at),
            "can_rate": rating_refusal(self) is None,
            "supervised": self.supervised,
            "supervised_at": self.supervised_at,  # 转入督办: when
            "unsatisfied_reopens": self.unsatisfied_reopens,  # what a 不满意 would do: the choice says so
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


def rating_refusal(sub: Submission) -> str | None:
    """Why `sub` cannot be rated now (a key of messages.WORKFLOW_ERRORS), or None: the status page and check agree."""
    if sub.status == "reopened":
        return "rate_reopened"
    if sub.answer is None or sub.status not in ("replied", "closed"):
        return "rate_no_answer"
    if sub.rating is not None:
        return "rate_twice"
    return None


def first_answer(
    sub: Submission, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
) -> tuple[datetime, date] | None:
    """When a case was first answered and its first deadline: the one its first assignment set (a later one, from a
    reassignment, does not count; nor one set when the case was already late), else 5 (10 if complex) working days
    after it was received (or reopened); None if never."""
    start = sub.received_at.astimezone(TZ).date()
    deadline: date | None = None
    complex_case = bool(sub.history[0].get("complex", False)) if sub.history else False
    for event in sub.history:
        at = parse_at(event["at"])
        if event["type"] == "assigned" and deadline is None:  # the first deadline counts, not a reassignment's
            unassigned_due = deadline_for(start, complex=complex_case, holidays=holidays, workdays=workdays)
            deadline, complex_case = date.fromisoformat(event["deadline"]), bool(event.get("complex", False))
            if at.astimezone(TZ).date() > unassigned_due:  # assigned when already late: it stays late
                deadline = unassigned_due
        elif event["type"] == "reopened" or (event["type"] == "rated" and event["rating"] == messages.RATING_REOPENS):
            deadline, start = None, at.astimezone(TZ).date()
        elif event["type"] == "replied":
            due = deadline or deadline_for(start, complex=complex_case, holidays=holidays, workdays=workdays)
            return at, due
    return None
