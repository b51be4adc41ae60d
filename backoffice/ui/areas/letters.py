"""Area « Courriers »: choose a customer or claim and a template, preview, archive; the archive of the
customer (re-print, save, mark as sent); batches with a progress bar and cancel.

Every database call goes through ``ctx.ops``; rendering happens in the workflow, off the GUI thread.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from backoffice.clock import paris_today, to_paris
from backoffice.letters import merge_pdfs
from backoffice.models import SendMethod
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.ui.pdf_preview import PdfPreview
from backoffice.ui.persist import remember_header
from backoffice.workflows import letters as wf
from backoffice.workflows.permissions import Permission

#: Fields typed as one item per line; the label shown is the template's own ("Pièces demandées", "Pièces examinées").
LIST_FIELDS = {"documents": "une par ligne", "reasons": "un par ligne"}
Index = QModelIndex | QPersistentModelIndex


class LetterTableModel(QAbstractTableModel):
    """The letters of one customer (a few dozen at most); sorting uses the raw values in UserRole."""

    HEADERS = ("Date", "Référence", "Courrier", "Destinataire", "Pages", "Statut")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[wf.LetterSummary] = []

    def set_rows(self, rows: list[wf.LetterSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{to_paris(row.created_at):%d/%m/%Y %H:%M}",
                row.reference,
                row.title,
                row.recipient,
                str(row.page_count),
                row.status,
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return (
                row.created_at.timestamp(),
                row.reference,
                row.title,
                row.recipient,
                row.page_count,
                row.status,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Créé par {row.created_by} — SHA-256 {row.sha256[:16]}…"
        return None

    def letter(self, row: int) -> wf.LetterSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class _BatchSignals(QObject):
    progressed = Signal(int, int)


class BatchDialog(QDialog):
    """Many letters at once (the day's acknowledgements): one PDF for the printer or one file per letter."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Courriers en lot")
        self.template = QComboBox()
        self.template.addItem("Accusé de réception de déclaration de sinistre", "ack_claim")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        today = paris_today(ctx.clock)
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.merged = QRadioButton("Un seul PDF pour l'imprimante")
        self.separate = QRadioButton("Un PDF par courrier, dans un dossier")
        self.merged.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.merged)
        group.addButton(self.separate)
        self.path = QLineEdit()
        self.path.setPlaceholderText("Fichier ou dossier de destination")
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Modèle", self.template)
        form.addRow("Sinistres déclarés le", self.day)
        form.addRow("", self.merged)
        form.addRow("", self.separate)
        form.addRow("Destination", where)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Produire et archiver")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Fermer")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.cancel_event = threading.Event()
        self.signals = _BatchSignals()
        self.progress: QProgressDialog | None = None
        self.result: wf.BatchResult | None = None

    def _browse(self) -> None:
        if self.merged.isChecked():
            name, _ = QFileDialog.getSaveFileName(
                self, "PDF pour l'imprimante", "courriers.pdf", "PDF (*.pdf)"
            )
        else:
            name = QFileDialog.getExistingDirectory(self, "Dossier des courriers")
        if name:
            self.path.setText(name)

    def start(self) -> None:
        target = self.path.text().strip()
        if not target:
            self.status.setText("Choisissez le fichier ou le dossier de destination.")
            return
        day = self.day.date().toPython()
        code = self.template.currentData()
        merged = self.merged.isChecked()
        self.cancel_event.clear()
        self.progress = QProgressDialog("Production des courriers…", "Annuler", 0, 0, self)
        self.progress.setWindowTitle("Courriers en lot")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self.cancel_event.set)
        self.signals.progressed.connect(self._progressed)
        self.progress.show()
        self.ctx.ops.run(
            lambda: self._run(code, day, Path(target), merged), self._done, self._failed, parent=self
        )

    def _run(self, code: str, day: date, target: Path, merged: bool) -> wf.BatchResult:
        with self.ctx.db.read() as session:
            targets = wf.claims_declared_on(session, self.ctx.actor, day)
        result = wf.generate_batch(
            self.ctx.db,
            self.ctx.actor,
            code,
            targets,
            progress=self.signals.progressed.emit,
            is_cancelled=self.cancel_event.is_set,
        )
        if result.letters:
            if merged:
                target.write_bytes(merge_pdfs(x.pdf for x in result.letters))
            else:
                target.mkdir(parents=True, exist_ok=True)
                for letter in result.letters:
                    (target / f"{letter.reference}.pdf").write_bytes(letter.pdf)
        return result

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
            self.progress.setLabelText(f"{done} courrier(s) sur {total}…")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_event.set)
            self.progress.close()
            self.progress = None
        self.signals.progressed.disconnect(self._progressed)

    def _done(self, result: wf.BatchResult) -> None:
        self._close_progress()
        self.result = result
        lines = [result.message()] + [f"{f.target.label()} : {f.message}" for f in result.failures[:10]]
        if not result.total:
            lines = ["Aucune déclaration ce jour-là : aucun courrier produit."]
        self.status.setText("\n".join(lines))
        self.ctx.notify(result.message())

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        self.status.setText(error_text(exc))


class LettersPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.target: wf.LetterTarget | None = None
        self.previewed: wf.LetterResult | None = None
        self.templates = wf.templates()

        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("N° client (TI…), de contrat (AUT…, MOT…) ou de sinistre")
        self.target_edit.setAccessibleName("Client ou sinistre")
        self.target_edit.returnPressed.connect(self.find)
        self.find_button = QPushButton("Rechercher")
        self.find_button.clicked.connect(self.find)
        self.target_label = QLabel("Aucun client choisi.")
        self.target_label.setObjectName("targetLabel")
        self.target_label.setWordWrap(True)
        self.template_combo = QComboBox()
        for info in self.templates:
            self.template_combo.addItem(info.title, info.code)
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.list_label = QLabel("")
        self.list_edit = QPlainTextEdit()
        self.list_edit.setTabChangesFocus(True)
        self.list_edit.setMaximumHeight(110)
        self.preview_button = QPushButton("Aperçu")
        self.preview_button.setToolTip("Produire l'aperçu sans archiver (Ctrl+Entrée)")
        self.preview_button.clicked.connect(self.preview)
        self.archive_button = QPushButton("Archiver ce courrier")
        self.archive_button.setToolTip("Archiver exactement l'aperçu affiché (Ctrl+S)")
        self.archive_button.clicked.connect(self.archive)
        self.batch_button = QPushButton("Courriers en lot…")
        self.batch_button.setToolTip("Produire un même courrier pour une liste de clients (Ctrl+B)")
        self.batch_button.clicked.connect(self.open_batch)
        self.batch_button.setVisible(ctx.can(Permission.LETTER_BATCH))
        self.message = QLabel("")
        self.message.setObjectName("letterMessage")
        self.message.setWordWrap(True)

        find_row = QHBoxLayout()
        find_row.addWidget(self.target_edit, 1)
        find_row.addWidget(self.find_button)
        form = QFormLayout()
        form.addRow("Client ou sinistre", find_row)
        form.addRow("", self.target_label)
        form.addRow("Modèle", self.template_combo)
        form.addRow(self.list_label, self.list_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(self.batch_button)
        new_box = QGroupBox("Nouveau courrier")
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addLayout(buttons)
        new_layout.addWidget(self.message)

        self.model = LetterTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        remember_header(ctx, self.table.horizontalHeader(), "letters/archive", fit_to_contents=True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Courriers archivés")
        self.table.doubleClicked.connect(lambda _: self.reprint())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reprint_button = QPushButton("Réimprimer")
        self.reprint_button.setToolTip("Afficher le PDF archivé (Entrée)")
        self.reprint_button.clicked.connect(self.reprint)
        self.save_button = QPushButton("Enregistrer sous…")
        self.save_button.clicked.connect(self.save_selected)
        self.post_button = QPushButton("Envoyé par courrier")
        self.post_button.clicked.connect(lambda: self.mark_sent(SendMethod.POST))
        self.email_button = QPushButton("Envoyé par courriel")
        self.email_button.clicked.connect(lambda: self.mark_sent(SendMethod.EMAIL))
        archive_buttons = QGridLayout()  # two rows: the form and the preview share a 1366-pixel screen
        for index, button in enumerate(
            (self.reprint_button, self.save_button, self.post_button, self.email_button)
        ):
            archive_buttons.addWidget(button, index // 2, index % 2)
        archive_buttons.setColumnStretch(2, 1)
        archive_box = QGroupBox("Courriers archivés du client")
        archive_layout = QVBoxLayout(archive_box)
        archive_layout.addWidget(self.table, 1)
        archive_layout.addLayout(archive_buttons)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(new_box)
        left_layout.addWidget(archive_box, 1)
        self.preview_widget = PdfPreview()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.preview_widget)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Courriers</h2>")
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        QShortcut(QKeySequence("Ctrl+Return"), self, self.preview_button.click)
        QShortcut(QKeySequence.StandardKey.Save, self, self.archive_button.click)
        QShortcut(QKeySequence("Return"), self.table, self.reprint_button.click)
        QShortcut(QKeySequence("Ctrl+B"), self, self.batch_button.click)  # Ctrl+L locks the session
        self.setTabOrder(self.target_edit, self.find_button)
        self.setTabOrder(self.find_button, self.template_combo)
        self.setTabOrder(self.template_combo, self.list_edit)
        self.setTabOrder(self.list_edit, self.preview_button)
        self.setTabOrder(self.preview_button, self.archive_button)
        self._template_changed()
        self._update_buttons()

    # --- choosing the customer ---

    def find(self) -> None:
        text = self.target_edit.text()
        self.ctx.ops.read(
            lambda s: wf.find_target(s, self.ctx.actor, text), self._found, on_error=self._error
        )

    def open_customer(self, customer_id: int) -> None:
        """Open the page on a customer (from the customer file)."""
        self.ctx.ops.read(
            lambda s: wf.customer_target(s, self.ctx.actor, customer_id), self._found, on_error=self._error
        )

    def _found(self, target: wf.LetterTarget) -> None:
        self.target = target
        self.target_label.setText(target.label)
        self.message.setText("")
        self._forget_preview()
        self.refresh_archive()

    def refresh_archive(self) -> None:
        if self.target is None:
            self.model.set_rows([])
            self._update_buttons()
            return
        customer_id = self.target.customer_id
        self.ctx.ops.read(
            lambda s: wf.list_letters(s, self.ctx.actor, customer_id=customer_id),
            self._listed,
            on_error=self._error,
        )

    def _listed(self, rows: list[wf.LetterSummary]) -> None:
        self.model.set_rows(rows)
        self._update_buttons()

    # --- new letter ---

    def _template_changed(self, *_: object) -> None:
        info = self.templates[self.template_combo.currentIndex()] if self.templates else None
        list_field = next((f for f in info.fields if f[0] in LIST_FIELDS), None) if info else None
        self.list_label.setText(f"{list_field[1]} ({LIST_FIELDS[list_field[0]]})" if list_field else "")
        self.list_edit.setVisible(list_field is not None)
        self.list_label.setVisible(list_field is not None)
        self._forget_preview()

    def _request(self) -> dict[str, Any] | None:
        if self.target is None:
            self.message.setText("Choisissez d'abord le client ou le sinistre.")
            self.target_edit.setFocus()
            return None
        code = self.template_combo.currentData()
        info = self.templates[self.template_combo.currentIndex()]
        extra: dict[str, Any] = {}
        for name, _, _ in info.fields:
            if name in LIST_FIELDS:
                extra[name] = [line for line in self.list_edit.toPlainText().splitlines() if line.strip()]
        return {
            "template_code": code,
            "customer_id": self.target.customer_id,
            "claim_id": self.target.claim_id,
            "extra_fields": extra or None,
        }

    def preview(self) -> None:
        request = self._request()
        if request is None:
            return
        self.message.setText("Aperçu en cours…")
        self.ctx.ops.read(
            lambda s: wf.generate_letter(s, self.ctx.actor, archive=False, **request),
            self._previewed,
            on_error=self._error,
        )

    def _previewed(self, result: wf.LetterResult) -> None:
        self.previewed = result
        self.preview_widget.set_pdf(result.pdf)
        self.message.setText(
            f"Aperçu de « {result.title} » ({result.page_count} page(s)), référence {result.reference}. "
            "Vérifiez-le puis archivez-le."
        )
        self._update_buttons()

    def archive(self) -> None:
        request = self._request()
        if request is None or self.previewed is None:
            self.message.setText("Produisez et vérifiez l'aperçu avant d'archiver.")
            return
        expected = self.previewed.sha256
        self.ctx.ops.write(
            lambda s: wf.generate_letter(s, self.ctx.actor, archive=True, **request),
            lambda result: self._archived(result, expected),
            on_error=self._error,
        )

    def _archived(self, result: wf.LetterResult, expected: str) -> None:
        self._forget_preview()
        self.preview_widget.set_pdf(result.pdf)
        note = (
            ""
            if result.sha256 == expected
            else " (le contenu a changé depuis l'aperçu : voici la version archivée)"
        )
        already = " déjà archivé aujourd'hui" if result.already_archived else " archivé"
        self.message.setText(f"Courrier {result.reference}{already}{note}.")
        self.ctx.notify(f"Courrier {result.reference} archivé.")
        self.refresh_archive()

    def _forget_preview(self) -> None:
        self.previewed = None
        self._update_buttons()

    # --- archive actions ---

    def selected(self) -> wf.LetterSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.letter(rows[0].row()) if rows else None

    def reprint(self) -> None:
        letter = self.selected()
        if letter is None:
            return
        self.ctx.ops.read(
            lambda s: wf.letter_pdf(s, self.ctx.actor, letter.id),
            lambda pdf: self._show_archived(letter, pdf),
            on_error=self._error,
        )

    def _show_archived(self, letter: wf.LetterSummary, pdf: bytes) -> None:
        self._forget_preview()
        self.preview_widget.set_pdf(pdf)
        self.message.setText(
            f"Courrier archivé {letter.reference} : {letter.title}, {letter.status.lower()}."
        )

    def save_selected(self) -> None:
        letter = self.selected()
        if letter is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer le courrier", f"{letter.reference}.pdf", "PDF (*.pdf)"
        )
        if not name:
            return
        self.ctx.ops.read(
            lambda s: wf.letter_pdf(s, self.ctx.actor, letter.id),
            lambda pdf: self._saved(Path(name), pdf),
            on_error=self._error,
        )

    def _saved(self, path: Path, pdf: bytes) -> None:
        path.write_bytes(pdf)
        self.ctx.notify(f"Courrier enregistré : {path}")

    def mark_sent(self, method: SendMethod) -> None:
        letter = self.selected()
        if letter is None:
            return
        self.ctx.ops.write(
            lambda s: wf.mark_sent(s, self.ctx.actor, letter.id, method, expected_version=letter.version),
            lambda summary: (
                self.message.setText(f"Courrier {summary.reference} : {summary.status.lower()}."),
                self.refresh_archive(),
            ),
            on_error=self._error,
        )

    def open_batch(self) -> None:
        dialog = BatchDialog(self.ctx, self)
        dialog.finished.connect(lambda _: self.refresh_archive())
        dialog.open()

    def _error(self, exc: BaseException) -> None:
        self.message.setText(error_text(exc))

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.archive_button.setEnabled(self.previewed is not None)
        self.reprint_button.setEnabled(chosen is not None)
        self.save_button.setEnabled(chosen is not None)
        can_send = chosen is not None and chosen.sent_at is None and self.ctx.can(Permission.LETTER_SEND)
        self.post_button.setEnabled(can_send)
        self.email_button.setEnabled(can_send)


def create(ctx: AppContext) -> QWidget:
    return LettersPage(ctx)


def open_letters_for(ctx: AppContext, customer_id: int) -> None:
    """Show the « Courriers » area on a customer; for the customer file's « Générer un courrier » action."""
    show_area = ctx.services.get("show_area")
    page = show_area("letters") if show_area else None
    if isinstance(page, LettersPage):
        page.open_customer(customer_id)
