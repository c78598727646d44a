"""A record's repeat instances as a tablet or a queue file sends them, read into the instances the
web form and OpenRosa keep.

A record carries them under "repeats": each repeat asked outside any other, by name, with a list of
its instances in order; an instance is an object of answers by question name, and holds the
instances of each repeat inside it under that repeat's name:

    "repeats": {"woman": [{"woman_name": "Ana", "child": [{"child_name": "Leo"}]}, {"woman_name": "Eva"}]}

They are read into instances keyed by instances_key (child.1: the children of the first woman),
which validate_instances checks as it checks those of an XForm instance.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey.questionnaire import Definition, Repeat
from survey.questionnaire.messages import N_, SHAPE, AnswerError
from survey.questionnaire.validate import INSTANCE_MARK, instance_path, instances_key, is_answer_shape

REPEATS = "repeats"
NOT_REPEATS, NOT_A_REPEAT, NOT_INSTANCES = "not_repeats", "not_a_repeat", "not_instances"
REPEAT_MESSAGES: Mapping[str, str] = {
    NOT_REPEATS: N_("must be an object of instances by repeat name"),
    NOT_A_REPEAT: N_("is not a repeat asked here: a repeat inside another goes in each of its instances"),
    NOT_INSTANCES: N_("must be a list of instances, each an object of answers by question name"),
}
Instances = dict[str, list[dict[str, object]]]  # by instances_key, as validate_instances reads them


def read_repeats(definition: Definition, sent: object) -> tuple[Instances, dict[str, AnswerError]]:
    """The instances a record's "repeats" holds, by instances_key, or what is wrong with their shape.

    An error is named as validate_instances names one: a question by its instance's path
    (child_name.1.2), a repeat's instances by instances_key (child.1).
    """
    if not isinstance(sent, dict):
        return {}, {REPEATS: AnswerError(NOT_REPEATS)}
    instances: Instances = {}
    errors: dict[str, AnswerError] = {}

    def read(repeat: Repeat, made: object, parent: str) -> None:
        key = instances_key(repeat.name, parent)
        if not isinstance(made, list) or not all(isinstance(i, dict) for i in made):
            errors[key] = AnswerError(NOT_INSTANCES)
            return
        nested = {r.name: r for r in repeat.nested}
        instances[key] = []
        for position, instance in enumerate(made, start=1):
            path = instance_path(parent, position)
            answers: dict[str, object] = {}
            for name, value in instance.items():
                if name in nested:
                    read(nested[name], value, path)
                elif is_answer_shape(value):
                    answers[str(name)] = value
                elif name in definition.repeats:  # instances of a repeat that is not inside this one
                    errors[instances_key(str(name), path)] = AnswerError(NOT_A_REPEAT)
                else:
                    errors[f"{name}{INSTANCE_MARK}{path}"] = AnswerError(SHAPE)
            instances[key].append(answers)

    tops = {r.name: r for r in definition.top_repeats}
    for name, made in sent.items():
        if name in tops:
            read(tops[name], made, "")
        else:
            errors[str(name)] = AnswerError(NOT_A_REPEAT)
    return instances, errors
