"""A repeat's instances on the resident form: their fields, how many there are, adding and removing one."""

# Each instance's fields are named q_<question>.<n> (n from 1), a name no question can have, and the
# form posts how many instances it shows in r_<repeat>. "Add another" and "Remove" are submit buttons
# (step=add:<repeat>, step=remove:<repeat>:<n>), so they work without JavaScript: the page comes back
# with one more or one fewer instance, keeping what was typed.

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from survey.questionnaire import Definition, Question, Repeat, pick
from survey.questionnaire.logic import MAX_INSTANCES, instance_count, resolve_form
from survey.questionnaire.validate import INSTANCE_MARK

FIELD_PREFIX = "q_"
COUNT_PREFIX = "r_"  # how many instances the form showed, by repeat
ADD = "add:"
REMOVE = "remove:"
INSTANCES = "instances"  # as many instances as the answers now say (a repeat_count)


def instance_field(question: Question, position: int) -> str:
    """The name of a question's field in one instance."""
    return f"{FIELD_PREFIX}{question.name}{INSTANCE_MARK}{position}"


def instance_title(repeat: Repeat, position: int | str, definition: Definition, language: str) -> str:
    """What an instance is called: "Household member 2" (form-repeats.js numbers one from "__n__")."""
    label = pick(repeat.label, language, definition.default_language) or repeat.name
    return _("%(label)s %(number)s", label=label, number=position)


def answered_questions(repeat: Repeat) -> tuple[Question, ...]:
    """The questions of a repeat with a field in each instance."""
    return tuple(q for q in repeat.questions if q.shown and q.stored)


def _made(posted: Mapping[str, str], repeat: Repeat) -> int:
    """How many instances the posted form showed; one, as ODK opens a repeat, when it says nothing."""
    try:
        return min(max(int(posted.get(COUNT_PREFIX + repeat.name, "1")), 0), MAX_INSTANCES)
    except ValueError:
        return 1


def instance_counts(definition: Definition, posted: MultiDict[str, str], today: date | None) -> dict[str, int]:
    """How many instances of each repeat the form shows: its repeat_count, else as many as the resident made."""
    typed = {q.name: " ".join(posted.getlist(FIELD_PREFIX + q.name)) for q in definition.questions}
    state = resolve_form(definition, typed, today)
    return {
        name: instance_count(definition, repeat, state, _made(posted, repeat), today)
        for name, repeat in definition.repeats.items()
    }


def changes_instances(step: str) -> bool:
    """Whether a step adds or removes an instance, or makes as many as the answers say."""
    return step.startswith((ADD, REMOVE)) or step == INSTANCES


def changed_instances(definition: Definition, posted: MultiDict[str, str], step: str) -> MultiDict[str, str]:
    """What was posted, with an instance added or removed as the step says (unchanged for another step)."""
    if step.startswith(ADD) and (repeat := definition.repeats.get(step.removeprefix(ADD))) and not repeat.count:
        changed = posted.copy()
        changed[COUNT_PREFIX + repeat.name] = str(min(_made(posted, repeat) + 1, MAX_INSTANCES))
        return changed
    name, _sep, number = step.removeprefix(REMOVE).rpartition(":")
    repeat = definition.repeats.get(name) if step.startswith(REMOVE) else None
    if repeat is None or repeat.count or not number.isdigit():
        return posted
    return _without(posted, repeat, int(number))


def _without(posted: MultiDict[str, str], repeat: Repeat, removed: int) -> MultiDict[str, str]:
    """The posted form without one instance: those after it move up one place."""
    made = _made(posted, repeat)
    changed = posted.copy()
    for question in repeat.questions:
        for position in range(removed, made + 1):
            values = posted.getlist(instance_field(question, position + 1)) if position < made else []
            changed.setlist(instance_field(question, position), values)
    changed[COUNT_PREFIX + repeat.name] = str(max(made - 1, 0))
    return changed
