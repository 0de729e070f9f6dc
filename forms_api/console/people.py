"""Who acted, as staff read it in the console: an account's login shown with its role and scope in Chinese
("qs（联络站工作人员：东溪代表联络站）"), never a bare login or id; a name the staff tools were given (--by 李办事员)
and the citizen as they are."""

from __future__ import annotations

from forms_api import messages
from forms_api.console.service import console
from forms_api.messages_console import STAFF_TEXTS
from forms_api.public.deputies import told_apart
from forms_api.public.service import service


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
