"""The back office in a browser under /staff/: sign-in with accounts and roles, the queue, the
case actions and the reply templates. Server-rendered, Chinese, usable on a phone and without JavaScript.

`init_app` wires it into an app BEFORE forms_api.security (whose rate limits wrap the views marked at that moment):
Flask-Login for the session (no "remember me"), Flask-WTF's CSRFProtect on every POST of the console (the public API
is exempt: it has its Origin check and no session), and signed-cookie sessions for /staff only.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request, url_for
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from forms_api import messages, messages_console
from forms_api.console import accounts, actions, auth, case, drafts, handover, intake, queue, templates, totp
from forms_api.console.service import (
    PREFIX,
    Console,
    ConsoleSessions,
    bp,
    error_page,
    site_unavailable,
    unavailable,
    under_console,
)
from forms_api.public.answers import http_error
from forms_api.public.api import not_a_page
from forms_api.public.service import bp as public_bp
from forms_api.public.sitedata import TargetsUnavailable
from forms_api.store import QueueUnavailable

# imported for their routes on `bp`
VIEW_MODULES = (accounts, actions, auth, case, handover, intake, queue, templates, totp)


# endpoint -> the title of a page with forms that post to addresses below its own
FORM_PAGES = {
    "staff.case": messages.CONSOLE_TEXTS["case_title"],
    "staff.accounts": messages.CONSOLE_TEXTS["accounts_title"],
    "staff.templates": messages.ACTION_TEXTS["templates_title"],
    "staff.handover_page": messages_console.HANDOVER_TEXTS["title"],
    "staff.totp_page": messages_console.TOTP_TEXTS["title"],
}


def init_app(app: Flask) -> None:
    """Register the console on `app`, from its loaded settings."""
    console = Console.from_config(app.config)
    app.extensions["forms_api.console"] = console
    if app.config["SECRET_KEY"]:
        app.secret_key = app.config["SECRET_KEY"]
    app.session_interface = ConsoleSessions()
    app.config.update(
        SESSION_COOKIE_NAME="mashang_staff",
        SESSION_COOKIE_PATH=PREFIX,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=app.config["STAFF_IDLE_MINUTES"]),
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its session, which ends after STAFF_IDLE_MINUTES idle
    )
    login_manager = LoginManager(app)
    login_manager.login_view = "staff.signin"
    login_manager.login_message = None  # type: ignore[assignment]
    login_manager.user_loader(auth.load_user)
    csrf = CSRFProtect(app)
    csrf.exempt(public_bp)
    app.register_blueprint(bp)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_allowed)


def _not_found(error: HTTPException) -> Response:
    """A 404 under /staff/ that no route of the console matched (so the blueprint's handler never saw it): the
    console's Chinese page in its layout, never the API's JSON; elsewhere the public answer as before."""
    if request.path == PREFIX or request.path.startswith(f"{PREFIX}/"):
        return error_page(error)
    return http_error(error)


def _not_allowed(error: HTTPException) -> Response:
    """A 405 under /staff/ (no view ran, so the blueprint's handler never saw it): a form's address opened as a page
    (history, a bookmark, a restored tab) gets the console's page saying so, with a link to the page the form is on;
    elsewhere the public answer (forms_api/public/api.py)."""
    return error_page(error, _form_page()) if under_console(request.path) else not_a_page(error)


def _form_page() -> tuple[str, str] | None:
    """(href, link text) of the page a POST-only address's form is on: the nearest address above it that opens as
    a page (a case's actions: the case; /staff/accounts/add: the accounts page); None for the dashboard, which the
    message page links anyway."""
    adapter = current_app.create_url_adapter(request)
    assert adapter is not None
    parts = request.path.rstrip("/").split("/")
    while len(parts) > 3:  # ["", "staff", page, ...]: never /staff itself
        parts.pop()
        try:
            endpoint, args = adapter.match("/".join(parts), method="GET")
        except HTTPException:  # nothing there, or no page (405, or a redirect)
            continue
        if endpoint not in FORM_PAGES:
            return None
        title = FORM_PAGES[endpoint].format(**args)
        return url_for(endpoint, **args), messages.CONSOLE_TEXTS["back_to"].format(page=title)
    return None


# The console's own error pages, for its requests only (the blueprint is set up once, for every app).
bp.register_error_handler(HTTPException, error_page)
bp.register_error_handler(CSRFError, drafts.csrf_failed)
bp.register_error_handler(QueueUnavailable, unavailable)
bp.register_error_handler(TargetsUnavailable, site_unavailable)
