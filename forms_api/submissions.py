"""The HTTP endpoints under /api: submit, look up by tracking code, rate the answer, evaluate a deputy, health.

Two kinds of client, one set of endpoints:

- JSON (the site's JavaScript): JSON in, JSON out.
- The plain HTML form, JavaScript off (`application/x-www-form-urlencoded`): the same checks, and the answer is a small
  server-rendered HTML page instead of JSON: the receipt with the reference and tracking code (201), the status page
  with a rating form (track and rating), or the list of what to correct (400). No redirect: a tracking code must not
  travel in a URL (ASVS 14.2.1), and a reload of the receipt re-posts the same text, which the duplicate window
  answers with the same code instead of a second record.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, UnsupportedMediaType

from forms_api import evaluations, messages, workflow
from forms_api.export import NO_HOLIDAYS, Calendar
from forms_api.queue import EventLog, QueueUnavailable
from forms_api.schema import (
    Limits,
    Targets,
    TargetsUnavailable,
    check_evaluation,
    check_lookup,
    check_rating,
    check_submission,
)
from forms_api.security import rate_limited

bp = Blueprint("submissions", __name__, url_prefix="/api")
log = logging.getLogger("forms_api")
FORM = "application/x-www-form-urlencoded"
HEALTH_MIN_FREE_BYTES = 16 * 1024  # a submission of MAX_TEXT characters is at most ~9 KB on disk
FREEZE_GC_EVERY = 1000  # folded events between two gc.freeze() (EventLog): full collections stay a few ms
JSON = "application/json"


# --- the service's per-app parts --------------------------------------------------------------------------------------
@dataclass
class Service:
    """What the endpoints share within one app: the queue (opened on first use), the site's targets, the limits."""

    queue_dir: Path
    fsync: bool
    targets: Targets
    limits: Limits
    duplicate_window: timedelta
    site_url: str
    calendar: Calendar = NO_HOLIDAYS  # for the deadline a citizen sees, as the staff tools count it
    _log: EventLog | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def log(self) -> EventLog:
        """The event log; QueueUnavailable (503) while its folder cannot be created, retried on the next request."""
        with self._lock:
            if self._log is None:
                self._log = EventLog(self.queue_dir, fsync=self.fsync, freeze_gc_every=FREEZE_GC_EVERY)
            return self._log

    def healthy(self) -> bool:
        """The queue can take a submission now: the log is usable, its folder writable (a probe file, rewritten in
        place so that it never grows) and there is room for at least one more of the largest records."""
        try:
            if not self.log.writable:
                return False
            probe = os.open(self.queue_dir / ".health", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.pwrite(probe, b"ok\n", 0)
            finally:
                os.close(probe)
            disk = os.statvfs(self.queue_dir)
        except (QueueUnavailable, OSError):
            return False
        return disk.f_bavail * disk.f_frsize >= HEALTH_MIN_FREE_BYTES


def service() -> Service:
    return current_app.extensions["forms_api"]


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["forms_api"] = Service(
        queue_dir=Path(config["QUEUE_DIR"]),
        fsync=config["QUEUE_FSYNC"],
        targets=Targets(Path(config["SITE_DIR"])),
        limits=Limits.from_config(config),
        duplicate_window=timedelta(seconds=config["DUPLICATE_WINDOW_SECONDS"]),
        site_url=config["SITE_URL"],
        calendar=config["HOLIDAYS"],
    )
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(QueueUnavailable, queue_unavailable)
    app.register_error_handler(TargetsUnavailable, targets_unavailable)
    app.add_template_global(page_link, "page_link")
    app.add_template_filter(local_time, "local_time")


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
    form = request.form  # parsed from the cached body
    repeated = frozenset(key for key, values in form.lists() if len(values) > 1)
    return Body(form.to_dict(), True, repeated)


def wants_html() -> bool:
    """A plain HTML form post (JavaScript off) gets HTML pages, everything else JSON."""
    return request.method == "POST" and request.mimetype == FORM


# --- answers ----------------------------------------------------------------------------------------------------------
def page(template: str, status: int, **context: Any) -> Response:
    response = current_app.make_response((render_template(template, texts=messages.PAGE_TEXTS, **context), status))
    response.mimetype = "text/html"
    return response


def error_response(status: int, message: str, errors: dict[str, str] | None = None) -> Response:
    """`{"error": message}` or `{"errors": {field: message}}`, or the same as an HTML page for a form post."""
    if wants_html():
        labelled = [(messages.FIELD_LABELS.get(name, name), text) for name, text in (errors or {}).items()]
        title = messages.PAGE_TEXTS["errors_title" if errors else "problem_title"]
        return page("error.html", status, title=title, message=message, errors=labelled)
    body: dict[str, Any] = {"errors": errors} if errors else {"error": message}
    response = jsonify(body)
    response.status_code = status
    return response


def invalid(errors: dict[str, str]) -> Response:
    return error_response(400, messages.PAGE_TEXTS["errors_lead"], errors)


def body_invalid() -> Response:
    return invalid({"body": messages.FIELD_ERRORS["body_invalid"]})


def code_not_found() -> Response:
    """The one answer for every wrong tracking code, whatever its shape: nothing to tell codes apart by."""
    return error_response(404, messages.API_ERRORS["code_not_found"])


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


def page_link(path: str = "") -> str:
    """A link into the static site: SITE_URL + path, or a root-relative path when the site shares our origin."""
    base = service().site_url or "/"
    return base + path


def local_time(value: str | None, with_time: bool = True) -> str:
    """An ISO date or timestamp as Chinese readers write it, in China Standard Time."""
    if not value:
        return ""
    if len(value) == 10:
        day = datetime.fromisoformat(value)
        return messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)
    moment = workflow.parse_at(value).astimezone(workflow.TZ)
    text = messages.DATETIME_FORMAT if with_time else messages.DATE_FORMAT
    return text.format(year=moment.year, month=moment.month, day=moment.day, hour=moment.hour, minute=moment.minute)


