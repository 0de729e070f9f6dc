"""Who a case goes to when staff assign or hand it on (`assign`, `transfer`, `reply --deputy`): deputies from the built
site's open data, through the resolver the console's deputy picker uses, and departments as a handler account beside
the queue names them, by the console's rule (forms_api/accounts/units.py). All read before the store's lock: the
decision that runs under it does no I/O.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from forms_api import messages as m
from forms_api.accounts.units import UnknownUnit, handler_units, unit_name
from forms_api.cases import check
from forms_api.cases.actions import CONTROL, TextProblem
from forms_api.messages_cases import CLI_UNIT_TEXTS
from forms_api.public.deputies import resolve as resolve_deputy
from forms_api.public.sitedata import Targets
from forms_api.staff.group import Staff, StaffError, staff_text
from forms_api.staff.text import TargetNames


def station_deputies(site: Path, station: str) -> frozenset[str]:
    """The ids of the deputies (current or former) attached to `station`, from the built site's open data."""
    path = site / "data" / "deputies.json"
    if not path.is_file():
        raise StaffError(m.STAFF_SITE_MISSING.format(path=path))
    try:
        deputies = json.loads(path.read_text(encoding="utf-8"))["deputies"]
        return frozenset(str(d["id"]) for d in deputies if station in (d.get("stations") or ()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StaffError(m.STAFF_SITE_INVALID.format(path=path, reason=exc)) from exc


def target_names(site: Path) -> TargetNames:
    """The names of deputies and stations from the built site's open data, as the service's pages show them; "" for
    every target when the data is missing or unreadable (staff then see ids)."""
    return Targets(site).name


def deputy_name(site: Path, target: str) -> str:
    """The name citizens know the case's deputy by, from the built site's open data: what an assignment to the deputy
    shows them. A StaffError asking for --name when the case is not to a deputy or the name cannot be found."""
    if not target.startswith("deputy:"):
        raise StaffError(m.STAFF_DEPUTY_NAME_REQUIRED)
    deputy = target.removeprefix("deputy:")
    path = site / "data" / "deputies.json"
    if not path.is_file():
        raise StaffError(m.STAFF_DEPUTY_NAME_NO_SITE.format(path=path, deputy=deputy))
    try:
        deputies = json.loads(path.read_text(encoding="utf-8"))["deputies"]
        names = [d.get("name") for d in deputies if d.get("id") == deputy]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StaffError(m.STAFF_SITE_INVALID.format(path=path, reason=exc)) from exc
    name = names[0].strip() if names and isinstance(names[0], str) else ""
    if not name or CONTROL.search(name):
        raise StaffError(m.STAFF_DEPUTY_NAME_UNKNOWN.format(path=path, deputy=deputy))
    return name


def named_deputy(site: Path, text: str) -> tuple[str, str]:
    """(id, name) of the ONE current deputy --name names, by id or exact name, through the resolver the console's
    deputy picker uses; a StaffError listing the namesakes (station, id), or saying none is known."""
    path = site / "data" / "deputies.json"
    if not path.is_file():
        raise StaffError(m.STAFF_SITE_MISSING.format(path=path))
    try:
        return resolve_deputy(Targets(site), text, tool="cli")
    except TextProblem as exc:
        raise StaffError(str(exc)) from exc


def assignee(
    staff: Staff, ref: str, to_kind: str, name: str | None, site: Path | None, *, new_unit: bool = False
) -> tuple[str | None, str | None]:
    """(name, deputy id or None) of an assignment or hand-over (assign, transfer): a department needs --name, a
    handler account's unit unless `new_unit`; a deputy is resolved here, before the lock (the decision runs under it,
    without I/O)."""
    if new_unit and to_kind != "department":
        raise click.UsageError(CLI_UNIT_TEXTS["not_department"])
    if to_kind == "department" and not (name or "").strip():
        raise StaffError(m.STAFF_NAME_REQUIRED)
    name = staff_text(name, "name", required=False)
    if to_kind == "department":
        return department(staff, str(name), confirmed=new_unit), None
    return deputy_assignee(staff, ref, name, site) if to_kind == "deputy" else (name, None)


def department(staff: Staff, typed: str, *, confirmed: bool) -> str:
    """The department as a handler account beside the queue names it, or as typed when `confirmed` (--new-unit):
    the console's rule (forms_api/accounts/units.py), refused in the staff tools' words with the units known."""
    try:
        return unit_name(typed, handler_units(staff.accounts().all()), confirmed=confirmed)
    except UnknownUnit as exc:
        raise StaffError(exc.worded(CLI_UNIT_TEXTS)) from exc


def deputy_assignee(staff: Staff, ref: str, name: str | None, site: Path | None) -> tuple[str, str]:
    """(name, deputy id) of an assignment or hand-over to a deputy: the one --name names, else the case's own."""
    if name is not None:
        deputy, name = named_deputy(staff.site(site)[0], name)
        return name, deputy
    case = staff.submission(ref)
    check(case, "assigned")  # a case that cannot be assigned says so, rather than that a name is missing
    name = deputy_name(staff.site(site)[0], case.target)  # a case's target never changes
    return name, case.target.removeprefix("deputy:")
