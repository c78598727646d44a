"""CSV files a form reads by pulldata() and instance('name')/root/item[...], kept with its definition at import."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from survey.questionnaire import parse_definition
from survey.questionnaire.logic import allowed_choices, resolve_form
from survey.questionnaire.validate import validate_answers
from survey.services.surveys import SurveyImportError, export_xlsform, import_survey, read_survey
from tests.services.test_xlsform import EN, ES, question, write_xlsform

# A household follow-up as a field team writes it: the household's code brings back what the
# baseline recorded (pulldata), a note shows it, the members counted may not exceed the baseline's,
# and the clinic is chosen among those of the household's village (instance() in a choice_filter).
HOUSEHOLDS = (
    "hh_id,head,members,village\n"
    "H-001,Ana María Cuero,4,la_paz\n"
    "H-002,Luis Angulo,7,el_charco\n"
    "H-003,Rosa Obando,2,la_paz\n"
)
CLINICS = (
    "name,label,village,beds\n"
    "c1,Puesto La Paz,la_paz,4\n"
    "c2,Hospital El Charco,el_charco,40\n"
    "c3,Brigada La Paz,la_paz,\n"
)
SURVEY: list[dict[str, str]] = [
    {"type": "select_one sites", "name": "site", f"label::{EN}": "Community", f"label::{ES}": "Comunidad"},
    {"type": "text", "name": "hh_id", f"label::{EN}": "Household code", f"label::{ES}": "Código del hogar"},
    {"type": "calculate", "name": "head", "calculation": "pulldata('households', 'head', 'hh_id', ${hh_id})"},
    {"type": "calculate", "name": "village", "calculation": "pulldata('households', 'village', 'hh_id', ${hh_id})"},
    {
        "type": "calculate",
        "name": "village_label",
        "calculation": "instance('villages')/root/item[name = ${village}]/label",
    },
    {
        "type": "note",
        "name": "head_note",
        f"label::{EN}": "Head of household: ${head} (${village_label})",
        f"label::{ES}": "Jefe de hogar: ${head} (${village_label})",
        "relevant": "${head} != ''",
    },
    {
        "type": "integer",
        "name": "members",
        f"label::{EN}": "How many people live here now?",
        f"label::{ES}": "¿Cuántas personas viven aquí ahora?",
        "constraint": ". <= pulldata('households', 'members', 'hh_id', ${hh_id}) + 2",
        f"constraint_message::{EN}": "More than two above the baseline: check the count.",
        f"constraint_message::{ES}": "Más de dos por encima de la línea de base: revise el conteo.",
    },
    {
        "type": "select_one clinic",
        "name": "clinic",
        f"label::{EN}": "Which clinic do you go to?",
        f"label::{ES}": "¿A qué centro de salud va?",
        "choice_filter": "village = current()/../village",
        "relevant": "count(instance('clinics')/root/item[village = ${village}]) > 0",
    },
    {
        "type": "calculate",
        "name": "clinic_beds",
        "calculation": "instance('clinics')/root/item[name = ${clinic}]/beds",
    },
    {
        "type": "text",
        "name": "story",
        f"label::{EN}": "How is the household doing?",
        f"label::{ES}": "¿Cómo está el hogar?",
    },
]
CHOICES: list[dict[str, str]] = [
    {"list_name": "villages", "name": "la_paz", f"label::{EN}": "La Paz", f"label::{ES}": "La Paz"},
    {"list_name": "villages", "name": "el_charco", f"label::{EN}": "El Charco", f"label::{ES}": "El Charco"},
    {
        "list_name": "clinic",
        "name": "c1",
        f"label::{EN}": "Puesto La Paz",
        f"label::{ES}": "Puesto La Paz",
        "village": "la_paz",
    },
    {
        "list_name": "clinic",
        "name": "c2",
        f"label::{EN}": "Hospital El Charco",
        f"label::{ES}": "Hospital El Charco",
        "village": "el_charco",
    },
    {
        "list_name": "clinic",
        "name": "c3",
        f"label::{EN}": "Brigada La Paz",
        f"label::{ES}": "Brigada La Paz",
        "village": "la_paz",
    },
]
SETTINGS = {"form_title": "Household follow-up", "form_id": "household-follow-up", "default_language": EN}
FILES = {"households.csv": HOUSEHOLDS.encode(), "clinics.csv": ("\ufeff" + CLINICS).encode()}
TODAY = date(2026, 12, 5)


def form(tmp_path, survey=SURVEY, name="follow-up.xlsx"):
    return write_xlsform(tmp_path / name, survey=survey, choices=CHOICES, settings=SETTINGS)


def test_the_files_read_by_pulldata_and_instance_are_kept_with_the_definition(tmp_path):
    result = read_survey(form(tmp_path), FILES)
    data = result.definition
    assert data["data"]["households"][1] == {
        "hh_id": "H-002",
        "head": "Luis Angulo",
        "members": "7",
        "village": "el_charco",
    }
    assert data["data"]["clinics"][2] == {"name": "c3", "label": "Brigada La Paz", "village": "la_paz", "beds": ""}
    assert "villages" not in data["data"]  # a choice list of the form is read as it is
    assert question(data, "head")["calculation"] == "pulldata('households', 'head', 'hh_id', ${hh_id})"
    assert not [w for w in result.warnings if "no question reads" in w]


def test_the_server_works_out_pulled_values_relevance_constraints_and_filters(tmp_path):
    definition = parse_definition(read_survey(form(tmp_path), FILES).definition)
    state = resolve_form(definition, {"hh_id": "H-002", "clinic": "c2"}, TODAY)
    assert state.values["head"] == "Luis Angulo"
    assert state.values["village_label"] == "El Charco"
    assert state.values["clinic_beds"] == "40"
    assert state.relevant["head_note"] and state.relevant["clinic"]
    clinic = definition.question("clinic")
    tables = definition.tables("en")
    assert [c.name for c in allowed_choices(clinic, state.values, TODAY, tables=tables)] == ["c2"]
    answers, errors = validate_answers(
        definition, {"hh_id": "H-002", "members": "9", "clinic": "c2"}, "en", today=TODAY
    )
    assert not errors and answers["head"] == "Luis Angulo" and answers["clinic_beds"] == "40"
    _, errors = validate_answers(definition, {"hh_id": "H-002", "members": "10"}, "en", today=TODAY)
    assert set(errors) == {"members"}
    _, errors = validate_answers(definition, {"hh_id": "H-001", "clinic": "c2"}, "en", today=TODAY)
    assert set(errors) == {"clinic"}  # El Charco's hospital is not among La Paz's


def test_a_key_not_in_the_file_gives_empty_values_as_in_odk(tmp_path):
    definition = parse_definition(read_survey(form(tmp_path), FILES).definition)
    state = resolve_form(definition, {"hh_id": "H-999"}, TODAY)
    assert state.values["head"] == "" and state.values["village"] == ""
    assert not state.relevant["head_note"] and not state.relevant["clinic"]


def test_a_file_not_sent_is_refused_naming_the_row_the_column_and_the_file(tmp_path):
    with pytest.raises(SurveyImportError) as refused:
        read_survey(form(tmp_path), {"clinics.csv": CLINICS.encode()})
    assert str(refused.value).startswith(
        "follow-up.xlsx: survey sheet, row 4, column calculation: the file households.csv, which this expression "
        "reads, was not sent with the form; send it with the workbook"
    )
    with pytest.raises(SurveyImportError) as refused:
        read_survey(form(tmp_path, name="again.xlsx"), {"households.csv": HOUSEHOLDS.encode()})
    assert "survey sheet, row 9, column relevant: the file clinics.csv, which this expression reads" in str(
        refused.value
    )


def test_a_file_beside_the_workbook_is_read(tmp_path):
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    assert len(read_survey(form(tmp_path), {}).definition["data"]["households"]) == 3


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "instance('clinics')/root/clinic/label",
            "Voces does not support the calculation expression 'instance('clinics')/root/clinic/label' "
            "(instance('clinics') is read as instance('clinics')/root/item[filter]/column at character 1)",
        ),
        (
            "pulldata(concat('house', 'holds'), 'head', 'hh_id', ${hh_id})",
            "argument 1 of pulldata() must be a file name in quotes",
        ),
        ("current()/hh_id", "current() is read as current() or current()/../name"),
        ("random()", "Voces does not support the function 'random'"),
    ],
)
def test_other_paths_and_functions_stay_refused_naming_the_feature(tmp_path, expression, message):
    survey = [dict(row, calculation=expression) if row["name"] == "head" else row for row in SURVEY]
    with pytest.raises(SurveyImportError) as refused:
        read_survey(form(tmp_path, survey), FILES)
    assert "survey sheet, row 4, column calculation:" in str(refused.value)
    assert message in str(refused.value)


def test_the_xlsform_export_keeps_the_expressions_and_writes_the_files_beside_it(tmp_path, db):
    data = read_survey(form(tmp_path), FILES).definition
    import_survey(data)
    db.session.commit()
    out = tmp_path / "export"
    out.mkdir()
    warnings = export_xlsform("household-follow-up", out / "form.xlsx")
    assert "households.csv is written beside the workbook: send it with the workbook to import it" in warnings
    cells = {cell for row in load_workbook(out / "form.xlsx")["survey"].values for cell in row}
    assert "pulldata('households', 'head', 'hh_id', ${hh_id})" in cells
    assert "village = current()/../village" in cells
    again = read_survey(out / "form.xlsx").definition  # the files beside it are read back
    assert again["data"] == data["data"]
    for name in ("head", "members", "clinic", "clinic_beds"):
        assert question(again, name) == question(data, name)


def test_a_hidden_row_defaults_to_a_pulled_value_and_another_question_is_refused_its_expression(tmp_path):
    hidden = {
        "type": "hidden",
        "name": "baseline_size",
        "default": "pulldata('households', 'members', 'hh_id', 'H-003')",
    }
    definition = parse_definition(read_survey(form(tmp_path, [*SURVEY, hidden]), FILES).definition)
    assert resolve_form(definition, {}, TODAY).values["baseline_size"] == "2"
    typed = [dict(row, default=hidden["default"]) if row["name"] == "story" else row for row in SURVEY]
    with pytest.raises(SurveyImportError) as refused:
        read_survey(form(tmp_path, typed, "typed.xlsx"), FILES)
    assert str(refused.value).startswith(
        "typed.xlsx: survey sheet, row 11, column default: Voces does not support a default that reads pulldata() "
        "or instance() (pulldata('households', 'members', 'hh_id', 'H-003')): use a hidden or calculate row"
    )


def test_the_command_line_imports_with_the_files_and_exports_them_beside_the_workbook(runner, tmp_path, db):
    given = []
    for name, data in FILES.items():
        (tmp_path / f"sent-{name}").write_bytes(data)
        given += ["--choices", str(tmp_path / f"sent-{name}")]
    path = form(tmp_path)
    refused = runner.invoke(args=["surveys", "import", str(path)])
    assert refused.exit_code != 0 and "the file households.csv, which this expression reads" in refused.output
    renamed = runner.invoke(args=["surveys", "import", str(path), *given])
    assert renamed.exit_code != 0  # a file is found by the name the form gives it
    for name, data in FILES.items():
        (tmp_path / "lists").mkdir(exist_ok=True)
        (tmp_path / "lists" / name).write_bytes(data)
    sent = [arg for name in FILES for arg in ("--choices", str(tmp_path / "lists" / name))]
    assert runner.invoke(args=["surveys", "import", str(path), *sent]).exit_code == 0
    out = tmp_path / "out" / "form.xlsx"
    out.parent.mkdir()
    exported = runner.invoke(args=["surveys", "export", "household-follow-up", "--xlsform", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "clinics.csv is written beside the workbook" in exported.output
    assert (out.parent / "households.csv").read_text(encoding="utf-8").startswith("hh_id,head,members,village\n")
