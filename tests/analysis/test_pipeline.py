"""The whole analysis of one testimony."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.analysis import analyse_testimony, load_codebook
from survey.analysis.pipeline import Engine
from survey.analysis.redact import redact
from tests import ROOT

CODEBOOK = load_codebook(ROOT / "config" / "codebook.yaml")


def test_english_testimony_is_redacted_tagged_and_scored():
    result = analyse_testimony(
        "The shootings stopped and I feel safe at night. Email me at ana@example.org.", CODEBOOK, language_hint="en"
    )
    assert "[email]" in result.redaction.text
    assert result.language.code == "en"
    assert result.sentiment.scored
    safety = next(t for t in result.themes if t.match.theme == "safety")
    assert safety.polarity is not None
    for evidence in safety.match.evidence:
        assert result.redaction.text[evidence.start : evidence.end] == evidence.text


def test_spanish_testimony_is_tagged_and_scored_per_sentence_theme_and_text():
    result = analyse_testimony(
        "Ya no hay balaceras en el barrio. Pero el centro de salud cerró y da miedo enfermarse.",
        CODEBOOK,
        language_hint="es",
    )
    assert result.language.code == "es"
    assert result.sentiment.scored and result.sentiment.reason is None
    first, second = (s.sentiment.polarity for s in result.sentences)
    assert first is not None and first > 0.1
    assert second is not None and second < -0.1
    themes = {t.match.theme: t.polarity for t in result.themes}
    assert themes["safety"] is not None and themes["services"] is not None
    assert themes["services"] < 0


def test_a_spanish_sentence_with_no_known_word_is_not_scored_but_its_neighbours_are():
    result = analyse_testimony("Ajá. Ya no hay balaceras y me siento seguro.", CODEBOOK, language_hint="es")
    unread, scored = (s.sentiment for s in result.sentences)
    assert unread.reason is not None and unread.reason.code == "no_known_words"
    assert scored.polarity is not None and scored.polarity > 0
    assert result.sentiment.polarity is not None and result.sentiment.polarity > 0


def test_short_text_takes_the_form_language():
    assert analyse_testimony("Igual.", CODEBOOK, language_hint="es").language.code == "es"


def test_results_carry_versions():
    result = analyse_testimony("Nothing changed.", CODEBOOK)
    assert result.analyser_version and result.codebook_version == CODEBOOK.version


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=500),
        st.text(alphabet=st.characters(blacklist_categories=()), max_size=200),
        st.sampled_from(
            ["", "<script>alert(1)</script>", "😀" * 50, "a" * 100_000, "\ud800 lone surrogate", "Русский 中文 العربية"]
        ),
    )
)
def test_analysis_never_raises_and_offsets_stay_inside(text):
    result = analyse_testimony(text, CODEBOOK, language_hint="en")
    body = result.redaction.text
    for sentence in result.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(body)
    for theme in result.themes:
        for evidence in theme.match.evidence:
            assert body[evidence.start : evidence.end] == evidence.text


def test_a_redaction_given_is_used_instead_of_redacting_again(monkeypatch):
    import survey.analysis.pipeline as pipeline

    engine = Engine(CODEBOOK)
    texts = ["Mi vecino Carlos vio la balacera anoche.", "My neighbour Dave saw the dealing again."]
    expected = engine.analyse_batch(texts, names=[["Carlos"], []], places=[["Tumaco"], []])
    given = [pipeline.redact_testimony(texts[0], ["Carlos"], ["Tumaco"]), None]

    def only_the_second(text, names=(), places=()):
        assert text == texts[1], "a testimony whose redaction was given is redacted again"
        return redact(text, names, places)

    monkeypatch.setattr(pipeline, "redact", only_the_second)
    assert engine.analyse_batch(texts, names=[["Carlos"], []], places=[["Tumaco"], []], redactions=given) == expected
