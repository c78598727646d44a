"""OpenRosa for ODK Collect and KoboCollect: a device token in the URL or HTTP Basic, no cookie, so no CSRF surface."""

from flask import Blueprint

from survey.extensions import csrf

bp = Blueprint("openrosa", __name__, url_prefix="/openrosa")
csrf.exempt(bp)

from survey.web.openrosa import views  # noqa: E402,F401
