"""Residents ask for their response to be withdrawn, with the receipt code they were given."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RequestLimit

from survey.extensions import limiter
from survey.services.withdrawals import RequestOutcome, request_withdrawal
from survey.web.limits import minutes_until_reset, refusal
from survey.web.public import bp
from survey.web.public.forms import WithdrawForm

OUTCOMES = {
    RequestOutcome.RECORDED: _l(
        "Your request is recorded. The programme team will delete your answers and your words; "
        "enter your code here again later to see that it is done."
    ),
    RequestOutcome.PENDING: _l(
        "A request for this code is already waiting for the programme team. You do not need to send it again."
    ),
    RequestOutcome.WITHDRAWN: _l(
        "The response with this code has been withdrawn: its answers and words have been deleted."
    ),
}


def _limit() -> str:
    return str(current_app.config["WITHDRAW_RATE_LIMIT"])


def _not_found(response: Response) -> bool:
    return response.status_code != 302  # a code that was found is no guess: it does not count


def _too_many_codes(limit: RequestLimit) -> Response:
    minutes = minutes_until_reset(limit)
    message = ngettext(
        "Too many codes were tried from this connection. Try again in %(num)d minute.",
        "Too many codes were tried from this connection. Try again in %(num)d minutes.",
        minutes,
    )
    return refusal("public/withdraw.html", form=WithdrawForm(), refusal=message)


@bp.route("/withdraw", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=_not_found, on_breach=_too_many_codes)
def withdraw() -> ResponseReturnValue:
    """Record a request to withdraw the response with a receipt code; say where an earlier one stands."""
    form = WithdrawForm()
    if form.validate_on_submit():
        outcome = request_withdrawal(form.code.data)
        if outcome is not RequestOutcome.UNKNOWN:
            flash(str(OUTCOMES[outcome]), "info")
            return redirect(url_for("public.withdraw"))
        form.code.errors.append(_("No response has this code. Check it against your receipt, letter by letter."))
    return render_template("public/withdraw.html", form=form)
