"""XLSForm workbooks, written as Kobo users write them, imported into our definition and back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from survey.models import SurveyVersion
from survey.questionnaire import parse_definition
from survey.questionnaire.logic import allowed_choices, resolve_form
from survey.questionnaire.xlsform.reading import XLSFormError, read_xlsform
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import (
    SurveyImportError,
    export_xlsform,
    import_survey,
    read_survey,
    read_survey_file,
)
from tests.conftest import count

EN, ES = "English (en)", "Spanish (es)"

# One row per question, as a Kobo user fills the survey sheet: translated columns side by side,
# a group, a cascading choice_filter, a testimony shown only to some, constraints with messages.
SURVEY: list[dict[str, str]] = [
    {
        "type": "begin_group",
        "name": "where",
        f"label::{EN}": "Where you live",
        f"label::{ES}": "Dónde vive",
        "appearance": "field-list",
    },
    {
        "type": "select_one sites",
        "name": "site",
        f"label::{EN}": "Which community do you live in?",
        f"label::{ES}": "¿En qué comunidad vive?",
        "required": "yes",
    },
    {
        "type": "select_one department",
        "name": "department",
        f"label::{EN}": "Department",
        f"label::{ES}": "Departamento",
        "required": "yes",
        f"required_message::{EN}": "Choose your department.",
        f"required_message::{ES}": "Elija su departamento.",
    },
    {
        "type": "select_one municipality",
        "name": "municipality",
        f"label::{EN}": "Municipality",
        f"label::{ES}": "Municipio",
        "choice_filter": "department=${department}",
    },
    {"type": "end_group"},
    {
        "type": "select_one yes_no",
        "name": "used_services",
        f"label::{EN}": "Have you used addiction support services in the last year?",
        f"label::{ES}": "¿Ha usado servicios de apoyo para las adicciones en el último año?",
    },
    {
        "type": "text",
        "name": "support_story",
        "appearance": "multiline",
        "required": "yes",
        f"label::{EN}": "How was it?",
        f"label::{ES}": "¿Cómo le fue?",
        f"hint::{EN}": "No names, please.",
        f"hint::{ES}": "Sin nombres, por favor.",
        "relevant": "${used_services} = 'yes'",
        "constraint": "string-length(.) <= 200",
        f"constraint_message::{EN}": "Please write at most 200 characters.",
        f"constraint_message::{ES}": "Escriba como máximo 200 caracteres.",
    },
    {
        "type": "date",
        "name": "last_visit",
        f"label::{EN}": "When did you last go?",
        f"label::{ES}": "¿Cuándo fue la última vez?",
        "relevant": "${used_services} = 'yes'",
        "constraint": ". <= today()",
        f"constraint_message::{EN}": "The date cannot be in the future.",
        f"constraint_message::{ES}": "La fecha no puede estar en el futuro.",
    },
    {
        "type": "select_multiple services",
        "name": "services_used",
        f"label::{EN}": "Which services?",
        f"label::{ES}": "¿Qué servicios?",
        "relevant": "${used_services} = 'yes'",
    },
    {
        "type": "integer",
        "name": "visits",
        f"label::{EN}": "How many visits?",
        f"label::{ES}": "¿Cuántas visitas?",
        "constraint": ". >= 0 and . < 100",
        f"constraint_message::{EN}": "Between 0 and 99.",
        f"constraint_message::{ES}": "Entre 0 y 99.",
    },
    {
        "type": "decimal",
        "name": "distance_km",
        f"label::{EN}": "How far is it, in km?",
        f"label::{ES}": "¿A qué distancia está, en km?",
    },
    {
        "type": "note",
        "name": "privacy_note",
        f"label::{EN}": "Your answers are private.",
        f"label::{ES}": "Sus respuestas son privadas.",
    },
    {
        "type": "acknowledge",
        "name": "understood",
        f"label::{EN}": "I understand",
        f"label::{ES}": "Entiendo",
    },
    {
        "type": "text",
        "name": "interviewer_code",
        f"label::{EN}": "Code",
        f"label::{ES}": "Código",
        "default": "WEB",
        "read_only": "yes",
    },
    {
        "type": "calculate",
        "name": "place",
        "calculation": "concat(${department}, '/', ${municipality})",
    },
    {
        "type": "select_one consent",
        "name": "consent",
        f"label::{EN}": "How may we use your words?",
        f"label::{ES}": "¿Cómo podemos usar sus palabras?",
        "required": "yes",
    },
]
CHOICES: list[dict[str, str]] = [
    {
        "list_name": "department",
        "name": "antioquia",
        f"label::{EN}": "Antioquia",
        f"label::{ES}": "Antioquia",
    },
    {
        "list_name": "department",
        "name": "narino",
        f"label::{EN}": "Nariño",
        f"label::{ES}": "Nariño",
    },
    {
        "list_name": "municipality",
        "name": "medellin",
        f"label::{EN}": "Medellín",
        f"label::{ES}": "Medellín",
        "department": "antioquia",
    },
    {
        "list_name": "municipality",
        "name": "envigado",
        f"label::{EN}": "Envigado",
        f"label::{ES}": "Envigado",
        "department": "antioquia",
    },
    {
        "list_name": "municipality",
        "name": "pasto",
        f"label::{EN}": "Pasto",
        f"label::{ES}": "Pasto",
        "department": "narino",
    },
    {
        "list_name": "municipality",
        "name": "tumaco",
        f"label::{EN}": "Tumaco",
        f"label::{ES}": "Tumaco",
        "department": "narino",
    },
    {"list_name": "yes_no", "name": "yes", f"label::{EN}": "Yes", f"label::{ES}": "Sí"},
    {"list_name": "yes_no", "name": "no", f"label::{EN}": "No", f"label::{ES}": "No"},
    {
        "list_name": "services",
        "name": "clinic",
        f"label::{EN}": "A clinic",
        f"label::{ES}": "Una clínica",
    },
    {
        "list_name": "services",
        "name": "helpline",
        f"label::{EN}": "A helpline",
        f"label::{ES}": "Una línea de ayuda",
    },
    {
        "list_name": "services",
        "name": "group",
        f"label::{EN}": "A support group",
        f"label::{ES}": "Un grupo de apoyo",
    },
    {
        "list_name": "consent",
        "name": "quote",
        f"label::{EN}": "You may quote me",
        f"label::{ES}": "Pueden citarme",
    },
    {
        "list_name": "consent",
        "name": "internal",
        f"label::{EN}": "Do not quote me",
        f"label::{ES}": "No me citen",
    },
]
SETTINGS: dict[str, str] = {
    "form_title": "Support services",
    f"form_title::{ES}": "Servicios de apoyo",
    "form_id": "support-services",
    "version": "2026.1",
    "default_language": EN,
}


def write_xlsform(
    path: Path,
    survey: list[dict[str, str]] | None = None,
    choices: list[dict[str, str]] | None = None,
    settings: dict[str, str] | None = None,
) -> Path:
    """Write an XLSForm workbook with openpyxl: the Kobo form above unless told otherwise."""
    sheets: dict[str, list[dict[str, str]]] = {
        "survey": SURVEY if survey is None else survey,
        "choices": CHOICES if choices is None else choices,
        "settings": [SETTINGS if settings is None else settings],
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    workbook.save(path)
    return path


def changed(rows: list[dict[str, str]], name: str, **columns: str) -> list[dict[str, str]]:
    """A copy of the survey rows with one question's columns changed."""
    rows = copy.deepcopy(rows)
    for row in rows:
        if row.get("name") == name:
            row.update(columns)
    return rows


