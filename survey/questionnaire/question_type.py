"""The base of every question type: what a type declares and the answers it accepts by default."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from survey.questionnaire.messages import AnswerError

if TYPE_CHECKING:
    from survey.questionnaire.model import Question


class QuestionType:
    """A question type; the base is a question that takes a free answer."""

    name: ClassVar[str]
    field: ClassVar[str] = "text"  # which form field shows it; the web layer maps these kinds to fields
    appearances: ClassVar[frozenset[str]] = frozenset()
    stored: ClassVar[bool] = True  # a note only informs
    shown: ClassVar[bool] = True  # a calculation is worked out unseen
    answered: ClassVar[bool] = True  # can be required, constrained or read-only
    has_choice_list: ClassVar[bool] = False
    locked_when_read_only: ClassVar[bool] = False  # a read-only field that cannot take readonly is disabled
    binds: ClassVar[str | None] = None  # the response field its answer becomes
    calculated: ClassVar[bool] = False  # its value comes from its calculation
    can_be_testimony: ClassVar[bool] = False
    can_bind_consent: ClassVar[bool] = False  # its answer can be the response's consent scope
    reads_site_list: ClassVar[bool] = False  # in an XLSForm, this type over the sites list is a site question
    xlsform_names: ClassVar[tuple[str, ...]] = ()  # how an XLSForm type column or pyxform's JSON spells it

    def field_kind(self, question: Question) -> str:
        """The kind of form field that shows this question."""
        return self.field

    def field_flags(self, question: Question) -> dict[str, bool | int]:
        """What the form field tells the browser about the answer (required, maxlength)."""
        return {"required": True} if question.required else {}

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """What is wrong with a non-empty answer, if anything; allowed holds the choices on offer."""
        return None

    def accepts_default(self, question: Question, value: str) -> bool:
        """Say whether a default is a possible answer."""
        return False

    def field_default(self, question: Question) -> object:
        """The question's default as its form field holds it."""
        return question.default or None

    def from_field(self, data: object) -> str:
        """A form field's converted data as an ODK string."""
        return str(data)

    def normalise(self, question: Question, value: str) -> str:
        """An answer from a tablet as the form's logic compares it."""
        return value

    def stored_number(self, question: Question, value: str) -> float | None:
        """The number kept next to the answer's text, for the answers counted as numbers."""
        return None

    def xlsform_type(self, question: Question) -> str:
        """The type column of the question's XLSForm row."""
        return self.name
