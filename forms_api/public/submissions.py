"""New messages (`POST /api/submissions`) and constituents' yearly evaluations of deputies (`POST /api/evaluations`).

Both open the same way (`_checked_form`: the body, the checks against the site's targets, the honeypot) and append
one event decided under the store's lock, so the duplicate window and the one-evaluation-per-voter rule hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response

from forms_api import cases, messages
from forms_api.cases.intake import NewCase, new_case
from forms_api.public.answers import (
    already_received,
    checked,
    error_response,
    evaluation_receipt,
    invalid,
    log,
    receipt,
)
from forms_api.public.schema import check_evaluation, check_submission
from forms_api.public.service import bp, service
from forms_api.security import rate_limited


def _checked_form(check: Callable[..., tuple[dict[str, Any], dict[str, str]]]) -> dict[str, Any] | Response:
    """The checked fields of a message or an evaluation, or the answer to give instead (400)."""
    svc = service()
    return checked(
        lambda body: check(body.data, form=body.form, limits=svc.limits, targets=svc.targets, repeated=body.repeated)
    )


@bp.post("/submissions")
@rate_limited("submit")
def submit() -> Response:
    """A citizen's message: stored once. A repeat within the duplicate window is told it was received, without the
    first one's code or reference: whoever knows a phone number and the text must not get the case. Only a retry of
    the same request (its `request_id`, a random key the page's script made, kept as a hash) gets the first answer
    again, so a citizen whose answer was lost on the network still gets their code."""
    fields = _checked_form(check_submission)
    if isinstance(fields, Response):
        return fields
    svc = service()
    if fields["website"]:  # the honeypot: looks accepted, stores nothing
        log.info("honeypot filled: nothing stored")
        fake_ref = svc.store.query(lambda state: state.next_ref(cases.now().year))
        return receipt(cases.new_code(), fake_ref, "submitted", notify=fields["notify"])

    if "verify_code" in fields:  # notifications asked for with NOTIFY_SMS_VERIFY on (schema.check_submission)
        refused = svc.verifier.check(fields["phone"], fields["verify_code"])
        if refused:
            return invalid({"verify_code": messages.FIELD_ERRORS[refused]})
    now = cases.now()
    code = cases.new_code()
    request = hashlib.sha256(fields["request_id"].encode()).hexdigest() if fields["request_id"] else None
    duplicates: list[cases.Submission] = []
    case = NewCase(
        target=fields["target"],
        category=fields["category"],
        text=fields["text"],
        name=fields["name"] or None,
        phone=fields["phone"],
        anonymous=fields["anonymous"],
        extra=({"request": request} if request else {}) | ({"notify": True} if fields["notify"] else {}),
    )
    stored = svc.store.append(new_case(case, code, now, svc.duplicate_window, duplicates))
    if duplicates:
        first = duplicates[0]
        log.info("event duplicate %s", first.ref)
        if request is not None and first.history[0].get("request") == request:  # the same request, sent again
            return receipt(first.code, first.ref, first.status, notify=first.history[0].get("notify") is True)
        return already_received()
    event = stored[0]
    log.info("event %s %s", event["type"], event["ref"])
    return receipt(event["code"], event["ref"], "submitted", notify=fields["notify"])


@bp.post("/evaluations")
@rate_limited("evaluate")
def evaluate() -> Response:
    """A constituent's yearly evaluation of a deputy: one per phone number, deputy and year; no number is stored."""
    fields = _checked_form(check_evaluation)
    if isinstance(fields, Response):
        return fields
    svc = service()
    now = cases.now()
    if fields["website"]:  # the honeypot: looks accepted, stores nothing
        log.info("honeypot filled: nothing stored")
        return evaluation_receipt(fields["target"], now.year, fields["rating"])
    store = svc.store
    secret = bytes.fromhex(store.evaluations_key() or "")  # created on first use
    voter = cases.voter(secret, fields["phone"], fields["target"], now.year)
    refused: list[bool] = []

    def decide(state: cases.State) -> dict | None:
        if state.has_evaluated(voter):
            refused.append(True)
            return None
        return cases.make_evaluation(
            fields["target"], now.year, fields["rating"], voter, now, comment=fields["comment"] or None
        )

    store.append(decide)
    if refused:
        return error_response(409, messages.API_ERRORS["evaluated_twice"])
    log.info("event %s %s", cases.EVALUATED, fields["target"])
    return evaluation_receipt(fields["target"], now.year, fields["rating"])
