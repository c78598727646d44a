"""What field workers see: the surveys they collect."""

from flask import Blueprint

from survey.models import Role
from survey.web.access import protect_blueprint

bp = Blueprint("field", __name__, url_prefix="/field")
protect_blueprint(bp, Role.FIELD_WORKER, Role.ADMIN)

from survey.web.field import views  # noqa: E402,F401
