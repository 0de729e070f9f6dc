"""The second factor (二次验证) in the console: the code asked after the password, and the page where an account
enrols an authenticator (a QR code drawn here as inline SVG, and the secret as grouped text). The rules are in
forms_api/accounts/totp.py; the setting STAFF_TOTP says whether it is off, optional, or required of office accounts.

Between the two steps of a sign-in the session holds only the login, its session counter and when the password
was right; it is not signed in until the code passes. A secret is never logged and never put in a URL.
"""

from __future__ import annotations

import time

import qrcode
import qrcode.constants
from flask import Response, flash, redirect, request, session, url_for
from markupsafe import Markup

from forms_api import cases
from forms_api.accounts import totp
from forms_api.accounts.model import Account
from forms_api.console.service import account, bp, console, page, require
from forms_api.messages_console import TOTP_TEXTS
from forms_api.security import rate_limited

T = TOTP_TEXTS
PENDING = "totp_pending"  # session key between the password and the code
PENDING_SECONDS = 300  # the code must follow the password within this time
ENROL_ENDPOINTS = frozenset({"staff.totp_page", "staff.totp_start", "staff.totp_confirm", "staff.signout"})


def mode() -> str:
    return console().settings.get("STAFF_TOTP", "optional")


def must_enrol(found: Account) -> bool:
    """Whether `found` may do nothing but enrol (STAFF_TOTP=office, an office account without a second factor)."""
    return totp.required(mode(), found) and found.totp_secret is None


def enrol_first() -> Response | None:
    """For the console's guard: the enrolment page instead of any other, while the account must enrol."""
    if request.endpoint in ENROL_ENDPOINTS or not must_enrol(account()):
        return None
    return redirect(url_for("staff.totp_page"), 303)


def qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code, inline SVG: one rectangle per run of dark modules (no script, no style attribute)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            x += 1
    size = len(matrix)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{label}"'
        f' class="qr"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )


# --- the second step of a sign-in ----------------------------------------------------------------------------------


def ask_code(found: Account, carried: dict[str, str]) -> Response:
    """After a right password: remember who is half signed in, and ask for the code (the typed draft carried)."""
    session.clear()
    session[PENDING] = {"login": found.login, "sessions": found.sessions, "at": int(time.time())}
    return code_page(200, None, carried)


def code_page(status: int, error: str | None, carried: dict[str, str]) -> Response:
    return page("staff/totp_code.html", status, error=error, draft=carried)


def pending() -> dict | None:
    """The half signed-in account's login and session counter, while the code may still follow."""
    held = session.get(PENDING)
    if not isinstance(held, dict) or not isinstance(held.get("at"), int):
        return None
    return held if time.time() - held["at"] <= PENDING_SECONDS else None


# --- enrolling one's own authenticator -----------------------------------------------------------------------------


def _enrol_page(status: int = 200, error: str | None = None) -> Response:
    found = account()
    shown = {}
    if found.totp_pending is not None:
        uri = totp.provisioning_uri(found.totp_pending, found.login)
        shown = {"qr": qr_svg(uri, T["qr_label"]), "secret": totp.grouped(found.totp_pending)}
    return page("staff/totp.html", status, found=found, error=error, required=must_enrol(found), **shown)


@bp.get("/totp")
@require("totp")
def totp_page() -> Response:
    """Whether the account has a second factor; the QR code and the confirming form while it enrols."""
    return _enrol_page()


@bp.post("/totp/start")
@require("totp")
def totp_start() -> Response:
    """A new secret to scan (the enrolled one, if any, stays until a code of the new one is confirmed)."""
    now = cases.now()
    console().accounts.change(account().login, lambda current: totp.start(current, now) if current else None)
    return redirect(url_for("staff.totp_page"), 303)


@bp.post("/totp/confirm")
@require("totp")
@rate_limited("signin")
def totp_confirm() -> Response:
    """Enrolment completes with one right code; a wrong one counts toward the lockout like a wrong password."""
    code, now, outcome = request.form.get("code", "")[:16], cases.now(), []

    def decide(current: Account | None) -> Account | None:
        if current is None:
            return None
        new, ok = totp.confirm(current, code, now)
        outcome.append(ok)
        return new

    found = console().accounts.change(account().login, decide)
    if not outcome or not outcome[0] or found is None:
        return _enrol_page(400, T["confirm_failed"])
    flash(T["done"])
    return redirect(url_for("staff.dashboard"), 303)
