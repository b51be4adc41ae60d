"""Area « Supervision »: lock events (filters, review, export), trends, red flags and agent activity.

Every query runs through ``ctx.ops``; the lock-event table fetches pages as the supervisor scrolls, so a filter
matching hundreds of thousands of rows shows its first page at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.clock import paris_today, to_paris
from backoffice.errors import ConcurrentEdit
from backoffice.models.accounts import LOCK_REASON_LABELS, LockReason
from backoffice.ui.charts import PALETTE, HorizontalBars, Series, StackedBarChart, french_number
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text, show_error
from backoffice.ui.persist import remember_header
from backoffice.workflows import agent_activity as activity
from backoffice.workflows import lock_events as le
from backoffice.workflows import red_flags as rf
from backoffice.workflows.audit import ChainReport
from backoffice.workflows.permissions import Permission

PAGE_SIZE = 200
MAX_LINKED_EVENTS = 1000
REASON_COLORS = {reason: PALETTE[i] for i, reason in enumerate(LockReason)}


def moment_text(moment: datetime | None) -> str:
    return to_paris(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date, name: str) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setObjectName(name)
    return edit


class PeriodPicker(QWidget):
    """Two dates, Paris days included, with quick presets."""

    def __init__(self, start: date, end: date, name: str, presets: tuple[int, ...] = (7, 30, 90)) -> None:
        super().__init__()
        self.end_day = end
        self.start_edit = date_edit(start, f"{name}Start")
        self.end_edit = date_edit(end, f"{name}End")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Du"))
        layout.addWidget(self.start_edit)
        layout.addWidget(QLabel("au"))
        layout.addWidget(self.end_edit)
        for days in presets:
            button = QPushButton(f"{days} j")
            button.setToolTip(f"Les {days} derniers jours")
            button.setObjectName(f"{name}Last{days}")
            button.clicked.connect(lambda _=False, n=days: self.last(n))
            layout.addWidget(button)

    def last(self, days: int) -> None:
        self.end_edit.setDate(qdate(self.end_day))
        self.start_edit.setDate(qdate(self.end_day - timedelta(days=days - 1)))

    def period(self) -> tuple[date, date]:
        return pydate(self.start_edit.date()), pydate(self.end_edit.date())


def period_row(period: PeriodPicker, label: str, on_click: Callable[[], None]) -> QHBoxLayout:
    """The period and the button that runs the tab's query, as the top row of a tab."""
    button = QPushButton(label)
    button.setObjectName("primary")
    button.clicked.connect(on_click)
    row = QHBoxLayout()
    row.addWidget(period)
    row.addWidget(button)
    row.addStretch(1)
    return row


# --- the lock-event table model ---------------------------------------------------------------------------

COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Date du blocage", "occurred_at"),
    ("Motif", "reason"),
    ("Client", "client_number"),
    ("IP d'origine", "origin_ip"),
    ("Pays", "origin_country"),
    ("Tentatives", "failed_attempts"),
    ("Débloqué le", "unlocked_at"),
    ("Débloqué par", None),
    ("Revu le", "reviewed_at"),
    ("Revu par", None),
    ("Commentaire de revue", None),
)


