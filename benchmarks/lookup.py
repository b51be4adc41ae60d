"""Lookup benchmark: 1,000 queries of each kind through the workflow API, p50/p95, and the ratio to raw SQL.

    .venv/bin/python benchmarks/lookup.py --url sqlite:////tmp/lookup-scale.sqlite3
    .venv/bin/python benchmarks/lookup.py --url postgresql+psycopg://backoffice:backoffice@127.0.0.1/lookup_scale

Run it on a COPY of the scale database, upgraded to the current migrations (the copy gets an agent if it has
none). "Raw SQL" replays, on the bare DBAPI connection, exactly the statements the workflow emitted for the same
query (the permission check included), so the ratio is the cost of Python, SQLAlchemy and the session.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.config import Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.models import Agent, Contract, Customer, Role  # noqa: E402
from backoffice.workflows.context import Actor  # noqa: E402
from backoffice.workflows.customers import open_file  # noqa: E402
from backoffice.workflows.lookup import search  # noqa: E402

TARGETS = {  # p95 in ms: SQLite, PostgreSQL
    "numéro client": (0.3, 0.4),
    "numéro de contrat": (0.3, 0.4),
    "e-mail": (0.3, 0.4),
    "téléphone": (0.3, 0.4),
    "début de nom (50 premiers)": (2.0, 3.0),
    "nom et prénom": (2.0, 3.0),
    "nom à une faute près": (30.0, 15.0),
    "ouvrir un dossier": (20.0, 20.0),
}


def bench_actor(db: Database) -> Actor:
    with db.write() as s:
        agent = s.execute(
            select(Agent)
            .where(Agent.role == Role.AGENT, Agent.active.is_(True), Agent.locked_at.is_(None))
            .limit(1)
        ).scalar_one_or_none()
        if agent is None:
            agent = Agent(
                username="bench.lookup",
                full_name="Banc d'essai",
                role=Role.AGENT,
                password_hash="x",
                active=True,
                failed_logins=0,
                created_at=db.clock.now(),
            )
            s.add(agent)
            s.flush()
        return Actor(agent.id, agent.username, agent.full_name, agent.role)


def typo(rng: random.Random, name: str) -> str:
    """One edit in the middle of the name: substitution, deletion, insertion or a swap of neighbours."""
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 0:
        return name[:i] + letter + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + letter + name[i:]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


def sample_queries(db: Database, n: int, seed: int) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    with db.read() as s:
        max_id = s.execute(select(Customer.id).order_by(Customer.id.desc()).limit(1)).scalar_one()
        ids = [rng.randint(1, max_id) for _ in range(n * 2)]
        rows = s.execute(
            select(
                Customer.id,
                Customer.client_number,
                Customer.email,
                Customer.phone_mobile,
                Customer.last_name,
                Customer.first_names,
            ).where(Customer.id.in_(ids), Customer.email.is_not(None), Customer.phone_mobile.is_not(None))
        ).all()[:n]
        contracts = (
            s.execute(select(Contract.number).where(Contract.customer_id.in_([r.id for r in rows])))
            .scalars()
            .all()
        )
    long_names = [r.last_name for r in rows if len(r.last_name) >= 6 and r.last_name.isalpha()]
    return {
        "numéro client": [r.client_number.lower().replace("ti000", "ti 000 ") for r in rows],
        "numéro de contrat": list(contracts[:n]),
        "e-mail": [r.email.upper() for r in rows],
        "téléphone": [
            "0" + r.phone_mobile[3:] if r.phone_mobile.startswith("+33") else r.phone_mobile for r in rows
        ],
        "début de nom (50 premiers)": [r.last_name[: rng.randint(3, max(3, len(r.last_name)))] for r in rows],
        "nom et prénom": [f"{r.last_name.upper()} {r.first_names.split('-')[0].split(' ')[0]}" for r in rows],
        "nom à une faute près": [typo(rng, name) for name in long_names[:n]],
        "ouvrir un dossier": [r.id for r in rows],
    }


class Capture:
    """Statements the workflow sends to the database, to replay them raw.

    Recorded in a pass of its own: a listener on the engine puts every statement on SQLAlchemy's slower, evented
    path, which would be charged to the workflow if it stayed attached while timing.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.statements: list[tuple[str, Any]] = []

    def _record(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        self.statements.append((statement, parameters))

    def replays(
        self, call: Callable[[Any, Any], Any], queries: list[Any], snapshot: bool
    ) -> list[list[tuple[str, Any]]]:
        replays = []
        for engine in self.db.engines:
            event.listen(engine, "before_cursor_execute", self._record)
        try:
            for q in queries:
                self.statements = []
                with self.db.read(snapshot=snapshot) as s:
                    call(s, q)
                replays.append(self.statements)
        finally:
            for engine in self.db.engines:
                event.remove(engine, "before_cursor_execute", self._record)
        return replays


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_kind(
    db: Database, capture: Capture, call: Callable[[Any, Any], Any], queries: list[Any], snapshot: bool
) -> dict[str, float]:
    """``snapshot`` as the application reads: the search box without a transaction, a customer file in one."""
    # warm-up: caches, prepared statements, pages in memory
    for q in queries[:50]:
        with db.read(snapshot=snapshot) as s:
            call(s, q)
    workflow: list[float] = []
    for q in queries:
        started = time.perf_counter()
        with db.read(snapshot=snapshot) as s:
            call(s, q)
        workflow.append((time.perf_counter() - started) * 1000)
    replays = capture.replays(call, queries, snapshot)
    raw_times: list[float] = []
    raw = db.engine.raw_connection()
    if db.dialect == "postgresql":  # like the workflow: no transaction around a lookup's statements
        raw.driver_connection.autocommit = not snapshot
    try:
        cursor = raw.cursor()
        for statements in replays:
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            raw.rollback()
            raw_times.append((time.perf_counter() - started) * 1000)
    finally:
        if db.dialect == "postgresql":
            raw.driver_connection.autocommit = False
        raw.close()
    return {
        "p50": statistics.median(workflow),
        "p95": percentile(workflow, 95),
        "raw_p50": statistics.median(raw_times),
        "raw_p95": percentile(raw_times, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db = Database(args.url, Settings(), pool_size=1)
    actor = bench_actor(db)
    with db.read() as s:
        customers = s.execute(text("SELECT count(*) FROM customer")).scalar_one()
    print(f"{db.dialect} : {customers} assurés, {args.queries} requêtes par type")
    queries = sample_queries(db, args.queries, args.seed)
    capture = Capture(db)
    column = 0 if db.dialect == "sqlite" else 1
    print(f"{'requête':30} {'p50 ms':>8} {'p95 ms':>8} {'cible':>7} {'SQL brut p50':>13} {'ratio p50':>10}")
    failures = 0
    for kind, values in queries.items():
        if kind == "ouvrir un dossier":
            figures = run_kind(db, capture, lambda s, q: open_file(s, actor, q), values, snapshot=True)
        else:
            figures = run_kind(db, capture, lambda s, q: search(s, actor, q), values, snapshot=False)
        target = TARGETS[kind][column]
        ratio = figures["p50"] / figures["raw_p50"] if figures["raw_p50"] else float("nan")
        ok = figures["p95"] <= target
        failures += not ok
        print(
            f"{kind:30} {figures['p50']:8.3f} {figures['p95']:8.3f} {target:7.1f} "
            f"{figures['raw_p50']:13.3f} {ratio:9.1f}× {'' if ok else ' ← au-dessus de la cible'}"
        )
    db.dispose()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
