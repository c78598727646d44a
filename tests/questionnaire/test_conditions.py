"""A relevance that asks for one choice is recognised, so that the form can say it in words."""

from __future__ import annotations

import pytest

from survey.questionnaire.logic import ChosenCondition, chosen_condition


@pytest.mark.parametrize(
    "relevant",
    ["${used} = 'yes'", '${used}="yes"', "'yes' = ${used}", "selected(${used}, 'yes')"],
)
def test_one_choice_of_one_question_is_recognised(relevant):
    assert chosen_condition(relevant) == ChosenCondition("used", "yes")


@pytest.mark.parametrize(
    "relevant",
    ["${used} != 'yes'", "${visits} > 3", "${used} = 'yes' and ${age} = '18-24'", "${a} = ${b}", "${n} = 3", "(("],
)
def test_anything_else_is_not(relevant):
    assert chosen_condition(relevant) is None
