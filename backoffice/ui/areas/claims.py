"""Area « Sinistres » (placeholder until its issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from backoffice.ui.context import AppContext


def create(ctx: AppContext) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    label = QLabel("<h2>Sinistres</h2><p>Cet écran n'est pas encore disponible dans cette version.</p>")
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addStretch(1)
    return page
