"""The two writes that happen most, applied to the summary's counts as differences instead of recounts.

A stored submission adds what its rows hold (a response, its answers, its testimonies, pending), and an
analysis landing moves its testimonies between sentiment bands and themes: both know exactly what
they change, so the cells they touch are not counted again (survey.services.rollups does that for
every other write). Where a difference meets a count that is not there, the cell is counted again
instead: the rollup stays exact even then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, insert, or_, select, text, update
from sqlalchemy.orm import Session

from survey.disclosure import ALL, GAVE_TESTIMONY, NOT_SCORED, RESPONSES, SENTIMENT, SENTIMENT_SQUARES, TESTIMONIES, YES
from survey.extensions import db
from survey.models import JointCount, Response, SummaryCount, TagSource, Testimonial, ThemeTag
from survey.models.base import table_of
from survey.models.tag_rule import PEOPLE, counts
from survey.services.raw_counts import NEUTRAL_WITHIN, NUMBER, joint_row, number_part
from survey.services.rollups import CHANGES, Cell, TagFacts, lock_cells, month_key, touch_cells

Key = tuple[Cell, str, str]  # a cell, a statistic, a part
# A joint count among the differences: JOINT + "by question" + SEP + "question", and "by choice" + SEP + "part".
JOINT, SEP = "joint:", "\x1f"


@dataclass
class Change:
    """What a write adds to one count (negative: takes away)."""

    count: int = 0
    polarity_sum: float = 0.0
    polarity_count: int = 0

    def add(self, n: int, polarity: float | None = None) -> None:
        """Count n rows, with their polarity when scored."""
        self.count += n
        if polarity is not None:
            self.polarity_sum += n * polarity
            self.polarity_count += n


Changes = defaultdict[Key, Change]


def new_changes() -> Changes:
    """No change yet."""
    return defaultdict(Change)


def band(polarity: float | None, note: str | None) -> str:
    """A testimony's sentiment band, as survey.services.raw_counts reads it in SQL."""
    if polarity is None:
        return NOT_SCORED + (note or "")
    if polarity < -NEUTRAL_WITHIN:
        return "negative"
    return "positive" if polarity > NEUTRAL_WITHIN else "neutral"


def _squared(polarity: float | None) -> float | None:
    return None if polarity is None else polarity * polarity


def count_submission(
    changes: Changes,
    cell: Cell,
    answers: Iterable[tuple[str, Any]],
    choice_questions: frozenset[str],
    told: int,
    number_questions: frozenset[str] = frozenset(),
    by_questions: frozenset[str] = frozenset(),
) -> None:
    """Add a response just stored: its answers to questions with choices or numbers, its testimonies
    (pending), and each pair of its answers to a select-one question (by_questions) and another with choices."""
    changes[cell, RESPONSES, ALL].add(1)
    answers = list(answers)
    chosen = [(q, str(v)) for q, v in answers if q in choice_questions and v is not None]
    for by, by_choice in chosen:
        if by in by_questions:
            for question, part in chosen:
                if question != by:
                    changes[cell, f"{JOINT}{by}{SEP}{question}", f"{by_choice}{SEP}{part}"].add(1)
    for question, value in answers:
        if question in choice_questions and value is not None:
            changes[cell, f"answer:{question}", str(value)].add(1)
        elif question in number_questions and value not in (None, ""):
            changes[cell, NUMBER + question, number_part(float(value))].add(1)
    if told:
        changes[cell, TESTIMONIES, ALL].add(told)
        changes[cell, GAVE_TESTIMONY.statistic, YES].add(1)
        changes[cell, SENTIMENT, band(None, None)].add(told)
        changes[cell, SENTIMENT_SQUARES, band(None, None)].add(told)


@dataclass(frozen=True)
class Before:
    """A testimony's part of the counts before its analysis is replaced."""

    cell: Cell
    band: str
    polarity: float | None
    themes: list[tuple[str, float | None]]  # its tags that count, on top-level themes
    people: list[tuple[str, TagSource, float, float | None, bool]]  # people's tags: theme, source, confidence...


def read_before(ids: Sequence[int]) -> dict[int, Before]:
    """Each testimony's cell, band and counted themes, its row locked (PostgreSQL) until the commit:
    a second worker storing the same testimony reads it only once the first has committed."""
    query = (
        select(
            Testimonial.id,
            Testimonial.polarity,
            Testimonial.sentiment_note,
            Response.survey_version_id,
            Response.site_id,
            Response.submitted_at,
        )
        .join(Response, Response.id == Testimonial.response_id)
        .where(Testimonial.id.in_(ids))
        .order_by(Testimonial.id)
        .with_for_update(of=Testimonial)
    )
    tags = select(
        ThemeTag.testimonial_id,
        ThemeTag.theme,
        ThemeTag.source,
        ThemeTag.confidence,
        ThemeTag.polarity,
        ThemeTag.counts,
    ).where(ThemeTag.testimonial_id.in_(ids))
    found: dict[int, Before] = {}
    with db.session.no_autoflush:
        for row in db.session.execute(query):
            cell = (row.survey_version_id, row.site_id, month_key(row.submitted_at))
            found[row.id] = Before(cell, band(row.polarity, row.sentiment_note), row.polarity, [], [])
        for testimony, theme, source, confidence, polarity, counts in db.session.execute(tags):
            before = found[testimony]
            if counts and "." not in theme:
                before.themes.append((theme, polarity))
            if source in PEOPLE:
                before.people.append((theme, TagSource(source), confidence, polarity, bool(counts)))
    return found


