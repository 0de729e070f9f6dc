"""`store upgrade | copy`: the operator's commands for the store itself (forms_api/store/copy.py): create or upgrade
a PostgreSQL schema, and move a queue between a folder and a database, verified."""

from __future__ import annotations

from pathlib import Path

import click

from forms_api import messages as m
from forms_api.staff.group import Staff, StaffError, StaffSubgroup, pass_staff
from forms_api.store import evaluations_key_file, location
from forms_api.store.copy import CopyError, copy, upgrade_store

H = m.STORE_HELP


def store_location(value: str) -> str:
    """A store staff typed: a URL as it is, a folder relative to where they typed it."""
    return value if "://" in value else str(Path(value).absolute())


@click.group("store", cls=StaffSubgroup, help=H["store"], short_help=m.STORE_SHORT_HELP["store"])
def store() -> None:
    pass


@store.command(help=H["upgrade"], short_help=m.STORE_SHORT_HELP["upgrade"])
@pass_staff
def upgrade(staff: Staff) -> None:
    done = upgrade_store(location(staff.queue()))
    if done.before is None:
        click.echo(m.STORE_FOLDER_NO_UPGRADE.format(location=done.location))
    elif done.before == done.after:
        click.echo(m.STORE_UP_TO_DATE.format(location=done.location, after=done.after))
    else:
        click.echo(m.STORE_UPGRADED.format(location=done.location, before=done.before, after=done.after))


@store.command("copy", help=H["copy"], short_help=m.STORE_SHORT_HELP["copy"])
@click.option("--from", "source", required=True, metavar="来源", help=H["copy.from"])
@click.option("--to", "dest", required=True, metavar="目标", help=H["copy.to"])
@pass_staff
def copy_store(staff: Staff, source: str, dest: str) -> None:
    origin = store_location(source)
    settings = {"QUEUE_URL": origin} | staff.resolve("EVALUATIONS_KEY_FILE", "QUEUE_DIR")
    try:
        done = copy(origin, store_location(dest), key_file=evaluations_key_file(settings))
    except CopyError as exc:
        raise StaffError(str(exc)) from exc
    counts = {"events": done.events, "accounts": done.accounts, "templates": done.templates}
    click.echo(m.STORE_COPY_DONE.format(source=source, dest=dest, digest=done.digest, **counts))


COMMANDS = (store,)
