"""The receipt of a new message, without a tracking code in any URL the server sees.

JavaScript off, the form's post is answered POST/redirect/GET: the answer to the post keeps the code and reference
in a short-lived cookie (HttpOnly, only for this path, never logged) and sends the browser on to `GET /api/receipt`,
which shows them with the saved picture (a data: image, and a link that saves it). A reload shows the receipt again
instead of posting the message a second time; once the cookie has expired, the page says where to look instead.

JavaScript on, the site's /thanks/ page has the code in its URL fragment and asks `POST /api/receipt-picture` (the
code in the body) for the same picture.
"""

from __future__ import annotations

import re

from flask import Response, request

from forms_api.cases.codes import GROUPED_PATTERN
from forms_api.cases.outbox import MOBILE_RE, asked_for_sms
from forms_api.public.answers import RECEIPT_COOKIE, REPEAT, VERIFY_COOKIE, checked, code_not_found, page
from forms_api.public.deputies import namesake_detail
from forms_api.public.notify import sms_offered
from forms_api.public.picture import data_url, receipt_png
from forms_api.public.schema import check_lookup
from forms_api.public.service import bp, service
from forms_api.public.tracking import find
from forms_api.security import rate_limited, reference_limited
from generator import deadlines

_VALUE = re.compile(rf"(?P<code>{GROUPED_PATTERN[1:-1]})~(?P<ref>[0-9]{{4}}-[0-9]{{6,9}})")


def site_root() -> str:
    """The site's root for links that leave this page (a QR code must be absolute): SITE_URL, else our origin."""
    return service().site_url or request.url_root


@bp.get("/receipt")
@rate_limited("lookup")
def receipt_page() -> Response:
    """The receipt a plain form post was sent on to: from its cookie, else the page saying it has gone."""
    value = request.cookies.get(RECEIPT_COOKIE, "")
    texts_key = "receipt_title"
    if value == REPEAT:
        return page("receipt.html", 200, title_key=texts_key, duplicate=True, code="", reference="")
    match = _VALUE.fullmatch(value)
    if match is None:
        return page("receipt.html", 200, title_key="receipt_gone_title", gone=True, code="", reference="")
    code, ref = match["code"], match["ref"]
    picture = data_url(receipt_png(ref, code, site_root()))
    sent = request.cookies.get(VERIFY_COOKIE) == "sent"  # a 短信验证码 was sent from this page: where to type it
    found = service().store.query(
        lambda state: (
            (sub.target, asked_for_sms(state, sub), bool(MOBILE_RE.match(sub.phone)))
            if (sub := state.by_code(code))
            else None
        )
    )
    target, notify, mobile = found or ("", False, False)
    return page(
        "receipt.html",
        200,
        title_key=texts_key,
        code=code,
        reference=ref,
        picture=picture,
        verify_sent=sent,
        notify=notify,  # SMS asked for (on the form, or here before a reload): said, instead of offered again
        target=target,  # whom it went to, named as the status page names it
        target_name=service().targets.name(target) if target else None,
        target_where=namesake_detail(service().targets, target) if target else "",
        deadline=deadlines.promise(),  # the words of the site's form and /thanks/, the numbers the rules count with
        # SMS offered only to a mainland mobile: a landline's offer would end on "请填写 11 位手机号码" (the
        # template's own condition, the template global, is narrowed here for this case)
        sms_offered=lambda: mobile and sms_offered(),
        sms_no_mobile=not mobile and sms_offered(),  # the offer left out for this reason: unsubscribe_texts.no_mobile
    )


@bp.post("/receipt-picture")
@reference_limited
@rate_limited("lookup")
def receipt_picture() -> Response:
    """The receipt picture of the case a code finds (the code in the body, never in a URL): PNG, or the one 404."""
    case = checked(lambda body: check_lookup(body.data, body.repeated))
    if isinstance(case, Response):
        return case
    svc = service()
    found = svc.store.query(lambda state: (sub.ref, sub.code) if (sub := find(state, case)) else None)
    if found is None:
        return code_not_found()
    response = Response(receipt_png(found[0], found[1], site_root()), mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="receipt-{found[0]}.png"'
    return response
