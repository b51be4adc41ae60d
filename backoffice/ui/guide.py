"""Help → Guide: the French user guide of the agent's role, shown inside the application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from backoffice.models import Role

GUIDE_FILES = {
    Role.AGENT: "conseiller.md",
    Role.CLAIMS_HANDLER: "gestionnaire-sinistres.md",
    Role.SUPERVISOR: "superviseur.md",
    Role.ADMIN: "administrateur.md",
}


def guide_dir() -> Path | None:
    """docs/guide of a source checkout, or the copy PyInstaller puts beside the bundled package."""
    candidates = [Path(__file__).resolve().parents[2] / "docs" / "guide"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "docs" / "guide")
    return next((c for c in candidates if c.is_dir()), None)


class GuideDialog(QDialog):
    def __init__(self, role: Role, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guide d'utilisation")
        self.resize(900, 700)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        folder = guide_dir()
        if folder is None:
            self.browser.setMarkdown("# Guide indisponible\n\nLe guide n'est pas installé sur ce poste.")
        else:
            self.browser.setSearchPaths([str(folder)])
            self.browser.setSource(QUrl.fromLocalFile(str(folder / GUIDE_FILES[role])))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
