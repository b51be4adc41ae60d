"""``backoffice-admin``: administration from a terminal (database, agents, audit, demo data, batches).

Each family of commands lives in its own module exposing ``register(subparsers)``; add yours to COMMAND_MODULES.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from backoffice.errors import BackofficeError

COMMAND_MODULES = [
    "backoffice.cli.db",
    "backoffice.cli.agents",
    "backoffice.cli.audit",
    "backoffice.cli.demo",
    "backoffice.cli.letters",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice-admin", description="Administration de l'application back-office"
    )
    parser.add_argument("--database-url", help="URL de la base (sinon : paramètres, puis SQLite local)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BackofficeError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
