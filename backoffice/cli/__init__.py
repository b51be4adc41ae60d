"""``backoffice-admin``: administration from a terminal (database, agents, audit, demo data, batches).

Each family of commands lives in its own module of this package exposing ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from backoffice import logs
from backoffice.config import load_settings
from backoffice.errors import BackofficeError


def command_modules() -> list[str]:
    """Every module of this package but the helpers: each family registers its own commands."""
    import backoffice.cli as package

    return [
        f"backoffice.cli.{m.name}"
        for m in pkgutil.iter_modules(package.__path__)
        if m.name not in {"common"} and not m.name.startswith("_")
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice-admin", description="Administration de l'application back-office"
    )
    parser.add_argument("--database-url", help="URL de la base (sinon : paramètres, puis SQLite local)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name in command_modules():
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *, configure_logging: bool = True) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if configure_logging:
            logs.configure(load_settings().paths.log_dir, level=logging.INFO, console=False)
        return int(args.handler(args) or 0)
    except BackofficeError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
