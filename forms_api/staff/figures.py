"""`stats`: figures over all cases and the yearly evaluations, none of them personal."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from forms_api import messages, messages_console
from forms_api.cases import CHANNELS, RATINGS, STATUSES, TZ, Evaluation, Submission, first_answer


@dataclass
class Stats:
    """Figures over all cases, none of them personal."""

    by_status: dict[str, int]
    total: int
    overdue: int
    answered: int  # cases with a first answer
    answered_in_time: int  # of those, answered on or before the deadline in force at that moment
    median_days_to_answer: float | None  # from submission to first answer, in days (fractional)
    ratings: dict[str, int]  # every rating given (a case answered twice may be rated twice)
    by_channel: dict[str, int] = field(default_factory=dict)  # how the cases came in: online, or registered offline

    @property
    def in_time_percent(self) -> float | None:
        return 100 * self.answered_in_time / self.answered if self.answered else None


def compute_stats(
    subs: Iterable[Submission],
    today: date,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> Stats:
    """Counts by status, overdue cases, first answers within their deadline, the median time to them, ratings."""
    by_status = dict.fromkeys(STATUSES, 0)
    by_channel = dict.fromkeys(CHANNELS, 0)
    ratings = dict.fromkeys(RATINGS, 0)
    overdue = answered = in_time = 0
    durations = []
    for sub in subs:
        by_status[sub.status] = by_status.get(sub.status, 0) + 1
        by_channel[sub.channel] = by_channel.get(sub.channel, 0) + 1
        overdue += sub.overdue(today, holidays, workdays)
        found = first_answer(sub, holidays, workdays)
        if found is not None:
            at, due = found
            answered += 1
            in_time += at.astimezone(TZ).date() <= due
            durations.append((at - sub.received_at).total_seconds() / 86400)
        rated = Counter(event["rating"] for event in sub.history if event["type"] == "rated")
        for rating, count in rated.items():
            ratings[rating] = ratings.get(rating, 0) + count
    return Stats(
        by_status=by_status,
        total=sum(by_status.values()),
        overdue=overdue,
        answered=answered,
        answered_in_time=in_time,
        median_days_to_answer=statistics.median(durations) if durations else None,
        ratings=ratings,
        by_channel=by_channel,
    )


def stats_lines(figures: Stats, today: date) -> list[str]:
    """`stats` as text: statuses, overdue, answered in time, median time to a first answer, ratings, channels."""
    sep = messages.STAFF_LIST_SEPARATOR
    statuses = sep.join(
        messages.STAFF_STATS_ITEM.format(label=messages.STATUS_LABELS[key], count=count)
        for key, count in figures.by_status.items()
    )
    ratings = sep.join(
        messages.STAFF_STATS_ITEM.format(label=key, count=count) for key, count in figures.ratings.items()
    )
    channels = sep.join(
        messages.STAFF_STATS_ITEM.format(label=messages_console.CHANNEL_LABELS.get(key, key), count=count)
        for key, count in figures.by_channel.items()
    )
    percent, median = figures.in_time_percent, figures.median_days_to_answer
    none = messages.STAFF_STATS_NONE
    return [
        messages.STAFF_STATS_TITLE.format(today=today.isoformat()),
        messages.STAFF_STATS_STATUSES.format(items=statuses, total=figures.total),
        messages.STAFF_STATS_OVERDUE.format(count=figures.overdue),
        messages.STAFF_STATS_IN_TIME.format(
            percent=none if percent is None else f"{percent:.1f}%",
            answered=figures.answered,
            in_time=figures.answered_in_time,
        ),
        messages.STAFF_STATS_MEDIAN.format(
            days=none if median is None else messages.STAFF_STATS_DAYS.format(days=median)
        ),
        messages.STAFF_STATS_RATINGS.format(count=sum(figures.ratings.values()), items=ratings),
        messages_console.STATS_CHANNELS.format(items=channels),
    ]


def evaluation_lines(evaluations: Iterable[Evaluation]) -> list[str]:
    """`stats`: the yearly evaluations of deputies, one line per year (newest first); nothing when there are none."""
    by_year: dict[int, Counter[str]] = {}
    for evaluation in evaluations:
        by_year.setdefault(evaluation.year, Counter())[evaluation.rating] += 1
    sep = messages.STAFF_LIST_SEPARATOR
    lines = []
    for year in sorted(by_year, reverse=True):
        counts = by_year[year]
        items = sep.join(messages.STAFF_STATS_ITEM.format(label=key, count=counts[key]) for key in RATINGS)
        lines.append(messages.STAFF_STATS_EVALUATIONS.format(year=year, count=sum(counts.values()), items=items))
    return lines
