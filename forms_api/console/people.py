"""Who acted, as staff read it in the console: an account's login shown with its role and scope in Chinese
("qs（联络站工作人员：东溪代表联络站）"), never a bare login or id; a name the staff tools were given (--by 李办事员)
and the citizen as they are; a handler's result as the handler's (承办单位), with who put it in; and whom a case is
addressed to, a deputy told apart from a namesake."""

from __future__ import annotations

from collections.abc import Iterable

from forms_api import messages
from forms_api.cases import Submission
from forms_api.console.service import console
from forms_api.messages_console import STAFF_TEXTS
from forms_api.public.deputies import namesakes, told_apart
from forms_api.public.service import service
from forms_api.staff import text
from forms_api.staff.text import target_label


def case_targets(targets: list[str]) -> dict[str, str]:
    """Each case target as staff read it ("李明远（代表）"), with the deputy's station, congress, post and id where
    another current deputy has the same name (public/deputies.told_apart)."""
    names = service().targets.name
    deputies = sorted({target.removeprefix("deputy:") for target in targets if target.startswith("deputy:")})
    told = told_apart(service().targets, deputies) if deputies else {}
    shown = {}
    for target in targets:
        name = names(target)
        deputy = target.removeprefix("deputy:")
        if target.startswith("deputy:") and name and told.get(deputy, name) != name:
            name = told[deputy]
        shown[target] = target_label(target, name)
    return shown


def deputies_told(ids: Iterable[object]) -> dict[str, str]:
    """deputy id -> what tells them apart from a namesake, for those of `ids` that have one (public/deputies)."""
    return namesakes(service().targets, ids)


def handler_of(sub: Submission) -> str:
    """Who handles `sub` as staff read it, a deputy told apart from a namesake."""
    return text.assignee_text(sub, deputies_told([sub.assignee_deputy]))


def actor_label(by: str) -> str:
    """`by` of an event or a note as staff read it: an account's role and scope beside its login; else `by`."""
    found = console().accounts.get(by) if by else None
    if found is None:
        return by
    names = service().targets.name
    if found.role == "station":
        scope = "、".join(names(f"station:{station}") or station for station in found.stations)
    elif found.role == "deputy":
        scope = told_apart(service().targets, [str(found.deputy)])[str(found.deputy)]
    else:
        scope = "、".join(found.scope)
    return STAFF_TEXTS["actor"].format(
        login=found.login, role=messages.ROLE_LABELS[found.role], scope=f"：{scope}" if scope else ""
    )


Holder = tuple[str, str]  # (to_kind, to) of the assignment a case was under


def result_source(event: dict, holder: Holder | None) -> tuple[str, str]:
    """(whose result, who put it in) of a handler's result, as the staff tools word it (staff/text.py), each login
    as its role and scope."""
    by = event.get("by") or ""
    found = console().accounts.get(by) if by else None
    by_handler = found is not None and found.role == "handler"
    return text.result_source(event, holder, label=actor_label, by_handler=by_handler)
