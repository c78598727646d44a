"""Real workbooks written by survey teams and tool makers: each imports and renders, or is refused by name."""

# The corpus lives outside the repository (its README gives each workbook's source and licence):
# VOCES_SHARED_DATA names the folder holding xlsforms/, by default ../shared/data next to the
# repository, as CI lays it out. Without it these tests are skipped.

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from survey.services.surveys import SurveyImportError, definition_of, import_survey, read_survey

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("VOCES_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")
CORPUS = SHARED_DATA / "xlsforms"
WORKBOOKS = sorted(p for p in CORPUS.glob("*.xls*")) if CORPUS.is_dir() else []
# The workbooks that import today: one that stops importing is a regression.
IMPORTING = {
    "onadata__Enumerator_Training_Practice_Survey.xlsx",
    "onadata__battery_life.xlsx",
    "onadata__childrens_survey.xlsx",
    "onadata__childrens_survey_sw.xlsx",
    "onadata__dhisform.xlsx",
    "onadata__good_eats_multilang.xlsx",
    "onadata__grains.xlsx",
    "onadata__household.xlsx",
    "onadata__new_cascading_select.xlsx",
    "onadata__transportation.xlsx",
    "onadata__tutorial.xlsx",
    "pyxform__flat_xlsform_test.xlsx",
    "pyxform__xlsform_spec_test.xlsx",
    "pyxform__ODKValidateWarnings.xlsx",
    "pyxform__case_insensitivity.xlsx",
    "pyxform__choice_filter_test.xlsx",
    "pyxform__field-list.xlsx",
    "pyxform__group.xlsx",
    "pyxform__loop.xlsx",
    "pyxform__or_other.xlsx",
    "pyxform__text_and_integer.xlsx",
    "pyxform__yes_or_no_question.xlsx",
}
WHERE = re.compile(r"^[^:]+: (survey|choices|settings|external_choices) sheet")

pytestmark = pytest.mark.skipif(not WORKBOOKS, reason=f"no XLSForm corpus in {CORPUS}; set VOCES_SHARED_DATA")


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_each_real_workbook_imports_and_renders_or_is_refused_naming_where(path, db, client):
    try:
        definition = read_survey(path).definition
    except SurveyImportError as error:
        assert path.name not in IMPORTING, str(error)
        assert WHERE.match(str(error)), str(error)  # the sheet (and for a row, its number) at fault
        return
    version = import_survey(definition, publish=True)
    db.session.commit()
    page = client.get(f"/s/{version.survey.slug}")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.get_data(as_text=True) or "<form" in page.get_data(as_text=True)


def test_the_workbooks_that_import_are_all_there():
    assert {p.name for p in WORKBOOKS} >= IMPORTING


def test_pyxforms_spec_workbook_imports_its_repeat_with_the_count_and_groups_inside(db, client):
    path = CORPUS / "pyxform__xlsform_spec_test.xlsx"
    if not path.exists():
        pytest.skip(f"{path.name} is not in {CORPUS}")
    result = read_survey(path)  # its external app (ex:) is asked as an ordinary question, with a warning
    assert any(
        "row 57: appearance ex:org.thirdparty.app.ActivityName: asked as an ordinary" in w for w in result.warnings
    )
    definition = result.definition
    repeat = next(item for item in definition["questions"][1]["questions"] if item["name"] == "repeat_test")
    assert repeat["type"] == "repeat" and repeat["repeat_count"] == "${repeat_test_count}"
    assert [item["name"] for item in repeat["questions"]][:2] == ["group_test", "labeled_select_group"]
    version = import_survey(definition, publish=True)
    db.session.commit()
    page = client.get(f"/s/{version.survey.slug}").get_data(as_text=True)
    assert 'data-repeat="repeat_test"' in page and 'name="q_required_text.2"' in page


def test_the_childrens_survey_imports_its_repeats_three_deep_and_its_names_told_apart(db, client):
    path = CORPUS / "onadata__childrens_survey.xlsx"
    if not path.exists():
        pytest.skip(f"{path.name} is not in {CORPUS}")
    result = read_survey(path)
    # a name reused in another repeat is numbered, a dotted one takes an underscore, each with a warning
    assert "survey sheet, row 10: the name name is used in another group too; this question is kept as name-3" in (
        result.warnings
    )
    dotted = "survey sheet, row 8: the name ice.creams holds a dot, which numbers a repeat's instances in Voces"
    assert any(warning.startswith(dotted) for warning in result.warnings)
    version = import_survey(result.definition, publish=True)
    db.session.commit()
    definition = definition_of(version)
    assert [(r.name, r.parent) for r in definition.repeats.values()] == [
        ("children", ""),
        ("cartoons", "children"),
        ("characters", "cartoons"),
    ]
    assert "ice_creams" in {q.name for q in definition.repeats["children"].questions}
    page = client.get(f"/s/{version.survey.slug}").get_data(as_text=True)
    assert 'name="q_name-4.1.1.1"' in page and 'name="r_characters.1.1"' in page
