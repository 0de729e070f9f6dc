"""The public API wired into an app: its service, its endpoints, its error answers, and the endpoints about the API
itself (health, OpenAPI)."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from forms_api import messages
from forms_api.public import notify, receipts, submissions, tracking
from forms_api.public.answers import error_response, http_error, queue_unavailable, targets_unavailable
from forms_api.public.openapi import document
from forms_api.public.schema import normalise_reference
from forms_api.public.service import Service, bp, local_time, page_link, service
from forms_api.public.sitedata import TargetsUnavailable
from forms_api.store import QueueUnavailable

ENDPOINT_MODULES = (submissions, tracking, receipts, notify)  # imported for their routes on `bp`


@bp.get("/health")
def health() -> Response:
    """200 while a submission can be stored and the site's targets read, else 503 (for monitoring)."""
    svc = service()
    healthy = svc.healthy() and svc.targets.available()
    response = jsonify({"status": "ok" if healthy else "degraded"})
    response.status_code = 200 if healthy else 503
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's description, from this app's settings and its site's categories."""
    try:
        categories = service().targets.categories()
    except TargetsUnavailable:
        categories = ()
    return jsonify(document(current_app.config, categories))


def not_a_page(error: HTTPException) -> Response:
    """A 405, most often a form's address opened in a browser: a page a no-JavaScript form post was answered with
    (a refusal at /api/submissions, say) reopened from history or a restored tab, or bookmarked. A browser gets a
    page saying it cannot be opened so, and where to go (the 查询进度 page from its forms, else the home page, which
    every page links); JSON clients the JSON 405 as before."""
    browser = request.accept_mimetypes.best_match(("application/json", "text/html")) == "text/html"
    if request.method not in ("GET", "HEAD") or not browser:
        return http_error(error)
    track = request.path == "/api/track" or request.path.endswith("/rating")  # the 查询进度 page's forms
    text = messages.API_ERRORS["not_a_page_track" if track else "not_a_page"]
    response = error_response(405, text, retry_track=track, html=True)
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Register the public API on `app`, with its Service built from the app's loaded settings."""
    app.extensions["forms_api"] = Service.from_config(app.config)
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(405, not_a_page)
    app.register_error_handler(QueueUnavailable, queue_unavailable)
    app.register_error_handler(TargetsUnavailable, targets_unavailable)
    app.add_template_global(page_link, "page_link")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(normalise_reference, "as_reference")  # error.html: a 留言编号 typed as the 查询码
    app.add_template_global(notify.sms_offered, "sms_offered")
    app.add_template_global(notify.sms_verify, "sms_verify")
    app.add_template_global(notify.UNSUBSCRIBE_TEXTS, "unsubscribe_texts")
