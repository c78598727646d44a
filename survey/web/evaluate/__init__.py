"""What evaluators see: survey summaries and the testimonies behind them."""

from flask import Blueprint

from survey.models import Role
from survey.web.access import protect_blueprint

bp = Blueprint("evaluate", __name__, url_prefix="/evaluate")
protect_blueprint(bp, Role.EVALUATOR, Role.ADMIN)

from survey.web.evaluate import (  # noqa: E402,F401
    agreement_views,
    coding_views,
    compare_views,
    explore_views,
    export_job_views,
    memo_views,
    refi_views,
    report_views,
    views,
)
