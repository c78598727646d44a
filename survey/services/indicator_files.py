"""Read a file of indicators (CSV or XLSX, English or Spanish headers) and check every row before any is kept."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from survey.models import Combine, Site
from survey.questionnaire.messages import Message

# The columns a file may have, by the names an English or a Spanish spreadsheet gives them (folded).
HEADERS = {
    "indicator": ("indicator", "indicador"),
    "site": ("site", "sitio"),
    "month": ("month", "mes"),
    "value": ("value", "valor"),
    "unit": ("unit", "unidad"),
    "combine": ("combine", "agregacion", "combinar"),
}
REQUIRED = ("indicator", "site", "month", "value")
COMBINE_WORDS = {"sum": Combine.SUM, "suma": Combine.SUM, "mean": Combine.MEAN, "media": Combine.MEAN}
COMBINE_WORDS |= {"average": Combine.MEAN, "promedio": Combine.MEAN}
LIMITS = {"name": 200, "code": 80, "unit": 60}
MAX_ROWS = 100_000  # a sheet that unpacks to more is refused before it fills the memory
MAX_PROBLEMS = 30  # a wholly wrong file names its first problems, not thousands
EARLIEST, LATEST = 2000, 2100
_ISO_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T].*)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/](\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[.,]\d{3})+$")  # 1.234.567 or 1,234,567: thousands only
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _(template: str, **params: object) -> Message:
    """A problem, to word in the reader's language where there is one (named _ so that pybabel finds it)."""
    return Message(template, params)


class IndicatorFileError(ValueError):
    """A file that cannot be imported; each problem names its row and column."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class _CellError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class IndicatorRow:
    """One checked row: which indicator, where, when and how much."""

    number: int  # as the spreadsheet numbers it, the header being row 1
    code: str
    name: str
    site_id: int
    month: date  # the first day of the month
    value: float
    unit: str | None  # None: the file does not say
    combine: Combine | None


@dataclass(frozen=True)
class _Raw:
    number: int
    cells: dict[str, tuple[str, Any]]  # our column name -> (the header as the file writes it, the cell)


def fold(text: str) -> str:
    """Lower case without accents or surrounding spaces: how names and headers are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def indicator_code(name: str) -> str:
    """The code an indicator's name folds to: 'Hectáreas erradicadas' and 'hectareas  erradicadas' are one."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[: LIMITS["code"]].strip("-")


def read_indicator_file(filename: str, data: bytes, sites: list[Site]) -> list[IndicatorRow]:
    """Every row of a CSV or XLSX file of indicators, or an error naming every bad row and column."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(data)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(data)
    else:
        raise IndicatorFileError([_("Send a CSV file (.csv) or an Excel workbook (.xlsx).")])
    return _check_rows(raw, sites)


