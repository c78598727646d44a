"""The sites commands: import a YAML or CSV list, list them."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Site
from survey.services.demo import SITES_FILE
from tests.conftest import count


def test_sites_import_creates_then_updates_by_slug(runner, db, tmp_path):
    first = runner.invoke(args=["sites", "import", str(SITES_FILE)])
    assert first.exit_code == 0, first.output
    assert "6 sites created, 0 updated." in first.output
    path = tmp_path / "sites.csv"
    path.write_text("slug,name,region,country\ntumaco,San Andrés de Tumaco,Nariño,CO\n", encoding="utf-8")
    again = runner.invoke(args=["sites", "import", str(path)])
    assert "0 sites created, 1 updated." in again.output
    assert db.session.scalar(select(Site).where(Site.slug == "tumaco")).name == "San Andrés de Tumaco"
    listed = runner.invoke(args=["sites", "list"]).output
    assert "tumaco\tSan Andrés de Tumaco\tNariño\tCO" in listed


def test_sites_import_of_a_bad_file_imports_nothing_and_names_every_problem(runner, db, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("slug,name,region,country\ngood,Good,R,CO\nBad Slug,B,R,CO\nc,C,R,\n", encoding="utf-8")
    result = runner.invoke(args=["sites", "import", str(path)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "row 3, column slug" in result.output and "row 4, column country: is missing" in result.output
    assert count(Site) == 0
