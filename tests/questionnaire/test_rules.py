"""The rules a definition follows agree with what the database can store."""

from __future__ import annotations

from survey.models import ConsentScope
from survey.questionnaire.rules import CONSENT_CHOICES


def test_the_consent_choices_are_the_consent_scopes_a_response_stores():
    assert {scope.value for scope in ConsentScope} == CONSENT_CHOICES
