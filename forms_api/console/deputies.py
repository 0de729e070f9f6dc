"""Choosing the deputy a case is assigned to (交办给代表): a picker of the deputies near the case, by name, each told
apart from a namesake by their stations; and what staff typed instead (a name or an id) resolved to exactly one
current deputy, never silently dropped. Names and stations come from the built site's open data."""

from __future__ import annotations

from forms_api.accounts.model import Account
from forms_api.cases import Submission
from forms_api.public.deputies import labelled
from forms_api.public.deputies import resolve as shared_resolve
from forms_api.public.service import service


def _stations_of(deputy: str) -> set[str]:
    targets = service().targets
    return {station for station, _ in targets.listed("station") if deputy in targets.deputies_of(station)}


def choices(sub: Submission, who: Account) -> list[tuple[str, str]]:
    """The current deputies the assign form offers for `sub`: those of the case's station (or of the stations of the
    deputy it is addressed or assigned to), and a station worker's own deputies; never every deputy of a city."""
    targets = service().targets
    current = {deputy for deputy, _ in targets.listed("deputy")}
    stations = set(who.stations)
    ids: set[str] = set()
    for target in (sub.target, f"deputy:{sub.assignee_deputy}" if sub.assignee_deputy else ""):
        kind, _, key = target.partition(":")
        if kind == "station":
            stations.add(key)
        elif kind == "deputy":
            ids.add(key)
            stations |= _stations_of(key)
    ids |= {deputy for station in stations for deputy in targets.deputies_of(station)}
    return labelled(targets, sorted(ids & current))


def resolve(text: str, *, tool: str = "console") -> tuple[str, str]:
    """(id, name) of the ONE current deputy `text` names, by id or by name (forms_api/public/deputies.py); `tool`:
    "console" beside a picker, "typed" for a text field with no list."""
    return shared_resolve(service().targets, text, tool=tool)