def question(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A question of a definition dict, looked for in groups too."""

    def walk(items: list[dict[str, Any]]) -> Any:
        for item in items:
            if item["name"] == name:
                return item
            found = walk(item.get("questions", []))
            if found:
                return found
        return None

    return walk(data["questions"])


def test_a_kobo_form_imports_into_our_definition(tmp_path):
    result = read_survey(write_xlsform(tmp_path / "kobo.xlsx"))
    data = result.definition
    assert result.warnings == []
    assert data["form_id"] == "support-services" and data["version"] == "2026.1"
    assert data["default_language"] == "en"
    assert data["title"] == {"en": "Support services", "es": "Servicios de apoyo"}
    group = question(data, "where")
    assert group["type"] == "group" and [q["name"] for q in group["questions"]] == [
        "site",
        "department",
        "municipality",
    ]
    assert question(data, "site") == {
        "name": "site",
        "type": "site",
        "required": True,
        "label": {"en": "Which community do you live in?", "es": "¿En qué comunidad vive?"},
    }
    assert "sites" not in data["choices"]  # sites are kept in Voces
    assert question(data, "municipality")["choice_filter"] == "department=${department}"
    assert data["choices"]["municipality"][0] == {
        "name": "medellin",
        "label": {"en": "Medellín", "es": "Medellín"},
        "department": "antioquia",
    }
    story = question(data, "support_story")
    assert story["testimony"] is True and story["relevant"] == "${used_services} = 'yes'"
    assert story["constraint_message"] == {
        "en": "Please write at most 200 characters.",
        "es": "Escriba como máximo 200 caracteres.",
    }
    assert parse_definition(data).question("consent").bind == "consent"  # it offers Voces' consent scopes
    assert question(data, "interviewer_code")["read_only"] is True
    assert question(data, "place") == {
        "name": "place",
        "type": "calculate",
        "calculation": "concat(${department}, '/', ${municipality})",
    }

    definition = parse_definition(data)
    assert [q.name for q in definition.testimonies] == ["support_story"]
    assert definition.question("municipality").groups == ("where",)
    assert definition.question("department").required_message["es"] == "Elija su departamento."


def test_each_missing_translation_is_a_warning_naming_sheet_and_row(tmp_path):
    survey = changed(SURVEY, "support_story", **{f"hint::{ES}": ""})
    choices = copy.deepcopy(CHOICES)
    del choices[1][f"label::{ES}"]
    result = read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey, choices=choices))
    assert result.warnings == [
        "survey sheet, row 8: hint has no Spanish (es) translation",
        "choices sheet, row 3: label has no Spanish (es) translation",
    ]


def test_a_text_listed_in_the_settings_is_a_testimony(tmp_path):
    survey = changed(SURVEY, "interviewer_code", read_only="", default="")
    settings = {**SETTINGS, "testimonies": "interviewer_code"}
    data = read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey, settings=settings)).definition
    assert question(data, "interviewer_code")["testimony"] is True


def test_the_site_list_may_be_left_out_or_given(tmp_path):
    given = [
        *CHOICES,
        {
            "list_name": "sites",
            "name": "tumaco",
            f"label::{EN}": "Tumaco",
            f"label::{ES}": "Tumaco",
        },
    ]
    first = read_survey(write_xlsform(tmp_path / "a.xlsx")).definition
    second = read_survey(write_xlsform(tmp_path / "b.xlsx", choices=given)).definition
    assert first == second


README = "; see 'XLSForm: what Voces reads' in the README"


@pytest.mark.parametrize(
    ("survey", "message"),
    [
        (
            changed(SURVEY, "visits", type="range"),
            "survey sheet, row 11, column type: Voces does not support ranges (range); "
            "see 'XLSForm: what Voces reads' in the README",
        ),
        (
            changed(SURVEY, "services_used", type="select_multiple_from_file services.csv"),
            "survey sheet, row 10, column type: the choice list file services.csv was not sent with the form",
        ),
        (
            changed(SURVEY, "visits", relevant="pulldata('x', 'y')"),
            "survey sheet, row 11, column relevant: Voces does not support the relevant expression "
            "'pulldata('x', 'y')' (pulldata() takes 4 arguments but got 2 at character 1)" + README,
        ),
        (
            changed(SURVEY, "visits", read_only="${used_services} = 'yes'"),
            "survey sheet, row 11, column read_only: Voces does not support an expression as read_only (only yes or no)"
            + README,
        ),
        (
            changed(SURVEY, "visits", relevant="3 >"),
            "survey sheet, row 11, column relevant: Voces does not support the relevant expression '3 >' "
            "(unexpected end of expression at character 4)" + README,
        ),
        (
            changed(SURVEY, "visits", relevant="instance('clinics')/root/item[name = ${department}]/label != ''"),
            "survey sheet, row 11, column relevant: the file clinics.csv, which this expression reads, "
            "was not sent with the form; send it with the workbook",
        ),
        (
            changed(SURVEY, "visits", relevant="instance('department')/root/item[name = ${department}]/@label"),
            "survey sheet, row 11, column relevant: Voces does not support the relevant expression "
            "'instance('department')/root/item[name = ${department}]/@label' (unexpected character '@' at character 56)"
            + README,
        ),
        (
            changed(SURVEY, "visits", relevant="random() < 0.5"),
            "survey sheet, row 11, column relevant: Voces does not support the function 'random'" + README,
        ),
        (
            changed(SURVEY, "visits", relevant="sum(${last_visit}) > 3"),
            "survey sheet, row 11, column relevant: "
            "sum(${last_visit}): last_visit is not inside a repeat; sum() reads a repeat's instances",
        ),
        (
            changed(SURVEY, "visits", constraint=". > ${nobody}"),
            "[row : 11] On the 'survey' sheet, the 'constraint' value is invalid.",
        ),  # pyxform's words
        (
            changed(SURVEY, "visits", required="${nobody} = 'yes'"),
            "[row : 11] On the 'survey' sheet, the 'required' value is invalid.",
        ),  # pyxform's words
        (
            changed(SURVEY, "privacy_note", required="${used_services} = 'yes'"),
            "survey sheet, row 13, column required: a note cannot have required",
        ),
        (
            changed(SURVEY, "municipality", choice_filter="department=${department} and median(1)"),
            "survey sheet, row 5, column choice_filter: Voces does not support the function 'median'" + README,
        ),
        (
            changed(SURVEY, "interviewer_code", required="yes", default=""),
            "survey sheet, row 15, column default: a read-only question that is required needs a default",
        ),
        (
            changed(SURVEY, "last_visit", appearance="search('clinics')"),
            "survey sheet, row 9, column appearance: "
            "Voces does not support the appearance 'search('clinics')' on a date question" + README,
        ),
        (
            changed(SURVEY, "used_services", relevant="${support_story} != ''"),
            "column relevant: relevant or calculation goes round in a circle",
        ),
    ],
)
def test_what_voces_does_not_support_is_refused_naming_the_row(tmp_path, db, survey, message):
    path = write_xlsform(tmp_path / "kobo.xlsx", survey=survey)
    with pytest.raises(SurveyImportError) as refused:
        import_survey(read_survey(path).definition)
    assert message in str(refused.value)
    assert str(refused.value).startswith("kobo.xlsx: ")
    assert count(SurveyVersion) == 0


def test_consent_choices_must_be_the_consent_scopes(tmp_path):
    choices = [
        *CHOICES,
        {
            "list_name": "consent",
            "name": "maybe",
            f"label::{EN}": "Maybe",
            f"label::{ES}": "Quizás",
        },
    ]
    with pytest.raises(SurveyImportError, match="survey sheet, row 17, column type: consent choice 'maybe'"):
        read_survey(write_xlsform(tmp_path / "kobo.xlsx", choices=choices))


def test_a_language_is_matched_by_its_name_when_the_column_gives_no_code(tmp_path):
    survey = [{"type": "text", "name": "a", "label:English": "A", "label:Spanish": "Una", "hint:swahili": "H"}]
    data = read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey, choices=[], settings={})).definition
    assert question(data, "a")["label"] == {"en": "A", "es": "Una"} and question(data, "a")["hint"] == {"sw": "H"}
    assert data["default_language"] == "en"


def test_a_language_voces_cannot_name_needs_its_code(tmp_path):
    survey = [{"type": "text", "name": "a", "label::Lingo": "A"}]
    with pytest.raises(SurveyImportError, match=r"column label::Lingo: the language 'Lingo' is not one Voces knows"):
        read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey, choices=[]))


def test_a_setting_voces_does_not_use_is_ignored_with_a_warning(tmp_path):
    settings = {**SETTINGS, "submission_url": "https://example.org", "instance_name": "${visits}"}
    result = read_survey(write_xlsform(tmp_path / "kobo.xlsx", settings=settings))
    assert result.warnings == [
        "settings sheet, row 2, column submission_url: Voces does not use this setting; ignored",
        "settings sheet, row 2, column instance_name: Voces does not use this setting; ignored",
    ]


def test_a_plain_form_in_one_language_needs_no_language_columns(tmp_path):
    survey = [{"type": "text", "name": "story", "label": "Tell us", "appearance": "multiline"}]
    result = read_survey(write_xlsform(tmp_path / "plain.xlsx", survey=survey, choices=[], settings={"version": "1"}))
    assert result.warnings == []
    assert result.definition["form_id"] == "plain"  # from the file name, as pyxform does
    assert question(result.definition, "story")["label"] == {"en": "Tell us"}


def test_import_export_import_gives_the_same_definition(tmp_path, db):
    upsert_sites_from_file(SITES_FILE)
    first = read_survey(write_xlsform(tmp_path / "kobo.xlsx")).definition
    import_survey(first, publish=True)
    assert export_xlsform("support-services", tmp_path / "out.xlsx") == []
    again = read_survey(tmp_path / "out.xlsx")
    assert again.definition == first and again.warnings == []
    exported = load_workbook(tmp_path / "out.xlsx")
    assert exported.sheetnames == ["survey", "choices", "settings"]
    assert [c.value for c in exported["survey"][1]][:4] == [
        "type",
        "name",
        f"label::{EN}",
        f"label::{ES}",
    ]
    assert ("select_one sites", "site") in {(r[0], r[1]) for r in exported["survey"].iter_rows(values_only=True)}
    assert "tumaco" in {r[1] for r in exported["choices"].iter_rows(values_only=True) if r[0] == "sites"}


def test_the_example_survey_survives_the_round_trip_through_xlsform(tmp_path, db):
    yaml_data = read_survey_file(EXAMPLE_SURVEY)
    import_survey(yaml_data, publish=True)
    export_xlsform("community-safety", tmp_path / "example.xlsx")
    again = read_survey(tmp_path / "example.xlsx")
    assert again.warnings == []
    assert parse_definition(again.definition) == parse_definition(yaml_data)


def test_the_cli_imports_an_xlsform_and_prints_its_warnings(runner, db, tmp_path):
    survey = changed(SURVEY, "visits", **{f"label::{ES}": ""})
    result = runner.invoke(
        args=[
            "surveys",
            "import",
            str(write_xlsform(tmp_path / "kobo.xlsx", survey=survey)),
            "--publish",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Warning: survey sheet, row 11: label has no Spanish (es) translation" in result.output
    assert "Imported support-services version 2026.1 (published)." in result.output


def test_the_cli_refuses_an_xlsform_naming_the_row(runner, db, tmp_path):
    path = write_xlsform(tmp_path / "kobo.xlsx", survey=changed(SURVEY, "visits", type="range"))
    result = runner.invoke(args=["surveys", "import", str(path)])
    assert result.exit_code != 0
    assert "survey sheet, row 11, column type: Voces does not support ranges (range)" in result.output
    assert count(SurveyVersion) == 0


def test_the_cli_exports_an_xlsform_that_imports_back(runner, db, tmp_path):
    runner.invoke(args=["surveys", "import", str(EXAMPLE_SURVEY), "--publish"])
    out = tmp_path / "example.xlsx"
    result = runner.invoke(args=["surveys", "export", "community-safety", "--xlsform", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}." in result.output
    assert parse_definition(read_survey(out).definition) == parse_definition(read_survey_file(EXAMPLE_SURVEY))


def test_the_cli_exports_yaml_and_names_an_unknown_survey(runner, db):
    runner.invoke(args=["surveys", "import", str(EXAMPLE_SURVEY)])
    result = runner.invoke(args=["surveys", "export", "community-safety"])
    assert result.exit_code == 0 and "form_id: community-safety" in result.output
    missing = runner.invoke(args=["surveys", "export", "nowhere", "--xlsform"])
    assert missing.exit_code != 0 and "there is no survey 'nowhere'" in missing.output


def test_start_and_end_rows_are_skipped_with_a_warning(tmp_path):
    survey = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}, *SURVEY]
    result = read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey))
    assert result.warnings == [
        "survey sheet, row 2: start is metadata, not a question: "
        "Voces records it with each response (when the form was opened)",
        "survey sheet, row 3: end is metadata, not a question: Voces records it with each response (when it was sent)",
    ]
    assert question(result.definition, "start") is None and question(result.definition, "end") is None


def test_columns_without_a_language_are_in_english_unless_the_settings_say_otherwise(tmp_path):
    survey = [{"type": "text", "name": "story", "label": "Tell us", "label::Spanish (es)": "Cuéntenos"}]
    data = read_survey(
        write_xlsform(tmp_path / "a.xlsx", survey=survey, choices=[], settings={"version": "1"})
    ).definition
    assert data["default_language"] == "en" and question(data, "story")["label"] == {"en": "Tell us", "es": "Cuéntenos"}
    settings = {"version": "1", "default_language": "Spanish (es)"}
    survey = [{"type": "text", "name": "story", "label": "Cuéntenos", "label::English (en)": "Tell us"}]
    data = read_survey(write_xlsform(tmp_path / "b.xlsx", survey=survey, choices=[], settings=settings)).definition
    assert data["default_language"] == "es" and question(data, "story")["label"] == {"es": "Cuéntenos", "en": "Tell us"}


def test_plain_and_english_columns_without_a_default_language_are_refused(tmp_path):
    rows = [{"type": "text", "name": "q1", "label": "¿Cómo está?", "label::English (en)": "How are you?"}]
    settings = {"form_title": "T", "form_id": "t", "version": "1"}
    path = write_xlsform(tmp_path / "f.xlsx", survey=rows, choices=[], settings=settings)
    with pytest.raises(XLSFormError, match="default_language"):
        read_xlsform(path)


def test_a_choice_filter_column_the_list_lacks_is_empty_for_every_choice_as_in_odk(tmp_path):
    survey = changed(SURVEY, "municipality", choice_filter="region=${department}")
    result = read_survey(write_xlsform(tmp_path / "kobo.xlsx", survey=survey))
    assert result.warnings == [
        "survey sheet, row 5: choice_filter reads region, a column list municipality does not have: "
        "it is empty for every choice"
    ]
    municipality = parse_definition(result.definition).question("municipality")
    assert allowed_choices(municipality, {"department": "antioquia"}) == ()
    assert allowed_choices(municipality, {"department": ""}) == municipality.choices


def test_a_calculation_may_give_the_label_of_a_choice(tmp_path):
    """jr:choice-name(), as Kobo forms write it, imports and gives the label in the form's language."""
    named = {
        "type": "calculate",
        "name": "used_label",
        "calculation": "concat('(', jr:choice-name(${used_services}, '${used_services}'), ')')",
    }
    path = write_xlsform(tmp_path / "kobo.xlsx", survey=[*SURVEY, named])
    definition = parse_definition(read_survey(path).definition)
    answers = {"used_services": "yes"}
    assert resolve_form(definition, answers, language="es").values["used_label"] == "(Sí)"
    assert resolve_form(definition, answers, language="en").values["used_label"] == "(Yes)"
