"""Importing surveys as versions."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from survey.models import SurveyStatus
from survey.questionnaire import missing_translations, parse_definition
from survey.services.demo import EXAMPLE_SURVEY
from survey.services.surveys import (
    SurveyImportError,
    current_version,
    definition_of,
    get_survey,
    import_survey,
    open_survey,
    read_survey,
    read_survey_file,
)


def test_import_creates_a_draft_until_published(db):
    version = import_survey(read_survey_file(EXAMPLE_SURVEY))
    assert version.survey.status == SurveyStatus.DRAFT
    assert open_survey("community-safety") is None
    import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    assert open_survey("community-safety")[0].id == version.id


def test_same_version_again_changes_nothing(db):
    first = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    again = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    assert first.id == again.id and len(first.survey.versions) == 1


def test_changed_form_needs_a_new_version(db):
    data = read_survey_file(EXAMPLE_SURVEY)
    import_survey(data, publish=True)
    changed = copy.deepcopy(data)
    changed["title"]["en"] = "Changed"
    with pytest.raises(SurveyImportError, match="already exists with other content"):
        import_survey(changed)
    changed["version"] = "2026.12.2"
    new = import_survey(changed, publish=True)
    assert current_version(new.survey).version == "2026.12.2"
    assert len(new.survey.versions) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["questions"][0]["questions"][1].update(type="range"),  # the first group's second
            "question 3 (age_band): type 'range' is not supported",  # counted with the group
        ),
        (lambda d: d["questions"][0]["questions"][1].update(choices="nope"), "choice list 'nope' is not defined"),
        (lambda d: d["questions"][1]["questions"][0].update(name="age_band"), "is used twice"),
        (lambda d: d.pop("form_id"), "field form_id is missing"),
    ],
)
def test_broken_definitions_are_refused_with_the_question_named(db, change, message):
    data = read_survey_file(EXAMPLE_SURVEY)
    change(data)
    with pytest.raises(SurveyImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_survey(data)


def small_survey(**question: object) -> dict:
    """A one-question survey plus a yes/no question, with the given fields on the first question."""
    return {
        "form_id": "small",
        "version": "1",
        "title": {"en": "Small", "es": "Pequeña"},
        "questions": [
            {"name": "used", "type": "select_one", "choices": "yes_no", "label": {"en": "Used?", "es": "¿Usó?"}},
            {"name": "q", "type": "text", "label": {"en": "Q", "es": "P"}, **question},
        ],
        "choices": {
            "yes_no": [
                {"name": "yes", "label": {"en": "Yes", "es": "Sí"}},
                {"name": "no", "label": {"en": "No", "es": "No"}},
            ]
        },
    }


def test_yaml_takes_the_xlsform_types_and_columns(db):
    data = small_survey(
        relevant="${used} = 'yes'",
        constraint="string-length(.) <= 20",
        constraint_message={"en": "Shorter.", "es": "Más corto."},
        default="none",
    )
    data["questions"].append(
        {
            "name": "about",
            "type": "group",
            "label": {"en": "About", "es": "Sobre"},
            "relevant": "${used} != ''",
            "questions": [
                {"name": "when", "type": "date", "label": {"en": "When", "es": "Cuándo"}, "constraint": ". <= today()"},
                {
                    "name": "which",
                    "type": "select_multiple",
                    "choices": "yes_no",
                    "choice_filter": "name != 'no'",
                    "label": {"en": "Which", "es": "Cuál"},
                },
                {"name": "ok", "type": "acknowledge", "label": {"en": "OK", "es": "Vale"}},
                {"name": "n", "type": "note", "label": {"en": "Note", "es": "Nota"}},
                {"name": "c", "type": "calculate", "calculation": "concat(${used}, '!')"},
                {"name": "d", "type": "decimal", "label": {"en": "D", "es": "D"}, "read_only": True, "default": "2.5"},
            ],
        }
    )
    version = import_survey(data)
    definition = parse_definition(version.definition)
    assert [q.name for q in definition.questions] == ["used", "q", "when", "which", "ok", "n", "c", "d"]
    assert definition.question("when").groups == ("about",)
    assert definition.groups["about"].relevant == "${used} != ''"
    assert definition.question("q").constraint_message == {"en": "Shorter.", "es": "Más corto."}


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"relevance": "${used} = 'yes'"}, "question 2 (q): field 'relevance' is not supported"),
        ({"relevant": "${used} = "}, "question 2 (q): relevant '${used} = ': unexpected end of expression"),
        ({"constraint": "${nobody} > 1"}, "unknown question 'nobody'"),
        ({"relevant": "${q} = ''"}, "relevant or calculation goes round in a circle (q -> q)"),
        ({"type": "integer", "testimony": True}, "only a text question can be a testimony"),
        ({"type": "select_one", "choices": "yes_no", "appearance": "likert"}, "must be named by numbers"),
        ({"type": "select_one", "choices": "yes_no", "bind": "consent"}, "consent choice 'no' is not one of"),
        ({"type": "date", "default": "yesterday"}, "default 'yesterday' is not a possible answer"),
        ({"required": "yes"}, "required must be true or false"),
        ({"type": "calculate"}, "a calculate question needs a calculation"),
        ({"choice_filter": "x = 1"}, "only a select question can have a choice_filter"),
        (
            {"read_only": True, "required": True},
            "question 2 (q): a read-only question that is required needs a default",
        ),
        (
            {"read_only": True, "default": "toolong", "constraint": "string-length(.) < 3"},
            "question 2 (q): default 'toolong' breaks the question's own constraint",
        ),
    ],
)
def test_yaml_logic_that_voces_cannot_honour_is_refused(db, question, message):
    with pytest.raises(SurveyImportError, match=re.escape(message)):
        import_survey(small_survey(**question))
    assert get_survey("small") is None or not get_survey("small").versions


def test_a_read_only_default_is_checked_only_where_it_can_be_decided_on_import(db):
    version = import_survey(
        small_survey(read_only=True, required=True, default="ab", constraint="string-length(.) < 3 and . != ${used}")
    )
    assert parse_definition(version.definition).question("q").read_only


def test_missing_translations_in_yaml_are_warnings(tmp_path):
    data = small_survey(hint={"en": "Only in English"})
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert read_survey(path).warnings == ["question q: hint has no es text"]


def test_the_example_asks_about_support_only_of_those_who_used_it():
    definition = parse_definition(read_survey_file(EXAMPLE_SURVEY))
    follow_up = definition.question("support_experience")
    assert definition.version == "2026.12.1"
    assert follow_up.testimony and follow_up.relevant == "${support_used} = 'yes'"
    assert follow_up.constraint == "string-length(.) <= 2000"
    assert set(follow_up.constraint_message) == {"en", "es"}
    assert missing_translations(definition) == []


def test_a_select_one_named_consent_is_the_consent_question():
    data = read_survey_file(EXAMPLE_SURVEY)
    del data["questions"][-1]["questions"][-1]["bind"]
    assert parse_definition(data).question("consent").bind == "consent"


def test_a_plain_text_title_and_no_default_language_do_not_break_pages(db, client):
    from survey.models import SurveyVersion

    version = SurveyVersion(version="1", definition={"title": "Plain title", "questions": []})
    assert version.title("es") == "Plain title"
    version.definition = {"title": {"es": "Solo en español"}, "questions": []}
    assert version.title("en") == "Solo en español"


@pytest.mark.parametrize(("form_id", "ok"), [("a/b c?", False), ("x" * 101, False), ("community-safety_2", True)])
def test_form_ids_must_fit_an_address(db, form_id, ok):
    data = read_survey_file(EXAMPLE_SURVEY)
    data["form_id"] = form_id
    if ok:
        assert import_survey(data).survey.slug == form_id
    else:
        with pytest.raises(SurveyImportError, match="form_id must be"):
            import_survey(data)


def test_a_yaml_date_is_read_as_text(db, tmp_path):
    text = EXAMPLE_SURVEY.read_text(encoding="utf-8").replace('version: "2026.12.1"', "version: 2026-05-01")
    path = tmp_path / "dated.yaml"
    path.write_text(text, encoding="utf-8")
    assert import_survey(read_survey_file(path)).version == "2026-05-01"


def test_a_stored_definition_is_parsed_once_and_again_when_its_content_changes(example_survey, db):
    first = definition_of(example_survey)
    assert definition_of(example_survey) is first
    example_survey.definition = dict(example_survey.definition, title={"en": "Renamed", "es": "Renombrada"})
    assert definition_of(example_survey).title["en"] == "Renamed"


def test_a_version_stored_before_its_metadata_was_read_is_the_same_version_imported_again(db):
    data = read_survey_file(EXAMPLE_SURVEY)
    first = import_survey(data, publish=True)
    again = import_survey({**data, "metadata": ["deviceid"]}, publish=True)  # the workbook read as now
    assert again.id == first.id and "metadata" not in again.definition
    unnumbered = {k: v for k, v in data.items() if k != "version"}
    later = import_survey(unnumbered)
    assert import_survey({**unnumbered, "metadata": ["username"]}).id == later.id
    with pytest.raises(SurveyImportError, match="metadata must be a list of deviceid, username"):
        import_survey({**data, "metadata": ["phonenumber"]})
