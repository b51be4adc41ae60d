"""``backoffice-admin outbox export [--dir D]``: hand the pending messages to the mail/SMS gateway as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.common import open_database
from backoffice.workflows import outbox


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("outbox", help="messages aux clients (e-mail, SMS)").add_subparsers(
        dest="outbox_command", required=True
    )
    export = cmd.add_parser(
        "export", help="déposer les messages en attente (.eml, .json) pour la passerelle d'envoi"
    )
    export.add_argument(
        "--dir", type=Path, help="dossier de dépôt (sinon : paramètre unlock.outbox_drop_dir)"
    )
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    with db.write() as session:
        report = outbox.export_outbox(session, None, args.dir)
    print(report.message())
    return 0
