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
                "properties": {"sms": {"type": "boolean", "description": "the form may offer SMS notifications"}},
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
}


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
                    "content": {JSON: {"schema": _ref("Lookup")}, FORM: {"schema": _ref("Lookup")}},
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
