"""Choice lists kept outside the choices sheet: CSV files (select_one_from_file) and the external_choices sheet."""

# ODK loads these lists on the tablet; Voces renders its choices itself, so each list is read once,
# when the form is imported, and kept in the definition like a choices-sheet list, its other columns
# as the columns a choice_filter reads. A refusal names the file (or sheet) and its row.

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.questionnaire.messages import N_, Message
from survey.questionnaire.notices import Notice
from survey.questionnaire.rules import FILTER_COLUMN
from survey.questionnaire.xlsform.columns import split_column
from survey.questionnaire.xlsform.languages import Languages
from survey.questionnaire.xlsform.refusals import IN_FILE, XLSFormError, at_column, at_list

EXTERNAL_SHEET = "external_choices"
CHOICE_FILE_SUFFIX = ".csv"
HEADER_ROW = 1
SHEET_COLUMNS = frozenset({"list_name", "name", "value", "label"})  # any other column is for a choice_filter
FIRST_ROW = 2  # row 1 holds the column headers, in a CSV file as in a sheet
AT_FILE_ROW = N_("%(file)s, row %(row)s: %(detail)s")
NOT_SENT = N_("the choice list file %(file)s was not sent with the form; send it with the workbook")
DATA_NOT_SENT = N_(
    "the file %(file)s, which this expression reads, was not sent with the form; send it with the workbook"
)
NOT_UTF8 = N_("the file is not UTF-8 text; save it as CSV UTF-8")
NO_COLUMN = N_("there is no column %(column)s")
EMPTY_NAME = N_("the column %(column)s is empty; every choice needs a name")
TWICE = N_("the name %(name)s is already on row %(first)s")
NOT_READ = N_("%(file)s: no question reads this choice list; ignored")
UNREADABLE_COLUMN = N_("%(file)s, column %(column)s: a choice_filter cannot read this column name; ignored")
_NOT_A_LIST_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def _key(header: str) -> str:
    """A header as pyxform reads it: case and spaces aside ('List Name' is list_name)."""
    base, language = split_column(header)
    base = "_".join(base.split()).lower()
    return f"{base}::{language}" if language else base


def _sheet_key(header: str) -> str:
    """An external_choices header: the columns XLSForm names as pyxform reads them, a filter column as written."""
    key = _key(header)
    return key if key.partition("::")[0] in SHEET_COLUMNS else header.strip()


