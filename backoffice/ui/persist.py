"""Per-agent window layout and column widths, kept in the workstation's Qt settings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, Slot
from PySide6.QtWidgets import QApplication, QHeaderView, QWidget

from backoffice.ui.context import AppContext

_store: QSettings | None = None
_SIZED, _FITTING = "agentSized", "fittingColumns"  # dynamic properties of a remembered header


def settings() -> QSettings:
    """One settings object for the process: Qt batches its writes to disk (a resize drag saves many times)."""
    global _store
    if _store is None:
        _store = QSettings("CentreCourriers", "backoffice")
    return _store


def _key(ctx: AppContext, name: str) -> str:
    return f"agents/{ctx.actor.username}/{name}"


def restore_geometry(ctx: AppContext, widget: QWidget, name: str) -> None:
    value = settings().value(_key(ctx, name))
    if isinstance(value, QByteArray | bytes):
        widget.restoreGeometry(QByteArray(value))


def save_geometry(ctx: AppContext, widget: QWidget, name: str) -> None:
    settings().setValue(_key(ctx, name), widget.saveGeometry())
    settings().sync()


def remember_header(
    ctx: AppContext, header: QHeaderView, name: str, *, fit_to_contents: bool = False
) -> None:
    """Restore a table's column widths, order and sort now; save them whenever the agent changes them.

    Call it once the columns exist (model set); ``name`` is a stable key such as ``"unlock/queue"``. Columns
    become movable. With ``fit_to_contents`` the columns follow their contents after each load, as
    ResizeToContents would, until the agent sizes one himself: from then on his widths are kept.
    """
    header.setSectionsMovable(True)
    key = _key(ctx, f"headers/{name}")
    value = settings().value(key)
    if isinstance(value, QByteArray | bytes):
        header.restoreState(QByteArray(value))
    header.setProperty(_SIZED, settings().value(f"{key}/sized") in (True, "true"))

    def save(*_: object) -> None:
        settings().setValue(key, header.saveState())

    def agent_sized(*_: object) -> None:
        header.setProperty(_SIZED, True)
        settings().setValue(f"{key}/sized", True)

    def resized(*_: object) -> None:
        dragging = QApplication.mouseButtons() & Qt.MouseButton.LeftButton
        if dragging and not header.property(_FITTING) and not header.property(_SIZED):
            agent_sized()
        save()

    header.sectionResized.connect(resized)
    header.sectionHandleDoubleClicked.connect(agent_sized)
    header.sectionMoved.connect(save)
    header.sortIndicatorChanged.connect(save)
    model = header.model()
    if fit_to_contents and model is not None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fitter = _Fitter(header)
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(fitter.fit)
        fit_columns(header)


class _Fitter(QObject):
    """Receives the model's signals as a child of the header, so they stop when the table is gone."""

    def __init__(self, header: QHeaderView) -> None:
        super().__init__(header)
        self.header = header

    @Slot()
    def fit(self) -> None:
        fit_columns(self.header)


def fit_columns(header: QHeaderView) -> None:
    """Size the columns to their contents, unless the agent has sized them himself."""
    if header.property(_SIZED):
        return
    header.setProperty(_FITTING, True)
    header.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
    header.setProperty(_FITTING, False)
