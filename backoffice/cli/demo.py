"""``backoffice-admin demo-data``: fill an empty database with demo (or scale) data."""

from __future__ import annotations

import argparse
import sys
import time

from backoffice.cli.common import open_database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser(
        "demo-data",
        help="générer des données de démonstration dans une base vide (assurés, contrats, sinistres…)",
    )
    cmd.add_argument("--customers", type=int, default=2000, help="nombre d'assurés (défaut : 2000)")
    cmd.add_argument("--seed", type=int, default=42, help="graine : même graine, mêmes données (défaut : 42)")
    cmd.add_argument("--database-url", help="URL de la base (sinon : paramètres, puis SQLite local)")
    cmd.set_defaults(handler=_demo_data)


def _demo_data(args: argparse.Namespace) -> int:
    from backoffice.demo import build_demo_data

    if args.customers < 1:
        print("Erreur : le nombre d'assurés doit être positif.", file=sys.stderr)
        return 2
    db = open_database(args)
    started = time.perf_counter()

    def progress(message: str, done: int, total: int) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message} : {done}/{total}", flush=True)

    try:
        report = build_demo_data(db, args.customers, args.seed, progress)
    finally:
        db.dispose()
    print(report.summary())
    return 0
