"""What the console's views share: the blueprint, the accounts and the permission table of one app, the signed-in
account, the permission check, the session cookie, and how a page is rendered."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Blueprint, Flask, Request, Response, abort, current_app, render_template, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import UserMixin, current_user
from werkzeug.exceptions import HTTPException

from forms_api import cases, messages, messages_console
from forms_api.accounts.access import allowed, permissions
from forms_api.accounts.model import Account
from forms_api.public.sitedata import TargetsUnavailable
from forms_api.store import Accounts, QueueUnavailable, ReplyTemplates, open_accounts, open_templates

bp = Blueprint("staff", __name__, url_prefix="/staff")
View = TypeVar("View", bound=Callable[..., Any])
PREFIX = "/staff"
KEY_FAILURE = "forms_api.console_key_failure"  # request.environ: why the session key could not be had


@dataclass
class Console:
    """One app's accounts (opened on first use), its permission table and its session settings."""

    settings: Mapping[str, Any]
    table: dict[str, frozenset[str]]
    _accounts: Accounts | None = None
    _templates: ReplyTemplates | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Console:
        table = permissions(config["STAFF_PERSONAL_ROLES"], config.get("STAFF_TOTP", "optional") != "off")
        return cls(settings=config, table=table)

    @property
    def accounts(self) -> Accounts:
        """The accounts beside the queue; QueueUnavailable (503) while they cannot be opened."""
        with self._lock:
            if self._accounts is None:
                self._accounts = open_accounts(self.settings)
            return self._accounts

    @property
    def templates(self) -> ReplyTemplates:
        """The office's reply templates beside the accounts; QueueUnavailable (503) while they cannot be opened."""
        with self._lock:
            if self._templates is None:
                self._templates = open_templates(self.settings)
            return self._templates

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings["STAFF_IDLE_MINUTES"])


def console() -> Console:
    """The current app's Console."""
    return current_app.extensions["forms_api.console"]


class ConsoleUser(UserMixin):
    """The signed-in account for Flask-Login; its id carries the account's session counter, so a sign-out (or a
    reset) ends every session signed in before it."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.login}:{self.account.sessions}"


def account() -> Account:
    """The signed-in account (only inside views that `require` one)."""
    return current_user.account


def may(action: str) -> bool:
    """Whether the signed-in account's role may take `action` (the permission table)."""
    return bool(current_user.is_authenticated) and allowed(console().table, account(), action)


def require(action: str) -> Callable[[View], View]:
    """A view for signed-in accounts whose role may take `action`: others are sent to sign in, or get 403."""

    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not may(action):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A console page: the texts, the signed-in account and what it may do go to every template."""
    texts = {"t": messages.CONSOLE_TEXTS, "it": messages_console.INTAKE_TEXTS, "roles": messages.ROLE_LABELS}
    texts |= {"st": messages_console.STAFF_TEXTS, "at": messages_console.ACCOUNT_TEXTS}
    texts |= {"ho": messages_console.HANDOVER_TEXTS, "tt": messages_console.TOTP_TEXTS}
    texts |= {"closed_told": messages.CLOSED_TOLD}
    response = current_app.make_response((render_template(template, may=may, **texts, **context), status))
    response.mimetype = "text/html"
    return response


def message_page(status: int, text: str, back: tuple[str, str] | None = None) -> Response:
    """The console's page with one message; `back`: (href, text) of a link to the page to go on from."""
    return page("staff/message.html", status, title=messages.CONSOLE_TEXTS["error_title"], message=text, back=back)


def _sealer() -> Fernet:
    """Encryption for what `keep_shortly` keeps, its key derived (HKDF) from the session's signing key: the session
    cookie is signed, not encrypted, and an invitation token or a tracking code must not be readable in it (a
    browser's cookie store, a copied cookie) even for the minutes it waits there."""
    secret = current_app.secret_key
    if not isinstance(secret, str | bytes) or not secret:
        raise RuntimeError("the console's secret key is not set")  # open_session sets it before any page runs
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"forms_api.kept_shortly").derive(raw)
    return Fernet(base64.urlsafe_b64encode(key))


def keep_shortly(key: str, name: str, value: str, minutes: int) -> None:
    """What a POST made that the page it redirects to shows (POST/redirect/GET: a reload never posts again), kept
    under `name` in the session's `key` for `minutes`, never in a URL or a log; the last few only, older ones dropped.
    The session is this account's signed cookie (HttpOnly, /staff only); the value in it is encrypted (`_sealer`)."""
    moment = cases.now().timestamp()
    kept = {other: entry for other, entry in session.get(key, {}).items() if entry[1] > moment}
    sealed = _sealer().encrypt(value.encode("utf-8")).decode("ascii")
    session[key] = dict(list(kept.items())[-4:]) | {name: [sealed, moment + minutes * 60]}


def kept_shortly(key: str, name: str, *, once: bool = False) -> str | None:
    """What `keep_shortly` kept under `name`, while it lasts; `once`: no longer kept after this. None too when it
    cannot be opened (kept before the key changed, or by a version that did not encrypt it)."""
    found = session.get(key, {}).get(name)
    if once and found:
        session[key] = {other: entry for other, entry in session[key].items() if other != name}
    if not found or found[1] <= cases.now().timestamp():
        return None
    try:
        return _sealer().decrypt(str(found[0]).encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        return None


def under_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class ConsoleSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, for the console only: the public side keeps no session and never needs the key.

    The key comes from SECRET_KEY or, on first use, from the accounts store (console.key beside the queue); a store
    that cannot give it fails the request with 503, through the console's own error page. The cookie is Secure when
    the request came over HTTPS (X-Forwarded-Proto counts only through TRUSTED_PROXIES), so the demo on
    http://127.0.0.1 works and a deployment behind nginx with TLS gets Secure cookies.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not under_console(request.path):
            return None  # Flask's null session: nothing may be stored
        if not app.secret_key:
            try:
                app.secret_key = app.extensions["forms_api.console"].accounts.secret_key()
            except QueueUnavailable as exc:
                request.environ[KEY_FAILURE] = exc
                return None
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def error_page(error: HTTPException, back: tuple[str, str] | None = None) -> Response:
    """The console's answer to its own 400 (CSRF), 403, 404, 405 (a form's address opened as a page), 413, 429 and
    500 (an unexpected error), as a page in the console's look, with a link `back` where one is known."""
    texts = messages.CONSOLE_TEXTS
    codes = {
        403: "forbidden",
        404: "not_found",
        405: "not_a_page",
        413: "too_large",
        429: "too_many",
        500: "server_error",
    }
    text = texts[codes.get(error.code or 400, "csrf")]
    response = message_page(error.code or 400, text, back)
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response


def unavailable(error: QueueUnavailable) -> Response:
    current_app.logger.error("console: store unavailable: %s", error)
    return message_page(503, messages.CONSOLE_TEXTS["unavailable"])


def site_unavailable(error: TargetsUnavailable) -> Response:
    """The built site's open data cannot be read: no deputy, station or category to register a case against."""
    current_app.logger.error("console: site data unavailable: %s", error)
    return message_page(503, messages_console.INTAKE_TEXTS["site_unavailable"])
