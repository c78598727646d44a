"""Maps where a tile server is configured: its tiles, its attribution, and the source the page's CSP then allows."""

# Tiles are fetched by the browser from someone else's server, which learns the reader's address and
# the places looked at: no page asks for them unless MAP_TILE_URL names a server, and only a page that
# draws a map (it called map_tiles() while rendering) lets its Content-Security-Policy reach that server.

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g

SUBDOMAINS = "{s}."  # Leaflet's placeholder for a tile server's sub-domains (a., b., c.)
HOST = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


class TileURLError(ValueError):
    """MAP_TILE_URL is not an address Voces can let pages fetch tiles from."""


@dataclass(frozen=True)
class MapTiles:
    """The tile server a map is drawn over, and the attribution its terms ask for."""

    url: str
    attribution: str


def tile_source(url: str) -> str:
    """The CSP source that lets a page fetch these tiles; '' for a URL 'self' or data: already covers."""
    if url.startswith(("/", "data:")) and not url.startswith("//"):
        return ""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix(SUBDOMAINS)
    if parts.scheme not in ("http", "https") or not HOST.fullmatch(host):
        raise TileURLError(
            f"MAP_TILE_URL must be an http(s) address such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png, "
            f"a path on this site or a data: URL, not {url!r}"
        )
    wildcard = "*." if parts.netloc.startswith(SUBDOMAINS) else ""
    return f"{parts.scheme}://{wildcard}{host}"


def map_tiles() -> MapTiles | None:
    """The configured tiles, marking this page as one that fetches them; None where no tile server is set."""
    url = str(current_app.config.get("MAP_TILE_URL") or "")
    if not url:
        return None
    g.map_tiles_shown = True
    return MapTiles(url, str(current_app.config.get("MAP_ATTRIBUTION") or ""))


def tiles_allowed() -> str:
    """The CSP source for the tiles a page just drew a map over; '' when it drew none."""
    url = str(current_app.config.get("MAP_TILE_URL") or "")
    return tile_source(url) if url and g.get("map_tiles_shown") else ""
