"""What a submission, a rating, a yearly evaluation and a look-up may contain: field-by-field checks with one Chinese
message per field.

Two encodings reach the same checks: JSON (typed values) and the plain HTML form (every value a string, checkboxes
"on"). Each check returns the cleaned value or a message; the caller gets every field's problem at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from forms_api import messages
from forms_api.public.sitedata import Targets

SUBMISSION_FIELDS = (
    *("target", "category", "text", "name", "phone", "consent", "anonymous", "website", "request_id"),
    "notify",
)
VERIFIED_SUBMISSION_FIELDS = (*SUBMISSION_FIELDS, "verify_code")  # with NOTIFY_SMS_VERIFY on
REQUEST_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"  # a random key the site's script makes once a form (forms.js)
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)
RATING_FIELDS = ("rating", "comment")
EVALUATION_FIELDS = ("target", "rating", "comment", "phone", "consent", "website")
TARGET_PATTERN = r"^(deputy|station):[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
DEPUTY_PATTERN = r"^deputy:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_TARGET = re.compile(TARGET_PATTERN)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}")
# Characters a person does not type: controls (Unicode category Cc, which is closed: U+0000-001F and U+007F-009F;
# newline, carriage return and tab excepted), lone surrogates (Cs), and the bidirectional overrides and isolates that
# make text display differently from what it is ("Trojan Source"). One regex search instead of a test per character.
_FOREIGN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
FORM_TRUE = {"on", "true", "1"}
FORM_FALSE = {"", "off", "false", "0"}


class Invalid(Exception):
    """One field's problem; the message is what the citizen reads."""


@dataclass(frozen=True)
class Limits:
    min_text: int
    max_text: int
    max_name: int
    max_comment: int
    sms: bool = False  # an SMS sender is configured: a citizen may ask to be told of progress (notify)
    verify: bool = False  # NOTIFY_SMS_VERIFY: asking needs a 短信验证码 sent to that phone (verify_code)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            config["MIN_TEXT"],
            config["MAX_TEXT"],
            config["MAX_NAME"],
            config["MAX_COMMENT"],
            bool(config.get("NOTIFY_SMS")),
            bool(config.get("NOTIFY_SMS_VERIFY")),
        )


# --- Field checks -----------------------------------------------------------------------------------------------------
def _error(field_name: str, key: str, **values: Any) -> Invalid:
    label = messages.FIELD_LABELS.get(field_name, field_name)
    return Invalid(messages.FIELD_ERRORS[key].format(label=label, **values))


def _string(data: Mapping[str, Any], name: str, *, required: str | None = None, strip: bool = True) -> str:
    """The field as text ("" when absent); `required` is the message key for a missing or blank value."""
    value = data.get(name)
    if value is None:  # absent, or null in JSON
        value = ""
    if not isinstance(value, str):
        raise _error(name, "wrong_type")
    if _FOREIGN.search(value):
        raise _error(name, "bad_chars")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if strip:
        value = value.strip()
    if required and not value:
        raise _error(name, required)
    return value


def _bool(data: Mapping[str, Any], name: str, *, form: bool) -> bool:
    value = data.get(name, False)
    if form and isinstance(value, str) and value.strip().lower() in FORM_TRUE | FORM_FALSE:
        return value.strip().lower() in FORM_TRUE
    if isinstance(value, bool):
        return value
    raise _error(name, "wrong_type")


def _length(raw: Any) -> int:
    """A field's length as the form's maxlength counts it: a line break is one character, even sent as CR LF (the
    browser's encoding of a textarea without JavaScript). 0 for a value that is no string (`_string` refuses it)."""
    return len(raw) - raw.count("\r\n") if isinstance(raw, str) else 0


def _visible(text: str) -> int:
    """How many characters of `text` show: whitespace and invisible format characters (Unicode category Cf, e.g.
    U+200B ZERO WIDTH SPACE) are not counted. They are kept in the text: a Cf at its end may belong to an emoji."""
    return sum(1 for char in text if not char.isspace() and unicodedata.category(char) != "Cf")


