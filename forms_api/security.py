"""Abuse and safety: client IP from trusted proxies, rate limits, Origin allow-list, CORS, headers, log masking.

Rate limits (flask-limiter) are per client IP and per bucket: `submit` (new submissions), `rating`, `evaluate` (yearly
evaluations of deputies), `verify` (短信验证码 sent) and `lookup` (status by tracking code, path and body variants
together). Look-ups and ratings by reference + phone are limited per reference too (`reference_limited`: misses from
every address). In all but `lookup` a request the citizen must correct (400) or that we failed (5xx) uses up nothing
(`counts_against_limit`).
The counters live in RATELIMIT_STORAGE_URI; the default `memory://` is per process, so with several gunicorn workers
each keeps its own count and a client gets N x the limit: ship one worker with threads (deploy/gunicorn.conf.py) or
point the storage at Redis.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from forms_api import messages
from forms_api.public.answers import (  # the answer's shape (JSON or HTML) is the public API's
    error_response,
    requested_reference,
)

View = TypeVar("View", bound=Callable[..., Any])

# --- Rate limits ------------------------------------------------------------------------------------------------------
BUCKET_SETTING = {
    "signin": "SIGNIN_RATE_LIMIT",  # the back office's sign-in and invitation forms (every post counts)
    "submit": "RATE_LIMIT",
    "rating": "RATE_LIMIT",
    "evaluate": "RATE_LIMIT",
    "lookup": "LOOKUP_RATE_LIMIT",
    "verify": "RATE_LIMIT",  # 短信验证码 sent, from one address (forms_api/notify/verify.py limits them per phone)
}
REFERENCE_SCOPE = "reference"  # the per-reference limit (REFERENCE_RATE_LIMIT) of look-ups and ratings by reference


# Buckets whose limit only requests answered on their merits use up: see `counts_against_limit`.
CONDITIONAL_BUCKETS = frozenset({"submit", "rating", "evaluate", "verify"})
# Refusals that still count: 404 tells whether a tracking code exists (rating a guessed code), 409 whether a phone
# number has evaluated a deputy this year (or that a case was rated already); both must stay limited like a lookup.
COUNTED_REFUSALS = frozenset({404, 409})


def counts_against_limit(response: Response) -> bool:
    """Whether a write request uses up its bucket's quota: yes when it was answered on its merits (2xx, the
    honeypot's fake 201 included; 404 and 409), not for a body to correct (400, 413, 415) or our own failure (5xx),
    so that a citizen fixing a form a few times is not locked out of sending it."""
    return response.status_code < 400 or response.status_code in COUNTED_REFUSALS


def rate_limited(bucket: str) -> Callable[[View], View]:
    """Mark a view for the per-IP limit of `bucket`; `init_app` applies the limits when an app is made."""
    if bucket not in BUCKET_SETTING:
        raise ValueError(f"unknown rate-limit bucket {bucket!r}")

    def mark(view: View) -> View:
        view.rate_limit_bucket = bucket  # type: ignore[attr-defined]
        return view

    return mark


def reference_limited(view: View) -> View:
    """Mark a view that finds a case by 留言编号 + phone for the per-reference limit too (REFERENCE_RATE_LIMIT):
    misses on one reference are counted whatever address they come from, so its phone cannot be guessed by many."""
    view.reference_limited = True  # type: ignore[attr-defined]
    return view


def reference_key() -> str:
    return f"reference:{requested_reference()}"


def client_key() -> str:
    """The client's address as rate-limit key: after ProxyFix, so only trusted proxies' X-Forwarded-For counts.

    An IPv6 client usually holds a whole /64, so the key is its /64 prefix (otherwise one host has 2^64 addresses).
    """
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def wait_text(seconds: int) -> str:
    """`seconds` as a citizen reads a wait: "30 秒", "2 分钟", "5 小时" (rounded up, never "0")."""
    if seconds < 60:
        return messages.WAIT_SECONDS.format(n=max(1, seconds))
    if seconds < 3600:
        return messages.WAIT_MINUTES.format(n=math.ceil(seconds / 60))
    return messages.WAIT_HOURS.format(n=math.ceil(seconds / 3600))


def too_many_requests(limiter: Limiter, limits: str | None) -> Response:
    """429 saying in Chinese how long to wait, with the same figure in `Retry-After`: until every used-up limit of the
    bucket (`limits`, its setting) has room again. flask-limiter stops at the first limit hit, the shortest: with
    "5 per minute;50 per day" used up, it alone would say a minute, and the citizen be refused again."""
    current = limiter.current_limit
    if current is None:
        return error_response(429, messages.API_ERRORS[429])
    resets = [current.reset_at]
    for item in parse_many(limits) if limits else ():
        reset, remaining = limiter.limiter.get_window_stats(item, *current.request_args)
        if remaining == 0:
            resets.append(int(reset + 1))
    wait = max(1, int(max(resets) - time.time()))
    response = error_response(429, messages.API_ERRORS["rate_limited"].format(wait=wait_text(wait)))
    response.headers["Retry-After"] = str(wait)
    return response


def init_limiter(app: Flask) -> Limiter:
    """One Limiter per app (tests make many apps), applied to every view marked with `rate_limited`.

    With RATELIMIT_ENABLED off the views are left unwrapped: a disabled Limiter would still identify and sort each
    request's limits before finding that none apply.
    """
    limiter = Limiter(
        client_key,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        strategy="moving-window",
        headers_enabled=True,
        enabled=app.config["RATELIMIT_ENABLED"],
        key_prefix="forms_api",
    )
    per_reference = limiter.shared_limit(
        app.config["REFERENCE_RATE_LIMIT"],
        scope=REFERENCE_SCOPE,
        key_func=reference_key,
        exempt_when=lambda: requested_reference() is None,
        deduct_when=lambda response: response.status_code == 404,  # misses only: one answer for them all
    )
    for endpoint, view in list(app.view_functions.items()):
        bucket = getattr(view, "rate_limit_bucket", None)
        if bucket and limiter.enabled:
            deduct_when = counts_against_limit if bucket in CONDITIONAL_BUCKETS else None
            limit = limiter.shared_limit(app.config[BUCKET_SETTING[bucket]], scope=bucket, deduct_when=deduct_when)
            wrapped = limit(view)
            app.view_functions[endpoint] = per_reference(wrapped) if getattr(view, "reference_limited", 0) else wrapped
    buckets = {endpoint: getattr(view, "rate_limit_bucket", None) for endpoint, view in app.view_functions.items()}

    def refused(error: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        if current is not None and REFERENCE_SCOPE in current.request_args:
            return too_many_requests(limiter, app.config["REFERENCE_RATE_LIMIT"])
        bucket = buckets.get(request.endpoint or "")
        return too_many_requests(limiter, app.config[BUCKET_SETTING[bucket]] if bucket else None)

    app.register_error_handler(RateLimitExceeded, refused)
    return limiter


# --- Origin allow-list and CORS ---------------------------------------------------------------------------------------
def own_origin() -> str:
    """The origin this request was addressed to (scheme from a trusted proxy, host from the Host header); worked out
    once per request (the Origin check and CORS both ask)."""
    environ = request.environ
    origin = environ.get("forms_api.own_origin")
    if origin is None:
        origin = environ["forms_api.own_origin"] = f"{request.scheme}://{request.host}".lower()
    return origin


def origin_allowed(origin: str, app: Flask) -> bool:
    return origin.lower() == own_origin() or origin.lower() in app.config["ALLOWED_ORIGINS"]


def check_origin(app: Flask) -> Response | None:
    """Refuse state-changing requests from other sites (ASVS 3.5.1-3.5.3): CSRF through a form or a fetch."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    origin = request.headers.get("Origin")
    if origin is not None:
        refused = not origin_allowed(origin, app)
    else:  # old browsers and non-browser clients send no Origin; a browser that says cross-site is refused anyway
        refused = request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site"
    if refused:
        return error_response(403, messages.API_ERRORS["forbidden_origin"])
    return None


