"""Import, export, publish and look up surveys and their versions."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from survey.extensions import db
from survey.models import Survey, SurveyStatus, SurveyVersion
from survey.models.base import utcnow
from survey.questionnaire import Definition, DefinitionError, missing_translations, parse_definition
from survey.questionnaire.messages import Message
from survey.questionnaire.model import START_GEOPOINT
from survey.questionnaire.xlsform.reading import XLSFORM_SUFFIXES, read_xlsform
from survey.questionnaire.xlsform.refusals import IN_FILE, XLSFormError
from survey.questionnaire.xlsform.writing import write_data_files, write_xlsform
from survey.services.sites import list_sites
from survey.services.wording import worded

# Keys of a definition that imports began to read after versions were stored without them.
KEYS_READ_LATER = ("metadata",)


class SurveyImportError(ValueError):
    """A survey file that cannot be imported; nothing of it was stored."""

    def __init__(self, text: str, message: Message | None = None) -> None:
        """Keep the English text, and the message to word in the reader's language when there is one."""
        super().__init__(text)
        self.message = message


def describe_import_error(error: SurveyImportError) -> str:
    """Why a survey file was refused, in the language of whoever reads it (where Voces has the words)."""
    return worded(error.message) if error.message else str(error)


class SurveyNotFoundError(LookupError):
    """No survey has this form id."""


@dataclass(frozen=True)
class SurveyFile:
    """A definition read from a file, with warnings (such as missing translations) to show."""

    definition: dict[str, Any]
    warnings: list[str]  # Notices where the reader's language can word them


