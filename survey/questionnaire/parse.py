"""Read a survey definition (the dict YAML gives, or an XLSForm converts to) into the model."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from survey.questionnaire.aggregates import check_aggregates
from survey.questionnaire.media_types import MediaType
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.model import START_GEOPOINT, Choice, Definition, Group, Item, Question, Repeat
from survey.questionnaire.question_types import QUESTION_TYPES
from survey.questionnaire.rules import CONSENT_CHOICES, CONSENT_NAME, FILTER_COLUMN, DefinitionError, check_definition

GROUP = "group"
REPEAT = "repeat"
LANGUAGES = ("en", "es")
DEFAULT_MAX_LENGTH = 5000
# The metadata a definition may keep for its XForm, in this order: start-geopoint is where the interview began.
PRELOADED = ("deviceid", "username", START_GEOPOINT)
GROUP_APPEARANCES = frozenset({"field-list"})  # keeps its meaning on a one-page web form
# What a question says, in the order a sheet lists it; a file format maps its own columns to these.
QUESTION_COLUMNS = (
    "type",
    "name",
    "label",
    "interview_label",  # what a field worker reads out, where the self-completed wording would be wrong
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "default",
    "read_only",
    "calculation",
)
QUESTION_FIELDS = frozenset(QUESTION_COLUMNS) | {"choices", "testimony", "bind", "max_length", "personal"}
GROUP_FIELDS = frozenset({"name", "type", "label", "hint", "relevant", "appearance", "questions"})
REPEAT_FIELDS = GROUP_FIELDS | {"repeat_count"}


def _texts(value: Any, where: str, default_language: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {default_language: value}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise DefinitionError(f"{where} must map languages to text")
    return {str(k): v for k, v in value.items() if v}


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise DefinitionError(f"{key} must be true or false", where=where, question=raw.get("name"), column=key)
    return value


def _choice_lists(data: Mapping[str, Any], language: str) -> dict[str, tuple[Choice, ...]]:
    raw_lists = data.get("choices") or {}
    if not isinstance(raw_lists, Mapping):
        raise DefinitionError("choices must map list names to lists of choices")
    lists = {}
    for list_name, raw_choices in raw_lists.items():
        choices: list[Choice] = []
        seen: set[str] = set()  # a list read from a file may hold thousands of choices
        for raw in raw_choices or ():
            name = str(raw.get("name") or "") if isinstance(raw, Mapping) else ""
            where = f"choice list {list_name}, choice {name or 'with no name'}"
            context: dict[str, Any] = {"where": where, "choice_list": str(list_name), "choice": name}
            if not name:
                raise DefinitionError("name is missing", **context)
            if not data.get("allow_choice_duplicates") and name in seen:
                raise DefinitionError(f"the name {name!r} is used twice", **context)
            seen.add(name)
            filters = {str(k): str(v) for k, v in raw.items() if k not in ("name", "label") and v is not None}
            for key in filters:
                if not FILTER_COLUMN.fullmatch(key):
                    raise DefinitionError(f"column {key!r} cannot be used in a choice_filter", **context)
            choices.append(Choice(name, _texts(raw.get("label"), f"{where}: label", language), filters))
        lists[str(list_name)] = tuple(choices)
    return lists


FORM_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}")  # XML names as XLSForm writes them, without dots or colons


def _data_files(data: Mapping[str, Any]) -> dict[str, tuple[dict[str, str], ...]]:
    """The CSV files' rows the definition keeps for pulldata() and instance(), each cell as text."""
    raw_files = data.get("data") or {}
    if not isinstance(raw_files, Mapping):
        raise DefinitionError("data must map file names to lists of rows")
    files = {}
    for name, rows in raw_files.items():
        if not NAME.fullmatch(str(name)) or not isinstance(rows, list):
            raise DefinitionError(f"data {name!r} must be a file name (without .csv) with a list of rows")
        if not all(isinstance(row, Mapping) for row in rows):
            raise DefinitionError(f"data {name!r}: each row must map columns to values")
        files[str(name)] = tuple({str(k): "" if v is None else str(v) for k, v in row.items()} for row in rows)
    return files


