from __future__ import annotations

import json
import logging
from pathlib import Path

from backoffice import logs


def test_sensitive_values_never_reach_the_log_file(tmp_path: Path) -> None:
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        path = logs.configure(tmp_path, console=False)
        log = logging.getLogger("backoffice.test")
        log.warning("IBAN reçu : FR14 2004 1010 0505 0001 3M02 606 pour le client")
        log.warning("code envoyé : 483920")
        log.warning("MRZ P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<")
        try:
            raise ValueError("mot de passe = 12345678 refusé")
        except ValueError:
            log.exception("échec")
        for handler in root.handlers:
            handler.flush()
        lines = path.read_text(encoding="utf-8").splitlines()
    finally:
        for handler in list(root.handlers):
            if handler not in saved:
                root.removeHandler(handler)
        for handler in saved:
            if handler not in root.handlers:
                root.addHandler(handler)
    text = "\n".join(lines)
    assert len(lines) == 4 and all(json.loads(line)["logger"] == "backoffice.test" for line in lines)
    assert "FR14" not in text and "483920" not in text and "ERIKSSON" not in text and "12345678" not in text
    assert logs.find_sensitive(text) == []
    assert logs.find_sensitive("virement vers FR1420041010050500013M02606") == ["iban"]


def test_the_suite_log_scanner_sees_a_leak(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import scan_test_logs

    monkeypatch.setenv("BACKOFFICE_TEST_LOG_DIR", str(tmp_path))
    (tmp_path / "w1").mkdir()
    (tmp_path / "w1" / "backoffice.log").write_text('{"message": "FR1420041010050500013M02606"}\n')
    assert scan_test_logs() == ["backoffice.log:1: iban"]
