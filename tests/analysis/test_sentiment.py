"""Sentiment: English scored, other languages not scored with a reason."""

from __future__ import annotations

from survey.analysis.sentiment import Sentiment, combine, score_sentence


def test_english_positive_and_negative():
    assert score_sentence("The new clinic is wonderful.", "en").polarity > 0.2
    assert score_sentence("The streets are terrible and dangerous.", "en").polarity < -0.2


def test_contracted_negation_is_not_read_as_praise():
    assert score_sentence("The programme isn't good.", "en").polarity < 0


def test_not_working_is_negative():
    assert score_sentence("The clinic is not working.", "en").polarity <= 0


def test_spanish_is_not_scored_with_the_English_lexicon():
    result = score_sentence("La clínica es maravillosa.", "es")
    assert result.polarity is None and not result.scored
    assert "Spanish" in result.reason


def test_unknown_language_is_not_scored():
    assert score_sentence("Lorem ipsum", "und").reason == "language could not be identified"


def test_combine_weights_by_length_and_skips_unscored():
    combined = combine([Sentiment(1.0, 1.0), Sentiment(-1.0, 0.0), Sentiment(None, None, "x")], [3, 1, 5])
    assert combined.polarity == 0.5 and combined.subjectivity == 0.75


def test_combine_of_nothing_scored_keeps_the_reason():
    assert combine([Sentiment(None, None, "no Spanish")], [4]).reason == "no Spanish"
