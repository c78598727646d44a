"""Write a survey definition as an XLSForm workbook that imports back to the same definition."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook

from survey.questionnaire.model import Definition, Item, Question, Repeat
from survey.questionnaire.parse import DEFAULT_MAX_LENGTH
from survey.questionnaire.question_types import SITE_LIST
from survey.questionnaire.rules import CONSENT_NAME
from survey.questionnaire.xlsform.columns import (
    SETTINGS_TRANSLATED,
    SURVEY_COLUMNS,
    SURVEY_TRANSLATED,
    language_name,
)

Row = dict[str, str]
META = "meta"  # the XForm instance's own element (instanceID): no metadata row may take its name
CSV_EXTERNAL = "csv-external"  # an XLSForm row that declares a CSV file sent with the form as an instance


class NamedSite(Protocol):
    """A community a site question offers: its slug is the answer, its name the label."""

    @property
    def slug(self) -> str:
        """The answer stored for this site."""

    @property
    def display_name(self) -> str:
        """The label shown for this site."""


def _texts(row: Row, column: str, texts: Mapping[str, str]) -> None:
    for code, text in texts.items():
        if text:
            row[f"{column}::{language_name(code)}"] = text


def _question_row(q: Question) -> Row:
    row: Row = {"type": q.kind.xlsform_type(q), "name": q.name}
    _texts(row, "label", q.label)
    _texts(row, "interview_label", q.interview_label)
    _texts(row, "hint", q.hint)
    _texts(row, "required_message", q.required_message)
    _texts(row, "constraint_message", q.constraint_message)
    for column in (
        "relevant",
        "constraint",
        "choice_filter",
        "appearance",
        "default",
        "calculation",
    ):
        if value := getattr(q, column):
            row[column] = value
    for column in ("required", "read_only"):
        if getattr(q, column):
            row[column] = "yes"
    if q.required_if:
        row["required"] = q.required_if
    return row


def _survey_rows(items: Sequence[Item]) -> Iterator[Row]:
    for item in items:
        if isinstance(item, Question):
            yield _question_row(item)
            continue
        kind = "repeat" if isinstance(item, Repeat) else "group"
        row: Row = {"type": f"begin_{kind}", "name": item.name}
        if isinstance(item, Repeat) and item.count:
            row["repeat_count"] = item.count
        _texts(row, "label", item.label)
        _texts(row, "hint", item.hint)
        if item.relevant:
            row["relevant"] = item.relevant
        if item.appearance:
            row["appearance"] = item.appearance
        yield row
        yield from _survey_rows(item.items)
        yield {"type": f"end_{kind}", "name": item.name}


def _choice_rows(definition: Definition, sites: Sequence[NamedSite]) -> Iterator[Row]:
    for list_name, choices in definition.choice_lists.items():
        for choice in choices:
            row: Row = {"list_name": list_name, "name": choice.name}
            _texts(row, "label", choice.label)
            yield row | dict(choice.filters)
    if any(q.kind.binds == "site" for q in definition.questions):
        for site in sites:  # so that the form also works in Kobo or ODK; Voces reads its own sites
            row = {"list_name": SITE_LIST, "name": site.slug}
            _texts(row, "label", dict.fromkeys(definition.languages, site.display_name))
            yield row


def _settings_row(definition: Definition) -> Row:
    default = definition.default_language
    row: Row = {
        "form_title": definition.title.get(default, ""),
        "form_id": definition.form_id,
        "version": definition.version,
        "default_language": language_name(default),
    }
    if definition.allow_choice_duplicates:
        row["allow_choice_duplicates"] = "yes"
    if definition.description.get(default):
        row["description"] = definition.description[default]
    for column, texts in zip(SETTINGS_TRANSLATED, (definition.title, definition.description), strict=True):
        _texts(row, column, {code: text for code, text in texts.items() if code != default})
    testimonies = [q.name for q in definition.testimonies if "multiline" not in q.appearance.split()]
    personal = [q.name for q in definition.questions if q.personal]
    for column, names in (("testimonies", testimonies), ("personal", personal)):
        if names:
            row[column] = " ".join(names)
    return row


def _columns(rows: list[Row], order: Sequence[str], languages: Sequence[str], translated: Sequence[str]) -> list[str]:
    """The columns the rows use, in XLSForm's usual order, each language next to its column."""
    used = {key for row in rows for key in row}
    columns: list[str] = []
    for base in order:
        names = [f"{base}::{language_name(code)}" for code in languages] if base in translated else []
        columns += [name for name in [base, *names] if name in used]
    return columns + sorted(used - set(columns))


