"""Importing surveys as versions."""

from __future__ import annotations

import copy

import pytest

from survey.models import SurveyStatus
from survey.services.demo import EXAMPLE_SURVEY
from survey.services.surveys import SurveyImportError, current_version, import_survey, open_survey, read_survey_file


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
    changed["version"] = "2026.12.1"
    new = import_survey(changed, publish=True)
    assert current_version(new.survey).version == "2026.12.1"
    assert len(new.survey.versions) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][1].update(type="geopoint"), "question 2 (age_band): type 'geopoint' is not supported"),
        (lambda d: d["questions"][1].update(choices="nope"), "choice list 'nope' is not defined"),
        (lambda d: d["questions"][2].update(name="age_band"), "is used twice"),
        (lambda d: d.pop("form_id"), "field form_id is missing"),
    ],
)
def test_broken_definitions_are_refused_with_the_question_named(db, change, message):
    data = read_survey_file(EXAMPLE_SURVEY)
    change(data)
    with pytest.raises(SurveyImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_survey(data)
