"""Agreement rounds: the stratified draw, the figures of a round worked by hand, the disagreements."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from survey.models import AuditEvent, Role, RoundDecision, RoundDone, TagSource, Testimonial, ThemeTag
from survey.services.agreement import RoundError, blind_coding, create_round, mark_done
from survey.services.agreement_results import record_decision, round_results
from survey.services.coding import code_passage
from survey.services.erasure import erase_response
from tests.conftest import count


@pytest.fixture
def stories(db, make_response):
    """Ten testimonies: six at Tumaco, three at Guaviare, one at Chilapa."""
    for site, number in [("tumaco", 6), ("guaviare", 3), ("chilapa", 1)]:
        for i in range(number):
            make_response(site=site, change_story=f"Story {i} from {site}.", what_would_help="")
    return list(db.session.scalars(select(Testimonial).order_by(Testimonial.id)))


def _site_of(item) -> str:
    return item.testimonial.response.site.slug


def test_a_round_is_drawn_stratified_by_site_and_again_the_same_for_its_seed(db, stories, make_user, example_survey):
    coders, lead = [make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)], make_user(Role.ADMIN)
    survey = example_survey.survey
    first = create_round(survey, "Pilot", 5, coders, lead, seed=3)
    # One per site, then 2 over the room left (5, 2, 0 of 7): 1.43 and 0.57 -> Tumaco 1, then Guaviare by remainder.
    drawn = sorted(_site_of(i) for i in first.items)
    assert drawn == ["chilapa", "guaviare", "guaviare", "tumaco", "tumaco"]
    again = create_round(survey, "Again", 5, coders, lead, seed=3)
    assert [i.testimonial_id for i in again.items] == [i.testimonial_id for i in first.items]
    assert first.seed == 3 and first.is_open
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "create_agreement_round").order_by(AuditEvent.id)
    ).all()
    assert [e.detail["size"] for e in events] == [5, 5]


def test_a_round_needs_two_coders(db, stories, make_user, example_survey):
    with pytest.raises(RoundError):
        create_round(example_survey.survey, "Alone", 3, [make_user(Role.EVALUATOR)], make_user(Role.ADMIN))


@pytest.fixture
def coded_round(db, stories, make_user, example_survey):
    """Two coders on four testimonies, the machine's tags replaced by known ones:

    safety: A on t1 t2, B on t1 t3, machine on t1 t2; trust: A and B on t4, machine on none.
    """
    a = make_user(Role.EVALUATOR, "a@voces.example")
    b = make_user(Role.EVALUATOR, "b@voces.example")
    agreement = create_round(example_survey.survey, "Pilot", 4, [a, b], make_user(Role.ADMIN), seed=1)
    t1, t2, t3, t4 = (i.testimonial for i in agreement.items)
    db.session.execute(delete(ThemeTag).where(ThemeTag.testimonial_id.in_([t.id for t in (t1, t2, t3, t4)])))
    db.session.expire_all()
    for t in (t1, t2):
        t.tags.append(ThemeTag(theme="safety", source=TagSource.MACHINE, confidence=0.9))
    for coder, coded in [
        (a, [(t1, "safety"), (t2, "safety"), (t4, "trust")]),
        (b, [(t1, "safety"), (t3, "safety"), (t4, "trust")]),
    ]:
        for testimonial, code in coded:
            code_passage(testimonial, [code], 0, 5, coder)
    for item in agreement.items:
        mark_done(item, a)
        mark_done(item, b)
    db.session.commit()
    return agreement, a, b


def test_the_figures_of_a_round_match_the_hand_computed_ones(coded_round):
    agreement, a, b = coded_round
    results = round_results(agreement)
    assert results.codes == ["safety", "trust"]
    safety = results.per_code["safety"]
    # safety: A = 1 1 0 0, B = 1 0 1 0. p_o = 2/4; each says yes on half: p_e = 0.5, kappa = 0.
    # alpha: o_11 = 2, o_00 = 2, o_01 = o_10 = 2; n_0 = n_1 = 4, n = 8: 1 - 7 * 4 / (2 * 16) = 0.125.
    assert (safety.percent, safety.kappa, safety.alpha) == pytest.approx((50.0, 0.0, 0.125))
    trust = results.per_code["trust"]
    assert (trust.percent, trust.kappa, trust.alpha) == pytest.approx((100.0, 1.0, 1.0))
    # All codes: A = 1 1 0 0 0 0 0 1, B = 1 0 1 0 0 0 0 1 (safety's four, then trust's).
    # p_o = 6/8 = 0.75; each says yes on 3/8: p_e = (3/8)^2 + (5/8)^2 = 34/64; kappa = (48 - 34) / (64 - 34) = 7/15.
    # alpha: o_11 = 4, o_00 = 8, o_01 = o_10 = 2; n_1 = 6, n_0 = 10, n = 16: 1 - 15 * 4 / (2 * 60) = 0.5.
    overall = results.overall
    assert (overall.units, overall.percent, overall.kappa, overall.alpha) == pytest.approx((8, 75.0, 7 / 15, 0.5))
    # A and the machine: A = 1 1 0 0 0 0 0 1, M = 1 1 0 0 0 0 0 0. p_o = 7/8; A yes 3/8, M yes 2/8:
    # p_e = 3/8 * 2/8 + 5/8 * 6/8 = 36/64; kappa = (56 - 36) / (64 - 36) = 5/7.
    assert results.machine_overall[a.id].kappa == pytest.approx(5 / 7)
    assert results.machine_per_code[a.id]["safety"].kappa == pytest.approx(1.0)
    # B and the machine on safety: B = 1 0 1 0, M = 1 1 0 0: p_o = 0.5, p_e = 0.5: kappa 0.
    assert results.machine_per_code[b.id]["safety"].kappa == pytest.approx(0.0)
    assert results.done == {a.id: 4, b.id: 4}


def test_a_testimony_counts_for_a_coder_only_once_marked_coded(db, stories, make_user, example_survey):
    a, b = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    agreement = create_round(example_survey.survey, "Pilot", 2, [a, b], make_user(Role.ADMIN), seed=1)
    first, second = agreement.items
    code_passage(first.testimonial, ["safety"], 0, 5, a)
    code_passage(first.testimonial, ["trust"], 0, 5, b)
    mark_done(first, a)
    mark_done(second, a)
    mark_done(second, b)
    results = round_results(agreement)
    # B has not marked the first coded: only the second testimony is coded by both, and no one coded it.
    assert results.overall.units == 2  # (second, safety) and (second, trust)
    assert results.disagreements == []
    mark_done(first, b)
    results = round_results(agreement)
    assert [
        (d.item.id, d.code, [u.id for u in d.applied], [u.id for u in d.not_applied]) for d in results.disagreements
    ] == [
        (first.id, "safety", [a.id], [b.id]),
        (first.id, "trust", [b.id], [a.id]),
    ]


def test_the_lead_records_the_agreed_version_of_a_disagreement(db, coded_round, make_user):
    agreement, a, b = coded_round
    lead = make_user(Role.ADMIN)
    disagreements = round_results(agreement).disagreements
    assert [(d.item.testimonial, d.code) for d in disagreements] == [
        (agreement.items[1].testimonial, "safety"),
        (agreement.items[2].testimonial, "safety"),
    ]
    record_decision(disagreements[0].item, "safety", True, lead)
    record_decision(disagreements[0].item, "safety", False, lead)  # changed its mind: one decision, replaced
    db.session.commit()
    decisions = db.session.scalars(select(RoundDecision)).all()
    assert [(d.code_key, d.present, d.decided_by_id) for d in decisions] == [("safety", False, lead.id)]
    assert round_results(agreement).disagreements[0].decision.present is False
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement_decision").order_by(AuditEvent.id)
    ).all()
    assert [e.detail["present"] for e in events] == [True, False]


def test_a_coder_sees_only_their_own_codes_and_the_machine_s_unless_hidden(db, coded_round, make_user):
    agreement, a, b = coded_round
    t1 = agreement.items[0].testimonial
    blind = blind_coding(t1, b)
    assert blind is not None and blind.done
    assert {p.coder_id for p in blind.passages} == {b.id}
    assert [(t.theme, t.source) for t in blind.tags] == [("safety", TagSource.MACHINE)]
    agreement.hide_machine = True
    assert blind_coding(t1, b).tags == []
    assert blind_coding(t1, make_user(Role.EVALUATOR)) is None  # not one of the round's coders


def test_erasing_a_response_takes_its_testimony_out_of_rounds_with_its_marks_and_decisions(db, coded_round, make_user):
    agreement, a, b = coded_round
    item = agreement.items[1]  # a disagreement on safety
    record_decision(item, "safety", True, make_user(Role.ADMIN))
    db.session.commit()
    erase_response(item.testimonial.response)
    db.session.commit()
    db.session.expire_all()
    assert len(agreement.items) == 3 and item.testimonial_id not in {i.testimonial_id for i in agreement.items}
    assert count(RoundDecision) == 0 and count(RoundDone) == 6
    assert round_results(agreement).done == {a.id: 3, b.id: 3}
    lines = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement_decision").order_by(AuditEvent.id)
    ).all()
    assert [line.detail for line in lines] == [{}]  # the line stays, its code goes


def _people_say(testimonial, theme):
    """Whether the testimony counts for a theme, and what people's tags say of it."""
    counted = {t.theme for t in testimonial.effective_tags}
    return theme in counted, sorted((t.source.value, t.confidence) for t in testimonial.tags if t.theme == theme)


