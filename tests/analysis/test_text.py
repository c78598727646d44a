"""Cleaning, folding and splitting text, with offsets that point into it."""

from __future__ import annotations

import syntok.segmenter as syntok_segmenter
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import analyse_testimony, load_codebook
from survey.analysis import text as text_module
from survey.analysis.codebook import parse_codebook
from survey.analysis.text import clean_text, fold, fold_with_offsets, split_sentences
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


def _syntok_spans(text):
    """Sentence spans as syntok's own segmenter gives them, the reference for ours."""
    spans = []
    for paragraph in syntok_segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if tokens:
                end = tokens[-1].offset + len(tokens[-1].value)
                spans.append((min(tokens[0].offset, len(text)), min(end, len(text))))
    return spans


PIECES = [
    "word", "Word", "clinic", "Then", "Dr", "no", "No", "A", "I", "II", "jan", "it's", "café", "Ángel", "A5", "3",
    "3.5", "5,000", ".", "!", "?", ";", ":", ",", "...", "…", '"', "'", "(", ")", "¿", "”", "-", "\n", "\n\n",
    "(note)", "(two words)", "[unreadable]", "( all good )", "(nurse, OT)", "A&E", "Ⅻ", "ǈx", "①", "\x1c", "ß",
    "Sra", "NHSSTRASSE", "Then",
]  # fmt: skip
TERMINALS = [".", "!", "?", ";", "...", "!!", "?!", ":", ""]
pieces = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from([" ", "", "  ", "\n"])), max_size=14)
sentences = st.lists(
    st.tuples(st.lists(st.sampled_from(PIECES[:17] + PIECES[-5:]), min_size=1, max_size=7), st.sampled_from(TERMINALS)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=400)
@given(pieces)
def test_sentences_are_syntoks_for_any_mix_of_words_and_marks(parts):
    text = "".join(piece + gap for piece, gap in parts)
    assert text_module._spans(text) == _syntok_spans(text)


@settings(max_examples=400)
@given(sentences, st.sampled_from([" ", "  ", "\n", " \n"]))
def test_sentences_are_syntoks_for_runs_of_sentences(parts, gap):
    # Built as sentences, so that most boundaries are the plain ones decided without syntok.
    text = gap.join(" ".join(words) + end for words, end in parts)
    assert text_module._spans(text) == _syntok_spans(text)


def test_plain_boundaries_are_decided_without_syntok(monkeypatch):
    def fail(*args):
        raise AssertionError("syntok was called")

    monkeypatch.setattr(text_module, "_syntok_spans", fail)
    text = "The crew (two of them) came fast. Then we waited; it was 3.5 hours! Was it worth it? Yes."
    assert [s.tokens[0].text for s in split_sentences(text)] == ["The", "Then", "Was", "Yes"]


def test_unclear_boundaries_go_to_syntok():
    text = "Dr. Pérez came at 5 p.m. with Sr. Gómez. It was late (after the curfew.) Nobody came."
    assert [(s.start, s.end) for s in split_sentences(text)] == _syntok_spans(text)
    assert split_sentences(text)[0].tokens[0].text == "Dr"


@given(st.text(alphabet=st.sampled_from(list("aAé Eß…ﬁ.’İZ\u0301")) | st.characters(), max_size=40))
def test_folding_with_offsets_maps_every_slice_to_its_folding(text):
    folded, starts = fold_with_offsets(text)
    assert folded == "".join(fold(c) for c in text)
    for i in range(len(text) + 1):
        for j in range(i, len(text) + 1, 3):
            assert folded[starts[i] : starts[j]] == "".join(fold(c) for c in text[i:j])
