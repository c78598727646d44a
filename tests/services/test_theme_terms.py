"""Administrators edit a theme's terms: a new codebook version, an audit event, and new analyses use them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.analysis.codebook import load_codebook
from survey.models import AuditEvent, CodebookVersion, Role, Testimonial, ThemeTerms
from survey.services.engine import codebook, current_engine, forget_current_engine
from survey.services.theme_terms import ThemeTermsError, current_terms, export_codebook, save_theme_terms
from tests.conftest import count

STORY = "A vigilante walks our block each evening."


def _with(key, **changes):
    terms = current_terms(key)
    for name, by_language in changes.items():
        terms[name] = {**terms[name], **by_language}
    return terms


def _themes(testimonial):
    return {tag.theme for tag in testimonial.tags}


def test_an_edited_term_tags_new_analyses_and_stamps_a_new_version(app, db, make_user, make_response):
    admin = make_user(Role.ADMIN)
    file_version = codebook().version
    before = make_response(change_story=STORY)
    first = db.session.scalars(select(Testimonial).where(Testimonial.response_id == before.id)).first()
    assert "safety" not in _themes(first) and first.codebook_version == file_version

    terms = _with("safety", terms={"en": [*current_terms("safety")["terms"]["en"], "vigilante*"]})
    version = save_theme_terms("safety", terms, admin)
    assert version is not None and version.change == "terms" and version.changed_by_id == admin.id
    assert version.details == {"added": ["terms.en: vigilante*"], "removed": []}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit_theme_terms")).one()
    assert event.actor_id == admin.id and event.detail["key"] == "safety"
    db.session.commit()

    forget_current_engine()  # as the next request does
    assert codebook().version == f"{file_version}+v{version.number}"
    after = make_response(change_story=STORY)
    second = db.session.scalars(select(Testimonial).where(Testimonial.response_id == after.id)).first()
    assert "safety" in _themes(second)
    assert second.codebook_version == f"{file_version}+v{version.number}"


def test_each_process_sees_the_edit_through_the_engine_key(app, db, make_user):
    engine = current_engine()
    save_theme_terms("stigma", _with("stigma", terms={"es": ["ñero*"]}), make_user(Role.ADMIN))
    db.session.commit()
    forget_current_engine()
    edited = current_engine()
    assert edited is not engine
    assert [t.source for t in edited.codebook.by_key["stigma"].terms if t.source == "ñero*"] == ["ñero*"]


def test_only_changes_differing_from_the_file_are_kept_and_going_back_removes_them(db, make_user):
    admin = make_user(Role.ADMIN)
    original = current_terms("safety.violence")
    save_theme_terms("safety.violence", _with("safety.violence", terms={"en": ["brawl*"]}), admin)
    row = db.session.scalars(select(ThemeTerms)).one()
    assert row.fields == {"terms": {"en": ["brawl*"], "es": original["terms"]["es"]}}
    assert save_theme_terms("safety.violence", _with("safety.violence", terms={"en": ["brawl*"]}), admin) is None
    save_theme_terms("safety.violence", original, admin)
    assert count(ThemeTerms) == 0
    assert count(CodebookVersion) == 2


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"terms": {"en": [], "es": []}}, "no_terms"),
        ({"weak_terms": {"en": ["dusk"], "es": []}}, "weak_unknown"),
    ],
)
def test_terms_the_codebook_cannot_take_are_refused_before_anything_is_written(db, make_user, changes, reason):
    with pytest.raises(ThemeTermsError) as refused:
        save_theme_terms("safety", _with("safety", **changes), make_user(Role.ADMIN))
    assert refused.value.reason == reason
    assert count(ThemeTerms) == 0 and count(CodebookVersion) == 0 and count(AuditEvent) == 0


def test_the_export_loads_back_as_the_codebook_in_use(db, make_user, tmp_path):
    save_theme_terms("safety", _with("safety", exclusions={"en": ["safe house"]}), make_user(Role.ADMIN))
    forget_current_engine()
    path = tmp_path / "codebook.yaml"
    path.write_text(export_codebook(), encoding="utf-8")
    assert load_codebook(path) == codebook()
