"""Queue files: what a tablet saves when it cannot sync, read back on the server."""

from __future__ import annotations

import json
from typing import Any


class QueueFileError(ValueError):
    """A file that is not a Voces queue file."""


def read_queue_file(data: bytes) -> list[Any]:
    """The records of a queue file: {"records": [...]} as the sync API takes them."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise QueueFileError(f"not a JSON file: {error}") from None
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise QueueFileError('a queue file holds {"records": [...]}')
    return records
