"""The communities responses come from."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from survey.extensions import db
from survey.models import Site


def list_sites() -> list[Site]:
    """Every site, by country then name."""
    return list(db.session.scalars(select(Site).order_by(Site.country, Site.name)))


def get_site(slug: str) -> Site | None:
    """The site with this slug (looked up without flushing pending changes first)."""
    with db.session.no_autoflush:
        return db.session.scalar(select(Site).where(Site.slug == slug))


def upsert_sites_from_file(path: str | Path) -> list[Site]:
    """Create or update the sites listed in a YAML file."""
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    sites = []
    for row in rows:
        site = get_site(row["slug"]) or Site(slug=row["slug"])
        site.name, site.region, site.country = row["name"], row["region"], row["country"]
        db.session.add(site)
        sites.append(site)
    db.session.flush()
    return sites