def _read_yaml(path: str | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SurveyImportError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise SurveyImportError(f"{path}: a survey file must be a mapping")
    # YAML reads 2026-05-01 as a date; the definition is stored as JSON, so dates become text.
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return loaded


def read_survey(path: str | Path, choice_files: Mapping[str, bytes] | None = None) -> SurveyFile:
    """Read and check a survey from YAML or an XLSForm workbook (.xlsx, with its CSV choice lists), with warnings."""
    if Path(path).suffix.lower() in XLSFORM_SUFFIXES:
        try:
            result = read_xlsform(path, choice_files)
        except XLSFormError as error:
            message = Message(IN_FILE, {"file": Path(path).name, "detail": error.message})
            raise SurveyImportError(str(message), message) from None
        return SurveyFile(result.definition, result.warnings)
    data = _read_yaml(path)
    try:
        warnings = missing_translations(parse_definition(data))
    except DefinitionError as error:
        raise SurveyImportError(str(error)) from None
    return SurveyFile(data, list(warnings))


def read_survey_file(path: str | Path) -> dict[str, Any]:
    """Read a survey definition from a YAML file or an XLSForm workbook."""
    if Path(path).suffix.lower() in XLSFORM_SUFFIXES:
        return read_survey(path).definition
    return _read_yaml(path)


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
    if not definition.version:
        data = {**data, "version": _unnumbered_version(survey, data)}
        definition = replace(definition, version=data["version"])
    existing = next((v for v in survey.versions if v.version == definition.version), None)
    if existing is not None:
        if not _same_content(existing.definition, data):
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


def _unnumbered_version(survey: Survey, data: dict[str, Any]) -> str:
    """The version Voces gives a form that names none: the same content keeps its number, else the next."""
    for version in survey.versions:
        if _same_content(version.definition, data, ignoring=("version",)):
            return version.version
    taken = {v.version for v in survey.versions}
    number = len(taken) + 1
    while str(number) in taken:
        number += 1
    return str(number)


def _same_content(stored: dict[str, Any], data: dict[str, Any], ignoring: tuple[str, ...] = ()) -> bool:
    """Whether a definition is a stored version's, but for the keys ignored and those read since it was stored.

    A key an import began to read later (the metadata an XForm fills in) is not a change of the form:
    the same workbook imported again is the same version.
    """
    left_out = {*ignoring, *(key for key in KEYS_READ_LATER if key not in stored)}
    if START_GEOPOINT in (data.get("metadata") or ()) and START_GEOPOINT not in (stored.get("metadata") or ()):
        left_out.discard("metadata")  # a start-geopoint row was refused before metadata was read: it is new
    return _canonical({k: v for k, v in stored.items() if k not in left_out}) == _canonical(
        {k: v for k, v in data.items() if k not in left_out}
    )


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def publish_version(version: SurveyVersion) -> None:
    """Make a version the one residents answer (the last one published is current)."""
    version.published_at = utcnow()
    version.survey.status = SurveyStatus.PUBLISHED


def current_version(survey: Survey) -> SurveyVersion | None:
    """The latest published version, which new responses answer."""
    published = [v for v in survey.versions if v.published_at is not None]
    return max(published, key=lambda v: (v.published_at, v.id)) if published else None


def get_survey(slug: str) -> Survey | None:
    """The survey with this form id."""
    return db.session.scalar(select(Survey).where(Survey.slug == slug))


def definition_of(version: SurveyVersion) -> Definition:
    """The parsed definition of a stored version, parsed once for as long as its content stays the same."""
    # Keyed by the content itself (order kept), not the version's id: a definition edited in place
    # must not be answered from an older parse. Serialising costs a fraction of parsing.
    return _parse_stored(json.dumps(version.definition, ensure_ascii=False))


@lru_cache(maxsize=64)
def _parse_stored(content: str) -> Definition:
    return parse_definition(json.loads(content))


def open_survey(slug: str) -> tuple[SurveyVersion, Definition] | None:
    """The version and definition residents answer now, or None when the survey is not open."""
    survey = get_survey(slug)
    if survey is None or survey.status != SurveyStatus.PUBLISHED:
        return None
    version = current_version(survey)
    if version is None:
        return None
    return version, definition_of(version)


def list_open_surveys() -> list[tuple[Survey, SurveyVersion]]:
    """Every published survey with its current version, by form id."""
    surveys = db.session.scalars(select(Survey).where(Survey.status == SurveyStatus.PUBLISHED).order_by(Survey.slug))
    return [(s, v) for s in surveys if (v := current_version(s)) is not None]


def latest_version(survey: Survey) -> SurveyVersion | None:
    """The version residents answer, or else the last one imported."""
    return current_version(survey) or (survey.versions[-1] if survey.versions else None)


def export_xlsform(slug: str, path: str | Path) -> list[str]:
    """Write a survey's current version as an XLSForm, and beside it the CSV files its expressions read;
    return what XLSForm could not keep and which files are to be sent with the workbook."""
    survey = get_survey(slug)
    version = latest_version(survey) if survey else None
    if version is None:
        raise SurveyNotFoundError(f"there is no survey {slug!r}")
    definition = definition_of(version)
    warnings = write_xlsform(definition, path, list_sites())
    for written in write_data_files(definition, Path(path).parent):
        warnings.append(f"{written.name} is written beside the workbook: send it with the workbook to import it")
    return warnings


def export_yaml(slug: str) -> str:
    """A survey's current version as YAML, the format `surveys import` reads."""
    survey = get_survey(slug)
    version = latest_version(survey) if survey else None
    if version is None:
        raise SurveyNotFoundError(f"there is no survey {slug!r}")
    return yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False, width=100)


def list_surveys() -> list[tuple[Survey, SurveyVersion | None]]:
    """Every survey with its current version, by form id."""
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug))
    return [(s, latest_version(s)) for s in surveys]


def _safe_name(filename: str) -> str:
    """An uploaded file's own name, kept: a form without a form_id is named after its file, as pyxform does."""
    name = Path(filename.replace("\\", "/")).name
    return "".join(c for c in name if c.isalnum() or c in "._- ()").lstrip(".")


def import_uploaded_survey(
    filename: str, data: bytes, *, publish: bool = False, choice_files: Mapping[str, bytes] | None = None
) -> tuple[SurveyVersion, list[str]]:
    """Import a survey sent through the admin page (XLSForm with its CSV lists, or YAML); nothing is kept on failure."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (*XLSFORM_SUFFIXES, ".yaml", ".yml"):
        raise SurveyImportError("send an XLSForm workbook (.xlsx) or a YAML file (.yaml)")
    with tempfile.TemporaryDirectory() as folder:
        name = _safe_name(filename)
        path = Path(folder) / (name if name.lower().endswith(suffix) else f"upload{suffix}")
        path.write_bytes(data)
        survey_file = read_survey(path, choice_files)
    return import_survey(survey_file.definition, publish=publish), survey_file.warnings


def close_survey(survey: Survey) -> None:
    """Stop residents answering; what was received stays."""
    survey.status = SurveyStatus.CLOSED
    db.session.flush()
