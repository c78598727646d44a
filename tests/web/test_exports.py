"""Exports over HTTP: streamed under the list's filters, read back, audited, refused for a small group."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import AuditEvent, Role

URL = "/evaluate/community-safety"


def test_csv_follows_the_filters_and_is_audited(client, make_user, login, make_response, db):
    for n in range(5):
        make_response(change_story=f"Shootings at night, street {n}.", what_would_help="", safe_at_night="5")
    for n in range(5):
        make_response(change_story=f"The clinic closed, ward {n}.", what_would_help="", safe_at_night="1")
    evaluator = login(make_user(Role.EVALUATOR))
    answer = evaluator.get(f"{URL}/export.csv?theme=safety")
    assert answer.status_code == 200 and answer.mimetype == "text/csv" and answer.is_streamed
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert sorted(r["change_story"] for r in rows) == [f"Shootings at night, street {n}." for n in range(5)]
    tags = list(
        csv.DictReader(io.StringIO(evaluator.get(f"{URL}/export.csv?theme=safety&table=tags").get_data(as_text=True)))
    )
    assert {t["theme"] for t in tags} >= {"safety"}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [e.detail["format"] for e in events] == ["csv", "csv-tags"]
    assert events[0].detail["filters"] == {"theme": "safety"} and events[0].target_id == "community-safety"


def test_xlsx_for_publication_leaves_internal_words_out(client, make_user, login, make_response):
    for n in range(5):
        make_response(change_story=f"Secret words {n}.", what_would_help="", consent="internal")
    for n in range(5):
        make_response(change_story=f"Public words {n}.", what_would_help="", consent="quote")
    evaluator = login(make_user(Role.EVALUATOR))
    answer = evaluator.get(f"{URL}/export.xlsx?for=publication")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.get_data()), read_only=True)
    rows = list(book["responses"].iter_rows(values_only=True))
    header = rows[0]
    stories = [r[header.index("change_story")] for r in rows[1:]]
    scopes = [r[header.index("_consent_scope")] for r in rows[1:]]
    assert sorted(s for s in stories if s) == [f"Public words {n}." for n in range(5)]
    assert scopes.count("internal") == 5
    full = load_workbook(io.BytesIO(evaluator.get(f"{URL}/export.xlsx").get_data()), read_only=True)
    assert sum(1 for r in full["responses"].iter_rows(values_only=True) if r and "Secret words 0." in r) == 1


def test_a_small_group_is_not_exported(client, make_user, login, make_response):
    for n in range(4):
        make_response(change_story=f"Few words {n}.", what_would_help="")
    evaluator = login(make_user(Role.EVALUATOR))
    answer = evaluator.get(f"{URL}/export.csv")
    assert answer.status_code == 302 and "/testimonies" in answer.headers["Location"]
    assert "Few words" not in answer.get_data(as_text=True)


def test_the_cli_writes_both_tables(runner, make_response, tmp_path, db):
    for n in range(5):
        make_response(change_story=f"Shootings at night, street {n}.", what_would_help="", consent="internal")
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["export", "community-safety", "--format", "csv", "-o", str(out), "--for-publication"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 5 and all(r["change_story"] == "" for r in rows)
    assert (tmp_path / "export-tags.csv").exists()
    book_path = tmp_path / "export.xlsx"
    assert runner.invoke(args=["export", "community-safety", "--format", "xlsx", "-o", str(book_path)]).exit_code == 0
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["responses", "tags"]
    book.close()
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()) == 2
    result = runner.invoke(args=["export", "nowhere", "-o", str(out)])
    assert result.exit_code != 0 and "no survey" in result.output


def test_each_testimony_carries_its_memos_and_its_passages_memos_but_not_for_publication(
    client, make_user, login, make_response, db
):
    from survey.models import Testimonial
    from survey.services.coding import code_passage
    from survey.services.memos import write_memo

    for n in range(5):
        make_response(change_story=f"Shootings at night, street {n}.", what_would_help="")
    person = make_user(Role.EVALUATOR)
    stories = list(db.session.scalars(select(Testimonial).order_by(Testimonial.id)))
    survey = stories[0].response.survey_version.survey
    code_passage(stories[0], ["safety"], 0, 9, person)
    write_memo(survey, f"testimony:{stories[0].id}", "Night is the worry here.", person)
    write_memo(survey, f"passage:{stories[0].passages[0].id}", "=Said twice.", person)
    write_memo(survey, "project", "Not about one testimony.", person)
    db.session.commit()
    evaluator = login(person)
    rows = list(csv.DictReader(io.StringIO(evaluator.get(f"{URL}/export.csv").get_data(as_text=True))))
    memos = {r["_response_id"]: r["change_story_memos"] for r in rows}
    assert memos[str(stories[0].response_id)] == "Night is the worry here.\n\n[safety: “Shootings”] =Said twice."
    assert sum(1 for m in memos.values() if m) == 1
    book = load_workbook(io.BytesIO(evaluator.get(f"{URL}/export.xlsx").get_data()), read_only=True)
    rows = list(book["responses"].iter_rows(values_only=True))
    column = rows[0].index("change_story_memos")
    assert [r[column] for r in rows[1:] if len(r) > column and r[column]] == [memos[str(stories[0].response_id)]]
    published = evaluator.get(f"{URL}/export.csv?for=publication").get_data(as_text=True)
    assert "Night is the worry" not in published and "change_story_memos" in published