def test_the_agreed_version_becomes_people_s_coding_and_a_later_one_replaces_it(db, coded_round, make_user):
    agreement, a, b = coded_round
    lead = make_user(Role.ADMIN)
    item = agreement.items[2]  # B coded safety on it, A did not; the machine did not tag it
    record_decision(item, "safety", True, lead)
    db.session.commit()
    testimonial = item.testimonial
    agreed = [p for p in testimonial.passages if p.agreed]
    assert [(p.code_key, p.start, p.end, p.coder_id) for p in agreed] == [
        ("safety", 0, len(testimonial.redacted_text), lead.id)
    ]
    # A person's yes on the whole testimony: it counts, and it is what the next learned codebook learns from.
    assert _people_say(testimonial, "safety") == (True, [("human", 1.0), ("passage", 1.0)])
    assert db.session.scalar(select(ThemeTag.counts).where(ThemeTag.testimonial_id == testimonial.id)) is True
    record_decision(item, "safety", False, lead)  # the lead changed their mind: the agreed version goes
    db.session.commit()
    assert [p for p in testimonial.passages if p.agreed] == []
    assert [p.coder_id for p in testimonial.passages] == [b.id]  # the coder's passage stays, as the round's record
    assert _people_say(testimonial, "safety") == (False, [("human", 0.0), ("passage", 0.0)])
    assert not any(t.counts for t in testimonial.tags if t.theme == "safety")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "apply_agreed_version").order_by(AuditEvent.id)
    ).all()
    assert [(e.target_id, e.detail["code"], e.detail["present"]) for e in events] == [
        (str(testimonial.id), "safety", True),
        (str(testimonial.id), "safety", False),
    ]
    # The agreed passage is the lead's, not a coder's: the round's figures do not change with it.
    assert round_results(agreement).disagreements[1].decision.present is False


def test_the_agreed_version_of_a_team_code_is_a_coded_passage(db, stories, make_user, example_survey):
    from survey.services.codes import add_code

    a, b, lead = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR), make_user(Role.ADMIN)
    add_code("street_lighting", {"label_en": "Street lighting"}, lead)
    agreement = create_round(example_survey.survey, "Pilot", 1, [a, b], lead, seed=1)
    item = agreement.items[0]
    code_passage(item.testimonial, ["street_lighting"], 0, 5, a)
    mark_done(item, a)
    mark_done(item, b)
    record_decision(item, "street_lighting", True, lead)
    db.session.commit()
    assert sorted((p.code_key, p.agreed, p.coder_id) for p in item.testimonial.passages) == [
        ("street_lighting", False, a.id),
        ("street_lighting", True, lead.id),
    ]
    assert not any(t.theme == "street_lighting" for t in item.testimonial.tags)  # not a theme of the summary
    assert round_results(agreement).disagreements[0].applied == [a]
