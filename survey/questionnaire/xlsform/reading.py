"""Read an XLSForm workbook (as Kobo and ODK users write them) into a Voces definition dict."""

# pyxform reads the workbook and checks its structure (names, groups, choice lists) and turns it
# into its JSON; xlsform.converting turns that into our definition, which parse_definition checks
# as it checks YAML. Errors name the sheet, row and column; nothing is stored until all is well.

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from survey.questionnaire.notices import N_, Notice
from survey.questionnaire.parse import parse_definition
from survey.questionnaire.question_types import QUESTION_TYPES, SITE_LIST
from survey.questionnaire.rules import DefinitionError
from survey.questionnaire.xlsform.columns import (
    CHOICES_MEDIA,
    CHOICES_TRANSLATED,
    SETTINGS_COLUMNS,
    SETTINGS_TRANSLATED,
    SURVEY_COLUMNS,
    SURVEY_TRANSLATED,
    UNSUPPORTED_SHEETS,
    classify_type,
    language_code,
    split_column,
)
from survey.questionnaire.xlsform.converting import Languages, convert_form

XLSFORM_SUFFIXES = (".xlsx", ".xlsm", ".xls")
FIRST_ROW = 2  # row 1 holds the column headers


class XLSFormError(ValueError):
    """An XLSForm that Voces cannot import, naming the sheet, row and column at fault."""


@dataclass(frozen=True)
class XLSFormResult:
    """A definition read from an XLSForm, with warnings (missing translations, skipped rows)."""

    definition: dict[str, Any]
    warnings: list[Notice]


def _rows(workbook: DefinitionData, sheet: str) -> Sequence[dict[str, str]]:
    return getattr(workbook, sheet) or ()


def _headers(workbook: DefinitionData, sheet: str) -> list[str]:
    header = getattr(workbook, f"{sheet}_header") or [{}]
    named = [str(h) for h in header[0] if h is not None]
    return [h for h in named if not h.startswith("$")]  # $kuid, $autoname: Kobo's bookkeeping


def _first_row_with(rows: Sequence[Mapping[str, str]], column: str) -> int | None:
    return next((FIRST_ROW + i for i, row in enumerate(rows) if row.get(column)), None)


def _check_columns(workbook: DefinitionData, sheet: str, allowed: Sequence[str], translated: Sequence[str]) -> None:
    """Refuse a column Voces does not read, once some row fills it in."""
    rows = _rows(workbook, sheet)
    for header in _headers(workbook, sheet):
        base, language = split_column(header)
        if sheet == "choices":
            ok = base not in CHOICES_MEDIA and (language is None or base in translated)
        else:
            ok = base in allowed and (language is None or base in translated)
        row = _first_row_with(rows, header)
        if not ok and row is not None:
            raise XLSFormError(f"{sheet} sheet, row {row}, column {header}: Voces does not support this column")
        if ok and language is not None and language_code(language) is None:
            raise XLSFormError(
                f"{sheet} sheet, row 1, column {header}: write the language with its code, "
                f"for example {base}::Spanish (es)"
            )


def _check_types(workbook: DefinitionData) -> list[Notice]:
    """Refuse a type Voces does not support; say which metadata rows are skipped."""
    skipped: list[Notice] = []
    for number, row in enumerate(_rows(workbook, "survey"), start=FIRST_ROW):
        value = row.get("type", "")
        kind = classify_type(value)[0] if value else None
        if kind == "":
            raise XLSFormError(f"survey sheet, row {number}, column type: Voces does not support the type {value!r}")
        if kind == "metadata":
            skipped.append(
                Notice(
                    N_("survey sheet, row %(row)s: Voces records %(type)s itself; row skipped"), row=number, type=value
                )
            )
    return skipped


def _languages(workbook: DefinitionData) -> Languages:
    """The form's languages: codes by the names its columns use, and the default."""
    settings = (_rows(workbook, "settings") or [{}])[0]
    default_name = settings.get("default_language", "")
    default = language_code(default_name) if default_name else None
    if default_name and default is None:
        raise XLSFormError(
            f"settings sheet, row {FIRST_ROW}, column default_language: "
            "write the language with its code, for example English (en)"
        )
    names: dict[str, str] = {}
    plain = False  # a column without a language is in the default language
    for sheet, translated in (("survey", SURVEY_TRANSLATED), ("choices", CHOICES_TRANSLATED)):
        for header in _headers(workbook, sheet):
            base, language = split_column(header)
            if language and (code := language_code(language)):
                names.setdefault(code, language)
            plain = plain or (base in translated and language is None)
    code = default or ("en" if plain else next(iter(names), "en"))
    if plain and code in names and default is None:
        # A plain "label" and a "label::English (en)" would both be English: one would be lost.
        raise XLSFormError(
            f"settings sheet, column default_language: the form has columns without a language and "
            f"columns in {names[code]}; say which language the plain columns are in, e.g. Spanish (es)"
        )
    names.setdefault(code, default_name or code)
    return Languages(default=code, names=names, pyxform_default=default_name or "default")


