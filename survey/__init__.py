"""Voces: community testimonial surveys. create_app() wires the application together."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from flask import Flask

from survey.app import (
    configure,
    refuse_nul_characters,
    register_blueprints,
    register_commands,
    register_error_pages,
    register_extensions,
    register_i18n,
    register_rollups,
    register_security_headers,
    register_tasks,
)
from survey.web.static_files import register_static_files
from survey.web.transactions import register_transactions


def create_app(config: str | None = None, **overrides: Any) -> Flask:
    """Build the Voces application for an environment (development, testing, production)."""
    app = Flask(__name__, template_folder=str(files("survey.templates")))
    configure(app, config, overrides)
    register_extensions(app)
    register_transactions(app)
    register_tasks(app)
    register_rollups(app)
    register_i18n(app)
    register_blueprints(app)
    register_static_files(app)
    register_error_pages(app)
    refuse_nul_characters(app)
    register_security_headers(app)
    register_commands(app)
    return app
