"""``backoffice-admin audit verify|anchor``: integrity of the hash-chained audit trail."""

from __future__ import annotations

import argparse

from backoffice.cli.common import open_database
from backoffice.workflows import audit


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("audit", help="journal d'audit").add_subparsers(
        dest="audit_command", required=True
    )
    verify = cmd.add_parser("verify", help="vérifier toute la chaîne (option : une ancre conservée à part)")
    verify.add_argument("--anchor", help="ancre « SEQ:HASH » imprimée par « audit anchor »")
    verify.set_defaults(handler=_verify)
    cmd.add_parser("anchor", help="imprimer la tête de chaîne à conserver hors de la base").set_defaults(
        handler=_anchor
    )


def _verify(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    anchor: dict[str, object] = {}
    if args.anchor:
        seq, _, digest = args.anchor.partition(":")
        anchor = {"anchor_seq": int(seq), "anchor_hash": digest}
    with db.read() as session:
        report = audit.verify_chain(session, **anchor)  # type: ignore[arg-type]
    print(report.message())
    return 0 if report.ok else 1


def _anchor(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    with db.read() as session:
        report = audit.verify_chain(session)
    if not report.ok:
        print(report.message())
        return 1
    print(f"{report.head_seq}:{report.head_hash}")
    return 0
