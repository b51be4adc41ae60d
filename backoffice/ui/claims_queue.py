"""The claims queue as a paged table model: rows arrive page by page from ``claims.queue_page`` off the GUI thread."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

from backoffice.clock import to_paris
from backoffice.models import Priority
from backoffice.models.claims import CLAIM_STATUS_LABELS, CLAIM_TYPE_LABELS
from backoffice.ui.context import AppContext
from backoffice.workflows import claims
from backoffice.workflows.claims import QueueFilter, QueuePage, QueueRow
from backoffice.workflows.triage import RULE_TITLES

PAGE_SIZE = 100
Index = QModelIndex | QPersistentModelIndex

#: (header, sort key of claims.SORT_COLUMNS or None when the column cannot be sorted on the server)
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("N° sinistre", "number"),
    ("Priorité", "priority"),
    ("Type", "claim_type"),
    ("Assuré", None),
    ("Contrat", None),
    ("Déclaré le", "declared_at"),
    ("Survenu le", "occurred_on"),
    ("Alertes", None),
    ("Statut", "status"),
    ("Gestionnaire", None),
)
PRIORITY_COLOURS = {
    Priority.P1: "#c62828",
    Priority.P2: "#ef6c00",
    Priority.P3: "#1565c0",
    Priority.P4: "#546e7a",
}


def alerts_text(row: QueueRow) -> str:
    parts = []
    if row.late_declaration:
        parts.append("Hors délai")
    if row.fraud_referral:
        parts.append("Fraude")
    parts += [RULE_TITLES.get(f, f) for f in row.flags if f != "late_theft"]
    return " · ".join(parts)


def _numeric_date(day: date) -> str:
    """26/11/2026. Not strftime: each call imports ``time`` through PySide6's import hook, 100 rows at a time."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _numeric_datetime(moment: datetime) -> str:
    return f"{_numeric_date(moment)} {moment.hour:02d}:{moment.minute:02d}"


class ClaimQueueModel(QAbstractTableModel):
    """Holds the rows fetched so far; ``fetchMore`` asks for the next page. Sorting reloads from the server."""

    loaded = Signal(int)  # total matching claims, after each (re)load

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = QueueFilter()
        self.rows: list[QueueRow] = []
        self.texts: list[tuple[str, ...]] = []  # display text of each row, formatted once when it arrives
        self.total = 0
        self._loading = False
        self._generation = 0
        # The reloads asked for in one turn of the event loop make one query: building the area sets the sort
        # twice and the filters once, and each query used to run (0.2–0.6 s each on the thread pool, partly
        # holding the interpreter's lock while the agent starts scrolling).
        self._first_page = QTimer(self)
        self._first_page.setSingleShot(True)
        self._first_page.setInterval(0)
        self._first_page.timeout.connect(self._load_first_page)

    # -- loading
    def set_filter(self, flt: QueueFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self._loading = True  # no page is fetched for the rows about to be replaced
        self._first_page.start()

    def _load_first_page(self) -> None:
        generation, flt, actor = self._generation, self.filter, self.ctx.actor
        self.ctx.ops.read(
            lambda s: claims.queue_page(s, actor, flt, offset=0, limit=PAGE_SIZE),
            lambda page: self._replace(generation, page),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _failed(self, generation: int, exc: BaseException) -> None:
        from backoffice.ui.operations import show_error

        if generation == self._generation:
            self._loading = False
            show_error(None, exc)

    def _replace(self, generation: int, page: QueuePage) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self.rows = list(page.rows)
        self.texts = [self._display(r) for r in self.rows]
        self.total = page.total
        self._loading = False
        self.endResetModel()
        self.loaded.emit(self.total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, flt, actor, offset = self._generation, self.filter, self.ctx.actor, len(self.rows)
        self.ctx.ops.read(
            lambda s: claims.queue_page(s, actor, flt, offset=offset, limit=PAGE_SIZE),
            lambda page: self._append(generation, page),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _append(self, generation: int, page: QueuePage) -> None:
        if generation != self._generation:
            return
        self._loading = False
        known = {r.id for r in self.rows}
        fresh = [r for r in page.rows if r.id not in known]  # a claim may have moved between two pages
        self.total = page.total
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(fresh) - 1)
            self.rows.extend(fresh)
            self.texts.extend(self._display(r) for r in fresh)
            self.endInsertRows()

    # -- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[index.row()][column]
        if role == Qt.ItemDataRole.UserRole:
            return self._raw(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and row.priority is not None:
            return QBrush(QColor(PRIORITY_COLOURS[row.priority]))
        if role == Qt.ItemDataRole.ToolTipRole and column == 7:
            return alerts_text(row) or None
        return None

    @staticmethod
    def _display(row: QueueRow) -> tuple[str, ...]:
        return (
            row.number,
            row.priority.value if row.priority else "—",
            CLAIM_TYPE_LABELS[row.claim_type],
            row.customer_name,
            row.contract_number,
            _numeric_datetime(to_paris(row.declared_at)),
            _numeric_date(row.occurred_on),
            alerts_text(row),
            CLAIM_STATUS_LABELS[row.status],
            row.handler_name or "",
        )

    @staticmethod
    def _raw(row: QueueRow, column: int) -> Any:
        return (
            row.number,
            row.priority.value if row.priority else "P9",
            row.claim_type.value,
            row.customer_name,
            row.contract_number,
            row.declared_at,
            row.occurred_on,
            len(row.flags) + row.late_declaration + row.fraud_referral,
            row.status.value,
            row.handler_name or "",
        )[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        from dataclasses import replace

        self.set_filter(replace(self.filter, sort=key, descending=order == Qt.SortOrder.DescendingOrder))

    def claim_at(self, row: int) -> QueueRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
