"""Calibrated confidence of machine tags, and the default codebook's quiet on off-topic text."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.analysis.calibrate import calibrate_on, tag_decisions
from survey.analysis.codebook import CodebookError, load_codebook, parse_codebook
from survey.analysis.confidence import (
    HIGHEST,
    LOWEST,
    MIN_DECISIONS,
    Calibration,
    TagFeatures,
    brier,
    reliability,
    shipped_calibration,
)
from survey.analysis.evaluation import evaluate_engine, read_labelled
from survey.analysis.pipeline import Engine
from survey.analysis.text import split_sentences
from survey.analysis.themes import ThemeTagger

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = load_codebook(ROOT / "config" / "codebook.yaml")
DATA = ROOT / "tests" / "data"


def themes_of(text, codebook=DEFAULT):
    return {m.theme: m for m in ThemeTagger(codebook).tag(text, split_sentences(text))}


def features(strong=1, weak=0, longest=1, others=0):
    return TagFeatures(strong, weak, longest, 1.0, 0.0, others)


def test_default_codebook_stays_quiet_on_off_topic_text():
    rows = read_labelled(DATA / "offtopic.jsonl")
    assert len(rows) >= 150 and {r.language for r in rows} == {"en", "es"}
    analyses = Engine(DEFAULT).analyse_batch([r.text for r in rows], language_hints=[r.language for r in rows])
    tagged = [(r.text, sorted(a.theme_keys)) for r, a in zip(rows, analyses, strict=True) if a.theme_keys]
    # Before weak terms, 24 of these 151 texts got a theme ("teachers" -> services, "football" -> prevention).
    assert len(tagged) <= 3, tagged


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("The drop-in centre gives me a shower and a meal every morning.", "services"),
        ("Los muchachos ahora van al centro de escucha en vez del parque.", "services"),
        ("Me alegró que cerraran la olla de la esquina.", "safety"),
        ("Hace un año mataron al presidente de la junta.", "safety"),
        ("People here still treat you like garbage once they know.", "stigma"),
    ],
)
def test_everyday_phrasings_are_caught(text, theme):
    assert theme in themes_of(text)


def test_generic_words_need_a_specific_term_or_the_programmes_context():
    assert themes_of("Our school bought new laptops for the library.") == {}
    assert themes_of("La escuela de la vereda tiene un solo profesor.").keys() >= {"services"}
    assert themes_of("The school finally talks about fentanyl with the kids.").keys() >= {"services", "harm_reduction"}
    assert "safety" not in themes_of("Puse la olla a presión con los fríjoles.")


def test_weak_terms_must_be_among_the_themes_terms():
    document = {
        "version": "1",
        "themes": {
            "s": {
                "label": {"en": "S"},
                "description": {"en": "d"},
                "terms": {"en": ["gang"]},
                "weak_terms": {"en": ["school"]},
            }
        },
    }
    with pytest.raises(CodebookError, match="weak_terms lists 'school'"):
        parse_codebook(document)


def test_subthemes_inherit_weak_terms():
    services = [t for t in DEFAULT.themes if t.key == "services.schools"][0]
    assert all(term.weak for term in services.terms if term.source in {"school*", "teacher"})


def test_more_and_longer_evidence_is_more_confident():
    calibration = shipped_calibration()
    one = calibration.probability(features())
    assert calibration.probability(features(strong=3)) > one
    assert calibration.probability(features(longest=3)) > one
    assert calibration.probability(features(strong=0, weak=1)) < one


def test_probabilities_stay_strictly_between_zero_and_one():
    calibration = Calibration((50.0, 0, 0, 0, 0, 0), 0.0, "t", 0)
    assert calibration.probability(features(strong=100)) == HIGHEST
    assert calibration.probability(features(strong=0)) == 0.5
    assert Calibration((-50.0, 0, 0, 0, 0, 0), 0.0, "t", 0).probability(features(strong=100)) == LOWEST


def test_calibration_round_trips_through_json_and_refuses_other_features():
    calibration = Calibration((0.5, -0.1, 0.2, 0.0, 0.3, -0.4), 0.7, "file.jsonl", 120)
    assert Calibration.loads(calibration.dumps()) == calibration
    with pytest.raises(ValueError, match="other features"):
        Calibration.loads('{"features": ["x"], "weights": [1.0], "intercept": 0, "source": "s", "decisions": 1}')


def test_fitting_learns_from_decisions_and_keeps_the_fallback_when_too_few():
    rows = [(r.text, r.themes) for r in read_labelled(DATA / "testimonies_labelled.jsonl")]
    fitted = calibrate_on(rows, DEFAULT, "labelled")
    assert fitted.source == "labelled" and fitted.decisions == len(tag_decisions(rows, DEFAULT)) >= MIN_DECISIONS
    assert calibrate_on(rows[:5], DEFAULT, "few") == shipped_calibration()


def test_calibrated_confidence_beats_the_old_fixed_steps_on_held_out_testimonies():
    rows = read_labelled(DATA / "testimonies_heldout.jsonl")
    report = evaluate_engine(rows, DEFAULT)["confidence"]
    old = []
    analyses = Engine(DEFAULT).analyse_batch([r.text for r in rows], language_hints=[r.language for r in rows])
    for row, analysis in zip(rows, analyses, strict=True):
        for result in analysis.themes:
            if "." not in result.match.theme:
                distinct = len({e.term for e in result.match.evidence})
                old.append((1 - 0.4 * 0.5 ** (distinct - 1), result.match.theme in (row.themes or ())))
    assert report["tags"] == len(old)
    assert report["brier"] < brier(old)
    assert sum(b["tags"] for b in report["reliability"]) == report["tags"]


def test_reliability_bins_by_hand():
    curve = reliability([(0.1, False), (0.15, True), (0.9, True), (1.0, True)], bins=5)
    assert curve == [
        {"from": 0.0, "to": 0.2, "predicted": 0.125, "observed": 0.5, "tags": 2},
        {"from": 0.8, "to": 1.0, "predicted": 0.95, "observed": 1.0, "tags": 2},
    ]
    assert brier([(1.0, True), (0.5, False)]) == 0.125 and brier([]) is None
