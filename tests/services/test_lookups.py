"""Rows looked up by many values at once: the same rows on every database, in one parameter on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, select

from survey.models import Site
from survey.services.lookups import one_of


def _add_sites(db, *slugs: str) -> None:
    db.session.add_all(Site(slug=slug, name=slug.title(), region="", country="CO") for slug in slugs)
    db.session.flush()


def test_one_of_finds_exactly_the_values_given(db):
    _add_sites(db, "ancon", "bello", "caldas")
    assert set(db.session.scalars(select(Site.slug).where(one_of(Site.slug, {"ancon", "caldas", "nowhere"})))) == {
        "ancon",
        "caldas",
    }
    assert db.session.scalars(select(Site.slug).where(one_of(Site.slug, []))).all() == []


def test_one_of_sends_a_hundred_values_as_one_parameter_on_postgresql(app, db):
    _add_sites(db, "ancon")
    sent: list[object] = []

    def look(_connection, _cursor, _statement, parameters, *_args):
        sent.append(parameters)

    event.listen(db.engine, "before_cursor_execute", look)
    try:
        values = [f"site-{i}" for i in range(99)] + ["ancon"]
        assert db.session.scalars(select(Site.slug).where(one_of(Site.slug, values))).all() == ["ancon"]
    finally:
        event.remove(db.engine, "before_cursor_execute", look)
    [parameters] = sent
    on_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert len(parameters) == (1 if on_postgresql else 100)