def _text(data: Mapping[str, Any], limits: Limits) -> str:
    length = _length(data.get("text"))
    if length > limits.max_text:  # bound the raw text (line breaks counted once), as the OpenAPI document says
        raise _error("text", "text_long", max=limits.max_text, length=length, over=length - limits.max_text)
    text = _string(data, "text", required="text_missing")
    if _visible(text) < limits.min_text:
        raise _error("text", "text_short", min=limits.min_text)
    return text


def normalise_phone(value: str) -> str | None:
    """Digits only (spaces, hyphens, brackets and a +86 prefix dropped, full-width digits folded); None if invalid."""
    digits = unicodedata.normalize("NFKC", value)
    digits = re.sub(r"[\s\-()（）]", "", digits)
    if re.fullmatch(r"(?:\+|00)861[3-9][0-9]{9}", digits):
        digits = digits[-11:]
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None


def _phone(data: Mapping[str, Any]) -> str:
    value = _string(data, "phone", required="phone_missing")
    if len(value) > 32:
        raise _error("phone", "phone_invalid")
    phone = normalise_phone(value)
    if phone is None:
        raise _error("phone", "phone_invalid")
    return phone


def _mobile(data: Mapping[str, Any]) -> str:
    """A mainland mobile number (the yearly evaluation counts one per phone): digits only, or Invalid."""
    value = _string(data, "phone", required="mobile_missing")
    phone = normalise_phone(value) if len(value) <= 32 else None
    if phone is None or not _MOBILE.fullmatch(phone):
        raise _error("phone", "mobile_invalid")
    return phone


def _target(data: Mapping[str, Any], targets: Targets, *, deputies_only: bool = False) -> str:
    value = _string(data, "target", required="target_missing")
    if not _TARGET.fullmatch(value):
        raise _error("target", "target_unknown")
    if deputies_only and not value.startswith("deputy:"):
        raise _error("target", "target_not_deputy")
    problem = targets.check(value)
    if problem:
        raise _error("target", problem)
    return value


def _consent(data: Mapping[str, Any], form: bool) -> bool:
    if not _bool(data, "consent", form=form):
        raise _error("consent", "consent_missing")
    return True


def _rating(data: Mapping[str, Any]) -> str:
    value = _string(data, "rating", required="rating_invalid")
    if value not in messages.RATINGS:
        raise _error("rating", "rating_invalid")
    return value


def _comment(data: Mapping[str, Any], limits: Limits) -> str:
    if _length(data.get("comment")) > limits.max_comment:
        raise _error("comment", "comment_long", max=limits.max_comment)
    return _string(data, "comment")


def _collect(data: Mapping[str, Any], allowed: tuple[str, ...], repeated: set[str]) -> dict[str, str]:
    errors = {name: _error(name, "duplicate_field").args[0] for name in allowed if name in repeated}
    for name in data:
        if name not in allowed:
            errors[str(name)] = messages.FIELD_ERRORS["unknown_field"]
    return errors


def _run(errors: dict[str, str], cleaned: dict[str, Any], name: str, check: Any) -> None:
    if name in errors:
        return
    try:
        cleaned[name] = check()
    except Invalid as problem:
        errors[name] = problem.args[0]


def _request_id(data: Mapping[str, Any]) -> str:
    value = _string(data, "request_id")
    if value and not _REQUEST_ID.match(value):
        raise _error("request_id", "request_id_bad")
    return value


