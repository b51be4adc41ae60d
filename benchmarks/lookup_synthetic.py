"""A quick million-customer database for the lookup benchmark when the shared scale databases are not there.

    .venv/bin/python benchmarks/lookup_synthetic.py --url sqlite:////tmp/lookup-synth.sqlite3 --customers 1000000

Only what the lookup reads: customers (real French names drawn with the demo builder's Zipf-like pools, so
namesakes are as frequent as in life) and one contract each. Rows are bulk-inserted after the migrations, so the
name vocabulary triggers run as they would in production.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice import migrations  # noqa: E402
from backoffice.config import Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.demo.generate import build_pools  # noqa: E402

CHUNK = 20_000
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def customer_rows(pools, start: int, count: int, rng: random.Random) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    customers, contracts = [], []
    for n in range(start, start + count):
        female = rng.random() < 0.5
        first = rng.choice(pools.female_first if female else pools.male_first)
        last = rng.choice(pools.last_names)
        commune = rng.choice(pools.communes)
        activity = NOW - timedelta(seconds=int((rng.random() ** 1.3) * 3 * 365 * 86400))
        email = f"{pools.slug(first)}.{pools.slug(last)}{n}@{rng.choice(pools.email_domains)}"
        last4 = f"{rng.randrange(10000):04d}"
        customers.append(
            {
                "id": n,
                "client_number": f"TI000{n:07d}",
                "kind": "customer",
                "civility": "Mme" if female else "M.",
                "last_name": last,
                "first_names": first,
                "birth_date": date(1940, 1, 1) + timedelta(days=rng.randrange(25000)),
                "email": email,
                "phone_mobile": f"+336{n:08d}",
                "address_line": f"{rng.randint(1, 120)} {rng.choice(pools.streets)}",
                "postcode": commune.postcode,
                "city": commune.name,
                "country": "FR",
                "iban": f"FR7630006000011234567{last4[:2]}{rng.randrange(100):02d}{last4}"[:27],
                "created_at": activity - timedelta(days=rng.randrange(3000)),
                "updated_at": activity,
                "last_activity_at": activity,
                "last_name_key": pools.fold(last),
                "first_names_key": pools.fold(first),
                "email_key": email.lower(),
                "iban_last4": None,
                "version": 1,
            }
        )
        customers[-1]["iban_last4"] = customers[-1]["iban"][-4:]
        car = rng.random() < 0.8
        contracts.append(
            {
                "id": n,
                "number": f"{'AUT' if car else 'MOT'}000{n:07d}",
                "customer_id": n,
                "product": "car" if car else "two_wheeler",
                "status": rng.choice(("active", "active", "active", "suspended", "terminated")),
                "start_date": date(2020, 1, 1),
                "renewal_date": date(2027, 1, 1),
                "automatic_renewal": True,
                "annual_premium": Decimal("540.00"),
                "payment_schedule": "monthly",
                "bonus_malus": Decimal("0.85"),
                "years_at_minimum_bonus": 0,
                "replacement_value_option": False,
                "vehicle_registration": f"GA-{n % 1000:03d}-BC",
                "vehicle_make": "Peugeot",
                "vehicle_model": "208",
                "vehicle_first_registration": date(2019, 6, 1),
                "drivers": [],
                "created_at": NOW,
                "updated_at": NOW,
                "version": 1,
            }
        )
    return customers, contracts


def _plain(value: object, dialect: str) -> object:
    """Values as the database stores them (what the ORM types would have written), without their cost."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ") if dialect == "sqlite" else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if dialect == "sqlite" else value
    if isinstance(value, list):
        return "[]"
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = Database(args.url, Settings(), pool_size=1)
    migrations.upgrade(db, backup=False)
    pools = build_pools(args.seed)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    raw = db.engine.raw_connection()
    if db.dialect == "sqlite":  # a large page cache: random-order index inserts stop hitting the disk
        raw.cursor().execute("PRAGMA cache_size = -600000")
        raw.cursor().execute("PRAGMA synchronous = OFF")
    try:
        for start in range(1, args.customers + 1, CHUNK):
            customers, contracts = customer_rows(pools, start, min(CHUNK, args.customers + 1 - start), rng)
            cursor = raw.cursor()
            if db.dialect == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            for table, rows in (("customer", customers), ("contract", contracts)):
                columns = list(rows[0])
                values = [tuple(_plain(row[c], db.dialect) for c in columns) for row in rows]
                if db.dialect == "sqlite":
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
                else:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for value in values:
                            copy.write_row(value)
            if db.dialect == "sqlite":
                cursor.execute("COMMIT")
            else:
                raw.commit()
            print(
                f"  [{time.perf_counter() - started:6.1f} s] {start + len(customers) - 1} assurés", flush=True
            )
        if db.dialect == "postgresql":
            cursor = raw.cursor()
            for table in ("customer", "contract"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            raw.commit()
    finally:
        raw.close()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"{db.dialect}: {args.customers} assurés en {time.perf_counter() - started:.1f} s")
    db.dispose()


if __name__ == "__main__":
    main()
