"""sum() and count() over a repeat: checking one submission of a household form with 5, 20 and 50
instances, next to the same form without them measured in the same run, and their ratio.

The check is what the server does with a resident's answers on submit: validate_answers (the form's
calculations, relevance and constraints, which read the instances) and validate_instances (each
instance's, an outer instance reading its own nested ones). The form with aggregates adds a total
(sum of ages), a count, a question relevant when the count is over 2 and a constraint comparing with
it; the baseline has the same questions with expressions that read no repeat."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

SIZES = (5, 20, 50)
ROUNDS = 7
CHECKS = 200  # submissions checked per round
TODAY = date(2026, 11, 30)


def _form(aggregates: bool) -> dict[str, Any]:
    """The household form, with sum() and count() or with expressions of the same shape that read no repeat."""
    total = "sum(${member_age})" if aggregates else "${adults} + 0"
    many = "count(${member})" if aggregates else "${adults} * 1"
    return {
        "form_id": "household",
        "title": "Household",
        "questions": [
            {
                "name": "member",
                "type": "repeat",
                "label": "Member",
                "questions": [
                    {"name": "member_name", "type": "text", "label": "Name"},
                    {"name": "member_age", "type": "integer", "label": "Age", "constraint": ". < 120"},
                ],
            },
            {"name": "adults", "type": "integer", "label": "Adults", "constraint": f". <= {many}"},
            {"name": "total", "type": "calculate", "calculation": total},
            {"name": "members", "type": "calculate", "calculation": many},
            {"name": "crowded", "type": "text", "label": "Together ${total} years", "relevant": f"{many} > 2"},
        ],
    }


def _best(work: Callable[[], None]) -> float:
    """Seconds per check: the shortest of a few rounds, the one least disturbed by a busy machine."""
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CHECKS):
            work()
        timings.append((time.perf_counter() - start) / CHECKS)
    return min(timings)


def _check(definition: Any, raw: dict[str, str], typed: dict[str, list[dict[str, str]]]) -> None:
    """What the server does with one submission's answers."""
    from survey.questionnaire.validate import validate_answers, validate_instances

    validate_answers(definition, raw, "en", today=TODAY, typed=typed)
    validate_instances(definition, raw, typed, "en", today=TODAY)


def run() -> None:
    """Print the figures."""
    from survey.questionnaire import parse_definition

    print("== sum() and count() over a repeat: checking one submission ==")
    forms = {aggregates: parse_definition(_form(aggregates)) for aggregates in (False, True)}
    for size in SIZES:
        typed = {"member": [{"member_name": f"person {n}", "member_age": str(20 + n)} for n in range(size)]}
        raw = {"adults": "3", "crowded": "yes"}  # the same relevance and constraint hold in both forms
        seconds = {}
        for aggregates, definition in forms.items():
            seconds[aggregates] = _best(partial(_check, definition, raw, typed))
        print(
            f"{size:>3} instances: without aggregates {seconds[False] * 1000:.3f} ms, "
            f"with sum() and count() {seconds[True] * 1000:.3f} ms, ratio {seconds[True] / seconds[False]:.2f}"
        )


if __name__ == "__main__":
    run()
