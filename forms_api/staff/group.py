"""What every staff command shares: the group and its context (settings and store), errors, parameters and options,
and click's own texts in Chinese while the staff tools run (generator/chinese_click.py).

Exit codes: 0 success; 1 a refused action, an unknown reference, an unusable queue or file; 2 wrong usage.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click

from forms_api import messages as m
from forms_api import messages_console, settings
from forms_api.cases import CHANNELS, CITIZEN, REF_RE, STATUSES, TARGET_RE, Calendar, Rules, Submission, WorkflowError
from forms_api.cases.actions import CONTROL, TextProblem, clean_text
from forms_api.notify.config import CHANNEL_KEYS
from forms_api.staff.text import plain
from forms_api.store import (
    Accounts,
    QueueMissing,
    QueueUnavailable,
    ReplyTemplates,
    Store,
    open_accounts,
    open_store,
    open_templates,
)
from generator.chinese_click import ChineseCommand, ChineseGroup

H = m.STAFF_HELP
_CHANNEL_HELP = messages_console.CHANNEL_OPTION_HELP.format(
    choices="、".join(f"{label}（{key}）" for key, label in messages_console.CHANNEL_LABELS.items())
)
_STATION_RE = re.compile(r"^[a-z0-9-]{1,64}$")
# The options that override a setting, named as staff typed them in an error about one.
OPTION_NAMES = {
    "QUEUE_DIR": "--queue",
    "QUEUE_URL": "--queue",
    "SITE_DIR": "--site",
    "HOLIDAYS": "--holidays",
    "RETENTION_DAYS": "--days",
    "SITE_URL": "--base-url",
}


class StaffError(click.ClickException):
    """A failure staff can act on: printed as "错误：..." without a traceback, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(m.STAFF_ERROR.format(message=self.format_message()), err=True)


def setting_error(key: str, error: settings.ConfigError) -> StaffError:
    """A bad setting in the staff's words: the holidays file's own messages, the retention period's, else the
    loader's lines (each naming its source: an option or a FORMS_* variable)."""
    problem = error.problems.get(key)
    if isinstance(problem, settings.HolidaysFileError):
        shape = m.STAFF_READ_FAILED if problem.unreadable else m.STAFF_HOLIDAYS_INVALID
        return StaffError(shape.format(path=problem.path, reason=problem.reason))
    if key == "RETENTION_DAYS":
        return StaffError(m.PURGE_BAD_CONFIG.format(reason=error))
    return StaffError(m.STAFF_BAD_SETTING.format(reason=error))


@dataclass
class Staff:
    """What the group passes to its commands: its options, every setting through the service's loader (the
    command's options override), and the store, opened on first use."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _store: Store | None = None

    def resolve(self, *keys: str, **options: Any) -> dict[str, Any]:
        """The settings `keys`, from the options given (not None), else FORMS_* variables, else the defaults."""
        given = {key: value for key, value in {**self.overrides, **options}.items() if value is not None}
        try:
            return settings.load(given, keys=keys, names=OPTION_NAMES)
        except settings.ConfigError as exc:
            raise setting_error(next(iter(exc.problems), ""), exc) from None

    def setting(self, key: str, option: Any = None) -> Any:
        """One setting; `option`, the command's option for it, when given."""
        return self.resolve(key, **{key: option})[key]

    def calendar(self, holidays: Path | None) -> Calendar:
        """The working-day calendar: --holidays, else FORMS_HOLIDAYS, as the service reads it."""
        return self.setting("HOLIDAYS", None if holidays is None else Path(holidays).absolute())

    def rules(self) -> Rules:
        """The workflow's rules (rating window, review of deputies' answers), as the service reads them."""
        return settings.rules(self.resolve("RATING_WINDOW_DAYS", "STAFF_DEPUTY_REVIEW"))

    def site(self, site: Path | None) -> tuple[Path, bool]:
        """The built site: --site, else FORMS_SITE_DIR, else the service's default; and whether one was named (a
        site nobody named may be missing where one named must exist)."""
        option = None if site is None else Path(site).absolute()
        return self.setting("SITE_DIR", option), option is not None or settings.given("SITE_DIR")

    def queue(self, *keys: str) -> dict[str, Any]:
        """The settings naming the store (--queue, else QUEUE_URL, else QUEUE_DIR) and `keys`; QUEUE_DIR is read
        only when no URL is given, so that a bad FORMS_QUEUE_DIR never stops a command given --queue."""
        config = self.resolve("QUEUE_URL", *keys)
        return config if config["QUEUE_URL"] else config | self.resolve("QUEUE_DIR")

    def open(self, *, create: bool = False) -> Store:
        """The store the settings name; a missing one is an error unless `create` (a restore)."""
        config = self.queue("QUEUE_FSYNC", "EVALUATIONS_KEY_FILE", "PG_BIN_DIR", *CHANNEL_KEYS)  # notices go too
        if "://" in config["QUEUE_URL"] and not config["EVALUATIONS_KEY_FILE"]:  # the key beside QUEUE_DIR
            config |= self.resolve("QUEUE_DIR")
        try:
            return open_store(config, create=create)
        except QueueMissing as exc:  # a mistyped --queue must fail, not show an empty queue
            raise StaffError(_missing(str(exc))) from exc

    def accounts(self, *, create: bool = False) -> Accounts:
        """The back office's accounts beside the queue; `create` for the first account of a new installation."""
        try:
            return open_accounts(self.queue(), create=create)
        except QueueMissing as exc:
            raise StaffError(m.STAFF_NO_QUEUE.format(path=exc)) from exc

    def templates(self) -> ReplyTemplates:
        """The office's reply templates beside the queue the settings (or --queue) name."""
        return open_templates(self.queue())

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self.open()
        return self._store

    def submission(self, ref: str) -> Submission:
        """The case `ref`, or a StaffError saying there is none."""
        sub = self.store.state().submissions.get(ref)
        if sub is None:
            raise StaffError(m.STAFF_NOT_FOUND.format(ref=plain(ref)))
        return sub


