"""Language detection, offline."""

from __future__ import annotations

import pytest

from survey.analysis.language import ENGLISH_ONLY, SPANISH_ONLY, LanguageGuess, detect_language


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


@pytest.mark.parametrize(
    ("text", "hint", "code"),
    [
        ("Esta rua está mais segura, este ano nada mudou no bairro", "en", "pt"),
        ("Esta rua está mais segura, este ano nada mudou no bairro", "es", "pt"),
        ("Este año nada cambió, la calle está igual y aquí nadie ayuda", "en", "es"),
        ("Ya no hay balaceras en el barrio y abrieron un centro de salud.", "en", "es"),
        ("Since the new clinic opened we have been going there and it is better.", "es", "en"),
    ],
)
def test_words_portuguese_shares_with_spanish_do_not_settle_the_language(text, hint, code):
    assert detect_language(text, hint).code == code


def test_function_word_lists_hold_no_shared_words():
    shared_with_portuguese = {"esta", "este", "nada", "aqui", "la", "lo", "donde", "para", "que", "de", "no"}
    shared_with_spanish = {"to", "for", "has", "a", "no", "me", "se"}
    assert not SPANISH_ONLY & shared_with_portuguese
    assert not ENGLISH_ONLY & shared_with_spanish
    assert not SPANISH_ONLY & ENGLISH_ONLY


def test_short_texts_keep_the_form_language():
    assert detect_language("Nada.", "es").code == "es"
    assert detect_language("ok", None).code == "und"


def test_two_function_words_of_the_forms_language_settle_it_without_the_model(monkeypatch):
    def fail():
        raise AssertionError("the model was asked")

    monkeypatch.setattr("survey.analysis.language.language_model", fail)
    assert detect_language("The crew were brilliant", "en") == LanguageGuess("en", 0.95)
    assert detect_language("Ahora hay buena atención", "es") == LanguageGuess("es", 0.95)


def test_function_words_of_the_other_language_still_ask_the_model():
    # One English word and one Spanish: the form's language alone does not decide.
    assert detect_language("The crew y la ambulancia llegaron", "en").probability not in (0.95, 0.99)


def test_only_letters_count_towards_a_text_long_enough_to_detect():
    assert detect_language("①②③④⑤⑥⑦⑧⑨⑩⑪⑫ ½²", "en") == LanguageGuess("en", 0.0)
    assert detect_language("Ñandú, ¿qué pasó aquí?", "es").code == "es"
