"""What a person coding blind in an open agreement round may see of the round's testimonies, on every page and file.

While they have an open assignment, a coder sees, for the round's testimonies, their own codes and
memos only, and the machine's tags unless the round hides them: not the passages, decisions or memos
of other people. The testimony page, the list, the memos page and every export they download read
the same blindfold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select

from survey.extensions import db
from survey.models import (
    AgreementRound,
    CodedPassage,
    Memo,
    RoundCoder,
    RoundItem,
    RoundStatus,
    TagSource,
    ThemeTag,
    User,
)
from survey.models.tag_rule import counted_clause


@dataclass(frozen=True)
class Blindfold:
    """The testimonies a person codes blind, each with whether the machine's tags are hidden from them."""

    viewer_id: int | None = None
    hidden_machine: Mapping[int, bool] = field(default_factory=dict)  # testimony id -> machine's tags hidden

    def covers(self, testimonial_id: int | None) -> bool:
        """Whether the person codes this testimony blind."""
        return testimonial_id is not None and testimonial_id in self.hidden_machine

    def shows_passage(self, passage: CodedPassage) -> bool:
        """Whether the person may see a coded passage: theirs, or on a testimony they do not code blind."""
        return not self.covers(passage.testimonial_id) or passage.coder_id == self.viewer_id

    def shows_memo(self, memo: Memo) -> bool:
        """Whether the person may read a memo: theirs, or not on a testimony (or its passages) they code blind."""
        return self.shows_note(memo.testimonial_id, memo.author_id)

    def shows_note(self, testimonial_id: int | None, author_id: int | None) -> bool:
        """Whether the person may read a memo by this author on this testimony (None: on no testimony)."""
        return not self.covers(testimonial_id) or author_id == self.viewer_id

    def tags(self, testimonial_id: int, tags: Iterable[ThemeTag], effective: Iterable[ThemeTag]) -> list[ThemeTag]:
        """The tags the person may see: those that count, or on a blind testimony the machine's as it made them."""
        if not self.covers(testimonial_id):
            return list(effective)
        if self.hidden_machine[testimonial_id]:
            return []
        return sorted((t for t in tags if t.source == TagSource.MACHINE), key=lambda t: t.theme)

    def tag_clause(self) -> ColumnElement[bool]:
        """The SQL condition that the person may see a row of the tag table, as tags() decides in Python.

        On a blind testimony the machine's tags are taken as it made them: whether one still counts
        would tell of other people's decisions.
        """
        if not self.hidden_machine:
            return counted_clause(ThemeTag)
        return or_(
            and_(counted_clause(ThemeTag), ThemeTag.testimonial_id.not_in(list(self.hidden_machine))),
            and_(ThemeTag.source == TagSource.MACHINE, ThemeTag.testimonial_id.in_(self.machine_shown)),
        )

    @property
    def machine_shown(self) -> list[int]:
        """The blind testimonies whose machine's tags the person may see."""
        return sorted(t for t, hidden in self.hidden_machine.items() if not hidden)


NO_BLINDFOLD = Blindfold()


def blindfold_of(person: User | None) -> Blindfold:
    """The testimonies a person codes blind in the open rounds they code, and what of the machine's they see."""
    if person is None or getattr(person, "id", None) is None:
        return NO_BLINDFOLD
    query = (
        select(RoundItem.testimonial_id, AgreementRound.hide_machine)
        .join(AgreementRound, AgreementRound.id == RoundItem.round_id)
        .join(RoundCoder, RoundCoder.round_id == AgreementRound.id)
        .where(RoundCoder.user_id == person.id, AgreementRound.status == RoundStatus.OPEN)
    )
    hidden: dict[int, bool] = {}
    for testimonial_id, hide_machine in db.session.execute(query):
        hidden[testimonial_id] = hidden.get(testimonial_id, False) or bool(hide_machine)
    return Blindfold(person.id, hidden)
