"""Sentiment: English scored, other languages not scored with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob.en import sentiment as textblob_sentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer, normalize

from survey.analysis.sentiment import (
    DOMAIN_LEXICON,
    LEXICON,
    NotScored,
    Reason,
    _expand,
    _textblob,
    _textblob_words,
    add_up,
    read_sentences,
    score_reading,
    score_sentence,
    textblob_scores,
    vader_compound,
)


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
    assert result.reason == Reason(NotScored.LANGUAGE, "es")
    assert result.reason.code == "language_not_scored:es"


def test_unknown_language_is_not_scored():
    assert score_sentence("Lorem ipsum", "und").reason == Reason(NotScored.UNKNOWN_LANGUAGE)


@pytest.mark.parametrize(
    "reason", [Reason(NotScored.NO_TEXT), Reason(NotScored.UNKNOWN_LANGUAGE), Reason(NotScored.LANGUAGE, "pt")]
)
def test_reason_codes_read_back(reason):
    assert Reason.from_code(reason.code) == reason


def test_sentences_are_not_reason_codes():
    assert Reason.from_code("no text to score") is None


def _read(text):
    return read_sentences([text])[0]


_reference_vader = SentimentIntensityAnalyzer()
_reference_vader.lexicon.update(DOMAIN_LEXICON)
# Words VADER's rules turn on (boosters, negations, "no", "least", "kind of", idioms, capitals), words
# that a space-free split must keep whole ("top-notch", ":)", "I'm"), marks, and emoji.
RULE_WORDS = str.split(
    "very extremely barely kind of sort kinda no not never isn't don't can't isn’t it’s I'm without doubt so this "
    "least at or nor the bomb bus stop yeah right kiss death to die for clinic street we I top-notch cover-up "
    "well-being drop-in :) :( <3 :D (!) e.g. U.S. 3.5 A&E - — ... 😀 😢 café"
)
LEXICON_WORDS = sorted(w for w in LEXICON if w.isalpha())[::40] + ["good", "bad", "safe", "died", "sober"]
TEXTBLOB_LEXICON_WORDS = sorted(_textblob.scores)[::50] + sorted(_textblob.modifiers)[::10]
MARKS = ["", "", "", "!", "??", ",", ".", "...", ";", '"']
texts = st.lists(
    st.tuples(
        st.sampled_from(RULE_WORDS + LEXICON_WORDS + TEXTBLOB_LEXICON_WORDS), st.booleans(), st.sampled_from(MARKS)
    ),
    min_size=1,
    max_size=14,
).map(lambda words: " ".join((w.upper() if loud else w) + mark for w, loud, mark in words))


@settings(max_examples=400)
@given(texts.filter(lambda text: "but" not in text.lower()))
def test_vader_rules_read_the_words_vader_reads(text):
    # Apostrophes are made straight first: VADER reads "isn’t" as no negation, Voces as one.
    assert vader_compound(_read(text)) == _reference_vader.polarity_scores(text.replace("’", "'"))["compound"]


@settings(max_examples=400)
@given(texts)
def test_textblob_rules_read_the_words_textblob_reads(text):
    # TextBlob splits "isn't" into "is n ' t" and misses the negation; Voces spells it out first.
    expected = textblob_sentiment(_expand(text))
    assert textblob_scores(_read(text)) == pytest.approx(tuple(expected)[:2])


def test_but_weighs_what_follows_it_as_vader_documents():
    # VADER's own loop finds each value by equality and can weigh the wrong word when two match;
    # the rule itself: words before "but" count half, words after it one and a half.
    reading = _read("The clinic is good but the waiting is terrible")
    plain = _read("The clinic is good the waiting is terrible")
    good, terrible = LEXICON["good"], LEXICON["terrible"]
    assert sum(plain.valences) == pytest.approx(good + terrible)
    assert vader_compound(reading) == round(normalize(good * 0.5 + terrible * 1.5), 4)


TEXTBLOB_WORDS = (
    sorted(_textblob.scores)[::60]
    + sorted(_textblob.modifiers)[::10]
    + str.split("not no never n't very really a is the good bad ! !! 25 <3 :) xd quickly")
)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TEXTBLOB_WORDS), max_size=16))
def test_textblob_rules_assess_words_as_textblob_does(words):
    expected = [(p, s) for _, p, s, _ in textblob_sentiment.assessments((w, None) for w in words)]
    assert _textblob.assess(words) == expected


def test_textblob_part_matches_textblob_on_plain_sentences():
    for text in ["The new clinic is wonderful.", "The streets are very dangerous at night!", "Nothing good came."]:
        assert textblob_scores(_read(text)) == pytest.approx(tuple(textblob_sentiment(text)))


def test_contractions_are_read_as_negations():
    assert textblob_scores(_read("The clinic isn’t good."))[0] < 0
    assert vader_compound(_read("The clinic isn’t good.")) < 0
    assert list(_textblob_words(["They", "can't,", "I'm"])) == ["they", "can", "not", ",", "i", "'", "m"]
    assert textblob_scores(_read("The staff won't help."))[0] == textblob_scores(_read("The staff will not help."))[0]


def test_emoji_are_read_with_vader_descriptions():
    assert vader_compound(_read("The new clinic 😍")) > 0
    assert vader_compound(_read("My brother is gone 😢")) < 0


def test_a_text_reads_as_its_sentences_added_up():
    first, second = _read("The clinic is wonderful."), _read("The streets are terrible!")
    whole = add_up([first, second])
    assert whole.polarities == first.polarities + second.polarities
    assert whole.exclamations == 1
    both = _read("The clinic is wonderful. The streets are terrible!")
    assert score_reading(whole) == score_reading(both)


def test_capitals_stand_out_only_against_the_rest_of_the_text():
    quiet, loud = read_sentences(["The clinic is good.", "It is GREAT."])
    assert loud.valences[-1] > LEXICON["great"]
    (alone,) = read_sentences(["IT IS GREAT."])  # everything in capitals: no emphasis
    assert alone.valences[-1] == LEXICON["great"]