def check_submission(
    data: Mapping[str, Any], *, form: bool, limits: Limits, targets: Targets, repeated: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned fields, {field: message}) for a submission; TargetsUnavailable if the site's data is missing."""
    allowed = VERIFIED_SUBMISSION_FIELDS if limits.verify else SUBMISSION_FIELDS
    errors = _collect(data, allowed, set(repeated))
    cleaned: dict[str, Any] = {}

    def category() -> str:
        value = _string(data, "category", required="category_missing")
        if value not in (categories := targets.categories()):
            raise _error("category", "category_unknown", categories="、".join(categories))
        return value

    def name() -> str:
        if _length(data.get("name")) > limits.max_name:
            raise _error("name", "name_long", max=limits.max_name)
        return _string(data, "name")

    _run(errors, cleaned, "target", lambda: _target(data, targets))
    _run(errors, cleaned, "category", category)
    _run(errors, cleaned, "text", lambda: _text(data, limits))
    _run(errors, cleaned, "name", name)
    _run(errors, cleaned, "phone", lambda: _phone(data))
    _run(errors, cleaned, "consent", lambda: _consent(data, form))
    _run(errors, cleaned, "anonymous", lambda: _bool(data, "anonymous", form=form))
    _run(errors, cleaned, "website", lambda: _string(data, "website", strip=False))
    _run(errors, cleaned, "request_id", lambda: _request_id(data))
    _run(errors, cleaned, "notify", lambda: _notify(data, form, limits, cleaned.get("phone")))
    if limits.verify and cleaned.get("notify"):  # only then: the code is checked by the view (Verifier)
        _run(errors, cleaned, "verify_code", lambda: _verify_code(data))
    return cleaned, _ordered(errors, allowed)


VERIFY_CODE_PATTERN = r"^[0-9]{6}$"
_VERIFY_CODE = re.compile(VERIFY_CODE_PATTERN)


def _verify_code(data: Mapping[str, Any]) -> str:
    """A 短信验证码 as typed: six digits (full-width ones folded, spaces dropped)."""
    value = _string(data, "verify_code", required="verify_code_missing")
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", value))
    if not _VERIFY_CODE.match(code):
        raise _error("verify_code", "verify_code_invalid")
    return code


def _notify(data: Mapping[str, Any], form: bool, limits: Limits, phone: str | None) -> bool:
    """Whether the citizen asked to be told of progress by SMS: only with a sender configured, only to a mobile."""
    if not _bool(data, "notify", form=form):
        return False
    if not limits.sms:
        raise _error("notify", "notify_off")
    if phone is not None and not _MOBILE.fullmatch(phone):
        raise _error("notify", "notify_mobile")
    return True


def check_rating(
    data: Mapping[str, Any], *, limits: Limits, with_code: bool, repeated: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned rating, {field: message}); with_code when what finds the case travels in the body (`case`: the
    code, or the reference and phone)."""
    allowed = (LOOKUP_FIELDS if with_code else ()) + RATING_FIELDS
    errors = _collect(data, allowed, set(repeated))
    cleaned: dict[str, Any] = {}
    if with_code:
        cleaned["case"] = check_credentials(data, errors)
    _run(errors, cleaned, "rating", lambda: _rating(data))
    _run(errors, cleaned, "comment", lambda: _comment(data, limits))
    return cleaned, _ordered(errors, allowed)


def check_evaluation(
    data: Mapping[str, Any], *, form: bool, limits: Limits, targets: Targets, repeated: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned yearly evaluation, {field: message}): a current deputy, a rating, a mobile number, consent."""
    errors = _collect(data, EVALUATION_FIELDS, set(repeated))
    cleaned: dict[str, Any] = {}
    _run(errors, cleaned, "target", lambda: _target(data, targets, deputies_only=True))
    _run(errors, cleaned, "rating", lambda: _rating(data))
    _run(errors, cleaned, "comment", lambda: _comment(data, limits))
    _run(errors, cleaned, "phone", lambda: _mobile(data))
    _run(errors, cleaned, "consent", lambda: _consent(data, form))
    _run(errors, cleaned, "website", lambda: _string(data, "website", strip=False))
    return cleaned, _ordered(errors, EVALUATION_FIELDS)


LOOKUP_FIELDS = ("code", "reference", "phone")
_REFERENCE = re.compile(r"([0-9]{4})-?([0-9]{6,9})")
_REFERENCE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－]+")


