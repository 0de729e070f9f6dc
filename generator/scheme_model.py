"""The points schemes (履职积分办法, `content/scoring.yaml`): what each kind of activity on record earns or takes off,
and the years a scheme applies to. Beside model.py, which keeps the records the points are counted from; scoring.py
counts them."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .model import LongText, Record, Text, Year


class Rule(Record):
    """Points a kind of activity earns: `points` each, at most `cap` in a year."""

    points: int = Field(ge=0, description="每条得分")
    cap: int | None = Field(default=None, ge=1, description="全年最多得分")

    @model_validator(mode="after")
    def _points_within_cap(self) -> Rule:
        if self.cap is not None and self.points > self.cap:
            raise PydanticCustomError(
                "points_over_cap", "points over the cap", {"points": self.points, "cap": self.cap}
            )
        return self


class OtherRule(Rule):
    """The rule of `other`: with `max_per_entry`, an entry may carry its own `points`, up to that many."""

    max_per_entry: int | None = Field(default=None, ge=1, description="记录中单独给分时每条最多几分")

    @model_validator(mode="after")
    def _max_within_cap(self) -> OtherRule:
        if self.max_per_entry is not None and self.cap is not None and self.max_per_entry > self.cap:
            ctx = {"points": self.max_per_entry, "cap": self.cap}
            raise PydanticCustomError("max_over_cap", "max_per_entry over the cap", ctx)
        if self.max_per_entry is not None and self.points > self.max_per_entry:
            ctx = {"points": self.points, "max": self.max_per_entry}
            raise PydanticCustomError("points_over_max", "points over max_per_entry", ctx)
        return self


class Deduction(Record):
    """Points a kind of activity takes off: `points` (negative) each, at most `cap` off in a year."""

    points: int = Field(le=-1, description="每次扣分，写负数，例如 -2")
    cap: int | None = Field(default=None, ge=1, description="全年最多扣几分（写正数）")

    @model_validator(mode="after")
    def _points_within_cap(self) -> Deduction:
        if self.cap is not None and -self.points > self.cap:
            raise PydanticCustomError(
                "points_over_cap", "points over the cap", {"points": -self.points, "cap": self.cap}
            )
        return self


class Rules(Record):
    """A rule for each kind of activity that counts; a kind left out earns nothing."""

    reception: Rule | None = None
    suggestion: Rule | None = None
    motion: Rule | None = None
    meeting: Rule | None = None
    inspection: Rule | None = None
    training: Rule | None = None
    report: Rule | None = None
    other: OtherRule | None = None
    absence: Deduction | None = None

    def of(self, kind: str) -> Rule | Deduction | None:
        return getattr(self, kind)


class Scheme(Record):
    """A points scheme (履职积分办法) and the years it applies to: each year keeps the rules it had."""

    years: list[Year] = Field(min_length=1)
    title: Text
    note: LongText | None = None
    rules: Rules
