"""Loading and checking the codebook."""

from __future__ import annotations

import pytest

from survey.analysis.codebook import CodebookError, load_codebook, parse_codebook
from tests import ROOT

DEFAULT = ROOT / "config" / "codebook.yaml"


def test_default_codebook_has_the_product_themes_in_both_languages():
    codebook = load_codebook(DEFAULT)
    keys = {t.key for t in codebook.top_level}
    assert keys == {"safety", "recovery", "services", "trust", "livelihoods", "prevention", "harm_reduction", "stigma"}
    for theme in codebook.top_level:
        assert theme.label["en"] and theme.label["es"]
        assert theme.description["en"] and theme.description["es"]
    assert codebook.label("safety", "es") == "Seguridad"


def _theme(**overrides):
    body = {
        "label": {"en": "Safety", "es": "Seguridad"},
        "description": {"en": "d", "es": "d"},
        "terms": {"en": ["crime"]},
    }
    body.update(overrides)
    return {"version": "1", "themes": {"safety": body}}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_theme(terms=None), "theme 'safety': field terms"),
        (_theme(terms={"en": "crime"}), "theme 'safety': field terms.en must be a list"),
        (_theme(label="Safety"), "theme 'safety': field label"),
        (_theme(exclusions={"en": [""]}), "theme 'safety': field exclusions.en"),
        (
            _theme(subthemes={"gangs": {"label": {"en": "Gangs"}, "terms": {}}}),
            "theme 'safety', sub-theme 'gangs': field terms",
        ),
        ({"themes": {}}, "field version"),
        ({"version": "1", "themes": []}, "field themes"),
        ([], "mapping"),
    ],
)
def test_malformed_codebook_names_the_theme_and_field(document, message):
    with pytest.raises(CodebookError, match=message.replace("(", r"\(")):
        parse_codebook(document)


def test_subthemes_get_dotted_keys():
    codebook = parse_codebook(_theme(subthemes={"gangs": {"label": {"en": "Gangs"}, "terms": {"en": ["gang"]}}}))
    assert codebook.by_key["safety.gangs"].parent == "safety"


def test_invalid_yaml_is_a_codebook_error(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(path)