def normalise_reference(value: str) -> str | None:
    """A 留言编号 as typed (full-width digits, spaces, any dash or none: "2026 000001") as the log writes it
    ("2026-000001"); None when it cannot be one."""
    typed = _REFERENCE_SEPARATORS.sub("-", unicodedata.normalize("NFKC", value).strip())
    match = _REFERENCE.fullmatch(typed) if len(typed) <= 20 else None
    return f"{match[1]}-{match[2]}" if match else None


def check_credentials(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """What finds a case: {"code"}, or {"reference", "phone"} (digits only). An unknown code or a reference with
    another phone is a 404 later (one answer for every miss), never a 400 here; only a shape no case can have is."""
    cleaned: dict[str, str] = {}
    _run(errors, cleaned, "code", lambda: _string(data, "code"))
    _run(errors, cleaned, "reference", lambda: _string(data, "reference"))
    _run(errors, cleaned, "phone", lambda: _string(data, "phone"))
    if errors:
        return {}
    if cleaned["code"]:
        if cleaned["reference"] or cleaned["phone"]:
            errors["code"] = messages.FIELD_ERRORS["lookup_both"]
            return {}
        if normalise_reference(cleaned["code"]) is not None:  # no code has a reference's shape: where it goes
            errors["code"] = messages.FIELD_ERRORS["code_is_reference"]
            return {}
        return {"code": cleaned["code"]}
    if not cleaned["reference"] and not cleaned["phone"]:
        errors["code"] = messages.FIELD_ERRORS["code_missing"]
        return {}

    def reference() -> str:
        if not cleaned["reference"]:
            raise _error("reference", "reference_missing")
        value = normalise_reference(cleaned["reference"])
        if value is None:
            raise _error("reference", "reference_invalid")
        return value

    def phone() -> str:
        if not cleaned["phone"]:
            raise _error("phone", "lookup_phone_missing")
        value = normalise_phone(cleaned["phone"]) if len(cleaned["phone"]) <= 32 else None
        if value is None:
            raise _error("phone", "phone_invalid")
        return value

    found: dict[str, str] = {}
    _run(errors, found, "reference", reference)
    _run(errors, found, "phone", phone)
    return {} if errors else found


def check_lookup(data: Mapping[str, Any], repeated: Collection[str] = ()) -> tuple[dict[str, str], dict[str, str]]:
    """(what finds the case: {"code"} or {"reference", "phone"}, {field: message})."""
    errors = _collect(data, LOOKUP_FIELDS, set(repeated))
    found = check_credentials(data, errors)
    return found, _ordered(errors, LOOKUP_FIELDS)


def check_verify(data: Mapping[str, Any], repeated: Collection[str] = ()) -> tuple[dict[str, str], dict[str, str]]:
    """(where to send a 短信验证码: {"phone"} a mainland mobile, or {"code"} the tracking code of a case whose phone
    it goes to (the receipt page), {field: message})."""
    errors = _collect(data, VERIFY_FIELDS, set(repeated))
    cleaned: dict[str, str] = {}
    if "code" in data and "phone" not in data:
        _run(errors, cleaned, "code", lambda: _string(data, "code", required="code_missing"))
    else:
        _run(errors, cleaned, "phone", lambda: _mobile(data))
    return cleaned, _ordered(errors, VERIFY_FIELDS)


def check_subscribe(
    data: Mapping[str, Any], repeated: Collection[str] = (), *, verify: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """(what finds the case, with its `verify_code` when NOTIFY_SMS_VERIFY is on, {field: message})."""
    allowed = LOOKUP_FIELDS + (("verify_code",) if verify else ())
    errors = _collect(data, allowed, set(repeated))
    found = check_credentials(data, errors)
    if verify:
        _run(errors, found, "verify_code", lambda: _verify_code(data))
    return found, _ordered(errors, allowed)


VERIFY_FIELDS = ("phone", "code")


def _ordered(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """Known fields in form order, then unknown ones as they came."""
    if not errors:
        return errors
    known = {name: errors[name] for name in fields if name in errors}
    return known | {name: message for name, message in errors.items() if name not in known}
