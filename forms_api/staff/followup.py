"""`note [--result] | urge`: following a case up, as the console does: an internal note, a handler's result (办理结果,
a note marked as the result) and an urge (催办) of an overdue case, each ONE event through the shared `decision`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from forms_api import messages as m
from forms_api import messages_console as mc
from forms_api.cases import now
from forms_api.cases.actions import urge as urge_fields
from forms_api.staff.cases import act
from forms_api.staff.group import (
    H,
    Staff,
    StaffCommand,
    actor,
    by_option,
    holidays_option,
    pass_staff,
    ref_argument,
    staff_text,
    today_option,
)


@click.command("note", cls=StaffCommand, help=mc.HANDOVER_HELP["note"], short_help=m.STAFF_SHORT_HELP["note"])
@ref_argument
@click.option("--text", "text", required=True, help=H["note.text"])
@click.option("--result", is_flag=True, help=mc.HANDOVER_HELP["note.result"])
@by_option
@pass_staff
def note(staff: Staff, ref: str, text: str, result: bool, by: str | None) -> None:
    by, note_text = actor(by), staff_text(text, "note")
    extra = {"result": True} if result else {}
    act(staff, ref, "noted", by, lambda sub: {"note": note_text, **extra})
    click.echo(mc.HANDOVER_DONE["result"].format(ref=ref) if result else m.STAFF_DONE["noted"].format(ref=ref))


@click.command("urge", cls=StaffCommand, help=mc.HANDOVER_HELP["urge"], short_help=mc.HANDOVER_SHORT_HELP["urge"])
@ref_argument
@today_option
@holidays_option
@by_option
@pass_staff
def urge(staff: Staff, ref: str, today: date | None, holidays: Path | None, by: str | None) -> None:
    by, cal, today = actor(by), staff.calendar(holidays), today or now().date()
    act(staff, ref, "urged", by, urge_fields(today, cal))
    click.echo(mc.HANDOVER_DONE["urged"].format(ref=ref))


COMMANDS = (note, urge)
