"""The working-day calendar and answer deadlines: one place that counts working days for the service, the staff tools
and the public figures, so a deadline a citizen sees is the one staff work to.

Pure: a holidays file's text in, dates out (the settings read the file).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

import yaml

from forms_api import messages
from generator.deadlines import COMPLEX_DAYS, FIRST_ANSWER_DAYS  # what the site and the receipt say: one place


class Calendar(NamedTuple):
    """Public holidays and the weekend days worked instead (调休), for counting working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


NO_HOLIDAYS = Calendar()


class _DatesAsText(yaml.SafeLoader):
    """safe_load without YAML's own timestamps: a bad date reaches us as text, for a message naming it."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def parse_calendar(text: str) -> Calendar:
    """A holidays file (YAML or JSON): a list of dates (holidays), or a mapping with `holidays` and `workdays` lists
    of YYYY-MM-DD dates. ValueError with the reason, in Chinese, when it is not one."""
    try:
        data = yaml.load(text, Loader=_DatesAsText)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None
    if isinstance(data, list):
        data = {"holidays": data}
    if not isinstance(data, dict) or not set(data) <= {"holidays", "workdays"}:
        raise ValueError(messages.STAFF_HOLIDAYS_SHAPE)

    def dates(values: object) -> frozenset[date]:
        if not isinstance(values, list):
            raise ValueError(messages.STAFF_HOLIDAYS_SHAPE)
        result = set()
        for value in values:
            try:
                if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError(value)
                result.add(date.fromisoformat(value))
            except ValueError:
                raise ValueError(messages.STAFF_HOLIDAYS_DATE.format(value=value)) from None
        return frozenset(result)

    return Calendar(dates(data.get("holidays", [])), dates(data.get("workdays", [])))


def is_working_day(day: date, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday, except `holidays`; plus the weekend days in `workdays` (调休)."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: date, days: int, holidays: frozenset[date] = frozenset(), workdays: frozenset[date] = frozenset()
) -> date:
    """The day `days` working days after `start` (start itself not counted): Friday + 5 is the next Friday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            days -= 1
    return day


def deadline_for(
    start: date,
    *,
    complex: bool = False,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> date:
    """The default deadline, to hand a case on or to answer it: FIRST_ANSWER_DAYS working days (5), COMPLEX_DAYS (10)
    for a case marked complex."""
    return add_working_days(start, COMPLEX_DAYS if complex else FIRST_ANSWER_DAYS, holidays, workdays)
