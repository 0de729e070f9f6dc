"""A citizen's case by its tracking code: its status (`GET /api/submissions/<code>`, `POST /api/track`) and the
rating of its answer (`POST /api/submissions/<code>/rating`, `POST /api/rating`)."""

from __future__ import annotations

from flask import Response

from forms_api import cases
from forms_api.public.answers import checked, code_not_found, error_response, log, status_answer
from forms_api.public.schema import check_lookup, check_rating
from forms_api.public.service import bp, service
from forms_api.security import rate_limited


def _lookup(code: str) -> Response:
    svc = service()
    view = svc.store.query(lambda state: sub.public_view(*svc.calendar) if (sub := state.by_code(code)) else None)
    return status_answer(view) if view is not None else code_not_found()


@bp.get("/submissions/<code>")
@rate_limited("lookup")
def show(code: str) -> Response:
    """The status by a code in the path (the site's JavaScript)."""
    return _lookup(code)


@bp.post("/track")
@rate_limited("lookup")
def track() -> Response:
    """The status by a code in the body (the plain form: the code never travels in a URL)."""
    code = checked(lambda body: check_lookup(body.data, body.repeated))
    return code if isinstance(code, Response) else _lookup(code)


def _checked_rating(*, with_code: bool) -> dict[str, str] | Response:
    limits = service().limits
    return checked(lambda body: check_rating(body.data, limits=limits, with_code=with_code, repeated=body.repeated))


def _rate(code: str, rating: str, comment: str) -> Response:
    now = cases.now()
    svc = service()

    def decide(state: cases.State) -> dict:
        sub = state.by_code(code)
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
    view = svc.store.query(lambda state: state.submissions[stored[0]["ref"]].public_view(*svc.calendar))
    return status_answer(view, rated=rating)


@bp.post("/submissions/<code>/rating")
@rate_limited("rating")
def rate(code: str) -> Response:
    """The rating of an answer, the code in the path."""
    fields = _checked_rating(with_code=False)
    return fields if isinstance(fields, Response) else _rate(code, fields["rating"], fields["comment"])


@bp.post("/rating")
@rate_limited("rating")
def rate_by_body() -> Response:
    """The rating of an answer, the code in the body (the status page's plain form)."""
    fields = _checked_rating(with_code=True)
    return fields if isinstance(fields, Response) else _rate(fields["code"], fields["rating"], fields["comment"])
