"""Builders of lock-event streams: real rows, placed at chosen instants, for the supervision tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from backoffice.clock import PARIS
from backoffice.db import Database
from backoffice.models import Customer, LockEvent, LockReason, PortalAccount
from tests.factories import make_account, make_customer

_serial = itertools.count(1)


def paris(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@dataclass(frozen=True)
class Holder:
    customer_id: int
    account_id: int
    client_number: str


def new_holder(session: Session) -> Holder:
    n = next(_serial)
    customer = make_customer(session, client_number=f"TI000{5000000 + n:07d}", last_name=f"Durand{n}")
    account = make_account(session, customer)
    return Holder(customer.id, account.id, customer.client_number)


def add_lock(
    session: Session,
    holder: Holder,
    at: datetime,
    *,
    reason: LockReason = LockReason.FAILED_LOGINS,
    ip: str | None = "203.0.113.7",
    country: str | None = "FR",
    unlocked_at: datetime | None = None,
    unlocked_by: int | None = None,
) -> int:
    event = LockEvent(
        account_id=holder.account_id,
        customer_id=holder.customer_id,
        occurred_at=at,
        reason=reason,
        origin_ip=ip,
        origin_country=country,
        failed_attempts=5,
        unlocked_at=unlocked_at,
        unlocked_by_id=unlocked_by,
    )
    session.add(event)
    session.flush()
    return event.id


@pytest.fixture
def holders(db: Database) -> Callable[[int], list[Holder]]:
    def make(n: int) -> list[Holder]:
        with db.write() as s:
            return [new_holder(s) for _ in range(n)]

    return make


@pytest.fixture
def normal_traffic(db: Database, agents) -> list[int]:  # type: ignore[no-untyped-def]
    """Ten days of ordinary locks: scattered addresses and accounts, unlocked in opening hours by two agents."""
    ids = []
    with db.write() as s:
        people = [new_holder(s) for _ in range(30)]
        for i in range(60):
            day = paris(2026, 11, 16 + i // 10, (9, 10, 11, 14, 15, 16)[i % 6], (i * 7) % 60)
            if day.weekday() >= 5:
                day = day - timedelta(days=2)
            ids.append(
                add_lock(
                    s,
                    people[i % 30],
                    day,
                    reason=list(LockReason)[i % 5],
                    ip=f"10.{i % 7}.{i}.{i % 250}",
                    country="FR" if i % 6 else "BE",
                    unlocked_at=day + timedelta(minutes=30) if i % 2 else None,
                    unlocked_by=(agents["agent"] if i % 4 == 1 else agents["agent2"]).agent_id
                    if i % 2
                    else None,
                )
            )
    return ids


def customer(session: Session, holder: Holder) -> Customer:
    found = session.get(Customer, holder.customer_id)
    assert found is not None
    return found


def account(session: Session, holder: Holder) -> PortalAccount:
    found = session.get(PortalAccount, holder.account_id)
    assert found is not None
    return found
