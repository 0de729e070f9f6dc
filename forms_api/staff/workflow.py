"""`transfer | followup | approve | send-back | decline-return`: the steps of the workflow beyond answering (issue
13, issue 12's 审核, 申请退回's decline), each ONE event through the shared `decision` (forms_api/staff/cases.py
`act`), so the console and the staff tools obey the same rules.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from forms_api import messages as m
from forms_api.cases import RATINGS, check, now
from forms_api.cases.actions import approval, handover
from forms_api.messages_cases import CLI_TEXTS as C
from forms_api.staff.assignees import assignee
from forms_api.staff.cases import act, confirm_publish
from forms_api.staff.group import (
    H,
    Staff,
    StaffCommand,
    actor,
    by_option,
    holidays_option,
    pass_staff,
    ref_argument,
    site_option,
    staff_text,
    today_option,
    yes_option,
)
from forms_api.staff.text import assignee_text, one_line


@click.command("transfer", cls=StaffCommand, help=H["transfer"], short_help=m.STAFF_SHORT_HELP["transfer"])
@ref_argument
@click.option(
    "--to", "to_kind", type=click.Choice(["deputy", "department", "hotline"]), required=True, help=H["assign.to"]
)
@click.option("--name", default=None, help=H["assign.name"])
@click.option("--new-unit", is_flag=True, help=H["assign.new_unit"])
@today_option
@site_option
@holidays_option
@by_option
@pass_staff
def transfer(
    staff: Staff,
    ref: str,
    to_kind: str,
    name: str | None,
    new_unit: bool,
    today: date | None,
    site: Path | None,
    holidays: Path | None,
    by: str | None,
) -> None:
    by, cal, today = actor(by), staff.calendar(holidays), today or now().date()
    name, deputy = assignee(staff, ref, to_kind, name, site, new_unit=new_unit)
    sub = act(staff, ref, "assigned", by, handover(to_kind=to_kind, name=name, deputy=deputy, today=today, cal=cal))
    done = m.STAFF_DONE["transferred"].format(ref=ref, assignee=one_line(assignee_text(sub)), deadline=sub.deadline)
    click.echo(done)


@click.command("followup", cls=StaffCommand, help=H["followup"], short_help=m.STAFF_SHORT_HELP["followup"])
@ref_argument
@click.option("--satisfaction", type=click.Choice(RATINGS), required=True, help=H["followup.satisfaction"])
@click.option("--note", default=None, help=H["followup.note"])
@by_option
@pass_staff
def follow_up(staff: Staff, ref: str, satisfaction: str, note: str | None, by: str | None) -> None:
    by, text = actor(by), staff_text(note, "note", required=False)
    fields = {"satisfaction": satisfaction} | ({"note": text} if text else {})
    act(staff, ref, "followed_up", by, lambda sub: dict(fields))
    click.echo(m.STAFF_DONE["followed_up"].format(ref=ref, satisfaction=satisfaction))


@click.command("approve", cls=StaffCommand, help=H["approve"], short_help=m.STAFF_SHORT_HELP["approve"])
@ref_argument
@yes_option
@by_option
@pass_staff
def approve(staff: Staff, ref: str, yes: bool, by: str | None) -> None:
    by, sub = actor(by), staff.submission(ref)
    check(sub, "replied")
    confirm_publish(ref, approval(sub)["answer"], yes)
    act(staff, ref, "replied", by, approval)
    click.echo(m.STAFF_DONE["approved"].format(ref=ref))


@click.command("send-back", cls=StaffCommand, help=H["send-back"], short_help=m.STAFF_SHORT_HELP["send-back"])
@ref_argument
@click.option("--note", required=True, help=H["send-back.note"])
@by_option
@pass_staff
def send_back(staff: Staff, ref: str, note: str, by: str | None) -> None:
    by, text = actor(by), staff_text(note, "note")
    act(staff, ref, "returned", by, lambda sub: {"note": text})
    click.echo(m.STAFF_DONE["returned"].format(ref=ref))


@click.command("decline-return", cls=StaffCommand, help=C["decline-return"], short_help=C["decline-return.short"])
@ref_argument
@click.option("--reason", required=True, help=C["decline-return.reason"])
@by_option
@pass_staff
def decline_return(staff: Staff, ref: str, reason: str, by: str | None) -> None:
    """不同意退回, the console's decline of a 申请退回 (agreeing is a `transfer`)."""
    by, text = actor(by), staff_text(reason, "reason")
    sub = act(staff, ref, "return_declined", by, lambda sub: {"reason": text})
    click.echo(C["declined"].format(ref=ref, assignee=assignee_text(sub)))


COMMANDS = (transfer, follow_up, approve, send_back, decline_return)
