"""What lead evaluators share with administrators: the codebook and the agreement rounds.

Their URLs sit under /admin beside the rest of administration, but this blueprint lets lead
evaluators in as well, and nothing else of administration does.
"""

from flask import Blueprint

from survey.models import Role
from survey.web.access import protect_blueprint

bp = Blueprint("codebook", __name__, url_prefix="/admin")
protect_blueprint(bp, Role.ADMIN, Role.LEAD_EVALUATOR)

from survey.web.codebook import agreement, code_changes, codes, theme_terms  # noqa: E402,F401
