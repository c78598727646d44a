"""A codebook learned from coded examples, for any label set."""

from __future__ import annotations

import pytest

from survey.analysis.evaluation import read_labelled
from survey.analysis.learned import CodedExample, LearnedCodebook, train_codebook
from tests import ROOT

OWN = ROOT / "tests" / "data" / "testimonies_labelled.jsonl"

# A label set that has nothing to do with the default codebook: the engine must learn it.
FOREIGN = [
    CodedExample("The bus was late again this morning", frozenset({"transport"})),
    CodedExample("No bus came for an hour at the stop", frozenset({"transport"})),
    CodedExample("The train to town was cancelled", frozenset({"transport"})),
    CodedExample("Buses are always full and late", frozenset({"transport"})),
    CodedExample("The nurse was kind and patient with my mother", frozenset({"staff_manner"})),
    CodedExample("A kind nurse explained everything", frozenset({"staff_manner"})),
    CodedExample("The doctor was rude and did not listen", frozenset({"staff_manner"})),
    CodedExample("Staff were kind to my children", frozenset({"staff_manner"})),
    CodedExample("The nurse was late and the bus too", frozenset({"staff_manner", "transport"})),
    CodedExample("Weather was nice", frozenset({"other"})),
] * 3


@pytest.fixture(scope="module")
def foreign() -> LearnedCodebook:
    return train_codebook(FOREIGN)


def test_any_label_set_is_learned(foreign):
    assert foreign.labels == ("other", "staff_manner", "transport")
    tags = {t.theme for t in foreign.predict(["No bus came and the train was cancelled"])[0]}
    assert "transport" in tags and "staff_manner" not in tags


def test_learned_tags_point_at_their_words(foreign):
    text = "A very kind nurse helped me."
    tag = next(t for t in foreign.predict([text])[0] if t.theme == "staff_manner")
    assert tag.evidence, "a learned tag must show the words behind it"
    for evidence in tag.evidence:
        assert text[evidence.start : evidence.end] == evidence.text
    assert "kind" in {e.text.lower() for e in tag.evidence} | {w for e in tag.evidence for w in e.text.lower().split()}
    assert 0 < tag.confidence < 1


def test_model_keeps_its_training_facts_and_survives_storage(foreign):
    assert foreign.examples == len(FOREIGN)
    assert foreign.trained_at.tzinfo is not None
    assert set(foreign.scores["cross_validated"]) == {"macro_f1", "micro_f1", "per_theme"}
    again = LearnedCodebook.loads(foreign.dumps())
    texts = ["The bus was late", "The nurse was kind"]
    assert [[t.theme for t in tags] for tags in again.predict(texts)] == [
        [t.theme for t in tags] for tags in foreign.predict(texts)
    ]
    assert again.version == foreign.version


def test_rare_labels_are_reported_not_learned():
    examples = FOREIGN + [CodedExample("One odd text about parking", frozenset({"parking"}))]
    model = train_codebook(examples)
    assert "parking" in model.unlearnable and "parking" not in model.labels


def test_too_few_examples_are_refused():
    with pytest.raises(ValueError, match="at least"):
        train_codebook(FOREIGN[:3])


def test_learned_codebook_generalises_on_own_testimonies():
    rows = read_labelled(OWN)
    train, test = rows[:150], rows[150:]
    model = train_codebook(CodedExample(r.text, r.themes or frozenset()) for r in train)
    predicted = model.predict([r.text for r in test])
    hits = sum(bool({t.theme for t in p} & (r.themes or set())) for p, r in zip(predicted, test, strict=True))
    assert hits >= len(test) // 2  # it learned something real, not the majority label


def test_top_terms_explain_a_label(foreign):
    assert "bus" in foreign.top_terms("transport")


def test_texts_with_nothing_to_show_get_no_learned_theme(foreign):
    from survey.analysis import analyse_testimony, load_codebook

    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    for text in ("n/a", "ok", "[name]"):
        result = analyse_testimony(text, codebook, learned=foreign)
        assert all(t.match.evidence for t in result.themes)


def test_evidence_is_found_when_folding_changes_the_length(foreign):
    text = "The núrse… was kínd, ß!"  # "…" folds to three characters; the accents must not hide the words
    tag = next(t for t in foreign.predict([text])[0] if t.theme == "staff_manner")
    assert tag.evidence
    for evidence in tag.evidence:
        assert text[evidence.start : evidence.end] == evidence.text
        assert evidence.text.lower() in {"núrse", "kínd"}