def receipt(code: str, ref: str, status: str, *, created: bool) -> Response:
    """201 for a new submission, 200 for a duplicate: JSON, or the receipt page for a form post."""
    http_status = 201 if created else 200
    if wants_html():
        return page("receipt.html", http_status, code=code, reference=ref, duplicate=not created)
    response = jsonify({"tracking_code": code, "reference": ref, "status": status})
    response.status_code = http_status
    return response


def status_answer(view: dict[str, Any], *, rated: str | None = None) -> Response:
    """A submission's public view as JSON, or the status page (with the rating form when it may be rated)."""
    if wants_html():
        svc = service()
        return page(
            "status.html",
            200,
            view=view,
            target_name=svc.targets.name(view["target"]),
            rated=rated,
            code=_code_for_form(),
            ratings=messages.RATINGS,
            reopens=messages.RATING_REOPENS,
            max_comment=svc.limits.max_comment,
        )
    return jsonify(view)


def _code_for_form() -> str:
    """The code the status page's rating form sends back: the one this form post carried."""
    return request.form.get("code", "") if wants_html() else ""


# --- endpoints --------------------------------------------------------------------------------------------------------
@bp.post("/submissions")
@rate_limited("submit")
def submit() -> Response:
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    svc = service()
    fields, errors = check_submission(
        body.data, form=body.form, limits=svc.limits, targets=svc.targets, repeated=body.repeated
    )
    if errors:
        return invalid(errors)
    if fields["website"]:  # the honeypot: looks accepted, stores nothing
        log.info("honeypot filled: nothing stored")
        fake_ref = svc.log.query(lambda state: state.next_ref(workflow.now().year))
        return receipt(workflow.new_code(), fake_ref, "submitted", created=True)

    now = workflow.now()
    code = workflow.new_code()
    duplicates: list[workflow.Submission] = []

    def decide(state: workflow.State) -> dict | None:
        if svc.duplicate_window:
            same = state.find_duplicate(
                fields["target"], fields["text"], now, svc.duplicate_window, phone=fields["phone"]
            )
            if same is not None:
                duplicates.append(same)
                return None
        ref = state.next_ref(now.year)
        workflow.check(state.submissions.get(ref), "submitted")
        return workflow.make_event(
            "submitted",
            ref,
            workflow.CITIZEN,
            now,
            code=code,
            target=fields["target"],
            category=fields["category"],
            text=fields["text"],
            name=fields["name"] or None,
            phone=fields["phone"],
            anonymous=fields["anonymous"],
        )

    stored = svc.log.append(decide)
    if duplicates:
        same = duplicates[0]
        log.info("event duplicate %s", same.ref)
        return receipt(same.code, same.ref, same.status, created=False)
    event = stored[0]
    log.info("event %s %s", event["type"], event["ref"])
    return receipt(event["code"], event["ref"], "submitted", created=True)


