"""A refused form as POST/redirect/GET, like a taken one: the refusal (the message, what was typed, which form) is kept
in the session and the browser is sent back (303) to the page the form is on, which shows it once. So no page the
staff see is a POST's answer, and Back never meets Chromium's "ERR_CACHE_MISS" (a page that would have to be posted
again).

The session is a signed cookie: what was typed travels in it, so a form too long for a cookie is answered the old
way, at once (the page with the refusal, as the POST's answer), rather than lose the text. The secret fields (the
CSRF token, a password) are never kept. Offline intake answers its refusals at once: its form holds the citizen's
name, phone and words, which stay out of cookies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, redirect, request, session

KEPT = "refused"
_SECRET = re.compile(r"^(csrf_token|password.*)$")
COOKIE_ROOM = 3600  # bytes of the session cookie's value: under the 4096 of name, value and attributes browsers keep


def refused(
    target: str,
    error: str,
    *,
    failed: str | None = None,
    answer: Callable[[], Response],
    form: Mapping[str, str] | None = None,
) -> Response:
    """Send the browser to `target` (a path of the console, and a #fragment where the refusal is shown far down its
    page) with `error` and the posted form (or `form`) kept for its next GET; `answer()` (the page with the refusal,
    answered at once) when they do not fit in the session's cookie."""
    typed = {key: value for key, value in (request.form if form is None else form).items() if not _SECRET.match(key)}
    session[KEPT] = {"path": target.partition("#")[0], "error": error, "failed": failed or "", "form": typed}
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    if serializer is None or len(serializer.dumps(dict(session))) > COOKIE_ROOM:
        session.pop(KEPT)
        return answer()
    return redirect(target, 303)


def given_back(target: str, form: Mapping[str, str], *, failed: str, answer: Callable[[], Response]) -> Response:
    """A form given back filled in, not refused (填入答复框: the answer typed so far and a template), the same way:
    kept for `target`'s next GET, which shows it in the form `failed` with no message, the browser sent to that form."""
    return refused(f"{target}#{failed}", "", failed=failed, answer=answer, form=form)


def taken() -> dict[str, Any] | None:
    """The refusal kept for this page (then no longer kept), or None: {"error" ("" for a form given back), "failed",
    "form"}."""
    kept = session.get(KEPT)
    if not isinstance(kept, Mapping) or kept.get("path") != request.path:
        return None
    session.pop(KEPT)
    return {"error": str(kept["error"]), "failed": kept.get("failed") or None, "form": dict(kept.get("form") or {})}
