"""Questions asked in each instance of a repeat, charted over the instances from the raw rows."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import distinct, func, select, true

from survey.extensions import db as _db
from survey.models import Answer, Response, Site
from survey.questionnaire import parse_definition
from survey.services.demo import SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.submissions import Submission, record_submission
from survey.services.summaries import SummaryFilters, summarise_survey
from survey.services.surveys import import_survey

ROSTER = {
    "form_id": "roster",
    "title": {"en": "Households", "es": "Hogares"},
    "questions": [
        {"name": "site", "type": "site", "label": {"en": "Community", "es": "Comunidad"}},
        {"name": "tenure", "type": "select_one", "choices": "tenure", "label": {"en": "Tenure", "es": "Tenencia"}},
        {
            "name": "member",
            "type": "repeat",
            "label": {"en": "Household member", "es": "Integrante del hogar"},
            "questions": [
                {"name": "member_name", "type": "text", "label": {"en": "Name", "es": "Nombre"}},
                {"name": "member_sex", "type": "select_one", "choices": "sex", "label": {"en": "Sex", "es": "Sexo"}},
                {"name": "member_age", "type": "integer", "label": {"en": "Age", "es": "Edad"}},
                {
                    "name": "member_safe",
                    "type": "select_one",
                    "appearance": "likert",
                    "choices": "safety5",
                    "label": {"en": "Feels safe", "es": "Se siente seguro"},
                },
                {
                    "name": "member_help",
                    "type": "select_multiple",
                    "choices": "help",
                    "label": {"en": "Help received", "es": "Ayuda recibida"},
                },
                {
                    "name": "child",
                    "type": "repeat",
                    "label": {"en": "Child", "es": "Hijo o hija"},
                    "questions": [
                        {
                            "name": "child_school",
                            "type": "select_one",
                            "choices": "yes_no",
                            "label": {"en": "Goes to school", "es": "Va a la escuela"},
                        }
                    ],
                },
            ],
        },
    ],
    "choices": {
        "tenure": [{"name": "own", "label": "Own"}, {"name": "rent", "label": "Rent"}],
        "sex": [
            {"name": "f", "label": {"en": "Female", "es": "Mujer"}},
            {"name": "m", "label": {"en": "Male", "es": "Hombre"}},
            {"name": "x", "label": {"en": "Other", "es": "Otro"}},
        ],
        "yes_no": [{"name": "yes", "label": "Yes"}, {"name": "no", "label": "No"}],
        "safety5": [{"name": str(n), "label": f"Level {n}"} for n in range(1, 6)],
        "help": [
            {"name": "food", "label": {"en": "Food", "es": "Comida"}},
            {"name": "health", "label": {"en": "Health", "es": "Salud"}},
            {"name": "school_fees", "label": {"en": "School fees", "es": "Matrícula escolar"}},
        ],
    },
}


@pytest.fixture
def roster(db):
    """The roster survey, published, with the demo sites."""
    return publish_roster()


def publish_roster():
    """Publish the roster survey beside the demo sites."""
    upsert_sites_from_file(SITES_FILE)
    version = import_survey(ROSTER, publish=True)
    _db.session.commit()
    return version


def store_household(roster, members, site="tumaco", month=3, children=None):
    """Store one household's response to the roster, submitted in the middle of a month of 2026."""
    instances = {"member": members} | {f"child.{n}": kids for n, kids in (children or {}).items()}
    submission = Submission(
        uuid=str(uuid.uuid4()),
        version=roster,
        definition=parse_definition(roster.definition),
        answers={"site": site, "tenure": "own"},
        language="en",
        instances=instances,
    )
    response = record_submission(submission)
    response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
    _db.session.commit()
    return response


@pytest.fixture
def household(roster):
    """Store one household: household(members, site='tumaco', month=3, children={1: [...]})."""
    return lambda *args, **kwargs: store_household(roster, *args, **kwargs)


def member(sex="f", age="30", safe="4", name="Ana", help=None):
    answers = {"member_name": name, "member_sex": sex, "member_age": age, "member_safe": safe}
    return answers | ({"member_help": help} if help is not None else {})


def three_members():
    return [member("f", "41", "4"), member("m", "39", "2"), member("f", "9", "4")]


