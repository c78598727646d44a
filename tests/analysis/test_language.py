"""Language detection, offline."""

from __future__ import annotations

import pytest

from survey.analysis.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Desde que llegó el ejército hay menos balaceras en la vereda.", "es"),
        ("Since the new clinic opened my brother has been going to his appointments.", "en"),
        ("A clínica fechou e ninguém ajuda mais aqui no bairro.", "pt"),
        ("Ya no vendemos coca, ahora sembramos cacao y café", "es"),
    ],
)
def test_languages_are_told_apart(text, code):
    assert detect_language(text).code == code


def test_short_texts_keep_the_form_language():
    assert detect_language("Nada.", "es").code == "es"
    assert detect_language("ok", None).code == "und"
