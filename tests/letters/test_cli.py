from __future__ import annotations

import argparse
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from backoffice.cli import letters as letters_cli
from backoffice.db import Database
from backoffice.models import Letter
from backoffice.workflows.context import Actor
from tests.letters.conftest import Case


def run(db: Database, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    letters_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--database-url", db.url.render_as_string(hide_password=False), *argv])
    return int(args.handler(args))


def test_batch_of_the_days_acknowledgements_into_one_merged_pdf(
    db: Database, agents: dict[str, Actor], case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "imprimante.pdf"
    code = run(
        db,
        "letters",
        "batch",
        "--template",
        "ack_claim",
        "--declared-on",
        "2026-11-26",
        "--as",
        "claire.sinistres",
        "--merged",
        str(out),
    )
    assert code == 0
    assert "1 courrier(s) produit(s) sur 1." in capsys.readouterr().out
    assert len(PdfReader(BytesIO(out.read_bytes())).pages) == 1
    with db.read() as s:
        assert s.execute(select(func.count(Letter.id))).scalar_one() == 1


def test_batch_into_a_folder_one_pdf_per_letter_without_archiving(
    db: Database, agents: dict[str, Actor], case: Case, tmp_path: Path
) -> None:
    folder = tmp_path / "lot"
    code = run(
        db,
        "letters",
        "batch",
        "--template",
        "vehicle_memo",
        "--customers",
        str(case.customer_id),
        "--as",
        "sophie.superviseur",
        "--dir",
        str(folder),
        "--preview",
    )
    assert code == 0
    files = list(folder.glob("MV-*.pdf"))
    assert len(files) == 1
    with db.read() as s:
        assert s.execute(select(func.count(Letter.id))).scalar_one() == 0


def test_batch_needs_the_batch_permission(
    db: Database, agents: dict[str, Actor], case: Case, tmp_path: Path
) -> None:
    from backoffice.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(
            db,
            "letters",
            "batch",
            "--template",
            "ack_claim",
            "--declared-on",
            "2026-11-26",
            "--as",
            "alice.agent",
            "--dir",
            str(tmp_path),
        )