def _translations(
    workbook: DefinitionData, sheet: str, columns: Sequence[str]
) -> Iterator[tuple[int, str, set[str | None]]]:
    """For each row and translated column, the languages in which it has text."""
    headers = _headers(workbook, sheet)
    for number, row in enumerate(_rows(workbook, sheet), start=FIRST_ROW):
        for base in columns:
            found: set[str | None] = set()
            for header in headers:
                column, language = split_column(header)
                if column == base and row.get(header):
                    found.add(language_code(language) if language else None)
            if found:
                yield number, base, found


def _missing_translations(workbook: DefinitionData, languages: Languages) -> list[Notice]:
    warnings: list[Notice] = []
    for sheet, columns in (
        ("settings", SETTINGS_TRANSLATED),
        ("survey", SURVEY_TRANSLATED),
        ("choices", CHOICES_TRANSLATED),
    ):
        for number, base, found in _translations(workbook, sheet, columns):
            present = {languages.default if code is None else code for code in found}
            for code, name in languages.names.items():
                if code not in present:
                    warnings.append(
                        Notice(
                            N_("%(sheet)s sheet, row %(row)s: %(column)s has no %(language)s translation"),
                            sheet=sheet,
                            row=number,
                            column=base,
                            language=name,
                        )
                    )
    return warnings


def _reads_sites(row_type: tuple[str, str]) -> bool:
    """Say whether a row's (kind, list) asks for a site: a select_one over the sites list."""
    kind, list_name = row_type
    return kind in QUESTION_TYPES and QUESTION_TYPES[kind].reads_site_list and list_name == SITE_LIST


def _with_site_list(workbook: DefinitionData) -> None:
    """Let the site question's list be left out: sites are kept in Voces, not in the form."""
    uses_sites = any(_reads_sites(classify_type(r.get("type", ""))) for r in _rows(workbook, "survey"))
    if not uses_sites or any(r.get("list_name") == SITE_LIST for r in _rows(workbook, "choices")):
        return
    headers = _headers(workbook, "choices")
    label = next((h for h in headers if split_column(h)[0] == "label"), "label")
    workbook.choices = [
        *_rows(workbook, "choices"),
        {"list_name": SITE_LIST, "name": "site", label: "-"},
    ]
    if not headers:
        workbook.choices_header = [{"list_name": None, "name": None, "label": None}]


def _locate(error: DefinitionError, workbook: DefinitionData) -> str:
    """An error from the definition's checks, told by sheet, row and column."""
    column = {"choices": "type", "bind": "name", "testimony": "appearance"}.get(error.column or "", error.column)
    if error.choice_list is not None:
        rows = _rows(workbook, "choices")
        row = next(
            (
                FIRST_ROW + i
                for i, r in enumerate(rows)
                if r.get("list_name") == error.choice_list and r.get("name") == error.choice
            ),
            None,
        )
        return f"choices sheet, row {row}, list {error.choice_list}: {error.detail}"
    if error.question is not None:
        rows = _rows(workbook, "survey")
        row = next((FIRST_ROW + i for i, r in enumerate(rows) if r.get("name") == error.question), None)
        return f"survey sheet, row {row}, column {column or 'name'}: {error.detail}"
    return f"settings sheet: {error.detail}"


def read_xlsform(path: str | Path) -> XLSFormResult:
    """Read and check an XLSForm; refuse it whole, naming sheet, row and column, if need be."""
    try:
        workbook = get_xlsform(str(path))
    except PyXFormError as error:
        raise XLSFormError(f"{Path(path).name}: {error}") from None
    if not _rows(workbook, "survey"):
        raise XLSFormError("the workbook has no survey sheet")
    for sheet in UNSUPPORTED_SHEETS:
        if _rows(workbook, sheet):
            raise XLSFormError(f"{sheet} sheet: Voces does not support this sheet")
    _check_columns(workbook, "survey", SURVEY_COLUMNS, SURVEY_TRANSLATED)
    _check_columns(workbook, "choices", (), CHOICES_TRANSLATED)
    _check_columns(workbook, "settings", SETTINGS_COLUMNS, SETTINGS_TRANSLATED)
    skipped = _check_types(workbook)
    languages = _languages(workbook)
    warnings = skipped + _missing_translations(workbook, languages)
    settings = dict((_rows(workbook, "settings") or [{}])[0])
    _with_site_list(workbook)
    try:
        form = workbook_to_json(workbook, warnings=[])
        settings.setdefault("form_id", Path(path).stem)  # as pyxform names a form without one
        data = convert_form(form, settings, languages)
        parse_definition(data)
    except PyXFormError as error:
        raise XLSFormError(f"XLSForm: {error}") from None
    except DefinitionError as error:
        raise XLSFormError(_locate(error, workbook)) from None
    return XLSFormResult(data, warnings)
