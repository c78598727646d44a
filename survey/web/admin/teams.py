"""Administrator views for teams, and for who collects each survey."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from survey.models import Team
from survey.services.surveys import get_survey, list_surveys
from survey.services.teams import (
    NAME_LENGTH,
    TeamError,
    TeamNameTaken,
    assign_survey,
    assignment_of,
    assignments_of,
    collectors,
    delete_team,
    get_team,
    list_teams,
    save_team,
)
from survey.web.admin import bp
from survey.web.admin.user_forms import role_label
from survey.web.evaluate.forms import MultiCheckboxField


class TeamForm(FlaskForm):
    """A team's name and members."""

    name = StringField(
        _l("Name of the team"),
        description=_l("For example: Nariño interviewers, or the partner clinic's outreach workers."),
        validators=[DataRequired(_l("Give the team a name.")), Length(max=NAME_LENGTH)],
    )
    members = MultiCheckboxField(_l("Members"))


class CollectorsForm(FlaskForm):
    """The teams and people who collect a survey; none chosen means every field worker."""

    teams = MultiCheckboxField(_l("Teams"))
    people = MultiCheckboxField(_l("People"))


class DeleteTeamForm(FlaskForm):
    """A button and its CSRF token."""


def _people_choices() -> list[SelectChoice]:
    return [SelectChoice(str(user.id), f"{user.email} ({role_label(user.role)})") for user in collectors()]


def _team_form(team: Team | None = None) -> TeamForm:
    form = TeamForm(obj=None)
    form.members.choices = _people_choices()
    if team is not None and not form.is_submitted():
        form.name.data = team.name
        form.members.data = [str(user.id) for user in team.members]
    return form


def _chosen(values: list[str] | None) -> list[int]:
    return sorted({int(value) for value in values or [] if value.isdigit()})


def _save(form: TeamForm, team: Team | None) -> Team | None:
    try:
        return save_team(str(form.name.data), _chosen(form.members.data), by=current_user, team=team)
    except TeamNameTaken:
        form.name.errors = [*form.name.errors, _("Another team has this name.")]
    except TeamError:  # a member deactivated or given another role meanwhile
        form.members.errors = [
            *form.members.errors,
            _("Only active field workers and administrators can be in a team."),
        ]
    return None


@bp.route("/teams", methods=["GET", "POST"])
def teams() -> ResponseReturnValue:
    """Every team with its members and surveys, and the form to add one."""
    form = _team_form()
    if form.validate_on_submit() and (team := _save(form, None)) is not None:
        flash(_("Added the team %(name)s.", name=team.name), "info")
        return redirect(url_for("admin.teams"))
    listed = list_surveys()
    assigned = assignments_of(survey for survey, _version in listed)
    surveys = [(survey, version, assigned[survey.id]) for survey, version in listed]
    return render_template("admin/teams.html", form=form, teams=list_teams(), surveys=surveys)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit_team(team_id: int) -> ResponseReturnValue:
    """Rename a team or change its members."""
    team = get_team(team_id) or abort(404)
    form = _team_form(team)
    if form.validate_on_submit() and _save(form, team) is not None:
        flash(_("Saved the team %(name)s.", name=team.name), "info")
        return redirect(url_for("admin.teams"))
    return render_template("admin/team_edit.html", form=form, team=team, delete=DeleteTeamForm())


@bp.post("/teams/<int:team_id>/delete")
def remove_team(team_id: int) -> ResponseReturnValue:
    """Remove a team; its members' accounts stay."""
    team = get_team(team_id) or abort(404)
    if not DeleteTeamForm().validate_on_submit():
        abort(400)
    name = team.name
    delete_team(team, by=current_user)
    flash(_("Removed the team %(name)s.", name=name), "info")
    return redirect(url_for("admin.teams"))


@bp.route("/surveys/<slug>/collectors", methods=["GET", "POST"])
def survey_collectors(slug: str) -> ResponseReturnValue:
    """Who collects a survey on their tablets: chosen teams and people, or every field worker."""
    survey = get_survey(slug) or abort(404)
    form = CollectorsForm()
    form.teams.choices = [SelectChoice(str(team.id), team.name) for team in list_teams()]
    form.people.choices = _people_choices()
    if form.validate_on_submit():
        assigned = assign_survey(survey, _chosen(form.teams.data), _chosen(form.people.data), by=current_user)
        if assigned.everyone:
            flash(_("Every field worker collects %(survey)s.", survey=survey.slug), "info")
        else:
            flash(_("Only the chosen teams and people collect %(survey)s.", survey=survey.slug), "info")
        return redirect(url_for("admin.teams"))
    if not form.is_submitted():
        current = assignment_of(survey)
        form.teams.data = [str(team.id) for team in current.teams]
        form.people.data = [str(user.id) for user in current.people]
    return render_template("admin/survey_collectors.html", form=form, survey=survey)
