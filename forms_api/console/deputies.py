"""Choosing the deputy a case is assigned to (交办给代表): a picker of the deputies near the case, by name, each told
apart from a namesake by their stations; and what staff typed instead (a name or an id) resolved to exactly one
current deputy, never silently dropped. Names and stations come from the built site's open data."""

from __future__ import annotations

from forms_api import cases
from forms_api.accounts.model import Account
from forms_api.cases import Submission
from forms_api.cases.actions import TextProblem
from forms_api.messages_console import STAFF_TEXTS
from forms_api.public.service import service


def _stations_by_deputy() -> dict[str, list[str]]:
    """deputy id -> the names of the stations they belong to (from the site's data)."""
    targets, found = service().targets, {}
    for station, name in targets.listed("station"):
        for deputy in targets.deputies_of(station):
            found.setdefault(deputy, []).append(name or station)
    return found


def _labelled(ids: list[str], *, with_id: bool = False) -> list[tuple[str, str]]:
    """(id, "曹文杰（东溪代表联络站）") for each id, by id; the id too where two labels match (or always)."""
    names, stations = dict(service().targets.listed("deputy")), _stations_by_deputy()
    labels = {
        deputy: STAFF_TEXTS["deputy_label"].format(
            name=names.get(deputy) or deputy, stations="、".join(stations.get(deputy, ())) or STAFF_TEXTS["no_station"]
        )
        for deputy in ids
    }
    twice = {label for label in labels.values() if with_id or list(labels.values()).count(label) > 1}
    for deputy, label in labels.items():
        if label in twice:
            labels[deputy] = STAFF_TEXTS["deputy_label_id"].format(label=label, id=deputy)
    return sorted(labels.items())  # by id: the ids are pinyin, so this is the order of a Chinese name list


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
    return _labelled(sorted(ids & current))


def resolve(text: str) -> tuple[str, str]:
    """(id, name) of the ONE current deputy `text` names, by id or by name; TextProblem (shown to staff) when there is
    none, or several of that name (listed with their stations and ids, to choose one)."""
    text = text.strip()
    targets = service().targets
    listed = targets.listed("deputy")
    if cases.TARGET_RE.fullmatch(f"deputy:{text}") and targets.check(f"deputy:{text}") is None:
        return text, dict(listed).get(text) or text
    same = [deputy for deputy, name in listed if name == text]
    if len(same) == 1:
        return same[0], text
    if same:
        named = "；".join(label for _, label in _labelled(same, with_id=True))
        raise TextProblem(STAFF_TEXTS["deputy_ambiguous"].format(name=text, count=len(same), deputies=named))
    raise TextProblem(STAFF_TEXTS["deputy_unknown"].format(name=text[:40]))
