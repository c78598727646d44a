"""The named steps create_app() takes: configuration, extensions, blueprints, errors, commands."""

from __future__ import annotations

import os
from importlib.resources import files
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from survey.config.settings import CONFIGS, DEFAULT_SECRET_KEY
from survey.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from survey.sqlite import configure_sqlite

ERROR_CODES = (400, 403, 404, 405, 413, 429, 500)


class InsecureConfigError(RuntimeError):
    """Voces was asked to run outside development with a secret everyone knows."""


def configure(app: Flask, name: str | None, overrides: dict[str, Any]) -> None:
    """Load the config class for the environment, then the overrides; refuse a default secret."""
    name = name or os.environ.get("VOCES_ENV", "production")
    if name not in CONFIGS:
        raise ValueError(f"unknown environment {name!r}: use one of {', '.join(CONFIGS)}")
    app.config.from_object(CONFIGS[name])
    app.config["ENV_NAME"] = name
    app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.path.join(app.instance_path, 'voces.db')}"
    if app.config.get("MAP_TILE_URL"):
        from survey.web.maps import tile_source

        tile_source(str(app.config["MAP_TILE_URL"]))  # a wrong address is refused now, not on the first map
    if name != "development" and not app.config["TESTING"] and app.config["SECRET_KEY"] in ("", DEFAULT_SECRET_KEY):
        raise InsecureConfigError(
            "SECRET_KEY is the default: set the SECRET_KEY environment variable to a long random value"
        )


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app; behind a proxy, trust its forwarded address first."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(files("survey.migrations")))
    from survey.web.limits import apply_request_limits

    apply_request_limits(app)  # first: the checks below read a form's body under the limit
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from survey.web.access import load_user

    login_manager.user_loader(load_user)


def register_tasks(app: Flask) -> None:
    """Hand the work services ask for after a commit to Celery: a broker's workers, or this process."""
    import survey.tasks  # noqa: F401  (its tasks, and the commit hooks that send them)


def register_rollups(app: Flask) -> None:
    """Keep the summary's counts in step with every transaction that writes what they count."""
    import survey.services.rollups  # noqa: F401  (its session hooks)


def choose_locale() -> str:
    """?lang= first, then the person's last choice, then the browser's languages."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked is not None and asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return str(session["lang"])
    return request.accept_languages.best_match(languages) or "en"


def register_i18n(app: Flask) -> None:
    """Bind Flask-Babel with Voces's locale choice and make the language known to templates."""
    babel.init_app(
        app,
        locale_selector=choose_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )

    from survey.web.filters import register_filters

    register_filters(app)

    @app.context_processor
    def language() -> dict[str, Any]:
        return {"lang": str(get_locale() or "en"), "languages": app.config["LANGUAGES"]}


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    from survey.web.admin import bp as admin
    from survey.web.api import bp as api
    from survey.web.auth import bp as auth
    from survey.web.codebook import bp as codebook
    from survey.web.evaluate import bp as evaluate
    from survey.web.field import bp as field
    from survey.web.openrosa import bp as openrosa
    from survey.web.public import bp as public

    for blueprint in (public, auth, evaluate, field, admin, codebook, api, openrosa):
        app.register_blueprint(blueprint)


API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def api_error_text(code: int, error: HTTPException) -> str:
    """What the sync API says when a request fails before or outside its views."""
    if code == 413:
        limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
        if limit != current_app.config["MAX_CONTENT_LENGTH"]:  # a view's own: a record with its files
            return f"the request is larger than {limit} bytes: send smaller files"
        return f"the request is larger than {limit} bytes: send fewer records a batch"
    if code >= 500:
        return "the server could not handle this request and stored nothing of it: send it again later"
    return str(error.description or error.name)


def refuse_nul_characters(app: Flask) -> None:
    """A NUL character in an address or a form field is refused before it reaches the database.

    PostgreSQL cannot store or even compare text holding one. The resident form is left to the
    questionnaire, which refuses it answer by answer and keeps what was typed.
    """

    @app.before_request
    def no_nul() -> None:
        if request.endpoint == "public.answer_survey":
            return
        values = [*request.args.keys(), *request.args.values()]
        if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [*request.form.keys(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400, description="a NUL character (\\u0000) cannot be stored: remove it and send again")


def register_error_pages(app: Flask) -> None:
    """Render 400, 403, 404, 405, 413, 429 and 500 as pages in the person's language."""

    def render_error(error: HTTPException) -> ResponseReturnValue:
        if error.response is not None:  # a page made for the error: a rate limit's re-shown form
            return error.response
        code = error.code or 500
        if code >= 500:  # before rendering: the page reads the current user, which a failed transaction refuses
            db.session.rollback()
        if request.path.startswith(API_PREFIX):  # a tablet reads JSON, whatever failed and wherever
            return jsonify(error=api_error_text(code, error)), code
        return render_template("errors/error.html", code=code), code

    for code in ERROR_CODES:
        app.register_error_handler(code, render_error)


def register_security_headers(app: Flask) -> None:
    """Send headers that stop framing, sniffing, third-party scripts, caching and plain HTTP."""
    from survey.web.maps import tiles_allowed

    hsts = app.config["STRICT_TRANSPORT_SECURITY"]

    @app.after_request
    def secure(response: Response) -> Response:
        # Testimonies, raw text, receipt codes and a resident's half-typed answers must not stay in a
        # shared browser's cache or back-button history; static files and the service worker say their own.
        response.headers.setdefault("Cache-Control", "no-store")
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        tiles = tiles_allowed()  # a page that drew a map fetches its tiles from the configured server
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src 'self' data:{' ' + tiles if tiles else ''}; style-src 'self'; "
            # blob: for the player of a recording just made in the page (audio-recorder.js)
            "script-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def register_commands(app: Flask) -> None:
    """Add the CLI groups: users, surveys, demo, analysis, codebook, submissions, sites, responses; backup, restore."""
    from survey.cli import analysis_cli, demo_cli, surveys_cli, users_cli
    from survey.submissions_cli import submissions_cli

    for group in (users_cli, surveys_cli, demo_cli, analysis_cli, submissions_cli):
        app.cli.add_command(group)

    from survey.cli import backup_command, restore_command, sites_cli
    from survey.codebook_cli import codebook_cli
    from survey.export_cli import delete_old_exports_command, delete_old_jobs_command, export_command
    from survey.responses_cli import responses_cli

    for command in (sites_cli, backup_command, restore_command, responses_cli, export_command, codebook_cli):
        app.cli.add_command(command)
    app.cli.add_command(delete_old_exports_command)
    app.cli.add_command(delete_old_jobs_command)


def settle_process(app: Flask, *, analyse: bool) -> None:
    """Load now what a serving process keeps for its life, then set it aside from the garbage collector.

    Called once a process is ready to serve: by gunicorn's post_worker_init (gunicorn.conf.py) and for a
    Celery worker's first task. The name lists the redaction reads and, where this process analyses
    (`analyse`), the language models, lexicons and codebook live as long as the process; each full
    collection would otherwise walk their objects again, about 5 ms of every batch a tablet sends.
    """
    import gc

    from survey.analysis.pipeline import redact_testimony
    from survey.services.engine import current_engine

    with app.app_context():
        redact_testimony("Warm up the name lists: Ana María told John Smith.")
        if analyse:
            current_engine().warm_up()
        db.session.rollback()
    gc.collect()
    gc.freeze()
