"""Exports: one row per response, tags with evidence, the small-group rule and consent for publication."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from survey.models import Answer, Role
from survey.services.devices import register_device
from survey.services.explore import ExploreFilters
from survey.services.export_files import csv_lines, write_xlsx
from survey.services.exports import ExportWithheld, prepare_export, response_rows, tag_rows


def _export(version, publication=False, **filters):
    return prepare_export(version.survey, ExploreFilters(**filters), publication=publication, min_group=5)


def _read(lines):
    return list(csv.DictReader(io.StringIO("".join(lines))))


@pytest.fixture
def respond(make_response, db):
    def build(story, month=3, **answers):
        response = make_response(change_story=story, what_would_help="", **answers)
        response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
        db.session.commit()
        return response

    return build


def test_one_row_per_response_with_every_answer_and_redacted_testimonies(respond, example_survey, db):
    for n in range(5):
        respond(f"Shootings at night. Call me on 555-123-4567, street {n}.", site="tumaco", safe_at_night="1")
    rows = _read(csv_lines(response_rows(_export(example_survey), batch=2)))  # batches of 2: three reads
    assert len(rows) == 5
    row = rows[0]
    assert (
        row["_site"] == "Tumaco"
        and row["site"] == "tumaco"
        and row["_region"] == "Nariño"
        and row["_month"] == "2026-03"
    )
    assert row["safe_at_night"] == "1" and row["age_band"] == "25-39" and row["_consent_scope"] == "quote"
    assert row["_survey_version"] == example_survey.version and row["_channel"] == "web"
    assert "555-123-4567" not in row["change_story"] and row["change_story"].startswith("Shootings at night.")
    assert row["change_story_themes"].split()[0] == "safety"
    assert float(row["change_story_sentiment"]) <= 0
    assert "555-123-4567" not in "".join(csv_lines(tag_rows(_export(example_survey))))


def test_tags_carry_their_evidence(respond, example_survey):
    for n in range(5):
        respond(f"Shootings at night again, street {n}.")
    tags = _read(csv_lines(tag_rows(_export(example_survey))))
    safety = [t for t in tags if t["theme"] == "safety"]
    assert len(safety) == 5 and all(t["evidence"].lower().startswith("shootings") for t in safety)
    assert {t["source"] for t in safety} == {"machine"} and all(t["consent_scope"] == "quote" for t in safety)


def test_internal_only_words_stay_out_of_a_publication(respond, example_survey):
    for n in range(3):
        respond(f"Shootings near the school {n}.", consent="internal")
    for n in range(3):
        respond(f"Shootings near the river {n}.", consent="quote")
    published = _read(csv_lines(response_rows(_export(example_survey, publication=True))))
    internal = [r for r in published if r["_consent_scope"] == "internal"]
    assert len(published) == 6 and len(internal) == 3
    assert all(r["change_story"] == "" and "safety" in r["change_story_themes"].split() for r in internal)
    tags = _read(csv_lines(tag_rows(_export(example_survey, publication=True))))
    assert all(t["evidence"] == "" for t in tags if t["consent_scope"] == "internal")
    everything = _read(csv_lines(response_rows(_export(example_survey))))
    assert sum("school" in r["change_story"] for r in everything) == 3


def test_exports_obey_the_small_group_rule(respond, example_survey, db):
    for n in range(5):
        respond(f"Tumaco {n}.", site="tumaco")
    for n in range(3):
        respond(f"Chilapa {n}.", site="chilapa")
    rows = _read(csv_lines(response_rows(_export(example_survey))))
    assert sorted(r["change_story"] for r in rows) == [f"Tumaco {n}." for n in range(5)]
    with pytest.raises(ExportWithheld):
        _export(example_survey, search="Tumaco -0 -1")
    with pytest.raises(ExportWithheld):
        _export(example_survey, month_from="2026-04")


def test_filters_choose_the_responses(respond, example_survey):
    for n in range(5):
        respond(f"The clinic closed, ward {n}.", safe_at_night="1")
    for n in range(5):
        respond(f"Shootings at night, street {n}.", safe_at_night="5")
    rows = _read(csv_lines(response_rows(_export(example_survey, theme="safety"))))
    assert sorted(r["safe_at_night"] for r in rows) == ["5"] * 5
    rows = _read(csv_lines(response_rows(_export(example_survey, answer=("safe_at_night", "1")))))
    assert all(r["change_story"].startswith("The clinic closed") for r in rows) and len(rows) == 5


def test_a_workbook_holds_both_tables_and_no_formula(respond, example_survey):
    for n in range(5):
        respond(f'=HYPERLINK("http://x") shootings at night {n}.')
    target = io.BytesIO()
    write_xlsx(_export(example_survey), target)
    book = load_workbook(io.BytesIO(target.getvalue()), read_only=True)
    assert book.sheetnames == ["responses", "tags"]
    responses = list(book["responses"].iter_rows(values_only=True))
    header = responses[0]
    assert len(responses) == 6 and "change_story" in header and "_consent_scope" in header
    story = responses[1][header.index("change_story")]
    assert story.startswith("=HYPERLINK")
    cell = next(book["responses"].iter_rows(min_row=2, max_row=2))[header.index("change_story")]
    assert cell.data_type == "s"
    assert len(list(book["tags"].iter_rows(values_only=True))) > 1
    lines = "".join(csv_lines(response_rows(_export(example_survey))))
    assert "'=HYPERLINK" in lines


def test_free_text_answers_leave_redacted_and_personal_answers_not_at_all(respond, example_survey, db):
    data = dict(example_survey.definition)
    named = {"name": "first_name", "type": "text", "personal": True, "label": {"en": "Your name"}}
    notes = {"name": "other_notes", "type": "text", "label": {"en": "Anything else?"}}
    data["questions"] = [*data["questions"], named, notes]
    example_survey.definition = data
    for n in range(5):
        response = respond(f"Shootings at night {n}.")
        db.session.add(Answer(response_id=response.id, question="first_name", value_text="Marisol"))
        db.session.add(
            Answer(response_id=response.id, question="other_notes", value_text="Marisol, call 555-123-4567.")
        )
    db.session.commit()
    lines = "".join(csv_lines(response_rows(_export(example_survey))))
    rows = _read([lines])
    assert "first_name" not in rows[0] and rows[0]["other_notes"]
    assert "Marisol" not in lines and "555-123-4567" not in lines


@pytest.fixture
def collected(respond, make_user, db):
    """Five responses a field worker collected on a tablet, each begun twelve minutes before it was sent."""
    worker = make_user(Role.FIELD_WORKER, "ana@voces.example")
    tablet, _token = register_device(worker, "Tablet 3")
    for n in range(5):
        response = respond(f"Shootings at night {n}.")
        response.started_at = response.submitted_at - timedelta(minutes=12, seconds=n)
        response.interviewer_id, response.device_id = worker.id, tablet.id
    db.session.commit()


def test_a_team_export_says_when_each_interview_began_how_long_it_took_and_who_collected_it(
    collected, respond, example_survey
):
    respond("Sent from the web form.")  # begun at no known time: no length either
    rows = _read(csv_lines(response_rows(_export(example_survey))))
    timed = [r for r in rows if r["_started_at"]]
    assert len(rows) == 6 and len(timed) == 5
    assert sorted(r["_duration"] for r in timed) == [str(12 * 60 + n) for n in range(5)]
    assert {r["_started_at"][:10] for r in timed} == {"2026-03-15"}
    assert {(r["_username"], r["_device"]) for r in timed} == {("ana@voces.example", "Tablet 3")}
    [web] = [r for r in rows if not r["_started_at"]]
    assert web["_duration"] == web["_username"] == web["_device"] == ""


def test_a_publication_says_how_long_interviews_took_but_not_who_collected_them_nor_where_from(
    collected, example_survey
):
    lines = "".join(csv_lines(response_rows(_export(example_survey, publication=True))))
    rows = _read([lines])
    assert len(rows) == 5 and all(r["_started_at"] and r["_duration"] for r in rows)
    assert "_username" not in rows[0] and "_device" not in rows[0]
    assert "ana@voces.example" not in lines and "Tablet 3" not in lines


def test_a_clock_that_ran_backwards_gives_no_length(respond, example_survey, db):
    for n in range(5):
        response = respond(f"Shootings at night {n}.")
        response.started_at = response.submitted_at + timedelta(minutes=1)
    db.session.commit()
    rows = _read(csv_lines(response_rows(_export(example_survey))))
    assert len(rows) == 5 and all(r["_started_at"] and r["_duration"] == "" for r in rows)
