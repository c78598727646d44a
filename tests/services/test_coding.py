"""People code passages; a theme's code counts the testimony for that theme, as a person's "yes"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Code, CodedPassage, Role, TagSource, Testimonial
from survey.services.coding import CodingError, code_choices, code_passage, coding_segments, may_remove, remove_passage
from survey.services.corrections import correct_themes
from survey.services.summaries import SummaryFilters, summarise_survey
from survey.services.surveys import definition_of

STORY = "Nothing changed here. There are more shootings at night."


@pytest.fixture
def story(db, make_response):
    make_response(change_story=STORY, what_would_help="")
    return db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()


def _theme_count(db, version, theme):
    db.session.expire_all()
    summary = summarise_survey(version.survey, definition_of(version), SummaryFilters(), min_group=1, block=1)
    return next((t.count for t in summary.themes if t.key == theme), 0)


def test_the_codes_on_offer_are_the_codebooks_themes_and_the_teams_live_codes(db, make_user):
    db.session.add_all(
        [
            Code(key="lighting", label_en="Street lighting", label_es="Alumbrado"),
            Code(key="old", label_en="Old", retired=True),
        ]
    )
    db.session.flush()
    keys = [c.key for c in code_choices("es")]
    assert "safety" in keys and "safety.violence" in keys  # themes and sub-themes
    assert "lighting" in keys and "old" not in keys
    assert next(c.label for c in code_choices("es") if c.key == "lighting") == "Alumbrado"


def test_a_passage_coded_with_a_theme_counts_the_testimony_until_its_code_is_removed(
    db, story, make_user, example_survey
):
    coder = make_user()
    assert _theme_count(db, example_survey, "services") == 0
    start = STORY.index("There")
    code_passage(story, ["services", "trust"], start, len(STORY), coder)
    code_passage(story, ["services"], 0, 7, coder)  # a second passage with the same code, overlapping nothing
    db.session.commit()
    assert _theme_count(db, example_survey, "services") == 1  # once per testimony, however many passages
    tag = next(t for t in story.tags if t.source == TagSource.PASSAGE and t.theme == "services")
    assert [e["text"] for e in tag.evidence] == ["Nothing", STORY[start:]]
    for passage in [p for p in story.passages if p.code_key == "services"]:
        remove_passage(story, passage, coder)
    db.session.commit()
    assert _theme_count(db, example_survey, "services") == 0
    assert not [t for t in story.tags if t.source == TagSource.PASSAGE and t.theme == "services"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(story.id))).all()
    assert actions.count("code_passage") == 2 and actions.count("uncode_passage") == 2


def test_a_passage_code_counts_even_where_a_person_said_no_on_the_whole_testimony(db, story, make_user, example_survey):
    coder = make_user()
    correct_themes(story, [], ["services"], coder)
    db.session.commit()
    assert _theme_count(db, example_survey, "services") == 0
    code_passage(story, ["services"], 0, 7, coder)
    db.session.commit()
    assert _theme_count(db, example_survey, "services") == 1


def test_a_teams_code_is_kept_but_is_no_theme_of_the_summary(db, story, make_user):
    db.session.add(Code(key="lighting", label_en="Street lighting"))
    code_passage(story, ["lighting"], 0, 7, make_user())
    db.session.commit()
    assert [p.code_key for p in story.passages] == ["lighting"]
    assert not [t for t in story.tags if t.source == TagSource.PASSAGE]


@pytest.mark.parametrize(
    ("keys", "start", "end"),
    [(["services"], 5, 5), (["services"], -1, 4), (["services"], 0, 999), ([], 0, 4), (["nope"], 0, 4)],
)
def test_passages_outside_the_text_and_codes_not_on_offer_are_refused(db, story, make_user, keys, start, end):
    with pytest.raises(CodingError):
        code_passage(story, keys, start, end, make_user())
    assert db.session.scalars(select(CodedPassage)).all() == []


def test_its_coder_and_an_administrator_may_remove_a_code_and_nobody_else(db, story, make_user):
    coder, other, admin = make_user(), make_user(), make_user(Role.ADMIN)
    code_passage(story, ["safety"], 0, 7, coder)
    [passage] = story.passages
    assert may_remove(passage, coder) and may_remove(passage, admin) and not may_remove(passage, other)


def test_segments_keep_the_machines_evidence_and_peoples_codes_apart(db, story, make_user):
    code_passage(story, ["safety"], 0, 14, make_user())
    code_passage(story, ["services"], 8, 20, make_user())
    segments = coding_segments(story)
    assert "".join(s.text for s in segments) == STORY
    by_text = {s.text: s for s in segments}
    assert [p.code_key for p in by_text["Nothing "].passages] == ["safety"]
    assert sorted(p.code_key for p in by_text["change"].passages) == ["safety", "services"]  # overlapping
    assert [p.code_key for p in by_text["d here"].passages] == ["services"]
    shootings = next(s for s in segments if "shootings" in s.text)
    assert shootings.machine == ["safety"] and shootings.passages == []


def test_a_withdrawn_response_takes_its_coded_passages_and_memos_with_it(db, story, make_user):
    from survey.models import Memo
    from survey.services.memos import write_memo
    from survey.services.withdrawals import withdraw_response

    coder = make_user()
    code_passage(story, ["safety"], 0, 7, coder)
    write_memo(story.response.survey_version.survey, f"passage:{story.passages[0].id}", "a name here", coder)
    write_memo(story.response.survey_version.survey, f"testimony:{story.id}", "more", coder)
    db.session.commit()
    withdraw_response(story.response, by=None)
    db.session.commit()
    assert db.session.scalars(select(CodedPassage)).all() == [] and db.session.scalars(select(Memo)).all() == []
