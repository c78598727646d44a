"""Teams of field workers, and who collects each survey: a tablet shows only its own surveys.

A survey assigned to nobody is collected by every field worker, as before teams existed. Once it is
assigned to teams or people, only they see it on their tablets, in Collect's form list and on the
field app's page; administrators see every survey. Records already collected are never refused for
this: a tablet keeps interviews for days, and an assignment may change meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import delete, select

from survey.extensions import db
from survey.models import Role, Survey, SurveyAssignment, Team, TeamMember, User
from survey.services.audit import record_event

NAME_LENGTH = 120
COLLECTORS = (Role.FIELD_WORKER, Role.ADMIN)  # who can be in a team or be given a survey

T = TypeVar("T")


class TeamError(ValueError):
    """A team that cannot be saved as asked."""


class TeamNameTaken(TeamError):
    """Another team already has the name."""


@dataclass(frozen=True)
class Assignment:
    """Who collects a survey: teams and people; both empty means every field worker."""

    teams: tuple[Team, ...]
    people: tuple[User, ...]

    @property
    def everyone(self) -> bool:
        return not self.teams and not self.people


def list_teams() -> list[Team]:
    """Every team, by name."""
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def collectors() -> list[User]:
    """The active accounts that can collect: field workers and administrators, by address."""
    query = select(User).where(User.active, User.role.in_(COLLECTORS)).order_by(User.email)
    return list(db.session.scalars(query))


def _members(user_ids: Iterable[int]) -> list[User]:
    wanted = set(user_ids)
    people = [user for user in collectors() if user.id in wanted]
    if len(people) != len(wanted):
        raise TeamError("only active field workers and administrators can be in a team")
    return people


def _check_name(name: str, team: Team | None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise TeamError(f"a team's name has 1 to {NAME_LENGTH} characters")
    other = db.session.scalar(select(Team).where(Team.name == name))
    if other is not None and other is not team:
        raise TeamNameTaken(f"there is already a team called {name!r}")
    return name


def save_team(name: str, member_ids: Iterable[int], *, by: User | None, team: Team | None = None) -> Team:
    """Create a team, or rename it and set its members; refused before anything is written."""
    name = _check_name(name, team)
    members = _members(member_ids)
    created = team is None
    if team is None:
        team = Team(name=name)
        db.session.add(team)
    team.name = name
    team.members = members
    db.session.flush()
    record_event(
        "create_team" if created else "update_team",
        actor=by,
        target_type="team",
        target_id=team.id,
        name=name,
        members=len(members),
    )
    return team


def delete_team(team: Team, *, by: User | None) -> None:
    """Remove a team; the surveys it collected stay assigned to whoever else has them."""
    record_event("delete_team", actor=by, target_type="team", target_id=team.id, name=team.name)
    db.session.delete(team)
    db.session.flush()


def assignments_of(surveys: Iterable[Survey]) -> dict[int, Assignment]:
    """The teams and people who collect each of these surveys, by survey id, in three queries for all."""
    survey_ids = [survey.id for survey in surveys]
    rows = db.session.scalars(select(SurveyAssignment).where(SurveyAssignment.survey_id.in_(survey_ids))).all()
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    teams = list_teams()
    people = (
        db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.email)).all() if user_ids else []
    )
    found = {}
    for survey_id in survey_ids:
        mine = [row for row in rows if row.survey_id == survey_id]
        team_ids = {row.team_id for row in mine}
        person_ids = {row.user_id for row in mine}
        found[survey_id] = Assignment(
            tuple(team for team in teams if team.id in team_ids), tuple(p for p in people if p.id in person_ids)
        )
    return found


def assignment_of(survey: Survey) -> Assignment:
    """The teams and people who collect this survey."""
    return assignments_of([survey])[survey.id]


def assign_survey(survey: Survey, team_ids: Iterable[int], user_ids: Iterable[int], *, by: User | None) -> Assignment:
    """Give a survey to these teams and people only (none: to every field worker)."""
    teams = {team.id for team in list_teams()}
    wanted_teams = set(team_ids)
    if not wanted_teams <= teams:
        raise TeamError("no such team")
    people = _members(user_ids)
    db.session.execute(delete(SurveyAssignment).where(SurveyAssignment.survey_id == survey.id))
    db.session.add_all(SurveyAssignment(survey_id=survey.id, team_id=team_id) for team_id in sorted(wanted_teams))
    db.session.add_all(SurveyAssignment(survey_id=survey.id, user_id=person.id) for person in people)
    db.session.flush()
    record_event(
        "assign_survey",
        actor=by,
        target_type="survey",
        target_id=survey.id,
        slug=survey.slug,
        teams=len(wanted_teams),
        people=len(people),
    )
    return assignment_of(survey)


def collected_by(user: User | None, surveys: Sequence[tuple[Survey, T]]) -> list[tuple[Survey, T]]:
    """The surveys (each with what came beside it) that this person collects, in the same order.

    Administrators collect every survey; nobody signed in collects only those assigned to nobody.
    """
    if user is not None and user.role == Role.ADMIN:
        return list(surveys)
    survey_ids = [survey.id for survey, _ in surveys]
    if not survey_ids:
        return []
    rows = db.session.execute(
        select(SurveyAssignment.survey_id, SurveyAssignment.team_id, SurveyAssignment.user_id).where(
            SurveyAssignment.survey_id.in_(survey_ids)
        )
    ).all()
    my_teams: set[int] = set()
    if user is not None:
        my_teams = set(db.session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id)))
    assigned: set[int] = set()
    mine: set[int] = set()
    for survey_id, team_id, user_id in rows:
        assigned.add(survey_id)
        if (user is not None and user_id == user.id) or (team_id is not None and team_id in my_teams):
            mine.add(survey_id)
    return [(survey, extra) for survey, extra in surveys if survey.id not in assigned or survey.id in mine]
