"""The department a case is handed to (交办/转办 给职能部门), in the console: the forms suggest the handler accounts'
units (an HTML datalist: no JavaScript needed); a name no handler account has is refused, naming the close ones,
unless staff tick that the unit has no account yet. The rule is the staff tools' too: forms_api/accounts/units.py.
"""

from __future__ import annotations

from forms_api.accounts import units
from forms_api.cases.actions import TextProblem
from forms_api.console.service import console
from forms_api.messages_cases import UNIT_TEXTS

CONFIRM = "new_unit"  # the form's checkbox: 该单位还没有账号，仍然交办


def account_units() -> list[str]:
    """The units of the handler accounts that are not disabled (as assignments must name them)."""
    return units.handler_units(console().accounts.all())


def suggestions() -> list[str]:
    """What the department name field suggests: the handler accounts' units, the names that pass without confirming
    (not names once confirmed for a unit without an account: those need confirming each time, as the box says)."""
    return account_units()


def unit_name(typed: str, known: list[str], *, confirmed: bool) -> str:
    """The shared rule (`units.unit_name`), its refusal a TextProblem in the console's words (the box to tick)."""
    try:
        return units.unit_name(typed, known, confirmed=confirmed)
    except units.UnknownUnit as exc:
        raise TextProblem(exc.worded(UNIT_TEXTS)) from exc
