"""Passwords (argon2id through argon2-cffi), invitation tokens and the outcome of one sign-in attempt.

Only hashes are kept: of the password (argon2id) and of the invitation token (SHA-256: the token has 256 random bits,
so a fast hash is enough and makes it findable). A sign-in for an unknown, disabled or locked account still spends
the time of a real check, so the answer's timing does not tell whether a login exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from forms_api.accounts.model import LOCK_AFTER, Account
from forms_api.cases import parse_at, timestamp

MIN_PASSWORD = 10
MAX_PASSWORD = 128
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))  # checked against when there is no real hash


def hash_password(password: str) -> str:
    """The argon2id hash of `password`, with its own salt and parameters."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; always spends one check's time, even without a hash."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, login: str) -> str | None:
    """Why a new password is refused (a key of messages.PASSWORD_ERRORS), or None."""
    if len(password) < MIN_PASSWORD:
        return "short"
    if len(password) > MAX_PASSWORD:
        return "long"
    lowered = password.strip().lower()
    if lowered == login or len(set(password)) < 4 or password.isdigit() or _along_a_row(lowered):
        return "weak"
    return None


_ROWS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _along_a_row(password: str) -> bool:
    """Whether the password runs along the alphabet or a keyboard row, forwards or back ("abcdefghij", "poiuytrewq")."""
    return any(password in row or password in row[::-1] for row in _ROWS)


def token_hash(token: str) -> str:
    """How an invitation token is kept: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invite(account: Account, now: datetime, hours: int) -> tuple[Account, str]:
    """`account` waiting for a first (or new) password, and the one-use token of its link, valid for `hours`.

    The old password and every open session end: a reset is for a forgotten or exposed password."""
    token = secrets.token_urlsafe(32)
    expires = timestamp(now + timedelta(hours=hours))
    invited = replace(
        account,
        state="invited",
        password_hash=None,
        invitation_hash=token_hash(token),
        invitation_expires=expires,
        failed=0,
        locked=False,
        sessions=account.sessions + 1,
        changed=timestamp(now),
    )
    return invited, token


def invitation_valid(account: Account | None, token: str, now: datetime) -> bool:
    """Whether `token` is the account's open, unexpired invitation."""
    if account is None or account.state != "invited" or not account.invitation_hash or not account.invitation_expires:
        return False
    return hmac.compare_digest(account.invitation_hash, token_hash(token)) and now < parse_at(
        account.invitation_expires
    )


def accept(account: Account, password: str, now: datetime) -> Account:
    """The account after its invitation was used to set `password`: active, the token spent."""
    return replace(
        account,
        state="active",
        password_hash=hash_password(password),
        invitation_hash=None,
        invitation_expires=None,
        changed=timestamp(now),
    )


def attempt(account: Account | None, password: str, now: datetime) -> tuple[Account | None, bool]:
    """One sign-in: (the account as it should now be stored, whether the password let it in).

    A wrong password counts against an active account; the LOCK_AFTER-th in a row locks it. A locked, invited or
    disabled account never signs in, and nothing about it changes."""
    matches = verify_password(account.password_hash if account else None, password)
    if account is None or account.state != "active" or account.locked:
        return account, False
    if matches:
        return (replace(account, failed=0) if account.failed else account), True
    failed = account.failed + 1
    return replace(account, failed=failed, locked=failed >= LOCK_AFTER, changed=timestamp(now)), False
