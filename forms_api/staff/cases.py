"""`list | show | assign | reply | close | reopen`: the staff's work on cases (`note`, `urge`: followup.py).

Every action is ONE event appended through `Store.append`, with `cases.check` run inside `decide`, i.e. under the
store's exclusive lock against the state including everybody else's appends: two staff members closing the same case
at once get one `closed` event and one refusal. Citizens' text is printed through `text.plain`, so it cannot drive the
terminal.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import click

from forms_api import messages as m
from forms_api.cases import Calendar, State, Submission, check, now
from forms_api.cases.actions import (
    Fields,
    answer_event,
    answering,
    assignment,
    closing,
    deadline_problem,
    decision,
    takes_on,
)
from forms_api.cases.handover import held_by
from forms_api.cases.outbox import asked_for_sms
from forms_api.cases.queue import queue_order
from forms_api.public.deputies import namesakes
from forms_api.public.sitedata import Targets
from forms_api.staff.assignees import assignee, named_deputy, station_deputies
from forms_api.staff.group import (
    DATE,
    H,
    Staff,
    StaffCommand,
    StaffError,
    actor,
    by_option,
    filter_options,
    holidays_option,
    pass_staff,
    read_text,
    ref_argument,
    site_option,
    staff_text,
    today_option,
    yes_option,
)
from forms_api.staff.text import assignee_text, list_lines, one_line, plain, show_lines

EXCERPT = 30  # characters of a case's text in `list`


class Chosen(NamedTuple):
    cases: list[Submission]
    today: date
    cal: Calendar
    targets: Targets  # the built site's open data: names, and which deputies share one


# --- selecting -------------------------------------------------------------------------------------------------------


def handled_by(sub: Submission, handler: str) -> bool:
    """Whether `handler` handles `sub` now: the department or hotline it is handed to, by the name of the hand-over
    (forms_api/cases/handover.py), or the deputy it is assigned to, by name or id."""
    if sub.assignee_kind == "deputy":
        return handler in (sub.assignee, sub.assignee_deputy)
    return held_by(sub, handler)


def select(
    state: State,
    *,
    statuses: frozenset[str],
    target: str | None,
    station: str | None,
    channel: str | None,
    handler: str | None = None,
    site: Path,
    site_named: bool,
    overdue: bool,
    supervised: bool = False,
    include_all: bool,
    today: date,
    cal: Calendar,
) -> list[Submission]:
    """The cases that pass the filters: overdue first, then by deadline (none last), then by reference. A station's
    deputies come from the site's open data, which must exist when the site was named."""
    station_targets: set[str] = set()
    if station is not None:
        station_targets.add(f"station:{station}")
        if site_named or (site / "data" / "deputies.json").is_file():
            station_targets |= {f"deputy:{deputy}" for deputy in station_deputies(site, station)}
    chosen = []
    for sub in state.submissions.values():
        if (sub.status not in statuses) if statuses else (not include_all and not sub.open):
            continue
        if (target is not None and sub.target != target) or (station is not None and sub.target not in station_targets):
            continue
        if overdue and not sub.overdue(today, *cal) or channel is not None and sub.channel != channel:
            continue
        if supervised and not sub.supervised or handler is not None and not handled_by(sub, handler):
            continue
        chosen.append(sub)
    chosen.sort(key=lambda sub: queue_order(sub, today, cal))
    return chosen


# --- acting ----------------------------------------------------------------------------------------------------------


def act(staff: Staff, ref: str, event_type: str, by: str, fields: Fields) -> Submission:
    """Append ONE `event_type` event for `ref`, checked against the state under the log's exclusive lock (the
    shared `decision`); an unknown reference in the staff tools' own words."""
    decide = decision(ref, event_type, by, fields, rules=staff.rules())

    def checked(state: State) -> dict:
        if ref not in state.submissions:
            raise StaffError(m.STAFF_NOT_FOUND.format(ref=ref))
        return decide(state)

    staff.store.append(checked)
    return staff.submission(ref)


def chosen(staff: Staff, today: date | None, holidays: Path | None, filters: dict[str, Any]) -> Chosen:
    """What `list` and `export` share: the calendar, today, the cases that pass the filters, the targets' names."""
    cal, today = staff.calendar(holidays), today or now().date()
    state = staff.store.state()
    site, named = staff.site(filters.pop("site"))
    return Chosen(
        select(state, today=today, cal=cal, site=site, site_named=named, **filters), today, cal, Targets(site)
    )


