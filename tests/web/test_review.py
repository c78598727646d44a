"""The review queue (least certain tags first) and the confidence shown on a testimony."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import Role, TagSource, Testimonial, ThemeTag

URL = "/evaluate/community-safety"
SURE = "Shootings at night, gunfire and murders on street {n}."
UNSURE = "Gangs and shootings, the police did nothing and the clinic closed in ward {n}."


def _least(db, testimonial_id):
    tags = db.session.scalars(select(ThemeTag).where(ThemeTag.testimonial_id == testimonial_id)).all()
    return min(t.confidence for t in tags)


def _queue(page):
    return [int(i) for i in re.findall(r"/testimonials/(\d+)\?", page)]


def test_the_queue_lists_least_certain_tags_first_and_a_persons_decision_last(
    client, make_user, login, make_response, db
):
    for n in range(4):
        make_response(change_story=SURE.format(n=n), what_would_help="")
        make_response(change_story=UNSURE.format(n=n), what_would_help="")
    evaluator = login(make_user(Role.EVALUATOR))
    unsure = sorted(t.id for t in db.session.scalars(select(Testimonial)) if "clinic" in t.redacted_text)
    least = {i: _least(db, i) for i in db.session.scalars(select(Testimonial.id))}
    assert max(least[i] for i in unsure) < min(v for i, v in least.items() if i not in unsure)
    queue = _queue(evaluator.get(f"{URL}/review").get_data(as_text=True))
    assert sorted(queue[:4]) == unsure and len(queue) == 8
    assert [least[i] for i in queue] == sorted(least[i] for i in queue)

    evaluator.post(f"{URL}/testimonials/{unsure[0]}/themes", data={"themes": ["safety", "services"]})
    queue = _queue(evaluator.get(f"{URL}/review").get_data(as_text=True))
    assert queue[-1] == unsure[0] and sorted(queue[:3]) == unsure[1:]


def test_the_queue_keeps_the_small_group_rule(client, make_user, login, make_response):
    make_response(change_story=UNSURE.format(n=1), what_would_help="")
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}/review").get_data(as_text=True)
    assert "Small groups are not shown on their own" in page and "clinic closed" not in page


def test_the_testimony_shows_each_machine_tag_as_likely_or_uncertain(client, make_user, login, make_response, db):
    for n in range(5):
        make_response(change_story=SURE.format(n=n), what_would_help="")
    evaluator = login(make_user(Role.EVALUATOR))
    item = db.session.scalars(select(Testimonial)).first()
    tag = next(t for t in item.tags if t.theme == "safety" and t.source == TagSource.MACHINE)
    percent = round(100 * tag.confidence)
    word = "likely" if tag.confidence >= 0.7 else "uncertain"
    page = evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert f"{word} ({percent} %)" in page
    spanish = evaluator.get(f"{URL}/testimonials/{item.id}?lang=es").get_data(as_text=True)
    assert f"{'probable' if word == 'likely' else 'incierta'} ({percent} %)" in spanish
    evaluator.post(f"{URL}/testimonials/{item.id}/themes", data={"themes": ["safety"]})
    assert "decidida por una persona" in evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "decided by a person" in evaluator.get(f"{URL}/testimonials/{item.id}?lang=en").get_data(as_text=True)
