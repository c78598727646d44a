"""sum() and count() over a repeat: what the server works out, and where an XLSForm may use them."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from survey.questionnaire import DefinitionError, parse_definition
from survey.questionnaire.logic import MAX_MADE
from survey.questionnaire.validate import instances_key, validate_answers, validate_instances
from survey.questionnaire.xlsform.reading import read_xlsform
from survey.questionnaire.xlsform.refusals import XLSFormError

TODAY = date(2026, 11, 30)
# Forms, what was typed and what sum() and count() give: the browser is held to it too
# (tests/browser/test_repeat_aggregates.py). A key name.2 is the answer in the second instance.
REPEAT_CASES = json.loads((Path(__file__).resolve().parents[1] / "data" / "repeat_logic_cases.json").read_text())

# Rows 2 onwards of the survey sheet (row 1 is the header).
SURVEY = [
    {"type": "integer", "name": "household", "label": "How many live here?"},  # row 2
    {"type": "begin_repeat", "name": "child", "label": "Child"},  # row 3
    {"type": "text", "name": "child_name", "label": "Name"},  # row 4
    {"type": "integer", "name": "child_age", "label": "Age"},  # row 5
    {"type": "calculate", "name": "child_double", "calculation": "${child_age} * 2"},  # row 6
    {"type": "end_repeat", "name": "child"},  # row 7
    {"type": "calculate", "name": "total", "calculation": "sum(${child_age})"},  # row 8
    {
        "type": "note",
        "name": "many",
        "label": "Together ${total} years",
        "relevant": "count(${child_name}) > 2",
    },  # row 9
    {"type": "integer", "name": "check", "label": "How many children?", "constraint": ". = count(${child})"},  # row 10
]
NESTED = [
    {"type": "begin_repeat", "name": "woman", "label": "Woman"},  # row 2
    {"type": "text", "name": "woman_name", "label": "Name"},  # row 3
    {"type": "calculate", "name": "her_children", "calculation": "count(${child_age})"},  # row 4
    {"type": "begin_repeat", "name": "child", "label": "Child"},  # row 5
    {"type": "integer", "name": "child_age", "label": "Age"},  # row 6
    {"type": "end_repeat", "name": "child"},  # row 7
    {"type": "end_repeat", "name": "woman"},  # row 8
    {"type": "begin_repeat", "name": "visit", "label": "Visit"},  # row 9
    {"type": "integer", "name": "visit_day", "label": "Day"},  # row 10
    {"type": "end_repeat", "name": "visit"},  # row 11
    {"type": "calculate", "name": "women", "calculation": "count(${woman})"},  # row 12
]


def write(path: Path, survey: list[dict[str, str]]) -> Path:
    """An XLSForm workbook with this survey sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    columns = list(dict.fromkeys(key for row in survey for key in row))
    sheet.append(columns)
    for row in survey:
        sheet.append([row.get(column) for column in columns])
    workbook.create_sheet("settings").append(["form_id"])
    workbook["settings"].append(["children"])
    workbook.save(path)
    return path


def changed(rows: list[dict[str, str]], name: str, **columns: str) -> list[dict[str, str]]:
    """The rows with one row's columns changed (the first row of that name)."""
    rows = copy.deepcopy(rows)
    next(row for row in rows if row.get("name") == name).update(columns)
    return rows


def test_a_form_that_sums_and_counts_a_repeat_from_outside_imports(tmp_path):
    read_xlsform(write(tmp_path / "children.xlsx", SURVEY))
    read_xlsform(write(tmp_path / "families.xlsx", NESTED))


