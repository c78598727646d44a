"""A survey version's questions, read from the stored definition (the single source for forms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

QUESTION_TYPES = frozenset({"site", "select_one", "text", "integer"})
LANGUAGES = ("en", "es")


class DefinitionError(ValueError):
    """A survey definition that cannot be used, naming the question and field at fault."""


def pick(texts: Mapping[str, str] | None, language: str, default_language: str) -> str:
    """Text in the language, else in the form's default language, else any."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(default_language) or next(iter(texts.values()))


@dataclass(frozen=True)
class Choice:
    """One option of a choice list."""

    name: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    """One question as the form shows and validates it."""

    name: str
    type: str
    label: Mapping[str, str]
    hint: Mapping[str, str]
    required: bool
    required_message: Mapping[str, str]
    choices: tuple[Choice, ...]
    appearance: str
    testimony: bool
    bind: str | None
    max_length: int
    personal: bool  # holds a name or contact: redacted from testimonies, never shown to evaluators

    @property
    def likert(self) -> bool:
        """Say whether this is a five-point scale whose answers are counted as numbers."""
        return self.appearance == "likert"


@dataclass(frozen=True)
class Definition:
    """A whole survey version: title, languages, questions."""

    form_id: str
    version: str
    default_language: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    questions: tuple[Question, ...]

    def question(self, name: str) -> Question:
        """The question with this name."""
        return next(q for q in self.questions if q.name == name)

    @property
    def testimonies(self) -> tuple[Question, ...]:
        """The free-text questions analysed as testimonies."""
        return tuple(q for q in self.questions if q.testimony)

    @property
    def likert_questions(self) -> tuple[Question, ...]:
        """The five-point questions."""
        return tuple(q for q in self.questions if q.likert)


def _texts(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise DefinitionError(f"{where} must map languages to text")
    return dict(value)


def parse_definition(data: Mapping[str, Any]) -> Definition:
    """Check a survey definition and build it, naming what is wrong."""
    for key in ("form_id", "version", "title", "questions"):
        if not data.get(key):
            raise DefinitionError(f"field {key} is missing")
    choice_lists: Mapping[str, Any] = data.get("choices") or {}
    questions = []
    seen: set[str] = set()
    for number, raw in enumerate(data["questions"], start=1):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        where = f"question {number} ({name or 'no name'})"
        if not name or not str(name).replace("_", "").isalnum():
            raise DefinitionError(f"{where}: name must be letters, digits and underscores")
        if name in seen:
            raise DefinitionError(f"{where}: the name {name!r} is used twice")
        seen.add(name)
        qtype = raw.get("type")
        if qtype not in QUESTION_TYPES:
            raise DefinitionError(f"{where}: type {qtype!r} is not supported")
        choices: tuple[Choice, ...] = ()
        if qtype == "select_one":
            list_name = raw.get("choices")
            if list_name not in choice_lists:
                raise DefinitionError(f"{where}: choice list {list_name!r} is not defined")
            choices = tuple(
                Choice(str(c["name"]), _texts(c.get("label"), f"{where}: choice {c.get('name')}"))
                for c in choice_lists[list_name]
            )
        questions.append(
            Question(
                name=name,
                type=qtype,
                label=_texts(raw.get("label"), f"{where}: label"),
                hint=_texts(raw.get("hint"), f"{where}: hint"),
                required=bool(raw.get("required", False)),
                required_message=_texts(raw.get("required_message"), f"{where}: required_message"),
                choices=choices,
                appearance=str(raw.get("appearance") or ""),
                testimony=bool(raw.get("testimony", False)),
                bind=raw.get("bind") or ("site" if qtype == "site" else None),
                max_length=int(raw.get("max_length", 5000)),
                personal=bool(raw.get("personal", False)),
            )
        )
    return Definition(
        form_id=str(data["form_id"]),
        version=str(data["version"]),
        default_language=str(data.get("default_language", "en")),
        title=_texts(data["title"], "title"),
        description=_texts(data.get("description"), "description"),
        questions=tuple(questions),
    )
