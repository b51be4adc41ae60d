"""Viewer for uploaded documents: images (zoom, rotate, fit) and PDFs (QtPdf: pages, zoom).

Agents compare a scanned ID with the checks beside it, so everything is on the keyboard: + / - zoom,
0 fits, R rotates a photo taken sideways, Page up / Page down turn PDF pages.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPixmap, QResizeEvent, QTransform
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

ZOOM_STEP = 1.25
MIN_ZOOM = 0.05
MAX_ZOOM = 16.0


class DocumentViewer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentViewer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.zoom = 1.0
        self.rotation = 0
        self.fit_mode = True
        self._pixmap_item: QGraphicsPixmapItem | None = None
        self._pdf_buffer: QBuffer | None = None

        self.toolbar = QToolBar("Document")
        self.title = QLabel("")
        self.title.setObjectName("viewerTitle")
        self.page_label = QLabel("")
        self.page_label.setObjectName("viewerPage")
        self.zoom_in_action = self._action("Zoom +", ("+", "="), self.zoom_in, "Agrandir (+)")
        self.zoom_out_action = self._action("Zoom −", ("-",), self.zoom_out, "Réduire (−)")
        self.fit_action = self._action("Ajuster", ("0",), self.fit, "Ajuster à la fenêtre (0)")
        self.rotate_action = self._action("Pivoter", ("R",), self.rotate, "Pivoter d'un quart de tour (R)")
        self.previous_action = self._action(
            "◀ Page",
            (QKeySequence.StandardKey.MoveToPreviousPage,),
            self.previous_page,
            "Page précédente (Pg préc.)",
        )
        self.next_action = self._action(
            "Page ▶", (QKeySequence.StandardKey.MoveToNextPage,), self.next_page, "Page suivante (Pg suiv.)"
        )
        self.toolbar.addWidget(self.title)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.page_label)

        self.empty = QLabel("Aucun document affiché.\nDéposez un fichier ou choisissez-en un dans la liste.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.scene = QGraphicsScene(self)
        self.image_view = QGraphicsView(self.scene)
        self.image_view.setObjectName("imageView")
        self.image_view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.image_view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setObjectName("pdfView")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.SinglePage)
        self.pdf_view.pageNavigator().currentPageChanged.connect(self._update_page_label)

        self.stack = QStackedWidget()
        for widget in (self.empty, self.image_view, self.pdf_view):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self._update_actions()

    def _action(self, text: str, keys: tuple[object, ...], slot: object, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])  # type: ignore[arg-type]
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    @property
    def showing_image(self) -> bool:
        return self.stack.currentWidget() is self.image_view

    @property
    def showing_pdf(self) -> bool:
        return self.stack.currentWidget() is self.pdf_view

    @property
    def page_count(self) -> int:
        return self.pdf_document.pageCount() if self.showing_pdf else (1 if self.showing_image else 0)

    @property
    def current_page(self) -> int:
        return self.pdf_view.pageNavigator().currentPage() if self.showing_pdf else 0

    def clear(self) -> None:
        self.scene.clear()
        self._pixmap_item = None
        self.pdf_document.close()
        self._pdf_buffer = None
        self.title.setText("")
        self.stack.setCurrentWidget(self.empty)
        self._update_actions()

    def show_image(self, image: QImage, title: str = "") -> None:
        self.clear()
        self._pixmap_item = self.scene.addPixmap(QPixmap.fromImage(image))
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.setSceneRect(self._pixmap_item.boundingRect())
        self.title.setText(title)
        self.rotation = 0
        self.fit_mode = True
        self.stack.setCurrentWidget(self.image_view)
        self._apply()
        self._update_actions()

    def show_pdf(self, content: bytes, title: str = "") -> bool:
        """False when QtPdf cannot read it (the upload checks make that rare); the viewer then stays empty."""
        self.clear()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document.load(buffer)
        if self.pdf_document.status() is not QPdfDocument.Status.Ready:
            self.empty.setText("Ce PDF ne peut pas être affiché.")
            return False
        self._pdf_buffer = buffer
        self.title.setText(title)
        self.fit_mode = True
        self.stack.setCurrentWidget(self.pdf_view)
        self._apply()
        self.pdf_view.pageNavigator().jump(0, QPointF(), 0)
        self._update_actions()
        return True

    def zoom_in(self) -> None:
        self._set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self._effective_zoom() / ZOOM_STEP)

    def fit(self) -> None:
        self.fit_mode = True
        self._apply()

    def rotate(self) -> None:
        if self.showing_image:
            self.rotation = (self.rotation + 90) % 360
            self._apply()

    def previous_page(self) -> None:
        self._go_to(self.current_page - 1)

    def next_page(self) -> None:
        self._go_to(self.current_page + 1)

    def _go_to(self, page: int) -> None:
        if self.showing_pdf and 0 <= page < self.page_count:
            self.pdf_view.pageNavigator().jump(page, QPointF(), self.pdf_view.pageNavigator().currentZoom())
            self._update_page_label()

    def _set_zoom(self, value: float) -> None:
        if not (self.showing_image or self.showing_pdf):
            return
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, value))
        self.fit_mode = False
        self._apply()

    def _effective_zoom(self) -> float:
        if self.fit_mode:
            return self._fit_zoom() if self.showing_image else self.pdf_view.zoomFactor()
        return self.zoom

    def _fit_zoom(self) -> float:
        if self._pixmap_item is None:
            return 1.0
        rect = self._pixmap_item.boundingRect()
        width, height = rect.width(), rect.height()
        if self.rotation % 180:
            width, height = height, width
        viewport = self.image_view.viewport().size()
        if width <= 0 or height <= 0 or viewport.width() <= 0 or viewport.height() <= 0:
            return 1.0
        return min(viewport.width() / width, viewport.height() / height)

    def _apply(self) -> None:
        if self.showing_image:
            zoom = self._fit_zoom() if self.fit_mode else self.zoom
            self.zoom = zoom
            self.image_view.setTransform(QTransform().rotate(self.rotation).scale(zoom, zoom))
        elif self.showing_pdf:
            if self.fit_mode:
                self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
            else:
                self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
                self.pdf_view.setZoomFactor(self.zoom)
        self._update_page_label()

    def _update_actions(self) -> None:
        shown = self.showing_image or self.showing_pdf
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action):
            action.setEnabled(shown)
        self.rotate_action.setEnabled(self.showing_image)
        self.previous_action.setEnabled(self.showing_pdf)
        self.next_action.setEnabled(self.showing_pdf)
        self._update_page_label()

    def _update_page_label(self) -> None:
        if self.showing_pdf:
            self.page_label.setText(f"Page {self.current_page + 1} / {self.page_count}")
        elif self.showing_image and self._pixmap_item is not None:
            rect = self._pixmap_item.boundingRect()
            self.page_label.setText(
                f"{int(rect.width())} × {int(rect.height())} px — {round(self.zoom * 100)} %"
            )
        else:
            self.page_label.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit_mode and self.showing_image:
            self._apply()
