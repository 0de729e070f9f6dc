"""Spreadsheet exports of cases (CSV, XLSX), every cell safe: a cell that starts with = + - @ tab, CR or NUL, also
after leading whitespace, gets a leading single quote so no spreadsheet runs it as a formula (OWASP ASVS 1.2.10).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

from forms_api import messages, messages_console
from forms_api.cases import NO_HOLIDAYS, Calendar, Submission
from forms_api.cases.queue import answer_deadline
from forms_api.staff.text import TargetNames, assignee_text, no_names, submitted_text, target_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
# Characters XML 1.0 (and so XLSX) cannot hold; CSV gets the same treatment so both exports carry the same values.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_cell(value: object) -> str:
    """`value` as a spreadsheet cell that is never a formula: always text, a quote before a dangerous start.

    Line breaks become LF (XML, and so XLSX, would turn a CR into LF on reading anyway: both formats agree).
    """
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_ILLEGAL.sub(lambda match: chr(0x2400 + ord(match[0])) if match[0] < " " else "\ufffd", text)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def loop_cells(sub: Submission) -> list[str]:
    """The rating of the latest answer ("" when none) and how often the case was reopened: EXPORT_LOOP_COLUMNS."""
    return [sub.rating or "", str(sub.reopens)]


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def export_rows(
    subs: Iterable[Submission], *, personal: bool, cal: Calendar = NO_HOLIDAYS, names: TargetNames = no_names
) -> tuple[list[str], list[list[str]]]:
    """The header and one row per case, every cell already made safe; name and phone only when `personal`.

    The target's id, the channel, the rating, the reopens and the 交办期限 come last, so that every other column keeps
    its place with and without `personal` (and as it was before each of them was added). 答复期限 is the deadline set
    at 交办 (empty before it), 交办期限 the office's day to hand the case on by, kept after it: the tracking page's two
    dates, each under its own name."""
    header = list(messages.STAFF_EXPORT_COLUMNS)
    if personal:
        header += list(messages.STAFF_EXPORT_PERSONAL_COLUMNS)
    header += [messages.STAFF_EXPORT_TARGET_ID, messages_console.EXPORT_CHANNEL, *messages_console.EXPORT_LOOP_COLUMNS]
    header.append(messages.STAFF_EXPORT_ASSIGN_BY)
    rows = []
    for sub in subs:
        row = [
            sub.ref,
            sub.status_label,
            sub.category,
            target_label(sub.target, names(sub.target)),
            submitted_text(sub),
            _day(answer_deadline(sub, cal)),
            assignee_text(sub),
            sub.text,
            sub.answer or "",
        ]
        if personal:
            row += [sub.name or "", sub.phone]
        rows.append([*row, sub.target, sub.channel_label, *loop_cells(sub), _day(sub.assign_by(*cal))])
    return [safe_cell(column) for column in header], [[safe_cell(cell) for cell in row] for row in rows]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """RFC 4180 CSV (CRLF, quotes where needed) in UTF-8 with a BOM, so that Excel reads the Chinese right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], title: str = messages.STAFF_EXPORT_SHEET) -> bytes:
    """One worksheet named `title`, every cell stored as a string (data_type "s"): no value is ever kept as a
    formula."""
    from openpyxl import Workbook  # here, not at the top: it takes ~0.2 s to import, and only this export needs it

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row_index, row in enumerate([header, *rows], start=1):
        for column_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            cell.value = value
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
