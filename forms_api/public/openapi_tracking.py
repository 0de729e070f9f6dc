"""The OpenAPI paths and schemas of finding a case (forms_api/public/tracking.py, receipts.py): by tracking code, or
by 留言编号 with the phone number given with it; merged into the document by forms_api/public/openapi.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forms_api import cases, messages
from forms_api.cases.codes import GROUPED_PATTERN

EXAMPLE_CODE = "7K2M-9QXD-4HBT-R0VW-J3NE"
CLOSED = {"type": "object", "additionalProperties": False}
MISS = (
    "Nothing found: the one same answer for a wrong code, an unknown reference and a known reference with another "
    "phone, so that no answer tells whether a reference exists"
)
LIMITS = (
    "Besides the per-address limit (LOOKUP_RATE_LIMIT; RATE_LIMIT for ratings), look-ups by reference are limited "
    "per reference from all addresses together (REFERENCE_RATE_LIMIT, counting misses only); a 429 says how long to "
    "wait (Retry-After)."
)
RECEIPT_REDIRECT = (
    "A plain HTML form post (JavaScript off), stored or already received: on to GET /api/receipt (POST/redirect/GET), "
    "the code and reference in a short-lived HttpOnly cookie of that path, never in a URL"
)

STATUS_REDIRECT = (
    "A plain HTML form post (JavaScript off) that found the case, or rated it: on to GET /api/status "
    "(POST/redirect/GET), what found it (the code, or the reference and phone) in a short-lived HttpOnly cookie of "
    "that path, never in a URL"
)


# The timeline shows these (noted, viewed, ... are internal: cases.INTERNAL_EVENTS), and where a case went under 督办.
PUBLIC_EVENT_TYPES = [kind for kind in cases.EVENT_TYPES if kind not in cases.INTERNAL_EVENTS] + ["supervised"]
NULLABLE_TEXT = {"type": ["string", "null"]}


def _text(**bounds: Any) -> dict[str, Any]:
    return {"type": "string", **bounds}


STATUS = {
    "type": "object",
    "description": "the public view of a submission: never a name, a phone number or the message text",
    "required": [
        "reference",
        "status",
        "status_label",
        "category",
        "target",
        "submitted_at",
        "channel",
        "channel_label",
        "registered_at",
        "handled_by",
        "deadline",
        "deadline_kind",
        "assign_by",
        "assigned_at",
        "answer",
        "replied_at",
        "closed_at",
        "closed_note",
        "rating",
        "rated_at",
        "can_rate",
        "supervised",
        "supervised_at",
        "unsatisfied_reopens",
        "timeline",
        "notify",
        "sms_note",
    ],
    "additionalProperties": False,
    "properties": {
        "reference": _text(pattern=cases.REF_RE.pattern),
        "status": {"type": "string", "enum": list(cases.STATUSES)},
        "status_label": _text(),
        "category": _text(),
        "target": _text(),
        "submitted_at": {  # a date for a case registered offline: the day the citizen said it
            "type": "string",
            "anyOf": [{"format": "date-time"}, {"format": "date"}],
        },
        "channel": {"type": "string", "enum": list(cases.CHANNELS), "description": "how it came in"},
        "channel_label": _text(),
        "registered_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "a case staff registered offline (线下登记): when; null for the site's",
        },
        "handled_by": {
            "type": ["object", "null"],
            "required": ["kind", "kind_label", "name"],
            "properties": {
                "kind": {"type": "string", "enum": list(cases.ASSIGNEE_KINDS)},
                "kind_label": _text(),
                "name": NULLABLE_TEXT,
            },
        },
        "deadline": {"type": ["string", "null"], "format": "date"},
        "deadline_kind": {
            "type": ["string", "null"],
            "enum": ["assign", "answer", None],
            "description": "assign: not handed on yet, `deadline` is the office's day to do it by (交办期限); "
            "answer: the answer's deadline (答复期限), set at 交办",
        },
        "assign_by": {
            "type": ["string", "null"],
            "format": "date",
            "description": "交办期限: kept after 交办, beside the answer's deadline; null for a case never assigned",
        },
        "assigned_at": {"type": ["string", "null"], "format": "date-time", "description": "the first 交办"},
        "answer": NULLABLE_TEXT,
        "replied_at": {"type": ["string", "null"], "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "closed_note": {**NULLABLE_TEXT, "description": "closed without an answer: why, for the citizen"},
        "rating": {"type": ["string", "null"], "enum": [*messages.RATINGS, None]},
        "rated_at": {"type": ["string", "null"], "format": "date-time"},
        "can_rate": {"type": "boolean"},
        "supervised": {"type": "boolean"},
        "supervised_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when a 不满意 put it under the office's 督办; while that awaits the office (no new answer, "
            "not closed) `status_label` says 督办中, not 已答复",
        },
        "unsatisfied_reopens": {
            "type": "boolean",
            "description": "a 不满意 rating now reopens the case; else it goes to the office's 督办",
        },
        "notify": {
            "type": "boolean",
            "description": "its citizen asked for SMS notifications and this service sends SMS to its phone, "
            "which has not opted out: 退订 offered",
        },
        "sms_note": {
            **NULLABLE_TEXT,
            "description": "the case's phone opted out of SMS (退订, for all its cases): said in 退订's place",
        },
        "timeline": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["at", "type", "label"],
                "properties": {
                    "at": _text(format="date-time"),
                    "type": {"type": "string", "enum": PUBLIC_EVENT_TYPES},
                    "label": _text(),
                    "answer": _text(),  # every answer stays on the timeline
                    "deadline": _text(format="date"),  # of a 交办 or a reopening: the answer deadline it started
                },
            },
        },
    },
}


def _by_code(extra: Mapping[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    code = {
        "type": "string",
        "minLength": 1,
        "description": f"the tracking code: {GROUPED_PATTERN} as issued, read in any case, with or without hyphens "
        "or spaces, O for 0 and I or L for 1; codes of the old form (32 characters) exactly as issued",
    }
    return {**CLOSED, "required": ["code", *required], "properties": {"code": code, **extra}}


def _by_reference(extra: Mapping[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    properties = {
        "reference": {"type": "string", "maxLength": 20, "description": "留言编号, e.g. 2026-000001 (any dash)"},
        "phone": {
            "type": "string",
            "maxLength": 32,
            "description": "the phone number given with the message; spaces, hyphens and +86 are ignored, and it is "
            "compared in constant time",
        },
    }
    return {**CLOSED, "required": ["reference", "phone", *required], "properties": {**properties, **extra}}


def schemas(config: Mapping[str, Any]) -> dict[str, Any]:
    rating = {
        "rating": {"type": "string", "enum": list(messages.RATINGS), "description": "不满意 reopens"},
        "comment": {"type": ["string", "null"], "maxLength": config["MAX_COMMENT"]},
    }
    return {
        "Lookup": {"oneOf": [_by_code({}), _by_reference({})]},
        "RatingWithCode": {"oneOf": [_by_code(rating, ("rating",)), _by_reference(rating, ("rating",))]},
        "Status": STATUS,
    }


def paths(
    body: Callable[[str, dict[str, Any]], dict[str, Any]],
    errors: Callable[..., dict[str, Any]],
    status: dict[str, Any],
) -> dict[str, Any]:
    """The paths, given the document's helpers: a request body, the error answers, the status answer."""
    miss = {"404": {**errors(404)["404"], "description": MISS}}
    see_other = {"303": {"description": STATUS_REDIRECT}}
    return {
        "/api/track": {
            "post": {
                "operationId": "track",
                "summary": "A submission's status by tracking code, or by reference and phone, in the body",
                "description": LIMITS,
                "requestBody": body("Lookup", {"code": EXAMPLE_CODE}),
                "responses": {"200": status, **see_other, **errors(400, 403, 413, 415, 429, 503), **miss},
            }
        },
        "/api/rating": {
            "post": {
                "operationId": "rate_by_body",
                "summary": "Rate the answer once, the code (or reference and phone) in the body (the track page)",
                "description": LIMITS,
                "requestBody": body("RatingWithCode", {"code": EXAMPLE_CODE, "rating": "基本满意", "comment": ""}),
                "responses": {"200": status, **see_other, **errors(400, 403, 409, 413, 415, 429, 503), **miss},
            }
        },
        "/api/status": {
            "get": {
                "operationId": "status_page",
                "summary": "The status page a plain form post of a look-up or a rating is sent on to (303): the case "
                "the short-lived HttpOnly cookie of this path names, with the rating form. Without the cookie: a page "
                "saying to look it up again",
                "description": LIMITS,
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                    **errors(429, 503),
                    **miss,
                },
            }
        },
        "/api/receipt": {
            "get": {
                "operationId": "receipt_page",
                "summary": "The receipt page a plain form post of a message is sent on to (303): the code and "
                "reference from a short-lived HttpOnly cookie of this path, never from the URL; with the receipt "
                "picture as a data: image. Without the cookie: a page saying where to look instead",
                "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}},
            }
        },
        "/api/receipt-picture": {
            "post": {
                "operationId": "receipt_picture",
                "summary": "The receipt picture (PNG: reference, code, QR code of /track/#code=…) of the case the "
                "body finds",
                "description": LIMITS,
                "requestBody": body("Lookup", {"code": EXAMPLE_CODE}),
                "responses": {
                    "200": {"description": "PNG", "content": {"image/png": {"schema": {"type": "string"}}}},
                    **errors(400, 403, 413, 415, 429, 503),
                    **miss,
                },
            }
        },
    }
