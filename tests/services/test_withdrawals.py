"""Receipt codes as people type them, requests recorded once, and which learned codebooks a withdrawal drops."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.models import LearnedModel, Role, Testimonial, WithdrawalRequest, WithdrawalStatus
from survey.services.corrections import correct_themes
from survey.services.learning import (
    examples_from_corrections,
    learn_codebook,
    learn_from_corrections,
    models_trained_on,
)
from survey.services.submissions import new_receipt_code
from survey.services.withdrawals import (
    ReceiptCodeError,
    RequestOutcome,
    confirm_withdrawal,
    decline_withdrawal,
    normalise_receipt,
    request_withdrawal,
    withdraw_response,
)
from tests.conftest import count
from tests.web.test_withdrawal_erases import FILLERS


@pytest.mark.parametrize("typed", ["ABCD-2345", "abcd2345", " abcd 2345 ", "ABCD–2345", "ab-cd-23-45"])
def test_receipt_codes_are_read_as_people_type_them(typed):
    assert normalise_receipt(typed) == "ABCD-2345"


@pytest.mark.parametrize("typed", ["", "ABCD-234", "ABCD-23450", "ABCD-23O5", "ABCD-2I45", "ÁBCD-2345"])
def test_what_cannot_be_a_receipt_code_is_refused(typed):
    with pytest.raises(ReceiptCodeError):
        normalise_receipt(typed)


def test_every_printed_code_reads_back_the_same():
    for _ in range(200):
        code = new_receipt_code()
        assert normalise_receipt(code) == code


def test_outcomes_of_a_residents_requests(make_response, db):
    code = make_response().receipt_code
    assert request_withdrawal("ZZZZ-2345") == RequestOutcome.UNKNOWN
    assert request_withdrawal(code) == RequestOutcome.RECORDED
    assert request_withdrawal(code.lower()) == RequestOutcome.PENDING
    assert count(WithdrawalRequest) == 1
    request = db.session.scalars(select(WithdrawalRequest)).one()
    withdraw_response(request.response, by=None)
    assert request_withdrawal(code) == RequestOutcome.WITHDRAWN
    assert confirm_withdrawal(request, by=None) is None  # done already: nothing more to do


def test_a_decided_request_is_not_decided_again(make_response, make_user, db):
    admin = make_user(Role.ADMIN)
    request_withdrawal(make_response().receipt_code)
    request = db.session.scalars(select(WithdrawalRequest)).one()
    assert decline_withdrawal(request, by=admin)
    assert not decline_withdrawal(request, by=admin)
    assert confirm_withdrawal(request, by=admin) is None
    assert request.status == WithdrawalStatus.DECLINED and request.response is not None


def test_withdrawing_leaves_other_responses_whole(make_response, db):
    kept, gone = make_response(), make_response()
    kept_texts = sorted(t.raw_text for t in db.session.scalars(select(Testimonial)) if t.response_id == kept.id)
    withdrawal = withdraw_response(gone, by=None)
    assert (withdrawal.derived.testimonies, withdrawal.derived.conflicts) == (2, 0)
    assert sorted(t.raw_text for t in db.session.scalars(select(Testimonial))) == kept_texts


@pytest.fixture
def corrected(make_response, make_user, db) -> list[Testimonial]:
    """Eight corrected testimonies, enough to learn a codebook from."""
    evaluator = make_user(Role.EVALUATOR)
    items = []
    for n, story in enumerate(FILLERS):
        response = make_response(change_story=story, what_would_help="")
        item = db.session.scalars(select(Testimonial).where(Testimonial.response_id == response.id)).one()
        correct_themes(item, {"safety"} if n < 4 else {"recovery"}, ["safety", "recovery"], evaluator)
        items.append(item)
    db.session.commit()
    return items


def test_a_codebook_from_a_file_is_never_dropped(corrected, db):
    from_file = learn_codebook(examples_from_corrections(), "coded.jsonl")
    assert models_trained_on([corrected[0].id]) == []
    assert from_file.trained_on is None


def test_a_codebook_stored_before_training_texts_were_recorded_counts_by_date(corrected, db):
    older = learn_from_corrections()
    older.trained_on = None  # as stored before revision 0006
    assert models_trained_on([corrected[0].id]) == [older]
    older.trained_at = min(tag.created_at for tag in corrected[0].tags) - timedelta(days=1)
    assert models_trained_on([corrected[0].id]) == []  # learned before anyone corrected it


def test_an_inactive_codebook_trained_on_it_is_dropped_and_the_active_one_kept(corrected, db):
    first = learn_from_corrections()
    first.version = "learned-first"  # versions name the second they were learned in
    later = learn_from_corrections()  # the active one, trained on the same texts
    later.trained_on = [t.id for t in corrected[1:]]  # as if the first testimony had been corrected after it
    withdrawal = withdraw_response(corrected[0].response, by=None)
    assert (withdrawal.learned_dropped, withdrawal.active_dropped, withdrawal.retrained) == (1, False, None)
    assert db.session.scalars(select(LearnedModel)).all() == [later]
    assert first not in db.session


def test_with_too_few_corrections_left_no_codebook_is_active(corrected, db):
    learn_from_corrections()
    # One of each theme at a time, so both stay learnable: 7, 6, then 5 texts left, too few to learn from.
    results = [withdraw_response(corrected[n].response, by=None) for n in (0, 4, 1)]
    assert [r.retrained is not None for r in results] == [True, True, False]
    assert results[-1].active_dropped and count(LearnedModel) == 0


def test_a_retraining_job_keeps_its_training_texts_and_nothing_if_one_was_withdrawn_meanwhile(corrected, db):
    from survey.services.jobs import WithdrawnMeanwhile, read_retrain, start_retrain, store_retrain

    def chunk_of(job):
        from survey.models import JobChunk

        return db.session.scalars(select(JobChunk.id).where(JobChunk.job_id == job.id)).one()

    work = read_retrain(chunk_of(start_retrain()))
    assert store_retrain(work, work.train(), "test@here")
    kept = db.session.scalars(select(LearnedModel)).one()  # kept aside until an administrator uses it
    assert not kept.active and sorted(kept.trained_on) == sorted(t.id for t in corrected)

    work = read_retrain(chunk_of(start_retrain()))
    model = work.train()
    withdraw_response(corrected[0].response, by=None)  # a resident withdraws while the worker learns
    before = count(LearnedModel)
    with pytest.raises(WithdrawnMeanwhile):
        store_retrain(work, model, "test@here")
    assert count(LearnedModel) == before
