"""The CSV files a form's expressions read by pulldata() or instance('name'), kept with its definition."""

# ODK ships these files to the tablet beside the form; Voces reads each once, when the form is
# imported, and keeps its rows in the definition, so that the server, the web form and the tablets
# (offline) all read the same rows. A choice list of the form is read as it is; any other name is a
# file sent with the workbook, refused naming the row and column that read it when it was not sent.

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from survey.questionnaire.expressions import ExpressionError, tables_read
from survey.questionnaire.messages import N_, Message
from survey.questionnaire.rules import DefinitionError
from survey.questionnaire.xlsform.external import ChoiceFiles

# The definition's expression keys, each with the survey sheet's column it came from.
EXPRESSION_COLUMNS = {
    "relevant": "relevant",
    "constraint": "constraint",
    "calculation": "calculation",
    "required": "required",
    "choice_filter": "choice_filter",
    "repeat_count": "repeat_count",
}

# Voces keeps a question's default as the answer it starts with; what a file says is worked out by a
# calculation, which a hidden row's default becomes.
DEFAULT_READS_DATA = N_("a default that reads pulldata() or instance() (%(expression)s): use a hidden or calculate row")


def _expressions(items: list[dict[str, Any]]) -> Iterator[tuple[str, str, str]]:
    """Each item's expressions, however deeply nested: its name, the sheet's column and the expression."""
    for item in items:
        for key, column in EXPRESSION_COLUMNS.items():
            if isinstance(item.get(key), str) and item[key]:
                yield str(item.get("name") or ""), column, item[key]
        yield from _expressions(item.get("questions") or [])


def attach_data_files(data: dict[str, Any], files: ChoiceFiles, rows: Mapping[str, int]) -> None:
    """Add to the definition the rows of each CSV file its expressions read that is not one of its choice lists."""
    attached: dict[str, list[dict[str, str]]] = {}
    _refuse_data_defaults(data["questions"])
    for name, column, expression in _expressions(data["questions"]):
        try:
            read = tables_read(expression)
        except ExpressionError:
            continue  # refused, naming its row, when the definition is checked
        for table in sorted(read - set(data["choices"]) - set(attached)):
            attached[table] = files.data_file(table, rows.get(name), column)
    if attached:
        data["data"] = attached


def _refuse_data_defaults(items: list[dict[str, Any]]) -> None:
    """Refuse, naming the feature, a question's default that reads a file or list, rather than show it as text."""
    for item in items:
        default = item.get("default")
        try:
            reads = isinstance(default, str) and ("(" in default) and bool(tables_read(default))
        except ExpressionError:
            reads = False  # plain text, as a default usually is
        if reads:
            feature = Message(DEFAULT_READS_DATA, {"expression": default})
            raise DefinitionError(str(feature), question=str(item.get("name") or ""), column="default", feature=feature)
        _refuse_data_defaults(item.get("questions") or [])
