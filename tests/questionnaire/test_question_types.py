"""Each question type answers for its own default, field data, stored value and XLSForm row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from survey.questionnaire import parse_definition
from survey.questionnaire.question_types import QUESTION_TYPES

# A date asked as a month and as a year (the web form and tablet tests ask it too).
MONTHS = {
    "form_id": "moves",
    "version": "1",
    "title": {"en": "Moves", "es": "Mudanzas"},
    "questions": [
        {"name": "moved", "type": "date", "label": {"en": "When did you move here?"}, "appearance": "month-year"},
        {"name": "born", "type": "date", "label": {"en": "Year you were born"}, "appearance": "year"},
        {"name": "why", "type": "text", "label": {"en": "Why in March?"}, "relevant": "${moved} = '2026-03-01'"},
    ],
}

DEFINITION = parse_definition(
    {
        "form_id": "kinds",
        "version": "1",
        "title": {"en": "Kinds"},
        "choices": {"scale": [{"name": str(n), "label": {"en": str(n)}} for n in range(1, 6)]},
        "questions": [
            {"name": "story", "type": "text", "label": {"en": "Story"}, "appearance": "multiline"},
            {"name": "line", "type": "text", "label": {"en": "Line"}, "default": "hello"},
            {"name": "age", "type": "integer", "label": {"en": "Age"}, "default": "30"},
            {"name": "height", "type": "decimal", "label": {"en": "Height"}, "default": "1.5"},
            {"name": "when", "type": "date", "label": {"en": "When"}, "default": "2026-01-31"},
            {"name": "feel", "type": "select_one", "label": {"en": "Feel"}, "choices": "scale", "appearance": "likert"},
            {
                "name": "picks",
                "type": "select_multiple",
                "label": {"en": "Picks"},
                "choices": "scale",
                "default": "1 3",
            },
            {"name": "where", "type": "site", "label": {"en": "Where"}},
            {"name": "spot", "type": "geopoint", "label": {"en": "Spot"}, "default": "1.8 -78.7 0 5"},
            {"name": "track", "type": "geotrace", "label": {"en": "Track"}},
            {"name": "field", "type": "geoshape", "label": {"en": "Field"}},
            {"name": "at", "type": "time", "label": {"en": "At"}},
            {"name": "since", "type": "datetime", "label": {"en": "Since"}},
            {"name": "photo", "type": "image", "label": {"en": "Photo"}},
            {"name": "voice", "type": "audio", "label": {"en": "Voice"}},
            {"name": "ok", "type": "acknowledge", "label": {"en": "OK?"}, "default": "OK"},
            {"name": "info", "type": "note", "label": {"en": "Info"}},
            {"name": "twice", "type": "calculate", "calculation": "${age} * 2"},
        ],
    }
)


def test_every_supported_type_has_its_class():
    assert set(QUESTION_TYPES) == {
        "text",
        "integer",
        "decimal",
        "date",
        "time",
        "datetime",
        "geopoint",
        "geotrace",
        "geoshape",
        "image",
        "audio",
        "video",
        "file",
        "barcode",
        "select_one",
        "select_multiple",
        "site",
        "acknowledge",
        "note",
        "calculate",
    }
    assert all(kind.name == name for name, kind in QUESTION_TYPES.items())


def test_every_type_an_xlsform_names_is_read_by_the_spellings_its_class_gives():
    from survey.questionnaire.xlsform.columns import SELECT_TYPES, SIMPLE_TYPES, XLSFORM_TYPES

    assert set(XLSFORM_TYPES.values()) == set(QUESTION_TYPES) - {"site"}  # a site is a select_one of the sites
    assert SIMPLE_TYPES | set(SELECT_TYPES) == set(XLSFORM_TYPES)
    assert SELECT_TYPES == {
        "select_one": "select_one",
        "select one": "select_one",
        "select_multiple": "select_multiple",
        "select all that apply": "select_multiple",
    }


@pytest.mark.parametrize(
    ("name", "default", "field_data", "answer"),
    [
        ("line", "hello", "hi", "hi"),
        ("age", 30, 41, "41"),
        ("height", Decimal("1.5"), Decimal("1E+1"), "10"),
        ("when", date(2026, 1, 31), date(2026, 2, 1), "2026-02-01"),
        ("picks", ["1", "3"], ["2", "4"], "2 4"),
        ("ok", True, False, ""),
        ("spot", "1.8 -78.7 0 5", "1.8 -78.7 0 5", "1.8 -78.7 0 5"),
        ("track", None, "1 2\n1.5 2.5 0 3\n", "1 2;1.5 2.5 0 3"),
    ],
)
def test_a_type_turns_its_default_into_field_data_and_field_data_into_an_answer(name, default, field_data, answer):
    question = DEFINITION.question(name)
    assert question.kind.field_default(question) == default
    assert question.kind.from_field(field_data) == answer


def test_the_field_kind_follows_the_type_and_a_multiline_text_gets_a_text_area():
    kinds = {q.name: q.kind.field_kind(q) for q in DEFINITION.questions if q.shown and q.stored}
    assert kinds == {
        "story": "textarea",
        "line": "text",
        "age": "integer",
        "height": "decimal",
        "when": "date",
        "feel": "radio",
        "picks": "checkboxes",
        "where": "site",
        "ok": "checkbox",
        "spot": "geopoint",
        "track": "geopoints",
        "field": "geopoints",
        "at": "time",
        "since": "datetime",
        "photo": "file",
        "voice": "file",
    }


def test_integers_decimals_and_likert_answers_are_stored_as_numbers_too():
    numbers = {q.name: q.kind.stored_number(q, "3") for q in DEFINITION.questions if q.stored}
    assert numbers["age"] == 3.0 and numbers["feel"] == 3.0 and numbers["height"] == 3.0
    height = DEFINITION.question("height")
    assert height.kind.stored_number(height, "1.75") == 1.75
    assert numbers["picks"] is None and numbers["line"] is None


def test_each_type_writes_its_xlsform_type():
    rows = {q.name: q.kind.xlsform_type(q) for q in DEFINITION.questions}
    assert rows["feel"] == "select_one scale"
    assert rows["picks"] == "select_multiple scale"
    assert rows["where"] == "select_one sites"
    assert rows["age"] == "integer" and rows["twice"] == "calculate"


def test_a_tablets_yes_counts_as_an_acknowledgement():
    question = DEFINITION.question("ok")
    assert [question.kind.normalise(question, v) for v in ("yes", "TRUE", "1", "no")] == ["OK", "OK", "OK", "no"]


def test_a_date_default_is_checked_like_a_date_answer():
    from survey.questionnaire import DefinitionError

    week_date = {"name": "when", "type": "date", "label": {"en": "When"}, "default": "2026-W01-1"}
    with pytest.raises(DefinitionError, match="default '2026-W01-1' is not a possible answer"):
        parse_definition({"form_id": "d", "version": "1", "title": {"en": "D"}, "questions": [week_date]})


@pytest.mark.parametrize(
    ("name", "value", "wrong"),
    [
        ("spot", "1.8 -78.7", False),
        ("spot", "1.8 -78.7 12.5 4", False),
        ("spot", "91 0 0 0", True),
        ("spot", "0 -181", True),
        ("spot", "1.8 -78.7 0 -1", True),
        ("spot", "north east", True),
        ("spot", "1.8", True),
        ("spot", "1 2 3 4 5", True),
        ("track", "1 2;1.1 2.1", False),
        ("track", "1 2", True),
        ("field", "1 2;1.1 2.1", True),
        ("field", "1 2\n1.1 2.1\n1 2.2", False),
        ("field", "1 2;1.1 2.1;95 2", True),
        ("at", "07:30", False),
        ("at", "07:30:15.250-05:00", False),
        ("at", "24:00", True),
        ("at", "7.30", True),
        ("since", "2026-12-03T07:30", False),
        ("since", "2026-12-03T07:30:00.000Z", False),
        ("since", "2026-12-03", True),
        ("since", "2026-13-03T07:30", True),
    ],
)
def test_places_and_times_are_checked_as_odk_writes_them(name, value, wrong):
    question = DEFINITION.question(name)
    assert (question.kind.problem(question, value, (), ()) is not None) is wrong


def test_a_photo_and_a_recording_take_only_their_kind_of_file_and_are_named_by_it():
    photo, voice = DEFINITION.question("photo"), DEFINITION.question("voice")
    assert photo.kind.accepts("image/jpeg") and not photo.kind.accepts("audio/ogg")
    assert voice.kind.accepts("audio/ogg") and not voice.kind.accepts("text/html")
    assert voice.kind.to_transcribe and not photo.kind.to_transcribe

    class Sent:
        filename = "plaza.jpg"

    assert photo.kind.from_field(Sent()) == "plaza.jpg" and photo.kind.from_field(None) == ""
    assert photo.kind.problem(photo, "x" * 201, (), ()) is not None


@pytest.mark.parametrize(
    ("appearance", "sent", "stored", "field"),
    [
        ("month-year", "2026-03", "2026-03-01", "month"),
        ("month-year", "2026-3", "2026-03-01", "month"),
        ("month-year", "2026-03-17", "2026-03-01", "month"),  # a tablet's or ODK Collect's whole date
        ("year", "2026", "2026-01-01", "year"),
        ("year", "2026-07-04", "2026-01-01", "year"),
        ("", "2026-03-17", "2026-03-17", "date"),
    ],
)
def test_a_month_or_a_year_is_kept_as_its_first_day(appearance, sent, stored, field):
    from survey.questionnaire.validate import validate_answers

    asked = {"name": "when", "type": "date", "label": {"en": "When"}, "appearance": appearance}
    definition = parse_definition({"form_id": "d", "version": "1", "title": {"en": "D"}, "questions": [asked]})
    question = definition.question("when")
    assert question.kind.field_kind(question) == field
    assert validate_answers(definition, {"when": sent}, "en") == ({"when": stored}, {})


@pytest.mark.parametrize(
    ("appearance", "sent"), [("month-year", "March 2026"), ("month-year", "2026-13"), ("year", "26")]
)
def test_what_names_no_month_or_year_is_refused_as_a_date(appearance, sent):
    from survey.questionnaire.validate import validate_answers

    asked = {"name": "when", "type": "date", "label": {"en": "When"}, "appearance": appearance}
    definition = parse_definition({"form_id": "d", "version": "1", "title": {"en": "D"}, "questions": [asked]})
    answers, errors = validate_answers(definition, {"when": sent}, "en")
    assert answers == {} and errors["when"].code == "date"
