"""Indicators read from CSV and XLSX files, checked row by row, and imported all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from survey.models import AuditEvent, Combine, Indicator, IndicatorValue
from survey.services.indicator_files import (
    IndicatorFileError,
    indicator_code,
    parse_number,
    read_indicator_file,
)
from survey.services.indicators import delete_indicator, import_indicator_rows, indicator_trends, list_indicators
from survey.services.sites import get_site, list_sites
from survey.services.wording import worded
from tests.conftest import count


def xlsx(rows: list[list[object]]) -> bytes:
    """A workbook whose first sheet holds these rows."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(name: str, data: bytes | str):
    return read_indicator_file(name, data.encode() if isinstance(data, str) else data, list_sites())


def problems_of(name: str, data: bytes | str) -> list[str]:
    with pytest.raises(IndicatorFileError) as caught:
        read(name, data)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        ("-3", -3.0),
        ("1 234,5", 1234.5),
        ("abc", None),
        ("1,2,3", None),
        ("", None),
    ],
)
def test_numbers_are_read_with_a_decimal_comma_or_point(text, number):
    assert parse_number(text) == number


def test_names_fold_to_one_code_whatever_their_accents_and_spaces():
    assert (
        indicator_code("Hectáreas  erradicadas") == indicator_code("hectareas erradicadas") == "hectareas-erradicadas"
    )


def test_a_csv_with_english_headers_is_read_by_site_code_or_name(app, example_survey):
    rows = read(
        "police.csv",
        "indicator,site,month,value,unit\nHomicides,tumaco,2026-03,12,count\nHomicides,Chilapa,2026-03-17,4,count\n",
    )
    assert [(r.code, r.site_id, r.month, r.value, r.unit) for r in rows] == [
        ("homicides", get_site("tumaco").id, date(2026, 3, 1), 12.0, "count"),
        ("homicides", get_site("chilapa").id, date(2026, 3, 1), 4.0, "count"),
    ]
    assert [r.number for r in rows] == [2, 3]


def test_a_spanish_csv_with_semicolons_and_decimal_commas_is_read(app, example_survey):
    text = "Indicador;Sitio;Mes;Valor;Agregación\nTasa de sobredosis;san jose del guaviare;03/2026;2,5;media\n"
    (row,) = read("salud.csv", text.encode("cp1252"))
    assert (row.name, row.site_id, row.month, row.value) == (
        "Tasa de sobredosis",
        get_site("guaviare").id,
        date(2026, 3, 1),
        2.5,
    )
    assert row.combine == Combine.MEAN


def test_an_xlsx_with_dates_and_numbers_as_cells_is_read(app, example_survey):
    data = xlsx(
        [
            ["indicador", "sitio", "mes", "valor"],
            ["Visitas a la clínica", "tumaco", date(2026, 5, 1), 310],
            [None, None, None, None],
            ["Visitas a la clínica", "tumaco", "2026-06", "320,5"],
        ]
    )
    rows = read("clinicas.xlsx", data)
    assert [(r.month, r.value, r.number) for r in rows] == [(date(2026, 5, 1), 310.0, 2), (date(2026, 6, 1), 320.5, 4)]


def test_every_bad_row_and_column_is_named(app, example_survey):
    problems = problems_of(
        "bad.csv",
        "indicator,site,month,value\nHomicides,atlantis,2026-03,1\nHomicides,tumaco,March,1\n"
        "Homicides,tumaco,2026-13,x\n,tumaco,2026-04,2\nHomicides,tumaco,1999-01,2\n",
    )
    assert problems == [
        "Row 2, column “site”: “atlantis” is not a site Voces knows: give its short name or its name.",
        "Row 3, column “month”: “March” is not a month: write it as 2026-03.",
        "Row 4, column “month”: “2026-13” is not a month: write it as 2026-03.",
        "Row 4, column “value”: “x” is not a number.",
        "Row 5, column “indicator”: it is empty.",
        "Row 6, column “month”: the month must be between 2000 and 2100.",
    ]


def test_a_repeated_cell_and_a_changing_unit_are_refused(app, example_survey):
    problems = problems_of(
        "twice.csv",
        "indicator,site,month,value,unit\n"
        "Homicides,tumaco,2026-03,1,count\nhomicides,Tumaco,2026-03-31,2,per 100 000\n",
    )
    assert problems == [
        "Row 3: the same indicator, site and month as row 2.",
        "Row 3, column “unit”: “per 100 000” differs from “count” on row 2.",
    ]


def test_missing_columns_an_empty_file_and_a_wrong_kind_of_file_are_explained(app, example_survey):
    assert problems_of("a.csv", "indicator,site,value\nx,tumaco,1\n") == ["The header row has no column “month / mes”."]
    assert problems_of("a.csv", "") == ["The file is empty."]
    assert problems_of("a.csv", "indicator,site,month,value\n") == ["The file has a header row but no values."]
    assert problems_of("a.xlsx", b"not a workbook") == ["The file is not an Excel workbook (.xlsx) that can be read."]
    assert problems_of("a.txt", "indicator") == ["Send a CSV file (.csv) or an Excel workbook (.xlsx)."]