def summarise(roster, **filters):
    definition = parse_definition(roster.definition)
    return summarise_survey(roster.survey, definition, SummaryFilters(**filters), min_group=5)


def chart(summary, name):
    return next(r for r in summary.repeats if r.question.name == name)


def raw_count(db, question, value=None):
    query = select(func.count(Answer.id)).where(Answer.question == question, Answer.instance > 0)
    if value is not None:
        query = query.where(Answer.value_text == value)
    return db.session.scalar(query)


def test_a_repeat_question_is_counted_over_its_instances_as_the_raw_rows_hold_them(household, roster, db):
    for _ in range(6):
        household(three_members())
    summary = summarise(roster)
    sex = chart(summary, "member_sex")
    assert sex.repeat.name == "member" and sex.entries == 18 and sex.responses == 6
    assert sex.choices.counts == (raw_count(db, "member_sex", "f"), raw_count(db, "member_sex", "m"), 0) == (12, 6, 0)
    assert [round(row.share, 3) for row in sex.choices.rows[:2]] == [0.667, 0.333]
    safe = chart(summary, "member_safe")
    assert safe.choices.counts == (0, 6, 0, 12, 0) and safe.choices.mean == pytest.approx((2 * 6 + 4 * 12) / 18)
    age = chart(summary, "member_age")
    assert age.number.counted == raw_count(db, "member_age") == 18 and age.entries == 18
    assert age.number.edges[0] <= 9 and age.number.edges[-1] > 41
    # Asked once, the other questions are summarised as before; the repeat's are not among them.
    assert [q.question.name for q in summary.questions] == ["tenure"]
    assert summary.responses == 6


def test_a_choice_of_five_members_of_one_household_is_withheld_with_the_next_smallest(household, roster):
    for _ in range(5):
        household(three_members())
    household([member("x") for _ in range(5)])  # five answers "x", one household: a group of one
    sex = chart(summarise(roster), "member_sex")
    # Alone withheld, "x" would be what the shown choices leave: the next smallest by households goes too
    # ("f" and "m" are in five each; "f" comes first by name, as withhold() breaks ties).
    assert sex.choices.counts == (0, 5, 0) and sex.entries == 5 and sex.responses == 6


def test_the_instances_without_an_answer_count_as_withheld(household, roster):
    for _ in range(5):
        household([member("f"), member("m"), member("x")])
    household([member(), {"member_name": "Luis", "member_age": "30"}])  # one household leaves Luis's sex out
    sex = chart(summarise(roster), "member_sex")
    # That household alone would be the difference between two questions' entries: the two smallest
    # choices are withheld with it, so that no single one could be worked out.
    assert sex.choices.counts == (6, 0, 0) and sex.responses == 6
    assert chart(summarise(roster), "member_age").entries == 17


def test_the_summary_filters_narrow_the_instances_counted(household, roster, db):
    for _ in range(6):
        household(three_members(), site="tumaco", month=3)
    for _ in range(5):
        household([member("m", "70", "1")], site="guaviare", month=5)
    tumaco = db.session.scalars(select(Site.id).where(Site.slug == "tumaco")).one()
    everything = chart(summarise(roster), "member_sex")
    assert everything.choices.counts == (12, 11, 0) and everything.responses == 11
    one_site = chart(summarise(roster, site_id=tumaco), "member_sex")
    assert one_site.choices.counts == (12, 6, 0) and one_site.responses == 6
    later = chart(summarise(roster, month_from="2026-04"), "member_sex")
    assert later.choices.counts == (0, 5, 0) and later.entries == 5
    # The bins stay those of every answer, as the other histograms' do, whatever the filters.
    assert (
        chart(summarise(roster, month_from="2026-04"), "member_age").number.edges
        == chart(summarise(roster), "member_age").number.edges
    )


def test_a_repeat_inside_another_is_counted_per_instance_of_each(household, roster, db):
    for _ in range(6):
        # The first member's two children and the second's one: three children, numbered 1, 2 and 1.
        household(
            [member(), member("m")],
            children={1: [{"child_school": "yes"}, {"child_school": "no"}], 2: [{"child_school": "yes"}]},
        )
    school = chart(summarise(roster), "child_school")
    assert school.repeat.name == "child" and school.repeat.parent == "member"
    assert school.entries == 18 == raw_count(db, "child_school") and school.responses == 6
    assert school.choices.counts == (raw_count(db, "child_school", "yes"), raw_count(db, "child_school", "no"))
    assert school.choices.counts == (12, 6)


