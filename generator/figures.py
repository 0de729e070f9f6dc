"""Figures the pages print: points summaries per level and area, totals of the public message statistics, number
formats, and the geometry of the bar charts (inline SVG, drawn by templates/bar_chart.html.j2). Pure.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .stats import RATING_KEYS, Figures, PublicStats


def one_decimal(value: float) -> str:
    """2.25 -> "2.3", 3.0 -> "3": half up, no trailing zero."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0")


def percent(part: int, whole: int) -> str:
    """A share as a whole percent, half up: 9 of 11 -> "82%"; nothing of nothing -> "—"."""
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class PointsSummary:
    """A group of deputies (a level, an area) in one year: how many, how many with records, and their points."""

    deputies: int
    with_records: int
    total: int
    average: float | None
    median: float | None


def summarise(deputies: int, totals: Iterable[int]) -> PointsSummary:
    """`totals`: the year's points of each deputy of the group who has a record that year."""
    values = list(totals)
    if not values:
        return PointsSummary(deputies, 0, 0, None, None)
    return PointsSummary(deputies, len(values), sum(values), statistics.mean(values), statistics.median(values))


@dataclass(frozen=True)
class MessageTotals:
    """The sum of the published figures (deputies and stations with `too_few` are not in them)."""

    targets: int
    received: int
    answered: int
    answered_in_time: int
    ratings: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


def message_totals(figures: Iterable[Figures]) -> MessageTotals:
    shown = [f for f in figures if f.shown]
    keys = ("received", "answered", "answered_in_time", "ratings", *RATING_KEYS)
    return MessageTotals(len(shown), *(sum(getattr(f, key) for f in shown) for key in keys))


@dataclass(frozen=True)
class EvaluationTotals:
    """One year's published evaluations of all deputies: how many deputies, and the counts."""

    year: int
    deputies: int
    too_few: int  # deputies evaluated that year whose evaluations are not shown
    count: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


def evaluation_totals(stats: PublicStats) -> list[EvaluationTotals]:
    """Per year, newest first."""
    years = sorted({int(y) for f in stats.deputies.values() for y in f.evaluations}, reverse=True)
    out = []
    for year in years:
        found = [f.evaluations[str(year)] for f in stats.deputies.values() if str(year) in f.evaluations]
        shown = [e for e in found if not e.too_few]
        sums = [sum(getattr(e, key) for e in shown) for key in ("count", *RATING_KEYS)]
        out.append(EvaluationTotals(year, len(shown), len(found) - len(shown), *sums))
    return out


# --- bar charts ------------------------------------------------------------------------------------------------------
CHART_WIDTH = 400
"""Width of a chart's viewBox; the CSS scales it to the column (at most 24rem), so 14 units of text stay readable."""
_ROW = 44  # one bar: its label above, then the bar
_LABEL_Y = 16
_BAR_Y = 22
_BAR_HEIGHT = 16
_VALUE_ROOM = 80  # room right of the longest bar for its value (5 characters)
BAR_ROOM = CHART_WIDTH - _VALUE_ROOM
"""The width of a bar at full scale: 100% of a share, or the largest of counts."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed beside the bar: short ("18 条")
    detail: str = ""  # the value as the table prints it, when it says more ("16 条（89%）")


@dataclass(frozen=True)
class DrawnBar:
    label: str
    text: str
    label_y: int
    bar_y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: `title` is its accessible name; the page shows the same figures in a table beside it.

    `full` is the value drawn across the whole room: 100 for percentages, so that a share of 50% is half a bar whatever
    the others are; None for counts and points, which are drawn against the largest of them."""

    id: str
    title: str
    label_header: str  # the table's column heads
    value_header: str
    bars: tuple[Bar, ...]
    full: float | None = None

    @property
    def width(self) -> int:
        return CHART_WIDTH

    @property
    def height(self) -> int:
        return _ROW * len(self.bars) + 4

    @property
    def bar_height(self) -> int:
        return _BAR_HEIGHT

    def drawn(self) -> list[DrawnBar]:
        top = self.full if self.full is not None else max((bar.value for bar in self.bars), default=0)
        return [
            DrawnBar(
                bar.label,
                bar.text,
                i * _ROW + _LABEL_Y,
                i * _ROW + _BAR_Y,
                round(min(max(bar.value, 0), top) / top * BAR_ROOM, 1) if top > 0 else 0,
            )
            for i, bar in enumerate(self.bars)
        ]
