"""Times read back from SQLite: the fast reading of the stored text gives exactly what the general one gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from backoffice.models.base import UTCDateTime

_DIALECT = sqlite.dialect()
_TYPE = UTCDateTime()
_STORE = _TYPE.dialect_impl(_DIALECT).bind_processor(_DIALECT)
_READ = _TYPE.dialect_impl(_DIALECT).result_processor(_DIALECT, None)
_GENERAL = super(UTCDateTime, _TYPE.dialect_impl(_DIALECT)).result_processor(_DIALECT, None)


def _stored(moment: datetime) -> str:
    """The text SQLAlchemy writes for a time (the type's bind conversion, then the SQLite column's)."""
    assert _STORE is not None
    return str(_STORE(moment))


@given(
    st.datetimes(
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-7))])
    )
)
def test_a_stored_time_reads_back_as_the_same_aware_utc_time(moment: datetime) -> None:
    read = _READ(_stored(moment))
    assert read == moment and read.tzinfo is UTC
    assert read == _GENERAL(_stored(moment))


def test_other_texts_take_the_general_path() -> None:
    for text in ("2026-11-26 10:00:00", "2026-11-26 10:00:00.5", "2026-11-26", "2026-11-26T10:00:00"):
        read = _READ(text)
        assert read == _GENERAL(text) and read.tzinfo is not None, text
    assert _READ(None) is None
