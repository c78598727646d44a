"""Where sum() and count() over a repeat can be honoured, and the refusal of the rest."""

# sum(${q}) and count(${q}) read every instance of q's repeat. Voces hands those instances to the
# expressions evaluated outside the repeat (the form's calculations, relevance and constraints)
# and, for a repeat inside another, to those of each instance of the repeat around it. Elsewhere
# the instances are not known yet, or are not handed over: an aggregate there would quietly read
# no instance at all, so the form is refused at import instead.

from __future__ import annotations

from collections.abc import Iterator, Mapping

from survey.questionnaire.expressions import Binary, Call, Negate, Node, Reference, parse
from survey.questionnaire.expressions.parsing import AGGREGATES
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.model import Definition, Group, Item, Repeat
from survey.questionnaire.rules import DefinitionError, choice_filter_expression

NOT_REPEATED = N_(
    "%(function)s(${%(name)s}): %(name)s is not inside a repeat; %(function)s() reads a repeat's instances"
)
WHOLE_REPEAT = N_("sum(${%(name)s}): %(name)s is a repeat; sum() adds up a question inside it")
OWN_REPEAT = N_(
    "%(function)s(${%(name)s}) cannot be used inside the repeat %(repeat)s it reads; use it outside that repeat"
)
OUTSIDE_ONLY = N_(
    "%(function)s(${%(name)s}) can be used only outside every repeat, where all the instances of %(repeat)s are known"
)
IN_PARENT_ONLY = N_(
    "%(function)s(${%(name)s}) reads %(repeat)s, a repeat inside %(parent)s: use it in %(parent)s, "
    "where it reads the instances of each %(parent)s"
)
NOT_TYPED = N_("sum(${%(name)s}): %(name)s is not typed by the resident; sum() adds up only typed answers")
NOT_HERE = N_("%(function)s() cannot be used in %(column)s: Voces does not read a repeat's instances there")


def aggregate_calls(expression: str) -> Iterator[tuple[str, str]]:
    """Each sum() or count() in an expression: the function and the name it reads."""
    stack: list[Node] = [parse(expression)]
    while stack:
        node = stack.pop()
        if isinstance(node, Call):
            if node.name in AGGREGATES and isinstance(node.arguments[0], Reference):
                yield node.name, node.arguments[0].name
            stack.extend(node.arguments)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Negate):
            stack.append(node.operand)


def check_aggregates(definition: Definition) -> None:
    """Refuse a sum() or count() that Voces cannot honour where it stands."""
    repeats = definition.repeats
    for repeat in repeats.values():
        for column, expression in (("relevant", repeat.relevant), ("repeat_count", repeat.count)):
            _refuse_any(expression, column, question=repeat.name)
    for group in definition.groups.values():
        if group.relevant and _holds_repeat(group.items):  # read when counting its repeats' instances
            _refuse_any(group.relevant, "relevant", question=group.name)
        elif group.relevant:
            _check_reach(definition, group.relevant, _repeat_of_group(definition, group.name), "relevant", group.name)
    for q in definition.every_question:
        _refuse_any(q.required_if, "required", question=q.name)
        if q.choice_filter:
            _refuse_any(choice_filter_expression(q.choice_filter), "choice_filter", question=q.name)
        for column in ("relevant", "constraint", "calculation"):
            _check_reach(definition, getattr(q, column), q.repeat, column, q.name)


def _refuse_any(expression: str, column: str, *, question: str) -> None:
    for function, _name in aggregate_calls(expression) if expression else ():
        message = Message(NOT_HERE, {"function": function, "column": column})
        raise DefinitionError(str(message), question=question, column=column, message=message)


def _check_reach(definition: Definition, expression: str, scope: str, column: str, question: str) -> None:
    """Refuse an aggregate whose repeat's instances are not those handed to the scope (a repeat, or '' outside)."""
    for function, name in aggregate_calls(expression) if expression else ():
        template, params = _problem(definition, function, name, scope)
        if template:
            message = Message(template, {"function": function, "name": name, **params})
            raise DefinitionError(str(message), question=question, column=column, message=message)


def _problem(definition: Definition, function: str, name: str, scope: str) -> tuple[str, dict[str, str]]:
    """What is wrong with function(${name}) evaluated in scope: a template and its parameters, or ('', {})."""
    repeats = definition.repeats
    if name in repeats:
        if function == "sum":
            return WHOLE_REPEAT, {}
        target = repeats[name]
    else:
        question = next(q for q in definition.every_question if q.name == name)
        if not question.repeat:
            return NOT_REPEATED, {}
        if function == "sum" and (question.kind.calculated or question.read_only or not question.shown):
            return NOT_TYPED, {}
        target = repeats[question.repeat]
    if target.name in _around(repeats, scope):
        return OWN_REPEAT, {"repeat": target.name}
    if target.parent == scope:
        return "", {}
    if not target.parent:
        return OUTSIDE_ONLY, {"repeat": target.name}
    return IN_PARENT_ONLY, {"repeat": target.name, "parent": target.parent}


def _around(repeats: Mapping[str, Repeat], scope: str) -> list[str]:
    """The repeat named scope and those it is inside, innermost first."""
    found: list[str] = []
    while scope:
        found.append(scope)
        scope = repeats[scope].parent
    return found


def _repeat_of_group(definition: Definition, group: str) -> str:
    """The innermost repeat a group is inside; '' if none."""
    inside = [r.name for r in definition.repeats.values() if group in r.group_names]
    return max(inside, key=lambda name: len(_around(definition.repeats, name)), default="")


def _holds_repeat(items: tuple[Item, ...]) -> bool:
    """Whether a repeat stands among these items, however deeply in their groups."""
    return any(isinstance(i, Repeat) or (isinstance(i, Group) and _holds_repeat(i.items)) for i in items)
