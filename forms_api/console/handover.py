"""The hand-over round trip in the console (交办与反馈): a case's printable 交办单, the hand-over sheet (交办清单,
XLSX or CSV) and the import of a handler's results file, previewed before anything is written.

A file that is empty, not named .xlsx or .csv, unreadable or lacking a column is refused at the upload, saying so
and naming the file. Else the upload keeps the file's rows on the server (forms_api/console/previews.py) and redirects
to the preview's own page, which shows each row the import would add and lists every bad row with its row number and
reason (POST/redirect/GET: Back shows it again); the apply step posts the preview's id, and the rows are planned
again against the state under the log's lock (forms_api/cases/handover.py): a file with a bad row appends nothing
unless the office ticks 只导入无误的行, and a row already in the log adds nothing.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, request, url_for
from werkzeug.datastructures import FileStorage

from forms_api import cases, messages_console
from forms_api.accounts.access import visible
from forms_api.cases.handover import (
    COLUMNS,
    HANDLER_KINDS,
    Plan,
    Row,
    handed_between,
    handover_event,
    importing,
    plan,
    result_pending,
    urges,
)
from forms_api.cases.handover import read_rows as table_rows
from forms_api.console.case import find_case, personal_shown, show_personal_once
from forms_api.console.people import actor_label
from forms_api.console.previews import keep, kept
from forms_api.console.refusals import refused, taken
from forms_api.console.service import account, bp, may, message_page, page, require
from forms_api.console.totp import qr_svg
from forms_api.public.service import service
from forms_api.staff.handover_sheet import ResultsFileError, read_table, sheet_rows
from forms_api.staff.sheets import csv_bytes, xlsx_bytes
from forms_api.staff.text import assignee_text, deadline_text, moment_text, one_line, target_label

X = messages_console.HANDOVER_TEXTS
F = messages_console.HANDOVER_FILE_ERRORS
UPLOAD_LIMIT = 2 * 1024 * 1024  # a results file: far above the API's body limit
RESULT_FILE_TYPES = (".xlsx", ".csv")  # what the import reads; a .xls, .txt or .et is refused by name
RESULT_SHOWN = 60  # characters of a result in the preview's table
IMPORT_ENDPOINTS = frozenset({"staff.handover_import", "staff.handover_apply"})
MEDIA = {
    "csv": "text/csv",  # Flask adds the charset
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, values: dict | None) -> None:
    """A results file may be larger than a form's body: the two import views read up to UPLOAD_LIMIT (set before
    the CSRF check reads the form)."""
    if endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = UPLOAD_LIMIT
        request.max_form_memory_size = UPLOAD_LIMIT


# The queue's markers for the case's page (the list computes its own: forms_api/console/queue.py).
bp.add_app_template_global(result_pending, "result_pending")
bp.add_app_template_global(urges, "urges")


# --- the 交办单 -------------------------------------------------------------------------------------------------------


def _slip(ref: str, *, personal: bool) -> Response:
    sub = find_case(ref)
    event = handover_event(sub)
    if event is None:
        return message_page(409, X["slip_not_handed"])
    today, cal = cases.now().date(), service().calendar
    return page(
        "staff/handover_slip.html",
        sub=sub,
        title=X["slip_title"].format(ref=sub.ref),
        handed=moment_text(cases.parse_at(event["at"])),
        handed_by=actor_label(event.get("by") or ""),
        handler=assignee_text(sub),
        deadline=deadline_text(sub, today, cal),
        target=target_label(sub.target, service().targets.name(sub.target)),
        personal=personal,
        qr=qr_svg(sub.ref, X["slip_qr_title"].format(ref=sub.ref)),
        x=X,
    )


@bp.get("/cases/<ref>/slip")
@require("handover_slip")
def handover_slip(ref: str) -> Response:
    """The printable 交办单 of a case handed to a department or the hotline; the name and phone only once after the
    button below (for the roles that may see them)."""
    return _slip(ref, personal=may("personal") and personal_shown())


@bp.post("/cases/<ref>/slip")
@require("handover_slip")
def handover_slip_personal(ref: str) -> Response:
    """The 交办单 with the citizen's name and phone, for the roles that may see them, once a `viewed` event naming
    the account is in the log."""
    if not may("personal"):
        abort(403)
    if handover_event(find_case(ref)) is None:
        return message_page(409, X["slip_not_handed"])
    return show_personal_once(ref, url_for("staff.handover_slip", ref=ref))


# --- the hand-over page: the sheet and the import --------------------------------------------------------------


def _handlers() -> list[str]:
    """The departments and hotline names of the cases the account may see, for the sheet's form."""
    subs = service().store.query(
        lambda state: visible(account(), list(state.submissions.values()), service().targets.deputies_of)
    )
    return sorted({sub.assignee for sub in subs if sub.assignee_kind in HANDLER_KINDS and sub.assignee})


