"""The optional second factor (二次验证): a TOTP authenticator (RFC 6238 through pyotp: 6 digits, 30 s steps), which
any phone app reads from a QR code (微信/支付宝 mini-programs, Google Authenticator, 腾讯身份验证器).

Pure: records in, records out. A code is accepted once (the account keeps the last accepted time step) and within
one step of clock drift either way; a wrong one counts against the account like a wrong password (model.LOCK_AFTER).
The setting STAFF_TOTP decides who must have one (`required`).
"""

from __future__ import annotations

import hmac
from dataclasses import replace
from datetime import datetime

import pyotp

from forms_api.accounts.model import LOCK_AFTER, Account
from forms_api.cases import timestamp

MODES = ("off", "optional", "office")
DIGITS = 6
DRIFT = 1  # steps of clock drift accepted either way
ISSUER = "码上找代表"


def new_secret() -> str:
    """A fresh random secret (160 bits, base32), as authenticator apps expect it."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, login: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address a QR code carries: the app shows `issuer` and `login`."""
    return pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=login, issuer_name=issuer)


def required(mode: str, account: Account) -> bool:
    """Whether `account` must have a second factor before it may do anything (STAFF_TOTP=office)."""
    return mode == "office" and account.role == "office"


def enabled(mode: str, account: Account) -> bool:
    """Whether sign-in asks `account` for a code: it has one, and the setting is not off."""
    return mode != "off" and account.totp_secret is not None


def _step(secret: str, code: str, now: datetime, after: int) -> int | None:
    """The time step (within the drift, later than `after`) whose code is `code`, or None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS)
    current = totp.timecode(now)
    found = None
    for step in range(current - DRIFT, current + DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > after and found is None:
            found = step
    return found


def _failed(account: Account, now: datetime) -> Account:
    failed = account.failed + 1
    return replace(account, failed=failed, locked=failed >= LOCK_AFTER, changed=timestamp(now))


def attempt(account: Account | None, code: str, now: datetime) -> tuple[Account | None, bool]:
    """The second step of a sign-in: (the account as it should now be stored, whether `code` let it in).

    A wrong or replayed code counts against the account as a wrong password does; the right one clears the count
    and is spent. A locked or inactive account, or one without a second factor, never passes."""
    if account is None or account.state != "active" or account.locked or account.totp_secret is None:
        return account, False
    step = _step(account.totp_secret, code, now, account.totp_step)
    if step is None:
        return _failed(account, now), False
    return replace(account, failed=0, totp_step=step), True


def start(account: Account, now: datetime) -> Account:
    """`account` with a new secret waiting to be confirmed (the enrolled one, if any, stays until then)."""
    return replace(account, totp_pending=new_secret(), changed=timestamp(now))


def confirm(account: Account, code: str, now: datetime) -> tuple[Account, bool]:
    """Enrolment completes with one right code of the pending secret; a wrong one counts like a wrong password."""
    if account.totp_pending is None or account.locked:
        return account, False
    step = _step(account.totp_pending, code, now, 0)
    if step is None:
        return _failed(account, now), False
    enrolled = replace(account, totp_secret=account.totp_pending, totp_pending=None, totp_step=step, failed=0)
    return replace(enrolled, changed=timestamp(now)), True


def reset(account: Account, now: datetime) -> Account:
    """`account` without a second factor (a lost phone): it signs in with its password and enrols again; every
    open session of it ends."""
    return replace(
        account,
        totp_secret=None,
        totp_pending=None,
        totp_step=0,
        sessions=account.sessions + 1,
        changed=timestamp(now),
    )