def preflight(app: Flask) -> Response | None:
    """Answer CORS preflights under /api/ ourselves: allowed origins get the methods and headers, others nothing."""
    if request.method != "OPTIONS" or not request.path.startswith("/api/"):
        return None
    response = app.make_response(("", 204))
    del response.headers["Content-Type"]  # no body, so no type (and the API's CSP, not the HTML pages')
    origin = request.headers.get("Origin")
    if origin and origin_allowed(origin, app):
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def add_cors(response: Response, app: Flask) -> None:
    """Echo an allowed Origin, never `*`; `Vary: Origin` so that caches keep answers per origin."""
    if not request.path.startswith("/api/"):
        return
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Origin"
    elif "origin" not in {value.strip().lower() for value in vary.split(",")}:
        response.headers["Vary"] = f"{vary}, Origin"
    origin = request.headers.get("Origin")
    if origin and origin_allowed(origin, app):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"


# --- Security headers -------------------------------------------------------------------------------------------------
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The HTML pages: one inline <style> with the request's nonce, forms post back to the service, nothing else loads.
HTML_CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def csp_nonce() -> str:
    """A fresh nonce per response, for the HTML templates' one <style> element."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_security_headers(response: Response) -> None:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the HTML pages' form posts,
    # which the Origin check must refuse. URLs here never carry a tracking code.
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Resource-Policy"] = "same-site"
    headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = HTML_CSP.format(nonce=csp_nonce())
    else:
        headers["Content-Security-Policy"] = API_CSP
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"


# --- Logs without personal data ---------------------------------------------------------------------------------------
_PHONE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[\s-]?)?(?:1[3-9][0-9](?:[\s-]?[0-9]{4}){2}|0[0-9]{2,3}[\s-]?[0-9]{7,8})(?![0-9])"
)
_IPV4 = re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])")
_HEX = "[0-9A-Fa-f]{1,4}"
# IPv6 with "::" or with all eight groups: never a time of day (12:00:00) or a reference.
_IPV6 = re.compile(
    rf"(?<![\w:.])(?:(?:{_HEX}:){{7}}{_HEX}|(?:{_HEX}(?::{_HEX})*)?::(?:{_HEX}(?::{_HEX})*)?)(?:/[0-9]{{1,3}})?(?![\w:])"
)
_TRACKING_PATH = re.compile(r"(/api/submissions/)[^/?#\s\"']+")
_INVITATION_PATH = re.compile(r"(/staff/invite/)[^/?#\s\"']+")


def mask(text: str) -> str:
    """Hide phone numbers (mobiles and landlines, with or without separators), IP addresses (the rate limiter logs
    its keys), tracking codes and invitation tokens in paths."""
    text = _PHONE.sub("[phone]", text)
    # Each pattern below needs what its test looks for: every log line pays for the cheap tests, few for the regexes.
    if text.count(".") >= 3:
        text = _IPV4.sub("[ip]", text)
    if "::" in text or text.count(":") >= 7:
        text = _IPV6.sub("[ip]", text)
    if "/api/submissions/" in text:
        text = _TRACKING_PATH.sub(r"\1{code}", text)
    if "/staff/invite/" in text:
        text = _INVITATION_PATH.sub(r"\1{token}", text)
    return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """Control and text-direction characters written out (`\\u001b`, `\\u202e`): a request line or header with an
    escape sequence must not repaint a terminal that shows the log, nor forge a second line."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group()) or f"\\u{ord(m.group()):04x}", text)


