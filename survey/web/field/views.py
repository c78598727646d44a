"""Field worker views: the offline capture app, its service worker and manifest, device tokens."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from survey.questionnaire.media_types import AudioType, FileType, ImageType, VideoType
from survey.services.collect_setup import collect_settings, qr_svg, settings_payload
from survey.services.devices import register_device
from survey.services.media import DEFAULT_MEDIA_MAX_BYTES
from survey.services.surveys import list_open_surveys
from survey.services.teams import collected_by
from survey.web.field import bp
from survey.web.field.forms import CollectTabletForm

# The static files the field app needs offline; the service worker keeps them in its cache.
# The icon drawn as PNG too, for launchers and stores that take no SVG (made from field/icon.svg).
PNG_ICONS = ((192, "icons/field-192.png"), (512, "icons/field-512.png"))
EVERY_PAGE_SCRIPT = "js/table-scroll.js"  # base.html's, on the field app's page as on every other
SHELL_FILES = (
    "css/voces.css",
    EVERY_PAGE_SCRIPT,
    "vendor/idb/idb.umd.js",
    "js/expressions.js",
    "js/geopoint.js",
    "js/audio-recorder.js",
    "js/field/store.js",
    "js/field/questionnaire.js",
    "js/field/instances.js",
    "js/field/media-answers.js",
    "js/field/screens.js",
    "js/field/instance-controls.js",
    "js/field/sync.js",
    "js/field/review.js",
    "js/field/interview.js",
    "js/field/app.js",
)
WORKER_FILE = "js/field/service-worker.js"
MEDIA_KINDS = (ImageType, AudioType, VideoType, FileType)
WORKER_SCRIPTS = ("vendor/idb/idb.umd.js", "js/field/store.js", "js/field/sync.js")  # run in the worker too
# Sync settings; an app can override them in its config (the browser tests shorten the waits).
SYNC_DEFAULTS = {
    "FIELD_SYNC_BATCH": 50,  # records a request
    "FIELD_RETRY_BASE_MS": 2_000,  # first wait after a failure, doubled each time, with jitter
    "FIELD_RETRY_MAX_MS": 300_000,
    "FIELD_RETRY_PERIOD_MS": 60_000,  # how often a waiting queue is tried again anyway
}


def _sync_settings() -> dict[str, int]:
    return {key: int(current_app.config.get(key, default)) for key, default in SYNC_DEFAULTS.items()}


def _media_kinds() -> dict[str, dict[str, str]]:
    """What a file input asks the tablet for, by question type: the files it accepts, the camera or microphone."""
    return {kind.name: {"accept": kind.media, "capture": kind.capture} for kind in MEDIA_KINDS}


@bp.get("/")
def home() -> ResponseReturnValue:
    """The offline capture app; without JavaScript, the open surveys as links to their web forms."""
    scripts = [name for name in SHELL_FILES if name.endswith(".js") and name != EVERY_PAGE_SCRIPT]
    return render_template(
        "field/home.html",
        surveys=collected_by(current_user, list_open_surveys()),
        sync=_sync_settings(),
        scripts=scripts,
        media_kinds=_media_kinds(),
        media_max_bytes=int(current_app.config.get("MEDIA_MAX_BYTES", DEFAULT_MEDIA_MAX_BYTES)),
    )


@bp.post("/devices")
def new_device() -> ResponseReturnValue:
    """Give this tablet its own token (CSRF-checked: the person is logged in with a cookie here)."""
    if not FlaskForm().validate_on_submit():
        return jsonify(error="the CSRF token is missing or wrong; reload the page"), 400
    name = (request.form.get("name") or request.user_agent.string or "tablet")[:120]
    device, token = register_device(current_user, name)
    return jsonify(device=device.id, name=device.name, token=token), 201


def _shell_version() -> str:
    """A digest of the shell files: a new one makes browsers install the service worker anew."""
    digest = hashlib.sha256()
    static = Path(current_app.static_folder or "")
    for name in (*SHELL_FILES, WORKER_FILE):
        path = static / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


def service_worker() -> ResponseReturnValue:
    """The service worker, served from /field/ so that its scope is the field app."""
    version = _shell_version()
    shell = {
        "version": version,
        "page": url_for("field.home"),
        "files": [
            *(url_for("static", filename=name) for name in SHELL_FILES),
            url_for("field_manifest"),
            url_for("field_icon"),
            *(url_for("static", filename=name) for _, name in PNG_ICONS),
        ],
        # The queue's code, for Background Sync; versioned so a new shell brings it anew.
        "scripts": [url_for("static", filename=name, v=version) for name in WORKER_SCRIPTS],
    }
    body = render_template("field/sw.js", shell=shell, worker=url_for("static", filename=WORKER_FILE, v=version))
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache"}


def manifest() -> ResponseReturnValue:
    """The web app manifest that makes the field app installable."""
    body = {
        "id": url_for("field.home"),
        "name": _("Voces field work"),
        "short_name": "Voces",
        "description": _("Interview residents on a tablet, with or without a connection."),
        "start_url": url_for("field.home"),
        "scope": url_for("field.home"),
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#073763",
        "icons": [
            {"src": url_for("field_icon"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            *(
                {
                    "src": url_for("static", filename=name),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any",
                }
                for size, name in PNG_ICONS
            ),
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


def icon() -> ResponseReturnValue:
    """The app icon, drawn as SVG."""
    return render_template("field/icon.svg"), 200, {"Content-Type": "image/svg+xml"}


# Public on purpose, so on the app rather than the blueprint (whose views need a login): browsers
# fetch a manifest without cookies, and the worker script and icon hold no data.
bp.record_once(lambda state: state.app.add_url_rule("/field/sw.js", "field_service_worker", service_worker))
bp.record_once(lambda state: state.app.add_url_rule("/field/manifest.webmanifest", "field_manifest", manifest))
bp.record_once(lambda state: state.app.add_url_rule("/field/icon.svg", "field_icon", icon))


@bp.route("/collect", methods=["GET", "POST"])
def collect_setup() -> ResponseReturnValue:
    """Register a tablet for ODK Collect or KoboCollect and show the QR code that sets it up, once."""
    form = CollectTabletForm()
    if not form.validate_on_submit():
        return render_template("field/collect.html", form=form)
    _device, token = register_device(current_user, form.name.data or "")
    server_url = url_for("openrosa.form_list", token=token, _external=True).removesuffix("/formList")
    payload = settings_payload(collect_settings(server_url, str(current_app.config["COLLECT_PROJECT_NAME"])))
    return render_template("field/collect.html", form=form, server_url=server_url, qr=Markup(qr_svg(payload)))
