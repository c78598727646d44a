"""Cleaning, folding and splitting text, with offsets that point into it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from survey.analysis import analyse_testimony, load_codebook
from survey.analysis.codebook import parse_codebook
from survey.analysis.text import CaseBlind, clean_text, fold, fold_with_offsets, split_sentences
from survey.analysis.themes import ThemeTagger
from tests import ROOT

CODEBOOK = load_codebook(ROOT / "config" / "codebook.yaml")


def test_clean_text_composes_accents_and_replaces_lone_surrogates():
    assert clean_text("La polici\u0301a") == "La policía"
    assert clean_text("a\ud800b") == "a\ufffdb"


def test_decomposed_accents_stay_inside_their_word():
    text = "La polici\u0301a llegó."
    words = [t for s in split_sentences(text) for t in s.tokens]
    assert [(t.text, t.folded) for t in words][:2] == [("La", "la"), ("polici\u0301a", "policia")]


def test_decomposed_accents_still_find_the_theme():
    codebook = parse_codebook(
        {
            "version": "t1",
            "themes": {"trust": {"label": {"en": "Trust"}, "description": {"en": "d"}, "terms": {"es": ["policía"]}}},
        }
    )
    text = "La polici\u0301a no vino."
    assert [m.theme for m in ThemeTagger(codebook).tag(text, split_sentences(text))] == ["trust"]
    assert "trust" in analyse_testimony(text, CODEBOOK, language_hint="es").theme_keys


def test_folded_words_are_right_when_folding_changes_the_length():
    # 'ß' folds to two letters and 'e' + U+0301 to one: the whole text keeps its length, shifted.
    text = "Ayer… la Straße ﬁnal estaba cerrada. Cafe\u0301 y POLICÍA."
    tokens = [t for s in split_sentences(text) for t in s.tokens]
    folded = {t.text: t.folded for t in tokens}
    assert folded["Straße"] == "strasse"
    assert folded["ﬁnal"] == "final"
    assert folded["POLICÍA"] == "policia"
    assert folded["estaba"] == "estaba"
    assert folded["Cafe\u0301"] == "cafe"


@given(st.text(alphabet=st.sampled_from(list("aé Eß…ﬁ.\u0301\u0308İ\nxZ,")) | st.characters(), max_size=80))
def test_every_token_is_folded_on_its_own_and_points_into_the_text(text):
    for sentence in split_sentences(text):
        for token in sentence.tokens:
            assert text[token.start : token.end] == token.text
            assert token.folded == fold(token.text)


def test_sentences_are_syntoks_with_its_abbreviations():
    text = "Dr. Pérez came at 5 p.m. with Sr. Gómez. It was 3.5 hours late! Was it worth it? Yes."
    assert [s.tokens[0].text for s in split_sentences(text)] == ["Dr", "It", "Was", "Yes"]
    assert [text[s.start : s.end] for s in split_sentences(text)][-1] == "Yes."


@given(st.text(alphabet=st.sampled_from(list("aAé Eß…ﬁ.’İZ\u0301")) | st.characters(), max_size=40))
def test_folding_with_offsets_maps_every_slice_to_its_folding(text):
    folded, starts = fold_with_offsets(text)
    assert folded == "".join(fold(c) for c in text)
    for i in range(len(text) + 1):
        for j in range(i, len(text) + 1, 3):
            assert folded[starts[i] : starts[j]] == "".join(fold(c) for c in text[i:j])


def test_a_case_blind_pattern_finds_what_ignoring_case_finds_where_the_text_has_it():
    cues = CaseBlind(r"\b(?:se\s+llama|(?P<strong>my\s+name\s+is))\b\s*")
    for text in ("Mi vecino SE LLAMA Pedro; My Name Is Ana", "İstanbul: se Llama Ömer", "nothing here"):
        found = [(m.span(), m.group("strong") is not None) for m in cues.finditer(text)]
        expected = [(m.span(), m.group("strong") is not None) for m in cues.any_case.finditer(text)]
        assert found == expected
        assert [text[slice(*span)].lower() for span, _ in found] == [
            m.group().lower() for m in cues.any_case.finditer(text)
        ]
    assert len(list(cues.finditer("Mi vecino SE LLAMA Pedro; My Name Is Ana"))) == 2
