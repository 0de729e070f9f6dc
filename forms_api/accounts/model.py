"""An account of the back office: login, role, scope, state, password hash, failed sign-ins, invitation, TOTP.

Pure: records in, records out. An account never changes in place (frozen); a change is a new record written by the
accounts store under its lock (forms_api/store/accounts.py).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

ROLES = ("office", "station", "deputy", "handler")
STATES = ("invited", "active", "disabled")
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
SCOPE_ID_RE = re.compile(r"^[a-z0-9-]{1,64}$")
HANDLER_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{1,64}$")
RESERVED_LOGINS = frozenset({"citizen"})  # the actor of a citizen's own events (cases.CITIZEN)
LOCK_AFTER = 6  # the 6th wrong password in a row locks the account until it is unlocked


@dataclass(frozen=True)
class Account:
    """One account as stored; the password and invitation hashes stay out of repr()."""

    login: str
    role: str
    scope: tuple[str, ...]
    created: str
    changed: str
    state: str = "invited"
    password_hash: str | None = field(default=None, repr=False)
    failed: int = 0
    locked: bool = False
    invitation_hash: str | None = field(default=None, repr=False)
    invitation_expires: str | None = None
    sessions: int = 0  # raised on sign-out: every session signed in before it ends
    totp_secret: str | None = field(default=None, repr=False)  # the enrolled second factor (二次验证), base32
    totp_pending: str | None = field(default=None, repr=False)  # shown for enrolment, kept once a code matches
    totp_step: int = 0  # the last time step whose code was accepted: a code is used once

    @property
    def stations(self) -> tuple[str, ...]:
        """The station ids of a station account."""
        return self.scope if self.role == "station" else ()

    @property
    def deputy(self) -> str | None:
        """The deputy id of a deputy account."""
        return self.scope[0] if self.role == "deputy" and self.scope else None

    @property
    def handler(self) -> str | None:
        """The handler's name (as assignments name it: 县住建局, 12345) of a handler account."""
        return self.scope[0] if self.role == "handler" and self.scope else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = list(self.scope)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Account:
        """An account from its stored form; ValueError when it is not one (the file was damaged or hand-edited)."""
        if not isinstance(data, dict):
            raise ValueError("an account must be an object")
        try:
            account = cls(**{**data, "scope": tuple(data.get("scope") or ())})
        except TypeError as exc:
            raise ValueError(str(exc)) from None
        problem = scope_problem(account.role, account.scope) if valid_login(str(account.login)) else "login"
        if problem or account.state not in STATES:
            raise ValueError(f"account {account.login!r} is not valid ({problem or 'state'})")
        return account


def valid_login(login: str) -> bool:
    """2 to 32 lowercase letters, digits, dots, underscores or hyphens, never an actor name the log reserves."""
    return bool(LOGIN_RE.fullmatch(login)) and login not in RESERVED_LOGINS


def normalise_login(text: str) -> str:
    """Logins are compared case-insensitively and without surrounding spaces."""
    return text.strip().lower()


def scope_problem(role: str, scope: tuple[str, ...]) -> str | None:
    """Why `scope` does not fit `role` (a key of messages.USERS_SCOPE_ERRORS), or None."""
    if role not in ROLES:
        return "role"
    if role == "office":
        return None if not scope else "office"
    if role == "station":
        ok = bool(scope) and all(SCOPE_ID_RE.fullmatch(item) for item in scope) and len(set(scope)) == len(scope)
        return None if ok else "station"
    if role == "deputy":
        return None if len(scope) == 1 and SCOPE_ID_RE.fullmatch(scope[0]) else "deputy"
    return None if len(scope) == 1 and HANDLER_RE.fullmatch(scope[0]) and scope[0].strip() == scope[0] else "handler"
