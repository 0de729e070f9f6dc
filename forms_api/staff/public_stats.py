"""The public figures per deputy and per station: how many messages they received, how many were answered and how
fast, how citizens rated the answers, and the constituents' yearly evaluations of each deputy.

`python -m forms_api stats --public [--out PATH]` writes them to one JSON file (default `var/public/stats.json` in the
project folder; deploy/rebuild.sh writes it before every build), which the site generator reads when given it
(`python -m generator build --stats FILE`, as deploy/rebuild.sh and scripts/run.sh do).
The file holds no personal data: only ids, counts, medians and the date it was made. Format 1:

    {
      "format": 1,
      "generated_on": "2026-11-28",
      "min_submissions": 5,
      "deputies": {
        "<deputy-id>": {
          "received": 12, "answered": 10, "answered_in_time": 9, "median_days_to_answer": 2.5,
          "ratings": 6, "satisfied": 4, "basically_satisfied": 1, "dissatisfied": 1,
          "evaluations": {"2026": {"count": 7, "satisfied": 5, "basically_satisfied": 1, "dissatisfied": 1},
                          "2025": {"too_few": true}}
        },
        "<deputy-id with fewer than min_submissions messages>": {"too_few": true, "evaluations": {}}
      },
      "stations": {"<station-id>": {the same keys as a deputy's but "evaluations"}}
    }

- Every deputy or station that received a message, and every deputy evaluated, is listed; ids in sorted order.
- received: messages to that deputy or station (all of them, whatever their status, anonymised ones too).
- answered: of those, the ones with at least one reply. answered_in_time: the first reply came on or before the
  deadline in force at that moment (`cases.first_answer`: the deadline set when assigned, else 5 working days, 10 for
  a complex case, from the message or its last reopening; working days with the holidays file's calendar).
- median_days_to_answer: the median time from a message to its first reply, in calendar days (24 hours each, not
  working days, fractions kept: the staff's `stats` gives the same figure), rounded half up to one decimal; null when
  none was answered.
- ratings: every rating of an answer (`rated` events; a case answered twice may be rated twice), split into
  satisfied (满意), basically_satisfied (基本满意) and dissatisfied (不满意).
- evaluations: the yearly evaluations (`evaluated` events) by the year they were given, a string key; the same three
  counts and their total `count`.
- too_few: a deputy or station with fewer than `min_submissions` messages gets no figures at all, only
  `{"too_few": true}` (a deputy keeps its `evaluations`); a year with fewer than `min_submissions` evaluations gets
  `{"too_few": true}`. A handful of cases would let a reader recognise them.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from forms_api.cases import NO_HOLIDAYS, RATINGS, TARGET_RE, TZ, Calendar, Evaluation, State, Submission, first_answer
from forms_api.store.files import write_atomically

FORMAT = 1
DEFAULT_PATH = "var/public/stats.json"
MIN_SUBMISSIONS = 5
RATING_KEYS = dict(zip(RATINGS, ("satisfied", "basically_satisfied", "dissatisfied"), strict=True))


def median_days(days: list[float]) -> float | None:
    """The median, rounded half up to one decimal (2.25 -> 2.3); None for no values."""
    if not days:
        return None
    return float(Decimal(repr(statistics.median(days))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rating_counts(ratings: Iterable[str]) -> dict[str, int]:
    """{"satisfied": n, "basically_satisfied": n, "dissatisfied": n}; any other value is not counted."""
    counts = dict.fromkeys(RATING_KEYS.values(), 0)
    for rating in ratings:
        if rating in RATING_KEYS:
            counts[RATING_KEYS[rating]] += 1
    return counts


def target_figures(subs: list[Submission], cal: Calendar, min_submissions: int) -> dict[str, Any]:
    """One deputy's or station's answer figures, or {"too_few": True}."""
    if len(subs) < min_submissions:
        return {"too_few": True}
    answered = in_time = 0
    durations: list[float] = []
    ratings: list[str] = []
    for sub in subs:
        found = first_answer(sub, cal.holidays, cal.workdays)
        if found is not None:
            at, due = found
            answered += 1
            in_time += at.astimezone(TZ).date() <= due
            durations.append((at - sub.received_at).total_seconds() / 86400)
        ratings += [event["rating"] for event in sub.history if event["type"] == "rated"]
    counts = rating_counts(ratings)
    return {
        "received": len(subs),
        "answered": answered,
        "answered_in_time": in_time,
        "median_days_to_answer": median_days(durations),
        "ratings": sum(counts.values()),
        **counts,
    }


def evaluation_figures(evaluations: list[Evaluation], min_count: int) -> dict[str, dict[str, Any]]:
    """One deputy's yearly evaluations by year ("2026"), each {"count", satisfied, ...} or {"too_few": True}."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for evaluation in evaluations:
        by_year[evaluation.year].append(evaluation.rating)
    figures: dict[str, dict[str, Any]] = {}
    for year in sorted(by_year):
        counts = rating_counts(by_year[year])
        total = sum(counts.values())
        figures[str(year)] = {"too_few": True} if total < min_count else {"count": total, **counts}
    return figures


def compute(
    state: State, today: date, cal: Calendar = NO_HOLIDAYS, min_submissions: int = MIN_SUBMISSIONS
) -> dict[str, Any]:
    """The public file's content (see the module's docstring) from a folded log."""
    if min_submissions < 1:
        raise ValueError("min_submissions must be at least 1")
    received: dict[str, list[Submission]] = defaultdict(list)
    for sub in state.submissions.values():
        if TARGET_RE.fullmatch(sub.target):  # only well-formed ids ever reach the file
            received[sub.target].append(sub)
    evaluated: dict[str, list[Evaluation]] = defaultdict(list)
    for evaluation in state.evaluations:
        evaluated[evaluation.target].append(evaluation)
    deputies: dict[str, Any] = {}
    stations: dict[str, Any] = {}
    for target in sorted(set(received) | set(evaluated)):
        kind, _, ident = target.partition(":")
        figures = target_figures(received.get(target, []), cal, min_submissions)
        if kind == "deputy":
            figures["evaluations"] = evaluation_figures(evaluated.get(target, []), min_submissions)
            deputies[ident] = figures
        else:
            stations[ident] = figures
    return {
        "format": FORMAT,
        "generated_on": today.isoformat(),
        "min_submissions": min_submissions,
        "deputies": deputies,
        "stations": stations,
    }


def write(path: Path, figures: dict[str, Any]) -> None:
    """The file, atomically (temporary file, fsync, os.replace); readable by all (public figures), folder created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(figures, ensure_ascii=True, separators=(",", ":"), allow_nan=False) + "\n"
    write_atomically(path, [data.encode("ascii")], private=False)


def too_few(figures: dict[str, Any]) -> int:
    """How many deputies and stations show no figures."""
    targets = [*figures["deputies"].values(), *figures["stations"].values()]
    return sum(1 for target in targets if target.get("too_few"))
