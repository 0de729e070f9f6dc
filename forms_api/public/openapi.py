"""The OpenAPI 3.1 document of the form service, served at /api/openapi.json.

Built from the app's configuration, so the categories and length bounds it states are the ones the service checks.
tests/test_api.py keeps it true (every route documented, every documented path routed, the examples answered as
documented) and tests/test_fuzz.py runs schemathesis against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forms_api import cases, messages
from forms_api.public import openapi_notify
from forms_api.public import openapi_tracking as tracking
from forms_api.public.openapi_tracking import EXAMPLE_CODE
from forms_api.public.schema import DEPUTY_PATTERN, REQUEST_ID_PATTERN, TARGET_PATTERN

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
EXAMPLE_TARGET = "deputy:cao-wenjie"
CLOSED = {"type": "object", "additionalProperties": False}  # as the service: an unknown field is refused


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: str, example: dict[str, Any]) -> dict[str, Any]:
    """A request body that may come as JSON or as a plain HTML form post (same fields)."""
    return {
        "required": True,
        "content": {
            JSON: {"schema": _ref(schema), "examples": {"default": {"value": example}}},
            FORM: {"schema": _ref(schema)},
        },
    }


def _answer(description: str, schema: str, *, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": _ref(schema)}}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def _errors(*statuses: int, html: bool = True) -> dict[str, Any]:
    descriptions = {
        400: ("Invalid fields: each named with a Chinese message", "Errors"),
        403: ("Origin not allowed (another site), or a cross-site browser request", "Error"),
        404: ("No submission found (the same answer for any wrong code, reference or phone)", "Error"),
        409: ("Refused by the workflow (not answered yet, already rated, reopened; evaluated this year)", "Error"),
        413: ("Request body too large", "Error"),
        415: ("Neither JSON nor an urlencoded form", "Error"),
        429: (
            "Too many requests from this address; see Retry-After. Writes count only when answered on their merits "
            "(2xx, 404, 409), never a 400, 413, 415 or 5xx",
            "Error",
        ),
        503: ("The queue cannot be written or the site's data read; nothing was stored", "Error"),
    }
    answers = {}
    for status in statuses:
        description, schema = descriptions[status]
        answers[str(status)] = _answer(description, schema, html=html)
    return answers


def _schemas(config: Mapping[str, Any], categories: Sequence[str]) -> dict[str, Any]:
    text = lambda **bounds: {"type": "string", **bounds}  # noqa: E731 - a one-line shorthand
    nullable_text = {"type": ["string", "null"]}
    return {
        "Submission": {
            **CLOSED,
            "required": ["target", "category", "text", "phone", "consent"],
            "properties": {
                "target": text(pattern=TARGET_PATTERN, description="deputy:<id> (a current deputy) or station:<id>"),
                "category": {"type": "string", "enum": list(categories)} if categories else {"type": "string"},
                "text": text(
                    minLength=config["MIN_TEXT"],
                    maxLength=config["MAX_TEXT"],
                    description=(
                        f"the message; at least {config['MIN_TEXT']} visible characters (spaces and invisible "
                        "format characters such as U+200B do not count); a line break counts once, also as CR LF; "
                        "no control characters except newline and tab"
                    ),
                ),
                "name": {**nullable_text, "maxLength": config["MAX_NAME"], "description": "optional"},
                "phone": text(
                    maxLength=32,
                    description="mainland mobile (1[3-9] and 9 digits) or landline with area code (0xx-xxxxxxxx); "
                    "spaces and hyphens are ignored",
                ),
                "consent": {"type": "boolean", "enum": [True], "description": "agreement to the privacy notice"},
                "anonymous": {"type": "boolean", "default": False, "description": "keep the name out of public use"},
                "website": text(description="leave empty (a field for robots)"),
                "notify": {
                    "type": "boolean",
                    "default": False,
                    "description": "tell the citizen of progress by SMS (a mobile number; only when GET "
                    "/api/features says notify.sms)",
                },
                "verify_code": text(
                    description="the 短信验证码 POST /api/verify sent to this phone: required with notify when GET "
                    "/api/features says notify.verify (400 without a valid one; 6 digits, valid 5 minutes, a few tries)"
                ),
                "request_id": text(
                    pattern=REQUEST_ID_PATTERN,
                    description="optional: a random key made once per form and sent with every try of it; a repeat "
                    "with the same key within the duplicate window gets the first answer (201) again, a repeat "
                    "without it only {duplicate: true}",
                ),
            },
        },
        "Receipt": {
            **CLOSED,
            "required": ["tracking_code", "reference", "status"],
            "properties": {
                "tracking_code": text(
                    minLength=22,
                    description="secret: shows the status, allows rating; new codes "
                    "are five groups of four Crockford base32 symbols (100 bits), 7K2M-9QXD-4HBT-R0VW-J3NE",
                ),
                "reference": text(pattern=cases.REF_RE.pattern, description="for phone calls"),
                "status": {"type": "string", "enum": list(cases.STATUSES)},
                "notify": {"const": True, "description": "present when the citizen asked for SMS notifications"},
            },
        },
        "Duplicate": {
            **CLOSED,
            "required": ["duplicate", "message"],
            "properties": {"duplicate": {"const": True}, "message": text(description="in Chinese, for the citizen")},
        },
        "Rating": {
            **CLOSED,
            "required": ["rating"],
            "properties": {
                "rating": {"type": "string", "enum": list(messages.RATINGS), "description": "不满意 reopens"},
                "comment": {**nullable_text, "maxLength": config["MAX_COMMENT"]},
            },
        },
        "Evaluation": {
            **CLOSED,
            "required": ["target", "rating", "phone", "consent"],
            "properties": {
                "target": text(pattern=DEPUTY_PATTERN, description="deputy:<id> of a current deputy"),
                "rating": {"type": "string", "enum": list(messages.RATINGS)},
                "comment": {
                    **nullable_text,
                    "maxLength": config["MAX_COMMENT"],
                    "description": "optional; read by staff, never published",
                },
                "phone": text(
                    maxLength=32,
                    description="mainland mobile (1[3-9] and 9 digits), spaces and hyphens ignored: one evaluation "
                    "per phone, deputy and year; only a keyed hash of it is stored",
                ),
                "consent": {"type": "boolean", "enum": [True], "description": "agreement to the privacy notice"},
                "website": text(description="leave empty (a field for robots)"),
            },
        },
        "EvaluationReceipt": {
            **CLOSED,
            "required": ["target", "year", "rating"],
            "properties": {
                "target": text(pattern=DEPUTY_PATTERN),
                "year": {"type": "integer", "description": "the year the evaluation counts for (China Standard Time)"},
                "rating": {"type": "string", "enum": list(messages.RATINGS)},
            },
        },
        "Health": {
            **CLOSED,
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["ok", "degraded"]}},
        },
        "Errors": {
            **CLOSED,
            "required": ["errors"],
            "properties": {
                "errors": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}
            },
        },
        "Error": {
            **CLOSED,
            "required": ["error"],
            "properties": {"error": text(minLength=1)},
        },
    }


def document(config: Mapping[str, Any], categories: Sequence[str]) -> dict[str, Any]:
    """The OpenAPI document for an app with this configuration and the categories its site's form offers (none
    while the site's data cannot be read)."""
    submission_example = {
        "target": EXAMPLE_TARGET,
        "category": categories[0] if categories else "",
        "text": "小区门口的路灯坏了一个多月，晚上出行很不方便，希望尽快修好。",
        "name": "李女士",
        "phone": "138 0013 8000",
        "consent": True,
        "anonymous": False,
        "website": "",
    }
    lookup_status = _answer("The submission's status and public answer", "Status", html=True)
    code_in_path = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "example": EXAMPLE_CODE,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "码上找代表 form service",
            "version": "1.0.0",
            "description": (
                "Citizens' messages to deputies and liaison stations, tracked by a secret code. Every POST accepts "
                "JSON or a plain HTML form post (application/x-www-form-urlencoded, checkboxes as on/true/1); a form "
                "post is answered with a small HTML page instead of JSON. Messages for people are in Chinese."
            ),
        },
        "paths": {
            "/api/submissions": {
                "post": {
                    "operationId": "submit",
                    "summary": "Leave a message for a deputy or a station",
                    "requestBody": _body("Submission", submission_example),
                    "responses": {
                        "201": _answer("Stored (fsynced): the tracking code and reference", "Receipt"),
                        "303": {"description": tracking.RECEIPT_REDIRECT},
                        "200": _answer(
                            "The same text to the same target from the same phone within the duplicate window: "
                            "nothing stored, and neither the first one's code nor its reference is given",
                            "Duplicate",
                        ),
                        **_errors(400, 403, 413, 415, 429, 503),
                    },
                }
            },
            "/api/submissions/{code}": {
                "get": {
                    "operationId": "show",
                    "summary": "A submission's status by tracking code (prefer POST /api/track: no code in the URL)",
                    "parameters": [code_in_path],
                    "responses": {
                        "200": _answer("The submission's status and public answer", "Status"),
                        **_errors(404, 429, 503, html=False),
                    },
                }
            },
            "/api/submissions/{code}/rating": {
                "post": {
                    "operationId": "rate",
                    "summary": "Rate the answer once (不满意 reopens the submission)",
                    "parameters": [code_in_path],
                    "requestBody": _body("Rating", {"rating": "满意", "comment": "答复及时，问题已解决。"}),
                    "responses": {
                        "200": lookup_status,
                        "303": {"description": tracking.STATUS_REDIRECT},
                        **_errors(400, 403, 404, 409, 413, 415, 429, 503),
                    },
                }
            },
            **tracking.paths(_body, _errors, lookup_status),
            "/api/evaluations": {
                "post": {
                    "operationId": "evaluate",
                    "summary": "Evaluate a deputy's work this year, once per phone number, deputy and year",
                    "requestBody": _body(
                        "Evaluation",
                        {
                            "target": EXAMPLE_TARGET,
                            "rating": "满意",
                            "comment": "经常到联络站接待群众。",
                            "phone": "139 0013 9000",
                            "consent": True,
                            "website": "",
                        },
                    ),
                    "responses": {
                        "201": _answer("Stored (fsynced)", "EvaluationReceipt", html=True),
                        **_errors(400, 403, 409, 413, 415, 429, 503),
                    },
                }
            },
            **openapi_notify.paths(_errors),
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the queue can be written and the site's data read",
                    "responses": {
                        "200": _answer("Healthy", "Health"),
                        "503": _answer("Degraded: submissions would fail", "Health"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {"type": "object"}}}}
                    },
                }
            },
        },
        "components": {"schemas": _schemas(config, categories) | tracking.schemas(config) | openapi_notify.SCHEMAS},
    }
