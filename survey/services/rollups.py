"""Keep the summary's counts (the summary_count table) equal to a count of the raw rows, in the same
transaction as every write that changes them.

The two writes that happen most, a stored submission and an analysis landing, add what they change
as differences (survey.services.rollup_deltas). Every other write marks the cells it touches (a
survey version, a site and a month): erasure says so itself (touch_responses), and the ORM's flushes
(people's corrections, edits) are watched for new, changed and deleted responses, answers,
testimonies and tags. At the outermost commit, or before the summary reads the counts,
settle_rollups() adds the differences, sets each touched testimony's tags' `counts` by the rule of
survey.models.tag_rule (and its places in the list's orders by tags), then counts each marked cell
again from the raw rows with the grouped queries of survey.services.raw_counts (a cell is an index
range of response) and replaces its rows.
Counting a cell again is exact whatever the write; marking too much only costs time. On PostgreSQL
a transaction locks the cells it writes (advisory locks, in order), so that two transactions
writing one cell do so one after the other; SQLite lets one transaction write at a time.

After a bulk load that writes the tables directly, call rebuild_rollups() (and
survey.services.planner.refresh_planner_statistics()) before committing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, delete, event, insert, or_, select, text, true, update
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from survey.extensions import db
from survey.models import Answer, JointCount, Response, SummaryCount, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.models.base import table_of
from survey.models.tag_rule import (
    LIST_ORDER_COLUMNS,
    ListOrders,
    counted_clause,
    counts,
    list_orders,
    list_orders_clause,
)
from survey.services.raw_counts import count_joint_raw, count_raw

Cell = tuple[int, int | None, str]  # survey version id, site id, month ("YYYY-MM", UTC)
CELLS_AT_ONCE = 50  # cells counted in one set of queries
INSERTED_AT_ONCE = 5_000

_CELLS = "voces_rollup_cells"  # in Session.info: cells touched and not counted again yet
_RETAG = "voces_rollup_retag"  # testimonies whose tags' `counts` may have changed
_NEW = "voces_rollup_new"  # objects added in the flush under way, read once it has given them ids
CHANGES = (
    "voces_rollup_changes"  # differences to add (survey.services.rollup_deltas), by the transaction that made them
)


def month_key(moment: datetime) -> str:
    """The month of a timestamp as the rollup keys it: "YYYY-MM" in UTC, as month_of() in SQL."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m")


def touch_cells(cells: Iterable[Cell], session: Session | None = None) -> None:
    """Count these cells again before the transaction commits."""
    found = (session or db.session()).info.setdefault(_CELLS, set())
    found.update(cells)


def touch_responses(response_ids: Collection[int], session: Session | None = None) -> None:
    """Count again, before the commit, the cells of these responses as they are stored now."""
    if not response_ids:
        return
    session = session or db.session()
    query = select(Response.survey_version_id, Response.site_id, Response.submitted_at).where(
        Response.id.in_(list(response_ids))
    )
    with session.no_autoflush:
        touch_cells(((v, s, month_key(at)) for v, s, at in session.execute(query)), session)


def touch_testimonies(testimony_ids: Collection[int], *, retag: bool = False, session: Session | None = None) -> None:
    """Count again, before the commit, the cells of these testimonies; retag: their tags' `counts` too."""
    if not testimony_ids:
        return
    session = session or db.session()
    if retag:
        session.info.setdefault(_RETAG, set()).update(testimony_ids)
    query = (
        select(Response.survey_version_id, Response.site_id, Response.submitted_at)
        .distinct()
        .join(Testimonial, Testimonial.response_id == Response.id)
        .where(Testimonial.id.in_(list(testimony_ids)))
    )
    with session.no_autoflush:
        touch_cells(((v, s, month_key(at)) for v, s, at in session.execute(query)), session)


class TagFacts(NamedTuple):
    """What the rule of survey.models.tag_rule reads of a tag."""

    theme: str
    source: TagSource
    confidence: float


def settle_rollups(session: Session | None = None) -> None:
    """Bring the touched tags' `counts` and the touched cells' counts up to date with the raw rows."""
    from survey.services.rollup_deltas import apply_deferred  # it builds on this module

    session = session or db.session()
    info = session.info
    if (
        not info.get(_CELLS)
        and not info.get(_RETAG)
        and not info.get(CHANGES)
        and not session.new
        and not session.dirty
        and not session.deleted  # a delete alone is marked only by the flush below
    ):
        return
    session.flush()  # the watched flushes mark what they write
    apply_deferred(session)  # may find a cell to count again
    retag: set[int] = session.info.pop(_RETAG, set())
    if retag:
        _retag(session, retag)
    cells: set[Cell] = session.info.pop(_CELLS, set())
    if cells:
        _recount(session, sorted(cells, key=lambda c: (c[0], c[1] or 0, c[2])))


