"""Reading a search box as websearch_to_tsquery does, and finding its words in a text."""

from survey.analysis.search_terms import SearchTerms, match_spans, parse_search


def test_words_phrases_and_minus_words():
    assert parse_search('Balaceras "la clínica" -noche or  -') == SearchTerms(("balaceras", "la clínica"), ("noche",))


def test_matches_are_whole_words_in_any_case_and_merged():
    text = "Balaceras y más balaceras; la Clínica cerró. Clinicas no."
    spans = match_spans(text, parse_search('balaceras "la clínica"'))
    assert [text[s:e] for s, e in spans] == ["Balaceras", "balaceras", "la Clínica"]


def test_nothing_to_find_marks_nothing():
    assert match_spans("anything", parse_search("-anything")) == []
