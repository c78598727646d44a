"""Read an XLSForm workbook (as Kobo and ODK users write them) into a Voces definition dict."""

# pyxform reads the workbook as ODK does (aliases, upper-case headers, languages with or without a
# code, or_other, defaults) and checks its structure; xlsform.converting turns its JSON into our
# definition, which parse_definition checks as it checks YAML. Errors name the sheet, row and
# column; nothing is stored until all is well.

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from survey.questionnaire.messages import N_, Message
from survey.questionnaire.model import START_GEOPOINT
from survey.questionnaire.notices import Notice
from survey.questionnaire.parse import PRELOADED, parse_definition
from survey.questionnaire.question_types import QUESTION_TYPES, SITE_LIST
from survey.questionnaire.rules import DefinitionError
from survey.questionnaire.xlsform.columns import (
    IGNORED_SHEETS,
    TRANSLATED_TITLE,
    YES,
    classify_type,
    split_column,
)
from survey.questionnaire.xlsform.converting import (
    ROW_KEY,
    Conversion,
    choice,
    fill_filter_columns,
    mark_named,
    rename_references,
)
from survey.questionnaire.xlsform.data_files import attach_data_files
from survey.questionnaire.xlsform.external import EXTERNAL_SHEET, ChoiceFiles
from survey.questionnaire.xlsform.languages import (
    PYXFORM_DEFAULT,
    Languages,
    UnknownLanguageError,
    form_languages,
    text_keys,
)
from survey.questionnaire.xlsform.refusals import (
    IN_FILE,
    NO_SURVEY,
    PYXFORM,
    UNKNOWN_LANGUAGE,
    XLSFormError,
    at_column,
    at_list,
    detail_of,
    in_sheet,
)

XLSFORM_SUFFIXES = (".xlsx", ".xlsm", ".xls")
FIRST_ROW = 2  # row 1 holds the column headers
SETTINGS_ROW = FIRST_ROW
NO_TRANSLATION = N_("%(sheet)s sheet, row %(row)s: %(column)s has no %(language)s translation")
NAME_HEADERS = frozenset({"name", "value"})  # how pyxform lets a survey or choices sheet name a row
# pyxform's own keys for the form, and the settings Voces reads; any other setting is ignored.
READ_SETTINGS = frozenset(
    {"type", "name", "title", "id_string", "sms_keyword", "default_language", "version", "children", "choices"}
    | {"description", "testimonies", "personal", "allow_choice_duplicates", TRANSLATED_TITLE}
)
TRANSLATED_BINDS = {"jr:requiredMsg": "required_message", "jr:constraintMsg": "constraint_message"}
_NOT_A_FORM_ID = re.compile(r"[^A-Za-z0-9_-]+")
_ROW_TAG = re.compile(rf"(, )?'{ROW_KEY}': '[0-9]+'(, )?")  # pyxform may quote a row, with our tag


@dataclass(frozen=True)
class XLSFormResult:
    """A definition read from an XLSForm, with warnings (missing translations, skipped rows)."""

    definition: dict[str, Any]
    warnings: list[str]


def _rows(workbook: DefinitionData, sheet: str) -> Sequence[dict[str, str]]:
    return getattr(workbook, sheet) or ()


def _headers(workbook: DefinitionData, sheet: str) -> list[str]:
    header = getattr(workbook, f"{sheet}_header") or [{}]
    return [str(h) for h in header[0] if h is not None]


def _number_rows(workbook: DefinitionData, sheet: str) -> None:
    """Tag each named row with its number: pyxform keeps a column it does not know in its JSON."""
    rows = _rows(workbook, sheet)
    if not rows:
        return
    names = [h for h in _headers(workbook, sheet) if "_".join(h.split()).lower() in NAME_HEADERS]
    setattr(
        workbook,
        sheet,
        [
            {**row, ROW_KEY: str(number)} if any(row.get(h) for h in names) else row
            for number, row in enumerate(rows, start=FIRST_ROW)
        ],
    )
    header = getattr(workbook, f"{sheet}_header") or [{}]
    setattr(workbook, f"{sheet}_header", [{**header[0], ROW_KEY: None}])


