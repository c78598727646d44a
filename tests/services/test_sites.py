"""Sites from a YAML list or a CSV: checked whole, created or updated by slug, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Site
from survey.services.demo import SITES_FILE
from survey.services.sites import SiteImportError, import_sites, read_sites_file
from tests.conftest import count

HEADER = "slug,name,region,country\n"


def test_the_demo_yaml_reads_as_sites():
    sites = read_sites_file(SITES_FILE)
    assert sites[0].slug == "guaviare" and sites[1].region == "Nariño" and len(sites) == 6


def test_a_csv_with_the_same_columns_reads_the_same(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(HEADER + "tumaco, Tumaco ,Nariño,CO\n", encoding="utf-8")
    (site,) = read_sites_file(path)
    assert (site.slug, site.name, site.region, site.country) == ("tumaco", "Tumaco", "Nariño", "CO")


def test_an_existing_slug_is_updated_and_a_new_one_created(tmp_path, db):
    import_sites(read_sites_file(SITES_FILE))
    path = tmp_path / "sites.csv"
    path.write_text(HEADER + "tumaco,San Andrés de Tumaco,Nariño,CO\nquibdo,Quibdó,Chocó,CO\n", encoding="utf-8")
    result = import_sites(read_sites_file(path), source="sites.csv")
    assert (result.created, result.updated) == (1, 1)
    assert db.session.scalar(select(Site).where(Site.slug == "tumaco")).name == "San Andrés de Tumaco"
    assert count(Site) == 7
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "import_sites" and event.detail == {"source": "sites.csv", "created": 1, "updated": 1}


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        (
            "guaviare,Guaviare,Guaviare,CO\nSan José,San José,Guaviare,Colombia\n",
            ["row 3, column slug: must be lower-case", "row 3, column country: must be a two-letter"],
        ),
        ("a,A,,CO\n", ["row 2, column region: is missing"]),
        ("a,A,R,CO\na,B,R,CO\n", ["row 3, column slug: a is already on row 2"]),
        ("a," + "n" * 201 + ",R,CO\n", ["row 2, column name: is longer than 200 characters"]),
    ],
)
def test_bad_rows_are_named_by_row_and_column(tmp_path, rows, problems):
    path = tmp_path / "sites.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(SiteImportError) as error:
        read_sites_file(path)
    assert len(error.value.problems) == len(problems)
    for problem, expected in zip(error.value.problems, problems, strict=True):
        assert problem.startswith(expected), error.value.problems


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("sites.csv", "slug,name,country\n", "the header row has no column region"),
        ("sites.yaml", "slug: a\n", "the file must be a list"),
        ("sites.yaml", "- [a, b]\n", "row 1: must have the columns"),
        ("sites.yaml", "- {slug: a, name: A, region: R, country: NO}\n", "row 1, column country: must be text"),
        ("sites.yaml", "- {slug: a\n", "not valid YAML"),
        ("sites.txt", "a,A,R,CO\n", "the file must end in .yaml"),
    ],
)
def test_files_of_the_wrong_shape_say_what_is_wrong(tmp_path, name, text, problem):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SiteImportError, match=problem):
        read_sites_file(path)
