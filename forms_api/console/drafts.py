"""What staff typed survives an ended session: a form posted after the session expired (its CSRF token no longer
fits, or the idle timeout ended it) is not taken, but neither is it lost. Signed out, the answer is the sign-in form,
in Chinese, carrying the typed fields along (hidden `draft.<name>` inputs) and the page it came from (`next`); once
signed in, that page comes back with the fields filled in, for staff to check and post again. Still signed in (a
stale tab), the page comes back filled at once. Nothing is ever taken without a new post.

Only a same-origin post carries a draft (a page on another site cannot pre-fill a form here), never a password or a
token, and `next` is always a console path (`safe_next`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Response, flash, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from forms_api import messages
from forms_api.cases import REF_RE
from forms_api.console import intake
from forms_api.console.case import EVENTS, case_page, find_case
from forms_api.console.service import PREFIX, error_page, may, page
from forms_api.messages_console import STAFF_TEXTS

DRAFT = "draft."
_SECRET = re.compile(r"^(csrf_token|password.*|draft_to)$")
_CASE_ACTION = re.compile(rf"^{PREFIX}/cases/([0-9-]+)/([a-z]+)$")


def safe_next(target: str) -> str | None:
    """`target` if it is a path of the console on this site (never another site, `//host`, or a backslash trick)."""
    if target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return None


def return_path(path: str) -> str:
    """The page a form posted to `path` was on: a case's page for its actions, else the section's page."""
    found = _CASE_ACTION.match(path)
    if found and REF_RE.fullmatch(found[1]):
        return f"{PREFIX}/cases/{found[1]}"
    for section in ("intake", "templates", "accounts"):
        if path.startswith(f"{PREFIX}/{section}"):
            return f"{PREFIX}/{section}"
    return f"{PREFIX}/"


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.host}"


def typed() -> tuple[str, dict[str, str]]:
    """(where the post is going, its typed fields) of this request: a post carrying a draft through sign-in names
    both itself; any other post is the draft (the fields of a same-origin post, no secret)."""
    form = request.form
    if request.path in (f"{PREFIX}/signin", f"{PREFIX}/signin/code"):  # the password, then the second factor
        fields = {key.removeprefix(DRAFT): value for key, value in form.items() if key.startswith(DRAFT)}
        return safe_next(form.get("draft_to", "")) or "", fields
    if not _same_origin():
        return request.path, {}
    return request.path, {key: value for key, value in form.items() if not _SECRET.match(key)}


def sign_in_again(status: int, message: str) -> Response:
    """The sign-in form after a session ended, carrying the typed fields and the page they came from."""
    target, fields = typed()
    back = return_path(target) if target else request.args.get("next", "")
    draft = {key: value for key, value in fields.items() if not key.startswith(DRAFT)}
    return page(
        "staff/signin.html",
        status,
        login="",
        error=None,
        expired=message,
        next_page=safe_next(back),
        draft={DRAFT + key: value for key, value in draft.items()} | {"draft_to": target} if draft else {},
    )


def restored(target: str, fields: Mapping[str, str], message: str, status: int = 200) -> Response | None:
    """The page `target` was posted from, with `fields` filled in and `message` at its top; None when it has no
    form to fill (the caller then goes to the page itself)."""
    found = _CASE_ACTION.match(target)
    action = found and ("answer" if found[2] == "template" else found[2])  # 填入答复框 posts the answer form
    if found and action in EVENTS and REF_RE.fullmatch(found[1]) and may("queue"):
        return case_page(find_case(found[1]), status=status, notice=message, form=fields, failed=action)
    if target == f"{PREFIX}/intake" and may("intake"):
        flash(message)  # shown at the top of the page rendered now
        return intake.form_page(status, None, fields)
    return None


def csrf_failed(error: HTTPException) -> Response:
    """A post whose CSRF token does not fit: signed out, sign in again with the draft; signed in, the page again,
    filled; else the console's error page."""
    texts = messages.CONSOLE_TEXTS
    if not current_user.is_authenticated:
        return sign_in_again(400, texts["csrf"] + STAFF_TEXTS["expired_signin"])
    target, fields = typed()
    if fields:
        shown = restored(target, fields, texts["csrf"] + STAFF_TEXTS["kept"], 400)
        if shown is not None:
            return shown
    return error_page(error)