def _reads_sites(row_type: tuple[str, str]) -> bool:
    """Say whether a row's (kind, list) asks for a site: a select_one over the sites list."""
    kind, list_name = row_type
    return kind in QUESTION_TYPES and QUESTION_TYPES[kind].reads_site_list and list_name == SITE_LIST


SAVE_TO = "save_to"  # the survey column naming the entity property an answer is saved to


def _without_ignored_sheets(workbook: DefinitionData) -> list[Notice]:
    """Set aside the sheets Voces does not read, before pyxform reads them; a warning for each one set aside."""
    said = []
    for sheet, warning in IGNORED_SHEETS.items():
        if _rows(workbook, sheet):
            setattr(workbook, sheet, None)
            setattr(workbook, f"{sheet}_header", None)
            workbook.sheet_names = [name for name in workbook.sheet_names or () if name.lower() != sheet]
            said.append(Notice(warning))
    if any(notice.template == IGNORED_SHEETS["entities"] for notice in said):  # save_to saves to no entity now
        workbook.survey = [_without_save_to(row) for row in _rows(workbook, "survey")]
        workbook.survey_header = [_without_save_to(row) for row in workbook.survey_header or ()]
    return said


def _without_save_to(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if str(key).strip().lower() != SAVE_TO}


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


def _elements(children: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for child in children:
        yield child
        yield from _elements(child.get("children") or [])


def _element_texts(element: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each translatable text of a survey element, by our column name."""
    yield "label", element.get("label")
    yield "hint", element.get("hint")
    for key, column in TRANSLATED_BINDS.items():
        yield column, (element.get("bind") or {}).get(key)


def _survey_texts(form: Mapping[str, Any]) -> Iterator[Any]:
    """Every text of the survey and choices sheets (the settings sheet keys its own by pyxform's default)."""
    for element in _elements(form.get("children") or []):
        yield from (value for _, value in _element_texts(element))
    for choices in (form.get("choices") or {}).values():
        yield from (c.get("label") for c in choices)


def _languages(form: Mapping[str, Any]) -> Languages:
    """The form's languages, from the names pyxform keys its texts by."""
    named = str(form.get("default_language") or PYXFORM_DEFAULT)
    settings_default = None if named == PYXFORM_DEFAULT else named
    keys: list[str] = []
    plain = False  # some text is in a column without a language
    for value in _survey_texts(form):
        found = list(text_keys(value))
        plain = plain or (isinstance(value, str) and bool(value))
        plain = plain or any(k in (PYXFORM_DEFAULT, settings_default) for k in found)
        keys.extend(found)
    for key in ("title", "description"):
        keys.extend(text_keys(form.get(key)))
    return form_languages(settings_default, keys, plain)


def _with_translated_title(form: dict[str, Any]) -> dict[str, Any]:
    """The form with its title in every language: form_title, and translated_title::<language>."""
    translated = form.pop(TRANSLATED_TITLE, None)
    if not isinstance(translated, Mapping):
        return form
    title = form.get("title")
    plain = {str(form.get("default_language") or PYXFORM_DEFAULT): title} if isinstance(title, str) and title else {}
    form["title"] = {**(title if isinstance(title, Mapping) else plain), **translated}
    return form


def _untagged(text: str) -> str:
    """pyxform's words about a row without the row number Voces tagged it with."""
    return _ROW_TAG.sub(lambda m: ", " if m.group(1) and m.group(2) else "", text)


def _form_id_from(path: Path) -> str:
    """A form id from a file's name, as pyxform names a form without one."""
    return _NOT_A_FORM_ID.sub("_", path.stem).strip("_")[:100] or "survey"


def _settings_warnings(form: Mapping[str, Any]) -> list[Notice]:
    return [
        Notice(
            N_("settings sheet, row %(row)s, column %(column)s: Voces does not use this setting; ignored"),
            row=SETTINGS_ROW,
            column=key,
        )
        for key in form
        if key not in READ_SETTINGS
    ]


def _convert(form: Mapping[str, Any], conversion: Conversion) -> dict[str, Any]:
    """Our definition dict for pyxform's JSON of a form."""
    languages = conversion.languages
    form_id = str(form.get("id_string") or "")
    if _NOT_A_FORM_ID.search(form_id) and (address := _NOT_A_FORM_ID.sub("_", form_id).strip("_")[:100]):
        becomes = N_("settings sheet: form_id '%(form_id)s' has characters an address cannot hold; it becomes %(slug)s")
        conversion.warnings.append(Notice(becomes, form_id=form_id, slug=address))
        form_id = address
    data: dict[str, Any] = {
        "form_id": form_id,
        "default_language": languages.default,
        "title": languages.texts(form.get("title"), column="form_title"),
    }
    if form.get("version"):
        data["version"] = str(form["version"])
    if description := languages.texts(form.get("description"), column="description"):
        data["description"] = description
    if str(form.get("allow_choice_duplicates") or "").strip().lower() in YES:
        data["allow_choice_duplicates"] = True
    data["questions"] = conversion.items(form.get("children") or [])
    if metadata := _preloaded(form):
        data["metadata"] = metadata
    rename_references(data["questions"], conversion.undotted)
    mark_named(data["questions"], form)
    data["choices"] = {
        str(list_name): [choice(c, languages) for c in choices]
        for list_name, choices in (form.get("choices") or {}).items()
        if list_name != SITE_LIST
    }
    if conversion.files is not None:
        data["choices"].update(conversion.files.lists)
    fill_filter_columns(data, conversion)
    if conversion.files is not None:
        attach_data_files(data, conversion.files, conversion.rows)
    return data


def _preloaded(form: Mapping[str, Any]) -> list[str]:
    """The metadata rows (deviceid, username, by any of their spellings; start-geopoint) the form's XForm fills in
    again."""
    found = set()
    for element in _elements(form.get("children") or []):
        if element.get("type") == START_GEOPOINT:
            found.add(START_GEOPOINT)
        bind = (QUESTION_TYPE_DICT.get(str(element.get("type") or "")) or {}).get("bind") or {}
        if bind.get("jr:preload") == "property":
            found.add(str(bind.get("jr:preloadParams")))
    return [name for name in PRELOADED if name in found]


def _missing_translations(form: Mapping[str, Any], languages: Languages) -> Iterator[str]:
    """One warning for each text that lacks one of the form's languages, by sheet and row."""

    def missing(value: Any) -> Iterator[str]:
        if not value:
            return
        present = {languages.code(k) for k in text_keys(value)} if isinstance(value, Mapping) else {languages.default}
        yield from (name for code, name in languages.names.items() if code not in present)

    for column, key in (("form_title", "title"), ("description", "description")):
        if isinstance(form.get(key), Mapping):
            for name in missing(form[key]):
                yield Notice(NO_TRANSLATION, sheet="settings", row=SETTINGS_ROW, column=column, language=name)
    for element in _elements(form.get("children") or []):
        if ROW_KEY in element:
            for column, value in _element_texts(element):
                for name in missing(value):
                    yield Notice(NO_TRANSLATION, sheet="survey", row=element[ROW_KEY], column=column, language=name)
    rows = sorted(
        (int(c[ROW_KEY]), c.get("label"))
        for list_name, choices in (form.get("choices") or {}).items()
        if list_name != SITE_LIST  # sites are named in Voces, in every language
        for c in choices
        if ROW_KEY in c
    )
    for row, label in rows:
        for name in missing(label):
            yield Notice(NO_TRANSLATION, sheet="choices", row=row, column="label", language=name)


def _choice_rows(form: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    return {
        (str(list_name), str(c.get("name"))): int(c[ROW_KEY])
        for list_name, choices in (form.get("choices") or {}).items()
        for c in choices
        if ROW_KEY in c
    }


def _header(workbook: DefinitionData, sheet: str, column: str) -> str:
    """The header as the sheet writes it for one of pyxform's keys ('media' may be 'media::image')."""
    headers = _headers(workbook, sheet)
    if column in headers:
        return column
    return next((h for h in headers if re.split(r"::?", h, maxsplit=1)[0].strip().lower() == column), column)


def _locate(
    error: DefinitionError, workbook: DefinitionData, form: Mapping[str, Any], conversion: Conversion | None
) -> XLSFormError:
    """An error from the definition's checks, told by sheet, row and column."""
    column = {"choices": "type", "bind": "name", "testimony": "appearance"}.get(error.column or "", error.column)
    column = _header(workbook, "survey", column) if column else column
    files = conversion.files if conversion is not None else None
    located = files.locate(error.choice_list, error.choice or "", error.detail) if files and error.choice_list else None
    if located is not None:
        return located
    if error.choice_list is not None:
        return at_list(_choice_rows(form).get((error.choice_list, error.choice or "")), error.choice_list, error.detail)
    if error.question is not None and conversion is not None:
        return at_column("survey", conversion.rows.get(error.question), column or "name", detail_of(error))
    if column:
        return at_column("settings", SETTINGS_ROW, column, detail_of(error))
    return in_sheet("settings", detail_of(error))


def _unknown_language(workbook: DefinitionData, name: str) -> XLSFormError:
    """Where a language Voces cannot name stands: the first header that names it."""
    for sheet in ("survey", "choices", "settings"):
        for header in _headers(workbook, sheet):
            if re.split(r"::?", header, maxsplit=1)[-1].strip() == name and header != name:
                base = re.split(r"::?", header, maxsplit=1)[0]
                detail = Message(UNKNOWN_LANGUAGE, {"name": name, "example": f"{base}::{name} (xx)"})
                return at_column(sheet, 1, header, detail)
    return XLSFormError(Message(UNKNOWN_LANGUAGE, {"name": name, "example": f"label::{name} (xx)"}))


def read_xlsform(path: str | Path, choice_files: Mapping[str, bytes] | None = None) -> XLSFormResult:
    """Read and check an XLSForm, with the CSV choice lists sent with it; refuse it whole, naming where, if need be.

    A choice list file not sent is looked for beside the workbook.
    """
    try:
        with warnings.catch_warnings():  # a workbook's missing styles or odd properties are openpyxl's concern
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            workbook = get_xlsform(str(path))
    except PyXFormError as error:
        raise XLSFormError(Message(IN_FILE, {"file": Path(path).name, "detail": str(error)})) from None
    if not _rows(workbook, "survey"):
        raise XLSFormError(Message(NO_SURVEY))
    ignored = _without_ignored_sheets(workbook)
    external_sheet = list(_rows(workbook, EXTERNAL_SHEET))
    _with_site_list(workbook)
    _number_rows(workbook, "survey")
    _number_rows(workbook, "choices")
    said: list[str] = []  # pyxform's own warnings
    try:
        form = workbook_to_json(workbook, fallback_form_name=_form_id_from(Path(path)), warnings=said)
        form = _with_translated_title(form)
    except PyXFormError as error:
        raise XLSFormError(Message(PYXFORM, {"detail": _untagged(str(error))})) from None
    conversion = None
    try:
        languages = _languages(form)
        files = ChoiceFiles(
            languages,
            files=choice_files or {},
            beside=Path(path).parent,
            sheet=external_sheet,
            taken={str(name) for name in form.get("choices") or {}},
            allow_duplicates=str(form.get("allow_choice_duplicates") or "").strip().lower() in YES,
        )
        conversion = Conversion(languages, files=files)
        data = _convert(form, conversion)
        parse_definition(data)
    except UnknownLanguageError as error:
        raise _unknown_language(workbook, error.name) from None
    except DefinitionError as error:
        raise _locate(error, workbook, form, conversion) from None
    said = [_untagged(text) for text in said] + ignored + _settings_warnings(form) + conversion.warnings
    said += files.warnings + files.unread()
    said += _missing_translations(form, conversion.languages)
    return XLSFormResult(data, said)
