"""The analysis commands: evaluate, train, rerun."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from survey.analysis import ANALYSER_VERSION
from survey.models import LearnedModel, Role, Site, TagSource, Testimonial
from survey.services.corrections import correct_themes
from tests import ROOT

OWN = ROOT / "tests" / "data" / "testimonies_labelled.jsonl"


def test_evaluate_prints_one_json_object(runner):
    result = runner.invoke(args=["analysis", "evaluate", str(OWN), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"themes", "confidence", "sentiment", "throughput"}
    assert set(report["themes"]) == {"macro_f1", "micro_f1", "per_theme"}
    assert set(report["themes"]["per_theme"]["safety"]) == {"precision", "recall", "f1", "support"}
    assert set(report["sentiment"]) == {"pearson_r", "accuracy3", "n"}
    assert set(report["throughput"]) == {"texts_per_s", "textblob_texts_per_s"}
    assert report["themes"]["macro_f1"] > 0.5  # the default codebook really finds the themes


def test_evaluate_with_train_learns_the_training_labels(runner, tmp_path):
    lines = OWN.read_text(encoding="utf-8").splitlines()
    train, data = tmp_path / "train.jsonl", tmp_path / "data.jsonl"
    train.write_text("\n".join(lines[:150]), encoding="utf-8")
    data.write_text("\n".join(lines[150:]), encoding="utf-8")
    result = runner.invoke(args=["analysis", "evaluate", str(data), "--train", str(train), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["themes"]["micro_f1"] > 0.3


def test_evaluate_human_readable(runner):
    output = runner.invoke(args=["analysis", "evaluate", str(OWN)]).output
    assert "Themes: macro F1" in output and "Throughput:" in output and "harm_reduction" in output


def test_evaluate_reports_a_bad_file(runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n", encoding="utf-8")
    result = runner.invoke(args=["analysis", "evaluate", str(bad)])
    assert result.exit_code != 0 and "bad.jsonl line 1: not JSON" in result.output


def test_train_from_a_file_stores_an_active_model(runner, db):
    result = runner.invoke(args=["analysis", "train", str(OWN)])
    assert result.exit_code == 0, result.output
    model = db.session.scalars(select(LearnedModel)).one()
    assert model.active and model.examples == 200 and model.source == OWN.name
    assert "safety" in model.labels and model.scores["cross_validated"]["macro_f1"] > 0


def test_train_needs_a_file_or_corrections(runner):
    assert runner.invoke(args=["analysis", "train"]).exit_code != 0


def test_rerun_reanalyses_only_what_is_out_of_date_and_resumes(runner, make_response, db):
    for _ in range(5):
        make_response()
    assert "up to date" in runner.invoke(args=["analysis", "rerun"]).output
    db.session.execute(update(Testimonial).values(analyser_version="old"))
    db.session.commit()
    first = db.session.scalars(select(Testimonial).order_by(Testimonial.id)).first()
    first.analyser_version = ANALYSER_VERSION  # as if a previous run stopped after this one
    db.session.commit()
    result = runner.invoke(args=["analysis", "rerun", "--batch", "3", "--survey", "community-safety"])
    assert result.exit_code == 0, result.output
    assert "Re-analysed 9 testimonies." in result.output
    db.session.expire_all()
    assert {t.analyser_version for t in db.session.scalars(select(Testimonial))} == {ANALYSER_VERSION}


def test_rerun_keeps_peoples_tags(runner, make_response, make_user, db):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    correct_themes(testimonial, {"stigma"}, ["stigma", "safety"], make_user(Role.EVALUATOR))
    testimonial.codebook_version = "old"
    db.session.commit()
    runner.invoke(args=["analysis", "rerun"])
    db.session.expire_all()
    human = {(t.theme, t.confidence) for t in testimonial.tags if t.source == TagSource.HUMAN}
    assert human == {("stigma", 1.0), ("safety", 0.0)}


def test_corrections_train_a_codebook_that_tags_new_testimonies(runner, make_response, make_user, db):
    evaluator = make_user(Role.EVALUATOR)
    for n in range(12):
        story = "We grow cacao now and sell it in town." if n % 2 else "My cousin is in rehab and doing well."
        make_response(change_story=story, what_would_help="")
    for t in db.session.scalars(select(Testimonial)):
        correct_themes(
            t, {"livelihoods"} if "cacao" in t.raw_text else {"recovery"}, ["livelihoods", "recovery"], evaluator
        )
    db.session.commit()
    result = runner.invoke(args=["analysis", "train", "--from-corrections"])
    assert result.exit_code == 0, result.output
    fresh = make_response(change_story="The cacao price went up this year.", what_would_help="")
    testimonial = db.session.scalars(select(Testimonial).where(Testimonial.response_id == fresh.id)).one()
    assert "+learned-" in testimonial.codebook_version
    assert "livelihoods" in {t.theme for t in testimonial.tags}


def _stored(db):
    db.session.expire_all()
    return {
        t.id: (
            t.redacted_text,
            t.language,
            t.polarity,
            t.sentiment_note,
            t.sentences,
            t.analyser_version,
            sorted((g.theme, g.confidence, g.polarity, str(g.evidence)) for g in t.tags),
        )
        for t in db.session.scalars(select(Testimonial))
    }


STORIES = [
    "The shootings stopped and the clinic opened. I feel safe at night.",
    "My son overdosed twice; the rehab waitlist is months long.",
    "Ya no hay balaceras y abrieron un centro de salud.",
    "Nothing changed.",
    "",
]


def test_rerun_all_reanalyses_every_testimony_to_the_same_results(runner, make_response, db):
    for story in STORIES:
        make_response(change_story=story, language="es" if "balaceras" in story else "en")
    first = _stored(db)
    assert "up to date" in runner.invoke(args=["analysis", "rerun"]).output
    db.session.execute(update(Testimonial).values(polarity=None, sentences=[]))  # as if damaged: --all mends it
    db.session.commit()
    result = runner.invoke(args=["analysis", "rerun", "--all", "--chunk", "2"])
    assert result.exit_code == 0, result.output
    assert f"Re-analysed {len(STORIES) * 2 - 1} testimonies." in result.output
    assert "100%" in result.output
    assert _stored(db) == first
    assert {row[5] for row in first.values()} == {ANALYSER_VERSION}


NAMES = ROOT / "tests" / "data" / "names_labelled.jsonl"


def test_redact_writes_one_json_line_per_text_with_offsets_into_it(runner, tmp_path):
    texts = ["Mi vecino Carlos Ramírez vio todo en Tumaco.", "El psicólogo Andrés Gómez trabaja con la Defensoría."]
    path = tmp_path / "texts.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    result = runner.invoke(args=["analysis", "redact", str(path), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in records] == texts
    assert records[0]["redacted"] == "Mi vecino [name] vio todo en Tumaco."
    assert records[1]["redacted"] == "El psicólogo [name] trabaja con la Defensoría."
    for record in records:
        assert {s["kind"] for s in record["spans"]} == {"name"}
        assert all(record["text"][s["start"] : s["end"]] in ("Carlos Ramírez", "Andrés Gómez") for s in record["spans"])


def test_redact_prints_the_redacted_texts_and_keeps_the_sites_names(runner, db, tmp_path):
    path = tmp_path / "texts.jsonl"
    path.write_text(json.dumps({"text": "Fuimos con Wilmer, y Bellavista quedó sola."}) + "\n")
    before = runner.invoke(args=["analysis", "redact", str(path)]).output
    db.session.add(Site(slug="bellavista", name="Bellavista", region="Nariño", country="CO"))
    db.session.commit()
    after = runner.invoke(args=["analysis", "redact", str(path)]).output
    assert before == "Fuimos con [name], y [name] quedó sola.\n"  # a word no list knows is taken for a name
    assert after == "Fuimos con [name], y Bellavista quedó sola.\n"


def test_redact_reports_a_line_without_text(runner, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"texto": "hola"}\n', encoding="utf-8")
    result = runner.invoke(args=["analysis", "redact", str(path)])
    assert result.exit_code != 0 and "bad.jsonl line 1: each line needs a text" in result.output


def test_evaluate_adds_redaction_figures_when_the_file_marks_names(runner):
    result = runner.invoke(args=["analysis", "evaluate", str(NAMES), "--json"])
    assert result.exit_code == 0, result.output
    redaction = json.loads(result.output)["redaction"]
    baseline = redaction["capitalised_words"]
    assert redaction["name_tokens"] == baseline["name_tokens"] > 150
    assert redaction["name_recall"] > baseline["name_recall"]
    assert redaction["places_hidden"] < baseline["places_hidden"]
    output = runner.invoke(args=["analysis", "evaluate", str(NAMES)]).output
    assert "name words hidden" in output and "capitalised words (baseline)" in output


def test_calibrate_refuses_without_enough_corrections(runner, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CALIBRATION_PATH", str(tmp_path / "confidence.json"))
    result = runner.invoke(args=["analysis", "calibrate"])
    assert result.exit_code == 1 and "machine tags were corrected" in result.output
    assert not (tmp_path / "confidence.json").exists()
