"""Choice lists from CSV files (select_one_from_file) and from the external_choices sheet, read at import."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from survey.questionnaire import parse_definition
from survey.questionnaire.logic import allowed_choices
from survey.questionnaire.xlsform.external import ChoiceFiles
from survey.questionnaire.xlsform.languages import Languages
from survey.services.surveys import SurveyImportError, export_xlsform, get_survey, import_survey, read_survey
from tests.services.test_xlsform import CHOICES, EN, ES, SURVEY, changed, question, write_xlsform

MUNICIPALITIES = "name,label,department,Código postal\nmedellin,Medellín,antioquia,05\npasto,Pasto,narino,52\n"
FROM_FILE = changed(SURVEY, "municipality", type="select_one_from_file municipalities.csv")
SHEET_CHOICES = [c for c in CHOICES if c["list_name"] != "municipality"]


def form(tmp_path, survey=FROM_FILE, name="form.xlsx"):
    return write_xlsform(tmp_path / name, survey=survey, choices=SHEET_CHOICES)


def refusal(tmp_path, files, survey=FROM_FILE) -> str:
    with pytest.raises(SurveyImportError) as error:
        read_survey(form(tmp_path, survey), files)
    return str(error.value)


def test_a_csv_list_is_kept_like_a_choices_sheet_list_with_its_filter_columns(tmp_path):
    result = read_survey(form(tmp_path), {"municipalities.csv": ("\ufeff" + MUNICIPALITIES).encode()})
    data = result.definition
    assert question(data, "municipality")["choices"] == "municipalities"
    assert data["choices"]["municipalities"] == [
        {"name": "medellin", "label": {"en": "Medellín", "es": "Medellín"}, "department": "antioquia"},
        {"name": "pasto", "label": {"en": "Pasto", "es": "Pasto"}, "department": "narino"},
    ]
    assert "municipalities.csv, column Código postal: a choice_filter cannot read this column name; ignored" in (
        result.warnings
    )
    municipality = parse_definition(data).question("municipality")
    assert [c.name for c in allowed_choices(municipality, {"department": "narino"})] == ["pasto"]


def test_value_and_label_parameters_translated_labels_and_semicolons_are_read(tmp_path):
    survey = changed(FROM_FILE, "municipality", parameters="value=code label=nombre")
    text = f"code;nombre::{EN};nombre::{ES};department\nm1;Medellin;Medellín;antioquia\n"
    data = read_survey(form(tmp_path, survey), {"municipalities.csv": text.encode()}).definition
    assert data["choices"]["municipalities"] == [
        {"name": "m1", "label": {"en": "Medellin", "es": "Medellín"}, "department": "antioquia"}
    ]


def test_a_file_beside_the_workbook_is_read_and_one_no_question_reads_is_named(tmp_path):
    (tmp_path / "municipalities.csv").write_text(MUNICIPALITIES, encoding="utf-8")
    result = read_survey(form(tmp_path), {"towns.csv": b"name,label\na,A\n"})
    assert len(result.definition["choices"]["municipalities"]) == 2
    assert "towns.csv: no question reads this choice list; ignored" in result.warnings


def test_a_list_named_like_a_choices_sheet_list_keeps_its_own_name(tmp_path):
    survey = changed(SURVEY, "municipality", type="select_one_from_file yes_no.csv")
    data = read_survey(form(tmp_path, survey), {"yes_no.csv": MUNICIPALITIES.encode()}).definition
    assert question(data, "municipality")["choices"] == "yes_no_csv"
    assert [c["name"] for c in data["choices"]["yes_no"]] == ["yes", "no"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "form.xlsx: survey sheet, row 5, column type: the choice list file municipalities.csv was not sent"),
        ({"municipalities.csv": b""}, "form.xlsx: municipalities.csv, row 1: there is no column name"),
        (
            {"municipalities.csv": b"name,department\nm,a\n"},
            "form.xlsx: municipalities.csv, row 1: there is no column label",
        ),
        (
            {"municipalities.csv": b"name,label\nm,M\n\n,Nameless\n"},
            "form.xlsx: municipalities.csv, row 4: the column name is empty; every choice needs a name",
        ),
        (
            {"municipalities.csv": b"name,label\nm,M\nn,N\nm,Again\n"},
            "form.xlsx: municipalities.csv, row 4: the name m is already on row 2",
        ),
        (
            {"municipalities.csv": "name,label\nm,Medellín\n".encode("latin-1")},
            "form.xlsx: municipalities.csv: the file is not UTF-8 text; save it as CSV UTF-8",
        ),
    ],
)
def test_a_bad_csv_is_refused_naming_the_file_and_row(tmp_path, files, message):
    assert refusal(tmp_path, files).startswith(message)


def test_a_later_check_of_a_choice_read_from_a_file_or_the_sheet_names_its_row():
    files = ChoiceFiles(Languages("en", {"en": "en"}, "default"), {}, None, [], set())
    files.lists["towns"], files.sources["towns"], files.rows[("towns", "t")] = [], "towns.csv", 7
    files.lists["ext"], files.sources["ext"] = [], "external_choices"
    assert str(files.locate("towns", "t", "wrong")) == "towns.csv, row 7: wrong"
    assert str(files.locate("ext", "x", "wrong")) == "external_choices sheet, row 1, list ext: wrong"
    assert files.locate("yes_no", "yes", "wrong") is None  # a choices-sheet list


def test_an_xml_or_geojson_list_is_refused_by_name(tmp_path):
    survey = changed(SURVEY, "municipality", type="select_one_from_file places.geojson")
    assert refusal(tmp_path, {}, survey).startswith(
        "form.xlsx: survey sheet, row 5, column type: Voces does not support choices from an XML or GeoJSON file "
        "(places.geojson)"
    )


def with_external_sheet(path, rows):
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("external_choices")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


EXTERNAL = [
    ["List Name", "Name", f"label::{EN}", f"label::{ES}", "department"],
    ["municipality", "envigado", "Envigado", "Envigado", "antioquia"],
    ["municipality", "tumaco", "Tumaco", "Tumaco", "narino"],
]


def test_the_external_choices_sheet_gives_select_one_external_its_list(tmp_path):
    survey = changed(SURVEY, "municipality", type="select_one_external municipality")
    path = with_external_sheet(form(tmp_path, survey), EXTERNAL)
    data = read_survey(path).definition
    assert question(data, "municipality")["choices"] == "municipality"
    municipality = parse_definition(data).question("municipality")
    assert [c.name for c in allowed_choices(municipality, {"department": "antioquia"})] == ["envigado"]
    assert municipality.choices[1].label == {"en": "Tumaco", "es": "Tumaco"}


def test_an_external_list_named_like_a_choices_list_keeps_both_and_its_filter_column_as_written(tmp_path):
    filtered = "Department=${department}"
    survey = changed(SURVEY, "municipality", type="select_one_external yes_no", choice_filter=filtered)
    rows = [["LIST_NAME", "NAME", "LABEL", "Department"], ["yes_no", "envigado", "Envigado", "antioquia"]]
    data = read_survey(with_external_sheet(form(tmp_path, survey), rows)).definition
    assert question(data, "municipality")["choices"] == "yes_no_external"
    assert data["choices"]["yes_no_external"] == [
        {"name": "envigado", "label": {"en": "Envigado", "es": "Envigado"}, "Department": "antioquia"}
    ]
    assert [c["name"] for c in data["choices"]["yes_no"]] == ["yes", "no"]


def test_the_external_choices_sheet_refuses_naming_its_row(tmp_path):
    survey = changed(SURVEY, "municipality", type="select_one_external municipality")
    path = with_external_sheet(form(tmp_path, survey), [*EXTERNAL, ["municipality", "", "Nameless", "", ""]])
    with pytest.raises(SurveyImportError, match=r"form.xlsx: external_choices sheet, row 4, column name: the col"):
        read_survey(path)
    other = changed(SURVEY, "municipality", type="select_one_external towns")
    with pytest.raises(SurveyImportError, match=r"\[row : 5\]List name not in external choices sheet: towns"):
        read_survey(with_external_sheet(form(tmp_path, other, "b.xlsx"), EXTERNAL))


def test_a_survey_with_a_csv_list_exports_it_into_the_choices_sheet(tmp_path, db):
    data = read_survey(form(tmp_path), {"municipalities.csv": MUNICIPALITIES.encode()}).definition
    import_survey(data)
    db.session.commit()
    export_xlsform("support-services", tmp_path / "out.xlsx")
    rows = list(load_workbook(tmp_path / "out.xlsx")["choices"].values)
    assert any("municipalities" in row and "pasto" in row and "narino" in row for row in rows)
    again = read_survey(tmp_path / "out.xlsx").definition  # no file needed any more
    assert again["choices"]["municipalities"] == data["choices"]["municipalities"]
    assert question(again, "municipality")["choices"] == "municipalities"


def test_the_command_line_reads_the_lists_given_or_beside_the_workbook(runner, tmp_path, db):
    given = tmp_path / "lists" / "municipalities.csv"
    given.parent.mkdir()
    given.write_text(MUNICIPALITIES, encoding="utf-8")
    path = form(tmp_path)
    refused = runner.invoke(args=["surveys", "import", str(path)])
    assert refused.exit_code != 0 and "the choice list file municipalities.csv was not sent" in refused.output
    assert get_survey("support-services") is None
    result = runner.invoke(args=["surveys", "import", str(path), "--choices", str(given), "--publish"])
    assert result.exit_code == 0, result.output
    (tmp_path / "municipalities.csv").write_text(MUNICIPALITIES.replace("Pasto", "San Juan de Pasto"), "utf-8")
    beside = runner.invoke(args=["surveys", "import", str(form(tmp_path, FROM_FILE, "again.xlsx"))])
    assert beside.exit_code != 0 and "already exists with other content" in beside.output  # the file beside was read