def count_themes(changes: Changes, cell: Cell, themes: Iterable[tuple[str, float | None]], sign: int) -> None:
    """Add (sign 1) or take away (-1) a testimony's counted top-level themes."""
    by_theme: dict[str, list[float | None]] = defaultdict(list)
    for theme, polarity in themes:
        by_theme[theme].append(polarity)
    for theme, polarities in by_theme.items():
        change = changes[cell, f"theme:{theme}", YES]
        change.count += sign  # a testimony counts once per theme, however many of its tags carry it
        for polarity in polarities:
            if polarity is not None:
                change.polarity_sum += sign * polarity
                change.polarity_count += sign


def machine_tag_counts(before: Before | None, theme: str, confidence: float) -> bool:
    """Whether a machine's tag on this theme counts, given people's tags on the testimony."""
    people = [TagFacts(t, source, c) for t, source, c, _, _ in before.people] if before is not None else []
    return counts(TagFacts(theme, TagSource.MACHINE, confidence), people)


def count_analysis(
    changes: Changes,
    before: Before | None,
    polarity: float | None,
    note: str | None,
    machine_tags: Iterable[tuple[str, float | None, bool]],
) -> None:
    """Move a testimony from its counts before to those of its new analysis (theme, polarity, counts)."""
    if before is None:  # withdrawn meanwhile: nothing of it is counted any more
        return
    cell = before.cell
    changes[cell, SENTIMENT, before.band].add(-1, before.polarity)
    changes[cell, SENTIMENT, band(polarity, note)].add(1, polarity)
    changes[cell, SENTIMENT_SQUARES, before.band].add(-1, _squared(before.polarity))
    changes[cell, SENTIMENT_SQUARES, band(polarity, note)].add(1, _squared(polarity))
    count_themes(changes, cell, before.themes, -1)
    people = [(theme, p) for theme, _, _, p, counted in before.people if counted and "." not in theme]
    machine = [(theme, p) for theme, p, counted in machine_tags if counted and "." not in theme]
    count_themes(changes, cell, people + machine, 1)


def defer_changes(changes: Changes) -> None:
    """Add these differences to the counts just before the transaction commits (or the summary reads):
    the cells are then locked only from there to the commit. A savepoint rolled back drops those it made."""
    session = db.session()
    made_in = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(CHANGES, []).append((made_in, changes))


def apply_deferred(session: Session) -> None:
    """Add the differences deferred in this session's transaction to the counts."""
    total = new_changes()
    for _, changes in session.info.pop(CHANGES, []):
        for key, change in changes.items():
            into = total[key]
            into.count += change.count
            into.polarity_sum += change.polarity_sum
            into.polarity_count += change.polarity_count
    apply_changes(total)


def apply_changes(changes: Mapping[Key, Change]) -> None:
    """Add the changes to the stored counts: one read of the cells' rows, then updates, inserts, deletes."""
    changes = {key: c for key, c in changes.items() if c.count or c.polarity_count or c.polarity_sum}
    # Every cell either count touches, locked once and in one order: the joint counts' and the summary's
    # locked in turn would each be in order, but not together, and two transactions could each hold
    # a cell the other waits for.
    lock_cells(sorted({key[0] for key in changes}, key=lambda c: (c[0], c[1] or 0, c[2])))
    joint = {key: c.count for key, c in changes.items() if key[1].startswith(JOINT)}
    changes = {key: c for key, c in changes.items() if not key[1].startswith(JOINT)}
    _apply_joint(joint)
    if not changes:
        return
    cells = sorted({key[0] for key in changes}, key=lambda c: (c[0], c[1] or 0, c[2]))
    stored: dict[Key, tuple[int | None, int, float, int]] = {}
    for start in range(0, len(cells), 50):
        part = cells[start : start + 50]
        query = select(
            SummaryCount.id,
            SummaryCount.survey_version_id,
            SummaryCount.site_id,
            SummaryCount.month,
            SummaryCount.statistic,
            SummaryCount.part,
            SummaryCount.count,
            SummaryCount.polarity_sum,
            SummaryCount.polarity_count,
        ).where(or_(*[_in_cell(c) for c in part]))
        for found_id, version, site, month, statistic, part_name, n, total, scored in db.session.execute(query):
            stored[(version, site, month), statistic, part_name] = (found_id, n, total, scored)
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    deletes: list[int] = []
    unsure: set[Cell] = set()
    for key, change in changes.items():
        row_id, was, was_total, was_scored = stored.get(key, (None, 0, 0.0, 0))
        n, total, scored = was + change.count, was_total + change.polarity_sum, was_scored + change.polarity_count
        if n < 0 or scored < 0 or (n == 0 and scored):
            unsure.add(key[0])  # the counts were not what the rows say: count the cell again
        elif n == 0:
            deletes += [row_id] if row_id is not None else []
        elif row_id is None:
            inserts.append(_row(key, n, total, scored))
        else:
            updates.append({"row_id": row_id, "n": n, "total": total, "scored": scored})
    table = table_of(SummaryCount)
    _update_by_id(
        table,
        {"count": ("n", "INTEGER"), "polarity_sum": ("total", "FLOAT8"), "polarity_count": ("scored", "INTEGER")},
        updates,
    )
    if inserts:
        db.session.execute(insert(table), inserts)
    if deletes:
        db.session.execute(delete(table).where(table.c.id.in_(deletes)))
    touch_cells(unsure)


