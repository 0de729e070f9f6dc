"""Signing in and out, the invitation page that sets a first password, and the checks every console request passes:
the account re-read (a disabled one stops at once), and the idle timeout."""

from __future__ import annotations

import time
from dataclasses import replace

from flask import Response, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from forms_api import cases, messages
from forms_api.accounts import totp
from forms_api.accounts.model import Account, normalise_login, valid_login
from forms_api.accounts.passwords import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    accept,
    attempt,
    invitation_valid,
    password_problem,
)
from forms_api.console import drafts
from forms_api.console.service import KEY_FAILURE, ConsoleUser, bp, console, page
from forms_api.console.totp import PENDING, ask_code, code_page, enrol_first, mode, pending
from forms_api.messages_console import STAFF_TEXTS, TOTP_TEXTS
from forms_api.security import rate_limited

T = messages.CONSOLE_TEXTS


def load_user(user_id: str) -> ConsoleUser | None:
    """Flask-Login's loader, on every request: the account as stored NOW, active, and not signed out since."""
    login, _, sessions = user_id.rpartition(":")
    found = console().accounts.get(login)
    if found is None or found.state != "active" or str(found.sessions) != sessions:
        return None
    return ConsoleUser(found)


@bp.before_request
def guard() -> Response | None:
    """Fail without the session key (503); end a session idle longer than STAFF_IDLE_MINUTES."""
    failure = request.environ.get(KEY_FAILURE)
    if failure is not None:
        raise failure
    if not current_user.is_authenticated:
        return None
    now = time.time()
    seen = session.get("seen")
    if not isinstance(seen, int | float) or now - seen > console().idle.total_seconds():
        logout_user()
        session.clear()
        if request.method == "POST":  # what was typed comes along through the sign-in
            return drafts.sign_in_again(401, STAFF_TEXTS["timed_out_post"])
        flash(T["timed_out"])
        return redirect(url_for("staff.signin", next=drafts.safe_next(request.full_path.rstrip("?"))))
    session["seen"] = int(now)
    return enrol_first()


def sign_in(account: Account) -> Response:
    session.clear()  # a fresh session (and CSRF token) for the signed-in account
    login_user(ConsoleUser(account), remember=False)
    session.permanent = (
        True  # the cookie and its signature expire after STAFF_IDLE_MINUTES (PERMANENT_SESSION_LIFETIME)
    )
    session["seen"] = int(time.time())
    steps = (url_for("staff.signin_post"), url_for("staff.signin_code_post"))
    target, fields = drafts.typed() if request.path in steps else ("", {})
    shown = drafts.restored(target, fields, STAFF_TEXTS["restored"]) if target and fields else None
    if shown is not None:  # the form the session ended on, filled in again: nothing is taken without a new post
        return shown
    return redirect(drafts.safe_next(request.args.get("next", "")) or url_for("staff.dashboard"))


