"""`users add | list | disable | reset | unlock | reset-totp`: the back office's accounts, for the operator on the
server.

Every change goes through `Accounts.change`, decided against the stored account under the accounts' lock. An
invitation link is printed once and only its hash is kept (forms_api/accounts/passwords.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from forms_api import messages as m
from forms_api.accounts import totp
from forms_api.accounts.model import ROLES, Account, normalise_login, scope_problem, valid_login
from forms_api.accounts.passwords import invite
from forms_api.cases import now, parse_at, timestamp
from forms_api.public.deputies import unknown_ids
from forms_api.public.sitedata import Targets
from forms_api.staff.group import Staff, StaffError, StaffSubgroup, pass_staff, site_option
from forms_api.staff.text import columns, moment_text, one_line

H = m.USERS_HELP
INVITE_PATH = "staff/invite/"


def _login(ctx: click.Context, param: click.Parameter, value: str) -> str:
    login = normalise_login(value)
    if not valid_login(login):
        raise StaffError(m.USERS_BAD_LOGIN.format(login=one_line(value)))
    return login


login_argument = click.argument("login", callback=_login)
base_url_option = click.option("--base-url", default=None, metavar="URL", help=H["*.base_url"])


def invitation_link(staff: Staff, base_url: str | None) -> str:
    """Where the console lives: --base-url, else SITE_URL (through the service's loader)."""
    base = staff.setting("SITE_URL", base_url)
    if not base:
        raise StaffError(m.USERS_NO_BASE_URL)
    return base + INVITE_PATH


def _check_ids(site: Path, kind: str, ids: tuple[str, ...]) -> None:
    """Refuse a station or deputy the built site does not list (a typo, a former deputy), with a did-you-mean."""
    path = site / "data" / ("stations.json" if kind == "station" else "deputies.json")
    if not path.is_file():
        raise StaffError(m.STAFF_SITE_MISSING.format(path=path))
    problem = unknown_ids(Targets(site), kind, ids)
    if problem is not None:
        raise StaffError(problem)


def _existing(account: Account | None, login: str) -> Account:
    if account is None:
        raise StaffError(m.USERS_UNKNOWN.format(login=login))
    return account


@click.group("users", cls=StaffSubgroup, help=H["users"], short_help=m.USERS_SHORT_HELP["users"])
def users() -> None:
    pass


@users.command(help=H["add"], short_help=m.USERS_SHORT_HELP["add"])
@login_argument
@click.option("--role", type=click.Choice(ROLES), required=True, help=H["add.role"])
@click.option("--station", "stations", multiple=True, metavar="ID", help=H["add.station"])
@click.option("--deputy", default=None, metavar="ID", help=H["add.deputy"])
@click.option("--handler", default=None, metavar="名称", help=H["add.handler"])
@base_url_option
@site_option
@pass_staff
def add(
    staff: Staff,
    login: str,
    role: str,
    stations: tuple[str, ...],
    deputy: str | None,
    handler: str | None,
    base_url: str | None,
    site: Path | None,
) -> None:
    scope = (*stations, *([deputy] if deputy is not None else []), *([handler] if handler is not None else []))
    given = {"station": bool(stations), "deputy": deputy is not None, "handler": handler is not None}
    problem = scope_problem(role, scope)
    if problem is None and any(used for kind, used in given.items() if kind != role):
        problem = role
    if problem is not None:
        raise StaffError(m.USERS_SCOPE_ERRORS[problem])
    if role in ("station", "deputy"):
        _check_ids(staff.site(site)[0], role, scope)
    link, hours, moment = invitation_link(staff, base_url), staff.setting("INVITATION_HOURS"), now()
    tokens: list[str] = []

    def decide(current: Account | None) -> Account:
        if current is not None:
            raise StaffError(m.USERS_EXISTS.format(login=login))
        new = Account(login, role, scope, created=timestamp(moment), changed=timestamp(moment))
        invited, token = invite(new, moment, hours)
        tokens.append(token)
        return replace(invited, sessions=0)

    account = staff.accounts(create=True).change(login, decide)
    assert account is not None and account.invitation_expires is not None
    until = moment_text(parse_at(account.invitation_expires))
    click.echo(m.USERS_ADDED.format(login=login, role=m.ROLE_LABELS[role], until=until))
    click.echo(link + tokens[0])


def scope_text(account: Account, targets: Targets) -> str:
    """An account's scope as `users list` and the console's accounts page show it: stations and deputies by name
    from the built site's data (the id where the site has none, or no data)."""
    kind = account.role if account.role in ("station", "deputy") else None
    items = [(targets.name(f"{kind}:{item}") if kind else "") or item for item in account.scope]
    return m.USERS_SCOPE_LABELS[account.role].format(items="、".join(items))


def state_text(account: Account) -> str:
    """An account's state, and whether it is locked."""
    if account.state == "invited" and account.invitation_expires is not None:
        expires = parse_at(account.invitation_expires)
        text = m.USERS_EXPIRED if expires <= now() else m.USERS_STATE_LABELS["invited"]
        text = text.format(until=moment_text(expires))
    else:
        text = m.USERS_STATE_LABELS[account.state]
    return text + (m.USERS_LOCKED if account.locked else "")


@users.command("list", help=H["list"], short_help=m.USERS_SHORT_HELP["list"])
@site_option
@pass_staff
def list_users(staff: Staff, site: Path | None) -> None:
    accounts, targets = staff.accounts().all(), Targets(staff.site(site)[0])
    if accounts:
        rows = [list(m.USERS_LIST_HEADER)]
        rows += [[a.login, m.ROLE_LABELS[a.role], one_line(scope_text(a, targets)), state_text(a)] for a in accounts]
        for line in columns(rows):
            click.echo(line)
    click.echo(m.USERS_LIST_COUNT.format(count=len(accounts)))


@users.command(help=H["disable"], short_help=m.USERS_SHORT_HELP["disable"])
@login_argument
@pass_staff
def disable(staff: Staff, login: str) -> None:
    moment = timestamp(now())
    staff.accounts().change(login, lambda current: replace(_existing(current, login), state="disabled", changed=moment))
    click.echo(m.USERS_DISABLED.format(login=login))


@users.command(help=H["reset"], short_help=m.USERS_SHORT_HELP["reset"])
@login_argument
@base_url_option
@pass_staff
def reset(staff: Staff, login: str, base_url: str | None) -> None:
    link, hours, moment = invitation_link(staff, base_url), staff.setting("INVITATION_HOURS"), now()
    tokens: list[str] = []

    def decide(current: Account | None) -> Account:
        invited, token = invite(_existing(current, login), moment, hours)
        tokens.append(token)
        return invited

    account = staff.accounts().change(login, decide)
    assert account is not None and account.invitation_expires is not None
    click.echo(m.USERS_RESET.format(login=login, until=moment_text(parse_at(account.invitation_expires))))
    click.echo(link + tokens[0])


@users.command(help=H["unlock"], short_help=m.USERS_SHORT_HELP["unlock"])
@login_argument
@pass_staff
def unlock(staff: Staff, login: str) -> None:
    was: list[bool] = []

    def decide(current: Account | None) -> Account:
        account = _existing(current, login)
        was.append(account.locked)
        return replace(account, locked=False, failed=0, changed=timestamp(now())) if account.locked else account

    staff.accounts().change(login, decide)
    click.echo((m.USERS_UNLOCKED if was[0] else m.USERS_NOT_LOCKED).format(login=login))


@users.command("reset-totp", help=H["reset-totp"], short_help=m.USERS_SHORT_HELP["reset-totp"])
@login_argument
@pass_staff
def reset_totp(staff: Staff, login: str) -> None:
    had: list[bool] = []

    def decide(current: Account | None) -> Account:
        account = _existing(current, login)
        had.append(account.totp_secret is not None or account.totp_pending is not None)
        return totp.reset(account, now()) if had[0] else account

    staff.accounts().change(login, decide)
    click.echo((m.USERS_TOTP_RESET if had[0] else m.USERS_NO_TOTP).format(login=login))


COMMANDS = (users,)
