"""A resident's withdrawal, end to end: after it, nothing in any table holds a word of the response."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from survey.analysis.learned import LearnedCodebook
from survey.extensions import db as _db
from survey.models import Answer, AuditEvent, Base, LearnedModel, Role, Survey, Testimonial, WithdrawalRequest
from survey.questionnaire import parse_definition
from survey.services.corrections import correct_themes
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.learning import examples_from_corrections, learn_from_corrections
from survey.services.sites import upsert_sites_from_file
from survey.services.submissions import Submission, record_submission
from survey.services.summaries import SummaryFilters, summarise_survey
from survey.services.surveys import import_survey, read_survey_file
from survey.services.sync import ingest_batch
from survey.services.withdrawals import withdraw_response
from tests.conftest import GOOD_ANSWERS, form_data

MARKER = "zorbleflax"  # a word no other text holds
FILLERS = [
    "There are more shootings at night near the market.",
    "Gangs sell drugs by the school and people are afraid.",
    "The police came twice and the violence went down.",
    "Nobody walks after dark since the dealing started.",
    "My cousin is in rehab and doing well after the overdose.",
    "The treatment centre helped my brother stay sober.",
    "Recovery is slow but the support group is good.",
    "She relapsed last year and now goes to rehab again.",
]


@dataclass
class World:
    """A survey with a withdrawn-to-be response among others, corrected, learned from and in conflict."""

    code: str
    response_id: int
    response_uuid: str
    testimony_ids: list[int]
    model_version: str


def rows_holding(db, text: str) -> list[str]:
    """The tables with a row where the text appears in any column (JSON and binary columns included)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            for value in row:
                if isinstance(value, bytes):
                    hit = text.encode() in value
                else:
                    hit = text in json.dumps(value, default=str, ensure_ascii=False)
                if hit:
                    found.append(table.name)
    return sorted(set(found))


def summary_counts(db) -> tuple[int | None, int | None]:
    survey = db.session.scalars(select(Survey)).one()
    definition = parse_definition(survey.versions[-1].definition)
    summary = summarise_survey(survey, definition, SummaryFilters(), min_group=1)
    return summary.responses, summary.testimonials


def words_of(model: LearnedModel) -> set[str]:
    codebook = LearnedCodebook.loads(model.payload)
    return set(codebook.words.vocabulary_) | set(codebook.chars.vocabulary_)


