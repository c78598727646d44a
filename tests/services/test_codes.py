"""Codebook changes: merging and splitting codes moves their coding; every change is a version of the codebook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, CodebookVersion, Memo, Role, RoundDecision, TagSource, Testimonial
from survey.services.agreement import create_round, mark_done
from survey.services.agreement_results import record_decision
from survey.services.codes import (
    CodeChangeError,
    add_code,
    current_version,
    merge_code,
    split_code,
    update_code,
)
from survey.services.coding import code_choices, code_passage
from survey.services.memos import write_memo


@pytest.fixture
def stories(db, make_response):
    for n in range(3):
        make_response(site="tumaco", change_story=f"The lamps on street {n} are out at night.", what_would_help="")
    return list(db.session.scalars(select(Testimonial).order_by(Testimonial.id)))


def test_every_change_to_the_codebook_is_a_version_with_who_and_what(db, make_user):
    admin = make_user(Role.ADMIN)
    assert current_version() == 0
    code = add_code("lamps", {"label_en": "Lamps"}, admin)
    update_code(code, {"label_en": "Street lamps"}, admin)
    update_code(code, {"definition_en": "Public lighting."}, admin)
    update_code(code, {"definition_en": "Public lighting."}, admin)  # nothing changed: no version
    update_code(code, {"retired": True}, admin)
    update_code(code, {"retired": False}, admin)
    versions = db.session.scalars(select(CodebookVersion).order_by(CodebookVersion.id)).all()
    assert [(v.change, v.code_key, v.changed_by_id) for v in versions] == [
        ("add", "lamps", admin.id),
        ("rename", "lamps", admin.id),
        ("describe", "lamps", admin.id),
        ("retire", "lamps", admin.id),
        ("reinstate", "lamps", admin.id),
    ]
    assert versions[2].details == {"fields": ["definition_en"]}
    assert [v.number for v in versions] == [1, 2, 3, 4, 5] and current_version() == 5


def test_merging_moves_passages_decisions_and_memos_and_retires_the_code_with_a_pointer(db, stories, make_user):
    admin, a, b = make_user(Role.ADMIN), make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    lamps = add_code("lamps", {"label_en": "Lamps"}, admin)
    agreement = create_round(stories[0].response.survey_version.survey, "Pilot", 3, [a, b], admin, seed=1)
    item = agreement.items[0]
    code_passage(item.testimonial, ["lamps"], 0, 9, a)
    code_passage(next(s for s in stories if s is not item.testimonial), ["lamps"], 4, 9, b)
    mark_done(item, a)
    mark_done(item, b)
    record_decision(item, "lamps", True, admin)
    write_memo(stories[0].response.survey_version.survey, "code:lamps", "About lamps.", admin)
    moved = merge_code(lamps, "safety", admin)  # into a theme of the codebook
    db.session.commit()
    assert moved == 3  # two coders' passages and the agreed one
    keys = {p.code_key for t in stories for p in t.passages}
    assert keys == {"safety"}
    assert db.session.scalars(select(RoundDecision.code_key)).all() == ["safety"]
    assert db.session.scalars(select(Memo.code_key)).all() == ["safety"]
    assert (lamps.retired, lamps.merged_into) == (True, "safety")
    assert "lamps" not in [c.key for c in code_choices("en")]
    # The passages now carry a theme: the testimonies count for it as for any coded passage.
    coded = [t for t in stories if t.passages]
    assert all(any(g.source == TagSource.PASSAGE and g.theme == "safety" for g in t.tags) for t in coded)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge_code"))
    assert event.detail["into"] == "safety" and event.detail["passages"] == 3
    version = db.session.scalars(select(CodebookVersion).order_by(CodebookVersion.id.desc())).first()
    assert (version.change, version.details) == ("merge", {"into": "safety", "passages": 3})


def test_a_code_cannot_merge_into_itself_or_a_retired_code(db, make_user):
    admin = make_user(Role.ADMIN)
    lamps = add_code("lamps", {"label_en": "Lamps"}, admin)
    old = add_code("old", {"label_en": "Old", "retired": True}, admin)
    for target in ("lamps", "old", "nowhere"):
        with pytest.raises(CodeChangeError):
            merge_code(lamps, target, admin)
    assert not lamps.retired and old.merged_into is None


def test_splitting_moves_the_chosen_passages_to_the_new_codes(db, stories, make_user):
    admin, coder = make_user(Role.ADMIN), make_user(Role.EVALUATOR)
    lamps = add_code("lamps", {"label_en": "Lamps"}, admin)
    for story in stories:
        code_passage(story, ["lamps"], 0, 9, coder)
    add_code("broken_lamps", {"label_en": "Broken lamps"}, admin, split_from="lamps")
    first, second, third = (s.passages[0] for s in stories)
    moved = split_code(lamps, {first.id: "broken_lamps", second.id: "safety"}, admin)
    db.session.commit()
    assert moved == 2
    assert [p.code_key for p in (first, second, third)] == ["broken_lamps", "safety", "lamps"]
    assert any(t.theme == "safety" and t.source == TagSource.PASSAGE for t in stories[1].tags)
    versions = db.session.scalars(select(CodebookVersion).order_by(CodebookVersion.id)).all()
    assert [(v.change, v.code_key, v.details) for v in versions[1:]] == [
        ("split_add", "lamps", {"new": "broken_lamps"}),
        ("split", "lamps", {"moved": {"broken_lamps": 1, "safety": 1}}),
    ]
    with pytest.raises(CodeChangeError):
        split_code(lamps, {third.id: "lamps"}, admin)
