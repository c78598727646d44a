"""ODK Collect's and KoboCollect's "Configure with QR code": a tablet set up in one scan."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from typing import Any

import segno

# Admin settings the programme fixes on the tablet: field workers keep every form they filled.
FIXED_ADMIN_SETTINGS: Mapping[str, bool] = {"delete_saved": False, "change_server": False}


def collect_settings(server_url: str, project_name: str) -> dict[str, Any]:
    """The settings Collect reads from its QR code: the server, the project, the fixed admin settings."""
    return {
        "general": {"protocol": "odk_default", "server_url": server_url, "username": "", "password": ""},
        "admin": dict(FIXED_ADMIN_SETTINGS),
        "project": {"name": project_name, "icon": project_name[:1].upper() or "V", "color": "#073763"},
    }


def settings_payload(settings: Mapping[str, Any]) -> str:
    """The QR code's text: the settings as JSON, compressed with zlib, in base64 (Collect's format)."""
    compact = json.dumps(settings, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(compact)).decode("ascii")


def read_payload(payload: str) -> dict[str, Any]:
    """The settings a QR code's text holds, as Collect reads them."""
    settings: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(payload)))
    return settings


def qr_svg(payload: str) -> str:
    """The QR code as an inline SVG element, drawn on the server: the page needs no script."""
    return str(segno.make(payload, error="l", micro=False).svg_inline(scale=4, title="ODK Collect"))
