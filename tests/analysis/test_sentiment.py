"""Sentiment: English scored through TextBlob's and VADER's public APIs, Spanish by its own method
(tests/analysis/test_spanish_sentiment.py), other languages not scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from survey.analysis import sentiment
from survey.analysis.evaluation import pearson
from survey.analysis.sentiment import (
    INFORMAL_WEIGHT,
    PLAIN_WEIGHT,
    NotScored,
    Reason,
    informal_cues,
    score_english,
    score_sentence,
    vader_weight,
)

# Short informal posts written for these tests, each with the sentiment its writer meant.
POSTS_FILE = Path(__file__).parent.parent / "data" / "informal_posts.jsonl"
POSTS = [json.loads(line) for line in POSTS_FILE.read_text(encoding="utf-8").splitlines()]


def test_english_positive_and_negative():
    assert score_sentence("The new clinic is wonderful.", "en").polarity > 0.2
    assert score_sentence("The streets are terrible and dangerous.", "en").polarity < -0.2


def test_contracted_negation_is_not_read_as_praise():
    assert score_sentence("The programme isn't good.", "en").polarity < 0
    assert score_sentence("The programme isn’t good.", "en").polarity < 0


def test_not_working_is_negative():
    assert score_sentence("The clinic is not working.", "en").polarity <= 0


def test_a_score_is_the_mean_of_textblobs_and_vaders():
    text = "The new clinic is wonderful but the bus is terrible!"
    vader = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    blob = TextBlob(text).sentiment
    assert score_english(text).polarity == pytest.approx((blob.polarity + vader) / 2, abs=1e-4)
    assert score_english(text).subjectivity == pytest.approx(blob.subjectivity, abs=1e-4)


def test_a_post_in_emoji_and_slang_leans_on_vader():
    text = "yay the new clinic is open 🎉"
    vader = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    blob = TextBlob(text).sentiment.polarity
    assert blob != 0  # TextBlob reads "new" and "open", not "yay" nor the emoji
    assert vader_weight(text) == INFORMAL_WEIGHT
    expected = INFORMAL_WEIGHT * vader + (1 - INFORMAL_WEIGHT) * blob
    assert score_english(text).polarity == pytest.approx(expected, abs=1e-4)


def test_what_textblob_reads_itself_is_no_reason_to_lean():
    for text in ("The clinic is GREAT!!", "lol the clinic :)", "The NHS staff were good."):
        assert informal_cues(text) == 0
        assert vader_weight(text) == PLAIN_WEIGHT


def test_the_lean_fades_in_a_long_text():
    short = "The clinic reopened 😊"
    long = short + " " + " ".join(["The nurses explained the treatment and the follow-up visits."] * 10)
    assert vader_weight(short) == INFORMAL_WEIGHT
    assert PLAIN_WEIGHT < vader_weight(long) < INFORMAL_WEIGHT


def test_a_text_textblob_cannot_read_is_not_halved():
    text = "lost my job today 😢"
    assert TextBlob(text).sentiment == (0.0, 0.0)
    vader = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert vader < 0
    assert score_english(text).polarity == pytest.approx(INFORMAL_WEIGHT * vader, abs=1e-4)
    assert score_english(text).polarity < vader / 2


def test_on_informal_posts_the_lean_beats_one_fixed_blend(monkeypatch):
    gold = [post["sentiment"] for post in POSTS]
    leaning = pearson([score_english(post["text"]).polarity or 0.0 for post in POSTS], gold)
    monkeypatch.setattr(sentiment, "INFORMAL_WEIGHT", PLAIN_WEIGHT)
    fixed = pearson([score_english(post["text"]).polarity or 0.0 for post in POSTS], gold)
    textblob = pearson([TextBlob(post["text"]).sentiment.polarity for post in POSTS], gold)
    assert leaning is not None and fixed is not None and textblob is not None
    assert leaning > fixed and leaning > textblob


def test_words_of_the_testimonies_count_that_general_lexicons_miss():
    assert score_sentence("My son overdosed last year.", "en").polarity < 0
    assert score_sentence("My son has been sober eight months.", "en").polarity > 0


def test_emoji_are_read():
    assert score_sentence("The new clinic 😍", "en").polarity > 0
    assert score_sentence("My brother is gone 😢", "en").polarity < 0


def test_spanish_is_not_scored_with_the_English_lexicon():
    result = score_sentence("La clínica es maravillosa.", "es")
    assert result.scored and result.polarity > 0
    assert score_english("La clínica es maravillosa.").polarity == 0  # what the English method would say


def test_a_language_without_a_method_is_not_scored():
    result = score_sentence("A clínica é maravilhosa.", "pt")
    assert result.polarity is None and not result.scored
    assert result.reason == Reason(NotScored.LANGUAGE, "pt")
    assert result.reason.code == "language_not_scored:pt"


def test_unknown_language_is_not_scored():
    assert score_sentence("Lorem ipsum", "und").reason == Reason(NotScored.UNKNOWN_LANGUAGE)


@pytest.mark.parametrize(
    "reason",
    [
        Reason(NotScored.NO_TEXT),
        Reason(NotScored.UNKNOWN_LANGUAGE),
        Reason(NotScored.LANGUAGE, "pt"),
        Reason(NotScored.UNREADABLE),
    ],
)
def test_reason_codes_read_back(reason):
    assert Reason.from_code(reason.code) == reason


def test_sentences_are_not_reason_codes():
    assert Reason.from_code("no text to score") is None
