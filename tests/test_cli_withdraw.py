"""flask responses withdraw RECEIPT [--yes]: says what would go, and with --yes deletes it as an administrator would."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Response, Testimonial, WithdrawalOrigin, WithdrawalRequest, WithdrawalStatus
from survey.services.withdrawals import request_withdrawal
from tests.conftest import count


def test_without_yes_it_counts_and_deletes_nothing(runner, make_response):
    code = make_response().receipt_code
    result = runner.invoke(args=["responses", "withdraw", code])
    assert result.exit_code != 0
    assert "2 testimonies" in result.output and "nothing was deleted: add --yes" in result.output
    assert "no pending request" in result.output
    assert count(Response) == 1 and count(WithdrawalRequest) == 0


def test_with_yes_it_withdraws_without_a_request(runner, make_response, db):
    kept = make_response()
    code = make_response().receipt_code
    result = runner.invoke(args=["responses", "withdraw", code.lower().replace("-", ""), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Withdrew {code}" in result.output
    assert db.session.scalars(select(Response)).all() == [kept]
    assert {t.response_id for t in db.session.scalars(select(Testimonial))} == {kept.id}
    request = db.session.scalars(select(WithdrawalRequest)).one()
    assert (request.status, request.origin, request.decided_by_id) == (
        WithdrawalStatus.DONE,
        WithdrawalOrigin.ADMINISTRATOR,
        None,
    )
    (line,) = db.session.scalars(select(AuditEvent)).all()
    assert (line.action, line.actor_id, line.target_id) == ("withdraw_response", None, str(request.id))


def test_it_carries_out_a_residents_pending_request(runner, make_response, db):
    code = make_response().receipt_code
    request_withdrawal(code)
    db.session.commit()
    assert "a withdrawal was asked for on" in runner.invoke(args=["responses", "withdraw", code]).output
    assert runner.invoke(args=["responses", "withdraw", code, "--yes"]).exit_code == 0
    request = db.session.scalars(select(WithdrawalRequest)).one()
    assert (request.status, request.origin) == (WithdrawalStatus.DONE, WithdrawalOrigin.RESIDENT)
    assert count(Response) == 0


def test_a_code_withdrawn_already_is_said_so(runner, make_response):
    code = make_response().receipt_code
    runner.invoke(args=["responses", "withdraw", code, "--yes"])
    result = runner.invoke(args=["responses", "withdraw", code, "--yes"])
    assert result.exit_code == 0 and "already withdrawn" in result.output


def test_unknown_and_malformed_codes_are_refused(runner, make_response):
    make_response()
    unknown = runner.invoke(args=["responses", "withdraw", "ZZZZ-2345", "--yes"])
    assert unknown.exit_code != 0 and "no response has the receipt code ZZZZ-2345" in unknown.output
    malformed = runner.invoke(args=["responses", "withdraw", "ABC-1", "--yes"])
    assert malformed.exit_code != 0 and "is not a receipt code" in malformed.output
    assert count(Response) == 1
