"""Settling a form: one pass when no question reads one asked after it, passes until nothing changes when one does."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from survey.questionnaire import logic, parse_definition
from survey.questionnaire.logic import resolve_form

TODAY = date(2026, 12, 6)


def form(doubled: str, *, member: str = "${member_age} > 17") -> dict[str, Any]:
    """People asked their count, a doubled figure, a question that applies when it is large, and a roster."""
    return {
        "form_id": "settling",
        "title": "Settling",
        "questions": [
            {"name": "adults", "type": "integer", "label": "Adults"},
            {"name": "doubled", "type": "calculate", "calculation": doubled},
            {"name": "why", "type": "text", "label": "Why so many?", "relevant": "${doubled} > 4"},
            {"name": "children", "type": "integer", "label": "Children"},
            {
                "name": "member",
                "type": "repeat",
                "label": "Member",
                "questions": [
                    {"name": "adult", "type": "calculate", "calculation": member},
                    {"name": "member_age", "type": "integer", "label": "Age"},
                ],
            },
        ],
    }


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every expression the form's logic evaluates, in order."""
    calls: list[str] = []
    real = logic.evaluate

    def counting(expression: str, *args: Any, **kwargs: Any) -> object:
        calls.append(expression)
        return real(expression, *args, **kwargs)

    monkeypatch.setattr(logic, "evaluate", counting)
    return calls


def test_questions_reading_only_earlier_ones_are_worked_out_once(evaluated):
    definition = parse_definition(form("${adults} * 2"))
    assert definition.reads_ahead == {"adult"}  # in the roster, the age comes after what reads it
    state = resolve_form(definition, {"adults": "3", "why": "a wedding"}, TODAY)
    assert (state.values["doubled"], state.relevant["why"], state.values["why"]) == ("6", True, "a wedding")
    assert (evaluated.count("${adults} * 2"), evaluated.count("${doubled} > 4")) == (1, 1)


def test_a_question_reading_one_asked_after_it_is_settled_all_the_same(evaluated):
    definition = parse_definition(form("${children} * 2", member="${adults} > 0"))
    assert definition.reads_ahead == {"doubled"}
    state = resolve_form(definition, {"adults": "1", "children": "3", "why": "twins"}, TODAY)
    assert (state.values["doubled"], state.relevant["why"], state.values["why"]) == ("6", True, "twins")
    assert evaluated.count("${children} * 2") > 1  # the first pass read children before its answer was in
