"""`python -m forms_api notify [--follow] [--at TIME] | notify status | notify digest`: the worker that sends the
outbox's notifications (forms_api/notify/worker.py), what is pending or failed, and the working day's digest."""

from __future__ import annotations

import logging
import time as systime
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from forms_api import messages_notify as mn
from forms_api.cases import TZ, is_working_day, now
from forms_api.cases.digest import digests
from forms_api.notify import worker as w
from forms_api.notify.config import NOTIFY_SETTINGS, channels, problems
from forms_api.public.sitedata import Targets
from forms_api.staff.group import DATE, Staff, StaffError, StaffSubgroup, pass_staff
from forms_api.store import Store
from forms_api.store.folder import LOG_NAME

KEYS = ("QUEUE_DIR", "QUEUE_FSYNC", "SITE_URL", "SITE_DIR", "HOLIDAYS", *NOTIFY_SETTINGS)


class AtParam(click.ParamType):
    name = "YYYY-MM-DDTHH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(value, param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _config(staff: Staff, *, sending: bool = False) -> dict[str, Any]:
    """The settings; to send, refused as the service refuses them at start: a notice must not go out with a link a
    phone cannot open (no SITE_URL) or to a provider that lacks its keys."""
    config = staff.resolve(*KEYS)
    if not channels(config).on:
        raise StaffError(mn.NOTIFY_OFF)
    if sending and (lacking := problems(config)):
        raise StaffError(mn.NOTIFY_INCOMPLETE.format(problems="\n".join(f"  {line}" for line in lacking)))
    return config


class _ToStderr(logging.Handler):
    """The worker's lines (what the `log` sender would send, a run's counts, failed tries) on stderr, which systemd
    keeps in the journal; written to the stderr of the moment (click's, under a test runner)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _log_to_stderr() -> None:
    logger = logging.getLogger(w.log.name)
    if not any(isinstance(handler, _ToStderr) for handler in logger.handlers):
        handler = _ToStderr()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _started_store(staff: Staff, poll: float) -> Store:
    """The queue to follow; a folder the service has not written in yet (it makes its log with the first message) is
    waited for, said once, rather than an error that would have systemd restart the worker every few seconds."""
    said = False
    while True:
        try:
            return staff.store
        except StaffError:
            config = staff.queue()
            folder = Path(config["QUEUE_DIR"])
            if config["QUEUE_URL"] or not folder.is_dir() or (folder / LOG_NAME).exists():
                raise  # no queue there at all (a mistyped folder must fail), or another reason than its first message
            if not said:
                w.log.info(mn.NOTIFY_WAITING.format(path=config["QUEUE_DIR"]))
                said = True
            systime.sleep(poll)


def _clock(at: datetime | None) -> w.Clock:
    if at is None:
        return now
    start = systime.monotonic()
    return lambda: at + (datetime.fromtimestamp(systime.monotonic() - start, TZ) - datetime.fromtimestamp(0, TZ))


@click.group(
    "notify",
    cls=StaffSubgroup,
    invoke_without_command=True,
    help=mn.NOTIFY_HELP["notify"],
    short_help=mn.NOTIFY_SHORT_HELP["notify"],
)
@click.option("--follow", is_flag=True, help=mn.NOTIFY_HELP["notify.follow"])
@click.option("--at", type=AtParam(), default=None, help=mn.NOTIFY_HELP["notify.at"])
@click.option("--poll", type=click.FloatRange(min=0.05), default=1.0, help=mn.NOTIFY_HELP["notify.poll"])
@click.pass_context
def notify(ctx: click.Context, follow: bool, at: datetime | None, poll: float) -> None:
    if ctx.invoked_subcommand is not None:
        return
    staff: Staff = ctx.find_object(Staff)  # type: ignore[assignment]
    config = _config(staff, sending=True)
    _log_to_stderr()
    store = _started_store(staff, poll) if follow else staff.store
    worker = w.Worker(
        store,
        w.senders(config),
        w.Rules.from_config(config),
        site_url=config["SITE_URL"],
        contacts=w.Contacts(config["NOTIFY_CONTACTS"]),
        clock=_clock(at),
    )
    if follow:
        w.follow(worker, poll=poll)
    counts = worker.run_once()
    click.echo(mn.NOTIFY_RAN.format(**{k: counts.get(k, 0) for k in ("sent", "retry", "failed", "skipped", "held")}))


@notify.command("status", help=mn.NOTIFY_HELP["status"], short_help=mn.NOTIFY_SHORT_HELP["status"])
@pass_staff
def status(staff: Staff) -> None:
    state = staff.store.state()
    box = state.outbox
    at = now()
    pending = list(box.pending.values())
    waiting = len(pending) - len(box.due(at))
    failed, skipped, sent = (box.by_state(s) for s in ("failed", "skipped", "sent"))
    click.echo(
        mn.STATUS_HEAD.format(
            pending=len(pending), waiting=waiting, failed=len(failed), skipped=len(skipped), sent=len(sent)
        )
    )
    for notice in [*pending, *failed]:
        click.echo(
            mn.STATUS_LINE.format(
                state=mn.STATE_LABELS[notice.state],
                id=notice.id,
                ref=notice.ref or "-",
                channel=notice.channel,
                template=notice.template,
                to=notice.to,
                attempts=notice.attempts,
                error=notice.error or "",
            ).rstrip()
        )


@notify.command("digest", help=mn.NOTIFY_HELP["digest"], short_help=mn.NOTIFY_SHORT_HELP["digest"])
@click.option("--today", type=DATE, default=None, help=mn.NOTIFY_HELP["digest.today"])
@pass_staff
def digest(staff: Staff, today: date | None) -> None:
    config = _config(staff)
    day = today or now().date()
    if not is_working_day(day, *config["HOLIDAYS"]):
        click.echo(mn.DIGEST_DAY_OFF.format(day=day.isoformat()))
        return
    targets = Targets(Path(config["SITE_DIR"]))
    stations = [station for station, _ in targets.listed("station")]
    stored = staff.store.append(lambda state: digests(state, day, config["HOLIDAYS"], stations, targets.deputies_of))
    click.echo(mn.DIGEST_DONE.format(count=len(stored), day=day.isoformat()) if stored else mn.DIGEST_NONE)


COMMANDS = (notify,)