def test_nothing_is_charted_under_the_minimum_group(household, roster):
    for _ in range(4):
        household(three_members())
    assert summarise(roster).suppressed and summarise(roster).repeats == []


def test_a_survey_without_repeats_has_no_repeat_charts(make_response, example_survey):
    for _ in range(5):
        make_response()
    definition = parse_definition(example_survey.definition)
    assert summarise_survey(example_survey.survey, definition, SummaryFilters(), min_group=5).repeats == []


def test_a_repeat_question_named_as_the_breakdown_breaks_nothing_down(household, roster):
    for _ in range(6):
        household(three_members())
    summary = summarise(roster, by_question="member_sex")  # each response would count once per member
    assert summary.by_question is None and summary.crosstabs == []
    assert chart(summary, "member_sex").entries == 18


def test_a_number_typed_two_ways_is_one_answer_of_its_household(household, roster):
    for _ in range(5):
        household([member(age="60")])
    for _ in range(5):
        household([member(age="30"), member(age="30.0")])
    assert chart(summarise(roster), "member_age").entries == 15  # ten entries of 30, five of 60


def test_a_number_typed_two_ways_does_not_count_its_household_twice(household, roster):
    for _ in range(5):
        household([member(age="60")])
    for _ in range(3):  # three households, however their members typed 30
        household([member(age="30"), member(age="30.0")])
    age = chart(summarise(roster), "member_age")
    # Three households are under five: their bin is withheld, and the only other with it.
    assert age.number.counts == (0,) * len(age.number.counts) and age.entries == 0


def test_with_no_minimum_every_count_is_the_raw_rows_count(household, roster, db):
    rng = random.Random(16)
    for _ in range(40):
        members = [
            member(rng.choice("fmx"), str(rng.randint(0, 90)), str(rng.randint(1, 5))) for _ in range(rng.randint(1, 5))
        ]
        children = {m: [{"child_school": rng.choice(["yes", "no"])}] * rng.randint(0, 2) for m in range(1, 3)}
        household(members, site=rng.choice(["tumaco", "guaviare"]), month=rng.randint(1, 4), children=children)
    tumaco = db.session.scalars(select(Site.id).where(Site.slug == "tumaco")).one()
    definition = parse_definition(roster.definition)
    for filters, where in (({}, true()), ({"site_id": tumaco}, Response.site_id == tumaco)):
        summary = summarise_survey(roster.survey, definition, SummaryFilters(**filters), min_group=1)

        def raw(question, value=None, where=where):
            query = select(func.count(Answer.id)).join(Response).where(where, Answer.question == question)
            return db.session.scalar(query if value is None else query.where(Answer.value_text == value))

        assert chart(summary, "member_sex").choices.counts == tuple(raw("member_sex", s) for s in "fmx")
        assert chart(summary, "member_safe").choices.counts == tuple(raw("member_safe", str(n)) for n in range(1, 6))
        assert chart(summary, "child_school").choices.counts == (raw("child_school", "yes"), raw("child_school", "no"))
        assert chart(summary, "member_age").number.counted == raw("member_age")
        households = select(func.count(distinct(Answer.response_id))).join(Response)
        assert chart(summary, "member_sex").responses == db.session.scalar(
            households.where(where, Answer.question == "member_sex")
        )


def test_a_select_one_question_of_a_repeat_is_broken_down_by_site_when_asked(household, roster, db):
    for _ in range(6):
        household(three_members(), site="tumaco", month=3)
    for _ in range(5):
        household([member("m", "70", "1")], site="guaviare", month=5)
    sites = {slug: site for slug, site in db.session.execute(select(Site.slug, Site.id))}
    assert summarise(roster).repeat_breakdowns == []
    summary = summarise(roster, by_site=True)
    sex = next(b for b in summary.repeat_breakdowns if b.question.name == "member_sex")
    rows = {site: row for site, row in sex.rows}
    assert (
        rows[sites["tumaco"]].choices.counts
        == chart(summarise(roster, site_id=sites["tumaco"]), "member_sex").choices.counts
    )
    assert rows[sites["guaviare"]].choices.counts == (0, 5, 0) and rows[sites["guaviare"]].entries == 5
    assert "member_age" not in {b.question.name for b in summary.repeat_breakdowns}  # as for numbers asked once
    assert chart(summary, "member_sex").choices.counts == (12, 11, 0)  # the whole chart as without the breakdown