def _page(status: int = 200, errors: list[str] | None = None, **context: object) -> Response:
    form = {"since": (cases.now().date().replace(day=1)).isoformat(), "format": "xlsx"} | dict(request.args)
    return page(
        "staff/handover.html",
        status,
        title=X["title"],
        handlers=_handlers(),
        errors=errors or [],
        form=form,
        x=X,
        **context,
    )


@bp.get("/handover")
@require("handover_sheet")
def handover_page() -> Response:
    """The hand-over sheet's form, and for the office the results file's upload (after a refused one, why)."""
    found = taken()
    return _page(errors=[found["error"]] if found else None)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _attachment(handler: str, since: date, until: date, file_format: str) -> str:
    """Content-Disposition naming the handler and the dates in Chinese (RFC 6266 filename*, UTF-8), with an ASCII
    filename for the clients that read no filename*."""
    name = X["file_name"].format(handler=handler, since=since.isoformat(), until=until.isoformat())
    ascii_name = f"handover-{since.isoformat()}-{until.isoformat()}.{file_format}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f'{name}.{file_format}', safe='')}"


@bp.get("/handover/sheet")
@require("handover_sheet")
def handover_sheet() -> Response:
    """The hand-over sheet of one handler's cases in a date range, among those the account may see."""
    handler = request.args.get("handler", "").strip()[:64]
    since, until_text = _day(request.args.get("since", "")), request.args.get("until", "").strip()
    until = _day(until_text) if until_text else None
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    errors = [X["bad_handler"]] if not handler else []
    errors += [X["bad_since"]] if since is None or (until_text and until is None) else []
    errors += [X["reversed_dates"]] if since is not None and until is not None and until < since else []
    if errors or since is None:
        return _page(400, errors)
    svc = service()
    mine = svc.store.query(lambda state: visible(account(), list(state.submissions.values()), svc.targets.deputies_of))
    found = handed_between(mine, handler, since, until)
    if not found:  # never an empty file downloaded without a word: say so on the page
        return _page(200, [X["none_handed"].format(handler=handler)])
    header, rows = sheet_rows(found, svc.calendar, svc.targets.name)
    data = csv_bytes(header, rows) if file_format == "csv" else xlsx_bytes(header, rows, X["nav"])
    response = current_app.response_class(data, mimetype=MEDIA[file_format])
    response.headers["Content-Disposition"] = _attachment(handler, since, until or cases.now().date(), file_format)
    response.headers["Cache-Control"] = "no-store"
    return response


def _shown(found: Plan) -> list[dict[str, object]]:
    """The rows an import would add, as the preview's table shows them: each event's values (the date as it will be
    kept), the result cut to one short line."""
    return [
        {
            "number": number,
            "ref": event["ref"],
            "ticket": event["ticket"],
            "result": one_line(event["note"], RESULT_SHOWN),
            "day": event["result_date"],
            "handler": event["handler"],
        }
        for number, event in zip(found.good, found.events, strict=True)
    ]


def _preview(
    ident: str, rows: list[Row], errors: list[str], name: str, *, status: int = 200, refusal: str = ""
) -> Response:
    today = cases.now().date()
    found = service().store.query(lambda state: plan(rows, state, today, account().login))
    all_errors = [*errors, *(str(error) for error in found.errors)]  # `errors`: a preview an older version kept
    counts = {"rows": len(rows), "good": len(found.events), "repeats": len(found.repeats), "errors": len(all_errors)}
    counts["pending"] = len(found.pending)
    return page(
        "staff/handover_preview.html",
        status,
        title=X["preview_title"].format(name=name),
        errors=all_errors,
        counts=counts,
        summary=X["preview_counts"].format(**counts),
        shown=_shown(found),
        columns=COLUMNS,
        ident=ident if rows else "",
        refused=refusal,
        x=X,
    )


