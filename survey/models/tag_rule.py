"""Which theme tags count, defined once and read both in Python (a testimony's page) and in SQL (the summary).

A person's "yes" on a theme counts, and so does a person's code on a passage (a tag of source PASSAGE,
kept while a passage of the testimony carries that theme's code: like a "yes"). A machine's tag counts
unless a person set it aside: a person's decision on the same theme (yes or no) overrides it, and a
person's "no" on a theme also removes the machine's sub-themes of it
(rejecting `safety` drops the machine's `safety.violence`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import aliased

if TYPE_CHECKING:
    from survey.models.testimonial import Testimonial, ThemeTag


class TagSource(enum.StrEnum):
    """Who put a theme on a testimony."""

    MACHINE = "machine"
    HUMAN = "human"  # a person's decision on the whole testimony: yes (confidence 1) or no (0)
    PASSAGE = "passage"  # people coded at least one passage of the testimony with this theme: a yes


PEOPLE = frozenset({TagSource.HUMAN, TagSource.PASSAGE})  # the sources of people's decisions


class Reach(enum.Enum):
    """Which of the machine's tags a person's decision on a theme reaches."""

    SAME_THEME = "same theme"
    SUB_THEMES = "sub-themes"


@dataclass(frozen=True)
class Override:
    """A person's decision on a theme sets aside the machine's tags it reaches."""

    reach: Reach
    rejections_only: bool


# The precedence, in one place: both readings below are built from this table.
OVERRIDES = (
    Override(Reach.SAME_THEME, rejections_only=False),
    Override(Reach.SUB_THEMES, rejections_only=True),
)


class Tag(Protocol):
    """What the rule reads of a tag."""

    @property
    def theme(self) -> str: ...

    @property
    def source(self) -> TagSource: ...

    @property
    def confidence(self) -> float: ...


T = TypeVar("T", bound=Tag)


def _says_yes(confidence: float) -> bool:
    return confidence > 0


def _reaches(reach: Reach, decided: str, theme: str) -> bool:
    if reach is Reach.SAME_THEME:
        return theme == decided
    return theme.startswith(decided + ".")


def counts(tag: Tag, tags: Iterable[Tag]) -> bool:
    """Whether a tag counts among the tags of its testimony."""
    if tag.source in PEOPLE:
        return _says_yes(tag.confidence)
    return not any(
        _reaches(rule.reach, person.theme, tag.theme) and not (rule.rejections_only and _says_yes(person.confidence))
        for rule in OVERRIDES
        for person in tags
        if person.source in PEOPLE
    )


def counted(tags: Sequence[T]) -> list[T]:
    """The tags of one testimony that count, in their order."""
    return [tag for tag in tags if counts(tag, tags)]


def _says_yes_sql(confidence: SQLColumnExpression[float]) -> ColumnElement[bool]:
    return confidence > 0


def _reaches_sql(
    reach: Reach, decided: SQLColumnExpression[str], theme: SQLColumnExpression[str]
) -> ColumnElement[bool]:
    if reach is Reach.SAME_THEME:
        return theme == decided
    # A prefix compared as text, not LIKE: theme keys hold underscores, which LIKE reads as wildcards.
    return func.substr(theme, 1, func.length(decided) + 1) == decided + "."


def counted_clause(tag: type[ThemeTag]) -> ColumnElement[bool]:
    """The SQL condition that a row of the tag table counts."""
    person = aliased(tag)
    overrides = [
        and_(
            _reaches_sql(rule.reach, person.theme, tag.theme),
            ~_says_yes_sql(person.confidence) if rule.rejections_only else true(),
        )
        for rule in OVERRIDES
    ]
    overridden = exists().where(person.testimonial_id == tag.testimonial_id, person.source.in_(PEOPLE), or_(*overrides))
    return or_(
        and_(tag.source.in_(PEOPLE), _says_yes_sql(tag.confidence)),
        and_(tag.source == TagSource.MACHINE, ~overridden),
    )


# A testimony's places in the list's two orders by its tags (survey.services.explore), for those with no
# tag that counts: last when the surest tags come first; in the review queue, after those a person
# decided on, which follow every other.
NO_TAG_CONFIDENCE = -1.0
DECIDED_IN_REVIEW = 2.0
UNTAGGED_IN_REVIEW = 9.0


class ListOrders(NamedTuple):
    """Where a testimony stands in the list sorted by its tags, as its stored columns keep it."""

    top_confidence: float  # its surest counted tag's confidence: "surest tags first", high to low
    review_order: float  # the review queue, low to high: its least sure counted tag's confidence


LIST_ORDER_COLUMNS: tuple[str, ...] = ListOrders._fields  # the testimony's columns that keep them


def list_orders(tags: Sequence[Tag]) -> ListOrders:
    """A testimony's places in the orders by its tags (all of its tags): the confidences of the tags that
    count, and whether a person decided on a theme (the review queue then has nothing to ask of it)."""
    sure = [tag.confidence for tag in counted(tags)]
    decided = any(tag.source == TagSource.HUMAN for tag in tags)
    least = DECIDED_IN_REVIEW if decided else min(sure, default=UNTAGGED_IN_REVIEW)
    return ListOrders(max(sure, default=NO_TAG_CONFIDENCE), least)


def list_orders_clause(testimonial: type[Testimonial], tag: type[ThemeTag]) -> dict[str, ColumnElement[float]]:
    """list_orders() in SQL, as the values of an UPDATE of every testimony, from the tags' `counts`."""
    mine = tag.testimonial_id == testimonial.id
    top = select(func.max(tag.confidence)).where(mine, tag.counts).scalar_subquery()
    least = select(func.min(tag.confidence)).where(mine, tag.counts).scalar_subquery()
    decided = exists().where(mine, tag.source == TagSource.HUMAN)
    return {
        "top_confidence": func.coalesce(top, NO_TAG_CONFIDENCE),
        "review_order": case((decided, DECIDED_IN_REVIEW), else_=func.coalesce(least, UNTAGGED_IN_REVIEW)),
    }
