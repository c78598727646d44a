"""Import, publish and look up surveys and their versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from survey.extensions import db
from survey.models import Survey, SurveyStatus, SurveyVersion
from survey.models.base import utcnow
from survey.services.definition import Definition, DefinitionError, parse_definition


class SurveyImportError(ValueError):
    """A survey file that cannot be imported; nothing of it was stored."""


def read_survey_file(path: str | Path) -> dict[str, Any]:
    """Read a survey definition from a YAML file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SurveyImportError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise SurveyImportError(f"{path}: a survey file must be a mapping")
    return data


def import_survey(data: dict[str, Any], *, publish: bool = False) -> SurveyVersion:
    """Store a definition as a new version of its survey; the same version again changes nothing."""
    try:
        definition = parse_definition(data)
    except DefinitionError as error:
        raise SurveyImportError(str(error)) from None
    survey = db.session.scalar(select(Survey).where(Survey.slug == definition.form_id))
    if survey is None:
        survey = Survey(slug=definition.form_id)
        db.session.add(survey)
    existing = next((v for v in survey.versions if v.version == definition.version), None)
    if existing is not None:
        if _canonical(existing.definition) != _canonical(data):
            raise SurveyImportError(
                f"version {definition.version} of {definition.form_id} already exists with other "
                "content: give the changed form a new version"
            )
        version = existing
    else:
        version = SurveyVersion(survey=survey, version=definition.version, definition=data)
        db.session.add(version)
    if publish:
        publish_version(version)
    db.session.flush()
    return version


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def publish_version(version: SurveyVersion) -> None:
    """Make a version the one residents answer."""
    version.published_at = version.published_at or utcnow()
    version.survey.status = SurveyStatus.PUBLISHED


def current_version(survey: Survey) -> SurveyVersion | None:
    """The latest published version, which new responses answer."""
    published = [v for v in survey.versions if v.published_at is not None]
    return max(published, key=lambda v: (v.published_at, v.id)) if published else None


def get_survey(slug: str) -> Survey | None:
    """The survey with this form id."""
    return db.session.scalar(select(Survey).where(Survey.slug == slug))


def open_survey(slug: str) -> tuple[SurveyVersion, Definition] | None:
    """The version and definition residents answer now, or None when the survey is not open."""
    survey = get_survey(slug)
    if survey is None or survey.status != SurveyStatus.PUBLISHED:
        return None
    version = current_version(survey)
    if version is None:
        return None
    return version, parse_definition(version.definition)


def list_open_surveys() -> list[tuple[Survey, SurveyVersion]]:
    """Every published survey with its current version, by form id."""
    surveys = db.session.scalars(
        select(Survey).where(Survey.status == SurveyStatus.PUBLISHED).order_by(Survey.slug)
    )
    return [(s, v) for s in surveys if (v := current_version(s)) is not None]


def list_surveys() -> list[tuple[Survey, SurveyVersion | None]]:
    """Every survey with its current version, by form id."""
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug))
    return [(s, current_version(s) or (s.versions[-1] if s.versions else None)) for s in surveys]
