"""The list of testimonies: roles, filters from the summary's links, escaped highlights, previous/next."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from survey.models import Answer, Role, Site, Testimonial

URL = "/evaluate/community-safety"


def _evaluator(make_user, login):
    return login(make_user(Role.EVALUATOR))


def _links(page):
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def test_a_theme_on_the_summary_links_to_its_testimonies(client, make_user, login, make_response, db):
    for n in range(5):
        make_response(change_story=f"Shootings at night on street {n}.", what_would_help="", site="tumaco")
    for n in range(5):
        make_response(change_story=f"The clinic closed in ward {n}.", what_would_help="", site="tumaco")
    evaluator = _evaluator(make_user, login)
    tumaco = db.session.scalars(select(Site.id).where(Site.slug == "tumaco")).one()
    summary = evaluator.get(f"{URL}?site={tumaco}&month_from=2020-01").get_data(as_text=True)
    theme_links = [link for link in _links(summary) if "theme=safety" in link]
    assert theme_links and all(f"site={tumaco}" in link and "month_from=2020-01" in link for link in theme_links)
    listing = evaluator.get(theme_links[0]).get_data(as_text=True)
    assert listing.count('<li class="quote">') == 5
    assert "on street 4." in listing and "The clinic closed" not in listing


def test_the_list_withholds_a_small_group_with_the_summarys_message(client, make_user, login, make_response):
    for n in range(6):
        make_response(change_story=f"The clinic closed in ward {n}.", what_would_help="")
    make_response(change_story="Shootings at night, just once.", what_would_help="")
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(f"{URL}/testimonies?theme=safety").get_data(as_text=True)
    assert "Small groups are not shown on their own" in page
    assert "just once" not in page
    page = evaluator.get(f"{URL}/testimonies?theme=safety&lang=es").get_data(as_text=True)
    assert "Los grupos pequeños no se muestran" in page


def test_search_matches_are_marked_and_the_text_stays_escaped(client, make_user, login, make_response):
    for n in range(5):
        make_response(change_story=f"<script>alert({n})</script> the balaceras stopped.", what_would_help="")
    page = _evaluator(make_user, login).get(f"{URL}/testimonies?q=balaceras").get_data(as_text=True)
    assert "<script>alert(" not in page
    assert '&lt;script&gt;alert(0)&lt;/script&gt; the <mark class="match">balaceras</mark> stopped.' in page


def test_a_search_for_markup_marks_escaped_text(client, make_user, login, make_response):
    for n in range(5):
        make_response(change_story=f"We saw script kiddies <b>{n}</b> here.", what_would_help="")
    page = _evaluator(make_user, login).get(f'{URL}/testimonies?q="script"').get_data(as_text=True)
    assert '<mark class="match">script</mark> kiddies &lt;b&gt;' in page and "<b>" not in page


def test_the_testimony_shows_its_response_and_steps_through_the_list(client, make_user, login, make_response, db):
    for n in range(6):
        make_response(
            change_story=f"Shootings at night on street {n}.", what_would_help="", site="tumaco", safe_at_night="1"
        )
    evaluator = _evaluator(make_user, login)
    ids = sorted(db.session.scalars(select(Testimonial.id)))
    middle = ids[2]
    page = evaluator.get(f"{URL}/testimonials/{middle}?theme=safety&sort=oldest").get_data(as_text=True)
    assert "Tumaco (Nariño, CO)" in page and "may be quoted" in page
    assert "How safe do you feel walking alone in your area at night?" in page and "Very unsafe" in page
    assert f"/testimonials/{ids[1]}?theme=safety&amp;sort=oldest" in page
    assert f"/testimonials/{ids[3]}?theme=safety&amp;sort=oldest" in page
    assert "/testimonies?theme=safety&amp;sort=oldest" in page
    page = evaluator.get(f"{URL}/testimonials/{middle}?lang=es").get_data(as_text=True)
    assert "Muy inseguro(a)" in page and "Respuestas dadas en la misma encuesta" in page


def test_free_text_answers_show_redacted_on_the_testimony(client, make_user, login, make_response, example_survey, db):
    data = dict(example_survey.definition)
    named = {"name": "first_name", "type": "text", "personal": True, "label": {"en": "Your name"}}
    notes = {"name": "other_notes", "type": "text", "label": {"en": "Anything else?"}}
    data["questions"] = [*data["questions"], named, notes]
    example_survey.definition = data
    response = make_response(change_story="Shootings at night.", what_would_help="")
    db.session.add(Answer(response_id=response.id, question="first_name", value_text="Marisol"))
    db.session.add(Answer(response_id=response.id, question="other_notes", value_text="Marisol, call 555-123-4567."))
    db.session.commit()
    testimony = db.session.scalars(select(Testimonial.id).where(Testimonial.response_id == response.id)).first()
    page = _evaluator(make_user, login).get(f"{URL}/testimonials/{testimony}").get_data(as_text=True)
    assert "Anything else?" in page and "Your name" not in page
    assert "Marisol" not in page and "555-123-4567" not in page


def test_a_region_lists_the_testimonies_of_its_sites_and_its_exports_follow(client, make_user, login, make_response):
    for n in range(5):
        make_response(change_story=f"Shootings at night in Tumaco, street {n}.", what_would_help="", site="tumaco")
    for n in range(5):
        make_response(change_story=f"The clinic closed in Guaviare, ward {n}.", what_would_help="", site="guaviare")
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(f"{URL}/testimonies?region=CO:Nariño").get_data(as_text=True)
    assert page.count('<li class="quote">') == 5
    assert "Tumaco, street 4." in page and "Guaviare, ward" not in page
    assert '<option selected value="CO:Nariño">Nariño (CO)</option>' in page
    export = evaluator.get(f"{URL}/export.csv?region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert "Tumaco, street 4." in export and "Guaviare, ward" not in export
    spanish = evaluator.get(f"{URL}/testimonies?region=CO:Guaviare&lang=es").get_data(as_text=True)
    assert "Región" in spanish and "Guaviare, ward 0." in spanish and "Tumaco, street" not in spanish
