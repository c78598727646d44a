"""Answers from tablets and queue files, checked by the survey's own rules."""

from __future__ import annotations

from survey.questionnaire import parse_definition
from survey.questionnaire.validate import validate_answers

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


SITED = parse_definition(
    {
        "form_id": "s",
        "version": "1",
        "title": {"en": "S"},
        "questions": [{"name": "where", "type": "site", "label": {"en": "Where"}, "required": True}],
    }
)


def test_a_site_is_one_of_the_known_sites_handed_in():
    answers, errors = validate_answers(SITED, {"where": "norte"}, "en", known_sites={"norte", "sur"})
    assert errors == {} and answers == {"where": "norte"}
    _, errors = validate_answers(SITED, {"where": "oeste"}, "en", known_sites={"norte", "sur"})
    assert set(errors) == {"where"}


def test_problems_are_codes_for_the_interface_to_word_and_the_surveys_own_words_are_kept():
    _, errors = validate_answers(DEFINITION, {"ack": "", "age": "x", "when": "2026-02-30"}, "en")
    assert {name: error.code for name, error in errors.items()} == {"ack": "required", "age": "integer", "when": "date"}
    assert errors["ack"].text == ""


LOCKED = parse_definition(
    {
        "form_id": "l",
        "version": "1",
        "title": {"en": "L"},
        "questions": [
            {"name": "most", "type": "integer", "label": {"en": "Most"}},
            {
                "name": "edition",
                "type": "integer",
                "label": {"en": "Edition"},
                "read_only": True,
                "default": "5",
                "constraint": ". < ${most}",
            },
            {"name": "home", "type": "site", "label": {"en": "Home"}, "read_only": True, "default": "atlantis"},
        ],
    }
)


def test_a_read_only_question_keeps_its_default_unchecked_since_nobody_can_change_it():
    answers, errors = validate_answers(
        LOCKED, {"most": "3", "edition": "9", "home": "norte"}, "en", known_sites={"norte"}
    )
    assert errors == {} and answers == {"most": "3", "edition": "5", "home": "atlantis"}


ONCE = parse_definition(
    {
        "form_id": "o",
        "version": "1",
        "title": {"en": "O"},
        "questions": [
            {"name": "age", "type": "integer", "label": {"en": "Age"}},
            {"name": "code", "type": "calculate", "calculation": "once(concat('c-', ${age}))"},
            {"name": "again", "type": "calculate", "calculation": "concat('c-', ${age})"},
        ],
    }
)


def test_once_keeps_the_value_a_calculation_already_had():
    answers, errors = validate_answers(ONCE, {"age": "3", "code": "c-1", "again": "c-1"}, "en")
    assert errors == {} and answers["code"] == "c-1" and answers["again"] == "c-3"


def test_once_calculates_when_there_is_no_value_yet():
    answers, _ = validate_answers(ONCE, {"age": "3"}, "en")
    assert answers["code"] == "c-3"


CHOICE_NAME = parse_definition(
    {
        "form_id": "n",
        "version": "1",
        "title": {"es": "N", "en": "N"},
        "default_language": "es",
        "choices": {
            "towns": [
                {"name": "tum", "label": {"es": "Tumaco", "en": "Tumaco (town)"}},
                {"name": "pas", "label": {"es": "Pasto", "en": "Pasto (city)"}},
            ]
        },
        "questions": [
            {"name": "town", "type": "select_one", "label": {"es": "Pueblo", "en": "Town"}, "choices": "towns"},
            {"name": "town_name", "type": "calculate", "calculation": "jr:choice-name(${town}, '${town}')"},
        ],
    }
)


def test_a_calculation_reads_the_chosen_label_in_the_language_the_form_is_filled_in():
    answers, errors = validate_answers(CHOICE_NAME, {"town": "pas"}, "en")
    assert errors == {} and answers["town_name"] == "Pasto (city)"
    assert validate_answers(CHOICE_NAME, {"town": "pas"}, "es")[0]["town_name"] == "Pasto"
    assert validate_answers(CHOICE_NAME, {"town": "pas"}, "fr")[0]["town_name"] == "Pasto"  # the form's own
