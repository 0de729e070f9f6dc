"""How the public API reads a request and answers it, for both kinds of client:

- JSON (the site's JavaScript): JSON in, JSON out.
- The plain HTML form, JavaScript off (`application/x-www-form-urlencoded`): the same checks, and the answer is a small
  server-rendered HTML page instead of JSON, or the list of what to correct (400). What succeeded is answered
  POST/redirect/GET (`see_other`): a stored message on to the receipt page (`redirect_to_receipt`), a case found or
  rated on to the status page (`redirect_to_status`), what found it (the code, or the reference and phone) in a
  short-lived cookie of that page's path, never in a URL (ASVS 14.2.1), so that Back and reload show the page again
  instead of Chromium's "resubmit the form?" (or ERR_CACHE_MISS) and nothing is posted a second time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar
from urllib.parse import parse_qsl, urlencode

from flask import Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, UnsupportedMediaType

from forms_api import messages
from forms_api.public.deputies import namesake_detail
from forms_api.public.schema import normalise_reference
from forms_api.public.service import service
from forms_api.public.sitedata import TargetsUnavailable
from forms_api.store import QueueUnavailable

log = logging.getLogger("forms_api")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
Checked = TypeVar("Checked")


# --- request bodies ---------------------------------------------------------------------------------------------------
class Body(NamedTuple):
    data: dict[str, Any]
    form: bool
    repeated: frozenset[str]


class BodyInvalid(Exception):
    """The body is not a JSON object (or not parseable at all): one 400 for the whole body."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def read_raw_body() -> bytes:
    """The whole body, or 413. Werkzeug stops a body without Content-Length (chunked) at MAX_CONTENT_LENGTH
    *silently*: a body that reaches the limit is refused here, rather than parsed cut short."""
    raw = request.get_data(cache=True)  # raises 413 itself when Content-Length says too much
    if request.content_length is None and len(raw) >= current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()
    return raw


def read_body() -> Body:
    """The fields of a JSON object or of an urlencoded form; 415 for anything else, 413 when too large."""
    if request.mimetype not in {JSON, FORM}:
        raise UnsupportedMediaType()
    raw = read_raw_body()
    if request.mimetype == JSON:
        try:
            data = json.loads(raw, object_pairs_hook=_object_without_duplicates)
        except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, duplicate keys, huge ints
            raise BodyInvalid() from None
        if not isinstance(data, dict):
            raise BodyInvalid()
        return Body(data, False, frozenset())
    try:  # Werkzeug reads bad percent-encoded UTF-8 as U+FFFD, and would store that in place of the text
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BodyInvalid() from None
    form = request.form  # parsed from the cached body
    repeated = frozenset(key for key, values in form.lists() if len(values) > 1)
    return Body(form.to_dict(), True, repeated)


def wants_html() -> bool:
    """A plain HTML form post (JavaScript off) gets HTML pages, everything else JSON."""
    return request.method == "POST" and request.mimetype == FORM


def checked(check: Callable[[Body], tuple[Checked, dict[str, str]]]) -> Checked | Response:
    """The opening every endpoint shares: the body read (400 when it is no object) and `check`ed (400 naming each
    field); the checked fields, or the answer to give instead."""
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    fields, errors = check(body)
    return invalid(errors) if errors else fields


# --- answers ----------------------------------------------------------------------------------------------------------
def page(template: str, status: int, **context: Any) -> Response:
    response = current_app.make_response((render_template(template, texts=messages.PAGE_TEXTS, **context), status))
    response.mimetype = "text/html"
    return response


def error_response(
    status: int, message: str, errors: dict[str, str] | None = None, *, retry_track: bool = False, html: bool = False
) -> Response:
    """`{"error": message}` or `{"errors": {field: message}}`, or the same as an HTML page for a form post or when
    `html` (a page a form post was sent on to); `retry_track`: with a link back to the site's 查询进度 page."""
    if html or wants_html():
        labels = messages.FIELD_LABELS | messages.FIELD_LABELS_BY_FORM.get(request.endpoint or "", {})
        labelled = [(labels.get(name, name), text) for name, text in (errors or {}).items()]
        title = messages.PAGE_TEXTS["errors_title" if errors else "problem_title"]
        again = status == 429 or status >= 500  # the same post may succeed later: the typed text is worth keeping
        context = {"message": message, "errors": labelled, "retry_track": retry_track, "try_again": again}
        return page("error.html", status, title=title, **context)
    body: dict[str, Any] = {"errors": errors} if errors else {"error": message}
    response = jsonify(body)
    response.status_code = status
    return response


def invalid(errors: dict[str, str]) -> Response:
    return error_response(400, messages.PAGE_TEXTS["errors_lead"], errors)


def body_invalid() -> Response:
    return invalid({"body": messages.FIELD_ERRORS["body_invalid"]})


def code_not_found(*, html: bool = False) -> Response:
    """The one answer for every wrong tracking code, whatever its shape: nothing to tell codes apart by."""
    return error_response(404, messages.API_ERRORS["code_not_found"], retry_track=True, html=html)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 404 and request.path.startswith("/api/submissions/"):
        return code_not_found()
    message = messages.API_ERRORS.get(status) or messages.API_ERRORS[400 if status < 500 else 500]
    response = error_response(status, message)
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response