def export_warnings(definition: Definition) -> list[str]:
    """What XLSForm cannot say about this definition, and so is lost on the way."""
    warnings = []
    for q in definition.questions:
        if q.max_length != DEFAULT_MAX_LENGTH:
            warnings.append(
                f"question {q.name}: max_length is not kept; "
                f"use a constraint such as string-length(.) <= {q.max_length}"
            )
        if q.bind == "consent" and q.name != CONSENT_NAME:
            warnings.append(f"question {q.name}: the consent binding is kept only for a question named {CONSENT_NAME}")
        if q.kind.can_be_testimony and "multiline" in q.appearance.split() and not q.testimony:
            warnings.append(f"question {q.name}: a multiline text question is read back as a testimony")
    return warnings


def metadata_names(definition: Definition, kinds: Sequence[str]) -> dict[str, str]:
    """The name of each metadata row by its type (start, deviceid...): its type, unless a question or group has it."""
    taken = {META, *(q.name for q in definition.every_question), *definition.groups, *definition.repeats}
    names: dict[str, str] = {}
    for kind in kinds:
        name = kind
        while name in taken:
            name = f"_{name}"
        taken.add(name)
        names[kind] = name
    return names


def _declarable(definition: Definition, preloaded: Sequence[Row]) -> list[str]:
    """The data files a csv-external row may declare: pyxform refuses one named like a question or group."""
    taken = {META, *(q.name for q in definition.every_question), *definition.groups, *definition.repeats}
    taken |= {row["name"] for row in preloaded}
    return [name for name in definition.data_files if name not in taken]


def write_xlsform(
    definition: Definition,
    path: str | Path,
    sites: Sequence[NamedSite] = (),
    metadata: Sequence[str] | None = None,
    declare_data_files: bool = False,
) -> list[str]:
    """Write the definition as an XLSForm workbook; return what could not be kept.

    metadata is the types of the rows ODK fills in itself (start, end, deviceid...) to write first:
    by default those the form was imported with. declare_data_files writes a csv-external row for
    each data file, so that the XForm declares the instance('name') a tablet reads from it; Voces'
    own import refuses these rows, so an exported workbook never has them.
    """
    languages = definition.languages
    kinds = definition.metadata if metadata is None else metadata
    preloaded = [{"type": kind, "name": name} for kind, name in metadata_names(definition, kinds).items()]
    if declare_data_files:
        preloaded += [{"type": CSV_EXTERNAL, "name": name} for name in _declarable(definition, preloaded)]
    sheets = {
        "survey": (preloaded + list(_survey_rows(definition.items)), SURVEY_COLUMNS, SURVEY_TRANSLATED),
        "choices": (
            list(_choice_rows(definition, sites)),
            ("list_name", "name", "label"),
            ("label",),
        ),
        "settings": (
            [_settings_row(definition)],
            ("form_title", "form_id", "version", "default_language"),
            SETTINGS_TRANSLATED,
        ),
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (rows, order, translated) in sheets.items():
        if not rows:
            continue
        sheet = workbook.create_sheet(title)
        columns = _columns(rows, order, languages, translated)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a spreadsheet formula
    workbook.save(path)
    return export_warnings(definition)


def data_file_bytes(rows: Sequence[Mapping[str, str]]) -> bytes:
    """A data file's rows as the CSV file sent with the form: a header of every column, UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(dict.fromkeys(column for row in rows for column in row)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_data_files(definition: Definition, folder: str | Path) -> list[Path]:
    """Write into folder each CSV file the form's pulldata() and instance() read, for the workbook to import back."""
    written = []
    for name, rows in definition.data_files.items():
        target = Path(folder) / f"{name}.csv"
        target.write_bytes(data_file_bytes(rows))
        written.append(target)
    return written