# click's texts in Chinese: generator/chinese_click.py, shared with the generator's command line.
StaffCommand = ChineseCommand
StaffSubgroup = ChineseGroup  # a group under the staff tools (`users`); its errors go up to StaffGroup


class StaffGroup(ChineseGroup):
    """Turns the workflow's refusals and an unusable queue into StaffErrors (raw, with traceback, under --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (WorkflowError, QueueUnavailable) as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, QueueUnavailable):
                raise StaffError(m.STAFF_QUEUE_UNAVAILABLE.format(reason=exc)) from exc
            hint = m.STAFF_WORKFLOW_HINTS.get(exc.code, "") if isinstance(exc, WorkflowError) else ""
            raise StaffError(str(exc) + hint) from exc


# --- parameters -------------------------------------------------------------------------------------------------------


class DateParam(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(m.STAFF_BAD_DATE.format(value=value), param, ctx)


DATE = DateParam()
_STATUS_KEYS = {key: key for key in STATUSES} | {m.STATUS_LABELS[key]: key for key in STATUSES}


def _statuses(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> frozenset[str]:
    choices = "、".join(f"{m.STATUS_LABELS[key]}（{key}）" for key in STATUSES)
    for value in values:
        if value not in _STATUS_KEYS:
            raise click.BadParameter(m.STAFF_BAD_STATUS.format(value=value, choices=choices), ctx, param)
    return frozenset(_STATUS_KEYS[value] for value in values)


def _target(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not TARGET_RE.match(value):
        raise click.BadParameter(m.STAFF_BAD_TARGET.format(value=value), ctx, param)
    return value


def _station(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _STATION_RE.match(value):
        raise click.BadParameter(m.STAFF_BAD_STATION.format(value=value), ctx, param)
    return value


def _handler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _ref(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not REF_RE.match(value):  # cannot exist: the same answer as for an unknown one, exit code 1
        raise StaffError(m.STAFF_NOT_FOUND.format(ref=plain(value)))
    return value


ref_argument = click.argument("ref", callback=_ref)
by_option = click.option("--by", envvar="FORMS_STAFF", default=None, metavar="姓名", help=H["*.by"])
today_option = click.option("--today", type=DATE, default=None, help=H["*.today"])
yes_option = click.option("--yes", is_flag=True, help=H["*.yes"])
site_option = click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=None, help=H["*.site"])
holidays_option = click.option(
    "--holidays", type=click.Path(dir_okay=False, path_type=Path), default=None, help=H["*.holidays"]
)


def filter_options(func: Callable) -> Callable:
    """--status, --target, --station, --site, --channel, --handler, --overdue, --supervised, --all: shared by `list`
    and `export`."""
    options = [
        click.option("--status", "statuses", multiple=True, callback=_statuses, metavar="状态", help=H["*.status"]),
        click.option("--target", callback=_target, metavar="deputy:ID|station:ID", help=H["*.target"]),
        click.option("--station", callback=_station, metavar="ID", help=H["*.station"]),
        site_option,
        click.option("--channel", type=click.Choice(CHANNELS), default=None, help=_CHANNEL_HELP),
        click.option("--handler", callback=_handler, metavar="名称", help=messages_console.HANDLER_OPTION_HELP),
        click.option("--overdue", is_flag=True, help=H["*.overdue"]),
        click.option("--supervised", is_flag=True, help=H["*.supervised"]),
        click.option("--all", "include_all", is_flag=True, help=H["*.all"]),
        today_option,
        holidays_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


# --- reading files ----------------------------------------------------------------------------------------------------


def table_format(given: str | None, out: Path) -> str:
    """A table's format: `--format` if given, else by `--out`'s suffix (.xlsx, else CSV); a StaffError when the two
    disagree (a CSV in a file named .xlsx would not open in Excel)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if given and str(out) != "-" and suffix in ("csv", "xlsx") and suffix != given:
        raise StaffError(m.STAFF_FORMAT_SUFFIX.format(format=given, suffix=suffix))
    return given or ("xlsx" if suffix == "xlsx" else "csv")


def read_text(path: Path) -> str:
    """A UTF-8 file staff named; a StaffError naming it when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StaffError(m.STAFF_READ_FAILED.format(path=path, reason=getattr(exc, "strerror", None) or exc)) from exc


def staff_text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """Text staff typed (an answer, a reason, a note): the shared rule (cases.actions.clean_text), as a StaffError."""
    try:
        return clean_text(value, what, required=required)
    except TextProblem as exc:
        raise StaffError(str(exc)) from exc


def actor(by: str | None) -> str:
    """Who acts: --by, else FORMS_STAFF (through click), else the login name."""
    if by is None:
        try:
            by = getpass.getuser()
        except (OSError, KeyError) as exc:
            raise StaffError(m.STAFF_NO_ACTOR) from exc
    name = by.strip()
    if not name or name == CITIZEN or CONTROL.search(name) or "\n" in name:
        raise StaffError(m.STAFF_BAD_ACTOR.format(by=plain(by)))
    return name


pass_staff = click.make_pass_decorator(Staff)


def _missing(where: str) -> str:
    """Why the queue at `where` cannot be opened: not there at all, or a folder the service has not started in yet."""
    started = "://" in where or not Path(where).is_dir()
    return (m.STAFF_NO_QUEUE if started else m.STAFF_QUEUE_NOT_STARTED).format(path=where)
