"""Answers from tablets and queue files, checked by the survey's own rules."""

from __future__ import annotations

from survey.services.answers import validate_answers
from survey.services.definition import parse_definition

DEFINITION = parse_definition(
    {
        "form_id": "t",
        "version": "1",
        "title": {"en": "T"},
        "questions": [
            {"name": "ack", "type": "acknowledge", "label": {"en": "I agree"}, "required": True},
            {"name": "story", "type": "text", "label": {"en": "Story"}, "relevant": "${ack} = 'OK'"},
            {"name": "age", "type": "integer", "label": {"en": "Age"}},
            {"name": "when", "type": "date", "label": {"en": "When"}},
        ],
    }
)


def test_acknowledgements_said_other_ways_count_as_ok():
    answers, errors = validate_answers(DEFINITION, {"ack": "yes", "story": "kept"}, "en")
    assert errors == {} and answers == {"ack": "OK", "story": "kept"}


def test_numbers_and_dates_must_be_plain():
    _, errors = validate_answers(DEFINITION, {"ack": "OK", "age": "²", "when": "20260101"}, "en")
    assert set(errors) == {"age", "when"}


def test_objects_are_not_answers():
    _, errors = validate_answers(DEFINITION, {"ack": "OK", "story": {"a": 1}}, "en")
    assert "story" in errors
