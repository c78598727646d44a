"""The communities responses come from."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from survey.extensions import db
from survey.models import Site, User
from survey.services.audit import record_event

COLUMNS = ("slug", "name", "region", "country")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
LIMITS = {"slug": 80, "name": 200, "region": 200}


class SiteImportError(ValueError):
    """A sites file that cannot be imported; every problem is named by row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SiteFields:
    """What a site is: its slug, name, region and ISO 3166-1 alpha-2 country."""

    slug: str
    name: str
    region: str
    country: str


@dataclass(frozen=True)
class SiteImport:
    """What an import did."""

    created: int
    updated: int


def list_sites() -> list[Site]:
    """Every site, by country then name."""
    return list(db.session.scalars(select(Site).order_by(Site.country, Site.name)))


def site_places() -> list[str]:
    """Every site's name and region: places that redaction keeps."""
    rows = db.session.execute(select(Site.name, Site.region)).all()
    return sorted({place for row in rows for place in row if place})


def get_site(slug: str) -> Site | None:
    """The site with this slug (looked up without flushing pending changes first)."""
    with db.session.no_autoflush:
        return db.session.scalar(select(Site).where(Site.slug == slug))


def field_problems(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with each column of a site, by column name; empty when it is valid."""
    problems: dict[str, str] = {}
    for column in COLUMNS:
        value = values.get(column)
        if value is None or not str(value).strip():
            problems[column] = "is missing"
        elif not isinstance(value, str):
            problems[column] = "must be text (put it in quotes)"
        elif column in LIMITS and len(value.strip()) > LIMITS[column]:
            problems[column] = f"is longer than {LIMITS[column]} characters"
    if "slug" not in problems and not SLUG.match(str(values["slug"]).strip()):
        problems["slug"] = "must be lower-case letters, digits and single hyphens, e.g. san-jose"
    if "country" not in problems and not COUNTRY.match(str(values["country"]).strip()):
        problems["country"] = "must be a two-letter ISO 3166-1 code in capitals, e.g. CO"
    return problems


def read_sites_file(path: str | Path) -> list[SiteFields]:
    """Read and check a YAML list like config/sites.yaml, or a CSV with the same columns."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise SiteImportError([f"the header row has no column {', '.join(missing)}"])
        rows: list[Any] = list(reader)
        first_row = 2  # the header is row 1, as a spreadsheet numbers them
    elif path.suffix.lower() in (".yaml", ".yml"):
        try:
            rows = yaml.safe_load(text) or []
        except yaml.YAMLError as error:
            raise SiteImportError([f"not valid YAML: {error}"]) from None
        if not isinstance(rows, list):
            raise SiteImportError(["the file must be a list of sites, as in config/sites.yaml"])
        first_row = 1
    else:
        raise SiteImportError(["the file must end in .yaml, .yml or .csv"])
    return check_rows(rows, first_row)


def check_rows(rows: list[Any], first_row: int) -> list[SiteFields]:
    """Every row as a site, or an error naming each bad row and column and each repeated slug."""
    problems: list[str] = []
    sites: list[SiteFields] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        if not isinstance(row, dict):
            problems.append(f"row {number}: must have the columns {', '.join(COLUMNS)}")
            continue
        bad = field_problems(row)
        problems.extend(f"row {number}, column {column}: {problem}" for column, problem in bad.items())
        if bad:
            continue
        site = SiteFields(*(str(row[column]).strip() for column in COLUMNS))
        if site.slug in seen:
            problems.append(f"row {number}, column slug: {site.slug} is already on row {seen[site.slug]}")
        seen[site.slug] = number
        sites.append(site)
    if problems:
        raise SiteImportError(problems)
    return sites


def save_site(fields: SiteFields, site: Site | None = None) -> Site:
    """Create a site, or update this one (or the one with the slug); the caller has checked the fields."""
    site = site or get_site(fields.slug) or Site()
    site.slug, site.name, site.region, site.country = fields.slug, fields.name, fields.region, fields.country
    db.session.add(site)
    db.session.flush()
    return site


def import_sites(sites: list[SiteFields], actor: User | None = None, source: str = "") -> SiteImport:
    """Create the new slugs and update the known ones, audited as one import."""
    created = sum(get_site(fields.slug) is None for fields in sites)
    for fields in sites:
        save_site(fields)
    record_event("import_sites", actor=actor, source=source, created=created, updated=len(sites) - created)
    return SiteImport(created=created, updated=len(sites) - created)


def upsert_sites_from_file(path: str | Path) -> list[Site]:
    """Create or update the sites listed in a YAML file (the demo's and the tests')."""
    return [save_site(fields) for fields in read_sites_file(path)]


def sites_chosen(site_id: int | None, region: tuple[str, str] | None) -> set[int] | None:
    """The sites a filter keeps: one site, the sites of one region (country code, name), or every site (None)."""
    if site_id is not None:
        return {site_id}
    if region is not None:
        country, name = region
        return set(db.session.scalars(select(Site.id).where(Site.country == country, Site.region == name)))
    return None