@bp.get("/signin")
def signin() -> Response:
    """The sign-in form (a signed-in account goes to the dashboard)."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    return page("staff/signin.html", login="", error=None)


@bp.post("/signin")
@rate_limited("signin")
def signin_post() -> Response:
    """One attempt: the same answer for an unknown login, a wrong password, a locked or a disabled account."""
    login = normalise_login(request.form.get("login", ""))[:64]
    password = request.form.get("password", "")[: MAX_PASSWORD + 1]
    now = cases.now()
    outcome: list[bool] = []

    def decide(current: Account | None) -> Account | None:
        new, ok = attempt(current, password, now)
        outcome.append(ok)
        if ok and current is not None and new is not None and totp.enabled(mode(), current):
            return replace(new, failed=current.failed)  # only the code clears the count: no guessing between
        return new

    if valid_login(login):
        found = console().accounts.change(login, decide)
    else:
        found = decide(None)
    carried = {key: value for key, value in request.form.items() if key.startswith(drafts.DRAFT) or key == "draft_to"}
    if outcome[0] and found is not None:
        return ask_code(found, carried) if totp.enabled(mode(), found) else sign_in(found)
    return page("staff/signin.html", 401, login=login, error=T["signin_failed"], draft=carried)


@bp.get("/signin/code")
def signin_code() -> Response:
    """The code form again (a reload); without a pending sign-in, back to the password."""
    if pending() is None:
        return redirect(url_for("staff.signin"))
    return code_page(200, None, {})


@bp.post("/signin/code")
@rate_limited("signin")
def signin_code_post() -> Response:
    """The second step: a wrong or replayed code counts toward the lockout; the right one signs in."""
    held = pending()
    carried = {key: value for key, value in request.form.items() if key.startswith(drafts.DRAFT) or key == "draft_to"}
    if held is None:
        session.pop(PENDING, None)
        flash(TOTP_TEXTS["step_expired"])
        return redirect(url_for("staff.signin", next=request.args.get("next")))
    code, now, outcome = request.form.get("code", "")[:16], cases.now(), []

    def decide(current: Account | None) -> Account | None:
        if current is None or current.sessions != held["sessions"] or not totp.enabled(mode(), current):
            outcome.append(False)
            return None
        new, ok = totp.attempt(current, code, now)
        outcome.append(ok)
        return new

    found = console().accounts.change(str(held["login"]), decide)
    if outcome[0] and found is not None:
        return sign_in(found)
    if found is None or found.locked or found.sessions != held["sessions"]:
        session.pop(PENDING, None)  # locked meanwhile, or signed out everywhere: start again with the password
    return code_page(401, TOTP_TEXTS["code_failed"], carried)


@bp.post("/signout")
def signout() -> Response:
    """End this session and every other one of the account (its session counter moves on)."""
    if current_user.is_authenticated:
        login = current_user.account.login
        console().accounts.change(login, lambda found: replace(found, sessions=found.sessions + 1) if found else None)
        logout_user()
    session.clear()
    flash(T["signed_out"])
    return redirect(url_for("staff.signin"))


def _invited(token: str) -> Account | None:
    now = cases.now()
    return next((found for found in console().accounts.all() if invitation_valid(found, token, now)), None)


def _invite_page(found: Account, status: int = 200, errors: tuple[str, ...] = ()) -> Response:
    rules = T["password_rules"].format(min=MIN_PASSWORD, max=MAX_PASSWORD)
    return page("staff/invite.html", status, account=found, rules=rules, errors=errors, min=MIN_PASSWORD)


@bp.get("/invite/<token>")
def invite(token: str) -> Response:
    """The form that sets the first password; an unknown, used or expired link says so."""
    found = _invited(token)
    if found is None:
        return page("staff/message.html", 404, title=T["invite_title"], message=T["invite_invalid"])
    return _invite_page(found)


@bp.post("/invite/<token>")
@rate_limited("signin")
def invite_post(token: str) -> Response:
    """Set the password (the link is spent) and sign in."""
    found = _invited(token)
    if found is None:
        return page("staff/message.html", 404, title=T["invite_title"], message=T["invite_invalid"])
    password = request.form.get("password", "")
    problem = password_problem(password, found.login)
    if problem is not None:
        message = messages.PASSWORD_ERRORS[problem].format(min=MIN_PASSWORD, max=MAX_PASSWORD)
        return _invite_page(found, 400, (message,))
    if password != request.form.get("password_again", ""):
        return _invite_page(found, 400, (T["passwords_differ"],))
    now = cases.now()
    accepted: list[Account] = []

    def decide(current: Account | None) -> Account | None:
        if current is None or not invitation_valid(current, token, now):
            return None  # spent meanwhile (another tab): nothing changes
        accepted.append(accept(current, password, now))
        return accepted[0]

    console().accounts.change(found.login, decide)
    if not accepted:
        return page("staff/message.html", 404, title=T["invite_title"], message=T["invite_invalid"])
    return sign_in(accepted[0])
