"""OpenRosa for ODK Collect and KoboCollect: the forms a tablet may fill, and its submissions stored
exactly once through the sync API's own path."""

from __future__ import annotations

import mimetypes
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from sqlalchemy import select
from werkzeug.utils import secure_filename

from survey.extensions import db
from survey.models import Device, MediaFile, Survey, SurveyStatus, SurveyVersion, User
from survey.questionnaire.media_types import MediaType
from survey.questionnaire.messages import N_
from survey.questionnaire.model import START_GEOPOINT
from survey.questionnaire.place_and_time_types import point_parts
from survey.questionnaire.validate import instance_path, instances_key
from survey.services.edits import apply_edit, replaced_uuids
from survey.services.form_files import FormFile, form_files
from survey.services.media import EMPTY, TOO_LARGE, UploadedFile, file_problem, media_questions, store_media
from survey.services.records import LANGUAGES, START_LOCATION, RecordResult, Status, storable_time
from survey.services.submissions import find_response
from survey.services.surveys import definition_of, get_survey, list_open_surveys
from survey.services.sync import ingest_record
from survey.services.teams import collected_by
from survey.services.withdrawals import withdrawn_uuids
from survey.services.xforms import XForm, xform_for, xform_metadata

SOURCE = "openrosa"
META = "meta"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"
MAX_DEPTH = 100  # elements inside each other in an instance; reading answers recurses this deep at most
NOT_XML = N_("The submission is not an XForm instance (XML) that Voces can read.")
NO_INSTANCE_ID = N_("The submission has no meta/instanceID.")
UNKNOWN_FORM = N_("Voces has no form '%(form)s'.")
UNKNOWN_VERSION = N_("Form '%(form)s' has no version '%(version)s' any more: download the form again.")
NOT_OPEN = N_("Form '%(form)s' is not open for submissions.")
NOT_ASKED = N_("%(file)s answers no question of this form: it was not kept.")
WRONG_KIND = N_("%(file)s is not the kind of file its question asks for: it was not kept.")
TOO_LARGE_FILE = N_("%(file)s is larger than %(mb)s MB: it was not kept.")
EMPTY_FILE = N_("%(file)s is empty: it was not kept.")
UNNAMED = "file"
GENERIC_TYPES = frozenset({"", "application/octet-stream"})  # a client that did not say: the name tells
EDIT_OF_UNKNOWN = N_("The form this edit replaces (%(form)s) has not reached Voces: send it first, then the edit.")
EDITED_SINCE = N_("The form this edit replaces (%(form)s) was edited since: ask an administrator to compare the two.")


@dataclass(frozen=True)
class ListedForm:
    """A form in a tablet's form list."""

    survey: Survey
    version: SurveyVersion
    xform: XForm
    files: tuple[FormFile, ...]  # the CSV files its XForm reads, listed in its manifest


@dataclass(frozen=True)
class Refusal:
    """Why a submission was not read, for the OpenRosaResponse Collect shows the field worker."""

    message: str
    params: dict[str, str]
    code: int = 400


def listed_forms(user: User | None) -> list[ListedForm]:
    """The published surveys this person's tablet may fill, each at its current version.

    A survey with repeats is listed too: its XForm has a <repeat> for each, and each instance a
    tablet sends is read under its own number (see read_answers).
    """
    return [
        ListedForm(survey, version, xform_for(version), form_files(version))
        for survey, version in collected_by(user, list_open_surveys())
    ]


def form_to_download(slug: str, user: User | None) -> ListedForm | None:
    """An open survey's current version that this person collects, with its XForm and files, or None."""
    return next((form for form in listed_forms(user) if form.survey.slug == slug), None)


def _local(tag: str) -> str:
    """A tag without its namespace: pyxform's instances use the XForms namespace, others none."""
    return tag.rsplit("}", 1)[-1]


Instances = dict[str, list[dict[str, str]]]  # by instances_key, as the web form keeps them


