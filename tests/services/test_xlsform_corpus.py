"""Real workbooks written by survey teams and tool makers: each imports and renders, or is refused by name."""

# The corpus lives outside the repository (its README gives each workbook's source and licence):
# VOCES_SHARED_DATA names the folder holding xlsforms/, by default ../shared/data next to the
# repository, as CI lays it out. Without it these tests are skipped.

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from survey.services.surveys import SurveyImportError, import_survey, read_survey

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("VOCES_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")
CORPUS = SHARED_DATA / "xlsforms"
WORKBOOKS = sorted(p for p in CORPUS.glob("*.xls*")) if CORPUS.is_dir() else []
# The workbooks that import today: one that stops importing is a regression.
IMPORTING = {
    "onadata__Enumerator_Training_Practice_Survey.xlsx",
    "onadata__battery_life.xlsx",
    "onadata__dhisform.xlsx",
    "onadata__good_eats_multilang.xlsx",
    "onadata__grains.xlsx",
    "onadata__new_cascading_select.xlsx",
    "onadata__tutorial.xlsx",
    "pyxform__ODKValidateWarnings.xlsx",
    "pyxform__choice_filter_test.xlsx",
    "pyxform__field-list.xlsx",
    "pyxform__group.xlsx",
    "pyxform__or_other.xlsx",
    "pyxform__text_and_integer.xlsx",
    "pyxform__yes_or_no_question.xlsx",
}
WHERE = re.compile(r"^[^:]+: (survey|choices|settings|external_choices|entities|osm) sheet")

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
