"""Administrators carry out or decline residents' withdrawal requests; no testimony is shown."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.extensions import db
from survey.models import WithdrawalRequest, WithdrawalStatus
from survey.services.withdrawals import (
    confirm_withdrawal,
    decided_requests,
    decline_withdrawal,
    pending_requests,
    preview_withdrawal,
)
from survey.web.admin import bp
from survey.web.admin.forms import ConfirmWithdrawalForm


@bp.get("/withdrawals")
def withdrawals() -> ResponseReturnValue:
    """Requests waiting for a decision, and the latest decided."""
    return render_template("admin/withdrawals.html", pending=pending_requests(), decided=decided_requests())


def _pending(request_id: int) -> WithdrawalRequest:
    asked = db.get_or_404(WithdrawalRequest, request_id)
    if asked.status != WithdrawalStatus.PENDING or asked.response is None:
        abort(404)
    return asked


def _review(asked: WithdrawalRequest, form: ConfirmWithdrawalForm) -> str:
    assert asked.response is not None
    preview = preview_withdrawal(asked.response)
    return render_template("admin/withdrawal.html", item=asked, preview=preview, form=form, decline=FlaskForm())


@bp.get("/withdrawals/<int:request_id>")
def withdrawal(request_id: int) -> ResponseReturnValue:
    """What withdrawing would delete, in counts, with the forms to confirm or decline."""
    return _review(_pending(request_id), ConfirmWithdrawalForm())


def _locked(request_id: int) -> WithdrawalRequest:
    """The request, locked until the decision is committed: two administrators cannot both decide it."""
    return db.get_or_404(WithdrawalRequest, request_id, with_for_update=True)


def _already_decided() -> ResponseReturnValue:
    flash(_("That request was already decided."), "info")
    return redirect(url_for("admin.withdrawals"))


@bp.post("/withdrawals/<int:request_id>/confirm")
def confirm(request_id: int) -> ResponseReturnValue:
    """Delete the response and everything derived from it."""
    asked = _locked(request_id)
    if asked.status != WithdrawalStatus.PENDING:  # a second click, or another administrator first
        return _already_decided()
    form = ConfirmWithdrawalForm()
    if not form.validate_on_submit():
        return _review(asked, form)
    done = confirm_withdrawal(asked, by=current_user)
    if done is None:
        return _already_decided()
    flash(_("The response has been withdrawn: %(rows)d records deleted.", rows=done.derived.total), "info")
    if done.learned_dropped:
        flash(_learned_notice(done.learned_dropped, done.active_dropped, done.retrained is not None), "info")
    return redirect(url_for("admin.withdrawals"))


def _learned_notice(dropped: int, active_dropped: bool, retrained: bool) -> str:
    if active_dropped and not retrained:
        return ngettext(
            "%(num)d learned codebook had learned from its words and was deleted. Too few corrections remain "
            "to learn another: new testimonies are tagged by the codebook's terms alone.",
            "%(num)d learned codebooks had learned from its words and were deleted. Too few corrections remain "
            "to learn another: new testimonies are tagged by the codebook's terms alone.",
            dropped,
        )
    if retrained:
        return ngettext(
            "%(num)d learned codebook had learned from its words and was deleted; a new one was learned from "
            "the remaining corrections. Run flask --app survey analysis rerun to apply it.",
            "%(num)d learned codebooks had learned from its words and were deleted; a new one was learned from "
            "the remaining corrections. Run flask --app survey analysis rerun to apply it.",
            dropped,
        )
    return ngettext(
        "%(num)d learned codebook had learned from its words and was deleted.",
        "%(num)d learned codebooks had learned from its words and were deleted.",
        dropped,
    )


@bp.post("/withdrawals/<int:request_id>/decline")
def decline(request_id: int) -> ResponseReturnValue:
    """Keep the response; the resident may ask again."""
    asked = _locked(request_id)
    if asked.status != WithdrawalStatus.PENDING:
        return _already_decided()
    if FlaskForm().validate_on_submit() and decline_withdrawal(asked, by=current_user):
        flash(_("The request was declined: the response stays."), "info")
    return redirect(url_for("admin.withdrawals"))
