"""`python -m forms_api list | show | assign | reply | close | reopen | note | export | stats`: the staff tools;
`stats --public`, `purge | backup | restore`: the operator's (public figures, retention, backups).

A thin command line over the event log (forms_api/queue.py) and the workflow (forms_api/workflow.py). Every action is
ONE event appended through `EventLog.append`, with `workflow.check` run inside `decide`, i.e. under the log's exclusive
lock against the state including everybody else's appends: two staff members closing the same case at once get one
`closed` event and one refusal. Citizens' text is printed through `export.plain`, so it cannot drive the terminal.

Exit codes: 0 success; 1 a refused action, an unknown reference, an unusable queue or file; 2 wrong usage.

click's own texts (usage, help headings, usage errors) are shown in Chinese, from messages.CLICK_TEXTS, while these
tools run and only then: see "click's texts in Chinese" below.
"""

from __future__ import annotations

import getpass
import gettext
import json
import os
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from forms_api import backup, config, export, public_stats, retention
from forms_api import messages as m
from forms_api.export import (
    Calendar,
    assignee_text,
    list_lines,
    one_line,
    parse_calendar,
    plain,
    show_lines,
    shown_deadline,
)
from forms_api.queue import LOG_NAME, EventLog, QueueUnavailable, write_atomically
from forms_api.schema import Targets
from forms_api.workflow import (
    CITIZEN,
    REF_RE,
    STATUSES,
    TARGET_RE,
    State,
    Submission,
    WorkflowError,
    check,
    deadline_for,
    make_event,
    now,
)

H = m.STAFF_HELP
EXCERPT = 30  # characters of a case's text in `list`
_STATION_RE = re.compile(r"^[a-z0-9-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DEFAULT_SITE_DIR = config.SETTINGS["SITE_DIR"][0]  # the service's: <project>/site


class StaffError(click.ClickException):
    """A failure staff can act on: printed as "错误：..." without a traceback, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(m.STAFF_ERROR.format(message=self.format_message()), err=True)


@dataclass
class Staff:
    """What the group passes to its commands: the queue folder, opened on first use."""

    queue_dir: Path
    _log: EventLog | None = None

    @property
    def log(self) -> EventLog:
        if self._log is None:
            # EventLog would create a missing folder: a mistyped --queue must fail, not show an empty queue.
            if not (self.queue_dir / LOG_NAME).is_file():
                raise StaffError(m.STAFF_NO_QUEUE.format(path=self.queue_dir))
            self._log = EventLog(self.queue_dir)
        return self._log

    def state(self) -> State:
        return self.log.state()

    def submission(self, ref: str) -> Submission:
        sub = self.state().submissions.get(ref)
        if sub is None:
            raise StaffError(m.STAFF_NOT_FOUND.format(ref=plain(ref)))
        return sub


# --- click's texts in Chinese -----------------------------------------------------------------------------------------
# click translates its texts with gettext, bound in each of its modules as module globals (`from gettext import
# gettext as _`, `ngettext`) and looked up on every call. Those globals are replaced with functions that answer from
# messages.CLICK_TEXTS while StaffGroup.main runs (a context variable: this thread or task only) and are gettext's
# own otherwise, so other click programs in the same process and gettext's global domain are left as they were.

_CHINESE: ContextVar[bool] = ContextVar("forms_api_staff_chinese", default=False)


def _gettext(message: str) -> str:
    if _CHINESE.get() and message in m.CLICK_TEXTS:
        return m.CLICK_TEXTS[message]
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    message = singular if n == 1 else plural
    if _CHINESE.get() and message in m.CLICK_TEXTS:
        return m.CLICK_TEXTS[message]
    return gettext.ngettext(singular, plural, n)


# The modules whose texts staff may see (all imported by `import click`); one a later click drops is skipped.
CLICK_MODULES = [
    sys.modules[name]
    for name in ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types")
    if name in sys.modules
]
for _module in CLICK_MODULES:
    _module._ = _gettext  # type: ignore[attr-defined]
    if hasattr(_module, "ngettext"):
        _module.ngettext = _ngettext  # type: ignore[attr-defined]
del _module


class StaffFormatter(click.HelpFormatter):
    """Help and usage lines in Chinese typography: "用法：python -m forms_api ...", "选项："."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, m.CLICK_USAGE if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{m.CLICK_HEADING_COLON}\n")


