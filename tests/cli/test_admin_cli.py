from __future__ import annotations

import io
from pathlib import Path

import pytest

from backoffice.cli import build_parser, main


def _run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setenv("BACKOFFICE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = main(list(argv), configure_logging=False)
    return code, out.getvalue(), err.getvalue()


def test_every_command_family_registers(tmp_path: Path) -> None:
    help_text = build_parser().format_help()
    for command in ("db", "agent", "audit", "demo-data", "retention", "gdpr"):
        assert command in help_text


def test_admin_cli_creates_agents_and_verifies_the_audit_chain(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    code, out, _ = _run(monkeypatch, tmp_path, "--database-url", url, "db", "upgrade")
    assert code == 0 and "Schéma à jour" in out
    code, out, _ = _run(
        monkeypatch,
        tmp_path,
        "--database-url",
        url,
        "agent",
        "add",
        "jeanne.dupont",
        "--name",
        "Jeanne Dupont",
        "--role",
        "supervisor",
        stdin="Un-mot-de-passe-solide\n",
    )
    assert code == 0 and "Agent créé : jeanne.dupont (Superviseur)" in out
    code, _, err = _run(
        monkeypatch,
        tmp_path,
        "--database-url",
        url,
        "agent",
        "add",
        "jeanne.dupont",
        "--name",
        "Jeanne Dupont",
        "--role",
        "agent",
        stdin="Un-mot-de-passe-solide\n",
    )
    assert code == 2 and "existe déjà" in err
    code, out, _ = _run(monkeypatch, tmp_path, "--database-url", url, "agent", "list")
    assert "jeanne.dupont" in out and "Superviseur" in out
    code, out, _ = _run(monkeypatch, tmp_path, "--database-url", url, "audit", "anchor")
    assert code == 0
    anchor = out.strip()
    code, out, _ = _run(monkeypatch, tmp_path, "--database-url", url, "audit", "verify", "--anchor", anchor)
    assert code == 0 and "intègre" in out


def test_admin_cli_explains_a_broken_database_in_french(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"pas une base" * 1000)
    code, _, err = _run(monkeypatch, tmp_path, "--database-url", f"sqlite:///{bogus}", "agent", "list")
    assert code == 2 and "n'est pas une base de données" in err
