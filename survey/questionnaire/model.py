"""The survey model: a version's questions, groups and choices, as forms and analysis read them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from survey.questionnaire.expressions import ExpressionError, references
from survey.questionnaire.notices import N_, Notice
from survey.questionnaire.question_types import QUESTION_TYPES, QuestionType
from survey.questionnaire.rules import CHOICE_PREFIX, choice_filter_expression

START_GEOPOINT = "start-geopoint"  # the XLSForm metadata type: where the interview began


def pick(texts: Mapping[str, str] | None, language: str, default_language: str) -> str:
    """Text in the language, else in the form's default language, else any."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(default_language) or next(iter(texts.values()))


@dataclass(frozen=True)
class Choice:
    """One option of a choice list, with the extra columns a choice_filter reads."""

    name: str
    label: Mapping[str, str]
    filters: Mapping[str, str] = field(default_factory=dict)

    def columns(self) -> dict[str, str]:
        """This choice as values for a choice_filter: ${choice.name}, ${choice.<column>}."""
        return {
            CHOICE_PREFIX + "name": self.name,
            **{CHOICE_PREFIX + k: v for k, v in self.filters.items()},
        }


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
    relevant: str = ""
    constraint: str = ""
    constraint_message: Mapping[str, str] = field(default_factory=dict)
    choice_filter: str = ""
    default: str = ""
    read_only: bool = False
    calculation: str = ""
    list_name: str = ""
    groups: tuple[str, ...] = ()  # the names of the groups it sits in, outermost first
    repeat: str = ""  # the (innermost) repeat it is asked in, once per instance; "" when asked once
    required_if: str = ""  # required only when this expression holds (XLSForm's required as an expression)
    # The label a field worker reads out ("what you told us"), where it differs from the self-completed one.
    interview_label: Mapping[str, str] = field(default_factory=dict)

    # Asked of every question for every answer checked, several times a record: worked out once.
    @cached_property
    def kind(self) -> QuestionType:
        """The question's type, which knows how its answers behave."""
        return QUESTION_TYPES[self.type]

    @property
    def likert(self) -> bool:
        """Say whether this is a five-point scale whose answers are counted as numbers."""
        return "likert" in self.appearance.split()

    @cached_property
    def stored(self) -> bool:
        """Say whether an answer to this question is kept (a note only informs)."""
        return self.kind.stored

    @property
    def shown(self) -> bool:
        """Say whether the resident sees this question (a calculation is worked out unseen)."""
        return self.kind.shown


@dataclass(frozen=True)
class Group:
    """Questions shown together under a legend, and hidden together when not relevant."""

    name: str
    label: Mapping[str, str]
    hint: Mapping[str, str]
    relevant: str
    appearance: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Repeat:
    """Questions asked once for each of several things (each household member): each time an instance."""

    name: str
    label: Mapping[str, str]
    hint: Mapping[str, str]
    relevant: str
    appearance: str
    count: str  # an expression fixing how many instances there are; "" lets the resident add them
    items: tuple[Item, ...]
    questions: tuple[Question, ...]  # every question of its own, however deeply nested in its groups
    groups: tuple[str, ...] = ()  # the groups it sits in, outermost first
    parent: str = ""  # the repeat it is inside, each of whose instances has its own instances of it

    @property
    def group_names(self) -> set[str]:
        """The groups inside it, however deeply nested: their relevance is read in each instance."""
        return {g.name for g in _walk_groups(self.items)}

    @property
    def nested(self) -> tuple[Repeat, ...]:
        """The repeats directly inside it (in its groups too), asked in each of its instances."""
        return tuple(_own_repeats(self.items))


Item = Question | Group | Repeat


