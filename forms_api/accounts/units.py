"""The department a case is handed to (交办/转办 给职能部门): named as a handler account names it, so the case lands in
that account's list and on that unit's hand-over sheet. A name no handler account has is refused, naming the close
ones, unless staff confirm that the unit has no account yet (it may get one later, or work from the printed 交办单).

The one rule for both clients: the console (forms_api/console/units.py: a box to tick) and the staff tools
(`assign`/`transfer --new-unit`), each wording the refusal (`UnknownUnit.worded`) in its own terms. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

from forms_api.accounts.model import Account
from forms_api.cases.fold import normalise_text

MAX_CLOSE = 5
CLOSE_RATIO = 0.6
MAX_LISTED = 20  # the known units a refusal lists when none is close; more are counted, not named


class UnknownUnit(ValueError):
    """A department name no handler account has: `name` as typed, `close` the units like it, `units` all of them."""

    def __init__(self, name: str, close: list[str], units: list[str]) -> None:
        super().__init__(name)
        self.name, self.close, self.units = name, close, units

    def worded(self, texts: Mapping[str, str]) -> str:
        """The refusal in a client's words: `texts["unknown_close"]` naming the close units ({close}); else
        `texts["unknown"]`, which may list the known ones ({units}: the first MAX_LISTED, then `texts["more"]`);
        else, with no handler account at all, `texts["no_units"]` when the client has it."""
        join = texts["join"]
        if self.close:
            return texts["unknown_close"].format(name=self.name, close=join.join(self.close))
        if not self.units and "no_units" in texts:
            return texts["no_units"].format(name=self.name)
        listed = join.join(self.units[:MAX_LISTED])
        if len(self.units) > MAX_LISTED:
            listed += texts.get("more", "").format(count=len(self.units))
        return texts["unknown"].format(name=self.name, units=listed)


def handler_units(accounts: Iterable[Account]) -> list[str]:
    """The units of the handler accounts that are not disabled (as assignments must name them), sorted."""
    return sorted({a.handler for a in accounts if a.role == "handler" and a.handler and a.state != "disabled"})


def close_units(typed: str, units: Iterable[str]) -> list[str]:
    """The units like `typed`: one containing the other (住建局 / 县住建局), or most of the characters alike."""
    key = normalise_text(typed)
    scored = []
    for unit in units:
        other = normalise_text(unit)
        ratio = SequenceMatcher(None, key, other).ratio()
        if key and (key in other or other in key) or ratio >= CLOSE_RATIO:
            scored.append((-ratio, unit))
    return [unit for _, unit in sorted(scored)[:MAX_CLOSE]]


def unit_name(typed: str, units: list[str], *, confirmed: bool) -> str:
    """The department's name as it is stored: a handler account's unit (spelt as the account spells it, whatever
    the spaces or full-width characters typed), or, when `confirmed`, what was typed; else UnknownUnit."""
    if typed in units:
        return typed
    same = [unit for unit in units if normalise_text(unit) == normalise_text(typed)]
    if same:
        return same[0]
    if confirmed:
        return typed
    raise UnknownUnit(typed, close_units(typed, units), units)
