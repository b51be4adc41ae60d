"""Hot read statements run on the driver's cursor, compiled once per dialect.

The search box and the permission check behind every action are point lookups where the database answers in
tens of microseconds and SQLAlchemy's statement path (compiled-cache lookup, execution context, result
metadata) costs several times that. A ``Prepared`` select is an ordinary Core ``select()`` compiled once; each
run binds the parameters, executes on the session's own connection (same transaction, same pool) and applies
the column types' own result processors, so rows come back exactly as through ``Connection.execute``.
Driver errors are wrapped as SQLAlchemy wraps them, a lost connection is invalidated like SQLAlchemy does.
On PostgreSQL the statement goes to psycopg with the server's own ``$n`` placeholders (a raw cursor): psycopg
otherwise parses its ``%(name)s`` ones at every run of a statement too long or with too many parameters for its
cache (a name search's single statement, 0.7 ms a search).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

#: What a prepared statement can be: a select, or a UNION of selects.
Statement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]


_PYFORMAT = re.compile(r"%\((\w+)\)s")


def _numbered(sql: str) -> tuple[str, list[str]]:
    """A pyformat statement with PostgreSQL's ``$n`` placeholders instead, and the parameters' names in order."""
    names: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"${names.setdefault(match.group(1), len(names) + 1)}"

    return _PYFORMAT.sub(number, sql).replace("%%", "%"), list(names)


class _Compiled:
    __slots__ = (
        "arguments",
        "binds",
        "cursor_class",
        "dialect",
        "error",
        "make_row",
        "positional",
        "processors",
        "row_type",
        "sql",
        "types",
    )

    def __init__(self, stmt: Statement, dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        types = {name: bind.type for bind, name in compiled.bind_names.items()}
        defaults = {name: bind.effective_value for bind, name in compiled.bind_names.items()}
        names = list(compiled.positiontup or ()) if compiled.positional else list(types)
        self.cursor_class: Any = None  # the connection's own
        if dialect.driver == "psycopg" and not compiled.positional:
            from psycopg import RawCursor

            self.sql, names = _numbered(self.sql)
            self.positional, self.cursor_class = True, RawCursor
        self.binds: list[tuple[str, Any, Callable[[Any], Any] | None]] = [
            (name, defaults.get(name), types[name].dialect_impl(dialect).bind_processor(dialect))
            for name in names
        ]
        # The driver's parameters of a run: each bind's value (or its default), through its type's processor.
        self.arguments = _arguments_maker(self.binds, self.positional)
        columns = list(stmt.selected_columns)
        self.dialect = dialect
        self.types = [column.type.dialect_impl(dialect) for column in columns]
        # The result processors may depend on the type the driver reports (PostgreSQL numerics): known at the
        # first execution, from the cursor's description.
        self.processors: list[tuple[int, Callable[[Any], Any]]] | None = None
        row_type: Any = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        self.row_type = row_type
        self.make_row: Callable[[Any], Any] = row_type._make
        self.error = dialect.loaded_dbapi.Error

    def rows(self, fetched: list[Any], description: Any) -> list[Any]:
        if self.processors is None:
            self.learn(description)
        return list(map(self.make_row, fetched))

    def learn(self, description: Any) -> None:
        """The column types' result processors, for the types the driver reports at the first execution."""
        self.processors = [
            (i, processor)
            for i, (type_, column) in enumerate(zip(self.types, description, strict=True))
            if (processor := type_.result_processor(self.dialect, column[1])) is not None
        ]
        self.make_row = _row_maker(self.row_type, dict(self.processors), len(self.types))

    def cursor(self, dbapi_connection: Any) -> Any:
        return self.cursor_class(dbapi_connection) if self.cursor_class else dbapi_connection.cursor()


def _row_maker(
    row_type: Any, processors: dict[int, Callable[[Any], Any]], width: int
) -> Callable[[Any], Any]:
    """A function making a driver's row into a ``row_type`` with the column types' processors applied, written
    out for this statement's columns (as ``namedtuple`` writes its class): one call a row instead of a loop over
    the processors, a third of a row's cost for a search's hundreds of rows."""
    if not processors:
        return row_type._make  # type: ignore[no-any-return]
    values = ", ".join(f"p{i}(row[{i}])" if i in processors else f"row[{i}]" for i in range(width))
    namespace: dict[str, Any] = {"new": tuple.__new__, "cls": row_type}
    namespace.update({f"p{i}": processor for i, processor in processors.items()})
    return _written(f"def make(row):\n    return new(cls, ({values},))", namespace)


