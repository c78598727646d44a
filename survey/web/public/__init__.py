"""What residents see: the home page, survey forms, the thank-you page, withdrawal; and the health check."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from survey.web.public import views, withdrawal  # noqa: E402,F401
