"""The department a case is handed to (交办/转办 给职能部门): named as a handler account names it, so the case lands in
that account's list and on that unit's hand-over sheet. The forms suggest the handler accounts' units (an HTML
datalist: no JavaScript needed); a name no handler account has is refused, naming the close ones, unless staff
confirm that the unit has no account yet (it may get one later, or work from the printed 交办单).
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from forms_api.cases.actions import TextProblem
from forms_api.cases.fold import normalise_text
from forms_api.console.service import console
from forms_api.messages_cases import UNIT_TEXTS

CONFIRM = "new_unit"  # the form's checkbox: 该单位还没有账号，仍然交办
MAX_CLOSE = 5
CLOSE_RATIO = 0.6


def account_units() -> list[str]:
    """The units of the handler accounts that are not disabled (as assignments must name them)."""
    found = console().accounts.all()
    return sorted({a.handler for a in found if a.role == "handler" and a.handler and a.state != "disabled"})


def suggestions() -> list[str]:
    """What the department name field suggests: the handler accounts' units, the names that pass without confirming
    (not names once confirmed for a unit without an account: those need confirming each time, as the box says)."""
    return account_units()


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
    the spaces or full-width characters typed), or, when `confirmed`, what was typed; else TextProblem naming the
    close units."""
    if typed in units:
        return typed
    same = [unit for unit in units if normalise_text(unit) == normalise_text(typed)]
    if same:
        return same[0]
    if confirmed:
        return typed
    close = close_units(typed, units)
    if close:
        raise TextProblem(UNIT_TEXTS["unknown_close"].format(name=typed, close=UNIT_TEXTS["join"].join(close)))
    raise TextProblem(UNIT_TEXTS["unknown"].format(name=typed))
