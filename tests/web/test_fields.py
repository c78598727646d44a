"""Every kind of field a question type asks for has its WTForms class."""

from __future__ import annotations

from survey.questionnaire import parse_definition
from survey.questionnaire.question_types import QUESTION_TYPES
from survey.web.public.fields import FIELD_CLASSES
from tests.questionnaire.test_question_types import DEFINITION, MONTHS


def test_every_field_kind_a_type_asks_for_is_in_the_table():
    asked = {q.kind.field_kind(q) for q in DEFINITION.questions if q.shown and q.stored}
    asked |= {q.kind.field_kind(q) for q in parse_definition(MONTHS).questions}  # a date asked as a month, a year
    assert {kind.field for kind in QUESTION_TYPES.values()} <= set(FIELD_CLASSES)
    assert asked == set(FIELD_CLASSES)
