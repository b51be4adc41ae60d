"""The SQL a piece of code sends, as SQLAlchemy hands it to the driver (for tests that assert what is read)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from backoffice.db import Database


@contextmanager
def recorded_statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent on ``db``'s engines while the block runs (prepared ones included: with a listener
    attached they take SQLAlchemy's own path)."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", listen)
