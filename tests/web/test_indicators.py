"""Administrators import indicators; evaluators see their trend beside the voices of the same sites and months."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from sqlalchemy import select

from survey.models import AuditEvent, Indicator, IndicatorValue, Role
from survey.services.sites import get_site
from tests.conftest import count
from tests.services.test_indicators import xlsx

CSV = (
    "indicador;sitio;mes;valor;unidad\n"
    "Homicidios;tumaco;2026-01;14;casos\nHomicidios;tumaco;2026-04;9;casos\n"
    "Homicidios;chilapa;2026-01;5;casos\nHomicidios;chilapa;2026-04;6;casos\n"
)


def upload(client, name: str, data: bytes, lang: str = "en"):
    return client.post(
        f"/admin/indicators?lang={lang}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_admin_imports_a_csv_then_an_xlsx_that_updates_it(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    page = upload(client, "police.csv", CSV.encode()).get_data(as_text=True)
    assert "Imported 4 rows: 4 new, 0 updated, 0 unchanged." in page
    assert "Homicidios" in page and "2026-01 – 2026-04" in page
    workbook = xlsx(
        [
            ["indicator", "site", "month", "value"],
            ["homicidios", "Tumaco", "2026-04", 10],
            ["Homicidios", "chilapa", "2026-04", 6],
            ["Overdoses", "chilapa", "2026-04", "2,5"],
        ]
    )
    page = upload(client, "update.xlsx", workbook).get_data(as_text=True)
    assert "Imported 3 rows: 1 new, 1 updated, 1 unchanged." in page
    assert count(Indicator) == 2 and count(IndicatorValue) == 5
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_indicators")).all()[-1]
    assert event.actor_id is not None and event.detail["source"] == "update.xlsx"


def test_a_bad_file_is_refused_whole_with_every_problem_named_in_spanish(client, make_user, login, example_survey):
    login(make_user(Role.ADMIN))
    bad = CSV + "Homicidios;atlantida;2026-02;3;casos\nHomicidios;tumaco;2026-02;tres;casos\n"
    response = upload(client, "malo.csv", bad.encode(), lang="es")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "No se importó nada" in page
    assert "Fila 6, columna “sitio”: “atlantida” no es un sitio" in page
    assert "Fila 7, columna “valor”: “tres” no es un número." in page
    assert count(IndicatorValue) == 0
    refused = upload(client, "notes.txt", b"x").get_data(as_text=True)
    assert "Send a CSV file (.csv) or an Excel workbook (.xlsx)." in refused


def test_an_admin_is_asked_before_an_indicator_is_deleted(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    upload(client, "police.csv", CSV.encode())
    indicator = db.session.scalars(select(Indicator)).one()
    address = f"/admin/indicators/{indicator.id}/delete"
    asked = client.post(f"{address}?lang=es").get_data(as_text=True)
    assert "¿Eliminar Homicidios?" in asked and "Sus 4 valores" in asked and count(IndicatorValue) == 4
    page = client.post(address, data={"confirm": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "Se eliminó Homicidios y sus 4 valores." in page and count(IndicatorValue) == 0
    assert client.post(address, data={"confirm": "yes"}).status_code == 404


def _summary_with_indicators(app, monkeypatch, client, make_user, login, make_response, db):
    monkeypatch.setitem(app.config, "MIN_PERIOD_RESPONSES", 5)  # one month an atom
    for month, story in ((1, "More shootings at night."), (4, "The clinic opened and it is calmer.")):
        for _ in range(5):
            make_response(site="tumaco", change_story=story).submitted_at = datetime(2026, month, 15, tzinfo=UTC)
    db.session.commit()
    login(make_user(Role.ADMIN))
    upload(client, "police.csv", CSV.encode())


def test_the_summary_shows_the_trend_beside_the_voices_for_the_site_chosen(
    app, monkeypatch, client, make_user, login, make_response, db
):
    _summary_with_indicators(app, monkeypatch, client, make_user, login, make_response, db)
    tumaco = get_site("tumaco").id
    page = client.get(f"/evaluate/community-safety?site={tumaco}").get_data(as_text=True)
    assert "Other evidence" in page and 'aria-label="Homicidios (casos) per month, from 2026-01 to 2026-04"' in page
    table = page[page.index('id="evidence-caption"') :]
    rows = table.split("<tr>")[2:6]
    assert [r.split("</th>")[0].rsplit(">", 1)[1] for r in rows] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert '<td class="num">14</td>' in rows[0] and '<td class="num">5</td>' in rows[0]  # 14 homicides, 5 responses
    assert '<td class="num">9</td>' in rows[3] and "–" in rows[1]
    everywhere = client.get("/evaluate/community-safety").get_data(as_text=True)
    both = everywhere[everywhere.index('id="evidence-caption"') :].split("<tr>")[2]
    assert '<td class="num">19</td>' in both  # tumaco's 14 and chilapa's 5


def test_the_summary_months_narrow_the_trend_and_spanish_words_it(
    app, monkeypatch, client, make_user, login, make_response, db
):
    _summary_with_indicators(app, monkeypatch, client, make_user, login, make_response, db)
    page = client.get("/evaluate/community-safety?month_from=2026-04&lang=es").get_data(as_text=True)
    assert "Otras evidencias" in page and "Homicidios (casos) por mes, de 2026-04 a 2026-04" in page
    assert ">2026-01<" not in page[page.index('id="evidence-caption"') :]


def test_no_section_without_indicators(client, make_user, login, make_response):
    make_response()
    login(make_user(Role.EVALUATOR))
    assert "Other evidence" not in client.get("/evaluate/community-safety").get_data(as_text=True)


def test_a_file_larger_than_voces_accepts_gets_a_413_page(app, client, make_user, login, example_survey, monkeypatch):
    login(make_user(Role.ADMIN))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = upload(client, "big.csv", CSV.encode() * 40)
    assert response.status_code == 413 and "What you sent is too large" in response.get_data(as_text=True)
    assert count(IndicatorValue) == 0
