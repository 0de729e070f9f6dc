"""Deputies by name, from the built site's open data: each labelled with their stations (to tell a namesake apart),
and what staff typed (a name or an id) resolved to exactly ONE current deputy, never silently dropped or stored as a
name. One resolver for the console's deputy picker and the staff tools' `--name`, so both accept the same text."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from forms_api import cases
from forms_api.cases.actions import TextProblem
from forms_api.messages_console import STAFF_TEXTS
from forms_api.public.sitedata import Targets
from generator.messages import CONGRESS_LEVEL_LABELS


def stations_by_deputy(targets: Targets) -> dict[str, list[str]]:
    """deputy id -> the names of the stations they belong to (from the site's data)."""
    return targets.derived(_index)[2]


def _index(targets: Targets) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    """The current deputies' names by id, their ids by name, and their stations' names by id: made once for each
    version of the site's data (Targets.derived), not for every case a list shows."""
    names = dict(targets.listed("deputy"))
    by_name: dict[str, list[str]] = {}
    for deputy, name in names.items():
        by_name.setdefault(name, []).append(deputy)
    stations: dict[str, list[str]] = {}
    for station, name in targets.listed("station"):
        for deputy in targets.deputies_of(station):
            stations.setdefault(deputy, []).append(name or station)
    return names, by_name, stations


def _about(targets: Targets, deputy: str) -> str:
    """What tells a deputy from a namesake: the congress they sit in (as the site says it) and their post."""
    levels, occupation = targets.about(deputy)
    seats = "、".join(CONGRESS_LEVEL_LABELS[level] for level in CONGRESS_LEVEL_LABELS if level in levels)
    return "，".join(part for part in (seats, occupation) if part)


def labelled(targets: Targets, ids: list[str], *, with_id: bool = False) -> list[tuple[str, str]]:
    """(id, "曹文杰（东溪代表联络站）") for each id, by id; where two labels match (or always, `with_id`), with the
    deputy's congress and post ("李明远（禾城镇人大代表联络站；县（区）人大代表，青禾县禾丰小学 校长）") and the id."""
    names, _, stations = targets.derived(_index)
    labels = {
        deputy: STAFF_TEXTS["deputy_label"].format(
            name=names.get(deputy) or deputy, stations="、".join(stations.get(deputy, ())) or STAFF_TEXTS["no_station"]
        )
        for deputy in ids
    }
    twice = {label for label in labels.values() if with_id or list(labels.values()).count(label) > 1}
    for deputy, label in labels.items():
        if label in twice:
            about = _about(targets, deputy)
            told = label[:-1] + STAFF_TEXTS["deputy_label_about"].format(about=about) + label[-1] if about else label
            labels[deputy] = STAFF_TEXTS["deputy_label_id"].format(label=told, id=deputy)
    return sorted(labels.items())  # by id: the ids are pinyin, so this is the order of a Chinese name list


def namesake_detail(targets: Targets, target: str) -> str:
    """For a current deputy another current deputy shares a name with: what tells them apart on a citizen's page
    (their stations, congress and post: "东溪代表联络站；乡镇人大代表，河湾村 村民小组长"); "" for anyone else."""
    deputy = target.removeprefix("deputy:")
    names, by_name, by_deputy = targets.derived(_index)
    name = names.get(deputy) if target.startswith("deputy:") else None
    stations = "、".join(by_deputy.get(deputy, ())) if name else ""
    if not stations or len(by_name.get(name or "", ())) < 2:
        return ""
    about = _about(targets, deputy)
    return stations + (STAFF_TEXTS["deputy_label_about"].format(about=about) if about else "")


def told_apart(targets: Targets, ids: list[str]) -> dict[str, str]:
    """Each deputy's name as staff read it (an account's scope, who acted): the `labelled` label instead where another
    current deputy has the same name."""
    names, by_name, _ = targets.derived(_index)
    shown: dict[str, str] = {}
    groups: dict[str, dict[str, str]] = {}  # a name's namesakes labelled once, however many of them `ids` holds
    for deputy in ids:
        name = names.get(deputy) or targets.name(f"deputy:{deputy}") or deputy
        same = by_name.get(name, [])
        if len(same) > 1 and deputy in same:
            shown[deputy] = groups.setdefault(name, dict(labelled(targets, same)))[deputy]
        else:
            shown[deputy] = name
    return shown


def namesakes(targets: Targets, ids: Iterable[object]) -> dict[str, str]:
    """deputy id -> what tells them apart (`told_apart`), for those of `ids` another current deputy shares a name
    with: whom a case is assigned to, as staff read it (staff/text.assignee_text, history_entry); none for the rest."""
    wanted = sorted({deputy for deputy in ids if isinstance(deputy, str) and deputy})
    told = told_apart(targets, wanted) if wanted else {}
    return {deputy: label for deputy, label in told.items() if label != (targets.name(f"deputy:{deputy}") or deputy)}


def resolve(targets: Targets, text: str, *, tool: str = "console") -> tuple[str, str]:
    """(id, name) of the ONE current deputy `text` names, by id or by exact name; TextProblem (shown to staff) when
    there is none, or several of that name (listed with their stations and ids, to choose one). `tool`: "console"
    (the picker's wording), "typed" (a text field with no list) or "cli" (the staff tools' --name)."""
    text = text.strip()
    listed = targets.listed("deputy")
    if cases.TARGET_RE.fullmatch(f"deputy:{text}") and targets.check(f"deputy:{text}") is None:
        return text, dict(listed).get(text) or text
    same = [deputy for deputy, name in listed if name == text]
    if len(same) == 1:
        return same[0], text
    suffix = {"console": "", "cli": "_cli", "typed": "_typed"}[tool]
    if same:
        named = "；".join(label for _, label in labelled(targets, same, with_id=True))
        message = STAFF_TEXTS[f"deputy_ambiguous{suffix}"]
        raise TextProblem(message.format(name=text, count=len(same), deputies=named))
    raise TextProblem(STAFF_TEXTS[f"deputy_unknown{suffix}"].format(name=text[:40]))


def unknown_ids(targets: Targets, kind: str, ids: tuple[str, ...]) -> str | None:
    """The Chinese message for the first of `ids` (stations or deputies, `kind`) the site does not list as able to
    receive messages (a former deputy, a typo), with the id meant where one is close (by id or by name); or None."""
    listed = targets.listed(kind)
    known = {found for found, _ in listed}
    for given in ids:
        if given in known:
            continue
        by_name = [found for found, name in listed if name and name == given]
        close = by_name or difflib.get_close_matches(given, sorted(known), n=3, cutoff=0.6)
        hint = STAFF_TEXTS["did_you_mean"].format(ids="、".join(close)) if close else ""
        return STAFF_TEXTS[f"unknown_{kind}"].format(id=given[:40], hint=hint)
    return None