def read_answers(root: Element, repeats: Collection[str]) -> tuple[dict[str, str], Instances]:
    """The answers asked once by question name, and each repeat's instances with their answers.

    Groups are only nesting and meta is not an answer. Each element named after a repeat is one
    instance of it, numbered from 1 in the order sent; a repeat inside another is read within each
    instance of the outer one and keyed by instances_key (child.2: the children in the 2nd woman).
    A jr:template element is the XForm's pattern for new instances, never one the tablet filled.
    """
    instances: Instances = {}

    def read(element: Element, answers: dict[str, str], parent: str) -> None:
        for child in element:
            name = _local(child.tag)
            if name == META or child.get(JR_TEMPLATE) is not None:
                continue
            if name in repeats:
                made = instances.setdefault(instances_key(name, parent), [])
                made.append({})
                read(child, made[-1], instance_path(parent, len(made)))
            elif len(child):
                read(child, answers, parent)
            elif child.text and child.text.strip():
                answers[name] = child.text.strip()

    once: dict[str, str] = {}
    read(root, once, "")
    return once, instances


def _meta(root: Element, name: str) -> str | None:
    for meta in root:
        if _local(meta.tag) == META:
            for child in meta:
                if _local(child.tag) == name and child.text:
                    return child.text.strip()
    return None


def _deeper_than(root: Element, depth: int) -> bool:
    """Say whether elements nest deeper than depth, read without recursion."""
    stack = [(root, 1)]
    while stack:
        element, level = stack.pop()
        if level > depth:
            return True
        stack.extend((child, level + 1) for child in element)
    return False


def read_instance(xml: bytes) -> tuple[Element, str] | Refusal:
    """The instance's root and its instanceID, read without entities, DTDs or the network.

    Groups and repeats nest a few levels; an instance nested deeper than MAX_DEPTH is no form's.
    """
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError):  # ParseError is a SyntaxError
        return Refusal(NOT_XML, {})
    if _deeper_than(root, MAX_DEPTH):
        return Refusal(NOT_XML, {})
    instance_id = _meta(root, "instanceID")
    if not instance_id:
        return Refusal(NO_INSTANCE_ID, {})
    return root, instance_id.removeprefix("uuid:")


def _version_named(root: Element) -> tuple[SurveyVersion, str] | Refusal:
    """The survey version the instance's root names with its id and version attributes."""
    slug, number = root.get("id") or _local(root.tag), root.get("version") or ""
    survey = get_survey(slug)
    if survey is None:
        return Refusal(UNKNOWN_FORM, {"form": slug}, 404)
    version = next((v for v in survey.versions if v.version == number), None)
    if version is None:
        return Refusal(UNKNOWN_VERSION, {"form": slug, "version": number}, 404)
    if survey.status != SurveyStatus.PUBLISHED or version.published_at is None:
        return Refusal(NOT_OPEN, {"form": slug}, 403)
    return version, slug


def receive_submission(xml: bytes, *, user: User, device: Device | None) -> RecordResult | Refusal:
    """Store an XForm instance once by its instanceID: created, duplicate, conflict or invalid."""
    read = read_instance(xml)
    if isinstance(read, Refusal):
        return read
    root, instance_id = read
    if replaced_uuids({instance_id}):  # a version an edit has replaced since: it counts in the edit
        return RecordResult(instance_id, Status.DUPLICATE)
    named = _version_named(root)
    if isinstance(named, Refusal):
        return named
    version, slug = named
    definition = definition_of(version)
    language = definition.default_language if definition.default_language in LANGUAGES else "en"
    answers, instances = read_answers(root, definition.repeats)
    metadata = {kind: answers.pop(name, None) for kind, name in xform_metadata(definition).items()}
    record: dict[str, Any] = {
        "uuid": instance_id,
        "survey": slug,
        "version": version.version,
        "language": language,
        "mode": "in_person",
        "answers": answers,
    }
    record |= interview_times(metadata.get("start"), metadata.get("end"))
    if point_parts(metadata.get(START_GEOPOINT) or ""):  # a tablet that could not tell leaves it empty
        record[START_LOCATION] = metadata[START_GEOPOINT]
    if definition.repeats:  # only then: the digest of an instance without repeats stays what it was
        record["instances"] = instances
    replaced = (_meta(root, "deprecatedID") or "").removeprefix("uuid:")
    if replaced and find_response(instance_id) is None:  # an edit, not the resend of one
        return _edit(record, replaced, user=user, device=device)
    return ingest_record(record, user=user, device=device, source=SOURCE, language=language)


