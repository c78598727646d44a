"""Why an XLSForm is refused, by sheet, row and column, in words the interface can translate."""

from __future__ import annotations

from survey.questionnaire.messages import N_, Message
from survey.questionnaire.rules import DefinitionError
from survey.questionnaire.xlsform.kinds import unsupported

AT_COLUMN = N_("%(sheet)s sheet, row %(row)s, column %(column)s: %(detail)s")
AT_LIST = N_("%(sheet)s sheet, row %(row)s, list %(list)s: %(detail)s")
IN_SHEET = N_("%(sheet)s sheet: %(detail)s")
PYXFORM = N_("XLSForm: %(detail)s")  # pyxform's own words, which name the row
IN_FILE = N_("%(file)s: %(detail)s")
NO_SURVEY = N_("the workbook has no survey sheet")
UNKNOWN_LANGUAGE = N_(
    "the language '%(name)s' is not one Voces knows; write the language with its code, for example %(example)s"
)


class XLSFormError(ValueError):
    """An XLSForm that Voces cannot import, naming the sheet, row and column at fault."""

    def __init__(self, message: Message) -> None:
        """Keep the message, to be worded in English or in the reader's language."""
        super().__init__(str(message))
        self.message = message


def detail_of(error: DefinitionError) -> Message | str:
    """What a definition check found: the feature Voces lacks, pointing to the README, else its own words."""
    if error.feature is not None:
        return unsupported(error.feature)
    return error.message or error.detail


def at_column(sheet: str, row: int | str | None, column: str, detail: Message | str) -> XLSFormError:
    """A refusal naming the sheet, row and column."""
    return XLSFormError(Message(AT_COLUMN, {"sheet": sheet, "row": row, "column": column, "detail": detail}))


def at_list(row: int | None, list_name: str, detail: Message | str, sheet: str = "choices") -> XLSFormError:
    """A refusal naming a row of the choices sheet (or external_choices) and its list."""
    return XLSFormError(Message(AT_LIST, {"sheet": sheet, "row": row, "list": list_name, "detail": detail}))


def in_sheet(sheet: str, detail: Message | str) -> XLSFormError:
    """A refusal naming only the sheet."""
    return XLSFormError(Message(IN_SHEET, {"sheet": sheet, "detail": detail}))