class _Parser:
    """Walks the nested questions and groups, collecting names and checking each one."""

    def __init__(self, data: Mapping[str, Any], language: str) -> None:
        """Start with the form's choice lists and default language."""
        self.language = language
        self.lists = _choice_lists(data, language)
        self.number = 0
        self.names: set[str] = set()
        self.questions: list[Question] = []
        self.repeat = ""  # the repeat being read, whose questions are its own
        self.repeat_questions: list[Question] = []

    def items(self, raw_items: Any, path: tuple[str, ...]) -> tuple[Item, ...]:
        if not isinstance(raw_items, list) or not raw_items:
            where = f"group {path[-1]}" if path else "the form"
            raise DefinitionError(f"{where} has no questions", question=path[-1] if path else None)
        return tuple(self.item(raw, path) for raw in raw_items)

    def item(self, raw: Any, path: tuple[str, ...]) -> Item:
        self.number += 1
        name = raw.get("name") if isinstance(raw, Mapping) else None
        where = f"question {self.number} ({name or 'no name'})"
        context: dict[str, Any] = {"where": where, "question": name}
        if not name or not isinstance(name, str) or not NAME.fullmatch(name):
            raise DefinitionError(
                "name must be letters, digits, hyphens and underscores, starting with a letter or underscore,"
                " at most 100 of them",
                column="name",
                **context,
            )
        if name in self.names:
            raise DefinitionError(f"the name {name!r} is used twice", column="name", **context)
        self.names.add(name)
        kind = raw.get("type")
        allowed = {GROUP: GROUP_FIELDS, REPEAT: REPEAT_FIELDS}.get(str(kind), QUESTION_FIELDS)
        for key in raw:
            if key not in allowed:
                raise DefinitionError(f"field {key!r} is not supported", column=str(key), **context)
        if kind == GROUP:
            return self.group(raw, name, path, context)
        if kind == REPEAT:
            return self.repeated(raw, name, path, context)
        if kind not in QUESTION_TYPES:
            raise DefinitionError(f"type {kind!r} is not supported", column="type", **context)
        question = self.question(raw, name, kind, path, context)
        if self.repeat:
            _check_repeatable(question, context)
            self.repeat_questions.append(question)
        else:
            self.questions.append(question)
        return question

    def repeated(self, raw: Mapping[str, Any], name: str, path: tuple[str, ...], context: dict[str, Any]) -> Repeat:
        """A repeat and the questions asked in each of its instances; a repeat inside it has its own."""
        where = context["where"]
        appearance = str(raw.get("appearance") or "")
        _check_appearance(GROUP, appearance, context)
        if not raw.get("questions"):
            raise DefinitionError(f"repeat {name} has no questions", question=name)
        outer = (self.repeat, self.repeat_questions)
        self.repeat, self.repeat_questions = name, []
        items = self.items(raw.get("questions"), path)
        questions = tuple(self.repeat_questions)
        self.repeat, self.repeat_questions = outer
        return Repeat(
            name=name,
            label=_texts(raw.get("label"), f"{where}: label", self.language),
            hint=_texts(raw.get("hint"), f"{where}: hint", self.language),
            relevant=str(raw.get("relevant") or ""),
            appearance=appearance,
            count=str(raw.get("repeat_count") or ""),
            items=items,
            questions=questions,
            groups=path,
            parent=self.repeat,
        )

    def group(self, raw: Mapping[str, Any], name: str, path: tuple[str, ...], context: dict[str, Any]) -> Group:
        where = context["where"]
        appearance = str(raw.get("appearance") or "")
        _check_appearance(GROUP, appearance, context)
        return Group(
            name=name,
            label=_texts(raw.get("label"), f"{where}: label", self.language),
            hint=_texts(raw.get("hint"), f"{where}: hint", self.language),
            relevant=str(raw.get("relevant") or ""),
            appearance=appearance,
            items=self.items(raw.get("questions"), (*path, name)),
        )

    def question(
        self,
        raw: Mapping[str, Any],
        name: str,
        kind: str,
        path: tuple[str, ...],
        context: dict[str, Any],
    ) -> Question:
        where = context["where"]
        choices: tuple[Choice, ...] = ()
        list_name = ""
        if QUESTION_TYPES[kind].has_choice_list:
            list_name = str(raw.get("choices") or "")
            if list_name not in self.lists:
                raise DefinitionError(f"choice list {list_name!r} is not defined", column="choices", **context)
            choices = self.lists[list_name]
        appearance = str(raw.get("appearance") or "")
        _check_appearance(kind, appearance, context)
        max_length = raw.get("max_length", DEFAULT_MAX_LENGTH)
        if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
            raise DefinitionError("max_length must be a whole number above 0", column="max_length", **context)
        return Question(
            name=name,
            type=kind,
            label=_texts(raw.get("label"), f"{where}: label", self.language),
            interview_label=_texts(raw.get("interview_label"), f"{where}: interview_label", self.language),
            hint=_texts(raw.get("hint"), f"{where}: hint", self.language),
            required=not _required_if(raw) and _flag(raw, "required", where),
            required_if=_required_if(raw),
            required_message=_texts(raw.get("required_message"), f"{where}: required_message", self.language),
            choices=choices,
            appearance=appearance,
            testimony=_flag(raw, "testimony", where),
            bind=raw.get("bind") or _implied_binding(name, kind, choices),
            max_length=max_length,
            personal=_flag(raw, "personal", where),
            relevant=str(raw.get("relevant") or ""),
            constraint=str(raw.get("constraint") or ""),
            constraint_message=_texts(raw.get("constraint_message"), f"{where}: constraint_message", self.language),
            choice_filter=str(raw.get("choice_filter") or ""),
            default="" if raw.get("default") is None else str(raw.get("default")),
            read_only=_flag(raw, "read_only", where),
            calculation=str(raw.get("calculation") or ""),
            list_name=list_name,
            groups=path,
            repeat=self.repeat,
        )


