"""Repeats in the questionnaire: read into the model, checked, and each instance validated on its own."""

from __future__ import annotations

from datetime import date

import pytest

from survey.questionnaire import DefinitionError, Repeat, parse_definition
from survey.questionnaire.validate import validate_instances
from survey.questionnaire.xlsform.reading import read_xlsform
from survey.questionnaire.xlsform.writing import write_xlsform

TODAY = date(2026, 12, 3)


def household(**repeat: object) -> dict[str, object]:
    """A form asking, for each household member, a name and an age in a group."""
    return {
        "form_id": "household",
        "title": "Household",
        "questions": [
            {"name": "size", "type": "integer", "label": "How many people?"},
            {
                "name": "member",
                "type": "repeat",
                "label": {"en": "Member", "es": "Miembro"},
                "questions": [
                    {"name": "member_name", "type": "text", "label": "Name", "required": True},
                    {
                        "name": "about",
                        "type": "group",
                        "label": "About them",
                        "relevant": "position(..) > 1",
                        "questions": [{"name": "member_age", "type": "integer", "label": "Age"}],
                    },
                ],
                **repeat,
            },
        ],
    }


def test_a_repeat_keeps_its_questions_groups_count_and_labels():
    definition = parse_definition(household(repeat_count="${size}"))
    repeat = definition.repeats["member"]
    assert (
        isinstance(repeat, Repeat) and repeat.count == "${size}" and repeat.label == {"en": "Member", "es": "Miembro"}
    )
    assert [q.name for q in repeat.questions] == ["member_name", "member_age"]
    assert [q.name for q in definition.questions] == ["size"]  # asked once
    assert {q.repeat for q in repeat.questions} == {"member"} and repeat.group_names == {"about"}
    assert "es" in definition.languages


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"repeat_count": "${nobody}"}, "repeat_count '${nobody}': unknown question 'nobody'"),
        ({"questions": []}, "repeat member has no questions"),
        (
            {"questions": [{"name": "story", "type": "text", "label": "Story", "testimony": True}]},
            "cannot be inside a repeat",
        ),
    ],
)
def test_what_a_repeat_cannot_hold_is_refused(change, message):
    with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)").replace("$", r"\$")):
        parse_definition(household(**change))


def test_position_outside_a_repeat_is_refused():
    form = household()
    form["questions"][0]["relevant"] = "position(..) = 1"  # type: ignore[index]
    with pytest.raises(DefinitionError, match="only meaningful inside a repeat"):
        parse_definition(form)


def test_each_instance_is_checked_with_its_own_position():
    definition = parse_definition(household())
    typed = {"member": [{"member_name": "Ana", "member_age": "40"}, {"member_name": "", "member_age": "9"}]}
    kept, errors = validate_instances(definition, {}, typed, "en", today=TODAY)
    assert kept == {"member": [{"member_name": "Ana"}, {"member_age": "9"}]}  # the first has no age group
    assert set(errors) == {"member_name.2"}


def test_repeat_count_decides_how_many_instances_there_are():
    definition = parse_definition(household(repeat_count="${size}"))
    typed = {"member": [{"member_name": "Ana"}, {"member_name": "Luis"}, {"member_name": "Eva"}]}
    kept, errors = validate_instances(definition, {"size": "2"}, typed, "en", today=TODAY)
    assert [i["member_name"] for i in kept["member"]] == ["Ana", "Luis"] and not errors
    kept, errors = validate_instances(definition, {"size": "3"}, {"member": []}, "en", today=TODAY)
    assert len(kept["member"]) == 3 and set(errors) == {"member_name.1", "member_name.2", "member_name.3"}


def test_a_repeat_that_does_not_apply_has_no_instances():
    definition = parse_definition(household(relevant="${size} > 0"))
    kept, errors = validate_instances(definition, {"size": "0"}, {"member": [{"member_name": ""}]}, "en", today=TODAY)
    assert kept == {"member": []} and not errors


def test_a_repeat_goes_out_to_xlsform_and_comes_back_the_same(tmp_path):
    definition = parse_definition(household(repeat_count="${size}"))
    path = tmp_path / "household.xlsx"
    write_xlsform(definition, path)
    back = parse_definition(read_xlsform(path).definition)
    assert back.repeats == definition.repeats and back.questions == definition.questions


def families() -> dict[str, object]:
    """A form asking, for each woman, her name and, for each of her children, a name and an age."""
    child = {
        "name": "child",
        "type": "repeat",
        "label": "Child",
        "repeat_count": "${children}",
        "questions": [
            {"name": "child_name", "type": "text", "label": "Name", "required": True},
            {"name": "child_age", "type": "integer", "label": "Age", "relevant": "position(..) > 1"},
            {"name": "eldest", "type": "calculate", "calculation": "indexed-repeat(${child_name}, ${child}, 1)"},
        ],
    }
    woman = {
        "name": "woman",
        "type": "repeat",
        "label": "Woman",
        "questions": [
            {"name": "woman_name", "type": "text", "label": "Name"},
            {"name": "children", "type": "integer", "label": "How many children?"},
            {"name": "number", "type": "calculate", "calculation": "position(..)"},
            {"name": "box", "type": "group", "label": "Children", "questions": [child]},
        ],
    }
    return {
        "form_id": "families",
        "title": "Families",
        "questions": [{"name": "town", "type": "text", "label": "Town"}, woman],
    }


def test_a_repeat_inside_a_repeat_has_its_own_questions_and_knows_its_parent():
    definition = parse_definition(families())
    woman, child = definition.repeats["woman"], definition.repeats["child"]
    assert [q.name for q in woman.questions] == ["woman_name", "children", "number"]
    assert [q.name for q in child.questions] == ["child_name", "child_age", "eldest"]
    assert child.parent == "woman" and woman.parent == "" and woman.nested == (child,)
    assert definition.top_repeats == (woman,)


def test_each_nested_instance_is_counted_checked_and_kept_under_the_instance_it_is_in():
    definition = parse_definition(families())
    typed = {
        "woman": [{"woman_name": "Ana", "children": "2"}, {"woman_name": "Eva", "children": "1"}],
        "child.1": [{"child_name": "Leo", "child_age": "9"}, {"child_name": "", "child_age": "4"}],
        "child.2": [{"child_name": "Mia"}, {"child_name": "dropped: beyond the count"}],
    }
    kept, errors = validate_instances(definition, {}, typed, "en", today=TODAY)
    assert kept["woman"] == [
        {"woman_name": "Ana", "children": "2", "number": "1"},
        {"woman_name": "Eva", "children": "1", "number": "2"},
    ]
    # position(..) is the child's own number; indexed-repeat() reads the children of the same woman
    assert kept["child.1"] == [{"child_name": "Leo", "eldest": "Leo"}, {"child_age": "4", "eldest": "Leo"}]
    assert kept["child.2"] == [{"child_name": "Mia", "eldest": "Mia"}]
    assert set(errors) == {"child_name.1.2"}  # the question, then the path: woman 1, child 2


def test_a_nested_repeat_goes_out_to_xlsform_and_comes_back_the_same(tmp_path):
    definition = parse_definition(families())
    path = tmp_path / "families.xlsx"
    write_xlsform(definition, path)
    back = parse_definition(read_xlsform(path).definition)
    assert back.repeats == definition.repeats and back.questions == definition.questions