def _retag(session: Session, testimony_ids: set[int]) -> None:
    """Set `counts` on every tag of these testimonies by the rule, and the testimonies' places in the
    list's orders by tags, writing only those that change."""
    ids = sorted(testimony_ids)
    query = select(ThemeTag.id, ThemeTag.testimonial_id, ThemeTag.theme, ThemeTag.source, ThemeTag.confidence)
    query = query.add_columns(ThemeTag.counts)
    # The testimonies locked first, in order, as an analysis landing locks them (read_before): on
    # PostgreSQL their tags are then read as the other transaction left them, not from before it.
    stored = select(Testimonial.id, Testimonial.top_confidence, Testimonial.review_order).order_by(Testimonial.id)
    tags: dict[int, list[tuple[int, TagFacts, bool]]] = defaultdict(list)
    orders: dict[int, ListOrders] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        locked = stored.where(Testimonial.id.in_(part)).with_for_update(of=Testimonial)
        orders.update((row.id, ListOrders(row[1], row[2])) for row in session.execute(locked))
        for row in session.execute(query.where(ThemeTag.testimonial_id.in_(part))):
            tags[row.testimonial_id].append(
                (row.id, TagFacts(row.theme, TagSource(row.source), row.confidence), row.counts)
            )
    changes = []
    for rows in tags.values():
        facts = [fact for _, fact, _ in rows]
        changes += [{"tag_id": i, "new": now} for i, fact, was in rows if (now := counts(fact, facts)) != bool(was)]
    if changes:
        table = table_of(ThemeTag)
        session.execute(update(table).where(table.c.id == bindparam("tag_id")).values(counts=bindparam("new")), changes)
    moved = [
        {"testimony_id": testimony, **dict(zip(LIST_ORDER_COLUMNS, placed, strict=True))}
        for testimony, was in orders.items()
        if (placed := list_orders([fact for _, fact, _ in tags.get(testimony, [])])) != was
    ]
    if moved:
        table = table_of(Testimonial)
        values: dict[str, Any] = {name: bindparam(name) for name in LIST_ORDER_COLUMNS}
        session.execute(update(table).where(table.c.id == bindparam("testimony_id")).values(**values), moved)


def _lock_key(cell: Cell) -> int:
    digest = hashlib.blake2b(repr(cell).encode(), digest_size=8, person=b"voces-cell").digest()
    return int.from_bytes(digest, "big", signed=True)


def _cell_of_response(cell: Cell) -> ColumnElement[bool]:
    version, site, month = cell
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    at_site = Response.site_id.is_(None) if site is None else Response.site_id == site
    return and_(
        Response.survey_version_id == version, at_site, Response.submitted_at >= start, Response.submitted_at < end
    )


def _cell_of_count(cell: Cell, table: type[SummaryCount] | type[JointCount] = SummaryCount) -> ColumnElement[bool]:
    version, site, month = cell
    at_site = table.site_id.is_(None) if site is None else table.site_id == site
    return and_(table.survey_version_id == version, at_site, table.month == month)


LOCK_IN_TURN = text("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(CAST(:keys AS BIGINT[])) AS key")


def lock_cells(cells: Sequence[Cell], session: Session | None = None) -> None:
    """On PostgreSQL, wait for these cells (given in order) until no other transaction is writing their
    counts, and hold them until this one ends; SQLite lets one transaction write at a time anyway."""
    session = session or db.session()
    if cells and session.get_bind().dialect.name == "postgresql":
        # In order (unnest gives an array's elements in turn): two transactions wait for each other's
        # cells, never in a circle. One statement for them all.
        session.execute(LOCK_IN_TURN, {"keys": [_lock_key(cell) for cell in cells]})


def _recount(session: Session, cells: list[Cell]) -> None:
    """Replace the counts of these cells by a count of their raw rows."""
    lock_cells(cells, session)
    for start in range(0, len(cells), CELLS_AT_ONCE):
        part = cells[start : start + CELLS_AT_ONCE]
        rows = count_raw(or_(*[_cell_of_response(c) for c in part]), {c[0] for c in part})
        session.execute(
            delete(SummaryCount)
            .where(or_(*[_cell_of_count(c) for c in part]))
            .execution_options(synchronize_session=False)
        )
        if rows:
            session.execute(insert(table_of(SummaryCount)), rows)
        joint = count_joint_raw(or_(*[_cell_of_response(c) for c in part]), {c[0] for c in part})
        session.execute(
            delete(JointCount)
            .where(or_(*[_cell_of_count(c, JointCount) for c in part]))
            .execution_options(synchronize_session=False)
        )
        for at in range(0, len(joint), INSERTED_AT_ONCE):
            session.execute(insert(table_of(JointCount)), joint[at : at + INSERTED_AT_ONCE])