def _check_repeatable(question: Question, context: dict[str, Any]) -> None:
    """Refuse, inside a repeat, what belongs to the whole response: its site, consent, testimonies and files."""
    if question.bind or question.testimony or question.personal or isinstance(question.kind, MediaType):
        what = "a site or consent question, a testimony, a personal question or a file"
        raise DefinitionError(f"{what} cannot be inside a repeat", column="type", **context)


def _required_if(raw: Mapping[str, Any]) -> str:
    """The expression under which a question is required, when its required is one rather than true or false."""
    value = raw.get("required")
    if not isinstance(value, str) or value.strip().lower() in ("yes", "no", "true", "false", ""):
        return ""  # a yes or no written as text is refused by _flag, which wants true or false
    return value


def _implied_binding(name: str, kind: str, choices: tuple[Choice, ...]) -> str | None:
    """A site question is the response's site; a select_one named consent, offering Voces' consent
    scopes, is its consent (and every choice must then be one). Another form's consent question,
    offering none of them (yes or no), is asked as any other, and its responses are kept for
    internal use only, as for a form without one."""
    if QUESTION_TYPES[kind].binds:
        return QUESTION_TYPES[kind].binds
    scopes = bool({c.name for c in choices} & CONSENT_CHOICES)
    return "consent" if QUESTION_TYPES[kind].can_bind_consent and name == CONSENT_NAME and scopes else None


APPEARANCE = N_("the appearance '%(appearance)s' on a %(type)s question")


def _check_appearance(kind: str, appearance: str, context: dict[str, Any]) -> None:
    """Refuse appearances that change what is asked; those that keep their meaning on one web page are fine."""
    allowed = GROUP_APPEARANCES if kind == GROUP else QUESTION_TYPES[kind].appearances
    for word in appearance.split():
        if word not in allowed:
            feature = Message(APPEARANCE, {"appearance": word, "type": kind})
            raise DefinitionError(
                f"appearance {word!r} is not supported for {kind}", column="appearance", feature=feature, **context
            )


def parse_definition(data: Mapping[str, Any]) -> Definition:
    """Check a survey definition and build it, naming what is wrong."""
    for key in ("form_id", "title", "questions"):
        if not data.get(key):
            raise DefinitionError(f"field {key} is missing")
    if not FORM_ID.fullmatch(str(data["form_id"])):
        raise DefinitionError(
            "form_id must be letters, digits, - and _ (it becomes the address /s/<form_id>), at most 100"
        )
    if len(str(data.get("version") or "")) > 50:
        raise DefinitionError("version must be at most 50 characters")
    metadata = data.get("metadata") or []
    if not isinstance(metadata, list) or any(m not in PRELOADED for m in metadata):
        raise DefinitionError(f"metadata must be a list of {', '.join(PRELOADED)}")
    language = str(data.get("default_language") or "en")
    parser = _Parser(data, language)
    items = parser.items(data["questions"], ())
    definition = Definition(
        form_id=str(data["form_id"]),
        version=str(data.get("version") or ""),
        default_language=language,
        title=_texts(data["title"], "title", language),
        description=_texts(data.get("description"), "description", language),
        questions=tuple(parser.questions),
        items=items,
        choice_lists=parser.lists,
        allow_choice_duplicates=data.get("allow_choice_duplicates") is True,
        metadata=tuple(m for m in PRELOADED if m in metadata),
        data_files=_data_files(data),
    )
    check_definition(definition)
    check_aggregates(definition)
    return definition