@pytest.fixture
def world(client, example_survey, make_response, make_user, login, db) -> World:
    evaluator = make_user(Role.EVALUATOR)
    for n, story in enumerate(FILLERS):
        make_response(change_story=story, what_would_help="")
        item = db.session.scalars(select(Testimonial).order_by(Testimonial.id.desc())).first()
        correct_themes(item, {"safety"} if n < 4 else {"recovery"}, ["safety", "recovery"], evaluator)
    db.session.commit()
    # The resident answers through the real form, twice using the marker word.
    answers = form_data(
        change_story=f"The {MARKER} market brought shootings at night.",
        what_would_help=f"Close the {MARKER} market and open a clinic.",
    )
    thanks = client.get(client.post("/s/community-safety", data=answers).headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="receipt">([A-Z0-9-]+)<', thanks).group(1)
    marked = list(db.session.scalars(select(Testimonial).where(Testimonial.raw_text.contains(MARKER))))
    # An evaluator corrects its themes on the testimony's page.
    login(evaluator)
    for item, theme in zip(marked, ["safety", "services"], strict=True):
        page = f"/evaluate/community-safety/testimonials/{item.id}/themes"
        assert client.post(page, data={"themes": [theme]}).status_code == 302
    # A tablet sent the same UUID with other content: kept aside as a conflict.
    response_uuid = marked[0].response.uuid
    record = {
        "uuid": response_uuid,
        "survey": "community-safety",
        "version": example_survey.version,
        "language": "en",
        "answers": {**GOOD_ANSWERS, "change_story": f"Another {MARKER} story."},
    }
    assert ingest_batch([record], user=None, device=None, source="file")[0].status == "conflict"
    model = learn_from_corrections()
    db.session.commit()
    assert MARKER in words_of(model)  # the codebook did learn its word: dropping it is needed
    client.post("/auth/logout")
    return World(code, marked[0].response_id, response_uuid, [t.id for t in marked], model.version)


def withdraw(client, login, make_user, world: World) -> None:
    typed = world.code.lower().replace("-", " ")  # as a resident may type it
    asked = client.post("/withdraw", data={"code": typed}, follow_redirects=True)
    assert "Your request is recorded" in asked.get_data(as_text=True)
    login(make_user(Role.ADMIN))
    listing = client.get("/admin/withdrawals").get_data(as_text=True)
    request_id = re.search(r"/admin/withdrawals/(\d+)", listing).group(1)
    review = client.get(f"/admin/withdrawals/{request_id}").get_data(as_text=True)
    assert "2 testimonies" in review and world.model_version in review
    for page in (listing, review):
        assert MARKER not in page
    done = client.post(f"/admin/withdrawals/{request_id}/confirm", data={"understood": "y"}, follow_redirects=True)
    assert "The response has been withdrawn" in done.get_data(as_text=True)


def test_no_row_anywhere_holds_its_text_after_withdrawal(client, login, make_user, db, world):
    before = rows_holding(db, MARKER)
    assert {"testimonial", "submission_conflict"} <= set(before)  # the scan finds what is there
    withdraw(client, login, make_user, world)
    db.session.expire_all()
    assert rows_holding(db, MARKER) == []
    assert db.session.scalars(select(Answer).where(Answer.response_id == world.response_id)).all() == []
    assert rows_holding(db, world.code) == []  # only a digest of the receipt code is kept
    assert all(MARKER not in e.text for e in examples_from_corrections())


def test_the_evaluator_summary_counts_drop(client, login, make_user, db, world):
    responses, testimonies = summary_counts(db)
    withdraw(client, login, make_user, world)
    db.session.expire_all()
    assert summary_counts(db) == (responses - 1, testimonies - 2)


def test_one_audit_line_without_content(client, login, make_user, db, world):
    withdraw(client, login, make_user, world)
    db.session.expire_all()
    lines = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw_response")))
    assert len(lines) == 1
    request = db.session.scalars(select(WithdrawalRequest)).one()
    line = lines[0]
    assert (line.target_type, line.target_id) == ("withdrawal_request", str(request.id))
    assert line.actor_id == request.decided_by_id is not None
    assert line.detail == {"learned_codebooks_dropped": 1, "prepared_exports_deleted": 0}
    # The corrections' own audit lines keep who and when, not the themes given to the testimony.
    corrections = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "correct_themes", AuditEvent.target_id.in_([str(i) for i in world.testimony_ids])
        )
    ).all()
    assert len(corrections) == 2 and all(e.detail == {} for e in corrections)


def test_the_learned_codebook_is_learned_again_without_its_words(client, login, make_user, db, world):
    withdraw(client, login, make_user, world)
    db.session.expire_all()
    (model,) = db.session.scalars(select(LearnedModel)).all()  # the one trained on its words is gone
    assert model.active and model.examples == len(FILLERS)
    assert not set(world.testimony_ids) & set(model.trained_on)
    assert MARKER not in words_of(model)


def test_the_code_then_shows_already_withdrawn(client, login, make_user, db, world):
    withdraw(client, login, make_user, world)
    client.post("/auth/logout")
    page = client.post("/withdraw", data={"code": world.code}, follow_redirects=True).get_data(as_text=True)
    assert "has been withdrawn" in page


def test_a_resent_record_is_not_stored_again(client, login, make_user, db, world, example_survey):
    withdraw(client, login, make_user, world)
    record = {
        "uuid": world.response_uuid,
        "survey": "community-safety",
        "version": example_survey.version,
        "language": "en",
        "answers": {**GOOD_ANSWERS, "change_story": f"The {MARKER} story, resent."},
    }
    other = {**record, "uuid": str(uuid.uuid4())}
    results = ingest_batch([record, other], user=None, device=None, source="file")
    assert [r.status for r in results] == ["duplicate", "created"]
    db.session.commit()
    assert rows_holding(db, world.response_uuid) == ["withdrawal_request"]


def test_sqlite_overwrites_the_deleted_text_in_the_file(make_app, tmp_path):
    """Nothing of the text is left in the database file (survey/sqlite.py turns secure_delete on, as
    Debian's SQLite already does by default; other builds leave deleted text in free space)."""
    path = tmp_path / "voces.db"
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with application.app_context():
        upgrade()
        upsert_sites_from_file(SITES_FILE)
        version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        answers = {**GOOD_ANSWERS, "change_story": f"The {MARKER} market brought shootings at night."}
        submission = Submission(str(uuid.uuid4()), version, parse_definition(version.definition), answers, "en")
        response = record_submission(submission)
        _db.session.commit()
        withdraw_response(response, by=None)
        _db.session.commit()
        _db.engine.dispose()  # the last connection to close copies the write-ahead log into the file
    assert MARKER.encode() not in path.read_bytes()