@dataclass(frozen=True)
class Definition:
    """A whole survey version: title, languages, questions."""

    form_id: str
    version: str
    default_language: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    questions: tuple[Question, ...]  # the questions asked once; those in a repeat are its own
    items: tuple[Item, ...] = ()  # questions and groups as nested in the form
    choice_lists: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    allow_choice_duplicates: bool = False  # a name may stand twice in a list, told apart by a choice_filter
    # What the form's XLSForm had ODK fill in besides when the interview began and ended (deviceid,
    # username, start-geopoint): its XForm has a tablet fill them in again, and an XLSForm export writes
    # them back. With start-geopoint each response keeps where its interview began.
    metadata: tuple[str, ...] = ()
    # The CSV files sent with the form that pulldata() and instance('name')/root/item read, by name
    # without .csv: each row's cells by column. They travel with the definition, to the tablets too.
    data_files: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)

    @property
    def asks_start_location(self) -> bool:
        """Whether each response keeps where its interview began (the form's start-geopoint row)."""
        return START_GEOPOINT in self.metadata

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

    # A definition is parsed once per version's content and then asked for every answer checked
    # (survey.services.surveys.definition_of): what follows from its fields is worked out once.
    @cached_property
    def groups(self) -> Mapping[str, Group]:
        """Every group by name, however deeply nested."""
        return {g.name: g for g in _walk_groups(self.items)}

    @cached_property
    def repeats(self) -> Mapping[str, Repeat]:
        """Every repeat by name, in the order the form asks them."""
        return {r.name: r for r in _walk(self.items) if isinstance(r, Repeat)}

    @cached_property
    def top_repeats(self) -> tuple[Repeat, ...]:
        """The repeats not inside another repeat."""
        return tuple(_own_repeats(self.items))

    @cached_property
    def every_question(self) -> tuple[Question, ...]:
        """The questions asked once and those asked in each repeat instance."""
        return self.questions + tuple(q for r in self.repeats.values() for q in r.questions)

    @cached_property
    def bound(self) -> Mapping[str, tuple[Question, ...]]:
        """The questions bound to each response field ("site", "consent"), in the form's order."""
        found: dict[str, tuple[Question, ...]] = {}
        for q in self.questions:
            if q.bind:
                found[q.bind] = (*found.get(q.bind, ()), q)
        return found

    @cached_property
    def relevance(self) -> Mapping[str, tuple[str, ...]]:
        """Each question's relevance conditions by its name: its groups' from the outermost, then its own."""
        groups = self.groups
        return {
            q.name: tuple(c for c in [*(groups[g].relevant for g in q.groups), q.relevant] if c)
            for q in self.every_question
        }

    @cached_property
    def reads_ahead(self) -> frozenset[str]:
        """The questions whose relevance or calculation reads a question of their own scope (the form, or
        one repeat's instance) asked at or after them. In a scope with none, one pass in the form's order
        works out every question from answers already final; only the others need passes until nothing
        changes (logic._settle)."""
        found: set[str] = set()
        for scope in (self.questions, *(r.questions for r in self.repeats.values())):
            later = {q.name for q in scope}
            for q in scope:
                try:
                    read = set().union(*(references(e) for e in (*self.relevance[q.name], q.calculation) if e))
                except ExpressionError:  # refused on import; should one remain, it is settled the long way
                    read = later
                if read & later:
                    found.add(q.name)
                later.discard(q.name)
        return frozenset(found)

    @cached_property
    def expressions(self) -> tuple[str, ...]:
        """Every expression of the form: its questions' (a choice_filter as it is evaluated), groups' and repeats'."""
        columns = ("relevant", "constraint", "calculation", "required_if")
        texts = [getattr(q, column) for q in self.every_question for column in columns]
        texts += [choice_filter_expression(q.choice_filter) for q in self.every_question if q.choice_filter]
        texts += [g.relevant for g in self.groups.values()]
        texts += [t for r in self.repeats.values() for t in (r.relevant, r.count)]
        return tuple(text for text in texts if text)

    @cached_property
    def reads_choice_names(self) -> bool:
        """Whether an expression of the form calls jr:choice-name(), which needs the choice labels at hand."""
        return any("jr:choice-name" in text for text in self.expressions)

    @cached_property
    def reads_tables(self) -> bool:
        """Whether an expression of the form reads a choice list or CSV file by instance() or pulldata()."""
        return any("instance" in text or "pulldata" in text for text in self.expressions)

    @cached_property
    def _tables(self) -> dict[str, Mapping[str, tuple[Mapping[str, str], ...]]]:
        return {}  # by language, filled as asked

    def tables(self, language: str) -> Mapping[str, tuple[Mapping[str, str], ...]]:
        """The rows instance('name')/root/item and pulldata() read: each choice list's (name, label in the
        language, its other columns) and each CSV file's, which wins over a list of its name, as on a tablet."""
        if language not in self._tables:
            lists = {
                name: tuple(
                    {"name": c.name, "label": pick(c.label, language, self.default_language), **c.filters}
                    for c in choices
                )
                for name, choices in self.choice_lists.items()
            }
            self._tables[language] = lists | dict(self.data_files)
        return self._tables[language]

    @cached_property
    def _choice_labels(self) -> dict[str, Mapping[str, Mapping[str, str]]]:
        return {}  # by language, filled as asked

    def choice_labels(self, language: str) -> Mapping[str, Mapping[str, str]]:
        """Each select question's choice labels by name in a language, as jr:choice-name() reads them."""
        if language not in self._choice_labels:
            self._choice_labels[language] = {
                q.name: {c.name: pick(c.label, language, self.default_language) for c in q.choices}
                for q in self.every_question
                if q.choices
            }
        return self._choice_labels[language]

    @property
    def languages(self) -> list[str]:
        """The languages the form is written in, its default first."""
        found = dict.fromkeys([self.default_language])
        for _template, _where, texts in _all_texts(self):
            found.update(dict.fromkeys(texts))
        return list(found)