def _in_cell(cell: Cell, table: type[SummaryCount] | type[JointCount] = SummaryCount) -> Any:
    version, site, month = cell
    at_site = table.site_id.is_(None) if site is None else table.site_id == site
    return and_(table.survey_version_id == version, at_site, table.month == month)


def _row(key: Key, n: int, total: float, scored: int) -> dict[str, Any]:
    (version, site, month), statistic, part = key
    return {
        "survey_version_id": version,
        "site_id": site,
        "month": month,
        "statistic": statistic,
        "part": part,
        "count": n,
        "polarity_sum": total,
        "polarity_count": scored,
    }


def _apply_joint(changes: Mapping[Key, int]) -> None:
    """Add differences to the joint counts, as apply_changes does to the summary's (their cells locked)."""
    if not changes:
        return
    cells = sorted({key[0] for key in changes}, key=lambda c: (c[0], c[1] or 0, c[2]))
    stored: dict[Key, tuple[int, int]] = {}
    for start in range(0, len(cells), 50):
        part = cells[start : start + 50]
        query = select(
            JointCount.id,
            JointCount.survey_version_id,
            JointCount.site_id,
            JointCount.month,
            JointCount.by_question,
            JointCount.by_choice,
            JointCount.question,
            JointCount.part,
            JointCount.count,
        ).where(or_(*[_in_cell(c, JointCount) for c in part]))
        for found_id, version, site, month, by, by_choice, question, answer, n in db.session.execute(query):
            stored[(version, site, month), f"{JOINT}{by}{SEP}{question}", f"{by_choice}{SEP}{answer}"] = (found_id, n)
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    deletes: list[int] = []
    unsure: set[Cell] = set()
    for key, change in changes.items():
        row_id, was = stored.get(key, (None, 0))
        n = was + change
        if n < 0:
            unsure.add(key[0])  # the counts were not what the rows say: count the cell again
        elif n == 0:
            deletes += [row_id] if row_id is not None else []
        elif row_id is None:
            (by, question), (by_choice, answer) = key[1].removeprefix(JOINT).split(SEP), key[2].split(SEP, 1)
            inserts.append(joint_row(key[0], by, by_choice, question, answer, n))
        else:
            updates.append({"row_id": row_id, "n": n})
    table = table_of(JointCount)
    _update_by_id(table, {"count": ("n", "INTEGER")}, updates)
    if inserts:
        db.session.execute(insert(table), inserts)
    if deletes:
        db.session.execute(delete(table).where(table.c.id.in_(deletes)))
    touch_cells(unsure)


def _update_by_id(table: Table, columns: Mapping[str, tuple[str, str]], updates: Sequence[Mapping[str, Any]]) -> None:
    """Set columns of rows by id (each update gives "row_id" and, for each column, the key and SQL type
    named in columns): on PostgreSQL one statement over arrays, whose rows would otherwise be sent
    one by one; elsewhere one executemany."""
    if not updates:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        by_id = update(table).where(table.c.id == bindparam("row_id"))
        db.session.execute(by_id.values({name: bindparam(key) for name, (key, _) in columns.items()}), updates)
        return
    arrays = ", ".join(f"CAST(:{key} AS {kind}[])" for key, kind in columns.values())
    sets = ", ".join(f"{name} = given.{key}" for name, (key, _) in columns.items())
    names = ", ".join(key for key, _ in columns.values())
    statement = text(
        f"UPDATE {table.name} SET {sets} "
        f"FROM unnest(CAST(:row_id AS INTEGER[]), {arrays}) AS given(row_id, {names}) "
        f"WHERE {table.name}.id = given.row_id"
    )
    params = {key: [row[key] for row in updates] for key in ["row_id", *(key for key, _ in columns.values())]}
    db.session.execute(statement, params)
