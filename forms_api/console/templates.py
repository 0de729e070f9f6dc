"""The office's reply templates (答复模板): the list, adding (or replacing one by its title) and deleting, on an
office-only page; the answer form offers them (forms_api/console/case.py)."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for

from forms_api import messages
from forms_api.accounts.templates import ReplyTemplate, added, template_problem
from forms_api.console.refusals import refused, taken
from forms_api.console.service import bp, console, page, require

A = messages.ACTION_TEXTS


def _page(status: int = 200, error: str | None = None, title: str = "", text: str = "") -> Response:
    """The page; the form's fields are `typed_*` (the page's own `title` is its heading, never the field's value)."""
    templates = console().templates.all()
    typed = {"typed_title": title, "typed_text": text}
    return page("staff/templates.html", status, templates=templates, error=error, a=A, **typed)


@bp.get("/templates")
@require("templates")
def templates() -> Response:
    """Every template, a form to add one (or to change the one named by `?edit=`), a delete button each (after a
    refused one, why, and what was typed)."""
    kept = taken()
    if kept is not None:
        return _page(200, kept["error"], kept["form"].get("title", ""), kept["form"].get("text", ""))
    editing = [found for found in console().templates.all() if found.title == request.args.get("edit")]
    return _page(200, None, editing[0].title, editing[0].text) if editing else _page()


@bp.post("/templates")
@require("templates")
def template_add() -> Response:
    """Keep a template (one with the same title is replaced); a bad one says why and keeps what was typed."""
    title = request.form.get("title", "").strip()
    text = request.form.get("text", "").replace("\r\n", "\n").strip()
    problem = template_problem(title, text)
    if problem is None:
        try:
            console().templates.change(lambda current: added(current, ReplyTemplate(title, text)))
        except ValueError as exc:
            problem = str(exc)
    if problem is not None:
        error = messages.TEMPLATE_ERRORS[problem]
        target = url_for("staff.templates", _anchor="add")  # the form, with the refusal, below every template
        return refused(target, error, answer=lambda: _page(400, error, title, text))
    flash(A["template_added"].format(title=title))
    return redirect(url_for("staff.templates"), 303)


@bp.post("/templates/delete")
@require("templates")
def template_delete() -> Response:
    """Delete the template with the posted title (none: nothing changes)."""
    title = request.form.get("title", "")
    console().templates.change(lambda current: [found for found in current if found.title != title])
    flash(A["template_deleted"].format(title=title))
    return redirect(url_for("staff.templates"), 303)
