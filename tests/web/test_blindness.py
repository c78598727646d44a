"""Coding blind in an open agreement round hides other people's coding everywhere: list, memos, every export."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import Role, Testimonial
from survey.services.agreement import close_round, create_round
from survey.services.coding import code_passage
from survey.services.memos import write_memo

URL = "/evaluate/community-safety"
STORY = "There are more shootings at night and the clinic closed."


@pytest.fixture
def people(make_user):
    return {
        "a": make_user(Role.EVALUATOR, "coder-a@voces.example"),
        "b": make_user(Role.EVALUATOR, "coder-b@voces.example"),
        "other": make_user(Role.EVALUATOR, "other@voces.example"),
        "lead": make_user(Role.ADMIN, "lead@voces.example"),
    }


def _coded_round(db, make_response, people, *, hide_machine):
    """Six testimonies all in a round of A and B: A coded livelihoods on each, B stigma; memos by B and another."""
    for _ in range(6):
        make_response(site="tumaco", change_story=STORY, what_would_help="")
    stories = list(db.session.scalars(select(Testimonial).order_by(Testimonial.id)))
    survey = stories[0].response.survey_version.survey
    agreement = create_round(survey, "Pilot", 6, [people["a"], people["b"]], people["lead"], hide_machine=hide_machine)
    for story in stories:
        code_passage(story, ["livelihoods"], 0, 9, people["a"])
        code_passage(story, ["stigma"], 10, 20, people["b"])
    write_memo(survey, f"testimony:{stories[0].id}", "Another person's reading of it", people["other"])
    passage = next(p for p in stories[0].passages if p.coder_id == people["a"].id)
    write_memo(survey, f"passage:{passage.id}", "A's note on a passage", people["a"])
    write_memo(survey, f"testimony:{stories[0].id}", "B's own note", people["b"])
    write_memo(survey, "project", "A note on the project", people["other"])
    db.session.commit()
    return agreement


def _csv(client, query=""):
    return list(csv.DictReader(io.StringIO(client.get(f"{URL}/export.csv{query}").get_data(as_text=True))))


def _sheet(client, name):
    book = load_workbook(io.BytesIO(client.get(f"{URL}/export.xlsx").get_data()), read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]  # read-only sheets drop empty cells at the end


def _project(client, machine=False):
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{URL}/export.qdpx{'?machine=1' if machine else ''}").get_data()))
    return archive.read("project.qde").decode()


def test_a_blind_coder_sees_only_their_own_coding_on_the_list_and_the_review(client, login, db, make_response, people):
    _coded_round(db, make_response, people, hide_machine=True)
    login(people["b"])
    for page in (f"{URL}/testimonies", f"{URL}/review"):
        html = client.get(page).get_data(as_text=True)
        assert "tag-passage" not in html and "tag-machine" not in html and "data-themes=" not in html
    client.post("/auth/logout")
    login(people["other"])  # codes no round: sees everyone's
    html = client.get(f"{URL}/testimonies").get_data(as_text=True)
    assert "tag-passage" in html and "tag-machine" in html


def test_a_blind_coder_sees_the_machine_s_tags_on_the_list_unless_the_round_hides_them(
    client, login, db, make_response, people
):
    _coded_round(db, make_response, people, hide_machine=False)
    login(people["b"])
    html = client.get(f"{URL}/testimonies").get_data(as_text=True)
    assert "tag-machine" in html and "data-themes=" in html and "tag-passage" not in html


def test_a_blind_coder_s_csv_and_xlsx_hold_no_one_else_s_coding(client, login, db, make_response, people):
    agreement = _coded_round(db, make_response, people, hide_machine=True)
    login(people["b"])
    assert {r["change_story_themes"] for r in _csv(client)} == {""}
    assert _csv(client, "?table=tags") == []
    assert _sheet(client, "tags") == []
    assert {r.get("change_story_themes") for r in _sheet(client, "responses")} == {None}
    client.post("/auth/logout")
    login(people["other"])
    assert all("livelihoods" in r["change_story_themes"].split() for r in _csv(client))
    assert {r["source"] for r in _csv(client, "?table=tags")} == {"machine", "passage"}
    close_round(agreement, people["lead"])
    db.session.commit()
    client.post("/auth/logout")
    login(people["b"])  # the round is closed: B sees everyone's again
    assert {r["source"] for r in _csv(client, "?table=tags")} == {"machine", "passage"}


def test_a_blind_coder_s_csv_keeps_the_machine_s_tags_when_the_round_shows_them(
    client, login, db, make_response, people
):
    _coded_round(db, make_response, people, hide_machine=False)
    login(people["b"])
    assert {r["source"] for r in _csv(client, "?table=tags")} == {"machine"}
    assert all("safety" in r["change_story_themes"].split() for r in _csv(client))


def test_a_blind_coder_s_qdpx_holds_their_own_passages_and_memos_only(client, login, db, make_response, people):
    _coded_round(db, make_response, people, hide_machine=True)
    login(people["b"])
    project = _project(client, machine=True)
    assert project.count("<PlainTextSelection") == 6  # B's six passages; not A's, not the machine's
    assert "B's own note" in project and "A note on the project" in project
    assert "Another person's reading of it" not in project and "A's note on a passage" not in project
    client.post("/auth/logout")
    login(people["other"])
    project = _project(client)
    assert project.count("<PlainTextSelection") == 12
    assert "Another person's reading of it" in project and "A's note on a passage" in project


def test_a_blind_coder_reads_only_their_own_memos_on_the_round_s_testimonies(client, login, db, make_response, people):
    _coded_round(db, make_response, people, hide_machine=False)
    login(people["b"])
    html = client.get(f"{URL}/memos").get_data(as_text=True)
    assert "B&#39;s own note" in html and "A note on the project" in html
    assert "Another person" not in html and "A&#39;s note on a passage" not in html
    html = client.get(f"{URL}/memos?q=reading").get_data(as_text=True)
    assert "Another person" not in html
    client.post("/auth/logout")
    login(people["other"])
    html = client.get(f"{URL}/memos").get_data(as_text=True)
    assert "Another person" in html and "A&#39;s note on a passage" in html


def test_a_blind_coder_s_exported_memos_are_their_own_only(client, login, db, make_response, people):
    _coded_round(db, make_response, people, hide_machine=False)
    first = str(db.session.scalar(select(Testimonial.response_id).order_by(Testimonial.id).limit(1)))
    login(people["b"])
    assert {r["_response_id"]: r["change_story_memos"] for r in _csv(client)}[first] == "B's own note"
    client.post("/auth/logout")
    login(people["other"])
    memos = {r["_response_id"]: r["change_story_memos"] for r in _csv(client)}[first]
    assert "Another person's reading of it" in memos and "[livelihoods: “There are”] A's note on a passage" in memos


def test_a_blind_coder_cannot_find_others_codes_by_filtering_or_sorting_on_them(
    client, login, db, make_response, people
):
    _coded_round(db, make_response, people, hide_machine=True)
    login(people["b"])
    # A coded livelihoods on every testimony of the round: filtering on it finds none for B.
    html = client.get(f"{URL}/testimonies?theme=livelihoods").get_data(as_text=True)
    assert "Read this testimony" not in html
    assert client.get(f"{URL}/export.csv?theme=livelihoods").status_code == 302  # nothing B may see matches
    client.post("/auth/logout")
    login(people["other"])
    html = client.get(f"{URL}/testimonies?theme=livelihoods").get_data(as_text=True)
    assert html.count("Read this testimony") == 6


def test_a_blind_coder_sees_only_the_machine_s_tags_on_the_summary_s_quotes(client, login, db, make_response, people):
    _coded_round(db, make_response, people, hide_machine=False)
    login(people["other"])  # codes no round: the quotes carry A's and B's codes
    html = client.get(URL).get_data(as_text=True)
    quotes = html[html.index('id="h-quotes"') :]
    assert "tag-passage" in quotes and "tag-machine" in quotes
    client.post("/auth/logout")
    login(people["b"])
    quotes = client.get(URL).get_data(as_text=True)
    quotes = quotes[quotes.index('id="h-quotes"') :]
    assert "tag-machine" in quotes and "data-themes=" in quotes and "tag-passage" not in quotes
