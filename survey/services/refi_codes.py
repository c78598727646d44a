"""What REFI-QDA files (.qdpx, .qdc) name Voces's things by: stable GUIDs, and the codes with their colours.

A GUID is derived (uuid5) from a fixed Voces namespace and what the thing is, so that exporting twice
gives the same GUIDs and an import recognises the testimonies and codes that came from Voces.
"""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass, field

from sqlalchemy import select

from survey.extensions import db
from survey.models import Code, User
from survey.services.engine import codebook

NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1b2a3e4f5a6b")
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
MACHINE = "voces-machine"  # the coder the machine's tags are exported under
# Okabe-Ito's colour-blind-safe colours, then darker companions: a theme and its sub-themes share one.
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#8C510A",
    "#01665E",
    "#762A83",
    "#1B7837",
)


def guid(*parts: str) -> str:
    """The GUID of a thing named by these parts, the same on every export."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def text_source_guid(response_uuid: str, question: str) -> str:
    """A testimony's GUID: its response's UUID, which stays the same across databases, and its question."""
    return guid("testimony", response_uuid, question)


def code_guid(key: str) -> str:
    """A code's GUID, from its key."""
    return guid("code", key)


def user_guid(user: User | None) -> str:
    """A coder's GUID, from their e-mail address; None: the machine."""
    return guid("user", user.email.lower() if user is not None else MACHINE)


@dataclass
class RefiCode:
    """A code as REFI-QDA carries it: a codebook theme, a sub-theme or a team's code."""

    key: str
    name: str
    description: str
    colour: str
    team: Code | None = None
    children: list[RefiCode] = field(default_factory=list)

    @property
    def guid(self) -> str:
        """The code's GUID."""
        return code_guid(self.key)


def _colour(index: int | None, key: str) -> str:
    return PALETTE[(index if index is not None else zlib.crc32(key.encode())) % len(PALETTE)]


def code_tree(language: str) -> list[RefiCode]:
    """The codebook's themes with their sub-themes and the team's codes under them, then the team's other codes."""
    book = codebook()
    top: dict[str, RefiCode] = {}
    for index, theme in enumerate(book.top_level):
        description = theme.description.get(language) or theme.description.get("en", "")
        top[theme.key] = RefiCode(theme.key, theme.label_in(language), description, _colour(index, theme.key))
    for theme in book.themes:
        if theme.parent is not None and theme.parent in top:
            above = top[theme.parent]
            description = theme.description.get(language) or theme.description.get("en", "")
            above.children.append(RefiCode(theme.key, theme.label_in(language), description, above.colour))
    roots = list(top.values())
    for code in db.session.scalars(select(Code).order_by(Code.key)):
        definition = (code.definition_es if language == "es" else "") or code.definition_en
        parent = top.get(code.parent_theme or "")
        entry = RefiCode(code.key, code.label_in(language), definition, parent.colour if parent else "", code)
        entry.colour = entry.colour or _colour(None, code.key)
        (parent.children if parent else roots).append(entry)
    return roots


def flatten(codes: list[RefiCode]) -> list[RefiCode]:
    """Every code of a tree, parents before their children."""
    return [c for code in codes for c in (code, *flatten(code.children))]
