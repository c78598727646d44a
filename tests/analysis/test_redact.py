"""Redaction of personal details, with offsets that stay right."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.analysis.redact import redact


@pytest.mark.parametrize(
    ("text", "kind", "gone"),
    [
        ("Write to maria.gomez@example.org please", "email", "maria.gomez@example.org"),
        ("Llámeme al +57 310 555 1234 mañana", "phone", "310 555 1234"),
        ("Mi cel es 3105551234", "phone", "3105551234"),
        ("Call (604) 555-0199 after six", "phone", "555-0199"),
        ("Tel. 55 1234 5678 en CDMX", "phone", "1234 5678"),
        ("Marque +52 747 555 0142", "phone", "555 0142"),
        ("See https://example.org/page?id=3 for more", "url", "example.org/page"),
        ("Mi cédula es 1.023.456.789", "id", "1.023.456.789"),
        ("My name is Ana Lucía and I live here", "name", "Ana Lucía"),
        ("Me llamo Jorge Pérez y vivo en Tumaco", "name", "Jorge Pérez"),
    ],
)
def test_personal_details_are_replaced(text, kind, gone):
    result = redact(text)
    assert gone not in result.text
    assert f"[{kind}]" in result.text
    assert kind in {s.kind for s in result.spans}


def test_names_from_other_fields_are_replaced_ignoring_case_and_accents():
    result = redact("Ayer Maria y yo fuimos al centro de salud con RAMÍREZ.", names=["María Ramírez"])
    assert result.text == "Ayer [name] y yo fuimos al centro de salud con [name]."


def test_years_ages_and_money_stay():
    text = "In 2021 I was 34 and paid 200 pesos; from 2021-2023 it got worse."
    assert redact(text).text == text


def test_offsets_point_at_the_placeholders():
    result = redact("Call 310 555 1234 or a@b.org.")
    for span in result.spans:
        assert result.text[span.new_start : span.new_end] == f"[{span.kind}]"


@given(st.text(max_size=300), st.lists(st.text(max_size=15), max_size=3))
def test_redaction_never_raises_and_offsets_stay_inside(text, names):
    result = redact(text, names)
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert 0 <= span.new_start < span.new_end <= len(result.text)
        assert result.text[span.new_start : span.new_end] == f"[{span.kind}]"
