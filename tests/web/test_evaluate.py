"""The evaluator's summary and testimony pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Role, Site, Testimonial

URL = "/evaluate/community-safety"


def _evaluator(make_user, login):
    return login(make_user(Role.EVALUATOR))


def test_summary_shows_themes_sites_distributions_and_quotes(client, make_user, login, make_response):
    for n in range(6):
        make_response(change_story=f"Shootings at night again on street {n}. The clinic has closed.", site="tumaco")
    page = _evaluator(make_user, login).get(URL).get_data(as_text=True)
    assert "<strong>6</strong> responses" in page
    assert "Tumaco (Nariño, CO)" in page
    assert "Safety" in page and "Services" in page
    assert "How safe do you feel walking alone in your area at night?" in page
    assert "again on street 5." in page
    assert '<mark title="Safety" data-themes="safety">Shootings</mark>' in page  # quotes show their evidence


def test_summary_in_spanish_uses_spanish_labels(client, make_user, login, make_response):
    for _ in range(5):
        make_response(change_story="Hay menos balaceras en el pueblo.", language="es", site="tumaco")
    page = _evaluator(make_user, login).get(URL + "?lang=es").get_data(as_text=True)
    assert "Seguridad" in page
    assert "¿Qué tan seguro(a) se siente caminando solo(a) por su zona de noche?" in page


def test_small_groups_are_withheld(client, make_user, login, make_response):
    for _ in range(4):
        make_response(change_story="There is more dealing near the school.")
    page = _evaluator(make_user, login).get(URL).get_data(as_text=True)
    assert "Small groups are not shown on their own" in page
    assert "more dealing near the school" not in page


def test_sites_under_five_are_not_counted_on_their_own(client, make_user, login, make_response):
    for _ in range(5):
        make_response(site="tumaco", change_story="Tumaco is quieter.")
    for _ in range(6):
        make_response(site="guaviare", change_story="Guaviare has a new road.")
    make_response(site="chilapa", change_story="The only one from Chilapa.", consent="quote")
    page = _evaluator(make_user, login).get(URL).get_data(as_text=True)
    chilapa = page[page.index('<th scope="row">Chilapa (Guerrero, MX)') :][:200]
    assert "fewer than 5" in chilapa  # named, never counted
    assert "<strong>11</strong> responses" in page  # so the total minus the other sites gives nothing away
    assert "The only one from Chilapa." not in page


def test_the_page_says_why_counts_can_be_lower(client, make_user, login, make_response):
    for _ in range(5):
        make_response()
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(URL).get_data(as_text=True)
    assert "may be lower than the full count" in page
    assert "A site's months with fewer than 5 responses are counted with the following month." in page
    assert "Responses per month as a table" in page
    page = evaluator.get(URL + "?lang=es").get_data(as_text=True)
    assert "puede ser menor que el recuento completo" in page
    assert "se cuentan con el mes siguiente" in page


def test_a_suppressed_page_gives_no_total(client, make_user, login, make_response):
    for _ in range(2):
        make_response()
    page = _evaluator(make_user, login).get(URL).get_data(as_text=True)
    assert "<strong>2</strong>" not in page and "Small groups are not shown on their own" in page


def test_site_filter_narrows_the_summary(client, make_user, login, make_response, db):
    for _ in range(5):
        make_response(site="tumaco", change_story="Tumaco story about shootings.")
    for _ in range(5):
        make_response(site="chilapa", change_story="Chilapa story about the clinic.")
    chilapa = db.session.scalars(select(Site).where(Site.slug == "chilapa")).one()
    page = _evaluator(make_user, login).get(f"{URL}?site={chilapa.id}").get_data(as_text=True)
    assert "<strong>5</strong> responses" in page
    assert "Chilapa story" in page and "Tumaco story" not in page


def _in_month(response, month):
    response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)


def test_month_filter_narrows_the_summary(app, monkeypatch, client, make_user, login, make_response, db):
    monkeypatch.setitem(app.config, "MIN_PERIOD_RESPONSES", 5)  # blocks as small as the group size: one month each here
    for _ in range(5):
        _in_month(make_response(change_story="An old story."), 1)
    for _ in range(5):
        _in_month(make_response(change_story="A recent story."), 4)
    db.session.commit()
    page = _evaluator(make_user, login).get(f"{URL}?month_from=2026-03&month_to=2026-04").get_data(as_text=True)
    assert "<strong>5</strong> responses" in page and "An old story." not in page
    assert 'type="month"' in page and 'value="2026-03"' in page


def test_months_merge_until_they_hold_min_period_responses(
    app, monkeypatch, client, make_user, login, make_response, db
):
    monkeypatch.setitem(app.config, "MIN_PERIOD_RESPONSES", 20)
    for _ in range(5):
        _in_month(make_response(change_story="An old story."), 1)
    for _ in range(5):
        _in_month(make_response(change_story="A recent story."), 4)
    db.session.commit()
    page = _evaluator(make_user, login).get(f"{URL}?month_from=2026-03&month_to=2026-04").get_data(as_text=True)
    assert "<strong>10</strong> responses" in page  # January joined April's block, counted at April


def test_reversed_months_get_a_message(client, make_user, login, make_response):
    for _ in range(5):
        make_response()
    page = _evaluator(make_user, login).get(f"{URL}?month_from=2026-05&month_to=2026-04").get_data(as_text=True)
    assert "The end month must be on or after the start month." in page


def test_a_month_typed_wrongly_is_explained_and_kept(client, make_user, login, make_response):
    for _ in range(5):
        make_response()
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(f"{URL}?month_from=March+2026").get_data(as_text=True)
    assert "Enter the month as year and month, for example 2026-03." in page
    assert 'value="March 2026"' in page and "<strong>5</strong> responses" in page
    page = evaluator.get(f"{URL}?month_from=marzo&lang=es").get_data(as_text=True)
    assert "Escriba el mes como año y mes, por ejemplo 2026-03." in page


def test_html_in_testimonies_is_escaped_everywhere(client, make_user, login, make_response, db):
    attack = "<script>alert('x')</script><b>bold</b> shootings"
    for _ in range(5):
        make_response(change_story=attack)
    testimonial = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).first()
    admin = login(make_user(Role.ADMIN))
    pages = [
        admin.get(URL).get_data(as_text=True),
        admin.get(f"{URL}/testimonials/{testimonial.id}").get_data(as_text=True),
        admin.get(f"/admin/testimonials/{testimonial.id}/raw").get_data(as_text=True),
    ]
    for page in pages:
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;alert(" in page


def test_testimony_page_highlights_the_evidence(client, make_user, login, make_response, db):
    make_response(change_story="The clinic closed. I do not feel safe at night.")
    testimonial = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    page = _evaluator(make_user, login).get(f"{URL}/testimonials/{testimonial.id}").get_data(as_text=True)
    assert '<mark title="Services" data-themes="services">clinic</mark>' in page
    assert 'data-themes="safety"' in page


@pytest.mark.parametrize(
    ("story", "secret", "placeholder"),
    [
        ("Call me on +57 310 555 1234 about the shootings.", "555 1234", "[phone]"),
        ("Llámeme al 3 0 0 1 2 3 4 5 6 7 por las amenazas.", "5 6 7", "[phone]"),
        ("Escríbame a maria.lopez at gmail dot com por las amenazas.", "gmail", "[email]"),
        ("Vivo en la Calle 10 # 5-23, donde fue la balacera.", "5-23", "[address]"),
    ],
)
def test_evaluators_never_see_the_raw_text(client, make_user, login, make_response, db, story, secret, placeholder):
    for _ in range(5):
        make_response(change_story=story)
    testimonial = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).first()
    evaluator = _evaluator(make_user, login)
    for url in (URL, f"{URL}/testimonials/{testimonial.id}"):
        page = evaluator.get(url).get_data(as_text=True)
        assert secret not in page and placeholder in page


def test_reading_the_raw_text_is_audited(client, make_user, login, make_response, db):
    make_response(change_story="Call me on +57 310 555 1234.")
    # The other testimony (what_would_help) holds no number; without an order PostgreSQL may return either.
    testimonial = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    admin = make_user(Role.ADMIN)
    page = login(admin).get(f"/admin/testimonials/{testimonial.id}/raw").get_data(as_text=True)
    assert "+57 310 555 1234" in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read_raw_text")).one()
    assert event.actor_id == admin.id and event.target_id == str(testimonial.id)


def test_testimony_of_another_survey_slug_is_404(client, make_user, login, make_response, db):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    assert _evaluator(make_user, login).get(f"/evaluate/other/testimonials/{testimonial.id}").status_code == 404


def test_unknown_survey_summary_is_404(client, make_user, login):
    assert _evaluator(make_user, login).get("/evaluate/nothing-here").status_code == 404


def test_an_evaluator_corrects_the_themes_and_the_summary_follows(client, make_user, login, make_response, db):
    for _ in range(5):
        make_response(change_story="The clinic closed last year.", what_would_help="")
    testimonial = db.session.scalars(select(Testimonial)).first()
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(f"{URL}/testimonials/{testimonial.id}").get_data(as_text=True)
    assert 'value="services" checked' in page or 'checked id="themes-' in page or "checked" in page
    response = evaluator.post(f"{URL}/testimonials/{testimonial.id}/themes", data={"themes": ["stigma"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [t.theme for t in testimonial.effective_tags] == ["stigma"]
    summary = evaluator.get(URL).get_data(as_text=True)
    assert "Stigma" in summary
    page = evaluator.get(f"{URL}/testimonials/{testimonial.id}").get_data(as_text=True)
    assert "overruled by a person" in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "correct_themes")).one()
    assert event.detail == {"themes": ["stigma"]}


def test_a_correction_to_an_unknown_theme_is_refused(client, make_user, login, make_response, db):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    page = (
        _evaluator(make_user, login)
        .post(f"{URL}/testimonials/{testimonial.id}/themes", data={"themes": ["not_a_theme"]})
        .get_data(as_text=True)
    )
    assert "not a valid choice" in page.lower()
    assert all(t.source.value == "machine" for t in testimonial.tags)


def test_not_scored_reasons_are_stored_as_codes_and_translated(client, make_user, login, make_response, db):
    make_response(language="es", change_story="Ajá.", what_would_help="")
    make_response(
        language="pt", change_story="A clínica fechou e agora as crianças não têm onde estudar.", what_would_help=""
    )
    unreadable, portuguese = db.session.scalars(select(Testimonial).order_by(Testimonial.id)).all()
    assert unreadable.sentiment_note == "no_known_words"
    assert portuguese.sentiment_note == "language_not_scored:pt"
    evaluator = _evaluator(make_user, login)
    page = evaluator.get(f"{URL}/testimonials/{unreadable.id}?lang=es").get_data(as_text=True)
    assert "demasiado corto: ninguna palabra que el método de sentimiento conozca" in page
    assert "sin puntuar" in page
    page = evaluator.get(f"{URL}/testimonials/{portuguese.id}?lang=es").get_data(as_text=True)
    assert "todavía no hay un método de sentimiento validado con textos en portugués etiquetados" in page
    page = evaluator.get(f"{URL}/testimonials/{portuguese.id}?lang=en").get_data(as_text=True)
    assert "no sentiment method validated on labelled Portuguese text yet" in page


def test_a_testimony_not_analysed_yet_shows_only_its_redacted_text(
    client, make_user, login, make_response, db, monkeypatch
):
    monkeypatch.setattr("survey.tasks.analyse_pending", lambda ids: 0)  # as if no worker had got to it yet
    make_response(change_story="They shoot at night. Call me on 310 555 1234 or maria.lopez@gmail.com.")
    item = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    page = _evaluator(make_user, login).get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "not analysed yet" in page and "They shoot at night." in page
    assert "310 555 1234" not in page and "maria.lopez" not in page