def _arguments_maker(
    binds: list[tuple[str, Any, Callable[[Any], Any] | None]], positional: bool
) -> Callable[[Mapping[str, Any]], Any]:
    """A function making a run's parameters into the driver's, written out for this statement's binds."""
    namespace: dict[str, Any] = {}
    values = []
    for i, (name, default, processor) in enumerate(binds):
        namespace[f"d{i}"] = default
        value = f"get({name!r}, d{i})"
        if processor is not None:
            namespace[f"p{i}"] = processor
            value = f"p{i}({value})"
        values.append(value if positional else f"{name!r}: {value}")
    body = (f"({''.join(value + ', ' for value in values)})") if positional else f"{{{', '.join(values)}}}"
    return _written(f"def arguments(params):\n    get = params.get\n    return {body}", namespace)


def _written(source: str, namespace: dict[str, Any]) -> Any:
    """The one function ``source`` defines, its free names from ``namespace`` (the text holds only positions and
    bind names, written as literals)."""
    exec(source, namespace)
    return namespace[source[4 : source.index("(")]]


class Prepared:
    """A Core select to run many times with different parameters (see the module's docstring)."""

    def __init__(self, stmt: Statement) -> None:
        self.stmt = stmt
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.stmt, dialect)
        return compiled

    def all(self, session: Session, params: Mapping[str, Any]) -> list[Any]:
        connection, lane = _lane(session)
        if _watched(connection):
            return list(connection.execute(self.stmt, params))
        return _run_one(connection, lane, self, params)

    def first(self, session: Session, params: Mapping[str, Any]) -> Any:
        connection, lane = _lane(session)
        if _watched(connection):
            return connection.execute(self.stmt, params).first()
        rows = _run_one(connection, lane, self, params)
        return rows[0] if rows else None


Query = tuple[Prepared | Statement, Mapping[str, Any]]


def fetch(session: Session, *queries: Query) -> list[list[Any]]:
    """The rows of each query, in order. On PostgreSQL the prepared ones go in one round trip (psycopg's
    pipeline mode); a plain ``Select`` (a statement built for this call) runs through SQLAlchemy.
    """
    connection, lane = _lane(session)
    if _watched(connection):
        # Someone watches the statements (a test counting queries, a benchmark recording them): let them see
        # these go through SQLAlchemy's own path, with the same SQL.
        return [
            list(connection.execute(q.stmt if isinstance(q, Prepared) else q, params))
            for q, params in queries
        ]
    if len(queries) == 1:  # a permission check, an exact lookup
        only, params = queries[0]
        if isinstance(only, Prepared):
            return [_run_one(connection, lane, only, params)]
    dialect = connection.dialect
    dbapi_connection: Any = lane[3]
    results: list[list[Any] | None] = [None] * len(queries)
    driver: list[tuple[int, _Compiled, Any]] = []
    for i, (query, params) in enumerate(queries):
        if isinstance(query, Prepared):
            compiled = query.compiled(dialect)
            driver.append((i, compiled, compiled.arguments(params)))
        else:
            results[i] = list(connection.execute(query, params))
    if driver:
        together = len(driver) > 1 and dialect.name == "postgresql"
        cursors = [compiled.cursor(dbapi_connection) for _, compiled, _ in driver]
        try:
            if together:
                with dbapi_connection.pipeline():
                    for cursor, (_, compiled, arguments) in zip(cursors, driver, strict=True):
                        cursor.execute(compiled.sql, arguments)
                fetched = [
                    _read(cursor, compiled) for cursor, (_, compiled, _) in zip(cursors, driver, strict=True)
                ]
            else:  # each statement read to its end before the next starts (SQLite keeps no statement open)
                fetched = []
                for cursor, (_, compiled, arguments) in zip(cursors, driver, strict=True):
                    cursor.execute(compiled.sql, arguments)
                    fetched.append(_read(cursor, compiled))
        except driver[0][1].error as error:
            _, compiled, arguments = driver[0]
            raise _wrapped(connection, compiled, arguments, error, cursors[0]) from error
        finally:
            for cursor in cursors:
                cursor.close()
        for (i, compiled, _), (rows, description) in zip(driver, fetched, strict=True):
            results[i] = compiled.rows(rows, description)
    return results  # type: ignore[return-value]


