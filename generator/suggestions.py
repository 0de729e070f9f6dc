"""Deputies' suggestions and motions tracked to their answer: every one in the records with its page's path, its
deadline (as written, else three months from 交办), whether it was answered in time, and the figures per department
the suggestions page charts. Pure: content in, dataclasses out."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from .model import STAGES, DeputyYear, Proposal, Stages

ANSWER_MONTHS = 3
"""A suggestion is answered within three months of 交办 unless its `deadline` says otherwise."""


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Suggestion:
    """One suggestion or motion on record: whose, which year, its place among that year's, the entry itself."""

    deputy: str
    year: int
    number: int
    """1-based among the deputy's suggestions and motions of the year, in date order: the page's address."""
    proposal: Proposal

    @property
    def key(self) -> str:
        return f"{self.deputy}-{self.year}-{self.number}"

    @property
    def stages(self) -> Stages:
        return self.proposal.stages or Stages()

    @property
    def deadline(self) -> dt.date | None:
        """The written deadline, else three months from 交办; None before it was assigned."""
        if self.proposal.deadline is not None:
            return self.proposal.deadline
        assigned = self.stages.assigned
        return months_later(assigned, ANSWER_MONTHS) if assigned else None

    def on_time(self) -> bool | None:
        """Answered by its deadline (True), answered late (False), or not answered / no deadline (None)."""
        answered, deadline = self.stages.answered, self.deadline
        if answered is None or deadline is None:
            return None
        return answered <= deadline

    def overdue(self, today: dt.date) -> bool:
        """Not answered, and its deadline has passed."""
        return self.stages.answered is None and self.deadline is not None and self.deadline < today

    def stage_dates(self) -> list[tuple[str, dt.date | None]]:
        """提交 and every later stage with its date (None: not reached yet)."""
        return [("date", self.proposal.date)] + [(name, getattr(self.stages, name)) for name in STAGES]


@dataclass
class DepartmentFigures:
    """A department's suggestions: how many, answered, answered in time, and overdue without an answer."""

    name: str
    count: int = 0
    answered: int = 0
    in_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def due(self) -> int:
        """The ones whose timeliness is known: answered (with a deadline), or overdue without an answer; the on-time
        share is `in_time` of these."""
        return self.in_time + self.late + self.overdue


def collect(records: dict[str, dict[int, DeputyYear]]) -> list[Suggestion]:
    """Every suggestion and motion in `records`, newest year first, then by date and deputy."""
    found = []
    for deputy, years in records.items():
        for year, record in years.items():
            proposals = [a for a in record.activities if a.kind in ("suggestion", "motion")]
            found += [Suggestion(deputy, year, i, p) for i, p in enumerate(proposals, 1)]  # type: ignore[arg-type]
    found.sort(key=lambda s: (-s.year, s.proposal.date, s.deputy, s.number))
    return found


def by_department(suggestions: list[Suggestion], today: dt.date) -> list[DepartmentFigures]:
    """The figures of each department named, by name."""
    figures: dict[str, DepartmentFigures] = {}
    for s in suggestions:
        name = s.proposal.department
        if name is None:
            continue
        f = figures.setdefault(name, DepartmentFigures(name))
        f.count += 1
        f.answered += s.stages.answered is not None
        on_time = s.on_time()
        f.in_time += on_time is True
        f.late += on_time is False
        f.overdue += s.overdue(today)
    return [figures[name] for name in sorted(figures)]


def department_slug(name: str) -> str:
    """A department's page address: names are Chinese, so a short hash of the name (stable while it is)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def grouped(suggestions: list[Suggestion], what: str) -> dict[str, list[Suggestion]]:
    """`suggestions` by year, status or department (`what`), keeping their order."""
    groups: dict[str, list[Suggestion]] = defaultdict(list)
    for s in suggestions:
        if what == "year":
            groups[str(s.year)].append(s)
        elif what == "status":
            groups[s.proposal.current_status].append(s)
        elif s.proposal.department is not None:
            groups[s.proposal.department].append(s)
    return dict(groups)
