"""Sync API views: JSON in, JSON out, one answer per record."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from survey.extensions import limiter
from survey.models import Role
from survey.services.devices import device_for_token
from survey.services.media import DEFAULT_MEDIA_MAX_BYTES, UploadedFile
from survey.services.queue_files import QueueFileError, TooDeepError, parse_json
from survey.services.record_files import ingest_with_files
from survey.services.sites import list_sites
from survey.services.surveys import list_open_surveys
from survey.services.sync import MAX_BATCH, ingest_batch
from survey.services.teams import collected_by
from survey.web.api import bp
from survey.web.limits import takes_up_to

RECORD_PART, FILE_PART = "record", "file."  # the parts of a record sent with its files
MAX_FILES = 20  # files one record may bring; each is checked against MEDIA_MAX_BYTES on its own


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip()[:80] or (request.remote_addr or "anonymous")


def _api_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """Find the device from its token; refuse anything else with 401."""
    header = request.headers.get("Authorization", "")
    device = device_for_token(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
    if device is None or not device.user.has_role(Role.FIELD_WORKER, Role.ADMIN):
        return jsonify(error="a valid device token is required in the Authorization header"), 401
    g.device = device
    return None


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException) -> ResponseReturnValue:
    """API errors are JSON, not pages."""
    return jsonify(error=error.description or error.name), error.code or 500


@bp.get("/me")
@limiter.limit(_api_limit, key_func=_token_key)
def me() -> ResponseReturnValue:
    """Who this device belongs to."""
    return jsonify(device=g.device.name, user=g.device.user.email, role=g.device.user.role.value)


@bp.get("/surveys")
@limiter.limit(_api_limit, key_func=_token_key)
def surveys() -> ResponseReturnValue:
    """The open surveys with their current definitions, and the sites: all a tablet needs offline."""
    body = {
        "surveys": [
            {"slug": s.slug, "version": v.version, "definition": v.definition}
            for s, v in collected_by(g.device.user, list_open_surveys())
        ],
        "sites": [{"slug": s.slug, "name": s.display_name} for s in list_sites()],
    }
    return jsonify(body)


@bp.post("/submissions")
@limiter.limit(_api_limit, key_func=_token_key)
def submissions() -> ResponseReturnValue:
    """Store a batch of records; each gets created, duplicate, conflict or invalid."""
    try:
        payload = parse_json(request.get_data())
    except TooDeepError as error:
        return jsonify(error=str(error)), 400
    except QueueFileError:
        payload = None
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        return jsonify(error='send JSON: {"records": [...]}'), 400
    if len(records) > MAX_BATCH:
        return jsonify(error=f"at most {MAX_BATCH} records a batch"), 413
    results = ingest_batch(
        records, user=g.device.user, device=g.device, source="api", language=str(get_locale() or "en")
    )
    return jsonify(results=[r.as_json() for r in results])


def _media_max_bytes() -> int:
    return int(current_app.config.get("MEDIA_MAX_BYTES", DEFAULT_MEDIA_MAX_BYTES))


def _record_with_files_limit() -> int:
    """The largest request of a record with its files: a larger one is a 413 at once."""
    return MAX_FILES * _media_max_bytes() + int(current_app.config["MAX_CONTENT_LENGTH"])


@bp.post("/records/<record_uuid>")
@limiter.limit(_api_limit, key_func=_token_key)
@takes_up_to(_record_with_files_limit)
def record_with_files(record_uuid: str) -> ResponseReturnValue:
    """Store one record with the files its photo and recording questions name, all or nothing."""
    max_bytes = _media_max_bytes()
    record_limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    part = request.files.get(RECORD_PART)
    body = part.stream.read(record_limit + 1) if part else request.form.get(RECORD_PART, "").encode()
    if len(body) > record_limit:
        return jsonify(error=f"a record may hold at most {record_limit} bytes besides its files"), 413
    try:
        record = parse_json(body)
    except QueueFileError as error:
        return jsonify(error=str(error)), 400
    if not isinstance(record, dict) or str(record.get("uuid", "")).lower() != record_uuid.lower():
        return jsonify(error=f"send the record as the JSON part '{RECORD_PART}', its uuid as in the address"), 400
    files = {  # read no further than one byte past the limit: that is enough to refuse the file
        name.removeprefix(FILE_PART): UploadedFile(
            upload.filename or "", upload.mimetype, upload.stream.read(max_bytes + 1)
        )
        for name, upload in request.files.items()
        if name.startswith(FILE_PART)
    }
    outcome = ingest_with_files(
        record, files, user=g.device.user, device=g.device, language=str(get_locale() or "en"), max_bytes=max_bytes
    )
    return jsonify(results=[outcome.result.as_json()]), 413 if outcome.too_large else 200
