"""The audit log's actions and records in the reader's language; a code with no wording is shown as stored."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

ACTIONS: dict[str, LazyString] = {
    "account_locked": _l("Account locked after failed logins"),
    "activate_learned": _l("Learned codebook activated"),
    "add_code": _l("Code added"),
    "agreement_decision": _l("Agreement decision recorded"),
    "agreement_item_done": _l("Agreement item marked done"),
    "apply_agreed_version": _l("Agreed version applied"),
    "assign_survey": _l("Survey assigned to collectors"),
    "change_password": _l("Password changed"),
    "change_role": _l("Role changed"),
    "close_agreement_round": _l("Agreement round closed"),
    "close_survey": _l("Survey closed"),
    "code_passage": _l("Passage coded"),
    "correct_themes": _l("Themes corrected"),
    "create_agreement_round": _l("Agreement round drawn"),
    "create_site": _l("Site added"),
    "create_team": _l("Team created"),
    "create_user": _l("Account created"),
    "deactivate_user": _l("Account deactivated"),
    "decline_withdrawal": _l("Withdrawal request declined"),
    "delete_indicator": _l("Indicator deleted"),
    "delete_memo": _l("Memo deleted"),
    "delete_team": _l("Team deleted"),
    "edit_memo": _l("Memo edited"),
    "edit_theme_terms": _l("Theme terms edited"),
    "export": _l("Export"),
    "import_indicators": _l("Indicators imported"),
    "import_queue_file": _l("Queue file imported"),
    "import_refi_qda": _l("REFI-QDA project imported"),
    "import_sites": _l("Sites imported"),
    "import_survey": _l("Survey imported"),
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logged out"),
    "merge_code": _l("Codes merged"),
    "pin_quote": _l("Quote pinned to the report"),
    "publish_survey": _l("Survey published"),
    "reactivate_user": _l("Account reactivated"),
    "read_media": _l("Recording or photo opened"),
    "transcript_saved": _l("Recording's transcript saved"),
    "read_raw_text": _l("Raw testimony read"),
    "register_device": _l("Tablet registered"),
    "response_edited": _l("Response edited"),
    "resume_job": _l("Job resumed"),
    "revoke_device": _l("Tablet revoked"),
    "set_password": _l("Password set by an administrator"),
    "split_code": _l("Code split"),
    "start_job": _l("Job started"),
    "uncode_passage": _l("Coded passage removed"),
    "unlock_user": _l("Account unlocked"),
    "unpin_quote": _l("Quote taken off the report"),
    "update_code": _l("Code changed"),
    "update_site": _l("Site changed"),
    "update_team": _l("Team changed"),
    "withdraw_response": _l("Response withdrawn"),
    "write_memo": _l("Memo written"),
}

RECORDS: dict[str, LazyString] = {
    "agreement_round": _l("agreement round"),
    "code": _l("code"),
    "device": _l("tablet"),
    "indicator": _l("indicator"),
    "job": _l("job"),
    "learned_model": _l("learned codebook"),
    "media_file": _l("recording or photo"),
    "memo": _l("memo"),
    "response": _l("response"),
    "site": _l("site"),
    "survey": _l("survey"),
    "survey_version": _l("survey version"),
    "team": _l("team"),
    "testimonial": _l("testimony"),
    "theme": _l("theme"),
    "user": _l("account"),
    "withdrawal_request": _l("withdrawal request"),
}


def audit_action(code: str) -> str:
    """An action as the log shows it."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def audit_record(code: str | None) -> str:
    """A kind of record as the log shows it."""
    label = RECORDS.get(code or "")
    return str(label) if label is not None else code or ""
