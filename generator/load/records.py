"""Work on record and its points schemes: one scheme a year, entries dated in their year and the deputy's term,
receptions at known stations, own points within the scheme; and the records kept for the pages."""

from __future__ import annotations

import datetime as dt
import re

from generator import messages as msg
from generator.model import YEAR_FILE_PATTERN, Activity, Content, Deputy, DeputyYear
from generator.yamlnodes import Loc

from .checks import check_station
from .read import Reader, Source, YearFile


def check_schemes(reader: Reader, schemes: list[Source]) -> dict[int, tuple[Source, int]]:
    """Each year has one scheme: year -> (the scheme, the index of the year in its `years`)."""
    by_year: dict[int, tuple[Source, int]] = {}
    for entry in schemes:
        for index, year in _scheme_years(entry):
            if year in by_year:
                first, at = by_year[year]
                hint = msg.DUPLICATE_YEAR_HINT.format(line=first.doc.line_of(first.prefix + ("years", at)))
                reader.report(entry, ("years", index), msg.DUPLICATE_YEAR.format(year=year), hint)
            else:
                by_year[year] = (entry, index)
    return by_year


def check_activities(
    reader, files: list[YearFile], by_year: dict[int, tuple[Source, int]], deputies: dict[str, Deputy]
) -> None:
    for file in files:
        first: dict[Activity, int] = {}  # an entry -> the line it was first written on
        term = _term(deputies[file.deputy]) if file.deputy in deputies else None
        for index, activity in file.entries:
            loc = ("activities", index)
            if file.year is not None and activity.date.year != file.year:
                text = msg.DATE_OUTSIDE_YEAR.format(date=activity.date, year=file.year)
                hint = msg.DATE_OUTSIDE_YEAR_HINT.format(year=file.year, other=activity.date.year)
                reader.report(file.src, (*loc, "date"), text, hint)
            elif activity.date > reader.today:
                text = msg.FUTURE_DATE.format(date=activity.date)
                reader.report(file.src, (*loc, "date"), text, msg.FUTURE_DATE_HINT, warning=True)
            elif term and not (term[0] <= activity.date and (term[1] is None or activity.date <= term[1])):
                text = msg.ACTIVITY_OUTSIDE_TERM.format(date=activity.date, term=msg.terms([term]))
                reader.report(file.src, (*loc, "date"), text, msg.ACTIVITY_OUTSIDE_TERM_HINT, warning=True)
            if activity.kind == "reception":
                check_station(reader, file.src, (*loc, "station"), activity.station, set())
            if activity.kind == "other" and activity.points is not None and file.year in by_year:
                check_own_points(reader, file, loc, activity.points, by_year[file.year][0])
            line = first.setdefault(activity, file.src.doc.line_of(loc))
            if line != file.src.doc.line_of(loc):
                hint = msg.DUPLICATE_ACTIVITY_HINT
                reader.report(file.src, loc, msg.DUPLICATE_ACTIVITY.format(line=line), hint, warning=True)


def check_own_points(reader: Reader, file: YearFile, loc: Loc, points: int, scheme: Source) -> None:
    """An `other` entry's own points: allowed by its year's scheme, and within the scheme's `max_per_entry`."""
    if scheme.record is None:  # the scheme has errors of its own
        return
    rule = scheme.record.rules.other
    if rule is None or rule.max_per_entry is None:
        hint = msg.POINTS_NOT_ALLOWED_HINT.format(year=file.year)
        reader.report(file.src, (*loc, "points"), msg.POINTS_NOT_ALLOWED.format(year=file.year), hint)
    elif points > rule.max_per_entry:
        line = scheme.doc.line_of(scheme.prefix + ("rules", "other", "max_per_entry"))
        hint = msg.POINTS_OVER_MAX_HINT.format(year=file.year, max=rule.max_per_entry, path=scheme.path, line=line)
        reader.report(
            file.src, (*loc, "points"), msg.POINTS_OVER_MAX.format(points=points, max=rule.max_per_entry), hint
        )


def check_years_scored(
    reader,
    scoring: Source | None,
    schemes: list[Source],
    files: list[YearFile],
    by_year: dict[int, tuple[Source, int]],
) -> None:
    """A warning for each year with records but no scheme, when there is a sound `scoring.yaml` at all."""
    if scoring is None or scoring.failed or any(not s.ok for s in schemes):
        return
    counts: dict[int, int] = {}
    for file in files:
        if file.year is not None and file.year not in by_year:
            counts[file.year] = counts.get(file.year, 0) + 1
    for year, count in sorted(counts.items()):
        text = msg.YEAR_WITHOUT_SCHEME.format(year=year, count=count)
        reader.report(scoring, (), text, msg.YEAR_WITHOUT_SCHEME_HINT.format(year=year), warning=True)


def _term(deputy: Deputy) -> tuple[dt.date, dt.date | None]:
    """From the first membership's start to the last one's end (None: still open)."""
    ends = [m.until for m in deputy.memberships]
    return min(m.since for m in deputy.memberships), None if None in ends else max(e for e in ends if e)


def sound_records(content: Content, files: list[YearFile]) -> dict[str, dict[int, DeputyYear]]:
    """Sound year files of deputies in `content` whose receptions are at stations in `content`, by deputy and year."""
    records: dict[str, dict[int, DeputyYear]] = {}
    for file in files:
        if not file.src.ok or file.year is None or file.deputy not in content.deputies:
            continue
        activities = file.src.record.activities
        if all(a.station in content.stations for a in activities if a.kind == "reception"):
            ordered = tuple(sorted(activities, key=lambda a: a.date))
            records.setdefault(file.deputy, {})[file.year] = DeputyYear(file.deputy, file.year, ordered)
    return records


def _scheme_years(entry: Source) -> list[tuple[int, int]]:
    """(index, year) of each year a scheme names: from the record when it validated, else from the raw years that
    are sound, so that a duplicate year shows up in the same round as the scheme's other errors."""
    if entry.record is not None:
        return list(enumerate(entry.record.years))
    raw = entry.doc.value[entry.prefix[0]] if entry.doc.readable else None
    years = raw.get("years") if isinstance(raw, dict) else None
    return [
        (index, int(year))
        for index, year in enumerate(years if isinstance(years, list) else [])
        if isinstance(year, str)
        and re.fullmatch(YEAR_FILE_PATTERN, year)
        and entry.clean_at(("years", index))
        and not entry.doc.is_tainted(entry.prefix + ("years", index))
    ]
