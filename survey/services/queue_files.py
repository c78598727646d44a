"""Queue files: what a tablet saves when it cannot sync, read back on the server."""

from __future__ import annotations

import json
from typing import Any

from survey.questionnaire.messages import N_, Message
from survey.services.records import RecordResult
from survey.services.sync import ingest_batch

MAX_DEPTH = 32  # a record is an object of answers, some of them lists: a few levels
NOT_TEXT = N_("not a JSON file: it is not UTF-8 text")
NOT_JSON = N_("not a JSON file: there is an error at line %(line)s, column %(column)s")
TOO_DEEP = N_("JSON nested more than %(n)s levels deep")
NOT_QUEUE = N_('a queue file holds {"records": [...]}')


class QueueFileError(ValueError):
    """A file that is not a Voces queue file: str() in English, message to word in the reader's language."""

    def __init__(self, template: str, **params: object) -> None:
        self.message = Message(template, params)
        super().__init__(str(self.message))


class TooDeepError(QueueFileError):
    """JSON whose lists and objects nest deeper than any record does."""


def nesting_depth(value: Any) -> int:
    """How deeply lists and objects nest in parsed JSON, counted without recursion."""
    if not isinstance(value, dict | list):
        return 0
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))  # texts: no deeper
    return deepest


def parse_json(data: bytes) -> Any:
    """A JSON body or file, refused with a reason when it is not JSON or nests too deeply."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise QueueFileError(NOT_TEXT) from None
    except json.JSONDecodeError as error:
        raise QueueFileError(NOT_JSON, line=error.lineno, column=error.colno) from None
    except RecursionError:  # deeper than Python parses, so deeper than MAX_DEPTH too
        raise TooDeepError(TOO_DEEP, n=MAX_DEPTH) from None
    if nesting_depth(payload) > MAX_DEPTH:
        raise TooDeepError(TOO_DEEP, n=MAX_DEPTH)
    return payload


def read_queue_file(data: bytes) -> list[Any]:
    """The records of a queue file: {"records": [...]} as the sync API takes them."""
    payload = parse_json(data)
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise QueueFileError(NOT_QUEUE)
    return records


def import_queue_file(data: bytes, *, language: str = "en") -> list[RecordResult]:
    """Store a queue file's records by the sync API's batch path, with the same duplicate rules.

    Raises QueueFileError when the file is not a queue file. The person who imports it is not the
    interviewer: the file does not say who was.
    """
    return ingest_batch(read_queue_file(data), user=None, device=None, source="file", language=language)