@pytest.mark.parametrize(
    ("survey", "where", "detail"),
    [
        (
            changed(SURVEY, "child_double", calculation="sum(${child_age})"),
            "survey sheet, row 6, column calculation",
            "sum(${child_age}) cannot be used inside the repeat child it reads; use it outside that repeat",
        ),
        (
            changed(SURVEY, "household", relevant="count(${check}) > 1"),
            "survey sheet, row 2, column relevant",
            "count(${check}): check is not inside a repeat; count() reads a repeat's instances",
        ),
        (
            changed(SURVEY, "household", relevant="count-non-empty(${check}) > 1"),
            "survey sheet, row 2, column relevant",
            "count-non-empty(${check}): check is not inside a repeat; count-non-empty() reads a repeat's instances",
        ),
        (
            changed(SURVEY, "child_double", calculation="count-non-empty(${child_name})"),
            "survey sheet, row 6, column calculation",
            "count-non-empty(${child_name}) cannot be used inside the repeat child it reads",
        ),
        (
            changed(SURVEY, "total", calculation="sum(${child_double})"),
            "survey sheet, row 8, column calculation",
            "sum(${child_double}): child_double is not typed by the resident; sum() adds up only typed answers",
        ),
        (
            changed(SURVEY, "total", calculation="sum(${child})"),
            "survey sheet, row 8, column calculation",
            "sum(${child}): child is a repeat; sum() adds up a question inside it",
        ),
        (
            changed(SURVEY, "check", required="count(${child}) > 0"),
            "survey sheet, row 10, column required",
            "count() cannot be used in required: Voces does not read a repeat's instances there",
        ),
        (
            changed(NESTED, "visit", relevant="count(${woman}) > 0"),
            "survey sheet, row 9, column relevant",
            "count() cannot be used in relevant: Voces does not read a repeat's instances there",
        ),
        (
            changed(NESTED, "women", calculation="sum(${child_age})"),
            "survey sheet, row 12, column calculation",
            "sum(${child_age}) reads child, a repeat inside woman: use it in woman, "
            "where it reads the instances of each woman",
        ),
        (
            changed(NESTED, "visit_day", constraint=". <= count(${woman})"),
            "survey sheet, row 10, column constraint",
            "count(${woman}) can be used only outside every repeat, where all the instances of woman are known",
        ),
        (
            changed(NESTED, "child_age", constraint=". < sum(${child_age})"),
            "survey sheet, row 6, column constraint",
            "sum(${child_age}) cannot be used inside the repeat child it reads",
        ),
    ],
)
def test_an_aggregate_voces_cannot_honour_is_refused_naming_sheet_row_and_column(tmp_path, survey, where, detail):
    with pytest.raises(XLSFormError) as refused:
        read_xlsform(write(tmp_path / "children.xlsx", survey))
    assert str(refused.value).startswith(f"{where}: ")
    assert detail in str(refused.value)


def test_an_aggregate_in_a_repeat_count_is_refused():
    day = {"name": "day", "type": "integer", "label": "Day"}
    age = {"name": "age", "type": "integer", "label": "Age"}
    form = {
        "form_id": "children",
        "title": "Children",
        "questions": [
            {"name": "visit", "type": "repeat", "label": "Visit", "questions": [day]},
            {
                "name": "child",
                "type": "repeat",
                "label": "Child",
                "repeat_count": "count(${visit})",
                "questions": [age],
            },
        ],
    }
    with pytest.raises(DefinitionError) as refused:
        parse_definition(form)
    assert refused.value.column == "repeat_count" and refused.value.question == "child"
    assert (
        str(refused.value) == "count() cannot be used in repeat_count: Voces does not read a repeat's instances there"
    )


def definition_of(tmp_path: Path, survey: list[dict[str, str]]):  # noqa: ANN201
    """The form as Voces keeps it, read from its workbook."""
    return parse_definition(read_xlsform(write(tmp_path / "form.xlsx", survey)).definition)


def test_the_server_sums_and_counts_what_was_typed_in_the_instances(tmp_path):
    definition = definition_of(tmp_path, SURVEY)
    typed = {"child": [{"child_name": "Ana", "child_age": 4}, {"child_name": "Leo", "child_age": 9}]}
    answers, errors = validate_answers(definition, {"check": "2"}, "en", today=TODAY, typed=typed)
    assert errors == {} and answers["total"] == "13"
    assert "many" not in answers  # two children: the note's count(${child_name}) > 2 does not hold
    _answers, errors = validate_answers(definition, {"check": "3"}, "en", today=TODAY, typed=typed)
    assert set(errors) == {"check"}  # its constraint: . = count(${child})


def test_the_server_counts_the_instances_where_a_question_is_answered(tmp_path):
    definition = definition_of(tmp_path, changed(SURVEY, "total", calculation="count-non-empty(${child_name})"))
    typed = {"child": [{"child_name": "Ana", "child_age": 4}, {"child_name": "", "child_age": 9}, {"child_age": 1}]}
    answers, errors = validate_answers(definition, {"check": "3"}, "en", today=TODAY, typed=typed)
    assert errors == {} and answers["total"] == "1"


def test_an_unanswered_age_makes_the_sum_nan_and_no_instance_makes_it_zero(tmp_path):
    definition = definition_of(tmp_path, SURVEY)
    typed = {"child": [{"child_name": "Ana", "child_age": 4}, {"child_name": "Leo"}]}
    assert validate_answers(definition, {}, "en", today=TODAY, typed=typed)[0]["total"] == "NaN"
    assert validate_answers(definition, {}, "en", today=TODAY, typed={"child": []})[0]["total"] == "0"
    assert validate_answers(definition, {}, "en", today=TODAY)[0]["total"] == "0"


