"""Many handlers taking claims at once, each in its own process: every claim taken exactly once, no lock error."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from backoffice.clock import FixedClock
from backoffice.db import Database
from backoffice.models import Agent, Claim, ClaimStatus, ClaimType, DeclarationChannel, Priority, Role
from backoffice.workflows.audit import verify_chain
from backoffice.workflows.context import now
from tests.claims.race_worker import take_until_empty
from tests.conftest import add_agent
from tests.factories import make_contract, make_customer

QUEUE_SIZE = 10_000
WORKERS = {"sqlite": 4, "postgresql": 20}


def fill_queue(db: Database, size: int) -> None:
    """Claims inserted in bulk (the intake workflow is tested elsewhere): all waiting, all priorities, ages spread."""
    with db.write() as s:
        contract = make_contract(s, make_customer(s))
        moment = now(s)
        priorities = list(Priority)
        rows = [
            {
                "number": f"SIN2026R{i:08d}",
                "contract_id": contract.id,
                "customer_id": contract.customer_id,
                "claim_type": ClaimType.COLLISION,
                "channel": DeclarationChannel.PORTAL,
                "occurred_on": moment.date() - timedelta(days=3),
                "known_on": moment.date() - timedelta(days=3),
                "declared_at": moment - timedelta(minutes=i),
                "circumstances": "Accrochage en stationnement",
                "status": ClaimStatus.DECLARED,
                "priority": priorities[i % 4],
                "estimated_amount": Decimal("1000"),
                "flags": [],
                "created_at": moment,
                "updated_at": moment,
            }
            for i in range(size)
        ]
        s.execute(insert(Claim), rows)


@pytest.mark.slow
def test_every_claim_is_taken_exactly_once(db: Database, tmp_path: Path, clock: FixedClock) -> None:
    workers = WORKERS[db.dialect]
    fill_queue(db, QUEUE_SIZE)
    handlers = [add_agent(db, f"gestionnaire{i:02d}", Role.CLAIMS_HANDLER) for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(workers)
    results = context.Queue()
    url = db.url.render_as_string(hide_password=False)
    processes = [
        context.Process(
            target=take_until_empty,
            args=(
                url,
                str(tmp_path / "home"),
                clock.now().isoformat(),
                (h.agent_id, h.username),
                start,
                results,
            ),
        )
        for h in handlers
    ]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=1800) for _ in processes]
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    taken = [claim_id for _, ids, _ in outcomes for claim_id in ids]
    errors = [message for _, _, messages in outcomes for message in messages]
    assert errors == []
    assert len(taken) == QUEUE_SIZE and len(set(taken)) == QUEUE_SIZE
    assert sum(1 for _, ids, _ in outcomes if ids) > 1  # the work really was shared
    with db.read() as s:
        waiting = s.execute(select(func.count()).where(Claim.handler_id.is_(None))).scalar_one()
        assert waiting == 0
        per_handler = dict(
            s.execute(
                select(Agent.username, func.count())
                .join(Claim, Claim.handler_id == Agent.id)
                .group_by(Agent.username)
            ).all()
        )
        assert per_handler == {name: len(ids) for name, ids, _ in outcomes if ids}
        assert verify_chain(s).ok
