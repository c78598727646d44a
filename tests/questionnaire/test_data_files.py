"""A definition's data files (as YAML gives them): the rows pulldata() and instance() read, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from survey.questionnaire import parse_definition
from survey.questionnaire.logic import resolve_form
from survey.questionnaire.rules import DefinitionError, choice_filter_expression
from survey.questionnaire.validate import validate_instances


def definition(calculation: str, data: Any = None) -> dict[str, Any]:
    return {
        "form_id": "lookups",
        "title": "Lookups",
        "default_language": "es",
        "choices": {"villages": [{"name": "lp", "label": {"es": "La Paz", "en": "Peace"}, "river": "mira"}]},
        "questions": [
            {"name": "hh", "type": "text", "label": "Hogar"},
            {"name": "village", "type": "select_one", "choices": "villages", "label": "Vereda"},
            {"name": "looked_up", "type": "calculate", "calculation": calculation},
        ],
        **({"data": data} if data is not None else {}),
    }


def test_a_file_and_a_choice_list_are_read_by_name_the_list_in_the_language_asked():
    households = [{"id": "7", "head": "Rosa", "size": 3}]
    parsed = parse_definition(definition("pulldata('households', 'head', 'id', ${hh})", {"households": households}))
    assert parsed.data_files == {"households": ({"id": "7", "head": "Rosa", "size": "3"},)}
    assert parsed.tables("en")["villages"] == ({"name": "lp", "label": "Peace", "river": "mira"},)
    assert parsed.tables("es")["villages"][0]["label"] == "La Paz"
    assert resolve_form(parsed, {"hh": "7"}).values["looked_up"] == "Rosa"
    label = parse_definition(definition("instance('villages')/root/item[name = ${village}]/label"))
    assert resolve_form(label, {"village": "lp"}, language="en").values["looked_up"] == "Peace"
    assert resolve_form(label, {"village": "lp"}).values["looked_up"] == "La Paz"


@pytest.mark.parametrize(
    ("calculation", "data", "message"),
    [
        ("pulldata('households', 'head', 'id', ${hh})", None, "no choice list or file sent with the form is named"),
        ("if(${hh} = '', '', instance('towns')/root/item[1]/name)", None, "named 'towns'"),  # read or not
        ("${hh}", ["households.csv"], "data must map file names to lists of rows"),
        ("${hh}", {"house holds": []}, "must be a file name (without .csv) with a list of rows"),
        ("${hh}", {"households": ["7,Rosa"]}, "each row must map columns to values"),
    ],
)
def test_a_file_the_definition_lacks_or_gives_wrongly_is_refused(calculation, data, message):
    with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_definition(definition(calculation, data))


def test_a_choice_filter_keeps_the_names_of_a_path_and_of_a_lookup_as_written():
    written = "river = instance('villages')/root/item[name = current()/../village]/river and name != 'x'"
    assert choice_filter_expression(written) == (
        "${choice.river} = instance('villages')/root/item[name = current()/../village]/river and ${choice.name} != 'x'"
    )


def test_a_repeat_count_and_a_repeats_relevance_read_the_forms_data_files():
    parsed = parse_definition(
        {
            "form_id": "follow-up",
            "title": "Follow-up",
            "questions": [
                {"name": "hh", "type": "text", "label": "Household"},
                {
                    "name": "members",
                    "type": "repeat",
                    "label": "Member",
                    "repeat_count": "pulldata('households', 'size', 'id', ${hh})",
                    "relevant": "pulldata('households', 'size', 'id', ${hh}) > 0",
                    "questions": [{"name": "member", "type": "text", "label": "Name"}],
                },
            ],
            "data": {"households": [{"id": "7", "size": "2"}]},
        }
    )
    typed = {"members": [{"member": "Ana"}, {"member": "Leo"}]}
    kept, errors = validate_instances(parsed, {"hh": "7"}, typed, "en")
    assert errors == {} and [i["member"] for i in kept["members"]] == ["Ana", "Leo"]
