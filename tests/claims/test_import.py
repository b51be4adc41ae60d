"""Portal JSON import: good records imported whole, bad ones reported line by line, nothing half-imported."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backoffice.cli import claims as claims_cli
from backoffice.db import Database
from backoffice.errors import InvalidInput
from backoffice.models import Claim, ClaimTransition, DeclarationChannel
from backoffice.workflows.claims import import_claims
from tests.claims.builders import contract_number


def record(number: str, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "contract_number": number,
        "claim_type": "collision",
        "occurred_on": "2026-11-23",
        "known_on": "2026-11-23",
        "declared_at": "2026-11-24T18:42:00+01:00",
        "circumstances": "Accrochage sur le parking du centre commercial.",
        "place_postcode": "93110",
        "estimated_amount": 850,
    }
    base.update(overrides)
    return base


def test_bad_records_are_reported_by_line_and_good_ones_imported(db: Database, agents, handler) -> None:
    number = contract_number(db)
    records = [
        record(number),
        record(number, occurred_on="31/02/2026"),
        record("AUT0009999999"),
        record(number, claim_type="meteorite"),
        "pas un objet",
        record(number, declared_at="2026-11-24T18:42:00"),
        record(number, claim_type="theft", keys_available=True, channel="mobile_app"),
        record(number, couleur="rouge"),
    ]
    with db.write() as s:
        report = import_claims(s, handler, records)
    assert len(report.imported) == 2
    assert [line for line, _ in report.errors] == [2, 3, 4, 5, 6, 8]
    messages = dict(report.errors)
    assert "occurred_on : date AAAA-MM-JJ attendue" in messages[2]
    assert "Aucun contrat" in messages[3]
    assert "meteorite" in messages[4]
    assert "fuseau horaire" in messages[6]
    assert "couleur" in messages[8]
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Claim)).scalar_one() == 2
        assert s.execute(select(func.count()).select_from(ClaimTransition)).scalar_one() == 2
        theft = s.execute(select(Claim).where(Claim.number == report.imported[1])).scalar_one()
        assert theft.channel is DeclarationChannel.MOBILE_APP and theft.priority is not None


def test_cli_reads_the_file_and_prints_the_report(
    db: Database, agents, handler, tmp_path: Path, capsys
) -> None:
    number = contract_number(db)
    path = tmp_path / "portail.json"
    path.write_text(
        json.dumps({"declarations": [record(number), record(number, known_on="2026-11-01")]}), "utf-8"
    )
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    claims_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "--database-url",
            db.url.render_as_string(hide_password=False),
            "claims",
            "import",
            str(path),
            "--as",
            handler.username,
        ]
    )
    assert args.handler(args) == 1
    out = capsys.readouterr().out
    assert "déclaration n° 2 rejetée" in out and "précéder" in out
    assert "1 déclaration(s) importée(s), 1 rejetée(s)." in out


def test_unreadable_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "cassé.json"
    path.write_text("[{", "utf-8")
    with pytest.raises(InvalidInput, match="JSON valide"):
        claims_cli.read_records(path)
