"""Letter benchmarks (issue #8 targets).

1. Rendering: ≥ 150 single-page letters per second in one process (the acknowledgement template).
2. Batch: 1,000 acknowledgements of one day's declarations, gathered from the database, rendered, archived
   (blob + letter row + audit) with a progress callback, in ≤ 10 s; then the merged printer PDF.

    python benchmarks/letters.py                      # SQLite in a temporary folder
    python benchmarks/letters.py --pg postgresql+psycopg://backoffice:backoffice@127.0.0.1/postgres

With --pg, a throw-away database ``letters_bench`` is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backoffice import migrations  # noqa: E402
from backoffice.clock import PARIS, FixedClock  # noqa: E402
from backoffice.config import Paths, Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.letters import merge_pdfs, render  # noqa: E402
from backoffice.models import Agent, Claim, ClaimStatus, ClaimType, DeclarationChannel, Role  # noqa: E402
from backoffice.workflows import letters as wf  # noqa: E402
from backoffice.workflows.context import Actor  # noqa: E402
from tests.factories import make_contract, make_customer  # noqa: E402
from tests.letters.samples import sample_input  # noqa: E402

DAY = date(2026, 11, 26)


def bench_render(count: int) -> float:
    letter = sample_input("ack_claim")
    render(letter)  # fonts registered, subsets cached: what a running application has
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        render(letter)
    rate = count / (time.perf_counter() - start)
    cpu_rate = count / (time.process_time() - cpu)
    print(
        f"rendu : {count} courriers d'une page en un processus : {rate:.0f} courriers/s "
        f"({cpu_rate:.0f} par seconde de processeur ; cible ≥ 150)"
    )
    return rate


def _populate(db: Database, count: int) -> Actor:
    with db.write() as s:
        agent = Agent(
            username="bench.sinistres",
            full_name="Banc d'essai",
            role=Role.CLAIMS_HANDLER,
            password_hash="x",
            active=True,
            failed_logins=0,
            created_at=db.clock.now(),
        )
        s.add(agent)
        s.flush()
        actor = Actor(agent.id, agent.username, agent.full_name, agent.role)
        for n in range(count):
            customer = make_customer(s, client_number=f"TI{n:010d}", last_name=f"Martin{n}")
            contract = make_contract(s, customer)
            declared = datetime.combine(DAY, datetime.min.time(), tzinfo=PARIS) + timedelta(
                hours=8, seconds=20 * n
            )
            s.add(
                Claim(
                    number=f"S2026-{n:06d}",
                    contract_id=contract.id,
                    customer_id=customer.id,
                    claim_type=ClaimType.COLLISION,
                    channel=DeclarationChannel.PORTAL,
                    occurred_on=DAY - timedelta(days=2),
                    known_on=DAY - timedelta(days=2),
                    declared_at=declared,
                    circumstances="Choc arrière.",
                    status=ClaimStatus.DECLARED,
                    created_at=declared,
                    updated_at=declared,
                )
            )
    return actor


def bench_batch(db: Database, count: int, label: str) -> None:
    actor = _populate(db, count)
    with db.read() as s:
        targets = wf.claims_declared_on(s, actor, DAY)
    ticks: list[int] = []
    start, cpu = time.perf_counter(), time.process_time()
    result = wf.generate_batch(
        db, actor, "ack_claim", targets, progress=lambda done, total: ticks.append(done)
    )
    elapsed = time.perf_counter() - start
    cpu_used = time.process_time() - cpu
    assert len(result.letters) == count and not result.failures, result.message()
    print(
        f"lot {label} : {count} accusés de réception rassemblés, rendus et archivés en {elapsed:.2f} s "
        f"({cpu_used:.2f} s de processeur côté application, {len(ticks)} signaux de progression ; cible ≤ 10 s)"
    )
    start = time.perf_counter()
    merged = merge_pdfs(x.pdf for x in result.letters)
    print(
        f"lot {label} : PDF fusionné pour l'imprimante en {time.perf_counter() - start:.2f} s "
        f"({len(merged) / 1e6:.1f} Mo pour {count} pages, {sum(len(x.pdf) for x in result.letters) / 1e6:.1f} Mo séparés)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--render", type=int, default=1000)
    parser.add_argument("--pg", help="URL d'une base PostgreSQL de maintenance (ex. postgres)")
    args = parser.parse_args()
    bench_render(args.render)
    clock = FixedClock(datetime(2026, 11, 26, 18, 0, tzinfo=PARIS))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(paths=Paths.under(Path(tmp)))
        db = Database(f"sqlite:///{tmp}/bench.sqlite3", settings, clock)
        migrations.upgrade(db, backup=False)
        bench_batch(db, args.letters, "SQLite")
        db.dispose()
        if args.pg:
            admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text('DROP DATABASE IF EXISTS "letters_bench" WITH (FORCE)'))
                conn.execute(text('CREATE DATABASE "letters_bench"'))
            url = make_url(args.pg).set(database="letters_bench").render_as_string(hide_password=False)
            db = Database(url, settings, clock)
            migrations.upgrade(db, backup=False)
            try:
                bench_batch(db, args.letters, "PostgreSQL")
            finally:
                db.dispose()
                with admin.connect() as conn:
                    conn.execute(text('DROP DATABASE IF EXISTS "letters_bench" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
