"""Agreement rounds: a sample of testimonies that two or more people code blind, to measure agreement."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.survey import Survey
from survey.models.testimonial import Testimonial
from survey.models.user import User


class RoundStatus(enum.StrEnum):
    """Whether the coders still code the round blind (open) or the lead has closed it."""

    OPEN = "open"
    CLOSED = "closed"


class AgreementRound(Base):
    """A random sample of a survey's testimonies, stratified by site, given to two or more coders."""

    __tablename__ = "agreement_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # The seed of the draw: the same testimonies and seed draw the same sample again.
    seed: Mapped[int] = mapped_column(Integer)
    # While open, the coders see neither each other's codes nor, if set, the machine's tags.
    hide_machine: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[RoundStatus] = mapped_column(
        Enum(RoundStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=RoundStatus.OPEN,
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    survey: Mapped[Survey] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundItem.id"
    )
    coders: Mapped[list[RoundCoder]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundCoder.id"
    )

    @property
    def is_open(self) -> bool:
        """Whether the coders still code blind."""
        return self.status == RoundStatus.OPEN


class RoundItem(Base):
    """A testimony drawn into a round."""

    __tablename__ = "round_item"
    __table_args__ = (UniqueConstraint("round_id", "testimonial_id", name="uq_round_item_round_id_testimonial_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("agreement_round.id", ondelete="CASCADE"), index=True)
    testimonial_id: Mapped[int] = mapped_column(ForeignKey("testimonial.id", ondelete="CASCADE"), index=True)

    round: Mapped[AgreementRound] = relationship(back_populates="items")
    testimonial: Mapped[Testimonial] = relationship()
    done: Mapped[list[RoundDone]] = relationship(cascade="all, delete-orphan", order_by="RoundDone.id")
    decisions: Mapped[list[RoundDecision]] = relationship(
        cascade="all, delete-orphan", order_by="RoundDecision.code_key"
    )


class RoundCoder(Base):
    """A person asked to code a round's testimonies."""

    __tablename__ = "round_coder"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_round_coder_round_id_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("agreement_round.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    round: Mapped[AgreementRound] = relationship(back_populates="coders")
    user: Mapped[User] = relationship()


class RoundDone(Base):
    """A coder's mark that a testimony of a round is coded: until then it counts as not coded by them."""

    __tablename__ = "round_done"
    __table_args__ = (UniqueConstraint("item_id", "coder_id", name="uq_round_done_item_id_coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_item.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoundDecision(Base):
    """The version the lead agreed for a code on a testimony where the coders disagreed."""

    __tablename__ = "round_decision"
    __table_args__ = (UniqueConstraint("item_id", "code_key", name="uq_round_decision_item_id_code_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_item.id", ondelete="CASCADE"), index=True)
    code_key: Mapped[str] = mapped_column(String(80))
    present: Mapped[bool] = mapped_column(Boolean)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
