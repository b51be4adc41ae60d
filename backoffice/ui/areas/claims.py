"""Claims area: the triage queue (filters, paging, "Prendre le suivant"), the claim on the right, phone declarations."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from backoffice.models import ClaimStatus, ClaimType, Priority
from backoffice.models.claims import CLAIM_TYPE_LABELS, OPEN_CLAIM_STATUSES
from backoffice.ui.claims_declaration import DeclarationDialog
from backoffice.ui.claims_detail import ClaimDetailView, long_date
from backoffice.ui.claims_queue import ClaimQueueModel
from backoffice.ui.context import AppContext
from backoffice.workflows import assignment, claims
from backoffice.workflows.claims import ClaimRef
from backoffice.workflows.permissions import Permission

STATUS_CHOICES: tuple[tuple[str, tuple[ClaimStatus, ...]], ...] = (
    ("À trier", (ClaimStatus.DECLARED,)),
    ("Tous les ouverts", OPEN_CLAIM_STATUSES),
    ("Triés", (ClaimStatus.TRIAGED,)),
    ("En expertise", (ClaimStatus.IN_APPRAISAL,)),
    ("Indemnité proposée", (ClaimStatus.INDEMNITY_PROPOSED,)),
    ("Clos", (ClaimStatus.SETTLED, ClaimStatus.REFUSED, ClaimStatus.CLOSED)),
)
#: Rows measured to fit the queue's columns (a few screens).
RESIZE_PRECISION = 40
#: While the agent scrolls the queue, the claim panel still being built in idle slices waits this long.
SCROLL_HOLD_MS = 300


def create(ctx: AppContext) -> QWidget:
    return ClaimsArea(ctx)


class ClaimsArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.take_button = QPushButton("Prendre le &suivant")
        self.take_button.setObjectName("takeNext")
        self.take_button.setToolTip("Le sinistre le plus prioritaire et le plus ancien à trier (Ctrl+N)")
        self.take_button.clicked.connect(self.take_next)
        QShortcut(QKeySequence("Ctrl+N"), self, self.take_next)
        self.declare_button = QPushButton("Nouvelle &déclaration…")
        self.declare_button.setObjectName("newDeclaration")
        self.declare_button.clicked.connect(self.open_declaration)
        QShortcut(QKeySequence("Ctrl+D"), self, self.open_declaration)
        self.overdue_button = QPushButton("Missions en &retard")
        self.overdue_button.clicked.connect(self.show_overdue)
        actions.addWidget(self.take_button)
        actions.addWidget(self.declare_button)
        actions.addWidget(self.overdue_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.can_triage = ctx.can(Permission.CLAIM_TRIAGE)
        self.take_button.setVisible(self.can_triage)
        self.overdue_button.setVisible(ctx.can(Permission.CLAIM_ASSIGN))
        self.declare_button.setVisible(ctx.can(Permission.CLAIM_DECLARE))
        if not self.can_triage:
            note = QLabel(
                "Vous pouvez enregistrer les déclarations de sinistre reçues par téléphone. Le tri et le suivi "
                "sont faits par les gestionnaires sinistres."
            )
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
            return

        layout.addLayout(self._filters())
        self.model = ClaimQueueModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("claimQueue")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.count_label = QLabel()
        self.count_label.setObjectName("queueCount")
        self.model.loaded.connect(self._count)
        self.model.modelReset.connect(self._resize)
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addWidget(self.table, 1)
        queue_layout.addWidget(self.count_label)
        self.detail = ClaimDetailView(ctx)
        self.detail.changed.connect(self.model.reload)
        self.table.verticalScrollBar().valueChanged.connect(
            lambda _value: self.detail.building.hold(SCROLL_HOLD_MS)
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(queue)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 560])  # on a 1366×768 laptop: six queue rows, the claim below
        layout.addWidget(splitter, 1)
        self.apply_filters()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("filterStatus")
        for label, statuses in STATUS_CHOICES:
            self.status.addItem(label, statuses)
        self.priority = QComboBox()
        self.priority.addItem("Toutes priorités", None)
        for p in Priority:
            self.priority.addItem(p.value, p)
        self.claim_type = QComboBox()
        self.claim_type.addItem("Tous types", None)
        for t in ClaimType:
            self.claim_type.addItem(CLAIM_TYPE_LABELS[t], t)
        self.assignment = QComboBox()
        self.assignment.setObjectName("filterAssignment")
        for label, key in (("Tous", "all"), ("Non attribués", "unassigned"), ("Mes dossiers", "mine")):
            self.assignment.addItem(label, key)
        self.late = QCheckBox("Hors délai")
        self.fraud = QCheckBox("Fraude")
        self.number = QLineEdit()
        self.number.setObjectName("filterNumber")
        self.number.setPlaceholderText("N° de sinistre…")
        self.number.setClearButtonEnabled(True)
        self.number.returnPressed.connect(self.apply_filters)
        for combo in (self.status, self.priority, self.claim_type, self.assignment):
            combo.currentIndexChanged.connect(self.apply_filters)
        for box in (self.late, self.fraud):
            box.toggled.connect(self.apply_filters)
        row.addWidget(QLabel("File :"))
        for widget in (self.status, self.priority, self.claim_type, self.assignment, self.late, self.fraud):
            row.addWidget(widget)
        row.addWidget(self.number, 1)
        return row

    def apply_filters(self) -> None:
        self.model.set_filter(
            replace(
                self.model.filter,
                statuses=self.status.currentData(),
                priority=self.priority.currentData(),
                claim_type=self.claim_type.currentData(),
                assignment=self.assignment.currentData(),
                late_only=self.late.isChecked(),
                fraud_only=self.fraud.isChecked(),
                number=self.number.text(),
            )
        )

    def _count(self, total: int) -> None:
        self.count_label.setText(f"{total:,} sinistre(s)".replace(",", "\u202f"))

    def _resize(self) -> None:
        """Columns fitted to the first rows' texts, measured here: Qt's resizeColumnsToContents asks the Python
        model for every role of every cell, several times slower on each reload."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        margin = 2 * (
            self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        )
        texts = self.model.texts[:RESIZE_PRECISION]
        for column in range(self.model.columnCount()):
            widths = [metrics.horizontalAdvance(row[column]) + margin + 2 for row in texts]
            header.resizeSection(column, max([header.sectionSizeHint(column), *widths]))

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if rows:
            self.open_row(rows[0].row())

    def open_row(self, row: int) -> None:
        claim = self.model.claim_at(row)
        if claim is not None:
            self.detail.show_claim(claim.id)

    def open_claim(self, claim_id: int) -> None:
        self.detail.show_claim(claim_id)

    def take_next(self) -> None:
        if not self.can_triage:
            return
        actor = self.ctx.actor

        def done(ref: ClaimRef | None) -> None:
            if ref is None:
                self.ctx.notify("Aucun sinistre à trier : la file est vide.")
                self.detail.show_message("Aucun sinistre à trier : la file est vide.")
                return
            self.ctx.notify(f"Sinistre {ref.number} pris en charge.")
            self.detail.show_claim(ref.id)
            self.model.reload()

        db = self.ctx.db
        self.ctx.ops.run(lambda: claims.take_next_retrying(db, actor), done, parent=self)

    def open_declaration(self) -> None:
        if not self.ctx.can(Permission.CLAIM_DECLARE):
            return
        dialog = DeclarationDialog(self.ctx, self)
        dialog.setObjectName("declarationDialog")
        if self.can_triage:
            dialog.declared.connect(lambda _ref: self.model.reload())
        dialog.open()
        self.declaration_dialog = dialog

    def show_overdue(self) -> None:
        actor = self.ctx.actor

        def done(rows: tuple[assignment.AssignmentView, ...]) -> None:
            dialog = QDialog(self)
            dialog.setWindowTitle("Missions d'expertise en retard")
            box = QVBoxLayout(dialog)
            listing = QListWidget()
            for a in rows:
                listing.addItem(f"{a.claim_number} — {a.expert_name} — échéance {long_date(a.due_on)}")
            if not rows:
                listing.addItem("Aucune mission en retard.")
            listing.itemActivated.connect(
                lambda item: rows and self.open_claim(rows[listing.row(item)].claim_id)
            )
            box.addWidget(listing)
            dialog.resize(560, 360)
            dialog.open()
            self.overdue_dialog = dialog

        self.ctx.ops.read(lambda s: assignment.overdue_assignments(s, actor), done, parent=self)
