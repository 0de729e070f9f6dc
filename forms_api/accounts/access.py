"""Who may do what, as data: ONE permission table (action -> roles) and ONE scope rule (which cases an account sees).

Every route of the console asks `allowed(action)` and filters every list through `may_see`; tests walk the table as a
matrix (tests/test_console.py). Which roles see a citizen's name and phone is the setting STAFF_PERSONAL_ROLES: it
fills the row "personal" of the table (`permissions`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from forms_api.accounts.model import ROLES, Account
from forms_api.cases import Submission

_OFFICE = frozenset({"office"})
_WORKERS = frozenset({"office", "station"})

# action -> the roles that may take it; every action on a case also needs the case within the account's scope.
# "queue": the dashboard, the list and a case's page; "personal": see a citizen's name and phone (logged as a
# `viewed` event); "accounts": list accounts and lift a lock; "templates": keep the reply templates; "intake":
# register what a citizen said offline (线下登记), a station only for its own stations (`may_register`). The case
# actions, each ONE event: assign (交办), handover (转办), answer, close, reopen, note, urge (催办), result (办理结果),
# followup (回访), and the review of a deputy's answer (审核: approve, send_back) when STAFF_DEPUTY_REVIEW is on;
# return_ask (申请退回: the handler or deputy holding a case says it is not theirs) and return_decline (不同意退回; a
# 转办 settles it too).
PERMISSIONS: Mapping[str, frozenset[str]] = {
    "queue": frozenset(ROLES),
    "personal": _WORKERS,  # the default of STAFF_PERSONAL_ROLES
    "accounts": _OFFICE,
    "totp": frozenset(ROLES),  # enrol one's own second factor (二次验证); nobody when STAFF_TOTP is off
    "totp_reset": _OFFICE,  # clear another account's second factor (a lost phone)
    "templates": _OFFICE,
    "intake": _WORKERS,
    "assign": _WORKERS,
    "handover": _WORKERS,
    "answer": frozenset({"office", "station", "deputy"}),
    "close": _WORKERS,
    "reopen": _WORKERS,
    "note": frozenset(ROLES),
    "urge": _WORKERS,
    "result": frozenset({"office", "handler"}),
    "followup": _WORKERS,
    "approve": _OFFICE,
    "send_back": _OFFICE,
    "return_ask": frozenset({"handler", "deputy"}),
    "return_decline": _WORKERS,
    # the hand-over round trip (交办与反馈): a case's printable 交办单, the hand-over sheet, the results import
    "handover_slip": _WORKERS,
    "handover_sheet": _WORKERS,
    "handover_import": _OFFICE,
}
ACTIONS = tuple(PERMISSIONS)
DEFAULT_PERSONAL_ROLES = ("office", "station")

# The deputies (ids) attached to a station (id), from the built site's open data.
StationDeputies = Callable[[str], frozenset[str]]


def permissions(personal_roles: Collection[str], second_factor: bool = True) -> dict[str, frozenset[str]]:
    """The table in force: PERMISSIONS with the row "personal" from the setting, and without a second factor to
    enrol when STAFF_TOTP is off."""
    table = {**PERMISSIONS, "personal": frozenset(personal_roles)}
    return table if second_factor else {**table, "totp": frozenset()}


def allowed(table: Mapping[str, frozenset[str]], account: Account, action: str) -> bool:
    """Whether `account`'s role may take `action` (an unknown action: nobody)."""
    return account.role in table.get(action, frozenset())


def may_register(account: Account, station: str) -> bool:
    """Whether `account` may register an offline case at `station`: office at any, a station worker at its own."""
    return account.role == "office" or (account.role == "station" and station in account.stations)


def targets_of(account: Account, deputies_of: StationDeputies) -> frozenset[str] | None:
    """The targets whose cases a station or deputy account sees; None for every target (office, handler: the rule
    for those is not by target)."""
    if account.role == "station":
        targets = {f"station:{station}" for station in account.stations}
        targets |= {f"deputy:{deputy}" for station in account.stations for deputy in deputies_of(station)}
        return frozenset(targets)
    if account.role == "deputy":
        return frozenset({f"deputy:{account.deputy}"})
    return None


def may_see(account: Account, sub: Submission, targets: frozenset[str] | None) -> bool:
    """The scope rule: office every case; station the cases to its stations and to their deputies; deputy the cases
    addressed or assigned to them (by id); a station also those assigned to its deputies; handler the cases handed
    to them (by the name an assignment gives: 县住建局, 12345). `targets`: `targets_of(account, ...)`, worked out once
    per request."""
    if account.role == "office":
        return True
    if account.role == "handler":
        return sub.assignee_kind in ("department", "hotline") and sub.assignee == account.handler
    if targets is None:
        return False
    return sub.target in targets or (sub.assignee_deputy is not None and f"deputy:{sub.assignee_deputy}" in targets)


def visible(account: Account, subs: Iterable[Submission], deputies_of: StationDeputies) -> list[Submission]:
    """The cases of `subs` that `account` may see."""
    targets = targets_of(account, deputies_of)
    return [sub for sub in subs if may_see(account, sub, targets)]
