"""What administrators see: accounts, surveys, raw testimonies and the audit log."""

from flask import Blueprint

from survey.models import Role
from survey.web.access import protect_blueprint
from survey.web.admin.audit_labels import audit_action, audit_record
from survey.web.admin.user_forms import role_label

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect_blueprint(bp, Role.ADMIN)
bp.add_app_template_filter(role_label)
bp.add_app_template_filter(audit_action)
bp.add_app_template_filter(audit_record)

from survey.web.admin import (  # noqa: E402,F401
    imports,
    indicator_views,
    jobs,
    media,
    refi,
    sites,
    surveys,
    teams,
    users,
    views,
    withdrawals,
)
