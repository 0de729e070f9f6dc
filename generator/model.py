"""The content model: one place for every field of areas, stations, deputies, their work on record and its points.

Records are pydantic models that forbid unknown keys, so a misspelt key in `content/` is an error. Rules that span
files (references, duplicates, photos on disk) live in `load/checks.py`; this module knows nothing about files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
"""Ids of deputies and stations: file names and URL parts, so ASCII lower case, digits and inner hyphens."""

AREA_CODE_PATTERN = r"^[0-9]{6}(?:[0-9]{3}){0,2}$"
"""Administrative division codes: 6 digits (county and above), 9 (township) or 12 (village)."""

PHONE_MAIN = (
    r"(?:0[1-9][0-9]{1,2}-[2-9][0-9]{6,7}"  # landline: 0571-88881234
    r"|[48]00-?[0-9]{3}-?[0-9]{4})"  # 400 / 800 service numbers
)
"""A number that may have an extension: the part a `tel:` link dials (urls.tel)."""
PHONE_PATTERN = (
    rf"^(?:{PHONE_MAIN}(?:(?:转|-)[0-9]{{1,6}})?"  # an extension as Chinese offices write it: 0571-88881234转2 (or -2)
    r"|1[3-9][0-9]{9}"  # mobile
    r"|12345)$"
)
TIME_RANGE_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]-(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
PHOTO_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(?:jpg|jpeg|png|webp)$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _iso_date(value: object) -> object:
    """Dates as text must be YYYY-MM-DD: pydantic alone would read `86400` as a Unix time (1970-01-02)."""
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value) is None:
        raise PydanticCustomError("date_format", "a date is written YYYY-MM-DD")
    return value


def _forward_range(value: str) -> str:
    """A time range ends after it starts: 11:30-09:00 is a slip of the pen, not a night shift."""
    start, end = value.split("-")
    if end <= start:
        raise PydanticCustomError("time_range_reversed", "the end is not after the start")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
AreaCode = Annotated[str, StringConstraints(pattern=AREA_CODE_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
TimeRange = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=TIME_RANGE_PATTERN), AfterValidator(_forward_range)
]
PhotoPath = Annotated[str, StringConstraints(pattern=PHOTO_PATTERN)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]

AreaLevel = Literal["province", "city", "county", "township", "village"]
CongressLevel = Literal["national", "provincial", "city", "county", "township"]
StationKind = Literal["fixed", "mobile", "online"]
Gender = Literal["male", "female"]

ActivityKind = Literal[
    "reception", "suggestion", "motion", "meeting", "inspection", "training", "report", "other", "absence"
]
ProposalStatus = Literal["submitted", "handling", "answered", "closed"]
Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]
STAGES = ("assigned", "handling", "answered", "rated")
"""A suggestion's stages after it was put forward (提交), in the order they come: 交办, 办理中, 答复, 代表满意度."""
PROPOSAL_ERROR_FIELDS = {"supervisor_without_key": "supervisor"}
"""The field each whole-record check of a suggestion is reported at (the others name theirs in the error)."""
Year = Annotated[int, Field(ge=1949, le=2999)]

AREA_LEVELS: tuple[str, ...] = AreaLevel.__args__  # type: ignore[attr-defined]
CONGRESS_LEVELS: tuple[str, ...] = CongressLevel.__args__  # type: ignore[attr-defined]
STATION_KINDS: tuple[str, ...] = StationKind.__args__  # type: ignore[attr-defined]
ACTIVITY_KINDS: tuple[str, ...] = ActivityKind.__args__  # type: ignore[attr-defined]
PROPOSAL_STATUSES: tuple[str, ...] = ProposalStatus.__args__  # type: ignore[attr-defined]
DEDUCTION_KINDS = ("absence",)
"""Kinds of activity that take points off: their rule's `points` are negative."""
YEAR_FILE_PATTERN = r"^[0-9]{4}$"