def _lookup(code: str) -> Response:
    svc = service()
    view = svc.log.query(lambda state: sub.public_view(*svc.calendar) if (sub := state.by_code(code)) else None)
    return status_answer(view) if view is not None else code_not_found()


@bp.get("/submissions/<code>")
@rate_limited("lookup")
def show(code: str) -> Response:
    return _lookup(code)


@bp.post("/track")
@rate_limited("lookup")
def track() -> Response:
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    code, errors = check_lookup(body.data, body.repeated)
    if errors:
        return invalid(errors)
    return _lookup(code)


def _rate(code: str, rating: str, comment: str) -> Response:
    now = workflow.now()
    svc = service()

    def decide(state: workflow.State) -> dict:
        sub = state.by_code(code)
        workflow.check(sub, "rated")
        assert sub is not None  # check() refused a missing one
        return workflow.make_event("rated", sub.ref, workflow.CITIZEN, now, rating=rating, comment=comment or None)

    try:
        stored = svc.log.append(decide)
    except workflow.WorkflowError as refusal:
        if refusal.code == "not_found":
            return code_not_found()
        return error_response(409, str(refusal))
    log.info("event %s %s", stored[0]["type"], stored[0]["ref"])
    view = svc.log.query(lambda state: state.submissions[stored[0]["ref"]].public_view(*svc.calendar))
    return status_answer(view, rated=rating)


@bp.post("/submissions/<code>/rating")
@rate_limited("rating")
def rate(code: str) -> Response:
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    fields, errors = check_rating(body.data, limits=service().limits, with_code=False, repeated=body.repeated)
    if errors:
        return invalid(errors)
    return _rate(code, fields["rating"], fields["comment"])


@bp.post("/rating")
@rate_limited("rating")
def rate_by_body() -> Response:
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    fields, errors = check_rating(body.data, limits=service().limits, with_code=True, repeated=body.repeated)
    if errors:
        return invalid(errors)
    return _rate(fields["code"], fields["rating"], fields["comment"])


def evaluation_receipt(target: str, year: int, rating: str) -> Response:
    """201 for a stored yearly evaluation: JSON, or a thank-you page for a form post."""
    if wants_html():
        name = service().targets.name(target)
        return page("evaluated.html", 201, target=target, target_name=name, year=year, rating=rating)
    response = jsonify({"target": target, "year": year, "rating": rating})
    response.status_code = 201
    return response


@bp.post("/evaluations")
@rate_limited("evaluate")
def evaluate() -> Response:
    """A constituent's yearly evaluation of a deputy: one per phone number, deputy and year; no number is stored."""
    try:
        body = read_body()
    except BodyInvalid:
        return body_invalid()
    svc = service()
    fields, errors = check_evaluation(
        body.data, form=body.form, limits=svc.limits, targets=svc.targets, repeated=body.repeated
    )
    if errors:
        return invalid(errors)
    now = workflow.now()
    if fields["website"]:  # the honeypot: looks accepted, stores nothing
        log.info("honeypot filled: nothing stored")
        return evaluation_receipt(fields["target"], now.year, fields["rating"])
    queue = svc.log  # creates the queue folder, where the key lives
    voter = evaluations.voter(evaluations.key(queue.directory), fields["phone"], fields["target"], now.year)
    refused: list[bool] = []

    def decide(state: workflow.State) -> dict | None:
        if state.has_evaluated(voter):
            refused.append(True)
            return None
        return workflow.make_evaluation(
            fields["target"], now.year, fields["rating"], voter, now, comment=fields["comment"] or None
        )

    queue.append(decide)
    if refused:
        return error_response(409, messages.API_ERRORS["evaluated_twice"])
    log.info("event %s %s", workflow.EVALUATED, fields["target"])
    return evaluation_receipt(fields["target"], now.year, fields["rating"])


@bp.get("/health")
def health() -> Response:
    svc = service()
    healthy = svc.healthy() and svc.targets.available()
    response = jsonify({"status": "ok" if healthy else "degraded"})
    response.status_code = 200 if healthy else 503
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    from forms_api.openapi import document

    return jsonify(document(current_app.config))