def _watched(connection: Any) -> bool:
    """Whether a listener watches the statements, read from SQLAlchemy's own flags as its execute() reads them:
    without a listener of any kind, nothing to look up."""
    if not (connection._has_events or connection.engine._has_events):
        return False
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


def _run_one(connection: Any, lane: list[Any], prepared: Prepared, params: Mapping[str, Any]) -> list[Any]:
    """One prepared statement on the lane's cursor (a permission check, an exact lookup)."""
    compiled = prepared._compiled.get(lane[4]) or prepared.compiled(connection.dialect)
    arguments = compiled.arguments(params)
    cursor = lane[2] if lane[2] is not None else compiled.cursor(lane[3])
    lane[2] = None  # in use (a statement run while reading the rows would take a cursor of its own)
    try:
        cursor.execute(compiled.sql, arguments)
        rows = cursor.fetchall()
        if compiled.processors is None:
            compiled.learn(cursor.description)
    except compiled.error as error:
        cursor.close()
        raise _wrapped(connection, compiled, arguments, error, cursor) from error
    lane[2] = cursor  # read to its end: the next statement of this transaction can reuse it
    return list(map(compiled.make_row, rows))


_LANE = "prepared_lane"


def _lane(session: Session) -> tuple[Any, list[Any]]:
    """The session's connection, a cursor to reuse and the driver's connection, resolved once per transaction.

    ``Session.connection()`` costs more than a point lookup's own SQL on SQLite, and a psycopg cursor about as
    much: the search box's session keeps one transaction (autocommit) from keystroke to keystroke. A new
    transaction, or one no longer active, resolves them again through ``Session.connection()``.
    """
    lane: list[Any] | None = session.info.get(_LANE)
    # The transaction it was resolved for, still active, is still the session's: a session's next transaction
    # begins only once this one has ended (committed, rolled back, closed or failed: no longer active).
    if lane is not None and lane[0].is_active:
        return lane[1], lane
    connection = session.connection()
    lane = [
        session.get_transaction(),
        connection,
        None,  # the cursor, once one has run a statement to its end
        connection.connection.dbapi_connection,
        connection.dialect.name,
    ]
    session.info[_LANE] = lane
    return connection, lane


def _wrapped(
    connection: Any, compiled: _Compiled, arguments: Any, error: Exception, cursor: Any
) -> StatementError:
    """The driver's error as SQLAlchemy raises it; a lost connection is invalidated, as SQLAlchemy does."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return DBAPIError.instance(
        compiled.sql, arguments, error, compiled.error, connection_invalidated=lost, dialect=dialect
    )


def _read(cursor: Any, compiled: _Compiled) -> tuple[list[Any], Any]:
    """The rows, and the description only while the processors are unknown (psycopg builds it at each call)."""
    return cursor.fetchall(), (cursor.description if compiled.processors is None else None)


def padded_in_list(values: Sequence[Any]) -> list[Any]:
    """An IN list at the next power of two, its last value repeated (an IN list is a set: same rows), so a
    handful of statements serve every length."""
    if not values:
        raise ValueError("an IN list needs at least one value")
    count = 1 << (len(values) - 1).bit_length()
    return [values[min(i, len(values) - 1)] for i in range(count)]


class PreparedIn:
    """A family of prepared selects with an ``IN`` list, one per number of placeholders.

    ``build`` receives the placeholders for the list, bound as ``padded_in_list`` pads it.
    """

    def __init__(self, build: Callable[[list[Any]], Statement]) -> None:
        self._build = build
        self._by_count: dict[int, Prepared] = {}

    def query(self, values: Sequence[Any], params: Mapping[str, Any] | None = None) -> Query:
        padded = padded_in_list(values)
        prepared = self._by_count.get(len(padded))
        if prepared is None:
            placeholders: list[Any] = [bindparam(f"in_{i}") for i in range(len(padded))]
            prepared = self._by_count[len(padded)] = Prepared(self._build(placeholders))
        bound = {f"in_{i}": value for i, value in enumerate(padded)}
        return (prepared, {**(params or {}), **bound})