class LockEventModel(QAbstractTableModel):
    """Rows arrive by pages (keyset cursor); sorting asks the database again, on raw values."""

    page_loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.rows: list[le.LockEventRow] = []
        self.filters: le.LockEventFilter | None = None
        self.sort_spec = le.SortSpec()
        self._cursor: le.Cursor | None = None
        self._loading = False
        self._generation = 0

    # Qt model interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
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

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        raw: tuple[Any, ...] = (
            row.occurred_at,
            row.reason.value,
            row.client_number,
            row.origin_ip,
            row.origin_country,
            row.failed_attempts,
            row.unlocked_at,
            row.unlocked_by,
            row.reviewed_at,
            row.reviewed_by,
            row.review_comment,
        )
        if role == Qt.ItemDataRole.UserRole:
            return raw[column]
        if role == Qt.ItemDataRole.DisplayRole:
            value = raw[column]
            if column == 1:
                return row.reason_label
            if isinstance(value, datetime):
                return moment_text(value)
            if column == 5:
                return french_number(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 10 and row.review_comment:
                return row.review_comment
            if column == 1 and row.detail:
                return row.detail
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self._request(self._cursor)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        spec = le.SortSpec(key, order == Qt.SortOrder.DescendingOrder)
        if spec != self.sort_spec:
            self.sort_spec = spec
            if self.filters is not None:
                self.load(self.filters)

    # loading
    @property
    def loading(self) -> bool:
        return self._loading

    def load(self, filters: le.LockEventFilter) -> None:
        self.beginResetModel()
        self.filters = filters
        self.rows = []
        self._cursor = None
        self._generation += 1
        self.endResetModel()
        self._request(None)

    def reload(self) -> None:
        if self.filters is not None:
            self.load(self.filters)

    def _request(self, after: le.Cursor | None) -> None:
        filters, sort, actor, generation = self.filters, self.sort_spec, self.ctx.actor, self._generation
        assert filters is not None
        self._loading = True

        def fetch(session: Session) -> le.LockEventPage:
            return le.list_lock_events(session, actor, filters, sort=sort, after=after, limit=self.page_size)

        self.ctx.ops.read(
            fetch,
            lambda page: self._arrived(generation, page),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, page: le.LockEventPage) -> None:
        if generation != self._generation:
            return  # a newer filter or sort replaced this request
        self._loading = False
        self._cursor = page.next_cursor
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.page_loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.load_failed.emit(error_text(exc))

    def row_at(self, row: int) -> le.LockEventRow:
        return self.rows[row]


# --- dialogs -----------------------------------------------------------------------------------------------


class ReviewDialog(QDialog):
    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle("Marquer comme revu")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = "le blocage sélectionné" if count == 1 else f"les {count} blocages sélectionnés"
        layout.addWidget(QLabel(f"Commentaire de revue pour {what} (obligatoire) :"))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setTabChangesFocus(True)
        self.comment.setPlaceholderText("Ex. : rafale connue, client rappelé, aucune suite.")
        layout.addWidget(self.comment)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Marquer revu")
        ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.comment.textChanged.connect(lambda: ok.setEnabled(bool(self.comment.toPlainText().strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=lambda: ok.isEnabled() and self.accept())


class ExportDialog(QDialog):
    """Format, and names only on explicit request with a justification (both audited)."""

    def __init__(self, count: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Exporter les blocages")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        rows = "" if count is None else f" ({french_number(count)} lignes)"
        layout.addWidget(QLabel(f"Export du filtre en cours{rows}."))
        self.csv = QRadioButton("CSV (séparateur « ; », UTF-8)")
        self.csv.setObjectName("exportCsv")
        self.xlsx = QRadioButton("Classeur Excel (XLSX)")
        self.xlsx.setObjectName("exportXlsx")
        self.csv.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.csv)
        group.addButton(self.xlsx)
        layout.addWidget(self.csv)
        layout.addWidget(self.xlsx)
        note = QLabel(
            "Les clients sont pseudonymisés : chaque numéro client est remplacé par un code, le même pour un même "
            "client dans ce fichier, impossible à relier au dossier ou à un autre export."
        )
        note.setWordWrap(True)
        note.setObjectName("hintLabel")
        layout.addWidget(note)
        self.names = QCheckBox("Inclure les numéros et noms des clients (export nominatif, journalisé)")
        self.names.setObjectName("exportNames")
        layout.addWidget(self.names)
        self.justification = QLineEdit()
        self.justification.setObjectName("exportJustification")
        self.justification.setPlaceholderText("Justification de l'export nominatif (obligatoire)")
        self.justification.setEnabled(False)
        layout.addWidget(self.justification)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Choisir le fichier…")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.names.toggled.connect(self._update)
        self.justification.textChanged.connect(self._update)

    def _update(self) -> None:
        self.justification.setEnabled(self.names.isChecked())
        self.ok.setEnabled(not self.names.isChecked() or bool(self.justification.text().strip()))

    @property
    def format(self) -> le.ExportFormat:
        return le.ExportFormat.XLSX if self.xlsx.isChecked() else le.ExportFormat.CSV


# --- tab: lock events --------------------------------------------------------------------------------------


class LockEventsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.count: int | None = None
        self.linked: le.LockEventFilter | None = None  # events designated by a red flag
        self.choose_export_path: Callable[[str, le.ExportFormat], Path | None] = self._ask_path
        self.review_dialog: ReviewDialog | None = None
        self.export_dialog: ExportDialog | None = None
        end = today_of(ctx)

        self.period = PeriodPicker(end - timedelta(days=29), end, "lockPeriod")
        self.reason = QComboBox()
        self.reason.setObjectName("reasonFilter")
        self.reason.addItem("Tous les motifs", None)
        for reason in LockReason:
            self.reason.addItem(LOCK_REASON_LABELS[reason], reason)
        self.review_state = QComboBox()
        self.review_state.setObjectName("reviewFilter")
        for state in le.ReviewState:
            self.review_state.addItem(le.REVIEW_STATE_LABELS[state], state)
        self.agent = QComboBox()
        self.agent.setObjectName("agentFilter")
        self.agent.addItem("Tous les agents", None)
        self.client = QLineEdit()
        self.client.setObjectName("clientFilter")
        self.client.setPlaceholderText("TI0001234567")
        self.origin = QLineEdit()
        self.origin.setObjectName("originFilter")
        self.origin.setPlaceholderText("192.0.2.7 ou 192.0.2.0/24")
        self.country = QLineEdit()
        self.country.setObjectName("countryFilter")
        self.country.setPlaceholderText("FR")
        self.country.setMaxLength(2)
        self.apply_button = QPushButton("&Filtrer")
        self.apply_button.setObjectName("primary")
        self.apply_button.clicked.connect(self.apply_filters)
        reset = QPushButton("&Réinitialiser")
        reset.clicked.connect(self.reset_filters)
        for edit in (self.client, self.origin, self.country):
            edit.returnPressed.connect(self.apply_filters)
        for combo in (self.reason, self.agent):  # long labels elided: the filters fit a 1366-pixel screen
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)

        grid = QGridLayout()
        grid.addWidget(QLabel("Période"), 0, 0)
        grid.addWidget(self.period, 0, 1, 1, 3)
        grid.addWidget(QLabel("Motif"), 0, 4)
        grid.addWidget(self.reason, 0, 5)
        grid.addWidget(QLabel("Revue"), 0, 6)
        grid.addWidget(self.review_state, 0, 7)
        grid.addWidget(QLabel("Débloqué par"), 1, 0)
        grid.addWidget(self.agent, 1, 1)
        grid.addWidget(QLabel("Client"), 1, 2)
        grid.addWidget(self.client, 1, 3)
        grid.addWidget(QLabel("IP / réseau"), 1, 4)
        grid.addWidget(self.origin, 1, 5)
        grid.addWidget(QLabel("Pays"), 1, 6)
        grid.addWidget(self.country, 1, 7)
        grid.addWidget(self.apply_button, 0, 8)
        grid.addWidget(reset, 1, 8)

        self.model = LockEventModel(ctx)
        self.table = QTableView()
        self.table.setObjectName("lockEventTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((130, 210, 110, 120, 50, 90, 130, 130, 130, 130)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        remember_header(ctx, self.table.horizontalHeader(), "supervision/lock_events")
        self.table.doubleClicked.connect(lambda index: self.open_customer(index.row()))
        self.table.activated.connect(lambda index: self.open_customer(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.status = QLabel("")
        self.status.setObjectName("countLabel")
        self.status.setWordWrap(True)
        self.linked_label = QLabel("")
        self.linked_label.setObjectName("hintLabel")
        self.open_button = QPushButton("&Ouvrir le dossier client")
        self.open_button.clicked.connect(lambda: self.open_customer(self.table.currentIndex().row()))
        self.review_button = QPushButton("Marquer &revu…")
        self.review_button.setObjectName("reviewButton")
        self.review_button.setToolTip("Ctrl+R")
        self.review_button.clicked.connect(self.start_review)
        self.review_button.setVisible(ctx.can(Permission.LOCK_EVENTS_REVIEW))
        self.export_button = QPushButton("&Exporter…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip("Ctrl+E")
        self.export_button.clicked.connect(self.start_export)
        self.export_button.setVisible(ctx.can(Permission.SUPERVISION_EXPORT))
        actions = QHBoxLayout()
        actions.addWidget(self.status)
        actions.addWidget(self.linked_label)
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.review_button)
        actions.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.start_review)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.start_export)
        QShortcut(QKeySequence("F5"), self, activated=self.model.reload)
        self.model.page_loaded.connect(self._update_actions)
        self.model.load_failed.connect(self.status.setText)
        self.setTabOrder(self.period.end_edit, self.reason)
        self._update_actions()
        ctx.ops.read(lambda s: activity.list_agents(s, ctx.actor), self._fill_agents)
        self.apply_filters()

    def _fill_agents(self, agents: tuple[activity.AgentChoice, ...]) -> None:
        for choice in agents:
            self.agent.addItem(choice.label, choice.id)

    def current_filters(self) -> le.LockEventFilter:
        if self.linked is not None:
            return self.linked
        start, end = self.period.period()
        reason = self.reason.currentData()
        return le.LockEventFilter(
            start=start,
            end=end,
            reasons=(reason,) if reason else (),
            review=self.review_state.currentData(),
            unlocked_by_id=self.agent.currentData(),
            client_number=self.client.text().strip() or None,
            origin=self.origin.text().strip() or None,
            country=self.country.text().strip() or None,
        )

    def apply_filters(self) -> None:
        self.linked = None
        self.linked_label.setText("")
        self._load(self.current_filters())

    def show_events(self, filters: le.LockEventFilter, what: str) -> None:
        """Show the events a red flag links to, until the supervisor filters again."""
        self.linked = filters
        self.linked_label.setText(f"Événements du signal : {what}")
        self._load(filters)

    def _load(self, filters: le.LockEventFilter) -> None:
        self.count = None
        self.status.setText("Recherche…")
        self.model.load(filters)
        actor = self.ctx.actor
        self.ctx.ops.read(
            lambda s: le.count_lock_events(s, actor, filters),
            lambda n: self._counted(filters, n),
            on_error=lambda exc: self.status.setText(error_text(exc)),
        )

    def _counted(self, filters: le.LockEventFilter, n: int) -> None:
        if filters == self.model.filters:
            self.count = n
            self.status.setText(f"{french_number(n)} blocage{'s' if n > 1 else ''}")

    def reset_filters(self) -> None:
        self.period.last(30)
        for combo in (self.reason, self.review_state, self.agent):
            combo.setCurrentIndex(0)
        for edit in (self.client, self.origin, self.country):
            edit.clear()
        self.apply_filters()

    def selected_rows(self) -> list[le.LockEventRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def _update_actions(self) -> None:
        selected = self.selected_rows()
        self.open_button.setEnabled(len(selected) == 1)
        self.review_button.setEnabled(any(r.reviewed_at is None for r in selected))
        self.export_button.setEnabled(bool(self.model.rows))

    def open_customer(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.ctx.open_customer(self.model.row_at(row).customer_id)

    def start_review(self) -> None:
        targets = [le.ReviewTarget(r.id, r.version) for r in self.selected_rows() if r.reviewed_at is None]
        if not targets or not self.ctx.can(Permission.LOCK_EVENTS_REVIEW):
            return
        self.review_dialog = ReviewDialog(len(targets), self)
        self.review_dialog.accepted.connect(lambda: self._review(targets, self.review_dialog))
        self.review_dialog.open()

    def _review(self, targets: list[le.ReviewTarget], dialog: ReviewDialog | None) -> None:
        assert dialog is not None
        comment, actor = dialog.comment.toPlainText(), self.ctx.actor

        def done(outcome: le.ReviewOutcome) -> None:
            n = len(outcome.versions)
            self.ctx.notify(
                f"{n} blocage{'s' if n > 1 else ''} marqué{'s' if n > 1 else ''} revu{'s' if n > 1 else ''}."
            )
            self.model.reload()

        def failed(exc: BaseException) -> None:
            show_error(self, exc, "Revue non enregistrée")
            if isinstance(exc, ConcurrentEdit):
                self.model.reload()

        self.ctx.ops.write(lambda s: le.review_lock_events(s, actor, targets, comment), done, on_error=failed)

    def start_export(self) -> None:
        if not self.ctx.can(Permission.SUPERVISION_EXPORT) or self.model.filters is None:
            return
        self.export_dialog = ExportDialog(self.count, self)
        self.export_dialog.accepted.connect(lambda: self._export(self.export_dialog))
        self.export_dialog.open()

    def _export(self, dialog: ExportDialog | None) -> None:
        assert dialog is not None and self.model.filters is not None
        fmt, names = dialog.format, dialog.names.isChecked()
        justification = dialog.justification.text().strip() or None
        stamp = to_paris(self.ctx.clock.now()).strftime("%Y%m%d-%H%M")
        path = self.choose_export_path(f"blocages-{stamp}.{fmt.value}", fmt)
        if path is None:
            return
        filters, sort, actor = self.model.filters, self.model.sort_spec, self.ctx.actor

        def run(session: Session) -> le.ExportResult:
            return le.export_lock_events(
                session,
                actor,
                filters,
                path,
                format=fmt,
                sort=sort,
                include_names=names,
                justification=justification,
            )

        def done(result: le.ExportResult) -> None:
            kind = "pseudonymisé" if result.pseudonymised else "nominatif"
            self.ctx.notify(
                f"Export {kind} terminé : {french_number(result.rows)} lignes dans {result.path}.", 10000
            )

        self.ctx.ops.write(run, done, parent=self)

    def _ask_path(self, suggested: str, fmt: le.ExportFormat) -> Path | None:
        pattern = "Fichier CSV (*.csv)" if fmt is le.ExportFormat.CSV else "Classeur Excel (*.xlsx)"
        name, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer l'export", str(Path.home() / suggested), pattern
        )
        return Path(name) if name else None


# --- tab: trends -------------------------------------------------------------------------------------------


class TrendsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        end = today_of(ctx)
        self.period = PeriodPicker(end - timedelta(days=89), end, "trendPeriod", presets=(30, 90, 365))
        top = period_row(self.period, "&Afficher", self.refresh)
        self.summary = QLabel("")
        self.summary.setObjectName("trendSummary")
        self.chart = StackedBarChart("Blocages par jour et par motif", "Nombre de blocages")
        self.chart.setObjectName("trendChart")
        self.bars = HorizontalBars("Blocages par motif sur la période")
        self.bars.setObjectName("reasonBars")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.bars, 1)
        self.trends: le.LockTrends | None = None

    def refresh(self) -> None:
        start, end = self.period.period()
        actor = self.ctx.actor
        self.summary.setText("Calcul…")
        self.ctx.ops.read(
            lambda s: le.lock_trends(s, actor, start, end), self.show_trends, on_error=self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(error_text(exc))

    def show_trends(self, trends: le.LockTrends) -> None:
        self.trends = trends
        series = [Series(LOCK_REASON_LABELS[r], trends.per_day[r], REASON_COLORS[r]) for r in trends.reasons]
        self.chart.set_data(trends.days, series)
        ranked = sorted(trends.reasons, key=lambda r: -trends.totals[r])
        self.bars.set_data([(LOCK_REASON_LABELS[r], trends.totals[r], REASON_COLORS[r]) for r in ranked])
        self.summary.setText(
            f"{french_number(trends.total)} blocages du {trends.start:%d/%m/%Y} au {trends.end:%d/%m/%Y} "
            f"({len(trends.days)} jours)."
        )


# --- tab: red flags ----------------------------------------------------------------------------------------


class RedFlagsTab(QWidget):
    def __init__(self, ctx: AppContext, show_events: Callable[[le.LockEventFilter, str], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.show_events = show_events
        self.report: rf.RedFlagReport | None = None
        end = today_of(ctx)
        self.period = PeriodPicker(end - timedelta(days=29), end, "flagPeriod")
        top = period_row(self.period, "&Analyser", self.refresh)
        self.summary = QLabel("")
        self.summary.setObjectName("flagSummary")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("flagTable")
        self.table.setHorizontalHeaderLabels(["Signal", "Concerne", "Dernier événement", "Événements"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((270, 200, 170)):
            self.table.setColumnWidth(column, width)
        remember_header(ctx, self.table.horizontalHeader(), "supervision/red_flags")
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.itemActivated.connect(lambda _item: self.open_events())
        self.explanation = QTextBrowser()
        self.explanation.setObjectName("flagExplanation")
        self.events_button = QPushButton("&Voir les événements")
        self.events_button.setObjectName("flagEvents")
        self.events_button.clicked.connect(self.open_events)
        self.events_button.setEnabled(False)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.explanation, 1)
        detail_layout.addWidget(self.events_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([400, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        start, end = self.period.period()
        actor = self.ctx.actor
        self.summary.setText("Analyse en cours…")
        self.ctx.ops.read(
            lambda s: rf.detect_red_flags(s, actor, start, end),
            self.show_report,
            on_error=lambda exc: self.summary.setText(error_text(exc)),
        )

    def show_report(self, report: rf.RedFlagReport) -> None:
        self.report = report
        self.table.setRowCount(len(report.flags))
        for row, flag in enumerate(report.flags):
            cells = (flag.title, flag.subject, moment_text(flag.last_at), french_number(len(flag.event_ids)))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(flag.explanation)
                self.table.setItem(row, column, item)
        n = len(report.flags)
        self.summary.setText(
            f"{n} {'signaux' if n > 1 else 'signal'} d'alerte du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y}."
            if n
            else f"Aucun signal d'alerte du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y}."
        )
        self.explanation.clear()
        if n:
            self.table.selectRow(0)

    def selected_flag(self) -> rf.RedFlag | None:
        row = self.table.currentRow()
        if self.report is None or not 0 <= row < len(self.report.flags):
            return None
        return self.report.flags[row]

    def _show_selected(self) -> None:
        flag = self.selected_flag()
        self.events_button.setEnabled(flag is not None)
        if flag is not None:
            self.explanation.setHtml(f"<h3>{flag.title}</h3><p>{flag.explanation}</p>")

    def open_events(self) -> None:
        flag = self.selected_flag()
        if flag is None or self.report is None:
            return
        if len(flag.event_ids) > MAX_LINKED_EVENTS and flag.agent_id is not None:
            filters = le.LockEventFilter(
                unlocked_by_id=flag.agent_id, start=self.report.start, end=self.report.end
            )
        else:
            filters = le.LockEventFilter(event_ids=flag.event_ids[:MAX_LINKED_EVENTS])
        self.show_events(filters, f"{flag.title} — {flag.subject}")


# --- tab: agent activity -----------------------------------------------------------------------------------


class AgentActivityTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        end = today_of(ctx)
        self.agent = QComboBox()
        self.agent.setObjectName("activityAgent")
        self.period = PeriodPicker(end - timedelta(days=6), end, "activityPeriod")
        top = period_row(self.period, "&Afficher", self.refresh)
        top.insertWidget(0, QLabel("Agent"))
        top.insertWidget(1, self.agent, 1)
        self.chain = QLabel("Vérification du journal d'audit…")
        self.chain.setObjectName("chainStatus")
        self.chain.setWordWrap(True)
        verify = QPushButton("Vérifier à nouveau")
        verify.clicked.connect(self.verify_chain)
        chain_row = QHBoxLayout()
        chain_row.addWidget(self.chain, 1)
        chain_row.addWidget(verify)
        self.summary = QLabel("")
        self.summary.setObjectName("activitySummary")
        self.bars = HorizontalBars("Actions par famille")
        self.bars.setObjectName("activityBars")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("activityTable")
        self.table.setHorizontalHeaderLabels(["Date", "Famille", "Action", "Résultat", "Résumé"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((130, 210, 170, 80)):
            self.table.setColumnWidth(column, width)
        remember_header(ctx, self.table.horizontalHeader(), "supervision/agent_activity")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(chain_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.bars)
        layout.addWidget(self.table, 1)
        self.activity: activity.AgentActivity | None = None
        self.report: ChainReport | None = None
        ctx.ops.read(lambda s: activity.list_agents(s, ctx.actor), self._fill_agents)
        self.verify_chain()

    def _fill_agents(self, agents: tuple[activity.AgentChoice, ...]) -> None:
        for choice in agents:
            self.agent.addItem(choice.label + ("" if choice.active else " — désactivé"), choice.id)

    def verify_chain(self) -> None:
        actor = self.ctx.actor
        self.chain.setText("Vérification du journal d'audit…")
        self.ctx.ops.read(
            lambda s: activity.verify_audit_chain(s, actor),
            self._chain_checked,
            on_error=lambda exc: self.chain.setText(error_text(exc)),
        )

    def _chain_checked(self, report: ChainReport) -> None:
        self.report = report
        colour = "#1b7f3b" if report.ok else "#b3261e"
        mark = "✔" if report.ok else "✖"
        self.chain.setText(f"<span style='color:{colour}; font-weight:600'>{mark} {report.message()}</span>")

    def refresh(self) -> None:
        agent_id = self.agent.currentData()
        if agent_id is None:
            return
        start, end = self.period.period()
        actor = self.ctx.actor
        self.summary.setText("Chargement…")
        self.ctx.ops.read(
            lambda s: activity.agent_activity(s, actor, agent_id, start, end),
            self.show_activity,
            on_error=lambda exc: self.summary.setText(error_text(exc)),
        )

    def show_activity(self, result: activity.AgentActivity) -> None:
        self.activity = result
        kinds = list(activity.ActivityKind)
        items = [
            (activity.ACTIVITY_KIND_LABELS[k], result.counts[k], PALETTE[i]) for i, k in enumerate(kinds)
        ]
        items.append(("Actions refusées", result.refused, "#b3261e"))
        self.bars.set_data(items)
        more = f" (les {len(result.entries)} plus récentes affichées)" if result.truncated else ""
        self.summary.setText(
            f"{result.agent.full_name} : {french_number(result.total)} actions du {result.start:%d/%m/%Y} "
            f"au {result.end:%d/%m/%Y}{more}."
        )
        self.table.setRowCount(len(result.entries))
        for row, item in enumerate(result.entries):
            entry = item.entry
            cells = (
                moment_text(entry.at),
                activity.ACTIVITY_KIND_LABELS[item.kind],
                entry.action,
                "OK" if entry.outcome == "ok" else "Refusée",
                entry.summary,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 4:
                    cell.setToolTip(text)
                self.table.setItem(row, column, cell)


# --- the page ----------------------------------------------------------------------------------------------


def today_of(ctx: AppContext) -> date:
    return paris_today(ctx.clock)


class SupervisionPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        title = QLabel("Supervision des blocages")
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("supervisionTabs")
        self.events = LockEventsTab(ctx)
        self.trends = TrendsTab(ctx)
        self.flags = RedFlagsTab(ctx, self.show_flag_events)
        self.tabs.addTab(self.events, "&Blocages")
        self.tabs.addTab(self.trends, "&Tendances")
        self.tabs.addTab(self.flags, "&Signaux d'alerte")
        self.activity: AgentActivityTab | None = None
        if ctx.can(Permission.AGENT_ACTIVITY_VIEW):
            self.activity = AgentActivityTab(ctx)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.activity)
            self.tabs.addTab(scroll, "Activité des &conseillers")
        self._shown: set[int] = {0}
        self.tabs.currentChanged.connect(self._first_show)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def _first_show(self, index: int) -> None:
        """Trends and flags are computed when their tab is first opened, not at start."""
        if index in self._shown:
            return
        self._shown.add(index)
        if self.tabs.widget(index) is self.trends:
            self.trends.refresh()
        elif self.tabs.widget(index) is self.flags:
            self.flags.refresh()

    def show_flag_events(self, filters: le.LockEventFilter, what: str) -> None:
        self.tabs.setCurrentWidget(self.events)
        self.events.show_events(filters, what)


def create(ctx: AppContext) -> QWidget:
    return SupervisionPage(ctx)
