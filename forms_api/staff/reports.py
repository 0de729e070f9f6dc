"""`export | stats [--public]`: the staff's reports, as files or as text, and the public figures for the site."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from forms_api import messages as m
from forms_api import settings
from forms_api.cases import Calendar, fold, now
from forms_api.staff import public_stats
from forms_api.staff.cases import chosen
from forms_api.staff.figures import compute_stats, evaluation_lines, stats_lines
from forms_api.staff.group import (
    H,
    Staff,
    StaffCommand,
    StaffError,
    filter_options,
    holidays_option,
    pass_staff,
    table_format,
    today_option,
)
from forms_api.staff.sheets import csv_bytes, export_rows, xlsx_bytes
from forms_api.store.files import write_atomically


@click.command("export", cls=StaffCommand, help=H["export"], short_help=m.STAFF_SHORT_HELP["export"])
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default=None, help=H["export.format"])
@click.option(
    "--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True, help=H["export.out"]
)
@click.option("--personal", is_flag=True, help=H["export.personal"])
@filter_options
@pass_staff
def export_cases(
    staff: Staff,
    file_format: str | None,
    out: Path,
    personal: bool,
    today: date | None,
    holidays: Path | None,
    **filters: Any,
) -> None:
    to_stdout = str(out) == "-"
    file_format = table_format(file_format, out)
    if to_stdout and personal:
        raise StaffError(m.STAFF_PERSONAL_STDOUT)
    if to_stdout and file_format == "xlsx":
        raise StaffError(m.STAFF_XLSX_STDOUT)
    found = chosen(staff, today, holidays, filters)
    header, rows = export_rows(found.cases, personal=personal, cal=found.cal, names=found.targets.name)
    if to_stdout:
        click.echo(csv_bytes(header, rows).decode("utf-8-sig"), nl=False)
        return
    data = csv_bytes(header, rows) if file_format == "csv" else xlsx_bytes(header, rows)
    try:
        write_atomically(out, [data], private=personal)
    except OSError as exc:
        raise StaffError(m.STAFF_WRITE_FAILED.format(path=out, reason=exc.strerror or exc)) from exc
    done = m.STAFF_EXPORTED_PERSONAL if personal else m.STAFF_EXPORTED
    click.echo(done.format(count=len(found.cases), path=out))


@click.command(cls=StaffCommand, help=H["stats"], short_help=m.STAFF_SHORT_HELP["stats"])
@today_option
@holidays_option
@click.option("--public", is_flag=True, help=H["stats.public"])
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=H["stats.out"])
@click.option("--min-submissions", type=click.IntRange(min=1), default=None, help=H["stats.min_submissions"])
@pass_staff
def stats(
    staff: Staff,
    today: date | None,
    holidays: Path | None,
    public: bool,
    out: Path | None,
    min_submissions: int | None,
) -> None:
    if not public and (out is not None or min_submissions is not None):
        raise click.UsageError(m.STAFF_PUBLIC_ONLY)
    cal, today = staff.calendar(holidays), today or now().date()
    if public:
        write_public_stats(staff, out, today, cal, min_submissions or public_stats.MIN_SUBMISSIONS)
        return
    state = staff.store.state()
    figures = compute_stats(state.submissions.values(), today, cal.holidays, cal.workdays)
    for line in [*stats_lines(figures, today), *evaluation_lines(state.evaluations)]:
        click.echo(line)


def write_public_stats(staff: Staff, out: Path | None, today: date, cal: Calendar, min_submissions: int) -> None:
    """`stats --public`: the figures per deputy and station for the site (forms_api/staff/public_stats.py)."""
    store = staff.store
    out = out or settings.resolve_path(public_stats.DEFAULT_PATH)
    try:
        state = fold(store.scan())  # without the lock: the queue may sit on a read-only mount
    except OSError as exc:
        raise StaffError(m.STAFF_QUEUE_UNAVAILABLE.format(reason=exc)) from exc
    figures = public_stats.compute(state, today, cal, min_submissions)
    try:
        public_stats.write(out, figures)
    except OSError as exc:
        raise StaffError(m.STAFF_WRITE_FAILED.format(path=out, reason=exc.strerror or exc)) from exc
    counts = {"deputies": len(figures["deputies"]), "stations": len(figures["stations"])}
    click.echo(
        m.STAFF_PUBLIC_STATS_DONE.format(path=out, min=min_submissions, too_few=public_stats.too_few(figures), **counts)
    )


COMMANDS = (export_cases, stats)
