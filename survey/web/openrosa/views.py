"""OpenRosa views: the form list, the XForms and submissions, each answer with its OpenRosa headers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from survey.extensions import db, limiter
from survey.models import Role, User
from survey.services.devices import device_for_token
from survey.services.media import UploadedFile
from survey.services.openrosa import (
    KeptFiles,
    Refusal,
    form_to_download,
    keep_attachments,
    listed_forms,
    receive_submission,
    status_code,
)
from survey.services.records import Status
from survey.services.users import AccountLockedError, authenticate
from survey.web.limits import takes_up_to
from survey.web.openrosa import bp
from survey.web.public.media import media_max_bytes

XML = "text/xml; charset=utf-8"
CSV = "text/csv; charset=utf-8"
INCOMPLETE = "*isIncomplete*"  # Collect's mark on a request that more of the same submission follows
ERROR_CODES = (400, 403, 404, 405, 413, 429, 500)
ROLES = (Role.FIELD_WORKER, Role.ADMIN)


def _limit_key() -> str:
    return str(g.get("token") or request.remote_addr or "anonymous")[:80]


def _limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


def openrosa_response(message: str, status: int, nature: str = "") -> Response:
    """An OpenRosaResponse: Collect shows its message to the field worker."""
    body = render_template("openrosa/response.xml", message=message, nature=nature)
    return Response(body, status=status, content_type=XML)


@bp.url_value_preprocessor
def take_token(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Keep the device token from the URL aside: no view needs it as an argument."""
    g.token = values.pop("token", None) if values else None


@bp.url_defaults
def give_token(endpoint: str, values: dict[str, Any]) -> None:
    """Links in a form list keep the tablet's own server URL."""
    if g.get("token"):
        values.setdefault("token", g.token)


@bp.before_request
def authenticate_tablet() -> ResponseReturnValue | None:
    """A device token in the URL, or HTTP Basic with a field worker's e-mail and password."""
    user: User | None
    if g.get("token"):
        device = device_for_token(g.token)
        if device is None:
            return openrosa_response(_("This tablet's server URL no longer works: ask for a new one."), 403)
        user, g.device = device.user, device
    else:
        g.device = None
        user = _basic_user()
        if user is None:
            db.session.commit()  # keep the count of failed logins that locks an account
            response = openrosa_response(_("Sign in with your Voces e-mail address and password."), 401)
            response.headers["WWW-Authenticate"] = 'Basic realm="Voces", charset="UTF-8"'
            return response
        if current_app.config["OPENROSA_BASIC_HTTPS_ONLY"] and not request.is_secure:
            return openrosa_response(_("Use the server's https:// address to send a password."), 403)
    if not user.has_role(*ROLES):
        return openrosa_response(_("Only field workers and administrators send forms to Voces."), 403)
    g.user = user
    return None


def _basic_user() -> User | None:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or auth.password is None:
        return None
    config = current_app.config
    try:
        return authenticate(
            auth.username,
            auth.password,
            max_failures=config["LOGIN_FAILURES_PER_ACCOUNT"],
            lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        )
    except AccountLockedError:
        return None


@bp.after_request
def openrosa_headers(response: Response) -> Response:
    """Every OpenRosa answer says its version and date."""
    response.headers["X-OpenRosa-Version"] = "1.0"
    response.headers.setdefault("Date", http_date())
    return response


def openrosa_error(error: HTTPException) -> ResponseReturnValue:
    """Errors are OpenRosaResponses that Collect can show, not pages."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    if code == 413:
        return openrosa_response(_("The submission is larger than Voces accepts."), 413)
    return openrosa_response(error.description or error.name, code)


bp.register_error_handler(HTTPException, openrosa_error)
for _code in ERROR_CODES:  # the application's own handlers for these codes render pages
    bp.register_error_handler(_code, openrosa_error)


@bp.get("/formList")
@bp.get("/<token>/formList")
@limiter.limit(_limit, key_func=_limit_key)
def form_list() -> ResponseReturnValue:
    """The published surveys this tablet may fill, in the xformsList namespace."""
    return Response(render_template("openrosa/form_list.xml", forms=listed_forms(g.user)), content_type=XML)


@bp.get("/forms/<slug>/form.xml")
@bp.get("/<token>/forms/<slug>/form.xml")
@limiter.limit(_limit, key_func=_limit_key)
def form_xml(slug: str) -> ResponseReturnValue:
    """The XForm of an open survey's current version."""
    form = form_to_download(slug, g.user)
    if form is None:
        return no_such_form(slug)
    return Response(form.xform.xml, content_type=XML)


