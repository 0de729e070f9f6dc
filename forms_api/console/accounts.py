"""The office's accounts page: every account with its scope by name; adding one (its invitation link shown once),
disabling, resetting (a new link, the old password and sessions void), unlocking and clearing a second factor (a
lost phone), the same changes as `users add|disable|reset|unlock|reset-totp` (forms_api/staff/users.py), each
decided under the accounts' lock.

Adding and resetting answer POST/redirect/GET, as offline intake's receipt slip does (forms_api/console/intake.py):
the new link's token waits a few minutes in the office account's session, and the page the browser is sent on to
shows it once. A reload never posts again; looked at again, the page says where to get a new link."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from flask import Response, abort, current_app, flash, redirect, request, url_for

from forms_api import cases, messages
from forms_api.accounts import totp
from forms_api.accounts.model import ROLES, Account, normalise_login, scope_problem, valid_login
from forms_api.accounts.passwords import invitation_valid, invite
from forms_api.cases.actions import TextProblem
from forms_api.console.deputies import resolve
from forms_api.console.refusals import refused, taken
from forms_api.console.service import account, bp, console, keep_shortly, kept_shortly, page, require
from forms_api.messages_console import ACCOUNT_TEXTS
from forms_api.public.deputies import told_apart
from forms_api.public.service import service
from forms_api.staff.text import moment_text
from forms_api.staff.users import scope_text, state_text

T = ACCOUNT_TEXTS
INVITED_KEY = "invitations"  # the session's login -> [token (encrypted), until (POSIX time)]: a link not yet shown
INVITED_MINUTES = 10  # how long it waits there for the page that shows it


def scope_names(found: Account, deputies: Mapping[str, str]) -> str:
    """An account's scope as the staff tools show it (`scope_text`), with a deputy who has a namesake told apart
    (`deputies`, from `told_apart`)."""
    if found.role == "deputy" and str(found.deputy) in deputies:
        return messages.USERS_SCOPE_LABELS["deputy"].format(items=deputies[str(found.deputy)])
    return scope_text(found, service().targets)


def _page(
    status: int = 200, *, errors: tuple[str, ...] = (), form: Mapping[str, str] | None = None, **shown
) -> Response:
    every = console().accounts.all()
    deputies = told_apart(service().targets, [str(found.deputy) for found in every if found.role == "deputy"])
    rows = [(found, scope_names(found, deputies), state_text(found)) for found in every]
    stations = service().targets.listed("station")
    return page("staff/accounts.html", status, rows=rows, errors=errors, form=form or {}, stations=stations, **shown)


def _link(token: str) -> str:
    root = service().site_url or request.url_root
    return root.rstrip("/") + url_for("staff.invite", token=token)


def _invited(found: Account, token: str) -> Response:
    """On (303) to the page that shows the new invitation link once; meanwhile only this session holds its token
    (the store keeps its hash)."""
    keep_shortly(INVITED_KEY, found.login, token, INVITED_MINUTES)
    return redirect(url_for("staff.invitation", login=found.login), 303)


@bp.get("/accounts/<login>/invitation")
@require("accounts")
def invitation(login: str) -> Response:
    """The accounts page with `login`'s new invitation link, this once; later (a reload, Back) what to do instead: a
    reset for a link that never reached its person, nothing for an account whose password is set."""
    found = console().accounts.get(login)
    if found is None:
        abort(404)
    token = kept_shortly(INVITED_KEY, login, once=True)
    if token is not None and invitation_valid(found, token, cases.now()):
        assert found.invitation_expires is not None
        until = moment_text(cases.parse_at(found.invitation_expires))
        return _page(invitation=(found.login, _link(token), until))
    gone = T["invitation_used" if found.state == "active" else "invitation_gone"].format(login=login)
    return _page(invitation_gone=gone)


@bp.get("/accounts")
@require("accounts")
def accounts() -> Response:
    """Every account with its role, scope and state, and the forms that change them; after a refused change, why
    (and for a new account, what was typed)."""
    kept = taken()
    if kept is not None:
        return _page(errors=(kept["error"],), form=kept["form"], failed=kept["failed"])
    return _page()


def _refused(status: int, error: str, failed: str, form: Mapping[str, str] | None = None) -> Response:
    """Back to the accounts page (303) with `error` at its top; at once when it does not fit the session."""
    return refused(
        url_for("staff.accounts"),
        error,
        failed=failed,
        answer=lambda: _page(status, errors=(error,), form=form, failed=failed),
    )


def _unconfirmed(login: str, action: str) -> Response | None:
    """The refusal of a change to `login` posted without its confirmation, or of one to the signed-in account."""
    if login == account().login:
        return _refused(409, T["not_yourself"], action)
    if request.form.get("confirm") != "1":
        label = T["totp_reset"] if action == "reset_totp" else T[action]
        return _refused(400, T["not_confirmed"].format(login=login, action=label), action)
    return None


def _scope(role: str, form: Mapping[str, str]) -> tuple[str, ...]:
    """The scope the form gives for `role` (a deputy by name or id, resolved to one current deputy)."""
    if role == "station":
        station = form.get("station", "").strip()
        if station not in {found for found, _ in service().targets.listed("station")}:
            raise TextProblem(T["bad_station"])
        return (station,)
    if role == "deputy":
        typed = form.get("deputy", "").strip()
        if not typed:
            raise TextProblem(T["bad_deputy"])
        return (resolve(typed, tool="typed")[0],)
    if role == "handler":
        return (form.get("handler", "").strip(),)
    return ()


@bp.post("/accounts/add")
@require("accounts")
def add() -> Response:
    """A new account waiting for its first password; on to the page that shows its invitation link once."""
    form = request.form
    login, role = normalise_login(form.get("login", ""))[:64], form.get("role", "")
    try:
        if not valid_login(login):
            raise TextProblem(messages.USERS_BAD_LOGIN.format(login=login))
        if role not in ROLES:
            raise TextProblem(T["bad_role"])
        scope = _scope(role, form)
        if scope_problem(role, scope) is not None:
            raise TextProblem(T[f"bad_{role}"])
    except TextProblem as problem:
        return _refused(400, str(problem), "add", form)
    moment, tokens = cases.now(), []

    def decide(current: Account | None) -> Account | None:
        if current is not None:
            return None
        new = Account(login, role, scope, created=cases.timestamp(moment), changed=cases.timestamp(moment))
        invited, token = invite(new, moment, console().settings["INVITATION_HOURS"])
        tokens.append(token)
        return replace(invited, sessions=0)

    found = console().accounts.change(login, decide)
    if not tokens or found is None:
        return _refused(409, T["exists"].format(login=login), "add", form)
    return _invited(found, tokens[0])


def _change(login: str, decide) -> Account:
    """Apply `decide` to the stored account `login` (404 when there is none)."""

    def existing(current: Account | None) -> Account | None:
        if current is None:
            abort(404)
        return decide(current)

    found = console().accounts.change(login, existing)
    assert found is not None
    return found


@bp.post("/accounts/<login>/disable")
@require("accounts")
def disable(login: str) -> Response:
    """Disable an account once confirmed: its open sessions stop at once (never the account that is signed in)."""
    if (refusal := _unconfirmed(login, "disable")) is not None:
        return refusal
    moment = cases.timestamp(cases.now())
    _change(login, lambda current: replace(current, state="disabled", changed=moment))
    flash(messages.USERS_DISABLED.format(login=login))
    return redirect(url_for("staff.accounts"), 303)


@bp.post("/accounts/<login>/reset")
@require("accounts")
def reset(login: str) -> Response:
    """Once confirmed, a new invitation link (on to the page that shows it once); the old password and every open
    session of the account end."""
    if (refusal := _unconfirmed(login, "reset")) is not None:
        return refusal
    moment, tokens = cases.now(), []

    def decide(current: Account) -> Account:
        invited, token = invite(current, moment, console().settings["INVITATION_HOURS"])
        tokens.append(token)
        return invited

    return _invited(_change(login, decide), tokens[0])


@bp.post("/accounts/<login>/unlock")
@require("accounts")
def unlock(login: str) -> Response:
    """Lift the lock after too many wrong passwords; the count of wrong ones starts again."""
    changed = cases.timestamp()
    _change(
        login, lambda current: replace(current, locked=False, failed=0, changed=changed) if current.locked else None
    )
    flash(messages.CONSOLE_TEXTS["unlocked"].format(login=login))
    return redirect(url_for("staff.accounts"))


@bp.post("/accounts/<login>/reset-totp")
@require("totp_reset")
def reset_totp(login: str) -> Response:
    """Clear an account's second factor (a lost phone): it signs in with its password and enrols again; its open
    sessions end, once confirmed. Logged with who did it (never the secret)."""
    if (refusal := _unconfirmed(login, "reset_totp")) is not None:
        return refusal
    moment = cases.now()
    _change(login, lambda current: totp.reset(current, moment) if current.totp_secret or current.totp_pending else None)
    current_app.logger.info("console: %s cleared the second factor of %s", account().login, login)
    flash(T["totp_was_reset"].format(login=login))
    return redirect(url_for("staff.accounts"), 303)
