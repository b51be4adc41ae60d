"""A PDF shown from bytes (QtPdf), with page navigation and zoom: the letter exactly as it will be archived."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

ZOOM_STEP = 1.2


class PdfPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._data = QByteArray()
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setAccessibleName("Aperçu du courrier")

        # Short labels: the preview shares a 1366-pixel screen with the letter form.
        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.page_label = QLabel("Aucun document")
        self.page_label.setObjectName("pageLabel")
        self.zoom_out_button = QPushButton("−")
        self.zoom_in_button = QPushButton("+")
        self.fit_button = QPushButton("Page entière")
        for button, tip in (
            (self.previous_button, "Page précédente (Page préc.)"),
            (self.next_button, "Page suivante (Page suiv.)"),
            (self.zoom_in_button, "Agrandir (Ctrl++)"),
            (self.zoom_out_button, "Réduire (Ctrl+-)"),
            (self.fit_button, "Afficher la page entière"),
        ):
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
        for button in (self.previous_button, self.next_button, self.zoom_out_button, self.zoom_in_button):
            button.setMinimumWidth(36)
        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.fit_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        for keys, slot in (
            (QKeySequence.StandardKey.MoveToPreviousPage, self.previous_button.click),
            (QKeySequence.StandardKey.MoveToNextPage, self.next_button.click),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in_button.click),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out_button.click),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        bar = QHBoxLayout()
        for widget in (self.previous_button, self.page_label, self.next_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out_button, self.fit_button, self.zoom_in_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._update)
        self._update()

    def set_pdf(self, data: bytes) -> None:
        """Show these bytes; the buffer lives as long as the document reads from it."""
        self.document.close()
        self._data = QByteArray(data)
        buffer = QBuffer(self._data, self)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.go_to(0)

    def clear(self) -> None:
        self.document.close()
        self._update()

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def current_page(self) -> int:
        return int(self.view.pageNavigator().currentPage())

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count():
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update()

    def zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, self.view.zoomFactor() * factor)))

    def _update(self, *_: object) -> None:
        count = self.page_count()
        page = self.current_page()
        self.page_label.setText(f"Page {page + 1}/{count}" if count else "Aucun document")
        self.previous_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(count > 0 and page < count - 1)
        for button in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            button.setEnabled(count > 0)
