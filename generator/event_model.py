"""The model of events at stations (`content/events/<id>.yaml`): reception days, mobile-station stops, 屋场恳谈会, 述职
and 视察调研, once or recurring by a rule. Beside model.py, which keeps areas, stations, deputies and records; the
rules that span files live in `load/events.py`, the dates a rule yields in `events.py`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from .model import Date, Id, Location, LongText, Record, Text

DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]$"


def _beijing_time(value: object) -> object:
    """Times are Beijing wall-clock times written `YYYY-MM-DD HH:MM`: no zone is written, none is guessed."""
    if not isinstance(value, str):
        return value
    try:
        if re.fullmatch(DATETIME_PATTERN, value) is None:
            raise ValueError(value)
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        raise PydanticCustomError("datetime_format", "a time is written YYYY-MM-DD HH:MM") from None


BeijingTime = Annotated[
    dt.datetime, BeforeValidator(_beijing_time), WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN})
]
EventKind = Literal["reception", "mobile", "courtyard", "report", "inspection", "other"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
EVENT_KINDS: tuple[str, ...] = EventKind.__args__  # type: ignore[attr-defined]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]
EVENT_ERROR_FIELDS = {"end_before_start": "end", "mobile_needs_place": "place", "outcome_of_rule": "outcome"}
EVENT_ERROR_FIELDS |= {"nth_not_monthly": "nth"}
"""The field each whole-record check of an event is reported at."""


class EventPlace(Record):
    """Where a mobile station stops (or any event away from its station): a place, its address, coordinates."""

    name: Text = Field(description="地点名称，例如“桥头村文化礼堂”")
    address: Text
    location: Location | None = None


class Repeat(Record):
    """A recurrence (RFC 5545's RRULE in editors' words): every week or month on some weekdays, until a date."""

    every: Literal["week", "month"]
    interval: int = Field(default=1, ge=1, le=12, description="每隔几周（或几个月）一次，默认 1")
    days: list[Weekday] = Field(min_length=1, description="星期几：mon tue wed thu fri sat sun")
    nth: int | None = Field(default=None, ge=-1, le=5, description="每月第几个（every: month 时），-1 表示最后一个")
    until: Date = Field(description="最后一次不晚于这一天")
    skip: list[Date] = Field(default=[], description="这些日期不举行（节假日等）")

    @model_validator(mode="after")
    def _nth_only_monthly(self) -> Repeat:
        if self.nth is not None and (self.every != "month" or self.nth == 0):
            raise PydanticCustomError("nth_not_monthly", "nth needs every: month")
        return self


class Outcome(Record):
    """What came of an event once it happened (its record); a rule's dates get a file of their own for this."""

    received: int | None = Field(default=None, ge=0, description="接待群众人次")
    opinions: int | None = Field(default=None, ge=0, description="收集意见建议条数")
    summary: LongText | None = Field(default=None, description="简要情况")


class StationEvent(Record):
    """An event at a station: a reception day, a mobile stop, a 屋场恳谈会, a 述职, a 视察调研; once or by `repeat`."""

    id: Id
    kind: EventKind
    topic: Text = Field(description="主题")
    station: Id = Field(description="联络站 id")
    place: EventPlace | None = Field(default=None, description="流动站必填：地点、地址、坐标")
    start: BeijingTime = Field(description="开始时间（北京时间），例如 2026-12-02 09:00")
    end: BeijingTime = Field(description="结束时间（北京时间），例如 2026-12-02 11:30")
    repeat: Repeat | None = Field(default=None, description="定期举行时的规则")
    deputies: list[Id] = Field(default=[], description="参加的代表（代表 id）")
    outcome: Outcome | None = Field(default=None, description="举行之后填写")

    @model_validator(mode="after")
    def _consistent(self) -> StationEvent:
        if self.end <= self.start:
            raise PydanticCustomError("end_before_start", "end is not after start", {"start": self.start})
        if self.kind == "mobile" and self.place is None:
            raise PydanticCustomError("mobile_needs_place", "a mobile stop needs a place")
        if self.repeat is not None and self.outcome is not None:
            raise PydanticCustomError("outcome_of_rule", "a rule has no outcome")
        return self
