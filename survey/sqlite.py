"""SQLite for a multi-threaded server: write-ahead log, a busy timeout, and write locks taken up front.

SQLite lets one connection write at a time. Python's sqlite3 module begins a transaction only at
the first INSERT, after the request has already read: in WAL mode a reader that then wants to write
while another connection has written since gets "database is locked" at once, whatever the busy
timeout. So SQLAlchemy emits BEGIN itself (the recipe in its SQLite dialect documentation): BEGIN
IMMEDIATE for a request that may write (any method but GET, HEAD and OPTIONS) and for the CLI,
which waits its turn for the write lock up to the busy timeout instead of failing half-way; a plain
BEGIN for the pages that only read, which WAL lets run beside a writer. Emitting BEGIN ourselves also
makes SAVEPOINTs part of the request's transaction, as they are on PostgreSQL.

SQLite's busy timeout polls, with sleeps of up to 100 ms, and serves whoever polls first: with 20
writers waiting, some wait many times longer than the rest. Within one process, writers therefore
also queue on a lock, released when their transaction ends, so each starts as soon as the one
before it is done; other processes (or a lock not got within the timeout) still meet SQLite's wait.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Connection, Engine, event

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOLDS_WRITE_LOCK = "voces_holds_write_lock"  # in a pooled connection's info while its transaction writes
_reading_only: ContextVar[bool] = ContextVar("voces_reading_only", default=False)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Set up a file SQLite engine for concurrent requests; other databases are left alone."""
    if engine.dialect.name != "sqlite" or is_in_memory(engine):
        return

    @event.listens_for(engine, "connect")
    def set_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
        connection.isolation_level = None  # the driver no longer begins transactions: begin_transaction does
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")  # readers no longer wait for a writer, nor it for them
        cursor.execute("PRAGMA synchronous = NORMAL")  # with WAL, a power cut may lose the last commit, never corrupt
        # Deleted rows are overwritten with zeros, not left in free pages: a withdrawn testimony's text
        # must not stay readable in the database file.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    writers = threading.Lock()

    def release(info: dict[Any, Any]) -> None:
        if info.pop(HOLDS_WRITE_LOCK, False):
            writers.release()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection: Connection) -> None:
        if not may_write():
            connection.exec_driver_sql("BEGIN")
            return
        if writers.acquire(timeout=busy_timeout_ms / 1000):
            connection.info[HOLDS_WRITE_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(connection.info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def end_transaction(connection: Connection) -> None:
        release(connection.info)

    @event.listens_for(engine, "checkin")
    @event.listens_for(engine, "invalidate")
    def connection_returned(_connection: Any, record: Any, *_exception: Any) -> None:
        release(record.info)  # a transaction that never saw its end (a lost connection) gives the lock back too


def is_in_memory(engine: Engine) -> bool:
    """Whether the database is in memory: the tests' one connection that every thread shares, one
    transaction at a time, which only the driver's own BEGIN (issued when none is open) can share."""
    database = engine.url.database or ""
    return database in ("", ":memory:") or engine.url.query.get("mode") == "memory"


def may_write() -> bool:
    """Whether the current work may write: a request that is not a plain read, or a command, but not
    inside reading_only()."""
    if _reading_only.get():
        return False
    return not has_request_context() or request.method not in READ_ONLY_METHODS


@contextmanager
def reading_only() -> Iterator[None]:
    """Long work that only reads, as a worker's writing an export's part: the transactions it begins
    take no write lock, so other workers store theirs meanwhile. End them before leaving."""
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)