def _csv_rows(data: bytes) -> list[_Raw]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # what Excel saves as "CSV" on Windows
    first_line = text.split("\n", 1)[0]
    # A Spanish Excel separates columns with semicolons, since its decimal separator is the comma.
    delimiter = max(",;\t", key=first_line.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _with_headers(iter(_at_most(enumerate(rows, start=1))))


def _xlsx_rows(data: bytes) -> list[_Raw]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise IndicatorFileError([_("The file is not an Excel workbook (.xlsx) that can be read.")]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = _at_most((number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()
    return _with_headers(iter(rows))


def _at_most(rows: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    kept = list(itertools.islice(rows, MAX_ROWS + 1))
    if len(kept) > MAX_ROWS:
        raise IndicatorFileError([_("The file has more than %(n)s rows: split it.", n=MAX_ROWS)])
    return kept


def _with_headers(rows: Iterator[tuple[int, list[Any]]]) -> list[_Raw]:
    for _number, header in rows:
        if not all(_blank(cell) for cell in header):
            break
    else:
        raise IndicatorFileError([_("The file is empty.")])
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        key = next((k for k, names in HEADERS.items() if fold(str(title or "")) in names), None)
        if key is None:
            continue  # a column of notes is no harm
        if key in columns.values():
            raise IndicatorFileError([_("The header row has the column “%(column)s” twice.", column=str(title))])
        columns[index] = key
    missing = [" / ".join(HEADERS[k]) for k in REQUIRED if k not in columns.values()]
    if missing:
        raise IndicatorFileError(
            [_("The header row has no column %(columns)s.", columns=", ".join(f"“{m}”" for m in missing))]
        )
    titles = {index: str(header[index]).strip() for index in columns}
    return [
        _Raw(number, {key: (titles[i], row[i] if i < len(row) else None) for i, key in columns.items()})
        for number, row in rows
        if not all(_blank(cell) for cell in row)  # a spreadsheet's empty rows are no rows
    ]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check_rows(raw: list[_Raw], sites: list[Site]) -> list[IndicatorRow]:
    find_site = _site_finder(sites)
    problems: list[Message] = []
    rows: list[IndicatorRow] = []
    seen: dict[tuple[str, int, date], int] = {}
    units: dict[str, tuple[str, int]] = {}
    if not raw:
        raise IndicatorFileError([_("The file has a header row but no values.")])
    for row in raw:
        found: dict[str, Any] = {}
        for key in row.cells:
            title, cell = row.cells[key]
            try:
                found[key] = _CHECKS[key](cell, find_site)
            except _CellError as error:
                problem = error.message
                problems.append(
                    _("Row %(row)s, column “%(column)s”: %(problem)s", row=row.number, column=title, problem=problem)
                )
        if len(found) < len(row.cells):
            continue
        name, site_id, month, value = found["indicator"], found["site"], found["month"], found["value"]
        code, unit = indicator_code(name), found.get("unit")
        if (cell := (code, site_id, month)) in seen:
            problems.append(
                _(
                    "Row %(row)s: the same indicator, site and month as row %(first)s.",
                    row=row.number,
                    first=seen[cell],
                )
            )
        seen.setdefault(cell, row.number)
        if unit is not None and units.setdefault(code, (unit, row.number))[0] != unit:
            first_unit, first_row = units[code]
            problems.append(
                _(
                    "Row %(row)s, column “%(column)s”: “%(unit)s” differs from “%(first)s” on row %(first_row)s.",
                    row=row.number,
                    column=row.cells["unit"][0],
                    unit=unit,
                    first=first_unit,
                    first_row=first_row,
                )
            )
        rows.append(IndicatorRow(row.number, code, name, site_id, month, value, unit, found.get("combine")))
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        more = [_("…and %(n)s more problems.", n=extra)] if extra > 0 else []
        raise IndicatorFileError(problems[:MAX_PROBLEMS] + more)
    return rows


def _site_finder(sites: list[Site]) -> dict[str, int | None]:
    """Sites by short name and by name, folded; None for a name that two sites share."""
    by_name: dict[str, int | None] = {}
    for site in sites:
        key = fold(site.name)
        by_name[key] = None if key in by_name else site.id
    return by_name | {fold(site.slug): site.id for site in sites}


def _text(cell: Any) -> str:
    if _blank(cell):
        raise _CellError(_("it is empty."))
    return str(cell).strip()


def _name(cell: Any, _sites: Any) -> str:
    name = " ".join(_text(cell).split())
    if len(name) > LIMITS["name"]:
        raise _CellError(_("the name is longer than %(n)s characters.", n=LIMITS["name"]))
    if not indicator_code(name):
        raise _CellError(_("the name needs at least one letter or digit."))
    return name


def _site(cell: Any, sites: dict[str, int | None]) -> int:
    text = _text(cell)
    if fold(text) not in sites:
        raise _CellError(_("“%(site)s” is not a site Voces knows: give its short name or its name.", site=text))
    site_id = sites[fold(text)]
    if site_id is None:
        raise _CellError(_("two sites are called “%(site)s”: give the short name instead.", site=text))
    return site_id


def _month(cell: Any, _sites: Any) -> date:
    if isinstance(cell, datetime | date):
        year, month = cell.year, cell.month
    else:
        text = _text(cell)
        if iso := _ISO_MONTH.match(text):
            year, month, day = int(iso[1]), int(iso[2]), int(iso[3] or 1)
        elif other := _MONTH_YEAR.match(text):
            year, month, day = int(other[2]), int(other[1]), 1
        else:
            raise _CellError(_("“%(value)s” is not a month: write it as 2026-03.", value=text[:40]))
        try:
            date(year, month, day)
        except ValueError:
            raise _CellError(_("“%(value)s” is not a month: write it as 2026-03.", value=text[:40])) from None
    if not EARLIEST <= year <= LATEST:
        raise _CellError(_("the month must be between %(first)s and %(last)s.", first=EARLIEST, last=LATEST))
    return date(year, month, 1)


def parse_number(text: str) -> float | None:
    """A number written with a decimal point or a decimal comma, thousands grouped or not; None if none."""
    text = _SPACES.sub("", text)
    if _GROUPED.match(text) and (text.count(",") > 1 or text.count(".") > 1):
        text = text.replace(",", "").replace(".", "")
    elif "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    return float(text) if _NUMBER.match(text) else None


def _value(cell: Any, _sites: Any) -> float:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value: float | None = float(cell)
    else:
        value = parse_number(_text(cell))
    if value is None or not math.isfinite(value):
        raise _CellError(_("“%(value)s” is not a number.", value=str(cell).strip()[:40]))
    return value


def _unit(cell: Any, _sites: Any) -> str | None:
    if _blank(cell):
        return None
    unit = str(cell).strip()
    if len(unit) > LIMITS["unit"]:
        raise _CellError(_("the unit is longer than %(n)s characters.", n=LIMITS["unit"]))
    return unit


def _combine(cell: Any, _sites: Any) -> Combine | None:
    if _blank(cell):
        return None
    if (combine := COMBINE_WORDS.get(fold(str(cell)))) is None:
        raise _CellError(_("write “sum” for counts or “mean” for rates and averages."))
    return combine


_CHECKS = {
    "indicator": _name,
    "site": _site,
    "month": _month,
    "value": _value,
    "unit": _unit,
    "combine": _combine,
}
