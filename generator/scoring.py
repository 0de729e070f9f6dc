"""Points for deputies' work on record (履职积分): what a year's activities earn under that year's scheme, line by line.

Pure: model in, dataclasses out, so a page can show a table a person can check by hand. The rules:

- an entry earns its kind's `points` (an `other` entry may carry its own `points`, which the loader has checked
  against the scheme's `max_per_entry`); a kind the scheme leaves out earns nothing;
- a kind's entries add up to `raw`; the `cap` limits that to `subtotal` (deductions: at most `cap` taken off);
- entries count in date order, so the ones past the cap count only the part that still fits, then 0;
- the total is the sum of the subtotals; a year without a scheme earns no points at all (`Points.scored` is False).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.messages import ACTIVITY_KIND_LABELS
from generator.model import ACTIVITY_KINDS, DEDUCTION_KINDS, Activity, DeputyYear
from generator.scheme_model import Deduction, Rule, Scheme


@dataclass(frozen=True)
class EntryPoints:
    """One entry: what it is worth on its own, and what it adds to the total once its kind's cap is applied."""

    activity: Activity
    worth: int
    counted: int

    @property
    def capped(self) -> bool:
        """The cap took some or all of this entry's points."""
        return self.counted != self.worth


@dataclass(frozen=True)
class Line:
    """One kind of activity in a year: how many, points each, the sum before and after the cap."""

    kind: str
    label: str
    rule: Rule | Deduction | None  # None: the scheme (or the year) gives this kind no points
    count: int
    each: int | None  # points per entry; None when `other` entries carry different points of their own
    raw: int  # count × each, before the cap
    cap: int | None  # the most this kind adds in a year (deductions: the most taken off), as written
    subtotal: int  # raw limited by the cap: what goes into the total
    entries: tuple[EntryPoints, ...]

    @property
    def capped(self) -> bool:
        return self.subtotal != self.raw

    @property
    def deduction(self) -> bool:
        return self.kind in DEDUCTION_KINDS


@dataclass(frozen=True)
class Points:
    """A deputy's points in one year: `lines` per kind (kinds in a fixed order, only those with entries),
    `entries` in the order of the year's activities, and the `total`."""

    deputy: str
    year: int
    scheme: Scheme | None
    lines: tuple[Line, ...]
    entries: tuple[EntryPoints, ...]
    total: int

    @property
    def scored(self) -> bool:
        """The year has a scheme: without one, every number here is 0 and a page should say "not scored"."""
        return self.scheme is not None

    @property
    def gained(self) -> int:
        return sum(line.subtotal for line in self.lines if not line.deduction)

    @property
    def deducted(self) -> int:
        """Points taken off, as a negative number (0 if none)."""
        return sum(line.subtotal for line in self.lines if line.deduction)

    def line(self, kind: str) -> Line | None:
        return next((line for line in self.lines if line.kind == kind), None)


def points_for(record: DeputyYear, scheme: Scheme | None) -> Points:
    """The points of one deputy's year under `scheme` (the scheme of that year, or None if it has none)."""
    by_index: dict[int, EntryPoints] = {}  # position in record.activities -> its entry
    lines = []
    for kind in ACTIVITY_KINDS:
        indexes = [i for i, activity in enumerate(record.activities) if activity.kind == kind]
        indexes.sort(key=lambda i: record.activities[i].date)  # stable: a day's entries in the order written
        if indexes:
            rule = scheme.rules.of(kind) if scheme is not None else None
            line = _line(kind, rule, [record.activities[i] for i in indexes])
            lines.append(line)
            by_index.update(zip(indexes, line.entries, strict=True))
    entries = tuple(by_index[i] for i in range(len(record.activities)))
    total = sum(line.subtotal for line in lines)
    return Points(record.deputy, record.year, scheme, tuple(lines), entries, total)


def all_points(
    records: Mapping[str, Mapping[int, DeputyYear]], schemes: Mapping[int, Scheme]
) -> dict[str, dict[int, Points]]:
    """Points of every deputy and year (`Content.records`, `Content.schemes`): deputy id -> year -> points."""
    return {
        deputy: {year: points_for(record, schemes.get(year)) for year, record in years.items()}
        for deputy, years in records.items()
    }


def signed(points: int) -> str:
    """Points as a page shows a contribution: `+2`, `-3`, `0`."""
    return f"{points:+d}" if points else "0"


def _line(kind: str, rule: Rule | Deduction | None, activities: list[Activity]) -> Line:
    worths = [_worth(activity, rule) for activity in activities]
    raw = sum(worths)
    cap = rule.cap if rule is not None else None
    room = cap  # what the cap still lets through, as a size (deductions too)
    entries = []
    for activity, worth in zip(activities, worths, strict=True):
        counted = worth
        if room is not None:
            size = min(abs(worth), room)
            counted = size if worth >= 0 else -size
            room -= size
        entries.append(EntryPoints(activity, worth, counted))
    each = worths[0] if len(set(worths)) == 1 else None
    subtotal = sum(entry.counted for entry in entries)
    return Line(kind, ACTIVITY_KIND_LABELS[kind], rule, len(activities), each, raw, cap, subtotal, tuple(entries))


def _worth(activity: Activity, rule: Rule | Deduction | None) -> int:
    if rule is None:
        return 0
    own = getattr(activity, "points", None)  # only `other` entries have points of their own
    return own if own is not None else rule.points
