"""The form settled with its repeats' instances: each instance's state, and what sum() and count() read."""

# sum(${q}) and count() read a repeat's instances as ODK reads them while the form is filled in: a
# question that does not apply in an instance (by its own relevant, or a group's around it in the
# instance) reads as empty there, whatever was typed before it stopped applying, as JavaRosa reads a
# node that is not relevant (XPathPathExpr.getRefValue) and as Enketo clears one. sum() then gives
# NaN, as for an answer left empty, and count() still counts the instance; the stored instance
# leaves the answer out. Only the instances the form keeps are read: none for a repeat that does not
# apply, as many as a repeat_count makes. What applies in an instance may follow from the answers
# around it, and those from a sum() of the instances: a scope (the form, or one instance) and the
# instances of the repeats inside it are worked out together until neither changes.
# survey/static/js/form-logic.js does the same in the browser.

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from survey.questionnaire.logic import (
    MAX_INSTANCES,
    FormState,
    Instances,
    instance_count,
    resolve_form,
    resolve_instance,
)
from survey.questionnaire.model import Definition, Repeat

INSTANCE_MARK = "."  # an instance's answer is named question.n, which no question name can be
# A chain of sums, each changing what applies to the next one summed, is seldom two long, and one
# that goes round is refused on import (rules.py): this only bounds the work.
ROUNDS = 10
# A calculation that gives a new value whenever it is worked out (once(uuid()) in a roster, now())
# would never let two rounds agree: whether the form has settled is judged without them.
VOLATILE = re.compile(r"\b(?:uuid|now)\s*\(")

# What was typed in a repeat's instances inside the instance at a path ('': the form's), every
# question of the repeat in each, '' when unanswered.
TypedIn = Callable[[Repeat, str], Sequence[Mapping[str, str]]]


@dataclass(frozen=True)
class Settled:
    """A scope worked out: the form, or one instance, with the instances of the repeats directly inside it."""

    state: FormState
    repeats: Instances  # the instances its indexed-repeat(), sum() and count() read
    inner: Mapping[str, Sequence[Settled]]  # by repeat name


def instance_path(parent: str, position: int) -> str:
    """An instance's path: its number, after the path of the instance it is inside ("2.1": outer 2, inner 1)."""
    return f"{parent}{INSTANCE_MARK}{position}" if parent else str(position)


def instances_key(repeat: str, parent: str) -> str:
    """How a repeat's instances inside one instance of the repeat around it are keyed: child.2 (in the 2nd)."""
    return f"{repeat}{INSTANCE_MARK}{parent}" if parent else repeat


def split_instances_key(key: str) -> tuple[str, str]:
    """The repeat and the path of the instance they are inside, from a key instances_key made."""
    repeat, _mark, parent = key.partition(INSTANCE_MARK)
    return repeat, parent


def settle_form(
    definition: Definition,
    answers: Mapping[str, str],
    typed: TypedIn,
    today: date | None = None,
    *,
    count_limit: int = MAX_INSTANCES,
    keep_made: bool = False,
    language: str = "",
) -> Settled:
    """The form and every instance of its repeats, however deeply nested, for what the resident typed.

    keep_made: a count reading an answer that breaks its constraint keeps the instances typed
    (logic.instance_count), for a page shown again with that error. language: the one the form is
    filled in, whose choice labels jr:choice-name() gives (by default the form's own).
    """

    def resolve(inside: Instances) -> FormState:
        return resolve_form(definition, answers, today, inside, language)

    work = _Work(definition, typed, today, count_limit, keep_made, language)
    return work.scope(resolve, definition.top_repeats, {}, "")


def _applying(repeat: Repeat, instance: Settled) -> dict[str, str]:
    """An instance's answers as the expressions around it read them: '' where a question does not apply."""
    values = instance.state.values
    return {q.name: values[q.name] for q in repeat.questions}


def _steady(read: Instances, nested: Sequence[Repeat]) -> Instances:
    """What two rounds must agree on: every answer of the instances but those worked out anew each time."""
    volatile = {q.name for r in nested for q in r.questions if q.calculation and VOLATILE.search(q.calculation)}
    if not volatile:
        return read
    return {key: [{k: v for k, v in i.items() if k not in volatile} for i in made] for key, made in read.items()}


@dataclass(frozen=True)
class _Work:
    """What settling the form reads throughout."""

    definition: Definition
    typed: TypedIn
    today: date | None
    count_limit: int
    keep_made: bool = False
    language: str = ""

    def scope(
        self, resolve: Callable[[Instances], FormState], nested: Sequence[Repeat], around: Instances, path: str
    ) -> Settled:
        """A scope, given how to resolve it for the instances inside it, settled with those instances."""
        inside: Instances = {r.name: self.typed(r, path) for r in nested}  # at first, as typed
        for _ in range(ROUNDS):
            state = resolve(inside)
            repeats = {**around, **inside}
            inner = {r.name: self.instances(r, state, path, repeats) for r in nested}
            read = {r.name: [_applying(r, i) for i in inner[r.name]] for r in nested}
            if _steady(read, nested) == _steady(inside, nested):
                break
            inside = read
        return Settled(state, repeats, inner)

    def instances(self, repeat: Repeat, around: FormState, parent: str, in_scope: Instances) -> list[Settled]:
        """A repeat's instances inside one scope: as many as the form keeps, each settled."""
        made = list(self.typed(repeat, parent))
        count = instance_count(
            self.definition,
            repeat,
            around,
            len(made),
            self.today,
            count_limit=self.count_limit,
            keep_made=self.keep_made,
            position=int(parent.rsplit(".", 1)[-1]) if parent else None,
            repeats=in_scope,
            language=self.language,
        )
        empty = dict.fromkeys((q.name for q in repeat.questions), "")
        own = (made + [empty] * count)[:count]
        repeats = {**in_scope, repeat.name: own}  # its own repeat's, as typed, for indexed-repeat()
        settled = []
        for position in range(1, count + 1):

            def resolve(inside: Instances, position: int = position) -> FormState:
                return resolve_instance(
                    self.definition, repeat, around, own, position, self.today, {**repeats, **inside}, self.language
                )

            settled.append(self.scope(resolve, repeat.nested, repeats, instance_path(parent, position)))
        return settled
