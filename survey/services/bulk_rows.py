"""Write many rows of a table at once: COPY on PostgreSQL, one executemany elsewhere.

For loads of generated data (survey/services/demo_load.py), where building a dictionary per row and
letting SQLAlchemy convert every value would take longer than the database's own work. Values that
repeat (a testimony's analysis, a tag's evidence) are converted once by the columns' own types, so
the rows read back exactly as rows written through the ORM or Core do.

A tablet's batch (survey/services/submissions.py) writes its responses, answers and testimonies so too:
on PostgreSQL a multi-row INSERT costs the driver more to parse than the server to run, and one
INSERT a row costs a round trip each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, text
from sqlalchemy.exc import DBAPIError

BindProcessor = Callable[[Any], Any]


class BulkTable:
    """Some columns of one table, and how to write rows of them as tuples in the columns' order."""

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str]) -> None:
        self.columns = [table.c[name] for name in columns]
        self._processors: list[BindProcessor | None] = [
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in self.columns
        ]
        quote = dialect.identifier_preparer
        names = ", ".join(quote.format_column(column) for column in self.columns)
        self._target = f"{quote.format_table(table)} ({names})"
        marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in self.columns)
        self._insert = f"INSERT INTO {self._target} VALUES ({marks})"

    def processor(self, name: str) -> BindProcessor:
        """How one column's values are converted for the driver (the identity when they are not)."""
        process = self._processors[[c.name for c in self.columns].index(name)]
        return process if process is not None else _same

    def write_dicts(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert rows given by column name, each value converted by its column's type as Core would."""
        self.write(connection, map(self._values, rows))

    @cached_property
    def _values(self) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
        """A row's values in the columns' order, converted: the values are read at once, and only the
        columns whose type converts are visited (a batch of 100 tablet records has some 6,000 values)."""
        names = [column.name for column in self.columns]
        read = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        converting = [(i, p) for i, p in enumerate(self._processors) if p is not None]
        if not converting:
            return read

        def values(row: Mapping[str, Any]) -> tuple[Any, ...]:
            found = list(read(row))
            for i, process in converting:
                found[i] = process(found[i])
            return tuple(found)

        return values

    def write(self, connection: Connection, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert rows of converted values, in the columns' order, in the connection's transaction."""
        if connection.dialect.name == "postgresql":
            driver: Any = connection.connection.driver_connection  # psycopg's, whose COPY SQLAlchemy does not offer
            statement = f"COPY {self._target} FROM STDIN"
            try:
                with driver.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            except connection.dialect.loaded_dbapi.Error as error:
                # As SQLAlchemy raises it for any other statement: a UUID stored meanwhile is an IntegrityError.
                dbapi_error = connection.dialect.loaded_dbapi.Error
                raise DBAPIError.instance(statement, None, error, dbapi_error, dialect=connection.dialect) from error
            return
        batch = list(rows)
        if batch:
            connection.exec_driver_sql(self._insert, batch)


def _same(value: Any) -> Any:
    return value


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Ids for rows about to be inserted, that nothing else will take.

    PostgreSQL hands them out from the table's sequence; SQLite gives a new row the largest id plus
    one, and its write lock, taken when the transaction began, keeps other writers out until it ends.
    """
    if count <= 0:
        return []
    name = table.name
    if connection.dialect.name == "postgresql":
        # The sequence is looked up once, not once a row.
        query = text(
            "WITH named AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS sequence) "
            "SELECT nextval(named.sequence) FROM named, generate_series(1, :count)"
        )
        return sorted(connection.scalars(query, {"table": name, "count": count}))
    largest = connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {name}"))  # noqa: S608 - a model's table
    start = int(largest or 0) + 1
    return list(range(start, start + count))
