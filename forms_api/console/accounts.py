"""The office's view of the accounts, and lifting a lock there (the same change as `users unlock`)."""

from __future__ import annotations

from dataclasses import replace

from flask import Response, abort, flash, redirect, url_for

from forms_api import cases, messages
from forms_api.accounts.model import Account
from forms_api.console.service import bp, console, page, require
from forms_api.staff.users import scope_text, state_text


@bp.get("/accounts")
@require("accounts")
def accounts() -> Response:
    """Every account with its role, scope and state; a locked one has an unlock button."""
    rows = [(found, scope_text(found), state_text(found)) for found in console().accounts.all()]
    return page("staff/accounts.html", rows=rows)


@bp.post("/accounts/<login>/unlock")
@require("accounts")
def unlock(login: str) -> Response:
    """Lift the lock after too many wrong passwords; the count of wrong ones starts again."""

    def decide(current: Account | None) -> Account | None:
        if current is None:
            abort(404)
        if not current.locked:
            return None
        return replace(current, locked=False, failed=0, changed=cases.timestamp())

    console().accounts.change(login, decide)
    flash(messages.CONSOLE_TEXTS["unlocked"].format(login=login))
    return redirect(url_for("staff.accounts"))
