"""The whole analysis of one testimony."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.analysis import analyse_testimony, load_codebook
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


def test_spanish_testimony_is_tagged_but_not_scored():
    result = analyse_testimony(
        "Ya no hay balaceras en el barrio y abrieron un centro de salud.", CODEBOOK, language_hint="es"
    )
    assert result.language.code == "es"
    assert {"safety", "services"} <= {t.match.theme for t in result.themes}
    assert result.sentiment.polarity is None and result.sentiment.reason


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