class Record(BaseModel):
    """Base of every content record: unknown keys are errors, records are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Area(Record):
    """An administrative area; `parent` is the code of the enclosing area (none for the top one)."""

    code: AreaCode
    name: Text
    level: AreaLevel
    parent: AreaCode | None = None


class Location(Record):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Reception(Record):
    """A recurring reception: when deputies receive citizens at a station."""

    day: Text = Field(description="何时接待，例如“每周三”或“每月第一个周六”")
    time: TimeRange = Field(description="时段，例如 09:00-11:30")
    note: Text | None = None


class Station(Record):
    """A liaison station (代表联络站): fixed, mobile or online."""

    id: Id
    name: Text
    kind: StationKind
    area: AreaCode
    address: Text | None = None
    location: Location | None = None
    hours: Text | None = Field(default=None, description="开放时间，例如“工作日 9:00-17:00”")
    reception: list[Reception] = []
    phone: Phone | None = Field(
        default=None, description="联络站办公电话（不是代表个人电话），分机写成 0571-88881234转2"
    )
    photo: PhotoPath | None = None
    description: LongText | None = Field(default=None, description="简介，可用 Markdown")

    @model_validator(mode="after")
    def _fixed_needs_address(self) -> Station:
        if self.kind == "fixed" and self.address is None:
            raise PydanticCustomError("fixed_station_address", "a fixed station needs an address")
        return self


class Membership(Record):
    """A seat in one congress (Popolo's membership): level, term, constituency and dates."""

    level: CongressLevel
    congress: Text = Field(description="届次，例如“第十六届”")
    constituency: Text | None = Field(default=None, description="选区或代表团")
    area: AreaCode
    since: Date
    until: Date | None = None
    end_reason: Text | None = None

    @model_validator(mode="after")
    def _until_after_since(self) -> Membership:
        if self.until is not None and self.until < self.since:
            raise PydanticCustomError("until_before_since", "until is before since")
        return self

    def current(self, today: dt.date) -> bool:
        """Held on `today`: started (a seat from a future date is not held yet) and not ended."""
        return self.since <= today and (self.until is None or self.until >= today)


class Deputy(Record):
    """A deputy (人大代表). No private phone or address: citizens reach deputies through the form."""

    id: Id
    name: Text
    gender: Gender | None = None
    ethnicity: Text | None = None
    party: Text | None = None
    photo: PhotoPath | None = None
    occupation: Text | None = Field(default=None, description="工作单位及职务")
    bio: LongText | None = Field(default=None, description="简介，可用 Markdown")
    memberships: list[Membership] = Field(min_length=1)
    stations: list[Id] = []
    sources: list[Text] = []

    def current_memberships(self, today: dt.date) -> list[Membership]:
        return [m for m in self.memberships if m.current(today)]

    def in_office(self, day: dt.date) -> bool:
        """Holds a seat on `day`: an event that day may count for the deputy."""
        return any(m.current(day) for m in self.memberships)

    def in_office_throughout(self, first: dt.date, last: dt.date) -> bool:
        """Holds one seat from `first` to `last`: every day between counts, without asking day by day."""
        return any(m.since <= first and (m.until is None or m.until >= last) for m in self.memberships)


# --- Work on record (content/records/<deputy-id>/<year>.yaml) and its points (content/scoring.yaml) ------------------
# One model a shape of entry; `kind` tells them apart, so a field that belongs to another kind is an unknown key.


class ReceptionDay(Record):
    """A reception day the deputy held at a liaison station (进站接待选民)."""

    date: Date
    kind: Literal["reception"]
    station: Id = Field(description="联络站 id")
    title: Text | None = Field(default=None, description="不写时显示为“接待选民”")
    note: LongText | None = None


class Stages(Record):
    """The dates of a suggestion's handling after it was put forward (its `date`, 提交), in this order."""

    assigned: Date | None = Field(default=None, description="交办日期")
    handling: Date | None = Field(default=None, description="承办单位开始办理的日期")
    answered: Date | None = Field(default=None, description="承办单位答复的日期")
    rated: Date | None = Field(default=None, description="代表反馈满意度的日期")


class Proposal(Record):
    """A suggestion (代表建议) or a motion (议案) the deputy put forward, and how far its handling has come: the
    stages with dates, the department's answer and the deputy's satisfaction with it; a key one (重点建议) is
    supervised (督办) by a named leader."""

    date: Date
    kind: Literal["suggestion", "motion"]
    title: Text
    number: Text | None = Field(default=None, description="编号，例如“第0123号”")
    department: Text | None = Field(default=None, description="承办单位")
    status: ProposalStatus | None = Field(default=None, description="不写时按 stages 推断")
    key: bool = Field(default=False, description="重点督办建议")
    supervisor: Text | None = Field(default=None, description="督办领导（重点建议），例如“县人大常委会副主任 李明”")
    deadline: Date | None = Field(default=None, description="办理期限；不写时为交办之日起三个月")
    stages: Stages | None = Field(
        default=None, description="办理过程：assigned 交办、handling 办理中、answered 答复、rated 满意度"
    )
    answer: LongText | None = Field(default=None, description="承办单位的答复")
    satisfaction: Satisfaction | None = Field(default=None, description="代表对答复的满意度")
    note: LongText | None = None

    @model_validator(mode="after")
    def _handling_consistent(self) -> Proposal:
        stages = self.stages or Stages()
        before, previous = self.date, "date"
        for name in STAGES:
            day = getattr(stages, name)
            if day is not None:
                if day < before:
                    raise PydanticCustomError(
                        "stage_order",
                        "stage before the one it follows",
                        {"stage": name, "day": day, "previous": previous, "before": before},
                    )
                before, previous = day, name
        if self.supervisor is not None and not self.key:
            raise PydanticCustomError("supervisor_without_key", "a supervisor needs key: true")
        if (self.answer is not None or self.satisfaction is not None) and stages.answered is None:
            field_name = "answer" if self.answer is not None else "satisfaction"
            raise PydanticCustomError("answer_without_date", "an answer needs stages.answered", {"field": field_name})
        return self

    @property
    def current_status(self) -> str:
        """The status as written, else as far as the stages have come."""
        if self.status is not None:
            return self.status
        stages = self.stages or Stages()
        if stages.answered or stages.rated:
            return "answered"
        return "handling" if stages.assigned or stages.handling else "submitted"


class Event(Record):
    """A meeting, an inspection or survey, a training, or a report to the voters the deputy took part in."""

    date: Date
    kind: Literal["meeting", "inspection", "training", "report"]
    title: Text
    place: Text | None = None
    note: LongText | None = None


class OtherActivity(Record):
    """Any other work on record; the office may give it its own `points`, where the year's scheme allows."""

    date: Date
    kind: Literal["other"]
    title: Text
    place: Text | None = None
    points: int | None = Field(default=None, ge=0, description="单独给分（积分办法允许时）")
    note: LongText | None = None


class Absence(Record):
    """An absence without leave (无故缺席): a deduction."""

    date: Date
    kind: Literal["absence"]
    title: Text = Field(description="缺席的会议或活动")
    place: Text | None = None
    note: LongText | None = None


Activity = Annotated[ReceptionDay | Proposal | Event | OtherActivity | Absence, Field(discriminator="kind")]


class ActivityFile(Record):
    """`content/records/<deputy-id>/<year>.yaml`: one deputy's activities in one year."""

    activities: list[Activity]


@dataclass(frozen=True)
class DeputyYear:
    """One deputy's work on record in one year, in date order (entries of a day in the order written)."""

    deputy: str
    year: int
    activities: tuple[Activity, ...]


@dataclass(frozen=True)
class Problem:
    """One finding about the content, printed as `path:line: field: message (hint)`."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        text = (
            f"{self.path}:{self.line}: {self.field}: {self.message}"
            if self.field
            else f"{self.path}:{self.line}: {self.message}"
        )
        return f"{text}（{self.hint}）" if self.hint else text


@dataclass
class Content:
    """Everything under `content/`, validated: what the renderers take as input."""

    root: Path
    areas: dict[str, Area] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    deputies: dict[str, Deputy] = field(default_factory=dict)
    records: dict[str, dict[int, DeputyYear]] = field(default_factory=dict)
    """Work on record: deputy id -> year -> activities; only deputies in `deputies` (no record: no key)."""
    schemes: dict[int, Record] = field(default_factory=dict)
    """Points schemes by year (`scheme_model.Scheme`, which builds on this module); one scheme may serve several
    years. A year without a scheme earns no points."""
    events: dict[str, Record] = field(default_factory=dict)
    """Events at stations by id (`event_model.StationEvent`, which builds on this module); only those whose station
    and deputies are in the content."""

    @property
    def pages_dir(self) -> Path:
        return self.root / "pages"

    @property
    def photos_dir(self) -> Path:
        return self.root / "photos"


def id_is_valid(value: str) -> bool:
    return re.fullmatch(ID_PATTERN, value) is not None
