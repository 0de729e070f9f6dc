"""The OpenAPI paths and schemas of the notification endpoints (forms_api/public/notify.py), merged into the
document by forms_api/public/openapi.py."""

from __future__ import annotations

from typing import Any

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: str, *, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": _ref(schema)}}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


SCHEMAS: dict[str, Any] = {
    "Features": {
        "type": "object",
        "additionalProperties": False,
        "required": ["notify"],
        "properties": {
            "notify": {
                "type": "object",
                "additionalProperties": False,
                "required": ["sms"],
                "properties": {
                    "sms": {"type": "boolean", "description": "the form may offer SMS notifications"},
                    "verify": {
                        "const": True,
                        "description": "only when asking for them needs a 短信验证码 (POST /api/verify, then "
                        "verify_code)",
                    },
                },
            }
        },
    },
    "Unsubscribed": {
        "type": "object",
        "additionalProperties": False,
        "required": ["unsubscribed", "message"],
        "properties": {"unsubscribed": {"type": "boolean"}, "message": {"type": "string"}},
    },
    "Subscribed": {
        "type": "object",
        "additionalProperties": False,
        "required": ["notify", "message"],
        "properties": {"notify": {"const": True}, "message": {"type": "string"}},
    },
    "ReplyAck": {"type": "object"},
    "VerifyRequest": {
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["phone"],
                "properties": {"phone": {"type": "string", "maxLength": 32, "description": "a mainland mobile"}},
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["code"],
                "properties": {"code": {"type": "string", "description": "a tracking code: its case's phone"}},
            },
        ]
    },
    "VerifySent": {
        "type": "object",
        "additionalProperties": False,
        "required": ["sent", "seconds"],
        "properties": {"sent": {"const": True}, "seconds": {"type": "integer", "description": "how long it is valid"}},
    },
    "Subscribe": {
        "oneOf": [
            {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string"}, "verify_code": {"type": "string"}},
            },
            {
                "type": "object",
                "required": ["reference", "phone"],
                "properties": {
                    "reference": {"type": "string"},
                    "phone": {"type": "string"},
                    "verify_code": {"type": "string"},
                },
            },
        ],
        "description": "Lookup, and verify_code (the 短信验证码 sent to the case's phone) when /api/features says "
        "notify.verify; without it, verify_code is an unknown field",
    },
}
VERIFY = (
    "短信验证码 (NOTIFY_SMS_VERIFY on; else 409): six digits sent at once by the SMS provider to a mainland "
    "mobile, or to the phone of the case a tracking code finds (the receipt page without JavaScript: answered 303 "
    "back to it). Valid 5 minutes; at most 1 a minute, 5 an hour and 10 a day to one phone (429 with Retry-After), "
    "RATE_LIMIT from one address; 5 wrong codes for a phone refuse every code for 10 minutes. Nothing is stored: a "
    "code is a keyed hash of the phone and the minute, so every instance checks it with either store"
)


def paths(errors: Any) -> dict[str, Any]:
    """The paths; `errors(*statuses)` is the document's own error answers."""
    return {
        "/api/features": {
            "get": {
                "operationId": "features",
                "summary": "What the form may offer: SMS notifications when a sender is configured",
                "responses": {"200": _json("The features", "Features")},
            }
        },
        "/api/verify": {
            "post": {
                "operationId": "send_code",
                "summary": "Send a 短信验证码 before SMS notifications are asked for",
                "description": VERIFY,
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("VerifyRequest")}, FORM: {"schema": _ref("VerifyRequest")}},
                },
                "responses": {
                    "200": _json("Sent", "VerifySent"),
                    "303": {"description": "A plain form post from the receipt page: back to GET /api/receipt"},
                    **errors(400, 403, 404, 409, 413, 415, 429, 503),
                },
            }
        },
        "/api/unsubscribe": {
            "post": {
                "operationId": "unsubscribe",
                "summary": "退订: no more SMS to the phone of the case with this tracking code",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("Lookup")}, FORM: {"schema": _ref("Lookup")}},
                },
                "responses": {
                    "200": _json("Unsubscribed (or no mobile number to unsubscribe)", "Unsubscribed", html=True),
                    **errors(400, 403, 404, 413, 415, 429, 503),
                },
            }
        },
        "/api/notify": {
            "post": {
                "operationId": "subscribe",
                "summary": "SMS on progress for the case with this tracking code, asked after sending (no JavaScript)",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("Subscribe")}, FORM: {"schema": _ref("Subscribe")}},
                },
                "responses": {
                    "200": _json("From now on the citizen is told of progress", "Subscribed", html=True),
                    **errors(400, 403, 404, 409, 413, 415, 429, 503),
                },
            }
        },
        "/api/sms/replies/{token}": {
            "post": {
                "operationId": "sms_replies",
                "summary": "The SMS provider's report of replies; an unsubscribe keyword (TD, 退订) stops SMS",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}, "example": "x"}
                ],
                "requestBody": {"content": {JSON: {"schema": {}}}},
                "responses": {"200": _json("Acknowledged", "ReplyAck"), **errors(403, 404, 413, 503, html=False)},
            }
        },
    }
