"""The public figures of the form service (`python -m forms_api stats --public`, format in forms_api/public_stats.py),
read and checked for the pages: messages received and answered per deputy and station, ratings, yearly evaluations.

The generator reads the file only when asked (`--stats PATH`, the plugin's `stats` option): the site builds without
it, and then shows no figures. A malformed file is an error naming the file; ids that are not in `content/` are left
out with a warning (a deputy or station whose file was removed still has messages in the queue).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from . import messages
from .model import ID_PATTERN, Content, Date

Count = Annotated[int, Field(ge=0, strict=True)]
YearKey = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
TargetId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
RATING_KEYS = ("satisfied", "basically_satisfied", "dissatisfied")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evaluation(_Record):
    """One deputy's yearly evaluations in one year: counts, or `too_few` (fewer than the minimum, not shown)."""

    too_few: Literal[True] | None = None
    count: Count | None = None
    satisfied: Count | None = None
    basically_satisfied: Count | None = None
    dissatisfied: Count | None = None

    @model_validator(mode="after")
    def _counts_or_too_few(self) -> Evaluation:
        counts = [self.count, *(getattr(self, key) for key in RATING_KEYS)]
        if self.too_few:
            if any(c is not None for c in counts):
                raise PydanticCustomError("too_few_with_figures", "too_few with figures")
        elif any(c is None for c in counts):
            raise PydanticCustomError("figures_missing", "figures missing")
        elif self.count != sum(getattr(self, key) for key in RATING_KEYS):
            raise PydanticCustomError("count_not_sum", "count is not the sum")
        return self


class Figures(_Record):
    """A station's (or a deputy's) messages: received, answered, in time, median days, ratings; or `too_few`."""

    too_few: Literal[True] | None = None
    received: Count | None = None
    answered: Count | None = None
    answered_in_time: Count | None = None
    median_days_to_answer: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    ratings: Count | None = None
    satisfied: Count | None = None
    basically_satisfied: Count | None = None
    dissatisfied: Count | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Figures:
        counts = [self.received, self.answered, self.answered_in_time, self.ratings]
        counts += [getattr(self, key) for key in RATING_KEYS]
        if self.too_few:
            if any(c is not None for c in counts) or self.median_days_to_answer is not None:
                raise PydanticCustomError("too_few_with_figures", "too_few with figures")
            return self
        if any(c is None for c in counts):
            raise PydanticCustomError("figures_missing", "figures missing")
        if not self.answered_in_time <= self.answered <= self.received:  # type: ignore[operator]
            raise PydanticCustomError("answered_over_received", "answered over received")
        if self.ratings != sum(getattr(self, key) for key in RATING_KEYS):
            raise PydanticCustomError("count_not_sum", "ratings is not the sum")
        if (self.median_days_to_answer is None) != (self.answered == 0):
            raise PydanticCustomError("median_without_answers", "median and answered disagree")
        return self

    @property
    def shown(self) -> bool:
        return not self.too_few


class DeputyFigures(Figures):
    """A deputy's figures and the yearly evaluations by year ("2026")."""

    evaluations: dict[YearKey, Evaluation] = {}


class PublicStats(_Record):
    """The whole file (format 1), ids in `deputies` and `stations` all known to the content once read."""

    format: Literal[1]
    generated_on: Date
    min_submissions: Annotated[int, Field(ge=1, strict=True)]
    deputies: dict[TargetId, DeputyFigures]
    stations: dict[TargetId, Figures]


class StatsError(Exception):
    """The statistics file is missing or malformed; the message (Chinese) names the file."""


def read_stats(path: Path, content: Content, shown_as: str | None = None) -> tuple[PublicStats, list[str]]:
    """The file at `path`, checked, without ids unknown to `content`; and a warning for each kind of id left out.

    `shown_as` is how messages name the file (default: the path as given).
    """
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StatsError(messages.STATS_MISSING.format(path=name)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise StatsError(messages.STATS_UNREADABLE.format(path=name, reason=error)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        detail = messages.STATS_NOT_JSON.format(line=error.lineno, column=error.colno)
        raise StatsError(messages.STATS_MALFORMED.format(path=name, detail=detail)) from None
    return parse_stats(data, content, name)


def parse_stats(data: object, content: Content, name: str) -> tuple[PublicStats, list[str]]:
    """`read_stats` after the JSON: the checks and the unknown ids (pure)."""
    try:
        stats = PublicStats.model_validate(data)
    except ValidationError as error:
        details = [_describe(e) for e in error.errors()]
        more = len(details) - messages.STATS_MAX_DETAILS
        detail = "；".join(details[: messages.STATS_MAX_DETAILS])
        if more > 0:
            detail += messages.STATS_MORE_DETAILS.format(count=more)
        raise StatsError(messages.STATS_MALFORMED.format(path=name, detail=detail)) from None
    warnings = []
    known = {"deputies": content.deputies, "stations": content.stations}
    kept = {}
    for kind, ids in known.items():
        figures = getattr(stats, kind)
        unknown = sorted(set(figures) - set(ids))
        if unknown:
            shown = "、".join(unknown[: messages.STATS_MAX_DETAILS])
            more = "" if len(unknown) <= messages.STATS_MAX_DETAILS else messages.STATS_MORE_IDS
            what, count = messages.STATS_KINDS[kind], len(unknown)
            warnings.append(messages.STATS_UNKNOWN_IDS.format(path=name, count=count, what=what, ids=shown + more))
        kept[kind] = {key: value for key, value in figures.items() if key in ids}
    return stats.model_copy(update=kept), warnings


def _describe(error: dict) -> str:
    """One pydantic error as `deputies.wang-xiulan.received: 应为不小于 0 的整数`."""
    where = ".".join(str(part) for part in error["loc"]) or messages.STATS_TOP_LEVEL
    text = messages.STATS_ERRORS.get(error["type"], messages.STATS_ERROR_OTHER)
    return f"{where}: {text.format(value=_shown(error.get('input')))}"


def _shown(value: object) -> str:
    """A value as the JSON file has it (`2`, `"10"`, `true`, `null`), shortened; a word for lists and objects."""
    if isinstance(value, list | dict):
        return messages.shown(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"