def interview_times(start: str | None, end: str | None) -> dict[str, str]:
    """When the interview began and was finalised, as the record's started_at and finished_at.

    A tablet's clock may be wrong or its value unreadable: a time that is not one Voces would store,
    or a start after the end, is left out rather than refusing the interview it came with.
    """
    started, finished = storable_time(start), storable_time(end)
    if started and finished and started > finished:
        started = None
    times = {"started_at": started, "finished_at": finished}
    return {key: time.isoformat() for key, time in times.items() if time}


def _edit(record: dict[str, Any], replaced: str, *, user: User, device: Device | None) -> RecordResult | Refusal:
    """An edit replaces the version it names; one whose original is unknown or edited since is refused."""
    edited = apply_edit(record, replaced, user=user, device=device, source=SOURCE)
    if edited is not None:
        return edited
    if withdrawn_uuids({replaced}):  # the resident withdrew the interview: nothing of it is stored again
        return RecordResult(str(record["uuid"]), Status.DUPLICATE)
    if replaced_uuids({replaced}):
        return Refusal(EDITED_SINCE, {"form": replaced}, 409)
    return Refusal(EDIT_OF_UNKNOWN, {"form": replaced}, 404)


@dataclass(frozen=True)
class KeptFiles:
    """What became of a submission's attachments: kept, refused with a reason, and still to come."""

    kept: tuple[str, ...] = ()
    refused: tuple[Refusal, ...] = ()
    awaited: tuple[str, ...] = ()


def content_type_of(upload: UploadedFile) -> str:
    """The content type a part declared, or the one its file name implies when it declared none."""
    if upload.content_type.split(";")[0].strip() not in GENERIC_TYPES:
        return upload.content_type.split(";")[0].strip()
    return mimetypes.guess_type(upload.file_name)[0] or ""


def _refusal(problem: str, file_name: str, max_bytes: int) -> Refusal:
    if problem == TOO_LARGE:
        return Refusal(TOO_LARGE_FILE, {"file": file_name, "mb": str(round(max_bytes / 1024 / 1024, 1))})
    return Refusal(EMPTY_FILE if problem == EMPTY else WRONG_KIND, {"file": file_name})


def keep_attachments(instance_id: str, files: Sequence[UploadedFile], max_bytes: int) -> KeptFiles:
    """Keep the files a stored instance's media answers name, whichever request brings them.

    Collect splits a submission too large for one request: the same instance comes again with the
    files that did not fit, and each joins the response its answers named it in.
    """
    response = find_response(instance_id)
    if response is None:
        return KeptFiles()
    definition = definition_of(response.survey_version)
    asked = set(media_questions(definition))
    question_of = {a.value_text: a.question for a in response.answers if a.question in asked and a.value_text}
    accepted: dict[str, UploadedFile] = {}
    refused = []
    for upload in files:
        question = question_of.get(upload.file_name)
        if question is None:
            refused.append(Refusal(NOT_ASKED, {"file": upload.file_name}))
            continue
        kind = definition.question(question).kind
        content_type = content_type_of(upload)
        problem = file_problem(kind, content_type, len(upload.data), max_bytes) if isinstance(kind, MediaType) else None
        if problem:
            refused.append(_refusal(problem, upload.file_name, max_bytes))
        else:
            accepted[question] = UploadedFile(secure_filename(upload.file_name) or UNNAMED, content_type, upload.data)
    stored = store_media(response, definition, accepted)
    have = set(db.session.scalars(select(MediaFile.question).where(MediaFile.response_id == response.id)))
    awaited = tuple(sorted(name for name, question in question_of.items() if question not in have))
    return KeptFiles(tuple(media.file_name for media in stored), tuple(refused), awaited)


def status_code(result: RecordResult) -> int:
    """The HTTP status Collect gets: 201 stored, 202 already stored, 409 conflict, 400 refused."""
    return {Status.CREATED: 201, Status.DUPLICATE: 202, Status.CONFLICT: 409}.get(result.status, 400)
