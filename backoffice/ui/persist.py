"""Per-agent window layout and column widths, kept in the workstation's Qt settings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

from backoffice.ui.context import AppContext


def _settings() -> QSettings:
    return QSettings("CentreCourriers", "backoffice")


def _key(ctx: AppContext, name: str) -> str:
    return f"agents/{ctx.actor.username}/{name}"


def restore_geometry(ctx: AppContext, widget: QWidget, name: str) -> None:
    value = _settings().value(_key(ctx, name))
    if isinstance(value, QByteArray | bytes):
        widget.restoreGeometry(QByteArray(value))


def save_geometry(ctx: AppContext, widget: QWidget, name: str) -> None:
    _settings().setValue(_key(ctx, name), widget.saveGeometry())


def remember_header(ctx: AppContext, header: QHeaderView, name: str) -> None:
    """Restore the column widths/order of a table now, and save them whenever the agent changes them."""
    settings = _settings()
    value = settings.value(_key(ctx, f"headers/{name}"))
    if isinstance(value, QByteArray | bytes):
        header.restoreState(QByteArray(value))

    def save(*_: object) -> None:
        _settings().setValue(_key(ctx, f"headers/{name}"), header.saveState())

    header.sectionResized.connect(save)
    header.sectionMoved.connect(save)
