"""Area « Recherche client »: one search box, searched as the agent types, and the customer file.

Keyboard-first: Ctrl+F focuses the box, ↓ goes to the results, Enter opens, Esc comes back to the search.
Each keystroke restarts a short debounce; only the latest search's answer is painted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from backoffice.ui.context import AppContext
from backoffice.ui.customer_file import CustomerFileView, fr_date, fr_datetime
from backoffice.ui.operations import error_text
from backoffice.ui.persist import remember_header
from backoffice.workflows import lookup
from backoffice.workflows.customers import CONTRACT_STATUS_LABELS, PRODUCT_LABELS, CustomerFile
from backoffice.workflows.lookup import SearchFilters, SearchHit, SearchResult

DEBOUNCE_MS = 200
PAGE = lookup.DEFAULT_LIMIT
MAX_RECENT = 10
COLUMN_WIDTHS = (110, 230, 150, 100, 160, 200)  # wide enough for "27 décembre 1990", "Code postal"

Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractTableModel):
    """Search hits; display text in French, raw values under UserRole for sorting. More pages on demand."""

    HEADERS = ("N° client", "Nom", "Né(e) le", "Code postal", "Ville", "Dernière activité", "Trouvé par")
    more_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []
        self.rows: list[tuple[str, ...]] = []  # display text, formatted once per result
        self.more = False
        self._fetching = False

    def set_result(self, hits: tuple[SearchHit, ...], more: bool) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.rows = [
            (
                h.client_number,
                h.display_name,
                fr_date(h.birth_date),
                h.postcode,
                h.city,
                fr_datetime(h.last_activity_at),
                h.reason,
            )
            for h in self.hits
        ]
        self.more = more
        self._fetching = False
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][column]
        if role == Qt.ItemDataRole.UserRole:
            return (
                hit.client_number,
                hit.display_name,
                hit.birth_date.toordinal(),
                hit.postcode,
                hit.city,
                hit.last_activity_at.timestamp(),
                hit.match.value,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return f"Pourquoi ce dossier : {hit.reason}"
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_requested.emit()


class SearchBox(QLineEdit):
    """↓ moves to the results; Enter opens the best hit."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class LookupPage(QWidget):
    result_painted = Signal(object)  # the SearchResult just shown (tests and the UI benchmark wait on it)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._sequence = 0
        self._limit = PAGE
        self._open_on_result = False
        self.last_result: SearchResult | None = None
        self.recent: list[tuple[int, str]] = []

        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.stack)

        search_page = QWidget()
        search_layout = QVBoxLayout(search_page)
        self.search_box = SearchBox()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(
            "Nom, n° client ou de contrat, e-mail, téléphone, code postal, fin d'IBAN… (Ctrl+F)"
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(lookup.MAX_QUERY_LENGTH + 10)
        self.search_box.textEdited.connect(self._text_edited)
        self.search_box.returnPressed.connect(self._open_best)
        self.search_box.down.connect(self._focus_results)
        search_layout.addWidget(self.search_box)

        filters = QHBoxLayout()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("Tous les contrats", None)
        for status, label in CONTRACT_STATUS_LABELS.items():
            self.status_filter.addItem(f"Contrat {label.lower()}", status)
        self.product_filter = QComboBox()
        self.product_filter.setObjectName("productFilter")
        self.product_filter.addItem("Tous les produits", None)
        for product, label in PRODUCT_LABELS.items():
            self.product_filter.addItem(label, product)
        self.locked_filter = QCheckBox("Espace assuré &bloqué")
        self.locked_filter.setObjectName("lockedFilter")
        for widget in (self.status_filter, self.product_filter):
            widget.currentIndexChanged.connect(self._filters_changed)
        self.locked_filter.toggled.connect(self._filters_changed)
        filters.addWidget(QLabel("Filtres :"))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.product_filter)
        filters.addWidget(self.locked_filter)
        filters.addStretch(1)
        search_layout.addLayout(filters)

        self.message = QLabel()
        self.message.setObjectName("searchMessage")
        search_layout.addWidget(self.message)

        splitter = QSplitter()
        self.model = SearchResultsModel(self)
        self.model.more_requested.connect(self._more)
        self.results = QTableView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        self.results.setWordWrap(False)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )  # measuring 50 rows per keystroke costs
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        self.results.horizontalHeader().setStretchLastSection(True)
        remember_header(ctx, header, "lookup/results")
        self.results.activated.connect(lambda index: self._open_row(index.row()))
        self.results.doubleClicked.connect(lambda index: self._open_row(index.row()))
        splitter.addWidget(self.results)
        recent_box = QWidget()
        recent_layout = QVBoxLayout(recent_box)
        recent_layout.setContentsMargins(0, 0, 0, 0)
        recent_layout.addWidget(QLabel("<b>Dossiers récents</b>"))
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentFiles")
        self.recent_list.itemActivated.connect(
            lambda item: self.open_customer(item.data(Qt.ItemDataRole.UserRole))
        )
        recent_layout.addWidget(self.recent_list)
        splitter.addWidget(recent_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        search_layout.addWidget(splitter, 1)
        self.stack.addWidget(search_page)

        self._file_view: CustomerFileView | None = None

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        QWidget.setTabOrder(self.search_box, self.status_filter)
        QWidget.setTabOrder(self.status_filter, self.product_filter)
        QWidget.setTabOrder(self.product_filter, self.locked_filter)
        QWidget.setTabOrder(self.locked_filter, self.results)
        QWidget.setTabOrder(self.results, self.recent_list)
        self.setFocusProxy(self.search_box)

    @property
    def file_view(self) -> CustomerFileView:
        """Built on first use: its eight tabs would delay the main window the agent is waiting for."""
        if self._file_view is None:
            view = CustomerFileView(self.ctx, self.stack)  # parented at once: no stray window takes the focus
            view.setObjectName("customerFile")
            view.closed.connect(self.back_to_search)
            view.loaded.connect(self._remember)
            self.stack.addWidget(view)
            self._file_view = view
        return self._file_view

    # --- searching -----------------------------------------------------------------------------------------

    def filters(self) -> SearchFilters:
        return SearchFilters(
            contract_status=self.status_filter.currentData(),
            product=self.product_filter.currentData(),
            locked_account=self.locked_filter.isChecked(),
        )

    def _text_edited(self, _text: str) -> None:
        self._limit = PAGE
        self.debounce.start()

    def _filters_changed(self, *_args: Any) -> None:
        self._limit = PAGE
        if self.search_box.text().strip():
            self.debounce.start()

    def _more(self) -> None:
        self._limit += PAGE
        self.run_search()

    def run_search(self) -> None:
        self.debounce.stop()
        self._sequence += 1
        sequence = self._sequence
        text, filters, limit, actor = self.search_box.text(), self.filters(), self._limit, self.ctx.actor
        self.ctx.ops.read(
            lambda s: lookup.search(s, actor, text, filters, limit),
            lambda result: self._show(sequence, result),
            snapshot=False,  # independent statements: no transaction around a keystroke's search
            on_error=lambda exc: self._failed(sequence, exc),
        )

    def _show(self, sequence: int, result: SearchResult) -> None:
        if sequence != self._sequence:
            return  # an older search answered late: the agent has typed since
        self.last_result = result
        self.model.set_result(result.hits, result.more)
        if result.hits:
            count = f"{len(result.hits)} dossier{'s' if len(result.hits) > 1 else ''}"
            self.message.setText(count + (" (affinez pour voir les suivants)" if result.more else ""))
            self.results.selectRow(0)
        else:
            self.message.setText(result.message or "")
        self.results.viewport().repaint()
        self.result_painted.emit(result)
        open_best, self._open_on_result = self._open_on_result, False
        if self._file_view is not None and self.stack.currentWidget() is self._file_view:
            return
        if result.open_directly is not None:
            self.open_customer(result.open_directly)
        elif open_best and result.hits:
            self.open_customer(result.hits[0].customer_id)

    def _failed(self, sequence: int, exc: BaseException) -> None:
        if sequence == self._sequence:
            self.model.set_result((), False)
            self.message.setText(error_text(exc))

    # --- navigation ----------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.back_to_search()
        self.search_box.selectAll()

    def back_to_search(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            self.results.selectRow(max(0, self.results.currentIndex().row()))

    def _open_best(self) -> None:
        if self.debounce.isActive():  # Enter before the debounce ends: search now, open the best hit
            self._open_on_result = True
            self.run_search()
            return
        row = self.results.currentIndex().row() if self.results.currentIndex().isValid() else 0
        self._open_row(row)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.hits):
            self.open_customer(self.model.hits[row].customer_id)

    def open_customer(self, customer_id: int) -> None:
        """Show a customer's file (MainWindow calls this for ``ctx.open_customer``)."""
        self.stack.setCurrentWidget(self.file_view)
        self.file_view.load(customer_id)
        self.file_view.tabs.setFocus()

    def _remember(self, file: CustomerFile) -> None:
        ident = file.identity
        label = f"{ident.client_number} — {ident.display_name}"
        self.recent = [(ident.id, label)] + [r for r in self.recent if r[0] != ident.id]
        self.recent = self.recent[:MAX_RECENT]
        self.recent_list.clear()
        for customer_id, text in self.recent:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, customer_id)
            self.recent_list.addItem(item)


def create(ctx: AppContext) -> QWidget:
    return LookupPage(ctx)