def test_a_nested_repeat_is_counted_in_each_instance_of_the_repeat_around_it(tmp_path):
    definition = definition_of(tmp_path, NESTED)
    typed = {
        "woman": [{"woman_name": "Ana"}, {"woman_name": "Eva"}, {"woman_name": "Mia"}],
        "child.1": [{"child_age": 3}, {"child_age": 5}],
        "child.2": [{"child_age": 7}],
    }
    kept, errors = validate_instances(definition, {}, typed, "en", today=TODAY)
    assert errors == {}
    assert [w["her_children"] for w in kept["woman"]] == ["2", "1", "0"]
    answers, _errors = validate_answers(definition, {}, "en", today=TODAY, typed=typed)
    assert answers["women"] == "3"


def worked_out(case: dict) -> dict[str, str]:
    """What the server keeps for a case of the shared table, by the case's expected names ('' when not kept)."""
    definition = parse_definition(REPEAT_CASES["forms"][case["form"]])
    typed = case["instances"]
    answers, errors = validate_answers(definition, case["answers"], "en", today=TODAY, typed=typed)
    kept, wrong = validate_instances(definition, case["answers"], typed, "en", today=TODAY)
    assert errors == {} and wrong == {}
    found = {}
    for key in case["expected"]:
        name, _mark, path = key.partition(".")
        if not path:
            found[key] = str(answers.get(name, ""))
            continue
        repeat = next(q.repeat for q in definition.every_question if q.name == name)
        parent, _mark, number = path.rpartition(".")
        found[key] = str(kept[instances_key(repeat, parent)][int(number) - 1].get(name, ""))
    return found


@pytest.mark.parametrize("case", REPEAT_CASES["cases"], ids=[case["about"][:60] for case in REPEAT_CASES["cases"]])
def test_the_server_gives_what_the_shared_table_of_repeat_cases_says(case):
    assert worked_out(case) == case["expected"]


def test_an_answer_that_no_longer_applies_in_an_instance_is_read_as_empty_and_not_kept():
    definition = parse_definition(REPEAT_CASES["forms"]["earners"])
    typed = {"member": [{"works": "yes", "income": "100"}, {"works": "no", "income": "50"}]}
    kept, _errors = validate_instances(definition, {}, typed, "en", today=TODAY)
    assert [member.get("income") for member in kept["member"]] == ["100", None]
    answers, _errors = validate_answers(definition, {}, "en", today=TODAY, typed=typed)
    assert answers["total_income"] == "NaN"  # not 150: the 50 typed before Luis said he does not work


def test_the_form_reads_as_many_instances_as_are_kept_under_the_same_limit():
    counted = {
        "form_id": "counted",
        "title": "Counted",
        "questions": [
            {"name": "size", "type": "integer", "label": "How many?"},
            {
                "name": "child",
                "type": "repeat",
                "repeat_count": "${size}",
                "questions": [{"name": "child_age", "type": "integer", "label": "Age"}],
            },
            {"name": "total", "type": "calculate", "calculation": "sum(${child_age})"},
        ],
    }
    definition = parse_definition(counted)
    typed = {"child": [{"child_age": "1"}] * 60}
    sent = validate_answers(definition, {"size": "60"}, "en", today=TODAY, typed=typed, count_limit=MAX_MADE)
    assert sent[0]["total"] == "60"  # a tablet's sixty, all kept by validate_instances under the same limit
    assert validate_answers(definition, {"size": "60"}, "en", today=TODAY, typed=typed)[0]["total"] == "50"


@pytest.mark.parametrize("member_id", ["once(uuid())", "concat('m-', uuid())"])
def test_a_calculation_new_each_time_costs_no_more_rounds_than_a_steady_one(monkeypatch, member_id):
    """Settling stops when two rounds agree; a member's uuid() or now() would never let them."""
    import survey.questionnaire.instances as instances

    def roster(calculation: str) -> dict[str, object]:
        member = {"name": "member", "type": "repeat", "label": "Member", "questions": []}
        member["questions"] = [
            {"name": "age", "type": "integer", "label": "Age"},
            {"name": "member_id", "type": "calculate", "calculation": calculation},
        ]
        total = {"name": "total", "type": "calculate", "calculation": "sum(${age})"}
        return {"form_id": "roster", "title": "Roster", "questions": [member, total]}

    calls = []
    resolve = instances.resolve_instance
    monkeypatch.setattr(instances, "resolve_instance", lambda *a, **k: calls.append(1) or resolve(*a, **k))
    typed = {"member": [{"age": "40"}, {"age": "9"}]}

    def rounds(calculation: str) -> int:
        calls.clear()
        answers, _errors = validate_answers(parse_definition(roster(calculation)), {}, "en", today=TODAY, typed=typed)
        assert answers["total"] == "49"
        return len(calls)

    assert rounds(member_id) <= rounds("'steady'")
