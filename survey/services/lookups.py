"""Looking rows up by many values at once."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute

from survey.extensions import db


def one_of(column: ColumnElement[Any] | QueryableAttribute[Any], values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN (values)`, sent as the database reads it fastest.

    On PostgreSQL, one array parameter (`column = ANY(:values)`): a parameter a value, which SQLAlchemy
    renders into the statement and the driver adapts one by one, cost 0.4 ms of the 1 ms a lookup of
    100 UUIDs took. Elsewhere, IN.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)
