"""The questionnaire: a survey's model, read from YAML or XLSForm, its rules, skip logic and answers.

A pure package like survey.analysis: no Flask, no database. Callers hand in what it cannot look up
(the known sites, today's date) and get dataclasses back.
"""

from survey.questionnaire.model import Choice, Definition, Group, Question, Repeat, missing_translations, pick
from survey.questionnaire.notices import Notice
from survey.questionnaire.parse import parse_definition
from survey.questionnaire.rules import DefinitionError

__all__ = [
    "Choice",
    "Definition",
    "DefinitionError",
    "Group",
    "Notice",
    "Question",
    "Repeat",
    "missing_translations",
    "parse_definition",
    "pick",
]
