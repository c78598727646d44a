"""Static files under versioned URLs, cached for a year, and the /favicon.ico browsers ask for."""

# url_for("static", ...) adds ?v=<digest of the file>, so a changed file gets a new URL and a
# browser can keep each version for good instead of asking again on every page. A request whose
# v= is not the current digest (a page cached before an update) is answered but not kept.

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, send_from_directory
from flask.typing import ResponseReturnValue
from werkzeug.security import safe_join

STATIC_MAX_AGE = 365 * 24 * 3600
FAVICON_MAX_AGE = 24 * 3600  # its address cannot carry a version


@lru_cache(maxsize=512)
def _digest(path: str, modified_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(filename: str) -> str:
    """A digest of a static file's content, or "" if there is no such file."""
    path = safe_join(current_app.static_folder or "", filename)
    if path is None or not Path(path).is_file():
        return ""
    return _digest(path, Path(path).stat().st_mtime_ns)


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def _cache_versioned(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == static_version(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
    return response


def favicon() -> ResponseReturnValue:
    """The site's icon, where browsers look for it without a link."""
    return send_from_directory(current_app.static_folder or "", "favicon.ico", max_age=FAVICON_MAX_AGE)


def register_static_files(app: Flask) -> None:
    """Version static URLs by content, let browsers keep them for a year, and serve /favicon.ico."""
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