def queue_unavailable(error: QueueUnavailable) -> Response:
    log.error("queue unavailable: %s", error)
    return error_response(503, messages.QUEUE_UNAVAILABLE)


def targets_unavailable(error: TargetsUnavailable) -> Response:
    log.error("site data unavailable in SITE_DIR: %s", error)
    return error_response(503, messages.API_ERRORS["targets_unavailable"])


RECEIPT_COOKIE = "receipt"
RECEIPT_SECONDS = 30 * 60  # long enough to save the picture, short on a shared computer
REPEAT = "repeat"  # the receipt cookie of "already received": no code, no reference


def see_other(endpoint: str, cookie: str, value: str, seconds: int) -> Response:
    """The answer to a form post that did its work: 303 on to the page of `endpoint`, `value` in a cookie only that
    page gets (HttpOnly, for `seconds`), so that a reload shows the page instead of posting again and no URL the
    server logs carries a code or a phone number."""
    response = current_app.make_response(("", 303))
    response.mimetype = "text/plain"  # no page: the API's headers, not the HTML pages'
    target = url_for(endpoint)
    response.headers["Location"] = target
    response.set_cookie(
        cookie,
        value,
        max_age=seconds,
        path=target,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",  # sent on the redirect of a form posted from the site when the site has another origin
    )
    return response


def redirect_to_receipt(code: str, ref: str) -> Response:
    """A form post that stored a message, or found it stored (`code` empty): on to the receipt page
    (forms_api/public/receipts.py) with the code and reference, or only "repeat"."""
    return see_other("api.receipt_page", RECEIPT_COOKIE, f"{code}~{ref}" if code else REPEAT, RECEIPT_SECONDS)


VERIFY_COOKIE = "verify"  # the receipt page's, after a 短信验证码 was sent from it: "sent" asks for the code
STATUS_COOKIE = "case"
RATED = "rated"  # in the status cookie after a rating: the page thanks the citizen


def redirect_to_status(case: Mapping[str, str], rated: bool) -> Response:
    """A form post that found a case, or rated it: on to the status page (forms_api/public/tracking.py) with what
    found it (the code, or the reference and phone, as the citizen gave them)."""
    value = urlencode({**case, **({RATED: "1"} if rated else {})})
    return see_other("api.status_page", STATUS_COOKIE, value, RECEIPT_SECONDS)


def receipt(code: str, ref: str, status: str, *, notify: bool = False) -> Response:
    """201 for a new submission: JSON (`notify` when its citizen asked for SMS, for the thank-you page to confirm),
    or on to the receipt page for a form post (which looks that up itself)."""
    if wants_html():
        return redirect_to_receipt(code, ref)
    body = {"tracking_code": code, "reference": ref, "status": status} | ({"notify": True} if notify else {})
    response = jsonify(body)
    response.status_code = 201
    return response


def already_received() -> Response:
    """200 for a repeat within the duplicate window: it was received, and nothing more. The first code (or reference,
    which with the phone number finds the case) would go to anyone who knows a phone number and the text; the citizen
    who sent it was shown the code the first time."""
    if wants_html():
        return redirect_to_receipt("", "")
    return jsonify({"duplicate": True, "message": messages.PAGE_TEXTS["duplicate_lead"]})


def status_answer(view: dict[str, Any], *, rated: str | None = None, case: Mapping[str, str] | None = None) -> Response:
    """A submission's public view as JSON, or for a form post on to the status page (with `case`, what this post found
    the case by, and whether it was just `rated`)."""
    if wants_html():
        return redirect_to_status(case or {}, bool(rated))
    return jsonify(view)


def status_page(view: dict[str, Any], *, rated: bool, case: Mapping[str, str]) -> Response:
    """The status page, with the rating form when the case may be rated, which sends back `case`."""
    svc = service()
    return page(
        "status.html",
        200,
        view=view,
        target_name=svc.targets.name(view["target"]),
        target_where=namesake_detail(svc.targets, view["target"]),
        rated=rated,
        case=case,
        ratings=messages.RATINGS,
        reopens=messages.RATING_REOPENS,
        max_comment=svc.limits.max_comment,
    )


def status_cookie() -> dict[str, str]:
    """What the status page's cookie holds: what found the case (and `rated`), as `redirect_to_status` wrote it."""
    return dict(parse_qsl(request.cookies.get(STATUS_COOKIE, "")))


def requested_reference() -> str | None:
    """The 留言编号 a look-up or rating names in its body, or the status page in its cookie (normalised), for the
    per-reference rate limit; None when it names none (or the body cannot be read: the view answers that with a
    400)."""
    if request.method == "GET":
        data: Mapping[str, Any] = status_cookie()
    else:
        try:
            data = read_body().data
        except (BodyInvalid, HTTPException):
            return None
    value = data.get("reference")
    return normalise_reference(value) if isinstance(value, str) and value.strip() else None


def evaluation_receipt(target: str, year: int, rating: str) -> Response:
    """201 for a stored yearly evaluation: JSON, or a thank-you page for a form post."""
    if wants_html():
        name = service().targets.name(target)
        return page("evaluated.html", 201, target=target, target_name=name, year=year, rating=rating)
    response = jsonify({"target": target, "year": year, "rating": rating})
    response.status_code = 201
    return response
