"""The XLSForm columns and types Voces writes, the sheets it refuses, and how languages are named."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from survey.questionnaire.messages import N_
from survey.questionnaire.parse import QUESTION_COLUMNS
from survey.questionnaire.question_types import QUESTION_TYPES

SURVEY_COLUMNS = (*QUESTION_COLUMNS, "repeat_count")  # the survey sheet's columns carry the model's own names
SURVEY_TRANSLATED = ("label", "interview_label", "hint", "required_message", "constraint_message")
# pyxform builds an XForm from form_title alone and fails on form_title::<language>, so the title's
# other languages go in a column of their own, which pyxform passes over and Voces reads back.
TRANSLATED_TITLE = "translated_title"
SETTINGS_TRANSLATED = (TRANSLATED_TITLE, "description")
# Sheets Voces reads no further than to say so: it stores answers and keeps no entity lists, and an
# osm question asks for the .osm file itself rather than a map feature's tags in another app.
IGNORED_SHEETS = {
    "entities": N_(
        "entities sheet: Voces keeps no entity lists; the sheet and the save_to column are ignored, and the answers"
        " are stored"
    ),
    "osm": N_("osm sheet: Voces asks an osm question for the .osm file; the tags listed here are not asked"),
}
YES = frozenset({"yes", "true", "true()"})
NO = frozenset({"no", "false", "false()", ""})
# Each spelling of a question type in a type column or in pyxform's JSON, and the type it means.
XLSFORM_TYPES = {spelling: kind.name for kind in QUESTION_TYPES.values() for spelling in kind.xlsform_names}
SIMPLE_TYPES = frozenset(s for s, name in XLSFORM_TYPES.items() if not QUESTION_TYPES[name].has_choice_list)
SELECT_TYPES = {s: name for s, name in XLSFORM_TYPES.items() if QUESTION_TYPES[name].has_choice_list}
GROUP_ROWS = {
    "begin_group": "begin",
    "begin group": "begin",
    "end_group": "end",
    "end group": "end",
}

_CODE_IN_NAME = re.compile(r".*\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\s*\)\s*")
_BARE_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def language_code(name: str) -> str | None:
    """The code in a language suffix: 'Spanish (es)' or 'es' give 'es'; 'Spanish' gives None."""
    name = name.strip()
    match = _CODE_IN_NAME.fullmatch(name) or _BARE_CODE.fullmatch(name)
    if match is None:
        return None
    return (match.group(1) if match.re is _CODE_IN_NAME else match.group(0)).lower()


def language_name(code: str) -> str:
    """How an XLSForm names a language: 'Spanish (es)'."""
    try:
        english = Locale.parse(code.replace("-", "_")).english_name
    except (UnknownLocaleError, ValueError):
        english = None
    return f"{english} ({code})" if english else code


def split_column(header: str) -> tuple[str, str | None]:
    """A header as base column and language: 'label::Spanish (es)' -> ('label', 'Spanish (es)')."""
    base, separator, language = header.partition("::")
    return base.strip(), (language.strip() if separator else None)


def classify_type(value: str) -> tuple[str, str]:
    """A row's type as (kind, list): ('select_one', 'yes_no'), ('begin', ''), ('text', '')."""
    words = " ".join(value.split())
    if words in GROUP_ROWS:
        return GROUP_ROWS[words], ""
    if words in SIMPLE_TYPES:
        return words, ""
    for prefix, kind in SELECT_TYPES.items():
        rest = words[len(prefix) :].split() if words.startswith(prefix + " ") else []
        if len(rest) == 1:
            return kind, rest[0]
    return "", ""
