"""Teams of field workers, and which teams or people collect a survey."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.user import User


class Team(Base):
    """A named group of field workers (a region's team, a partner organisation's interviewers)."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(secondary="team_member", order_by=User.email)


class TeamMember(Base):
    """One person in one team; a person may be in several."""

    __tablename__ = "team_member"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


class SurveyAssignment(Base):
    """A team or a person who collects a survey. A survey with none is collected by every field worker."""

    __tablename__ = "survey_assignment"
    __table_args__ = (
        CheckConstraint("(team_id IS NULL) <> (user_id IS NULL)", name="team_or_user"),
        UniqueConstraint("survey_id", "team_id", name="uq_survey_assignment_survey_id_team_id"),
        UniqueConstraint("survey_id", "user_id", name="uq_survey_assignment_survey_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
