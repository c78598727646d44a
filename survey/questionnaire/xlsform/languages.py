"""The languages of an XLSForm as pyxform groups them, and the codes Voces keys texts by."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale

from survey.questionnaire.rules import DefinitionError
from survey.questionnaire.xlsform.columns import language_code

PYXFORM_DEFAULT = "default"  # pyxform's key for texts in a column without a language
FALLBACK_LANGUAGE = "en"  # the language of plain columns when the settings do not name one


@cache
def _codes_by_english_name() -> dict[str, str]:
    """Each language's English name, in lower case, and its code: 'swahili' -> 'sw'."""
    return {name.lower(): code for code, name in Locale("en").languages.items() if "_" not in code}


def code_for(name: str) -> str | None:
    """A language's code, from 'Spanish (es)', 'es', 'ES' or a name alone ('Spanish', 'english')."""
    return language_code(name) or _codes_by_english_name().get(" ".join(name.split()).lower())


def text_keys(value: Any) -> Iterator[str]:
    """The languages a pyxform text names: its keys when it maps languages to text."""
    if isinstance(value, Mapping):
        yield from (str(k) for k, v in value.items() if v and isinstance(v, str))


@dataclass(frozen=True)
class Languages:
    """The default language's code, each language's name as the form writes it, and pyxform's key for plain columns."""

    default: str
    names: dict[str, str]
    pyxform_default: str

    def code(self, name: str) -> str:
        """The code for a language as pyxform keys it (the plain columns are in the default language)."""
        if name in (self.pyxform_default, PYXFORM_DEFAULT):
            return self.default
        return code_for(name) or self.default

    def texts(self, value: Any, *, question: str | None = None, column: str | None = None) -> dict[str, str]:
        """A pyxform text (a string, or a mapping by language name) as our mapping by code."""
        if not value:
            return {}
        if isinstance(value, str):
            return {self.default: value}
        texts: dict[str, str] = {}
        for name, text in value.items():
            if not text or not isinstance(text, str):
                continue
            code = self.code(str(name))
            if texts.get(code, text) != text:
                raise DefinitionError(
                    f"two columns hold {self.names.get(code, code)} text; say in the settings column "
                    "default_language which language the columns without one are in, e.g. Spanish (es)",
                    question=question,
                    column=column,
                )
            texts[code] = text
        return texts


def form_languages(settings_default: str | None, keys: Iterable[str], plain: bool) -> Languages:
    """The form's languages from the names its texts use; plain says some text has no language."""
    default = code_for(settings_default) if settings_default else None
    if settings_default and default is None:
        raise DefinitionError(
            f"default_language {settings_default!r}: write the language with its code, for example English (en)",
            column="default_language",
        )
    names: dict[str, str] = {}
    for key in dict.fromkeys(keys):
        if key in (PYXFORM_DEFAULT, settings_default):
            continue
        code = code_for(key)
        if code is None:
            raise UnknownLanguageError(key)
        names.setdefault(code, key)
    code = default or (FALLBACK_LANGUAGE if plain else next(iter(names), FALLBACK_LANGUAGE))
    names.setdefault(code, settings_default or code)
    return Languages(default=code, names=names, pyxform_default=settings_default or PYXFORM_DEFAULT)


class UnknownLanguageError(ValueError):
    """A language column whose name is no language Voces knows, and which gives no code."""

    def __init__(self, name: str) -> None:
        """Keep the name as the column writes it."""
        super().__init__(name)
        self.name = name
