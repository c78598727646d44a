"""A repeat's instances on the resident form: their fields, how many there are, adding and removing one."""

# Each instance's fields are named q_<question>.<n> (n from 1), a name no question can have, and the
# form posts how many instances it shows in r_<repeat>. "Add another" and "Remove" are submit buttons
# (step=add:<repeat>, step=remove:<repeat>:<n>), so they work without JavaScript: the page comes back
# with one more or one fewer instance, keeping what was typed. In a repeat inside another, an
# instance is named by its path (q_<question>.2.1: the first child of the second woman) and each
# outer instance says how many it holds (r_child.2); the steps name them so (add:child.2).

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from survey.questionnaire import Definition, Question, Repeat, pick
from survey.questionnaire.instances import Settled, settle_form
from survey.questionnaire.logic import MAX_MADE
from survey.questionnaire.validate import INSTANCE_MARK, instance_path, instances_key, split_instances_key

FIELD_PREFIX = "q_"
COUNT_PREFIX = "r_"  # how many instances the form showed, by repeat
ADD = "add:"
REMOVE = "remove:"
INSTANCES = "instances"  # as many instances as the answers now say (a repeat_count)


def instance_field(question: Question, path: int | str) -> str:
    """The name of a question's field in one instance, named by its path (2, or 2.1 in a repeat inside one)."""
    return f"{FIELD_PREFIX}{question.name}{INSTANCE_MARK}{path}"


def count_field(repeat: Repeat, parent: str = "") -> str:
    """The hidden field saying how many instances a repeat shows (inside one instance of the repeat around it)."""
    return COUNT_PREFIX + instances_key(repeat.name, parent)


def instance_title(repeat: Repeat, position: int | str, definition: Definition, language: str) -> str:
    """What an instance is called: "Household member 2" (form-repeats.js numbers one from "__n__")."""
    label = pick(repeat.label, language, definition.default_language) or repeat.name
    return _("%(label)s %(number)s", label=label, number=position)


def instance_path_title(repeat: Repeat, path: str, definition: Definition, language: str) -> str:
    """An instance named with those it is inside: "Woman 2 › Child 1"."""
    titles: list[str] = []
    numbers = path.split(INSTANCE_MARK)
    for number in reversed(numbers):
        titles.insert(0, instance_title(repeat, number, definition, language))
        if not repeat.parent:
            break
        repeat = definition.repeats[repeat.parent]
    return " › ".join(titles)


def answered_questions(repeat: Repeat) -> tuple[Question, ...]:
    """The questions of a repeat with a field in each instance."""
    return tuple(q for q in repeat.questions if q.shown and q.stored)


def _made(posted: Mapping[str, str], key: str) -> int:
    """How many instances the posted form showed; one, as ODK opens a repeat, when it says nothing."""
    try:
        return min(max(int(posted.get(COUNT_PREFIX + key, "1")), 0), MAX_MADE)
    except ValueError:
        return 1


def _posted_instances(posted: MultiDict[str, str], repeat: Repeat, parent: str) -> list[dict[str, str]]:
    """What was posted in a repeat's instances inside one instance of the repeat around it (parent: its path)."""
    made = _made(posted, instances_key(repeat.name, parent))
    paths = [instance_path(parent, n) for n in range(1, made + 1)]
    return [{q.name: " ".join(posted.getlist(instance_field(q, p))) for q in repeat.questions} for p in paths]


def instance_counts(definition: Definition, posted: MultiDict[str, str], today: date | None) -> dict[str, int]:
    """How many instances of each repeat the form shows: its repeat_count, else as many as the resident made.

    A repeat inside another has a count in each of the outer one's instances, keyed by instances_key.
    A count read from an answer that breaks its constraint keeps the instances the page showed: the
    page comes back with that error, and the instances typed in stay until it is corrected.
    """
    typed = {q.name: " ".join(posted.getlist(FIELD_PREFIX + q.name)) for q in definition.questions}
    form = settle_form(
        definition, typed, lambda repeat, parent: _posted_instances(posted, repeat, parent), today, keep_made=True
    )
    counts: dict[str, int] = {}

    def count(repeat: Repeat, instances: Sequence[Settled], parent: str) -> None:
        counts[instances_key(repeat.name, parent)] = len(instances)
        for position, instance in enumerate(instances, start=1):
            for inner in repeat.nested:
                count(inner, instance.inner[inner.name], instance_path(parent, position))

    for repeat in definition.top_repeats:
        count(repeat, form.inner[repeat.name], "")
    return counts


def changes_instances(step: str) -> bool:
    """Whether a step adds or removes an instance, or makes as many as the answers say."""
    return step.startswith((ADD, REMOVE)) or step == INSTANCES