class StaffContext(click.Context):
    formatter_class = StaffFormatter


def _help_option(self: click.Command, ctx: click.Context) -> click.Option | None:
    """The --help option, explaining itself in Chinese too."""
    option = click.Command.get_help_option(self, ctx)
    if option is not None:
        option.help = m.STAFF_HELP_OPTION
    return option


class StaffCommand(click.Command):
    context_class = StaffContext
    get_help_option = _help_option


class StaffGroup(click.Group):
    """Turns the workflow's refusals and an unusable queue into StaffErrors (raw, with traceback, under --debug)."""

    command_class = StaffCommand
    context_class = StaffContext
    get_help_option = _help_option

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main (parse, run, report errors, exit) with click's own texts in Chinese."""
        token = _CHINESE.set(True)
        try:
            return super().main(*args, **kwargs)
        finally:
            _CHINESE.reset(token)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (WorkflowError, QueueUnavailable) as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, QueueUnavailable):
                raise StaffError(m.STAFF_QUEUE_UNAVAILABLE.format(reason=exc)) from exc
            raise StaffError(str(exc)) from exc


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


def _site(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """--site; else FORMS_SITE_DIR, relative to the project folder as the service reads it; else None, which means
    DEFAULT_SITE_DIR (see site_dir): a site nobody named may be missing where one named must exist."""
    if value is None and os.environ.get("FORMS_SITE_DIR", "").strip():
        return config.resolve_path(os.environ["FORMS_SITE_DIR"])
    return value


def site_dir(site: Path | None) -> Path:
    return DEFAULT_SITE_DIR if site is None else site


def _ref(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not REF_RE.match(value):  # cannot exist: the same answer as for an unknown one, exit code 1
        raise StaffError(m.STAFF_NOT_FOUND.format(ref=plain(value)))
    return value


ref_argument = click.argument("ref", callback=_ref)
by_option = click.option("--by", envvar="FORMS_STAFF", default=None, metavar="NAME", help=H["*.by"])
today_option = click.option("--today", type=DATE, default=None, help=H["*.today"])
site_option = click.option(
    "--site", type=click.Path(file_okay=False, path_type=Path), default=None, callback=_site, help=H["*.site"]
)
holidays_option = click.option(
    "--holidays",
    envvar="FORMS_HOLIDAYS",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=H["*.holidays"],
)


def filter_options(func: Callable) -> Callable:
    """--status, --target, --station, --site, --overdue, --all: shared by `list` and `export`."""
    options = [
        click.option("--status", "statuses", multiple=True, callback=_statuses, metavar="S", help=H["*.status"]),
        click.option("--target", callback=_target, metavar="deputy:ID|station:ID", help=H["*.target"]),
        click.option("--station", callback=_station, metavar="ID", help=H["*.station"]),
        site_option,
        click.option("--overdue", is_flag=True, help=H["*.overdue"]),
        click.option("--all", "include_all", is_flag=True, help=H["*.all"]),
        today_option,
        holidays_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


# --- reading files ----------------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A UTF-8 file staff named; a StaffError naming it when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StaffError(m.STAFF_READ_FAILED.format(path=path, reason=getattr(exc, "strerror", None) or exc)) from exc


def load_calendar(path: Path | None) -> Calendar:
    """The holidays file staff named (export.parse_calendar), or none; a StaffError naming the file."""
    if path is None:
        return Calendar()
    try:
        return parse_calendar(read_text(path))
    except ValueError as exc:
        raise StaffError(m.STAFF_HOLIDAYS_INVALID.format(path=path, reason=exc)) from None


def station_deputies(site: Path, station: str) -> frozenset[str]:
    """The ids of the deputies (current or former) attached to `station`, from the built site's open data."""
    path = site / "data" / "deputies.json"
    if not path.is_file():
        raise StaffError(m.STAFF_SITE_MISSING.format(path=path))
    try:
        deputies = json.loads(path.read_text(encoding="utf-8"))["deputies"]
        return frozenset(str(d["id"]) for d in deputies if station in (d.get("stations") or ()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StaffError(m.STAFF_SITE_INVALID.format(path=path, reason=exc)) from exc


def target_names(site: Path | None) -> export.TargetNames:
    """The names of deputies and stations from the built site's open data, as the service's pages show them; "" for
    every target when the data is missing or unreadable (staff then see ids)."""
    return Targets(site_dir(site)).name


def deputy_name(site: Path, target: str) -> str:
    """The name citizens know the case's deputy by, from the built site's open data: what an assignment to the deputy
    shows them. A StaffError asking for --name when the case is not to a deputy or the name cannot be found."""
    if not target.startswith("deputy:"):
        raise StaffError(m.STAFF_DEPUTY_NAME_REQUIRED)
    deputy = target.removeprefix("deputy:")
    path = site / "data" / "deputies.json"
    if not path.is_file():
        raise StaffError(m.STAFF_DEPUTY_NAME_NO_SITE.format(path=path, deputy=deputy))
    try:
        deputies = json.loads(path.read_text(encoding="utf-8"))["deputies"]
        names = [d.get("name") for d in deputies if d.get("id") == deputy]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StaffError(m.STAFF_SITE_INVALID.format(path=path, reason=exc)) from exc
    name = names[0].strip() if names and isinstance(names[0], str) else ""
    if not name or _CONTROL.search(name):
        raise StaffError(m.STAFF_DEPUTY_NAME_UNKNOWN.format(path=path, deputy=deputy))
    return name


def staff_text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """Text staff typed (an answer, a reason, a note): trimmed, not empty when required, no control characters."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        if required:
            raise StaffError(m.STAFF_TEXT_EMPTY.format(what=m.STAFF_TEXT_WHAT[what]))
        return None
    if _CONTROL.search(text):
        raise StaffError(m.STAFF_TEXT_CONTROL.format(what=m.STAFF_TEXT_WHAT[what]))
    return text


def actor(by: str | None) -> str:
    """Who acts: --by, else FORMS_STAFF (through click), else the login name."""
    if by is None:
        try:
            by = getpass.getuser()
        except (OSError, KeyError) as exc:
            raise StaffError(m.STAFF_NO_ACTOR) from exc
    name = by.strip()
    if not name or name == CITIZEN or _CONTROL.search(name) or "\n" in name:
        raise StaffError(m.STAFF_BAD_ACTOR.format(by=plain(by)))
    return name


# --- selecting and showing cases --------------------------------------------------------------------------------------


def _ref_key(ref: str) -> tuple[int, int]:
    match = REF_RE.match(ref)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def select(
    state: State,
    *,
    statuses: frozenset[str],
    target: str | None,
    station: str | None,
    site: Path | None,
    overdue: bool,
    include_all: bool,
    today: date,
    cal: Calendar,
) -> list[Submission]:
    """The cases that pass the filters: overdue first, then by deadline (none last), then by reference."""
    station_targets: set[str] = set()
    if station is not None:
        station_targets.add(f"station:{station}")
        if site is not None or (DEFAULT_SITE_DIR / "data" / "deputies.json").is_file():
            station_targets |= {f"deputy:{deputy}" for deputy in station_deputies(site_dir(site), station)}
    chosen = []
    for sub in state.submissions.values():
        if (sub.status not in statuses) if statuses else (not include_all and not sub.open):
            continue
        if (target is not None and sub.target != target) or (station is not None and sub.target not in station_targets):
            continue
        if overdue and not sub.overdue(today, *cal):
            continue
        chosen.append(sub)
    chosen.sort(key=lambda sub: (not sub.overdue(today, *cal), shown_deadline(sub, cal) or date.max, _ref_key(sub.ref)))
    return chosen


# --- acting -----------------------------------------------------------------------------------------------------------


def act(staff: Staff, ref: str, event_type: str, by: str, fields: Callable[[Submission], dict]) -> Submission:
    """Append ONE `event_type` event for `ref`, checked against the state under the log's exclusive lock.

    `fields(sub)` gives the event's fields; it runs inside `decide`, after the check, and must not do I/O.
    """

    def decide(state: State) -> dict:
        sub = state.submissions.get(ref)
        if sub is None:
            raise StaffError(m.STAFF_NOT_FOUND.format(ref=ref))
        check(sub, event_type)
        return make_event(event_type, ref, by, **fields(sub))

    staff.log.append(decide)
    return staff.submission(ref)


@click.group(cls=StaffGroup, help=H["main"], context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--queue",
    "queue_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=H["main.queue"],
)
@click.option("--debug", is_flag=True, help=H["main.debug"])
@click.pass_context
def main(ctx: click.Context, queue_dir: Path | None, debug: bool) -> None:
    if queue_dir is None:  # the same folder the service uses: FORMS_QUEUE_DIR, relative to the project folder
        queue_dir = config.resolve_path(os.environ.get("FORMS_QUEUE_DIR") or config.DEFAULT_QUEUE_DIR)
    ctx.obj = Staff(queue_dir=queue_dir)


pass_staff = click.make_pass_decorator(Staff)


@main.command("list", help=H["list"], short_help=m.STAFF_SHORT_HELP["list"])
@filter_options
@pass_staff
def list_cases(staff: Staff, today: date | None, holidays: Path | None, **filters: Any) -> None:
    cal, today = load_calendar(holidays), today or now().date()
    cases = select(staff.state(), today=today, cal=cal, **filters)
    for line in list_lines(cases, today, cal, EXCERPT, target_names(filters["site"])):
        click.echo(line)


@main.command(help=H["show"], short_help=m.STAFF_SHORT_HELP["show"])
@ref_argument
@click.option("--personal", is_flag=True, help=H["show.personal"])
@site_option
@today_option
@holidays_option
@pass_staff
def show(staff: Staff, ref: str, personal: bool, site: Path | None, today: date | None, holidays: Path | None) -> None:
    cal, today = load_calendar(holidays), today or now().date()
    names = target_names(site)
    for line in show_lines(staff.submission(ref), personal=personal, today=today, cal=cal, names=names):
        click.echo(line)


@main.command(help=H["assign"], short_help=m.STAFF_SHORT_HELP["assign"])
@ref_argument
@click.option(
    "--to", "to_kind", type=click.Choice(["deputy", "department", "hotline"]), required=True, help=H["assign.to"]
)
@click.option("--name", default=None, help=H["assign.name"])
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
    complex_case: bool | None,
    deadline: date | None,
    today: date | None,
    site: Path | None,
    holidays: Path | None,
    by: str | None,
) -> None:
    by, cal, today = actor(by), load_calendar(holidays), today or now().date()
    if to_kind == "department" and not (name or "").strip():
        raise StaffError(m.STAFF_NAME_REQUIRED)
    name = staff_text(name, "name", required=False)
    if deadline is not None and deadline < today:
        raise StaffError(m.STAFF_DEADLINE_PAST.format(deadline=deadline.isoformat(), today=today.isoformat()))
    if name is None and to_kind == "deputy":  # the deputy's name, read here: `fields` runs under the lock, no I/O
        case = staff.submission(ref)
        check(case, "assigned")  # a case that cannot be assigned says so, rather than that a name is missing
        name = deputy_name(site_dir(site), case.target)  # a case's target never changes

    def fields(sub: Submission) -> dict:
        assignee = name
        if assignee is None:
            assignee = m.STAFF_HOTLINE_NUMBER
        is_complex = sub.complex if complex_case is None else complex_case
        due = deadline or deadline_for(today, complex=is_complex, holidays=cal.holidays, workdays=cal.workdays)
        return {"to_kind": to_kind, "to": assignee, "deadline": due, "complex": is_complex}

    sub = act(staff, ref, "assigned", by, fields)
    done = m.STAFF_DONE["assigned"].format(ref=ref, assignee=one_line(assignee_text(sub)), deadline=sub.deadline)
    click.echo(done)


@main.command(help=H["reply"], short_help=m.STAFF_SHORT_HELP["reply"])
@ref_argument
@click.option("--answer", default=None, metavar="TEXT|-", help=H["reply.answer"])
@click.option(
    "--answer-file", type=click.Path(dir_okay=False, path_type=Path), default=None, help=H["reply.answer_file"]
)
@by_option
@pass_staff
def reply(staff: Staff, ref: str, answer: str | None, answer_file: Path | None, by: str | None) -> None:
    by = actor(by)
    if (answer is None) == (answer_file is None):
        raise StaffError(m.STAFF_ANSWER_SOURCE)
    if answer == "-":
        answer = sys.stdin.read()
    elif answer_file is not None:
        answer = read_text(answer_file)
    text = staff_text(answer, "answer")
    act(staff, ref, "replied", by, lambda sub: {"answer": text})
    click.echo(m.STAFF_DONE["replied"].format(ref=ref))


@main.command(help=H["close"], short_help=m.STAFF_SHORT_HELP["close"])
@ref_argument
@click.option("--reason", default=None, help=H["close.reason"])
@by_option
@pass_staff
def close(staff: Staff, ref: str, reason: str | None, by: str | None) -> None:
    by, text = actor(by), staff_text(reason, "reason", required=False)
    act(staff, ref, "closed", by, lambda sub: {"reason": text} if text else {})
    click.echo(m.STAFF_DONE["closed"].format(ref=ref))


@main.command(help=H["reopen"], short_help=m.STAFF_SHORT_HELP["reopen"])
@ref_argument
@click.option("--reason", required=True, help=H["reopen.reason"])
@holidays_option
@by_option
@pass_staff
def reopen(staff: Staff, ref: str, reason: str, holidays: Path | None, by: str | None) -> None:
    by, text, cal = actor(by), staff_text(reason, "reason"), load_calendar(holidays)
    sub = act(staff, ref, "reopened", by, lambda sub: {"reason": text})
    click.echo(m.STAFF_DONE["reopened"].format(ref=ref, deadline=sub.due(*cal)))


@main.command(help=H["note"], short_help=m.STAFF_SHORT_HELP["note"])
@ref_argument
@click.option("--text", required=True, help=H["note.text"])
@by_option
@pass_staff
def note(staff: Staff, ref: str, text: str, by: str | None) -> None:
    by, note_text = actor(by), staff_text(text, "note")
    act(staff, ref, "noted", by, lambda sub: {"note": note_text})
    click.echo(m.STAFF_DONE["noted"].format(ref=ref))


@main.command("export", help=H["export"], short_help=m.STAFF_SHORT_HELP["export"])
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
    file_format = file_format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if to_stdout and personal:
        raise StaffError(m.STAFF_PERSONAL_STDOUT)
    if to_stdout and file_format == "xlsx":
        raise StaffError(m.STAFF_XLSX_STDOUT)
    cal, today = load_calendar(holidays), today or now().date()
    cases = select(staff.state(), today=today, cal=cal, **filters)
    header, rows = export.export_rows(cases, personal=personal, cal=cal, names=target_names(filters["site"]))
    if to_stdout:
        click.echo(export.csv_bytes(header, rows).decode("utf-8-sig"), nl=False)
        return
    data = export.csv_bytes(header, rows) if file_format == "csv" else export.xlsx_bytes(header, rows)
    try:
        write_atomically(out, [data], private=personal)
    except OSError as exc:
        raise StaffError(m.STAFF_WRITE_FAILED.format(path=out, reason=exc.strerror or exc)) from exc
    done = m.STAFF_EXPORTED_PERSONAL if personal else m.STAFF_EXPORTED
    click.echo(done.format(count=len(cases), path=out))


@main.command(help=H["stats"], short_help=m.STAFF_SHORT_HELP["stats"])
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
    cal, today = load_calendar(holidays), today or now().date()
    if public:
        write_public_stats(staff, out, today, cal, min_submissions or public_stats.MIN_SUBMISSIONS)
        return
    state = staff.state()
    figures = export.compute_stats(state.submissions.values(), today, cal.holidays, cal.workdays)
    for line in [*export.stats_lines(figures, today), *export.evaluation_lines(state.evaluations)]:
        click.echo(line)


def write_public_stats(staff: Staff, out: Path | None, today: date, cal: Calendar, min_submissions: int) -> None:
    """`stats --public`: the figures per deputy and station for the site (forms_api/public_stats.py)."""
    log_path = staff.queue_dir / LOG_NAME
    if not log_path.is_file():
        raise StaffError(m.STAFF_NO_QUEUE.format(path=staff.queue_dir))
    out = out or config.resolve_path(public_stats.DEFAULT_PATH)
    try:
        state = public_stats.read_state(log_path)
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


# --- operations: retention, backup and restore (forms_api/retention.py, forms_api/backup.py) --------------------------

OPS = m.OPS_HELP


def retention_days(days: int | None) -> int:
    """--days, else FORMS_RETENTION_DAYS (checked as the service checks it), else the default 365."""
    if days is not None:
        return days
    key = config.ENV_PREFIX + "RETENTION_DAYS"
    try:  # only this variable: the staff tools' own (FORMS_STAFF, ...) are no settings of the service
        return config.load(environ={key: os.environ[key]} if key in os.environ else {})["RETENTION_DAYS"]
    except config.ConfigError as exc:
        raise StaffError(m.PURGE_BAD_CONFIG.format(reason=exc)) from exc


@main.command(help=OPS["purge"], short_help=m.OPS_SHORT_HELP["purge"])
@click.option("--days", type=click.IntRange(min=1), default=None, help=OPS["purge.days"])
@click.option("--today", type=DATE, default=None, help=OPS["purge.today"])
@click.option("--dry-run", is_flag=True, help=OPS["purge.dry_run"])
@pass_staff
def purge(staff: Staff, days: int | None, today: date | None, dry_run: bool) -> None:
    report = retention.purge(staff.log, days=retention_days(days), today=today or now().date(), dry_run=dry_run)
    for line in report.lines(dry_run=dry_run):
        click.echo(line)


@main.command("backup", help=OPS["backup"], short_help=m.OPS_SHORT_HELP["backup"])
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), default=None, help=OPS["backup.keep"])
@pass_staff
def backup_queue(staff: Staff, dest: Path, keep: int | None) -> None:
    try:
        path, contents = backup.backup(staff.log, dest, now())
        pruned = backup.prune(path.parent, keep) if keep is not None and path.parent == dest else []
    except backup.BackupError as exc:
        raise StaffError(str(exc)) from exc
    click.echo(m.BACKUP_DONE.format(events=contents.events, submissions=contents.submissions, path=path))
    if pruned:
        click.echo(m.BACKUP_PRUNED.format(count=len(pruned)))


@main.command("restore", help=OPS["restore"], short_help=m.OPS_SHORT_HELP["restore"])
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help=OPS["restore.force"])
@pass_staff
def restore_queue(staff: Staff, file: Path, force: bool) -> None:
    if not file.is_file():
        raise StaffError(m.BACKUP_MISSING.format(path=file))
    days = retention_days(None)
    try:
        restored = backup.restore(staff.queue_dir, file, force=force)
    except backup.BackupError as exc:
        raise StaffError(str(exc)) from exc
    counts = {"events": restored.contents.events, "submissions": restored.contents.submissions}
    click.echo(m.RESTORE_DONE.format(path=file, queue=staff.queue_dir, **counts))
    if restored.lost:
        click.echo(m.RESTORE_FORCED.format(lost=restored.lost))
    if restored.key_missing:
        click.echo(m.RESTORE_NO_KEY.format(count=restored.contents.evaluations))
    for line in retention.purge(EventLog(staff.queue_dir), days=days, today=now().date()).lines():
        click.echo(line)
