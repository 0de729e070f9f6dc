"""The hand-over sheet (交办清单) as spreadsheet rows, and a results file (XLSX or CSV) read into a table: what the
staff tools' `handover` group and the console share. The rules for the rows are in forms_api/cases/handover.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from itertools import islice

from forms_api import messages_console as mc
from forms_api.cases import TZ, Calendar, Submission, parse_at
from forms_api.cases.handover import MAX_ROWS, handover_event
from forms_api.cases.queue import shown_deadline
from forms_api.staff.sheets import loop_cells, safe_cell
from forms_api.staff.text import TargetNames, no_names, target_label

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 50


class ResultsFileError(ValueError):
    """A results file that cannot be read as a table; str(error) is the Chinese message."""


def sheet_rows(
    subs: Iterable[Submission], cal: Calendar, names: TargetNames = no_names
) -> tuple[list[str], list[list[str]]]:
    """The hand-over sheet: what the handler needs of each case (no name or phone), then the empty columns of the
    results file it sends back; every cell made safe for a spreadsheet."""
    header = [*mc.HANDOVER_SHEET_COLUMNS, *mc.HANDOVER_SHEET_RETURN]
    rows = []
    for sub in subs:
        event = handover_event(sub)
        handed = parse_at(event["at"]).astimezone(TZ).date().isoformat() if event else ""
        deadline = shown_deadline(sub, cal)
        row = [
            sub.ref,
            sub.assignee or "",
            handed,
            deadline.isoformat() if deadline else "",
            sub.category,
            target_label(sub.target, names(sub.target)),
            sub.text,
            *loop_cells(sub),
        ]
        rows.append([*row, "", "", ""])
    return [safe_cell(cell) for cell in header], [[safe_cell(cell) for cell in row] for row in rows]


def read_table(data: bytes) -> list[list[object]]:
    """The first worksheet of an XLSX file, or a CSV file (UTF-8 with or without BOM, else GBK as Excel saves it
    in China), as rows of cells; ResultsFileError when it is neither."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        try:
            return [row[:MAX_COLUMNS] for row in islice(csv.reader(io.StringIO(text)), MAX_ROWS + 2)]
        except csv.Error as exc:
            raise ResultsFileError(mc.HANDOVER_FILE_ERRORS["unreadable"]) from exc
    raise ResultsFileError(mc.HANDOVER_FILE_ERRORS["unreadable"])


def _xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook  # here, not at the top: ~0.2 s to import, and only XLSX files need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            return [list(row) for row in islice(rows, MAX_ROWS + 2)]
        finally:
            workbook.close()
    except (OSError, KeyError, ValueError, IndexError, TypeError, zipfile.BadZipFile) as exc:
        raise ResultsFileError(mc.HANDOVER_FILE_ERRORS["unreadable"]) from exc
