"""What the site's form may offer (`GET /api/features`: SMS notifications only when a sender is configured, and
whether they need a 短信验证码, `POST /api/verify`, forms_api/notify/verify.py) and
退订 (`POST /api/unsubscribe` with a tracking code, from the tracking page; `POST /api/sms/replies/<token>`, where the
SMS provider reports a citizen's reply such as "TD"). Both keep only a keyed hash of the phone (cases.outbox)."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, abort, jsonify, request

from forms_api import cases, messages, messages_notify
from forms_api.cases import outbox
from forms_api.notify.senders import SendError
from forms_api.notify.verify import CODE_SECONDS
from forms_api.public.answers import (
    VERIFY_COOKIE,
    checked,
    code_not_found,
    error_response,
    invalid,
    log,
    page,
    see_other,
    wants_html,
)
from forms_api.public.schema import check_lookup, check_subscribe, check_verify, normalise_phone
from forms_api.public.service import bp, service
from forms_api.public.tracking import find
from forms_api.security import rate_limited, reference_limited, wait_text

UNSUBSCRIBE_TEXTS = {
    "lead": messages_notify.UNSUBSCRIBE_LEAD,
    "button": messages_notify.UNSUBSCRIBE_BUTTON,
    "asked": messages_notify.SMS_ASKED,
    "subscribe_lead": messages_notify.SUBSCRIBE_LEAD,
    "subscribe": messages_notify.SUBSCRIBE_TITLE,
    "verify_lead": messages_notify.VERIFY_LEAD,
    "verify_send": messages_notify.VERIFY_SEND,
    "verify_again": messages_notify.VERIFY_AGAIN,
    "verify_sent": messages_notify.VERIFY_SENT,
    "verify_label": messages_notify.VERIFY_LABEL,
    "no_mobile": messages_notify.SMS_NO_MOBILE,  # for the receipt page to say why it offers no SMS (a landline)
}


def sms_offered() -> bool:
    """Whether this service sends SMS (the form's checkbox, the status page's 退订)."""
    return service().limits.sms


def sms_refused(case: dict[str, str], status: int, message: str) -> Response:
    """An SMS step refused for the case `case` found: without JavaScript a page that says why and leads back to that
    case (the status page's 查看办理进度, posting what found it) and to 查询进度; JSON `{"error"}` for a script."""
    if wants_html():
        return page("unsubscribed.html", status, title=messages_notify.SMS_REFUSED_TITLE, message=message, case=case)
    return error_response(status, message)


def sms_verify() -> bool:
    """Whether asking for SMS needs a 短信验证码 (the receipt page's form)."""
    return service().limits.verify


@bp.get("/features")
def features() -> Response:
    """What the form offers beyond the message: SMS notifications when an SMS sender is configured, and `verify`
    when they need a 短信验证码 first."""
    limits = service().limits
    return jsonify({"notify": {"sms": limits.sms} | ({"verify": True} if limits.verify else {})})


@bp.post("/verify")
@rate_limited("verify")
def send_code() -> Response:
    """A 短信验证码 to a mainland mobile (`phone`, the form's), or to the phone of the case a tracking code finds
    (`code`, the receipt page's form without JavaScript, which is then shown again with the field to type it in)."""
    svc = service()
    if not svc.limits.verify:
        return error_response(409, messages.FIELD_ERRORS["verify_off"])
    fields = checked(lambda body: check_verify(body.data, body.repeated))
    if isinstance(fields, Response):
        return fields
    phone = fields.get("phone")
    if phone is None:
        phone = svc.store.query(lambda state: sub.phone if (sub := find(state, fields)) else None)
        if phone is None:
            return code_not_found()
        if not outbox.MOBILE_RE.match(phone):
            return sms_refused(fields, 409, messages_notify.SMS_NO_MOBILE)
    try:
        wait = svc.verifier.send(phone)
    except SendError as error:
        log.warning("verification code not sent: %s", error)
        return error_response(503, messages.FIELD_ERRORS["verify_not_sent"])
    if wait:
        response = error_response(429, messages.FIELD_ERRORS["verify_too_often"].format(wait=wait_text(wait)))
        response.headers["Retry-After"] = str(wait)
        return response
    log.info("verification code sent")
    if wants_html():
        return see_other("api.receipt_page", VERIFY_COOKIE, "sent", CODE_SECONDS)
    return jsonify({"sent": True, "seconds": CODE_SECONDS})


def _unsubscribe_phone(phone: str) -> None:
    """Append an `optout` for `phone` unless one is there (decided under the lock)."""
    store = service().store
    key = outbox.optout_key(bytes.fromhex(store.evaluations_key() or ""), phone)

    def decide(state: cases.State) -> dict | None:
        if key in state.outbox.optouts:
            return None
        return outbox.outbox_event(outbox.OPTOUT, cases.CITIZEN, key=key)

    store.append(decide)


@bp.post("/unsubscribe")
@reference_limited
@rate_limited("lookup")
def unsubscribe() -> Response:
    """退订 by tracking code: no more SMS to the case's phone, for any case."""
    case = checked(lambda body: check_lookup(body.data, body.repeated))
    if isinstance(case, Response):
        return case
    phone = service().store.query(lambda state: sub.phone if (sub := find(state, case)) else None)
    if phone is None:
        return code_not_found()
    done = bool(outbox.MOBILE_RE.match(phone))
    if done:
        _unsubscribe_phone(phone)
        log.info("event %s", outbox.OPTOUT)
    message = messages_notify.UNSUBSCRIBE_DONE if done else messages_notify.UNSUBSCRIBE_NO_MOBILE
    if wants_html():
        return page("unsubscribed.html", 200, title=messages_notify.UNSUBSCRIBE_TITLE, message=message, case=case)
    return jsonify({"unsubscribed": done, "message": message})


@bp.post("/notify")
@reference_limited
@rate_limited("lookup")
def subscribe() -> Response:
    """有进展时短信通知我 after sending (the receipt page without JavaScript, where the form could not offer it),
    with the 短信验证码 sent to the case's phone when NOTIFY_SMS_VERIFY is on."""
    svc = service()
    case = checked(lambda body: check_subscribe(body.data, body.repeated, verify=svc.limits.verify))
    if isinstance(case, Response):
        return case
    typed = case.pop("verify_code", None)
    if not svc.limits.sms:
        return sms_refused(case, 409, messages_notify.SMS_OFF)
    found = svc.store.query(lambda state: (sub.ref, sub.phone) if (sub := find(state, case)) else None)
    if found is None:
        return code_not_found()
    ref, phone = found
    if not outbox.MOBILE_RE.match(phone):
        return sms_refused(case, 409, messages_notify.SMS_NO_MOBILE)
    refused = svc.verifier.check(phone, typed) if typed is not None else None
    if refused:
        return invalid({"verify_code": messages.FIELD_ERRORS[refused]})

    def decide(state: cases.State) -> dict | None:
        sub = state.submissions[ref]
        if ref in state.outbox.subscribed or (sub.history and sub.history[0].get("notify") is True):
            return None
        return outbox.outbox_event(outbox.SUBSCRIBED, cases.CITIZEN, ref=ref)

    svc.store.append(decide)
    if wants_html():
        title, message = messages_notify.SUBSCRIBE_TITLE, messages_notify.SUBSCRIBED
        return page("unsubscribed.html", 200, title=title, message=message, case=case)
    return jsonify({"notify": True, "message": messages_notify.SUBSCRIBED})


def _replies(data: Any) -> list[tuple[str, str]]:
    """(phone, text) pairs from a provider's report of replies: Tencent's one object (mobile, text) or Alibaba's
    list of objects (phone_number, content)."""
    items = data if isinstance(data, list) else [data]
    pairs = []
    for item in items:
        if isinstance(item, dict):
            phone, text = item.get("mobile") or item.get("phone_number"), item.get("text") or item.get("content")
            if isinstance(phone, str) and isinstance(text, str):
                pairs.append((phone, text))
    return pairs


@bp.post("/sms/replies/<token>")
def sms_replies(token: str) -> Response:
    """The provider's report of citizens' replies: an unsubscribe keyword (TD, 退订 ...) stops SMS to that phone."""
    secret = service().settings.get("NOTIFY_REPLY_TOKEN") or ""
    if not secret or not hmac.compare_digest(token.encode(), secret.encode()):
        abort(404)
    count = 0
    for phone, text in _replies(request.get_json(silent=True)):
        number = normalise_phone(phone)
        if number and outbox.MOBILE_RE.match(number) and text.strip().upper() in messages_notify.UNSUBSCRIBE_KEYWORDS:
            _unsubscribe_phone(number)
            count += 1
    log.info("sms replies: %d unsubscribed", count)
    return jsonify({"result": 0, "errmsg": "OK", "code": 0, "msg": "成功"})