def _file_name(upload: FileStorage | None) -> str:
    """The uploaded file's own name, without a folder some browsers send along."""
    name = (upload.filename or "") if upload is not None else ""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:100]


def _results(upload: FileStorage | None, name: str) -> list[Row]:
    """The rows of an uploaded results file; ResultsFileError saying why the file as a whole cannot be imported (none
    chosen, empty, neither XLSX nor CSV, unreadable, no results file: a missing column is no row of it)."""
    data = upload.read(UPLOAD_LIMIT + 1) if upload is not None else b""
    if not name and not data:
        raise ResultsFileError(F["no_file"])
    if not name.lower().endswith(RESULT_FILE_TYPES):
        raise ResultsFileError(F["wrong_type"].format(name=name))
    if not data:
        raise ResultsFileError(F["empty"].format(name=name))
    rows, errors = table_rows(read_table(data))
    if errors:  # one error about the file, never about a row of it: read_rows gives no rows then
        raise ResultsFileError(F["not_results"].format(name=name, reason=errors[0].reason))
    return rows


@bp.post("/handover/import")
@require("handover_import")
def handover_import() -> Response:
    """Keep an uploaded results file's rows and go to their preview; nothing is written to the log."""
    upload = request.files.get("file")
    name = _file_name(upload)
    try:
        rows = _results(upload, name)
    except ResultsFileError as exc:
        error = str(exc)
        return refused(url_for("staff.handover_page"), error, answer=lambda: _page(400, [error]))
    # "errors" stays, empty: row errors are planned on each showing; a preview an older version kept may have some
    preview = {"name": name, "rows": [list(vars(row).values()) for row in rows], "errors": []}
    return redirect(url_for("staff.handover_preview", ident=keep(account().login, preview)), 303)


def _kept(ident: str) -> tuple[list[Row], list[str], str] | None:
    """(rows, errors, file name) of the account's preview `ident`, or None when it is gone."""
    found = kept(ident, account().login)
    if found is None:
        return None
    try:
        return [Row(*values) for values in found["rows"]], list(found["errors"]), str(found["name"])
    except (KeyError, TypeError, ValueError):  # not a preview this version wrote
        return None


@bp.get("/handover/import/<ident>")
@require("handover_import")
def handover_preview(ident: str) -> Response:
    """The preview of an uploaded results file: its counts and every bad row, planned against the log as it is now
    (after a refused import, why)."""
    found = _kept(ident)
    if found is None:
        return _page(410, [F["expired"]])
    rows, errors, name = found
    kept_refusal = taken()
    return _preview(ident, rows, errors, name, refusal=kept_refusal["error"] if kept_refusal else "")


@bp.post("/handover/import/apply")
@require("handover_import")
def handover_apply() -> Response:
    """Import the previewed rows, planned again under the log's lock: nothing when a row is bad, unless ticked."""
    ident = request.form.get("preview", "")
    previewed = _kept(ident)
    if previewed is None:
        return refused(url_for("staff.handover_page"), F["expired"], answer=lambda: _page(400, [F["expired"]]))
    rows, errors, name = previewed
    apply_good = request.form.get("apply_good") == "1"
    plans: list[Plan] = []
    stored = service().store.append(
        importing(rows, cases.now().date(), account().login, apply_good=apply_good, plans=plans)
    )
    found = plans[-1]
    if found.errors and not apply_good:
        refusal = X["refused"].format(errors=len(found.errors))
        answer = lambda: _preview(ident, rows, errors, name, status=409, refusal=refusal)  # noqa: E731
        return refused(url_for("staff.handover_preview", ident=ident), refusal, answer=answer)
    done = X["applied_some"] if found.errors else X["applied"]
    flash(
        done.format(count=len(stored), repeats=len(found.repeats), pending=len(found.pending), errors=len(found.errors))
    )
    return redirect(url_for("staff.handover_page"), 303)
