"""Turn pyxform's JSON for an XLSForm into a Voces definition dict (the format YAML files use)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey.questionnaire.question_types import QUESTION_TYPES, SITE_LIST, SiteType
from survey.questionnaire.rules import CONSENT_NAME, DefinitionError
from survey.questionnaire.xlsform.columns import (
    CHOICES_MEDIA,
    METADATA_TYPES,
    NO,
    SETTINGS_TRANSLATED,
    XLSFORM_TYPES,
    YES,
    language_code,
    split_column,
)

TESTIMONY_TYPES = tuple(kind.name for kind in QUESTION_TYPES.values() if kind.can_be_testimony)
COPIED_BINDS = {"relevant": "relevant", "constraint": "constraint", "calculate": "calculation"}
TEXT_BINDS = {"jr:requiredMsg": "required_message", "jr:constraintMsg": "constraint_message"}
FLAG_BINDS = {"required": "required", "readonly": "read_only"}


@dataclass(frozen=True)
class Languages:
    """The default language, each language's column name, and pyxform's key for plain columns."""

    default: str
    names: dict[str, str]
    pyxform_default: str

    def code(self, name: str) -> str:
        """The code for a language as pyxform keys it."""
        if name == self.pyxform_default:
            return self.default
        return language_code(name) or self.default

    def texts(self, value: Any) -> dict[str, str]:
        """A pyxform text (a string, or a mapping by language name) as our mapping by code."""
        if not value:
            return {}
        if isinstance(value, str):
            return {self.default: value}
        return {self.code(str(k)): str(v) for k, v in value.items() if v}


def _flag(value: Any, name: str, column: str) -> bool:
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise DefinitionError(f"{column} must be yes or no; an expression is not supported", question=name, column=column)


def _element(
    element: Mapping[str, Any], languages: Languages, testimonies: set[str], personal: set[str]
) -> dict[str, Any]:
    name = str(element["name"])
    bind = element.get("bind") or {}
    out: dict[str, Any] = {"name": name}
    kind = element.get("type")
    if kind == "group":
        out["type"] = "group"
    elif kind in XLSFORM_TYPES:
        out["type"] = XLSFORM_TYPES[kind]
    else:
        raise DefinitionError(f"Voces does not support the type {kind!r}", question=name, column="type")
    for key in ("label", "hint"):
        if texts := languages.texts(element.get(key)):
            out[key] = texts
    for key, ours in FLAG_BINDS.items():
        if key in bind and _flag(bind[key], name, ours):
            out[ours] = True
    for key, ours in TEXT_BINDS.items():
        if texts := languages.texts(bind.get(key)):
            out[ours] = texts
    for key, ours in COPIED_BINDS.items():
        if bind.get(key):
            out[ours] = str(bind[key])
    for key in ("choice_filter", "default"):
        if element.get(key):
            out[key] = str(element[key])
    if appearance := (element.get("control") or {}).get("appearance"):
        out["appearance"] = str(appearance)
    if kind == "group":
        out["questions"] = _items(element.get("children") or [], languages, testimonies, personal)
        return out
    question_type = QUESTION_TYPES[out["type"]]
    if question_type.has_choice_list:
        list_name = str(element.get("list_name") or element.get("itemset") or "")
        if question_type.reads_site_list and list_name == SITE_LIST:
            out["type"] = SiteType.name
        else:
            out["choices"] = list_name
            if question_type.can_bind_consent and name == CONSENT_NAME:
                out["bind"] = "consent"
    multiline = "multiline" in str(out.get("appearance", "")).split()
    if question_type.can_be_testimony and (multiline or name in testimonies):
        out["testimony"] = True
    if name in personal:
        out["personal"] = True
    return out


def _items(
    children: list[Mapping[str, Any]],
    languages: Languages,
    testimonies: set[str],
    personal: set[str],
) -> list[dict[str, Any]]:
    return [
        _element(child, languages, testimonies, personal)
        for child in children
        if child.get("type") not in METADATA_TYPES
        and not (child.get("type") == "group" and (child.get("control") or {}).get("bodyless"))
    ]  # a bodyless group is pyxform's own meta (instanceID)


def _choice(raw: Mapping[str, Any], languages: Languages) -> dict[str, Any]:
    choice: dict[str, Any] = {"name": str(raw["name"]), "label": languages.texts(raw.get("label"))}
    for key, value in raw.items():
        if key not in ("name", "label") and not str(key).startswith("$") and key not in CHOICES_MEDIA and value:
            choice[str(key)] = str(value)
    return choice


def _settings_texts(settings: Mapping[str, str], base: str, languages: Languages) -> dict[str, str]:
    texts = {}
    for header, value in settings.items():
        column, language = split_column(header)
        if column == base and value:
            texts[languages.code(language) if language else languages.default] = str(value)
    return texts


def _named(settings: Mapping[str, str], column: str, names: dict[str, str], wanted: tuple[str, ...]) -> set[str]:
    """The question names a settings column lists, each checked to be of a wanted type."""
    listed = set(str(settings.get(column) or "").split())
    for name in sorted(listed):
        if names.get(name) not in wanted:
            raise DefinitionError(f"column {column}: {name!r} is not a {' or '.join(wanted)} question")
    return listed


def _types(children: list[Mapping[str, Any]]) -> dict[str, str]:
    found = {}
    for child in children:
        found[str(child.get("name"))] = XLSFORM_TYPES.get(str(child.get("type")), str(child.get("type")))
        found.update(_types(child.get("children") or []))
    return found


def convert_form(form: Mapping[str, Any], settings: Mapping[str, str], languages: Languages) -> dict[str, Any]:
    """Our definition dict for pyxform's JSON of a form and the first row of its settings sheet."""
    children = form.get("children") or []
    types = _types(children)
    testimonies = _named(settings, "testimonies", types, TESTIMONY_TYPES)
    personal = _named(settings, "personal", types, tuple(dict.fromkeys(XLSFORM_TYPES.values())))
    data: dict[str, Any] = {
        "form_id": str(settings.get("form_id") or ""),
        "version": str(settings.get("version") or ""),
        "default_language": languages.default,
        "title": _settings_texts(settings, "form_title", languages)
        or {languages.default: str(settings.get("form_id"))},
    }
    for base in SETTINGS_TRANSLATED[1:]:
        if texts := _settings_texts(settings, base, languages):
            data[base] = texts
    data["questions"] = _items(children, languages, testimonies, personal)
    data["choices"] = {
        str(list_name): [_choice(c, languages) for c in choices]
        for list_name, choices in (form.get("choices") or {}).items()
        if list_name != SITE_LIST
    }
    return data
