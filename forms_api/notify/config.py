"""The notification settings, read by the one loader (forms_api/settings.py) with every other setting.

| key | type | default | what it does |
|---|---|---|---|
| `NOTIFY_SMS` | choice | empty | SMS sender: `log` (development), `aliyun`, `tencent`; empty = no SMS |
| `NOTIFY_EMAIL` | choice | empty | e-mail sender: `log` (development), `smtp`; empty = no e-mail |
| `SMS_SIGN_NAME` | text | empty | the provider's approved signature (短信签名) |
| `SMS_TEMPLATES` | map | empty | template ids: `assigned=SMS_1,replied=SMS_2,closed=SMS_3,reopened=SMS_4,verify=…` |
| `SMS_ACCESS_KEY_ID` / `SMS_ACCESS_KEY_SECRET` | text | empty | AccessKey (Alibaba) or SecretId/SecretKey (Tencent) |
| `SMS_APP_ID` | text | empty | Tencent's SmsSdkAppId |
| `SMS_REGION` | text | `ap-guangzhou` | Tencent's region |
| `SMS_ENDPOINT` | URL | empty | the provider's endpoint, overridden (`http://127.0.0.1:9000` in tests) |
| `SMTP_HOST` / `SMTP_PORT` | text / int | empty / `587` | the mail server |
| `SMTP_SECURITY` | choice | `starttls` | `starttls`, `tls` (implicit, port 465) or `none` (a local relay only) |
| `SMTP_USER` / `SMTP_PASSWORD` | text | empty | login (none when empty) |
| `SMTP_FROM` | text | empty | the sender's address |
| `NOTIFY_CONTACTS` | path | empty | YAML: staff e-mails by `office`, `station:<id>`, `deputy:<id>`, `handler:<name>` |
| `NOTIFY_QUIET_HOURS` | text | `21:00-08:00` | no SMS then (Beijing time): held until the end |
| `NOTIFY_SMS_DAILY_CAP` | int | `5` | at most this many SMS to one phone a day (Beijing); more wait for the next day |
| `NOTIFY_MAX_TRIES` | int | `5` | tries before a notice is failed (`notify status` lists it) |
| `NOTIFY_RETRY_SECONDS` | int | `60` | the first wait after a failed try; doubled each time, at most an hour |
| `NOTIFY_REPLY_TOKEN` | text | empty | the secret in the URL the provider posts replies to (退订); empty = off |
| `NOTIFY_SMS_VERIFY` | bool | `off` | SMS on progress only with a 短信验证码 sent to that phone (notify/verify.py) |

`NOTIFY_SMS_VERIFY=on` needs a provider (`aliyun` or `tencent`: the `log` sender never writes a code) and its
`verify` template, whose one variable is the code (`code`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

from forms_api.cases.outbox import CITIZEN_TEMPLATES, Channels
from forms_api.messages_notify import VERIFY_TEMPLATE

SMS_SENDERS = ("log", "aliyun", "tencent")
EMAIL_SENDERS = ("log", "smtp")
SECURITIES = ("starttls", "tls", "none")
SMS_TEMPLATE_NAMES = (*CITIZEN_TEMPLATES.values(), VERIFY_TEMPLATE)
_HOURS = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$")


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower() if isinstance(value, str) else None
        if text is None or (text and text not in choices):
            raise ValueError(f"expected one of {', '.join(choices)} (or nothing)")
        return text

    return parse


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value.strip()


def _count(minimum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            number = None
        if isinstance(number, bool) or not isinstance(number, int) or number < minimum:
            raise ValueError(f"expected a whole number >= {minimum}")
        return number

    return parse


def _templates(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    elif isinstance(value, str):
        pairs = [tuple(item.split("=", 1)) for item in value.split(",") if item.strip()]  # type: ignore[misc]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("expected name=template-id pairs, comma-separated")
    else:
        raise ValueError("expected name=template-id pairs")
    result = {k.strip(): v.strip() for k, v in pairs}
    unknown = sorted(set(result) - set(SMS_TEMPLATE_NAMES))
    if unknown:
        raise ValueError(f"unknown template {unknown[0]!r}, expected {', '.join(SMS_TEMPLATE_NAMES)}")
    return result


def _endpoint(value: Any) -> str:
    text = _text(value)
    if text and not re.fullmatch(r"https?://[^/\s]+/?", text):
        raise ValueError("expected http(s)://host[:port]")
    return text.rstrip("/")


def _hours(value: Any) -> tuple[time, time]:
    if isinstance(value, tuple):
        return value
    match = _HOURS.match(_text(value))
    if match is None:
        raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-08:00")
    a, b, c, d = (int(part) for part in match.groups())
    return time(a, b), time(c, d)


def _switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ValueError("expected on or off")
    return text in {"1", "true", "yes", "on"}


def _path_or_empty(value: Any) -> str:
    return _text(value) if isinstance(value, str) else str(value)


NOTIFY_SETTINGS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "NOTIFY_SMS": ("", _choice(SMS_SENDERS)),
    "NOTIFY_EMAIL": ("", _choice(EMAIL_SENDERS)),
    "SMS_SIGN_NAME": ("", _text),
    "SMS_TEMPLATES": ({}, _templates),
    "SMS_ACCESS_KEY_ID": ("", _text),
    "SMS_ACCESS_KEY_SECRET": ("", _text),
    "SMS_APP_ID": ("", _text),
    "SMS_REGION": ("ap-guangzhou", _text),
    "SMS_ENDPOINT": ("", _endpoint),
    "SMTP_HOST": ("", _text),
    "SMTP_PORT": (587, _count(1)),
    "SMTP_SECURITY": ("starttls", _choice(SECURITIES)),
    "SMTP_USER": ("", _text),
    "SMTP_PASSWORD": ("", _text),
    "SMTP_FROM": ("", _text),
    "NOTIFY_CONTACTS": ("", _path_or_empty),
    "NOTIFY_QUIET_HOURS": ((time(21), time(8)), _hours),
    "NOTIFY_SMS_DAILY_CAP": (5, _count(1)),
    "NOTIFY_MAX_TRIES": (5, _count(1)),
    "NOTIFY_RETRY_SECONDS": (60, _count(0)),
    "NOTIFY_REPLY_TOKEN": ("", _text),
    "NOTIFY_SMS_VERIFY": (False, _switch),
}
# What the store needs to add notices to an append (the staff tools load just these with the queue's keys).
CHANNEL_KEYS = ("NOTIFY_SMS", "NOTIFY_EMAIL")


def channels(config: Mapping[str, Any]) -> Channels:
    """Which channels have a sender; none = notifications off (and the form does not offer them)."""
    return Channels(sms=bool(config.get("NOTIFY_SMS")), email=bool(config.get("NOTIFY_EMAIL")))


def problems(config: Mapping[str, Any]) -> list[str]:
    """What a configured sender lacks, one line each (checked at start with every other setting)."""
    found: list[str] = []
    sms = config.get("NOTIFY_SMS")
    if sms in ("aliyun", "tencent"):
        needed = ["SMS_SIGN_NAME", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"]
        needed += ["SMS_APP_ID"] if sms == "tencent" else []
        found += [f"NOTIFY_SMS={sms} needs {key}" for key in needed if not config.get(key)]
        missing = [name for name in CITIZEN_TEMPLATES.values() if name not in config.get("SMS_TEMPLATES", {})]
        if missing:
            found.append(f"NOTIFY_SMS={sms} needs SMS_TEMPLATES for {', '.join(missing)}")
    if config.get("NOTIFY_SMS_VERIFY"):
        if sms not in ("aliyun", "tencent"):
            found.append("NOTIFY_SMS_VERIFY=on needs NOTIFY_SMS=aliyun or tencent (the log sender never writes a code)")
        elif VERIFY_TEMPLATE not in config.get("SMS_TEMPLATES", {}):
            found.append(f"NOTIFY_SMS_VERIFY=on needs SMS_TEMPLATES for {VERIFY_TEMPLATE}")
    if channels(config).on and not config.get("SITE_URL"):
        found.append("NOTIFY_SMS/NOTIFY_EMAIL need SITE_URL (the site's address, https://…/: every notice links to it)")
    if config.get("NOTIFY_EMAIL") == "smtp":
        found += [f"NOTIFY_EMAIL=smtp needs {key}" for key in ("SMTP_HOST", "SMTP_FROM") if not config.get(key)]
    return found
