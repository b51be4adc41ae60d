"""``backoffice-admin claims import FILE`` (portal declarations, schema in docs/claims-import.md) and ``retriage``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from backoffice.cli.common import open_database
from backoffice.errors import InvalidInput, NotFound
from backoffice.models import Agent
from backoffice.workflows.claims import import_claims, retriage_all
from backoffice.workflows.context import Actor


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("claims", help="sinistres").add_subparsers(
        dest="claims_command", required=True
    )
    imp = cmd.add_parser("import", help="importer les déclarations du portail (fichier JSON)")
    imp.add_argument(
        "file", type=Path, help="fichier JSON : une liste de déclarations (docs/claims-import.md)"
    )
    imp.add_argument("--as", dest="username", required=True, help="identifiant de l'agent qui importe")
    imp.set_defaults(handler=_import)
    again = cmd.add_parser(
        "retriage", help="refaire le tri de tous les sinistres ouverts (après un changement de règle)"
    )
    again.add_argument("--as", dest="username", required=True, help="identifiant de l'agent")
    again.set_defaults(handler=_retriage)


def _actor(db, username: str) -> Actor:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    with db.read() as session:
        agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
    if agent is None:
        raise NotFound(f"Agent inconnu : {username}")
    return Actor(agent.id, agent.username, agent.full_name, agent.role)


def read_records(path: Path) -> list[object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Fichier illisible : {path} ({exc.strerror}).") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"Le fichier {path} n'est pas un JSON valide : {exc}.") from exc
    if isinstance(data, dict) and isinstance(data.get("declarations"), list):
        return list(data["declarations"])
    if not isinstance(data, list):
        raise InvalidInput('Le fichier doit contenir une liste de déclarations (ou {"declarations": [...]}).')
    return data


def _import(args: argparse.Namespace) -> int:
    records = read_records(args.file)
    db = open_database(args, migrate=False)
    actor = _actor(db, args.username)
    with db.write() as session:
        report = import_claims(session, actor, records)
    for number in report.imported:
        print(f"importé : {number}")
    for line, message in report.errors:
        print(f"déclaration n° {line} rejetée : {message}")
    print(f"{len(report.imported)} déclaration(s) importée(s), {len(report.errors)} rejetée(s).")
    return 1 if report.errors else 0


def _retriage(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    total = retriage_all(db, _actor(db, args.username))
    print(f"{total} sinistre(s) ouvert(s) triés à nouveau.")
    return 0