@dataclass
class ChoiceFiles:
    """The choice lists a form reads from files or from its external_choices sheet, read once each."""

    languages: Languages
    files: Mapping[str, bytes]  # the files sent with the form, by name
    beside: Path | None  # the workbook's folder, where a file not sent may lie
    sheet: Sequence[Mapping[str, Any]]  # the external_choices sheet's rows
    taken: set[str]  # list names the choices sheet uses
    allow_duplicates: bool = False
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (list, choice): its row
    sources: dict[str, str] = field(default_factory=dict)  # list: the file (or sheet) it came from
    warnings: list[str] = field(default_factory=list)
    _named: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (source, value, label): list
    _ignored: set[tuple[str, str]] = field(default_factory=set)  # (source, column) warned about
    _used: set[str] = field(default_factory=set)  # the files sent that a question reads

    def from_file(self, file_name: str, parameters: Mapping[str, Any], row: int | None) -> str:
        """The list name for select_*_from_file <file_name>, reading the file the first time."""
        value, label = str(parameters.get("value") or "name"), str(parameters.get("label") or "label")
        if (file_name, value, label) in self._named:
            return self._named[(file_name, value, label)]
        data = self._file(file_name, row)
        header, records = _csv_records(file_name, data)
        list_name = self._new_list(Path(file_name).stem, "csv")
        self._named[(file_name, value, label)] = list_name
        headers = [h.strip() for h in header]
        for column in (value, label):
            if not any(_key(h).partition("::")[0] == column.lower() for h in headers):
                raise _at_file(file_name, HEADER_ROW, Message(NO_COLUMN, {"column": column}))
        rows = [(number, dict(zip(headers, record, strict=False))) for number, record in records]
        self._read(list_name, file_name, rows, value, label)
        return list_name

    def from_sheet(self, sheet_list: str) -> str:
        """The list name for select_one_external <sheet_list>, from the external_choices sheet (pyxform checked it)."""
        if (EXTERNAL_SHEET, sheet_list, "") in self._named:
            return self._named[(EXTERNAL_SHEET, sheet_list, "")]
        rows = [
            (number, {_sheet_key(str(k)): v for k, v in r.items() if k is not None})
            for number, r in enumerate(self.sheet, start=FIRST_ROW)
        ]
        rows = [(n, r) for n, r in rows if str(r.get("list_name") or "").strip() == sheet_list]
        list_name = self._new_list(sheet_list, "external")
        self._named[(EXTERNAL_SHEET, sheet_list, "")] = list_name
        value = "name" if any("name" in r for _, r in rows) else "value"
        choices = [(n, {k: v for k, v in r.items() if k != "list_name"}) for n, r in rows]
        self._read(list_name, EXTERNAL_SHEET, choices, value, "label")
        return list_name

    def unread(self) -> list[str]:
        """Warnings for the files sent that no question reads."""
        return [Notice(NOT_READ, file=name) for name in self.files if name not in self._used]

    def data_file(self, name: str, row: int | None, column: str) -> list[dict[str, str]]:
        """The rows of name.csv, which pulldata() or instance('name') reads, each cell by its column."""
        file_name = f"{name}{CHOICE_FILE_SUFFIX}"
        data = self._file(file_name, row, column, Message(DATA_NOT_SENT, {"file": file_name}))
        header, records = _csv_records(file_name, data)
        headers = [h.strip() for h in header]
        rows = [dict(zip(headers, (cell.strip() for cell in record), strict=False)) for _, record in records]
        return [row for row in rows if any(row.values())]  # a blank line is no row

    def _file(self, file_name: str, row: int | None, column: str = "type", missing: Message | None = None) -> bytes:
        sent = [name for name in self.files if name == file_name] or [
            name for name in self.files if name.lower() == file_name.lower()
        ]
        if sent:
            self._used.add(sent[0])
            return self.files[sent[0]]
        beside = self.beside / file_name if self.beside and Path(file_name).name == file_name else None
        if beside is not None and beside.is_file():
            return beside.read_bytes()
        raise at_column("survey", row, column, missing or Message(NOT_SENT, {"file": file_name}))

    def _new_list(self, base: str, suffix: str) -> str:
        """A list name no other list uses: the file's or sheet list's own, else marked by where it came from."""
        name = _NOT_A_LIST_NAME.sub("_", base).strip("_") or "list"
        candidates = [name, f"{name}_{suffix}", *(f"{name}_{suffix}{n}" for n in range(2, 1000))]
        chosen = next(c for c in candidates if c not in self.taken and c not in self.lists)
        self.lists[chosen] = []
        return chosen

    def _read(
        self, list_name: str, source: str, rows: Sequence[tuple[int, Mapping[str, Any]]], value: str, label: str
    ) -> None:
        """Keep each row as a choice: its name, its label in the form's languages, its other columns."""
        self.sources[list_name] = source
        first: dict[str, int] = {}
        choices = self.lists[list_name]
        for number, row in rows:
            cells = {str(k).strip(): str(v).strip() for k, v in row.items() if v is not None}
            if not any(cells.values()):
                continue  # a blank line
            name = next((v for k, v in cells.items() if _key(k) == value.lower()), "")
            if not name:
                raise self._refusal(source, number, value, Message(EMPTY_NAME, {"column": value}))
            if name in first and not self.allow_duplicates:
                raise self._refusal(source, number, value, Message(TWICE, {"name": name, "first": first[name]}))
            first.setdefault(name, number)
            choice: dict[str, Any] = {"name": name, "label": self._label(cells, label)}
            for column, text in cells.items():
                base = _key(column).partition("::")[0]
                if base in (value.lower(), label.lower()) or not text:
                    continue
                if FILTER_COLUMN.fullmatch(column):
                    choice[column] = text
                elif (source, column) not in self._ignored:
                    self._ignored.add((source, column))
                    self.warnings.append(Notice(UNREADABLE_COLUMN, file=source, column=column))
            choices.append(choice)
            self.rows.setdefault((list_name, name), number)

    def _label(self, cells: Mapping[str, str], label: str) -> dict[str, str]:
        """A choice's label: a plain column is the label in every language, label::<language> in its own."""
        texts: dict[str, str] = {}
        for column, text in cells.items():
            base, language = split_column(column)
            if "_".join(base.split()).lower() != label.lower() or not text:
                continue
            if language is None:
                for code in self.languages.names:
                    texts.setdefault(code, text)
            else:
                texts.update(self.languages.texts({language: text}))
        return texts

    @staticmethod
    def _refusal(source: str, row: int, column: str, detail: Message) -> XLSFormError:
        if source == EXTERNAL_SHEET:
            return at_column(EXTERNAL_SHEET, row, column, detail)
        return _at_file(source, row, detail)

    def locate(self, list_name: str, choice: str, detail: Message | str) -> XLSFormError | None:
        """A refusal of a choice this form read from a file or sheet, naming its row; None for another list."""
        if list_name not in self.sources:
            return None
        source, row = self.sources[list_name], self.rows.get((list_name, choice), HEADER_ROW)
        if source == EXTERNAL_SHEET:
            return at_list(row, list_name, detail, sheet=EXTERNAL_SHEET)
        return _at_file(source, row, detail)


def _at_file(file_name: str, row: int, detail: Message | str) -> XLSFormError:
    return XLSFormError(Message(AT_FILE_ROW, {"file": file_name, "row": row, "detail": detail}))


def _csv_records(file_name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV file's header and its records, each with its row number; UTF-8, with or without a BOM."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise XLSFormError(Message(IN_FILE, {"file": file_name, "detail": Message(NOT_UTF8)})) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","  # as a spreadsheet in Spanish saves it
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise XLSFormError(Message(IN_FILE, {"file": file_name, "detail": str(error)})) from None
    if not records:
        return [], []  # refused for the columns it lacks
    return records[0], list(enumerate(records[1:], start=FIRST_ROW))