def rebuild_rollups(*, joint: bool = True, orders: bool = True) -> int:
    """Set every tag's `counts` and count the summary of every survey again from the raw rows; return
    how many count rows it wrote. joint: the joint counts too (not before the revision that made them);
    orders: every testimony's places in the list's orders by tags too (likewise).

    For bulk loads and migrations that write the tables without marking what they touch (call it,
    then survey.services.planner.refresh_planner_statistics(), before committing). Bulk-inserted
    tags may leave `counts` at its default (true): this sets it by the rule.
    """
    session = db.session()
    session.flush()
    for key in (_CELLS, _RETAG, CHANGES):
        session.info.pop(key, None)
    session.execute(
        update(ThemeTag).values(counts=counted_clause(ThemeTag)).execution_options(synchronize_session=False)
    )
    if orders:
        session.execute(
            update(Testimonial)
            .values(**list_orders_clause(Testimonial, ThemeTag))
            .execution_options(synchronize_session=False)
        )
    session.execute(delete(SummaryCount).execution_options(synchronize_session=False))
    versions = list(session.scalars(select(SurveyVersion.id)))
    rows = count_raw(true(), versions) if versions else []
    for start in range(0, len(rows), INSERTED_AT_ONCE):
        session.execute(insert(table_of(SummaryCount)), rows[start : start + INSERTED_AT_ONCE])
    return len(rows) + (rebuild_joint_counts() if joint else 0)


def rebuild_joint_counts() -> int:
    """Count every survey's joint counts again from the raw rows; return how many rows it wrote."""
    session = db.session()
    session.execute(delete(JointCount).execution_options(synchronize_session=False))
    versions = list(session.scalars(select(SurveyVersion.id)))
    rows = count_joint_raw(true(), versions) if versions else []
    for start in range(0, len(rows), INSERTED_AT_ONCE):
        session.execute(insert(table_of(JointCount)), rows[start : start + INSERTED_AT_ONCE])
    return len(rows)


# The ORM's flushes (people's corrections, and whatever else writes these rows one object at a time).

_WATCHED = (Response, Answer, Testimonial, ThemeTag)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Mark the cells of rows changed or deleted as they are stored before this flush."""
    responses: set[int] = set()
    testimonies: set[int] = set()
    retag: set[int] = set()
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, Response) and obj.id is not None:
            responses.add(obj.id)  # its cell before the change; its cell after, once flushed
        elif isinstance(obj, Answer | Testimonial) and obj.response_id is not None:
            responses.add(obj.response_id)
        elif isinstance(obj, ThemeTag) and obj.testimonial_id is not None:
            testimonies.add(obj.testimonial_id)
            retag.add(obj.testimonial_id)
    touch_responses(responses, session)
    touch_testimonies(testimonies, session=session)
    session.info.setdefault(_RETAG, set()).update(retag)
    session.info[_NEW] = [obj for obj in [*session.new, *session.dirty] if isinstance(obj, _WATCHED)]


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Mark the cells of rows added or changed by this flush, as they are stored now."""
    responses: set[int] = set()
    testimonies: set[int] = set()
    for obj in session.info.pop(_NEW, []):
        if isinstance(obj, Response):
            responses.add(obj.id)
        elif isinstance(obj, Answer | Testimonial):
            responses.add(obj.response_id)
        elif isinstance(obj, ThemeTag):
            testimonies.add(obj.testimonial_id)
    responses.discard(None)  # type: ignore[arg-type]
    testimonies.discard(None)  # type: ignore[arg-type]
    touch_responses(responses, session)
    touch_testimonies(testimonies, retag=True, session=session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # At the outermost commit only: the cells stay locked from then until the commit, not for the
    # rest of a request after a savepoint.
    if not session.in_nested_transaction():
        settle_rollups(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, transaction: SessionTransaction) -> None:
    if not session.in_transaction():  # the whole transaction is gone, and with it what it touched
        for key in (_CELLS, _RETAG, _NEW, CHANGES):
            session.info.pop(key, None)
        return
    # A savepoint rolled back: the differences its writes made go with them (marks may stay: a cell
    # counted again for nothing is only time).
    kept = [
        (made_in, changes) for made_in, changes in session.info.get(CHANGES, []) if not _within(made_in, transaction)
    ]
    session.info[CHANGES] = kept


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
