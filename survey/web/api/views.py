"""Sync API views: JSON in, JSON out, one answer per record."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from survey.extensions import limiter
from survey.models import Role
from survey.services.devices import device_for_token
from survey.services.queue_files import QueueFileError, TooDeepError, parse_json
from survey.services.sites import list_sites
from survey.services.surveys import list_open_surveys
from survey.services.sync import MAX_BATCH, ingest_batch
from survey.services.teams import collected_by
from survey.web.api import bp


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
