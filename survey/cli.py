"""Command-line tools: thin click commands over the services."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.models import Role
from survey.services.demo import DEMO_PASSWORD, load_demo
from survey.services.surveys import SurveyImportError, import_survey, list_surveys, read_survey_file
from survey.services.users import AccountError, create_user

users_cli = AppGroup("users", help="Manage accounts.")
surveys_cli = AppGroup("surveys", help="Import and list surveys.")
demo_cli = AppGroup("demo", help="Demo data for trying Voces out.")
analysis_cli = AppGroup("analysis", help="Run and measure the analysis engine.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def create_user_command(email: str, role: str) -> None:
    """Create an account; the password comes from VOCES_PASSWORD or is asked twice."""
    password = os.environ.get("VOCES_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = create_user(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@surveys_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--publish", is_flag=True, help="Make this version the one residents answer.")
def import_survey_command(path: str, publish: bool) -> None:
    """Import a survey definition file as a new version."""
    try:
        version = import_survey(read_survey_file(path), publish=publish)
    except SurveyImportError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    state = "published" if version.published_at else "draft"
    click.echo(f"Imported {version.survey.slug} version {version.version} ({state}).")


@surveys_cli.command("list")
def list_surveys_command() -> None:
    """List surveys with their status and current version."""
    for survey, version in list_surveys():
        click.echo(f"{survey.slug}\t{survey.status.value}\t{version.version if version else '-'}")


@demo_cli.command("load")
@click.option("--responses", default=300, show_default=True, help="Demo responses to create.")
def load_demo_command(responses: int) -> None:
    """Load demo sites, the example survey, demo accounts and demo responses."""
    from flask import current_app

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo accounts have a published password: not in production")
    result = load_demo(responses)
    db.session.commit()
    click.echo(f"Demo data ready: {result.responses} new responses.")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role in result.accounts:
        click.echo(f"  {role.value:<13} {email}")
