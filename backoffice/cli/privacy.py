"""``backoffice-admin retention run`` and ``backoffice-admin gdpr export``: personal-data obligations."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.common import open_database
from backoffice.errors import InvalidInput
from backoffice.workflows import gdpr, retention, staff
from backoffice.workflows.context import Actor


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ret = subparsers.add_parser("retention", help="conservation RGPD").add_subparsers(
        dest="ret_cmd", required=True
    )
    run = ret.add_parser("run", help="purger selon les durées de conservation")
    run.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait purgé, sans rien supprimer"
    )
    run.add_argument(
        "--as", dest="agent", required=True, help="identifiant de l'administrateur qui lance la purge"
    )
    run.set_defaults(handler=_retention)
    gd = subparsers.add_parser("gdpr", help="droit d'accès RGPD").add_subparsers(
        dest="gdpr_cmd", required=True
    )
    export = gd.add_parser("export", help="archive de toutes les données d'un client")
    export.add_argument("client_number")
    export.add_argument("--dir", default=".", help="dossier de destination")
    export.add_argument("--as", dest="agent", required=True, help="identifiant de l'agent qui exporte")
    export.set_defaults(handler=_export)


def _actor(db, username: str) -> Actor:  # type: ignore[no-untyped-def]
    with db.read() as session:
        for info in staff.list_agents(session):
            if info.username == username.strip().lower():
                return Actor(info.id, info.username, info.full_name, info.role)
    raise InvalidInput(f"Agent inconnu : « {username} ».")


def _retention(args: argparse.Namespace) -> int:
    db = open_database(args)
    actor = _actor(db, args.agent)
    with db.write() as session:
        report = retention.run_retention(session, actor, dry_run=args.dry_run)
    print(("Simulation — rien n'a été supprimé. " if args.dry_run else "") + f"Exécution {report.run_id}")
    for line in report.lines():
        print(f"  {line}")
    return 0


def _export(args: argparse.Namespace) -> int:
    db = open_database(args)
    actor = _actor(db, args.agent)
    with db.write() as session:
        result = gdpr.export_customer(session, actor, args.client_number, Path(args.dir))
    print(f"Archive : {result.path} ({result.files} fichiers, SHA-256 {result.sha256})")
    return 0