def _walk(items: tuple[Item, ...]) -> Iterator[Group | Repeat]:
    for item in items:
        if isinstance(item, Group | Repeat):
            yield item
            yield from _walk(item.items)


def _own_repeats(items: tuple[Item, ...]) -> Iterator[Repeat]:
    """The repeats among these items and in their groups, not those inside another repeat."""
    for item in items:
        if isinstance(item, Repeat):
            yield item
        elif isinstance(item, Group):
            yield from _own_repeats(item.items)


def _walk_groups(items: tuple[Item, ...]) -> Iterator[Group]:
    return (item for item in _walk(items) if isinstance(item, Group))


def _all_texts(definition: Definition) -> Iterator[tuple[str, dict[str, str], Mapping[str, str]]]:
    """Every translatable text, with a template saying where it stands and the values it needs."""
    for name in ("title", "description"):
        yield N_("%(field)s has no %(language)s text"), {"field": name}, getattr(definition, name)
    for group in definition.groups.values():
        for name in ("label", "hint"):
            where = {"name": group.name, "field": name}
            yield N_("group %(name)s: %(field)s has no %(language)s text"), where, getattr(group, name)
    for repeat in definition.repeats.values():
        for name in ("label", "hint"):
            where = {"name": repeat.name, "field": name}
            yield N_("repeat %(name)s: %(field)s has no %(language)s text"), where, getattr(repeat, name)
    for q in definition.every_question:
        for name in ("label", "interview_label", "hint", "required_message", "constraint_message"):
            where = {"name": q.name, "field": name}
            yield N_("question %(name)s: %(field)s has no %(language)s text"), where, getattr(q, name)
    for list_name, choices in definition.choice_lists.items():
        for choice in choices:
            where = {"list": list_name, "name": choice.name}
            yield N_("choice list %(list)s, choice %(name)s: label has no %(language)s text"), where, choice.label


def missing_translations(definition: Definition) -> list[Notice]:
    """One warning for each text that some of the form's languages lack."""
    languages = definition.languages
    return [
        Notice(template, language=language, **where)
        for template, where, texts in _all_texts(definition)
        if texts
        for language in languages
        if not texts.get(language)
    ]
