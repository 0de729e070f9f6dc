"""`purge | backup | restore`: the operator's commands: retention (anonymise cases closed long ago) and backups."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from forms_api import messages as m
from forms_api.cases import now
from forms_api.cases.retention import Report, anonymise
from forms_api.messages_console import BACKUP_CONSOLE, RESTORE_CONSOLE
from forms_api.staff.group import DATE, Staff, StaffCommand, StaffError, pass_staff
from forms_api.store import Store, backup, location

OPS = m.OPS_HELP


def purge(store: Store, *, days: int, today: date, dry_run: bool = False) -> Report:
    """Anonymise the due cases of `store` (see the module's docstring); with `dry_run` only count them.

    A first lock-free pass decides whether anything is to be done, so that a purge with nothing to do never rewrites
    the log; the rewrite itself decides again under the exclusive lock, against every append made meanwhile.
    """
    _, report = anonymise(list(store.scan()), days=days, today=today)
    if dry_run or (report.anonymised == 0 and report.evaluations == 0):
        return report

    def transform(events: list[dict]) -> list[dict]:
        nonlocal report
        result, report = anonymise(events, days=days, today=today)
        return result

    store.rewrite(transform)
    return report


@click.command("purge", cls=StaffCommand, help=OPS["purge"], short_help=m.OPS_SHORT_HELP["purge"])
@click.option("--days", type=click.IntRange(min=1), default=None, help=OPS["purge.days"])
@click.option("--today", type=DATE, default=None, help=OPS["purge.today"])
@click.option("--dry-run", is_flag=True, help=OPS["purge.dry_run"])
@pass_staff
def purge_cases(staff: Staff, days: int | None, today: date | None, dry_run: bool) -> None:
    store = staff.store
    report = purge(store, days=staff.setting("RETENTION_DAYS", days), today=today or now().date(), dry_run=dry_run)
    for line in report.lines(dry_run=dry_run):
        click.echo(line)


@click.command("backup", cls=StaffCommand, help=OPS["backup"], short_help=m.OPS_SHORT_HELP["backup"])
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), default=None, help=OPS["backup.keep"])
@pass_staff
def backup_queue(staff: Staff, dest: Path, keep: int | None) -> None:
    store = staff.store  # first: a queue that is not there must not get the accounts' lock file made in it
    try:
        documents = {"accounts": staff.accounts(), "templates": staff.templates()}
        path, contents = backup.backup(store, dest, now(), **documents)
        pruned = backup.prune(path.parent, keep) if keep is not None and path.parent == dest else []
    except backup.BackupError as exc:
        raise StaffError(str(exc)) from exc
    click.echo(m.BACKUP_DONE.format(events=contents.events, submissions=contents.submissions, path=path))
    if contents.dump is not None:
        click.echo(m.BACKUP_DUMP_DONE.format(path=contents.dump))
    if contents.accounts or contents.templates:
        click.echo(BACKUP_CONSOLE.format(accounts=contents.accounts, templates=contents.templates))
    if pruned:
        click.echo(m.BACKUP_PRUNED.format(count=len(pruned)))


@click.command("restore", cls=StaffCommand, help=OPS["restore"], short_help=m.OPS_SHORT_HELP["restore"])
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help=OPS["restore.force"])
@pass_staff
def restore_queue(staff: Staff, file: Path, force: bool) -> None:
    if not file.is_file():
        raise StaffError(m.BACKUP_MISSING.format(path=file))
    days = staff.setting("RETENTION_DAYS")
    if backup.is_dump(file):
        restored = _restore_dump(staff, file, force)
        store = staff.open()
    else:
        try:
            lines = backup.read_backup(file, force=force)
            store = staff.open(create=True)
            documents = {"accounts": staff.accounts(create=True), "templates": staff.templates()}
            restored = backup.restore(store, file, lines, force=force, **documents)
        except backup.BackupError as exc:
            raise StaffError(str(exc)) from exc
    counts = {"events": restored.contents.events, "submissions": restored.contents.submissions}
    click.echo(m.RESTORE_DONE.format(path=file, queue=store.location, **counts))
    if restored.accounts or restored.templates:
        click.echo(RESTORE_CONSOLE.format(accounts=restored.accounts, templates=restored.templates))
    if restored.lost:
        click.echo(m.RESTORE_FORCED.format(lost=restored.lost))
    key_file = store.evaluations_key_file
    if restored.key_from_backup:
        click.echo(m.RESTORE_KEY_FROM_BACKUP.format(key_file=key_file))
    if restored.key_missing:
        click.echo(m.RESTORE_NO_KEY.format(count=restored.contents.evaluations, key_file=key_file))
    for line in purge(store, days=days, today=now().date()).lines():
        click.echo(line)


def _restore_dump(staff: Staff, file: Path, force: bool) -> backup.Restored:
    """`restore FILE.pgdump`: the whole database back with pg_restore (backup.restore_dump)."""
    bin_dir = staff.setting("PG_BIN_DIR") or None
    try:
        return backup.restore_dump(location(staff.queue()), file, force=force, bin_dir=bin_dir)
    except backup.BackupError as exc:
        raise StaffError(str(exc)) from exc


COMMANDS = (purge_cases, backup_queue, restore_queue)
