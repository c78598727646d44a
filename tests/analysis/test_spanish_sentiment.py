"""Spanish sentiment: the lexicon's rules, the linear model, their blend, and the regions' idioms."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge

from survey.analysis.sentiment import NotScored, score_sentence
from survey.analysis.spanish_lexicon import lexicon_polarity, lexicon_sum, parse_lexicon, spanish_lexicon
from survey.analysis.spanish_model import LinearSentiment, features, lexicon_digest, spanish_model, train_linear
from survey.analysis.train_spanish import main as train_main
from survey.analysis.train_spanish import split_three


@pytest.mark.parametrize(
    "text",
    [
        "Ya no hay balaceras.",  # no more shootings
        "Mi hijo está limpio hace ocho meses.",  # clean, sober
        "Me siento seguro en el barrio.",
        "Dejaron de matar gente en la vereda.",
        "Por fin abrieron el centro de salud y la atención es muy buena.",
    ],
)
def test_good_news_of_the_regions_is_positive(text):
    assert score_sentence(text, "es").polarity > 0.1


@pytest.mark.parametrize(
    "text",
    [
        "Mi hermano recayó.",  # relapsed
        "Da miedo salir de noche.",
        "No me siento seguro en el barrio.",
        "Nadie nos ayuda.",
        "Mataron a otro muchacho anoche.",
        "Esa calle está bien fea.",  # "bien" as a degree word, not praise
    ],
)
def test_bad_news_of_the_regions_is_negative(text):
    assert score_sentence(text, "es").polarity < -0.1


def test_negation_turns_a_word_of_feeling():
    assert lexicon_polarity("El centro de salud es bueno.") > 0
    assert lexicon_polarity("El centro de salud no es bueno.") < 0
    assert lexicon_polarity("Salimos sin miedo.") > 0
    assert lexicon_polarity("Salimos con miedo.") < 0


def test_negation_reaches_past_articles_and_prepositions_only_so_far():
    assert lexicon_polarity("Ya no anda en el vicio.") > 0
    assert lexicon_polarity("No sé por qué hoy llegaron los ladrones a la casa.") < 0  # too far to be negated


def test_degree_words_raise_and_lower():
    good, _ = lexicon_sum("bueno")
    assert lexicon_sum("muy bueno")[0] > good > lexicon_sum("poco bueno")[0] > 0
    assert lexicon_sum("re malo")[0] < lexicon_sum("malo")[0] < 0


def test_what_follows_pero_weighs_more():
    assert lexicon_polarity("La clínica es buena pero el servicio es malo.") < 0
    assert lexicon_polarity("El servicio es malo pero la clínica es buena.") > 0


def test_phrases_are_read_as_one():
    assert lexicon_polarity("Vale la pena.") > 0  # "pena" alone is sorrow
    assert lexicon_polarity("Qué pena.") < 0


def test_lexicon_file_format():
    lexicon = parse_lexicon("# comment\nbueno\t2\nviolen*\t-3\nviol*\t-1\nvale la pena\t1.5\nNIÑO\t0.5\n")
    assert lexicon.valence("bueno") == 2
    assert lexicon.valence("violencia") == -3  # the longest listed beginning
    assert lexicon.valence("violeta") == -1
    assert lexicon.valence("nino") == 0.5  # folded
    assert lexicon.valence("casa") is None
    assert lexicon.phrases == {("vale", "la", "pena"): 1.5}


def test_shipped_lexicon_is_folded_and_on_vaders_scale():
    lexicon = spanish_lexicon()
    values = [*lexicon.words.values(), *lexicon.prefixes.values(), *lexicon.phrases.values()]
    assert len(values) > 300 and all(-4 <= v <= 4 for v in values)
    assert lexicon.valence("balaceras") < 0 and lexicon.valence("tranquilidad") > 0


def test_the_model_predicts_as_scikit_learn_would():
    texts = ["muy bonito el parque", "el parque feo", "bonito día", "feo día y frío", "el día", "parque bonito"] * 2
    targets = [1.0, -1.0, 1.0, -1.0, 0.0, 1.0] * 2
    model = train_linear(texts, targets, alpha=1.0)
    vectorizer = TfidfVectorizer(analyzer=features, binary=True, min_df=2)
    reference = Ridge(alpha=1.0).fit(vectorizer.fit_transform(texts), targets)
    for text in ["un parque bonito", "feo", "nada que ver"]:
        expected = reference.predict(vectorizer.transform([text]))[0]
        assert model.score(text)[0] == pytest.approx(expected, abs=1e-9)
    assert model.score("un parque bonito")[0] > model.score("el parque feo")[0]


def test_a_model_reads_back_as_written():
    model = train_linear(["bonito parque", "feo parque", "bonito día", "feo día"] * 2, [1, -1, 1, -1] * 2)
    again = LinearSentiment.loads(model.dumps())
    assert again.score("bonito día")[0] == pytest.approx(model.score("bonito día")[0], abs=1e-4)
    assert again.about["lexicon"] == lexicon_digest()


def test_the_model_leaves_the_lexicons_words_to_the_lexicon():
    assert "miedo" not in features("da miedo salir") and "salir" in features("da miedo salir")
    assert "ya no" in features("ya no hay")


def test_shipped_model_was_trained_with_the_shipped_lexicon():
    # Editing the lexicon changes which words the model reads: retrain with survey.analysis.train_spanish.
    assert spanish_model().about["lexicon"] == lexicon_digest()


def test_text_with_no_word_the_method_knows_is_not_scored_with_a_reason():
    result = score_sentence("Ajá.", "es")
    assert result.polarity is None and result.reason is not None
    assert result.reason.kind is NotScored.UNREADABLE


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_polarity_in_range_or_a_reason(text):
    result = score_sentence(text, "es")
    assert (result.polarity is not None and -1 <= result.polarity <= 1) or result.reason is not None


def test_split_is_fixed_and_disjoint():
    rows = list(range(100))
    train, dev, test = split_three(rows)
    assert (len(train), len(dev), len(test)) == (80, 10, 10)
    assert sorted(train + dev + test) == rows and split_three(rows) == (train, dev, test)


def test_training_script_writes_a_model_that_loads(tmp_path, capsys):
    data = tmp_path / "labelled.jsonl"
    rows = [("un día azul", 1.0), ("un día gris", -1.0), ("parque azul", 1.0), ("parque gris", -1.0)] * 10
    data.write_text("\n".join(json.dumps({"text": t, "sentiment": s, "language": "es"}) for t, s in rows) + "\n")
    out = tmp_path / "model.json.gz"
    train_main([str(data), "--out", str(out), "--source", "test rows"])
    model = LinearSentiment.loads(out.read_bytes())
    assert model.about["source"] == "test rows" and model.about["texts"] == 32
    assert model.score("azul")[0] > model.score("gris")[0]
    assert "development r" in capsys.readouterr().out


def test_training_script_adds_the_extra_spanish_texts_weighted(tmp_path):
    data, extra = tmp_path / "labelled.jsonl", tmp_path / "testimonies.jsonl"
    rows = [("un día azul", 1.0), ("un día gris", -1.0)] * 10
    data.write_text("\n".join(json.dumps({"text": t, "sentiment": s, "language": "es"}) for t, s in rows) + "\n")
    own = [("la vereda verde", 1.0, "es"), ("the green path", 1.0, "en"), ("la vereda", None, "es")]
    extra.write_text("\n".join(json.dumps({"text": t, "sentiment": s, "language": lang}) for t, s, lang in own))
    out = tmp_path / "model.json.gz"
    train_main([str(data), "--extra", str(extra), "--extra-weight", "3", "--out", str(out)])
    model = LinearSentiment.loads(out.read_bytes())
    assert model.about["texts"] == 16 + 3 and model.about["extra"] == "testimonies.jsonl"
    assert "vereda verde" in model.idf and "green" not in model.idf  # Spanish rated rows only
