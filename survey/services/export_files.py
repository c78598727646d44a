"""An export written as CSV lines or as an XLSX workbook, row by row, and the audit line it leaves."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from survey.models import AuditEvent, User
from survey.services.audit import record_event
from survey.services.exports import Export, Row, repeat_rows, response_rows, tag_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a text as a formula


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """Each row as one CSV line; texts that a spreadsheet would read as formulas start with a quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def append_row(sheet: Any, row: Row) -> None:  # a write-only worksheet
    """Append a row; a text openpyxl would store as a formula is marked as a text instead."""
    cells: list[Any] = []
    for value in row:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        cells.append(value)
    sheet.append(cells)


def write_xlsx(export: Export, target: IO[bytes]) -> None:
    """Write a workbook of responses and tags, and repeats if the survey has any; write-only, so rows are not kept."""
    book = Workbook(write_only=True)
    tables = [("responses", response_rows(export)), ("tags", tag_rows(export))]
    if export.repeated:
        tables.append(("repeats", repeat_rows(export)))
    for title, rows in tables:
        sheet = book.create_sheet(title)
        for row in rows:
            append_row(sheet, row)
    book.save(target)


def record_export(export: Export, file_format: str, actor: User | None, **detail: Any) -> AuditEvent:
    """Write down who exported which survey, under which filters, for whom."""
    filters = {k: v for k, v in asdict(export.filters).items() if k != "blindfold" and v not in (None, "", "newest")}
    return record_event(
        "export",
        actor=actor,
        target_type="survey",
        target_id=export.survey.slug,
        format=file_format,
        publication=export.publication,
        filters=filters,
        **detail,
    )