def test_a_file_of_too_many_rows_is_refused(app, example_survey, monkeypatch):
    monkeypatch.setattr("survey.services.indicator_files.MAX_ROWS", 3)
    text = "indicator,site,month,value\n" + "".join(f"Homicides,tumaco,2026-0{m},1\n" for m in (1, 2, 3))
    assert problems_of("a.csv", text) == ["The file has more than 3 rows: split it."]
    assert problems_of("a.xlsx", xlsx([line.split(",") for line in text.splitlines()])) == [
        "The file has more than 3 rows: split it."
    ]
    assert len(read("a.csv", text.rsplit("Homicides", 1)[0])) == 2


def test_problems_are_worded_in_spanish(app, example_survey):
    with pytest.raises(IndicatorFileError) as caught:
        read("a.csv", "indicador,sitio,mes,valor\nHomicidios,atlantis,2026-03,1\n")
    with app.test_request_context("/?lang=es"):
        problems = [worded(problem) for problem in caught.value.problems]
    assert problems == [
        "Fila 2, columna “sitio”: “atlantis” no es un sitio que Voces conozca: indique su nombre corto o su nombre."
    ]


CSV = (
    "indicator,site,month,value\nHomicides,tumaco,2026-03,12\nHomicides,tumaco,2026-04,9\nHomicides,chilapa,2026-04,3\n"
)


def test_reimporting_updates_changed_cells_and_counts_the_rest(app, example_survey, db):
    first = import_indicator_rows(read("a.csv", CSV), source="a.csv")
    assert (first.created, first.updated, first.unchanged, first.new_indicators) == (3, 0, 0, 1)
    again = CSV.replace("2026-04,9", "2026-04,10") + "Homicides,tumaco,2026-05,7\n"
    second = import_indicator_rows(read("b.csv", again), source="b.csv")
    assert (second.created, second.updated, second.unchanged, second.new_indicators) == (1, 1, 2, 0)
    values = db.session.scalars(select(IndicatorValue).order_by(IndicatorValue.month, IndicatorValue.site_id)).all()
    assert [(v.month.month, v.value) for v in values if v.site_id == get_site("tumaco").id] == [
        (3, 12.0),
        (4, 10.0),
        (5, 7.0),
    ]
    assert {v.source for v in values} == {"a.csv", "b.csv"}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_indicators")).all()
    assert [(e.detail["created"], e.detail["updated"], e.detail["unchanged"]) for e in events] == [(3, 0, 0), (1, 1, 2)]


def test_a_file_with_one_bad_row_imports_nothing(app, example_survey):
    import_indicator_rows(read("a.csv", CSV), source="a.csv")
    with pytest.raises(IndicatorFileError):
        read(
            "b.csv", CSV.replace("2026-04,9", "2026-04,9") + "Overdoses,tumaco,2026-03,1\nOverdoses,nowhere,2026-03,1\n"
        )
    assert count(IndicatorValue) == 3 and count(Indicator) == 1


def test_sites_are_added_up_or_averaged_and_one_site_is_shown_alone(app, example_survey):
    rates = (
        "indicator,site,month,value,combine\nOverdose rate,tumaco,2026-04,2,mean\nOverdose rate,chilapa,2026-04,4,\n"
    )
    import_indicator_rows(read("a.csv", CSV) + read("b.csv", rates), source="a.csv")
    months = ["2026-03", "2026-04", "2026-05"]
    trends = {t.indicator.code: t for t in indicator_trends(None, months)}
    assert trends["homicides"].values == [12.0, 12.0, None] and trends["homicides"].reporting == [1, 2, 0]
    assert trends["overdose-rate"].values == [None, 3.0, None]
    tumaco = {t.indicator.code: t.values for t in indicator_trends({get_site("tumaco").id}, months)}
    assert tumaco == {"homicides": [12.0, 9.0, None], "overdose-rate": [None, 2.0, None]}


def test_listing_and_deleting_an_indicator(app, example_survey, db):
    import_indicator_rows(read("a.csv", CSV), source="a.csv")
    (listing,) = list_indicators()
    assert (listing.values, listing.sites, listing.first, listing.last) == (3, 2, date(2026, 3, 1), date(2026, 4, 1))
    assert delete_indicator(listing.indicator) == 3
    assert count(IndicatorValue) == 0 and count(Indicator) == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "delete_indicator")).one()
    assert event.detail == {"code": "homicides", "values": 3}


def test_a_region_combines_its_own_sites_only(app, example_survey):
    """Tumaco is in Nariño; Chilapa is in Guerrero: a region's figure leaves other regions' sites out."""
    from survey.services.indicators import other_evidence
    from survey.services.summaries import SummaryFilters

    import_indicator_rows(read("a.csv", CSV), source="a.csv")
    narino = other_evidence(SummaryFilters(region=("CO", "Nariño")), [])
    everywhere = other_evidence(SummaryFilters(), [])
    assert narino is not None and everywhere is not None
    assert narino.months == ["2026-03", "2026-04"]
    assert [t.values for t in narino.trends] == [[12.0, 9.0]]
    assert [t.values for t in everywhere.trends] == [[12.0, 12.0]]
    guerrero = other_evidence(SummaryFilters(region=("MX", "Guerrero")), [])
    assert guerrero is not None and guerrero.months == ["2026-04"] and [t.values for t in guerrero.trends] == [[3.0]]
