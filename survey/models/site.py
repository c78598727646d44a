"""The communities where testimonies are collected."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base


class Site(Base):
    """A community, with its region and country."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2

    @property
    def display_name(self) -> str:
        """Name with region and country, for pick lists."""
        return f"{self.name} ({self.region}, {self.country})"