class MaskingFilter(logging.Filter):
    """Rewrites every record so no phone number or tracking code reaches a log, one event stays one line, and no
    control character reaches a terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record (nor crash the request)
            message = str(record.msg)
        record.msg = escape_controls(mask(message))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True


MASKED_LOGGERS = ("forms_api", "werkzeug", "flask-limiter", "gunicorn.error", "gunicorn.access")


def install_log_masking() -> None:
    """Attach the filter to the loggers that can see requests (idempotent: one filter per logger)."""
    for name in MASKED_LOGGERS:
        log = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in log.filters):
            log.addFilter(MaskingFilter())


def _nearby(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def _untrusted_proxy_warning() -> Callable[[], None]:
    """With TRUSTED_PROXIES 0, a request forwarded by a proxy (X-Forwarded-For) means the rate limits count every
    citizen as the proxy's one address: said once in the log (without any address), the first time it is seen."""
    told: list[bool] = []

    def check() -> None:  # a proxy on this machine or the local network, as nginx is; not any client's header
        if not told and "X-Forwarded-For" in request.headers and _nearby(request.remote_addr):
            told.append(True)
            logging.getLogger("forms_api").warning(messages.UNTRUSTED_PROXY)

    return check


# --- Wiring -----------------------------------------------------------------------------------------------------------
def init_app(app: Flask) -> Limiter:
    """ProxyFix for the configured number of proxies, the Origin check before the rate limits, headers after."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    else:
        app.before_request(_untrusted_proxy_warning())
    app.before_request(lambda: preflight(app) or check_origin(app))
    limiter = init_limiter(app)

    @app.after_request
    def finish(response: Response) -> Response:
        add_cors(response, app)
        add_security_headers(response)
        return response

    install_log_masking()
    return limiter
