"""The sync API for tablets: a per-device token in a header, no cookie, so no CSRF surface."""

from flask import Blueprint

from survey.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from survey.web.api import views  # noqa: E402,F401