def added_instance(definition: Definition, counts: Mapping[str, int], step: str) -> str | None:
    """For a step that added an instance: its first question, named as a page lists it (child_age.2); else None."""
    if not step.startswith(ADD):
        return None
    key = step.removeprefix(ADD)
    repeat = definition.repeats.get(split_instances_key(key)[0])
    questions = answered_questions(repeat) if repeat else ()
    if not questions or not counts.get(key):
        return None
    path = instance_path(split_instances_key(key)[1], counts[key])
    return instance_field(questions[0], path).removeprefix(FIELD_PREFIX)


def changed_instances(definition: Definition, posted: MultiDict[str, str], step: str) -> MultiDict[str, str]:
    """What was posted, with an instance added or removed as the step says (unchanged for another step).

    The step names the repeat's instances as instances_key does (add:child.2 adds a child to the
    second woman), and an instance to remove by its number among them (remove:child.2:1).
    """
    if step.startswith(ADD):
        key = step.removeprefix(ADD)
        repeat = definition.repeats.get(split_instances_key(key)[0])
        if repeat is None or repeat.count:
            return posted
        changed = posted.copy()
        changed[COUNT_PREFIX + key] = str(min(_made(posted, key) + 1, MAX_MADE))
        return changed
    key, _sep, number = step.removeprefix(REMOVE).rpartition(":")
    name, parent = split_instances_key(key)
    repeat = definition.repeats.get(name) if step.startswith(REMOVE) else None
    if repeat is None or repeat.count or not number.isdigit():
        return posted
    return _without(definition, posted, repeat, parent, int(number))


def _subtree(definition: Definition, repeat: Repeat) -> tuple[set[str], set[str]]:
    """The questions asked in a repeat's instances, its own and in the repeats inside it, and those repeats."""
    questions = {q.name for q in repeat.questions}
    repeats: set[str] = set()
    for inner in repeat.nested:
        inner_questions, inner_repeats = _subtree(definition, inner)
        questions |= inner_questions
        repeats |= {inner.name} | inner_repeats
    return questions, repeats


def _without(
    definition: Definition, posted: MultiDict[str, str], repeat: Repeat, parent: str, removed: int
) -> MultiDict[str, str]:
    """The posted form without one instance (and what was typed in the repeats inside it): those after it move up."""
    key = instances_key(repeat.name, parent)
    questions, inner_repeats = _subtree(definition, repeat)
    depth = len(parent.split(INSTANCE_MARK)) if parent else 0
    changed: MultiDict[str, str] = MultiDict()
    for name in posted:
        values = posted.getlist(name)
        prefix, owner, path = _split_field(name)
        numbers = path.split(INSTANCE_MARK) if path else []
        ours = (prefix == FIELD_PREFIX and owner in questions) or (prefix == COUNT_PREFIX and owner in inner_repeats)
        if not ours or numbers[:depth] != (parent.split(INSTANCE_MARK) if parent else []) or len(numbers) <= depth:
            changed.setlist(name, values)
            continue
        number = int(numbers[depth]) if numbers[depth].isdigit() else 0
        if number == removed:
            continue
        if number > removed:
            numbers[depth] = str(number - 1)
        changed.setlist(f"{prefix}{owner}{INSTANCE_MARK}{INSTANCE_MARK.join(numbers)}", values)
    changed[COUNT_PREFIX + key] = str(max(_made(posted, key) - 1, 0))
    return changed


def _split_field(name: str) -> tuple[str, str, str]:
    """A posted name's prefix (q_ or r_), the question or repeat it names, and the path after it."""
    for prefix in (FIELD_PREFIX, COUNT_PREFIX):
        if name.startswith(prefix):
            owner, _mark, path = name.removeprefix(prefix).partition(INSTANCE_MARK)
            return prefix, owner, path
    return "", name, ""


def blank_counts(definition: Definition, counts: Mapping[str, int]) -> dict[str, int]:
    """The instances of a form holding one blank instance of each repeat the page shows.

    form-repeats.js copies a repeat's blank instance (first instance, renumbered) for "Add another",
    and a counted one's when its repeat_count grows, even from none: a blank instance has the
    questions' defaults, which a copy of one the resident typed in would have lost. Inside a blank
    instance a repeat the resident adds to opens with one instance, as a new one does, and a counted
    one with none but its own blank instance.
    """
    blank: dict[str, int] = {}

    def inside_blank(repeat: Repeat, parent: str) -> None:
        blank[instances_key(repeat.name, parent)] = 1
        for inner in repeat.nested:
            inside_blank(inner, instance_path(parent, 1))

    def shown(repeat: Repeat, parent: str) -> None:
        inside_blank(repeat, parent)
        for position in range(1, counts.get(instances_key(repeat.name, parent), 0) + 1):
            for inner in repeat.nested:
                shown(inner, instance_path(parent, position))

    for repeat in definition.top_repeats:
        shown(repeat, "")
    return blank
