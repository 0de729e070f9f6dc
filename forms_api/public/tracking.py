"""A citizen's case by its tracking code, or by its 留言编号 with the phone number given with it: its status
(`GET /api/submissions/<code>`, `POST /api/track`) and the rating of its answer (`POST /api/submissions/<code>/rating`,
`POST /api/rating`). Without JavaScript both posts are answered POST/redirect/GET: on to `GET /api/status`, the page
of the case a short-lived cookie names (forms_api/public/answers.py `redirect_to_status`).

Every miss gets the one same answer (`code_not_found`): a wrong code, an unknown reference and a known reference with
another phone are not told apart. Look-ups by reference are limited per reference as well as per address
(forms_api/security.py), so that no one can try phone numbers against one case from many addresses.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from flask import Response

from forms_api import cases, messages_notify
from forms_api.cases import outbox
from forms_api.public import answers
from forms_api.public.answers import RATED, checked, code_not_found, error_response, log, status_answer
from forms_api.public.schema import check_lookup, check_rating
from forms_api.public.service import bp, service
from forms_api.security import rate_limited, reference_limited

_NO_PHONE = "\x00" * 11  # compared against when the reference is unknown: a miss takes as long as a wrong phone


def find(state: cases.State, case: Mapping[str, str]) -> cases.Submission | None:
    """The case `case` names: {"code"} (as typed: any case or grouping), or {"reference", "phone"} (normalised),
    the phone compared in constant time. None for every kind of miss."""
    if "code" in case:
        return state.by_code(case["code"])
    sub = state.submissions.get(case["reference"])
    kept = sub.phone if sub is not None and sub.phone else _NO_PHONE
    same = hmac.compare_digest(kept.encode(), case["phone"].encode())
    return sub if same and sub is not None and sub.phone else None


def public_view(state: cases.State, sub: cases.Submission) -> dict:
    """What a look-up shows: the case's public view, and `notify` when its citizen asked to be told of progress by
    SMS (on the form, at intake, or later) to a mobile number this service still sends SMS to: only then does the
    tracking page offer 退订 (to a citizen who never asked for SMS it would say nothing they could use). Once that
    phone has opted out (退订, from any of its cases or by replying TD) `sms_note` says so in the button's place."""
    svc = service()
    mobile = svc.limits.sms and bool(outbox.MOBILE_RE.match(sub.phone or ""))
    stopped = mobile and _opted_out(state, sub.phone)
    asked = mobile and not stopped and outbox.asked_for_sms(state, sub)
    return sub.public_view(*svc.calendar) | {
        "notify": bool(asked),
        "sms_note": messages_notify.SMS_STOPPED if stopped else None,
    }


def _opted_out(state: cases.State, phone: str) -> bool:
    """Whether `phone` asked for no more SMS (its keyed hash among the opt-outs; no key yet, no opt-out either)."""
    if not state.outbox.optouts:
        return False
    secret = service().store.evaluations_key(create=False)
    return secret is not None and outbox.optout_key(bytes.fromhex(secret), phone) in state.outbox.optouts


def _lookup(case: Mapping[str, str]) -> Response:
    svc = service()
    view = svc.store.query(lambda state: public_view(state, sub) if (sub := find(state, case)) else None)
    return status_answer(view, case=case) if view is not None else code_not_found()


@bp.get("/submissions/<code>")
@rate_limited("lookup")
def show(code: str) -> Response:
    """The status by a code in the path (the site's JavaScript)."""
    return _lookup({"code": code})


@bp.get("/status")
@reference_limited
@rate_limited("lookup")
def status_page() -> Response:
    """The status page a plain form post (a look-up or a rating) was sent on to: the case its cookie names, else the
    page saying it has gone. A miss counts against the reference's limit like a posted one (the cookie is the
    client's to forge)."""
    found = answers.status_cookie()
    rated = found.pop(RATED, "") == "1"
    case, errors = check_lookup(found)
    if not found or errors:
        return answers.page("status.html", 200, gone=True)
    svc = service()
    view = svc.store.query(lambda state: public_view(state, sub) if (sub := find(state, case)) else None)
    return answers.status_page(view, rated=rated, case=case) if view is not None else code_not_found(html=True)


@bp.post("/track")
@reference_limited
@rate_limited("lookup")
def track() -> Response:
    """The status by a code, or a reference and a phone, in the body (never in a URL)."""
    case = checked(lambda body: check_lookup(body.data, body.repeated))
    return case if isinstance(case, Response) else _lookup(case)


def _checked_rating(*, with_code: bool) -> dict | Response:
    limits = service().limits
    return checked(lambda body: check_rating(body.data, limits=limits, with_code=with_code, repeated=body.repeated))


def _rate(case: Mapping[str, str], rating: str, comment: str) -> Response:
    now = cases.now()
    svc = service()

    def decide(state: cases.State) -> dict:
        sub = find(state, case)
        cases.check(sub, "rated")
        assert sub is not None  # check() refused a missing one
        return cases.make_event("rated", sub.ref, cases.CITIZEN, now, rating=rating, comment=comment or None)

    try:
        stored = svc.store.append(decide)
    except cases.WorkflowError as refusal:
        if refusal.code == "not_found":
            return code_not_found()
        return error_response(409, str(refusal))
    log.info("event %s %s", stored[0]["type"], stored[0]["ref"])
    view = svc.store.query(lambda state: public_view(state, state.submissions[stored[0]["ref"]]))
    return status_answer(view, rated=rating, case=case)


@bp.post("/submissions/<code>/rating")
@rate_limited("rating")
def rate(code: str) -> Response:
    """The rating of an answer, the code in the path."""
    fields = _checked_rating(with_code=False)
    return fields if isinstance(fields, Response) else _rate({"code": code}, fields["rating"], fields["comment"])


@bp.post("/rating")
@reference_limited
@rate_limited("rating")
def rate_by_body() -> Response:
    """The rating of an answer, the code (or the reference and phone) in the body (the status page's plain form)."""
    fields = _checked_rating(with_code=True)
    return fields if isinstance(fields, Response) else _rate(fields["case"], fields["rating"], fields["comment"])
