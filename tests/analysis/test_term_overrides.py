"""Terms typed one per line, laid over the codebook file, and the result written back as a file."""

from __future__ import annotations

import pytest

from survey.analysis.codebook import load_codebook, parse_codebook
from survey.analysis.term_overrides import (
    TermLineError,
    apply_term_overrides,
    count_changes,
    dump_codebook,
    parse_term_lines,
    read_codebook_document,
    theme_terms,
)
from tests import ROOT

DEFAULT = ROOT / "config" / "codebook.yaml"


def test_lines_become_terms_without_blanks_spaces_or_repeats():
    typed = "crime\n\n  armed   group* \nCrime\nvigilante*\r\narmed group*\n"
    assert parse_term_lines(typed) == ["crime", "armed group*", "vigilante*"]


@pytest.mark.parametrize(
    ("typed", "line", "reason"), [("crime\n***\n", 2, "empty"), ("a\nb\n" + "x" * 81, 3, "long"), ("—", 1, "empty")]
)
def test_a_bad_line_is_named(typed, line, reason):
    with pytest.raises(TermLineError) as caught:
        parse_term_lines(typed)
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_overrides_replace_a_themes_and_a_subthemes_fields_and_mark_the_version():
    document = read_codebook_document(DEFAULT)
    overrides = {
        "safety": {"terms": {"en": ["vigilante*", "dusk"], "es": ["vigilante*"]}, "weak_terms": {"en": ["dusk"]}},
        "safety.violence": {"terms": {"en": ["brawl*"], "es": []}},
        "gone": {"terms": {"en": ["x"]}},  # a theme the file no longer has is left out
    }
    book = parse_codebook(apply_term_overrides(document, overrides, "+v3"))
    assert book.version == f"{document['version']}+v3"
    safety = book.by_key["safety"]
    assert [(t.source, t.weak) for t in safety.terms] == [("vigilante*", False), ("dusk", True), ("vigilante*", False)]
    assert safety.exclusions  # fields not overridden stay the file's
    assert [t.source for t in book.by_key["safety.violence"].terms] == ["brawl*"]
    assert read_codebook_document(DEFAULT) == document  # the file's data is not touched


def test_the_written_file_loads_back_as_the_same_codebook(tmp_path):
    document = apply_term_overrides(
        read_codebook_document(DEFAULT), {"stigma": {"terms": {"en": ["señalados", "junkie*"], "es": ["ñero*"]}}}, "+v1"
    )
    path = tmp_path / "codebook.yaml"
    path.write_text(dump_codebook(document), encoding="utf-8")
    loaded, expected = load_codebook(path), parse_codebook(document)
    assert loaded == expected
    assert "ñero*" in path.read_text(encoding="utf-8")  # written as text, not escaped
    assert load_codebook(DEFAULT).by_key.keys() == loaded.by_key.keys()


def test_changes_are_counted_per_field_and_language():
    before = theme_terms(read_codebook_document(DEFAULT), "safety")
    after = {name: {lang: list(terms) for lang, terms in by.items()} for name, by in before.items()}
    after["terms"]["en"] = [*after["terms"]["en"][1:], "vigilante*", "dusk"]
    added, removed = count_changes(before, after)
    assert added == ["terms.en: vigilante*", "terms.en: dusk"]
    assert removed == [f"terms.en: {before['terms']['en'][0]}"]
