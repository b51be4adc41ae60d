"""Time what an agent waits for on the unlock screen, on a COPY of a scale database (never the original).

    .venv/bin/python benchmarks/unlock_lookup.py --url sqlite:////tmp/unlock-scale.sqlite3
    .venv/bin/python benchmarks/unlock_lookup.py --url postgresql+psycopg://backoffice:backoffice@127.0.0.1/unlock_scale

Prints the median and 95th percentile of: finding a customer's space by client number and by contract number
(the whole read model: state, rule, verification, history), and the supervisors' approval queue.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.config import Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.models import Agent, Contract, Customer, PortalAccount, Role  # noqa: E402
from backoffice.workflows import approvals, unlock  # noqa: E402
from backoffice.workflows.context import Actor  # noqa: E402


def timed(label: str, calls: list[Callable[[], object]]) -> None:
    durations = []
    for call in calls:
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(
        f"{label:40} médiane {statistics.median(durations):7.1f} ms   p95 {p95:7.1f} ms   (n={len(durations)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="URL d'une copie de la base de volume")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = Database(args.url, Settings())
    rng = random.Random(args.seed)
    with db.read() as s:
        supervisor = s.execute(select(Agent).where(Agent.role == Role.SUPERVISOR).limit(1)).scalar_one()
        actor = Actor(supervisor.id, supervisor.username, supervisor.full_name, supervisor.role)
        top = s.execute(select(func.max(PortalAccount.id))).scalar_one()
        picked = []
        while len(picked) < args.samples:
            row = s.execute(
                select(Customer.client_number, Contract.number)
                .join(PortalAccount, PortalAccount.customer_id == Customer.id)
                .join(Contract, Contract.customer_id == Customer.id)
                .where(PortalAccount.id >= rng.randint(1, top))
                .order_by(PortalAccount.id)
                .limit(1)
            ).first()
            if row:
                picked.append(row)

    def read(fn: Callable[..., object], *a: object) -> Callable[[], object]:
        return lambda: db.run_read(lambda s: fn(s, actor, *a))

    timed("recherche par numéro client", [read(unlock.find_account, c) for c, _ in picked])
    timed("recherche par numéro de contrat", [read(unlock.find_account, n.lower()) for _, n in picked])
    timed("file des validations superviseur", [read(approvals.list_pending) for _ in range(50)])
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
