"""`handover sheet | import`: the hand-over round trip (交办与反馈) in the staff tools.

`sheet` writes the hand-over sheet (交办清单) of the cases handed to one department or the hotline in a date range;
`import` reads the results file it comes back as and appends each good row as a handler's result, through ONE
`decide` that plans every row against the state under the log's lock (forms_api/cases/handover.py): a file with a bad
row appends nothing unless --apply-good, and a row already in the log adds nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from forms_api import messages as m
from forms_api import messages_console as mc
from forms_api.cases import now
from forms_api.cases.handover import Plan, handed_between, importing, read_rows
from forms_api.staff.assignees import target_names
from forms_api.staff.group import (
    DATE,
    Staff,
    StaffError,
    StaffSubgroup,
    actor,
    by_option,
    holidays_option,
    pass_staff,
    site_option,
    staff_text,
    table_format,
)
from forms_api.staff.handover_sheet import ResultsFileError, read_table, sheet_rows
from forms_api.staff.sheets import csv_bytes, xlsx_bytes
from forms_api.staff.text import one_line
from forms_api.store.files import write_atomically

H = mc.HANDOVER_HELP
D = mc.HANDOVER_DONE


@click.group("handover", cls=StaffSubgroup, help=H["handover"], short_help=mc.HANDOVER_SHORT_HELP["handover"])
def handover() -> None:
    pass


@handover.command("sheet", help=H["sheet"], short_help=mc.HANDOVER_SHORT_HELP["sheet"])
@click.option("--handler", required=True, metavar="名称", help=H["sheet.handler"])
@click.option("--since", type=DATE, required=True, help=H["sheet.since"])
@click.option("--until", type=DATE, default=None, help=H["sheet.until"])
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default=None, help=H["sheet.format"])
@click.option(
    "--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-", help=H["sheet.out"]
)
@site_option
@holidays_option
@pass_staff
def sheet(
    staff: Staff,
    handler: str,
    since: date,
    until: date | None,
    file_format: str | None,
    out: Path,
    site: Path | None,
    holidays: Path | None,
) -> None:
    name = staff_text(handler, "name")
    assert name is not None
    if until is not None and until < since:
        raise StaffError(mc.HANDOVER_TEXTS["reversed_dates"])
    to_stdout = str(out) == "-"
    file_format = table_format(file_format, out)
    if to_stdout and file_format == "xlsx":
        raise StaffError(m.STAFF_XLSX_STDOUT)
    found = handed_between(staff.store.state().submissions.values(), name, since, until)
    header, rows = sheet_rows(found, staff.calendar(holidays), target_names(staff.site(site)[0]))
    if to_stdout:
        click.echo(csv_bytes(header, rows).decode("utf-8-sig"), nl=False)
        return
    data = csv_bytes(header, rows) if file_format == "csv" else xlsx_bytes(header, rows, mc.HANDOVER_SHEET_TITLE)
    try:
        write_atomically(out, [data])
    except OSError as exc:
        raise StaffError(m.STAFF_WRITE_FAILED.format(path=out, reason=exc.strerror or exc)) from exc
    click.echo(D["sheet"].format(count=len(found), handler=one_line(name), path=out))


@handover.command("import", help=H["import"], short_help=mc.HANDOVER_SHORT_HELP["import"])
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply-good", is_flag=True, help=H["import.apply_good"])
@click.option("--today", type=DATE, default=None, help=H["import.today"])
@by_option
@pass_staff
def import_results(staff: Staff, file: Path, apply_good: bool, today: date | None, by: str | None) -> None:
    by, today = actor(by), today or now().date()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise StaffError(m.STAFF_READ_FAILED.format(path=file, reason=exc.strerror or exc)) from exc
    try:
        table = read_table(data)
    except ResultsFileError as exc:
        raise StaffError(f"{file}：{exc}") from exc
    rows, errors = read_rows(table)
    plans: list[Plan] = []
    if rows:
        stored = staff.store.append(importing(rows, today, by, apply_good=apply_good, plans=plans))
    else:
        stored = []
    found = plans[-1] if plans else Plan()
    errors = [*errors, *found.errors]
    for error in errors:
        click.echo(one_line(str(error)), err=True)
    if errors and not apply_good:
        raise StaffError(D["refused"].format(errors=len(errors)))
    counts = {"count": len(stored), "repeats": len(found.repeats), "pending": len(found.pending)}
    click.echo(D["imported"].format(**counts) + (D["partly"].format(errors=len(errors)) if errors else ""))


COMMANDS = (handover,)