@click.command("list", cls=StaffCommand, help=H["list"], short_help=m.STAFF_SHORT_HELP["list"])
@filter_options
@pass_staff
def list_cases(staff: Staff, today: date | None, holidays: Path | None, **filters: Any) -> None:
    found = chosen(staff, today, holidays, filters)
    told = namesakes(found.targets, (sub.assignee_deputy for sub in found.cases))  # which 李明远 handles it
    for line in list_lines(found.cases, found.today, found.cal, EXCERPT, found.targets.name, told):
        click.echo(line)


@click.command(cls=StaffCommand, help=H["show"], short_help=m.STAFF_SHORT_HELP["show"])
@ref_argument
@click.option("--personal", is_flag=True, help=H["show.personal"])
@site_option
@today_option
@holidays_option
@by_option
@pass_staff
def show(
    staff: Staff,
    ref: str,
    personal: bool,
    site: Path | None,
    today: date | None,
    holidays: Path | None,
    by: str | None,
) -> None:
    cal, today = staff.calendar(holidays), today or now().date()
    targets = Targets(staff.site(site)[0])
    sub = staff.submission(ref)
    sms = asked_for_sms(staff.store.state(), sub)
    if personal:  # the showing is an event before anything is shown; the case is printed as it was before it
        sub = replace(sub, history=list(sub.history))
        act(staff, ref, "viewed", actor(by), lambda current: {})
    handlers = frozenset(found.login for found in staff.accounts().all() if found.role == "handler")
    told = namesakes(targets, (event.get("deputy") for event in sub.history if event["type"] == "assigned"))
    context = {"today": today, "cal": cal, "names": targets.name, "handlers": handlers, "namesakes": told}
    for line in show_lines(sub, personal=personal, sms=sms, **context):
        click.echo(line)


@click.command(cls=StaffCommand, help=H["assign"], short_help=m.STAFF_SHORT_HELP["assign"])
@ref_argument
@click.option(
    "--to", "to_kind", type=click.Choice(["deputy", "department", "hotline"]), required=True, help=H["assign.to"]
)
@click.option("--name", default=None, help=H["assign.name"])
@click.option("--new-unit", is_flag=True, help=H["assign.new_unit"])
@click.option("--complex/--not-complex", "complex_case", default=None, help=H["assign.complex"])
@click.option("--deadline", type=DATE, default=None, help=H["assign.deadline"])
@click.option("--today", type=DATE, default=None, help=H["assign.today"])
@site_option
@holidays_option
@by_option
@pass_staff
def assign(
    staff: Staff,
    ref: str,
    to_kind: str,
    name: str | None,
    new_unit: bool,
    complex_case: bool | None,
    deadline: date | None,
    today: date | None,
    site: Path | None,
    holidays: Path | None,
    by: str | None,
) -> None:
    by, cal, today = actor(by), staff.calendar(holidays), today or now().date()
    problem = deadline_problem(deadline, today) if deadline is not None else None
    if problem:
        raise StaffError(problem)
    name, deputy = assignee(staff, ref, to_kind, name, site, new_unit=new_unit)
    fields = assignment(
        to_kind=to_kind, name=name, deputy=deputy, complex_case=complex_case, deadline=deadline, today=today, cal=cal
    )
    sub = act(staff, ref, "assigned", by, fields)
    done = m.STAFF_DONE["assigned"].format(ref=ref, assignee=one_line(assignee_text(sub)), deadline=sub.deadline)
    click.echo(done)


