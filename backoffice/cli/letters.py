"""``backoffice-admin letters batch|templates``: many letters at once, for the printer or a folder."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from backoffice.cli.common import open_database
from backoffice.errors import InvalidInput
from backoffice.letters import merge_pdfs
from backoffice.workflows import letters as wf


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("letters", help="courriers").add_subparsers(
        dest="letters_command", required=True
    )
    cmd.add_parser("templates", help="lister les modèles de courrier").set_defaults(handler=_templates)
    batch = cmd.add_parser("batch", help="produire et archiver des courriers en lot")
    batch.add_argument("--template", required=True, help="code du modèle, ex. ack_claim")
    batch.add_argument(
        "--as", dest="agent", required=True, help="identifiant de l'agent au nom duquel archiver"
    )
    targets = batch.add_mutually_exclusive_group(required=True)
    targets.add_argument(
        "--declared-on", type=date.fromisoformat, help="sinistres déclarés ce jour (AAAA-MM-JJ)"
    )
    targets.add_argument("--claims", help="numéros internes de sinistres, séparés par des virgules")
    targets.add_argument("--customers", help="numéros internes de clients, séparés par des virgules")
    output = batch.add_mutually_exclusive_group(required=True)
    output.add_argument("--merged", type=Path, help="un seul PDF pour l'imprimante")
    output.add_argument("--dir", type=Path, help="un PDF par courrier dans ce dossier")
    batch.add_argument("--preview", action="store_true", help="produire sans archiver")
    batch.set_defaults(handler=_batch)


def _templates(args: argparse.Namespace) -> int:
    for t in wf.templates():
        print(f"{t.code:26} v{t.version:3} {t.title}")
    return 0


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInput(f"Liste de numéros illisible : « {text} ».") from None


def _batch(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    with db.read() as session:
        actor = wf.console_actor(session, args.agent)
        if args.declared_on:
            targets = wf.claims_declared_on(session, actor, args.declared_on)
    if args.claims:
        targets = [wf.BatchTarget(claim_id=i) for i in _ids(args.claims)]
    elif args.customers:
        targets = [wf.BatchTarget(customer_id=i) for i in _ids(args.customers)]
    if not targets:
        print("Aucun courrier à produire.")
        return 0

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(f"\r{done}/{total} courriers", end="\n" if done == total else "", file=sys.stderr)

    result = wf.generate_batch(db, actor, args.template, targets, archive=not args.preview, progress=progress)
    for failure in result.failures:
        print(f"Non produit ({failure.target.label()}) : {failure.message}", file=sys.stderr)
    if args.merged:
        args.merged.write_bytes(merge_pdfs(x.pdf for x in result.letters))
        print(f"{result.message()} Fichier : {args.merged}")
    else:
        args.dir.mkdir(parents=True, exist_ok=True)
        for letter in result.letters:
            (args.dir / f"{letter.reference}.pdf").write_bytes(letter.pdf)
        print(f"{result.message()} Dossier : {args.dir}")
    return 1 if result.failures else 0
