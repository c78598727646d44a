"""A learned codebook is scored next to the tagging it would replace, and used only once accepted."""

from __future__ import annotations

from sqlalchemy import select

from survey.analysis.learned import CodedExample
from survey.models import AuditEvent, LearnedModel, Role, Testimonial
from survey.services.corrections import correct_themes
from survey.services.learning import activate_learned, learn_from_corrections, score_current

REHAB = "My cousin is in rehab and doing well."
CACAO = "We grow cacao now and sell it in town."


def test_the_tagging_in_use_is_scored_on_the_same_texts_and_labels(app):
    labels = ["livelihoods", "recovery"]
    right = [CodedExample(REHAB, frozenset({"recovery"})), CodedExample(CACAO, frozenset({"livelihoods"}))]
    wrong = [CodedExample(REHAB, frozenset({"livelihoods"})), CodedExample(CACAO, frozenset({"recovery"}))]
    perfect = {"livelihoods": 1.0, "recovery": 1.0}
    assert score_current(right, labels) == {"macro_f1": 1.0, "micro_f1": 1.0, "per_theme": perfect}
    none = {"livelihoods": 0.0, "recovery": 0.0}
    assert score_current(wrong, labels) == {"macro_f1": 0.0, "micro_f1": 0.0, "per_theme": none}
    assert score_current([], labels) == {"macro_f1": 0.0, "micro_f1": 0.0, "per_theme": none}


def test_accepting_a_codebook_makes_it_the_only_one_in_use_and_is_audited(make_user, make_response, db):
    evaluator = make_user(Role.EVALUATOR)
    for n in range(12):
        make_response(change_story=CACAO if n % 2 else REHAB, what_would_help="")
    for story in db.session.scalars(select(Testimonial)):
        themes = {"livelihoods"} if "cacao" in story.raw_text else {"recovery"}
        correct_themes(story, themes, ["livelihoods", "recovery"], evaluator)
    db.session.commit()
    first = learn_from_corrections(activate=False)
    first.version = "learned-earlier"  # versions name the second they were learned in
    second = learn_from_corrections(activate=False)
    admin = make_user(Role.ADMIN)
    assert "before" in first.scores and not first.active
    activate_learned(first, by=admin)
    activate_learned(second, by=admin)
    db.session.commit()
    assert [m.id for m in db.session.scalars(select(LearnedModel).where(LearnedModel.active))] == [second.id]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "activate_learned").order_by(AuditEvent.id)
    ).all()
    assert [e.target_id for e in events] == [str(first.id), str(second.id)]