@click.command(cls=StaffCommand, help=H["reply"], short_help=m.STAFF_SHORT_HELP["reply"])
@ref_argument
@click.option("--answer", default=None, metavar="文本|-", help=H["reply.answer"])
@click.option(
    "--answer-file", type=click.Path(dir_okay=False, path_type=Path), default=None, help=H["reply.answer_file"]
)
@click.option("--deputy", "as_deputy", default=None, metavar="ID|姓名", help=H["reply.deputy"])
@site_option
@holidays_option
@yes_option
@by_option
@pass_staff
def reply(
    staff: Staff,
    ref: str,
    answer: str | None,
    answer_file: Path | None,
    as_deputy: str | None,
    site: Path | None,
    holidays: Path | None,
    yes: bool,
    by: str | None,
) -> None:
    by = actor(by)
    if (answer is None) == (answer_file is None):
        raise StaffError(m.STAFF_ANSWER_SOURCE)
    if answer == "-":
        if not yes:  # the answer took stdin: nothing left to answer the question with
            raise StaffError(m.STAFF_STDIN_NEEDS_YES)
        answer = sys.stdin.read()
    elif answer_file is not None:
        answer = read_text(answer_file)
    text = staff_text(answer, "answer")
    deputy, name = named_deputy(staff.site(site)[0], as_deputy) if as_deputy is not None else (None, "")
    case = staff.submission(ref)
    if not takes_on(case, deputy):
        check(case, "replied")  # a refusal before the question, not after it
    confirm_publish(ref, text, yes)  # type: ignore[arg-type]
    if deputy is None:
        act(staff, ref, "replied", by, lambda sub: {"answer": text})
    else:  # the deputy the case is addressed to takes it on, as in the console (forms_api/cases/actions.py)
        cal, today, rules = staff.calendar(holidays), now().date(), staff.rules()
        take_on = assignment(
            to_kind="deputy", name=name, deputy=deputy, complex_case=None, deadline=None, today=today, cal=cal
        )
        event_type = answer_event("deputy", rules)
        fields: Fields = lambda sub: {"answer": text}  # noqa: E731
        staff.store.append(answering(ref, event_type, by, fields, deputy=deputy, take_on=take_on, rules=rules))
    click.echo(m.STAFF_DONE["replied"].format(ref=ref))


def confirm_publish(ref: str, answer: str, yes: bool) -> None:
    """Show the answer as citizens will read it and ask before it is published (`--yes`: don't ask)."""
    if yes:
        return
    click.echo(m.STAFF_PUBLISH_PREVIEW.format(ref=ref))
    for line in plain(answer).split("\n"):
        click.echo(f"  {line}")
    if not click.confirm(m.STAFF_PUBLISH_CONFIRM, default=False):
        raise StaffError(m.STAFF_NOT_PUBLISHED)


def one_text_command(
    name: str, event_type: str, option: str, field: str, *, required: bool, with_deadline: bool = False
) -> click.Command:
    """`close`, `reopen`, `note`: ONE event carrying one text staff typed (checked by staff_text), then the done line;
    `with_deadline`: --holidays too, and the line says when an answer is due again."""

    def run(staff: Staff, ref: str, text: str | None, by: str | None, holidays: Path | None = None) -> None:
        by, text = actor(by), staff_text(text, field, required=required)
        cal = staff.calendar(holidays) if with_deadline else None
        sub = act(staff, ref, event_type, by, lambda sub: {field: text} if text else {})
        deadline = sub.due(*cal) if cal is not None else None
        click.echo(m.STAFF_DONE[event_type].format(ref=ref, deadline=deadline))

    text_option = click.option(option, "text", required=required, help=H[f"{name}.{option.removeprefix('--')}"])
    params = [ref_argument, text_option, *([holidays_option] if with_deadline else []), by_option]
    command = pass_staff(run)
    for param in reversed(params):
        command = param(command)
    return click.command(name, cls=StaffCommand, help=H[name], short_help=m.STAFF_SHORT_HELP[name])(command)


@click.command(cls=StaffCommand, help=H["close"], short_help=m.STAFF_SHORT_HELP["close"])
@ref_argument
@click.option("--reason", default=None, help=H["close.reason"])
@click.option("--force", is_flag=True, help=H["close.force"])
@click.option("--tell", type=click.Choice(list(m.CLOSED_TOLD)), default=None, help=H["close.tell"])
@by_option
@pass_staff
def close(staff: Staff, ref: str, reason: str | None, force: bool, tell: str | None, by: str | None) -> None:
    by, text = actor(by), staff_text(reason, "reason", required=force)
    act(staff, ref, "closed", by, closing(text, force=force, told=tell))
    click.echo(m.STAFF_DONE["closed"].format(ref=ref))


reopen = one_text_command("reopen", "reopened", "--reason", "reason", required=True, with_deadline=True)


COMMANDS = (list_cases, show, assign, reply, close, reopen)  # note: forms_api/staff/followup.py
