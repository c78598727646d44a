"""Refitting the confidence calibration on this programme's corrections."""

from __future__ import annotations

import json

import pytest
from flask import g
from sqlalchemy import select

from survey.analysis.confidence import MIN_DECISIONS, shipped_calibration
from survey.models import Role, Testimonial
from survey.services.calibration import TooFewDecisions, refit_from_corrections
from survey.services.corrections import correct_themes
from survey.services.engine import current_engine

# Each text gets safety from specific words and services from a generic one; people keep the first
# and reject the second, which the refitted calibration must learn.
TEXT = "Shootings and gunfire on street {n}, and the school in our neighbourhood closed."


def _correct_all(db, person):
    for item in db.session.scalars(select(Testimonial)):
        correct_themes(item, ["safety"], ["safety", "services"], person)
    db.session.commit()


def test_a_refit_learns_this_programmes_decisions_and_the_engine_uses_it(
    app, db, make_response, make_user, tmp_path, monkeypatch
):
    path = tmp_path / "confidence.json"
    monkeypatch.setitem(app.config, "CALIBRATION_PATH", str(path))
    for n in range(MIN_DECISIONS // 2):
        make_response(change_story=TEXT.format(n=n), what_would_help="")
    _correct_all(db, make_user(Role.EVALUATOR))
    calibration = refit_from_corrections()
    assert calibration.source == "corrections" and calibration.decisions >= MIN_DECISIONS
    assert json.loads(path.read_text())["decisions"] == calibration.decisions
    g.pop("engine", None)
    engine = current_engine()
    assert engine.tagger.calibration == calibration
    body = TEXT.format(n=99)
    found = {r.match.theme: r.match.confidence for r in engine.analyse(body).themes}
    assert found["safety"] > found["services"]
    assert found["services"] < 0.5 and shipped_calibration().source != "corrections"


def test_too_few_corrections_keep_the_shipped_calibration(app, db, make_response, make_user, tmp_path, monkeypatch):
    path = tmp_path / "confidence.json"
    monkeypatch.setitem(app.config, "CALIBRATION_PATH", str(path))
    make_response(change_story=TEXT.format(n=1), what_would_help="")
    _correct_all(db, make_user(Role.EVALUATOR))
    with pytest.raises(TooFewDecisions, match=f"at least {MIN_DECISIONS}"):
        refit_from_corrections()
    assert not path.exists()
    g.pop("engine", None)
    assert current_engine().tagger.calibration == shipped_calibration()