def no_such_form(slug: str) -> Response:
    """The answer for a form this person does not collect, or that is not open."""
    return openrosa_response(_("Voces has no open form '%(form)s'.", form=slug), 404)


@bp.get("/forms/<slug>/manifest.xml")
@bp.get("/<token>/forms/<slug>/manifest.xml")
@limiter.limit(_limit, key_func=_limit_key)
def form_manifest(slug: str) -> ResponseReturnValue:
    """The files Collect downloads beside the XForm, each with its hash and URL, in the xformsManifest namespace."""
    form = form_to_download(slug, g.user)
    if form is None:
        return no_such_form(slug)
    return Response(render_template("openrosa/manifest.xml", slug=slug, files=form.files), content_type=XML)


@bp.get("/forms/<slug>/files/<filename>")
@bp.get("/<token>/forms/<slug>/files/<filename>")
@limiter.limit(_limit, key_func=_limit_key)
def form_file(slug: str, filename: str) -> ResponseReturnValue:
    """One CSV file of the manifest, found by its exact name among the form's own: never a path on disk."""
    form = form_to_download(slug, g.user)
    if form is None:
        return no_such_form(slug)
    found = next((file for file in form.files if file.filename == filename), None)
    if found is None:
        return openrosa_response(_("Form '%(form)s' has no file '%(file)s'.", form=slug, file=filename), 404)
    return Response(found.content, content_type=CSV)


@bp.route("/submission", methods=["HEAD"])
@bp.route("/<token>/submission", methods=["HEAD"])
def submission_check() -> ResponseReturnValue:
    """Collect asks first how large a submission may be."""
    response = Response(status=204)
    response.headers["X-OpenRosa-Accept-Content-Length"] = str(submission_limit())
    return response


def submission_limit() -> int:
    """The largest request a submission may be: the answers and one file at the media limit.

    Collect sends the files that do not fit in further requests, so no file is ever refused for size
    alone unless it is itself over the media limit.
    """
    return int(current_app.config["MAX_CONTENT_LENGTH"]) + media_max_bytes()


OCTET_STREAM = "application/octet-stream"  # a part whose kind is unknown (an .osm file) is served back as bytes


def attachments_sent() -> list[UploadedFile]:
    """The files beside the instance, by the name the answers give them (Collect names each part so)."""
    return [
        UploadedFile(str(upload.filename or name), str(upload.mimetype or OCTET_STREAM), upload.read())
        for name, upload in request.files.items(multi=True)
        if name not in ("xml_submission_file", INCOMPLETE)
    ]


def files_said(kept: KeptFiles) -> list[str]:
    """What the field worker is told about the files: how many were kept, which were not and why."""
    said = []
    if kept.kept:
        said.append(ngettext("%(num)d file kept.", "%(num)d files kept.", len(kept.kept)))
    said += [_(refusal.message, **refusal.params) for refusal in kept.refused]
    if kept.awaited:
        said.append(_("Still to send: %(files)s.", files=", ".join(kept.awaited)))
    return said


@bp.post("/submission")
@bp.post("/<token>/submission")
@limiter.limit(_limit, key_func=_limit_key)
@takes_up_to(submission_limit)
def submission() -> ResponseReturnValue:
    """Store an XForm instance once by its instanceID; conflicts are kept aside for an administrator."""
    upload = request.files.get("xml_submission_file")
    if upload is None:
        return openrosa_response(_("Send the form as xml_submission_file in a multipart body."), 400)
    form_limit = int(current_app.config["MAX_CONTENT_LENGTH"])  # the answers; the files have their own limit
    instance = upload.read(form_limit + 1)
    if len(instance) > form_limit:
        abort(413)
    result = receive_submission(instance, user=g.user, device=g.device)
    if isinstance(result, Refusal):
        return openrosa_response(_(result.message, **result.params), result.code)
    code = status_code(result)
    if result.status == Status.CONFLICT:
        db.session.commit()  # an error status rolls back: the conflict must stay for an administrator
    if result.status == Status.CREATED:
        said = [_("Received: thank you.")]
    elif result.status == Status.DUPLICATE:
        said = [_("Already received.")]
    else:
        said = ["; ".join(f"{field}: {reason}" for field, reason in result.errors.items())]
    if code < 300:
        said += files_said(keep_attachments(str(result.uuid), attachments_sent(), media_max_bytes()))
    return openrosa_response(" ".join(said), code, "submit_success" if code < 300 else "")
