"""Theme tagging per sentence, with evidence."""

from __future__ import annotations

import pytest

from survey.analysis.codebook import parse_codebook
from survey.analysis.text import split_sentences
from survey.analysis.themes import ThemeTagger

CODEBOOK = parse_codebook(
    {
        "version": "t1",
        "themes": {
            "safety": {
                "label": {"en": "Safety"},
                "description": {"en": "d"},
                "terms": {"en": ["shooting*", "feel safe", "gang", "gangs"], "es": ["balacera*", "segur*"]},
                "exclusions": {"en": ["safe to say"], "es": ["seguro social"]},
            },
            "services": {
                "label": {"en": "Services"},
                "description": {"en": "d"},
                "terms": {"en": ["clinic*"], "es": ["centro de salud", "clínica*"]},
                "subthemes": {"health": {"label": {"en": "Health"}, "terms": {"en": ["clinic*"]}}},
            },
        },
    }
)


def tag(text):
    return {m.theme: m for m in ThemeTagger(CODEBOOK).tag(text, split_sentences(text))}


def test_negated_mentions_still_tag_the_theme():
    assert "safety" in tag("There are no more shootings on our street.")
    assert "safety" in tag("I do not feel safe.")


def test_phrases_allow_words_between():
    found = tag("Since then I feel very safe.")
    assert found["safety"].evidence[0].text == "feel very safe"


def test_matching_ignores_case_and_accents():
    assert "services" in tag("La CLINICA cerró y el Centro de Salud también.")


def test_evidence_points_at_the_words():
    text = "Nothing changed. The clinics closed."
    match = tag(text)["services"]
    assert [(text[e.start : e.end], e.sentence) for e in match.evidence] == [("clinics", 1)]


def test_exclusions_remove_false_positives():
    assert "safety" not in tag("Safe to say the weather was bad.")
    assert "safety" not in tag("Pago el seguro social cada mes.")


def test_more_distinct_terms_raise_confidence():
    one = tag("A shooting.")["safety"].confidence
    two = tag("A shooting near the gang house.")["safety"].confidence
    assert 0 < one < two <= 1


def test_subthemes_are_tagged_with_their_parent():
    found = tag("The clinic opened.")
    assert {"services", "services.health"} <= set(found)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "😀😀", "<script>alert(1)</script>"])
def test_texts_without_terms_get_no_theme(text):
    assert tag(text) == {}