def helped(*answers):
    """A household whose members answered the multiple-choice question so, one member an answer."""
    return [member(help=answer) for answer in answers]


def test_a_multiple_choice_question_counts_each_choice_over_the_entries_that_answered(household, roster, db):
    for _ in range(5):
        household(helped("food health", "food", "school_fees"))
    household(helped(*["health"] * 6))
    help_ = chart(summarise(roster), "member_help")
    assert help_.choices.multiple and help_.entries == 21 and help_.responses == 6
    # By hand: food in 10 entries (5 households), health in 5 + 6, school fees in 5; 21 entries answered.
    assert help_.choices.counts == (10, 11, 5)
    assert [round(row.share, 3) for row in help_.choices.rows] == [round(10 / 21, 3), round(11 / 21, 3), 0.238]
    ticked = select(func.count(Answer.id)).where(Answer.question == "member_help", Answer.instance > 0)
    assert db.session.scalar(ticked.where(Answer.value_text.contains("food"))) == 10


def test_a_choice_of_fewer_households_than_the_minimum_is_withheld_however_many_entries_chose_it(household, roster):
    for _ in range(5):
        household(helped("food", "health"))
    for _ in range(4):  # forty entries chose school fees, in four households: a group under five
        household(helped(*["school_fees"] * 10))
    help_ = chart(summarise(roster), "member_help")
    # School fees alone is withheld, and with it those that did not choose it (the entries answered
    # less them would give it away); food and health are shown over the 50 entries that answered.
    assert help_.choices.counts == (5, 5, 0) and help_.choices.rows[2].share is None
    assert [row.share for row in help_.choices.rows[:2]] == [5 / 50, 5 / 50] and help_.entries == 50
    assert help_.responses == 9


def test_a_multiple_choice_question_follows_the_filters_and_breaks_down_by_site(household, roster, db):
    for _ in range(6):
        household(helped("food health", "health"), site="tumaco", month=3)
    for _ in range(5):
        household(helped("school_fees"), site="guaviare", month=5)
    sites = {slug: site for slug, site in db.session.execute(select(Site.slug, Site.id))}
    assert chart(summarise(roster), "member_help").choices.counts == (6, 12, 5)
    assert chart(summarise(roster, site_id=sites["tumaco"]), "member_help").choices.counts == (6, 12, 0)
    later = chart(summarise(roster, month_from="2026-04"), "member_help")
    assert later.choices.counts == (0, 0, 5) and later.entries == 5 and later.responses == 5
    summary = summarise(roster, by_site=True)
    rows = dict(next(b for b in summary.repeat_breakdowns if b.question.name == "member_help").rows)
    assert rows[sites["tumaco"]].choices.counts == (6, 12, 0) and rows[sites["tumaco"]].entries == 12
    assert [r.share for r in rows[sites["guaviare"]].choices.rows] == [0.0, 0.0, 1.0]


def test_with_no_minimum_each_choice_counts_the_raw_rows_that_hold_it(household, roster, db):
    rng = random.Random(17)
    offered = ["food", "health", "school_fees"]
    for _ in range(30):
        answers = [" ".join(rng.sample(offered, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
        household(helped(*answers), site=rng.choice(["tumaco", "guaviare"]), month=rng.randint(1, 4))
    definition = parse_definition(roster.definition)
    help_ = chart(summarise_survey(roster.survey, definition, SummaryFilters(), min_group=1), "member_help")
    given = db.session.scalars(select(Answer.value_text).where(Answer.question == "member_help")).all()
    assert help_.choices.counts == tuple(sum(c in g.split() for g in given) for c in offered)
    assert help_.entries == len(given)
