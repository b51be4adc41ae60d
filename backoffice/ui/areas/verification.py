"""Area « Vérification d'identité »: documents on the left, what the agent read and the checks on the right.

The agent picks the customer (client or contract number, or from the customer file), opens a case for the
request, drops the documents, types what is printed on them (MRZ, proof-of-address date, name and address,
IBAN) and decides. Every check is computed and stored by the workflow; this screen only shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFont, QIcon, QImage, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.clock import paris_today, to_paris
from backoffice.errors import BackofficeError, InvalidInput
from backoffice.models import CheckOutcome, DocumentKind, VerificationPurpose
from backoffice.models.documents import DOCUMENT_KIND_LABELS, ProofOfAddressKind
from backoffice.ui.context import AppContext
from backoffice.ui.document_viewer import DocumentViewer
from backoffice.ui.operations import error_text
from backoffice.ui.persist import remember_header
from backoffice.workflows import verification as wf
from backoffice.workflows.documents import DocumentContent, DocumentInfo, open_document

OUTCOME_TEXT = {
    CheckOutcome.PASSED: "Réussi",
    CheckOutcome.FAILED: "Échoué",
    CheckOutcome.NOT_APPLICABLE: "Sans objet",
}
GROUP_TITLES = {
    wf.IDENTITY: "Pièce d'identité",
    wf.ADDRESS: "Justificatif de domicile",
    wf.BANK_DETAILS: "RIB",
}
UPLOAD_KINDS = (DocumentKind.IDENTITY_DOCUMENT, DocumentKind.PROOF_OF_ADDRESS, DocumentKind.BANK_DETAILS)


def read_upload(path: Path, max_bytes: int) -> bytes:
    """Read at most one byte over the limit, so a huge file is refused without loading it whole."""
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput(f"Impossible de lire le fichier « {path.name} » : {exc.strerror or exc}.") from exc


def french_date(value: date) -> str:
    return format_date(value, "d MMMM y", locale="fr_FR")


class VerificationPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.customer: wf.CustomerBrief | None = None
        self.case: wf.CaseView | None = None
        self.latest: wf.VerificationSummary | None = None
        self.shown_document_id: int | None = None
        self.setAcceptDrops(True)
        style = self.style()
        self.icons = {
            CheckOutcome.PASSED: style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            CheckOutcome.FAILED: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            CheckOutcome.NOT_APPLICABLE: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
        }
        self.change_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_documents())
        splitter.addWidget(self._build_checks())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.message = QLabel("")
        self.message.setObjectName("verificationMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        for field, slot in ((self.mrz, self.check_identity), (self.proof_address, self.check_address)):
            submit = QAction(field)
            submit.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
            submit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            submit.triggered.connect(slot)
            field.addAction(submit)
        find_shortcut = QAction(self)
        find_shortcut.setShortcut(QKeySequence("Ctrl+F"))
        find_shortcut.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_shortcut.triggered.connect(lambda: self.search.setFocus())
        self.addAction(find_shortcut)
        self._refresh()

    # ---- building -------------------------------------------------------------------------------------

    def _build_header(self) -> QVBoxLayout:
        box = QVBoxLayout()
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText("N° client ou n° de contrat (Ctrl+F), puis Entrée")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_customer)
        self.search_button = QPushButton("Ouvrir le client")
        self.search_button.clicked.connect(self.find_customer)
        self.customer_label = QLabel("Aucun client choisi.")
        self.customer_label.setObjectName("customerLabel")
        self.customer_label.setTextFormat(Qt.TextFormat.RichText)
        self.customer_label.setWordWrap(True)
        row.addWidget(QLabel("Client :"))
        row.addWidget(self.search, 1)
        row.addWidget(self.search_button)
        box.addLayout(row)
        box.addWidget(self.customer_label)
        case_row = QHBoxLayout()
        self.purpose = QComboBox()
        self.purpose.setObjectName("purpose")
        for purpose, label in wf.PURPOSE_LABELS.items():
            self.purpose.addItem(label, purpose)
        self.new_case_button = QPushButton("Nouvelle vérification")
        self.new_case_button.setObjectName("newCase")
        self.new_case_button.clicked.connect(self.new_case)
        self.case_label = QLabel("")
        self.case_label.setObjectName("caseLabel")
        self.case_label.setTextFormat(Qt.TextFormat.RichText)
        case_row.addWidget(QLabel("Motif :"))
        case_row.addWidget(self.purpose)
        case_row.addWidget(self.new_case_button)
        case_row.addWidget(self.case_label, 1)
        box.addLayout(case_row)
        return box

    def _build_documents(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.upload_kind = QComboBox()
        self.upload_kind.setObjectName("uploadKind")
        for kind in UPLOAD_KINDS:
            self.upload_kind.addItem(DOCUMENT_KIND_LABELS[kind], kind)
        self.add_button = QPushButton("Ajouter un fichier… (Ctrl+O)")
        self.add_button.setObjectName("addDocument")
        self.add_button.setShortcut(QKeySequence("Ctrl+O"))
        self.add_button.clicked.connect(self.choose_files)
        row.addWidget(QLabel("Pièce :"))
        row.addWidget(self.upload_kind)
        row.addWidget(self.add_button, 1)
        layout.addLayout(row)
        hint = QLabel("Glissez-déposez les fichiers ici (JPEG, PNG ou PDF).")
        hint.setObjectName("dropHint")
        layout.addWidget(hint)
        self.documents = QListWidget()
        self.documents.setObjectName("documents")
        self.documents.setMaximumHeight(110)
        self.documents.currentItemChanged.connect(self._document_selected)
        layout.addWidget(self.documents)
        self.viewer = DocumentViewer()
        layout.addWidget(self.viewer, 1)
        return panel

    def _build_checks(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.inputs = QTabWidget()
        self.inputs.setObjectName("checkInputs")
        layout.addWidget(self.inputs)

        identity = QWidget()
        identity_layout = QVBoxLayout(identity)
        identity_layout.addWidget(QLabel("MRZ : les lignes de la bande du bas du document"))
        self.mrz = QPlainTextEdit()
        self.mrz.setObjectName("mrz")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.mrz.setFont(mono)
        self.mrz.setPlaceholderText(
            "Collez ou saisissez les 2 ou 3 lignes de la MRZ (caractères « < » compris)"
        )
        self.mrz.setTabChangesFocus(True)
        self.mrz.setFixedHeight(72)
        self.check_mrz_button = QPushButton("Contrôler la pièce d'identité")
        self.check_mrz_button.setObjectName("checkIdentity")
        self.check_mrz_button.clicked.connect(self.check_identity)
        self.suggestion = QPushButton("")
        self.suggestion.setObjectName("mrzSuggestion")
        self.suggestion.setVisible(False)
        self.suggestion.clicked.connect(self._apply_suggestion)
        self._suggested_mrz: str | None = None
        identity_layout.addWidget(self.mrz)
        identity_layout.addWidget(self.check_mrz_button)
        identity_layout.addWidget(self.suggestion)
        identity_layout.addStretch(1)
        self.inputs.addTab(identity, "Pièce d'identité")

        proof = QWidget()
        proof_form = QFormLayout(proof)
        self.proof_kind = QComboBox()
        self.proof_kind.setObjectName("proofKind")
        for kind, label in wf.PROOF_KIND_LABELS.items():
            self.proof_kind.addItem(label, kind)
        self.proof_date = QDateEdit()
        self.proof_date.setObjectName("proofDate")
        self.proof_date.setCalendarPopup(True)
        self.proof_date.setDisplayFormat("dd/MM/yyyy")
        today = paris_today(self.ctx.clock)
        self.proof_date.setDate(QDate(today.year, today.month, today.day))
        self.proof_name = QLineEdit()
        self.proof_name.setObjectName("proofName")
        self.proof_name.setPlaceholderText("Nom tel qu'il figure sur le justificatif")
        self.proof_address = QPlainTextEdit()
        self.proof_address.setObjectName("proofAddress")
        self.proof_address.setTabChangesFocus(True)
        self.proof_address.setFixedHeight(56)
        self.proof_address.setPlaceholderText("N° et voie\nCode postal et ville")
        self.check_proof_button = QPushButton("Contrôler le justificatif")
        self.check_proof_button.setObjectName("checkAddress")
        self.check_proof_button.clicked.connect(self.check_address)
        proof_form.addRow("Type :", self.proof_kind)
        proof_form.addRow("Date du document :", self.proof_date)
        proof_form.addRow("Nom :", self.proof_name)
        proof_form.addRow("Adresse :", self.proof_address)
        proof_form.addRow(self.check_proof_button)
        self.inputs.addTab(proof, "Justificatif de domicile")

        rib = QWidget()
        rib_form = QFormLayout(rib)
        self.iban = QLineEdit()
        self.iban.setObjectName("iban")
        self.iban.setPlaceholderText("FR76 3000 6000 0112 3456 7890 189")
        self.holder = QLineEdit()
        self.holder.setObjectName("holder")
        self.holder.setPlaceholderText("Intitulé du compte tel qu'imprimé sur le RIB")
        self.holder.returnPressed.connect(self.check_bank)
        self.check_bank_button = QPushButton("Contrôler le RIB")
        self.check_bank_button.setObjectName("checkBank")
        self.check_bank_button.clicked.connect(self.check_bank)
        rib_form.addRow("IBAN :", self.iban)
        rib_form.addRow("Titulaire :", self.holder)
        rib_form.addRow(self.check_bank_button)
        self.inputs.addTab(rib, "RIB")

        results = QGroupBox("Résultats des contrôles")
        results_layout = QVBoxLayout(results)
        self.results = QTreeWidget()
        self.results.setObjectName("results")
        self.results.setHeaderLabels(["Contrôle", "Résultat", "Motif"])
        self.results.setColumnWidth(0, 210)
        self.results.setColumnWidth(1, 95)
        remember_header(self.ctx, self.results.header(), "verification/checks")
        self.results.setWordWrap(True)
        self.results.setMinimumHeight(120)
        self.results.currentItemChanged.connect(self._result_selected)
        self.result_detail = QLabel("")
        self.result_detail.setObjectName("resultDetail")
        self.result_detail.setWordWrap(True)
        self.result_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        results_layout.addWidget(self.results)
        results_layout.addWidget(self.result_detail)
        layout.addWidget(results, 1)

        decision = QGroupBox("Décision")
        decision_layout = QVBoxLayout(decision)
        form = QFormLayout()
        self.reject_reason = QComboBox()
        self.reject_reason.setObjectName("rejectReason")
        self.reject_reason.addItem("— motif de refus —", None)
        for reason in wf.RejectionReason:
            self.reject_reason.addItem(reason.label, reason)
        self.comment = QLineEdit()
        self.comment.setObjectName("decisionComment")
        self.comment.setPlaceholderText("Commentaire (pièces à demander, précision du refus)")
        form.addRow("Motif de refus :", self.reject_reason)
        form.addRow("Commentaire :", self.comment)
        decision_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.verified_button = QPushButton("Identité vérifiée")
        self.verified_button.setObjectName("decideVerified")
        self.verified_button.clicked.connect(lambda: self.decide(wf.Decision.VERIFIED))
        self.reject_button = QPushButton("Refuser")
        self.reject_button.setObjectName("decideRejected")
        self.reject_button.clicked.connect(lambda: self.decide(wf.Decision.REJECTED))
        self.more_button = QPushButton("Demander des pièces")
        self.more_button.setObjectName("decideMoreDocuments")
        self.more_button.clicked.connect(lambda: self.decide(wf.Decision.MORE_DOCUMENTS_NEEDED))
        for button in (self.verified_button, self.reject_button, self.more_button):
            buttons.addWidget(button)
        decision_layout.addLayout(buttons)
        layout.addWidget(decision)
        scroll = QScrollArea()  # on a 768-pixel-high laptop screen the column scrolls instead of overflowing
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(
            panel.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        )
        return scroll

    # ---- plumbing -------------------------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        text = error_text(exc)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)
        if not isinstance(exc, BackofficeError):
            self.ctx.notify(text)

    def _info(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.ctx.notify(text)

    def _write(self, fn: Callable[[Session], Any], on_done: Callable[[Any], None]) -> None:
        self.ctx.ops.write(fn, on_done, on_error=self._error, parent=self)

    def _read(self, fn: Callable[[Session], Any], on_done: Callable[[Any], None]) -> None:
        self.ctx.ops.read(fn, on_done, on_error=self._error, parent=self)

    def _open_case_id(self) -> int | None:
        if self.case is None or not self.case.is_open:
            self._error(InvalidInput("Ouvrez d'abord une vérification (bouton « Nouvelle vérification »)."))
            return None
        return self.case.id

    # ---- customer and case ----------------------------------------------------------------------------

    def find_customer(self) -> None:
        text = self.search.text().strip()
        if not text:
            self._error(InvalidInput("Saisissez un numéro client (TI000…) ou un numéro de contrat."))
            return
        actor = self.ctx.actor
        self._read(lambda s: wf.find_customers(s, actor, text), self._customers_found)

    def _customers_found(self, choices: list[wf.CustomerChoice]) -> None:
        if not choices:
            self._error(InvalidInput(f"Aucun client ne correspond à « {self.search.text().strip()} »."))
            return
        self.load_customer(choices[0].id)

    def load_customer(self, customer_id: int) -> None:
        """Show a customer with their current case: resumed when open, read-only when decided."""
        actor = self.ctx.actor

        def load(s: Session) -> tuple[wf.CustomerBrief, wf.VerificationSummary | None, wf.CaseView | None]:
            latest = wf.latest_verification(s, actor, customer_id)
            case = wf.get_case(s, actor, latest.case_id) if latest is not None else None
            return wf.customer_brief(s, actor, customer_id), latest, case

        self._read(load, self._customer_loaded)

    def _customer_loaded(self, loaded: tuple[Any, Any, Any]) -> None:
        self.customer, self.latest, case = loaded
        self.message.setText("")
        self._set_case(case)
        if case is not None and case.is_open:
            self._info(f"Vérification n° {case.id} en cours reprise.")
        elif case is not None:
            self._info(
                f"Dernière vérification (n° {case.id}) affichée : elle est close. « Nouvelle vérification » "
                "pour une nouvelle demande."
            )

    def new_case(self) -> None:
        if self.customer is None:
            self._error(InvalidInput("Choisissez d'abord un client."))
            return
        actor, customer_id = self.ctx.actor, self.customer.id
        purpose: VerificationPurpose = self.purpose.currentData()
        self._write(lambda s: wf.open_case(s, actor, customer_id, purpose), self._case_opened)

    def _case_opened(self, case: wf.CaseView) -> None:
        self.mrz.clear()
        self.iban.clear()
        self.holder.clear()
        self.proof_name.clear()
        self.proof_address.clear()
        self.comment.clear()
        self.reject_reason.setCurrentIndex(0)
        self._set_case(case)
        self._info(f"Vérification n° {case.id} ouverte : déposez les pièces du client.")

    def _set_case(self, case: wf.CaseView | None) -> None:
        self.case = case
        if case is not None:
            self.customer = case.customer
        self._refresh()

    def _refresh_latest(self) -> None:
        if self.customer is None:
            return
        actor, customer_id = self.ctx.actor, self.customer.id

        def done(summary: wf.VerificationSummary | None) -> None:
            self.latest = summary
            self._refresh()

        self._read(lambda s: wf.latest_verification(s, actor, customer_id), done)

    # ---- documents ------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        if self._open_case_id() is None:
            return
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Ajouter une pièce", "", "Pièces (*.jpg *.jpeg *.png *.pdf);;Tous les fichiers (*)"
        )
        self.upload_files([Path(p) for p in paths])

    def upload_files(self, paths: list[Path], kind: DocumentKind | None = None) -> None:
        case_id = self._open_case_id()
        if case_id is None or not paths:
            return
        chosen: DocumentKind = kind or self.upload_kind.currentData()
        actor, db = self.ctx.actor, self.ctx.db
        limit = self.ctx.settings.documents.max_upload_bytes
        for path in paths:

            def job(path: Path = path) -> wf.CaseView:
                content = read_upload(path, limit)
                return db.run_write(
                    lambda s: wf.attach_document(
                        s, actor, case_id, kind=chosen, filename=path.name, content=content
                    )
                )

            self.ctx.ops.run(job, self._document_added, on_error=self._error, parent=self)

    def _document_added(self, case: wf.CaseView) -> None:
        self._set_case(case)
        if case.documents:
            newest = max(case.documents, key=lambda d: (d.uploaded_at, d.id))
            self._info(f"{newest.kind_label} « {newest.filename} » ajouté(e) ({newest.size_text}).")
            self.select_document(newest.id)

    def select_document(self, document_id: int) -> None:
        for row in range(self.documents.count()):
            item = self.documents.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == document_id:
                self.documents.setCurrentItem(item)
                return

    def _document_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        document_id = item.data(Qt.ItemDataRole.UserRole)
        if document_id == self.shown_document_id:
            return
        actor, db = self.ctx.actor, self.ctx.db

        def job() -> tuple[DocumentContent, QImage | None]:
            content: DocumentContent = db.run_write(lambda s: open_document(s, actor, document_id))
            image = None if content.info.is_pdf else QImage.fromData(content.content)
            return content, image

        self.ctx.ops.run(job, self._document_opened, on_error=self._error, parent=self)

    def _document_opened(self, opened: tuple[DocumentContent, QImage | None]) -> None:
        content, image = opened
        info = content.info
        if info.kind in UPLOAD_KINDS:
            self.inputs.setCurrentIndex(UPLOAD_KINDS.index(info.kind))
        title = f"{info.kind_label} — {info.filename}"
        self.shown_document_id = info.id
        if image is not None and not image.isNull():
            self.viewer.show_image(image, title)
        elif info.is_pdf:
            self.viewer.show_pdf(content.content, title)
        else:
            self.viewer.clear()
            self._error(InvalidInput(f"Le document « {info.filename} » ne peut pas être affiché."))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.upload_files(paths)

    # ---- checks ---------------------------------------------------------------------------------------

    def _selected_document(self, kind: DocumentKind) -> int | None:
        """The document on screen when it is of the right kind; otherwise the workflow takes the latest one."""
        if self.case is None or self.shown_document_id is None:
            return None
        for document in self.case.documents:
            if document.id == self.shown_document_id and document.kind is kind:
                return document.id
        return None

    def check_identity(self) -> None:
        case_id = self._open_case_id()
        if case_id is None:
            return
        text = self.mrz.toPlainText()
        actor = self.ctx.actor
        document_id = self._selected_document(DocumentKind.IDENTITY_DOCUMENT)
        self._write(
            lambda s: wf.check_identity(s, actor, case_id, mrz_text=text, document_id=document_id),
            self._identity_checked,
        )

    def _identity_checked(self, run: wf.IdentityCheckRun) -> None:
        self._set_case(run.case)
        self._suggested_mrz = run.suggested_mrz
        if run.suggested_mrz:
            self.suggestion.setText("Corriger les caractères confondus (O/0, I/1…) et recontrôler")
        self.suggestion.setVisible(bool(run.suggested_mrz))
        self._info_checks(wf.IDENTITY, "Pièce d'identité contrôlée")

    def _apply_suggestion(self) -> None:
        if self._suggested_mrz:
            self.mrz.setPlainText(self._suggested_mrz)
            self.suggestion.setVisible(False)
            self.check_identity()

    def check_address(self) -> None:
        case_id = self._open_case_id()
        if case_id is None:
            return
        qdate = self.proof_date.date()
        document_date = date(qdate.year(), qdate.month(), qdate.day())
        kind: ProofOfAddressKind = self.proof_kind.currentData()
        name, address = self.proof_name.text(), self.proof_address.toPlainText()
        actor = self.ctx.actor
        document_id = self._selected_document(DocumentKind.PROOF_OF_ADDRESS)
        self._write(
            lambda s: wf.check_proof_of_address(
                s,
                actor,
                case_id,
                proof_kind=kind,
                document_date=document_date,
                name_on_document=name,
                address_on_document=address,
                document_id=document_id,
            ),
            lambda case: (self._set_case(case), self._info_checks(wf.ADDRESS, "Justificatif contrôlé")),
        )

    def check_bank(self) -> None:
        case_id = self._open_case_id()
        if case_id is None:
            return
        iban, holder, actor = self.iban.text(), self.holder.text(), self.ctx.actor
        document_id = self._selected_document(DocumentKind.BANK_DETAILS)
        self._write(
            lambda s: wf.check_bank_details(
                s, actor, case_id, iban=iban, holder=holder, document_id=document_id
            ),
            lambda case: (self._set_case(case), self._info_checks(wf.BANK_DETAILS, "RIB contrôlé")),
        )

    def _info_checks(self, group: str, title: str) -> None:
        if self.case is None:
            return
        checks = self.case.checks_of(group)
        failed = sum(1 for c in checks if c.outcome is CheckOutcome.FAILED)
        text = (
            f"{title} : {failed} contrôle(s) en échec." if failed else f"{title} : aucun contrôle en échec."
        )
        if group == wf.BANK_DETAILS and self.case.bank_details_change:
            text += " Nouvel IBAN : il s'agit d'un changement de coordonnées bancaires."
        self._info(text)

    # ---- decision -------------------------------------------------------------------------------------

    def decide(self, decision: wf.Decision) -> None:
        case_id = self._open_case_id()
        if case_id is None or self.case is None:
            return
        reason = self.reject_reason.currentData() if decision is wf.Decision.REJECTED else None
        comment, actor, version = self.comment.text(), self.ctx.actor, self.case.version
        self._write(
            lambda s: wf.decide(
                s, actor, case_id, decision, reason=reason, comment=comment, expected_version=version
            ),
            self._decided,
        )

    def _decided(self, case: wf.CaseView) -> None:
        self._set_case(case)
        self._info(f"Vérification n° {case.id} : {case.status_label.lower()}.")
        self._refresh_latest()

    # ---- display --------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        self._show_customer()
        self._show_case()
        self._show_documents()
        self._show_results()
        editable = self.case is not None and self.case.is_open
        for widget in (
            self.add_button,
            self.upload_kind,
            self.check_mrz_button,
            self.check_proof_button,
            self.check_bank_button,
            self.verified_button,
            self.reject_button,
            self.more_button,
            self.reject_reason,
            self.comment,
        ):
            widget.setEnabled(editable)
        self.new_case_button.setEnabled(self.customer is not None)
        self.purpose.setEnabled(self.customer is not None)

    def _show_customer(self) -> None:
        customer = self.customer
        if customer is None:
            self.customer_label.setText("Aucun client choisi : saisissez son numéro client ou de contrat.")
            return
        birth = f" (née {customer.birth_name})" if customer.birth_name else ""
        bank = f"IBAN {customer.iban_masked}" if customer.iban_masked else "aucun IBAN au dossier"
        latest = "jamais vérifié"
        if self.latest is not None:
            if self.latest.decided_at is None:
                opened = french_date(to_paris(self.latest.opened_at).date())
                latest = f"{self.latest.status_label} (ouverte le {opened})"
            else:
                latest = (
                    f"{self.latest.status_label} le {french_date(to_paris(self.latest.decided_at).date())}"
                )
            if self.latest.covered:
                latest += f" ({self.latest.covered_text})"
        self.customer_label.setText(
            f"<b>{customer.display_name}</b>{birth} — {customer.client_number} — né(e) le "
            f"{french_date(customer.birth_date)}<br>{', '.join(customer.address_lines)} — {bank}"
            f"<br>Dernière vérification : {latest}"
        )

    def _show_case(self) -> None:
        case = self.case
        if case is None:
            self.case_label.setText("Aucune vérification en cours.")
            return
        text = f"<b>Vérification n° {case.id}</b> — {case.purpose_label} — <b>{case.status_label}</b>"
        if case.decided_at is not None and case.decided_by:
            text += f" par {case.decided_by} le {french_date(to_paris(case.decided_at).date())}"
        if case.decision_reason:
            text += f" — {case.decision_reason}"
        self.case_label.setText(text)

    def _show_documents(self) -> None:
        wanted = {d.id for d in self.case.documents} if self.case else set()
        shown = {self.documents.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.documents.count())}
        if wanted == shown:
            return
        self.documents.blockSignals(True)
        self.documents.clear()
        for document in self.case.documents if self.case else ():
            self.documents.addItem(self._document_item(document))
        self.documents.blockSignals(False)
        if self.shown_document_id not in wanted:
            self.shown_document_id = None
            self.viewer.clear()

    def _document_item(self, document: DocumentInfo) -> QListWidgetItem:
        pages = f", {document.page_count} p." if document.page_count else ""
        item = QListWidgetItem(
            f"{document.kind_label} — {document.filename} ({document.size_text}{pages}) — "
            f"{document.uploaded_by}, {to_paris(document.uploaded_at):%d/%m/%Y %H:%M}"
        )
        item.setData(Qt.ItemDataRole.UserRole, document.id)
        return item

    def _result_selected(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is None or not item.text(2):
            self.result_detail.setText("")
            return
        self.result_detail.setText(f"<b>{item.text(0)}</b> : {item.text(2)}")

    def _show_results(self) -> None:
        self.results.clear()
        self.result_detail.setText("")
        if self.case is None:
            return
        first_failed: QTreeWidgetItem | None = None
        for group in wf.GROUPS:
            checks = self.case.checks_of(group)
            if not checks:
                continue
            failed = any(c.outcome is CheckOutcome.FAILED for c in checks)
            parent = QTreeWidgetItem([GROUP_TITLES[group], "Échoué" if failed else "Réussi", ""])
            parent.setIcon(0, self.icons[CheckOutcome.FAILED if failed else CheckOutcome.PASSED])
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.results.addTopLevelItem(parent)
            for check in checks:
                item = QTreeWidgetItem([check.label, OUTCOME_TEXT[check.outcome], check.reason or ""])
                icon: QIcon = self.icons[check.outcome]
                if check.name == wf.BANK_CHANGE_CHECK and self.case.bank_details_change:
                    icon = self.change_icon
                    item.setText(1, "À noter")
                item.setIcon(1, icon)
                item.setData(0, Qt.ItemDataRole.UserRole, check.name)
                item.setToolTip(2, check.reason or "")
                parent.addChild(item)
                if first_failed is None and check.outcome is CheckOutcome.FAILED:
                    first_failed = item
            parent.setExpanded(True)
        if first_failed is not None:
            self.results.setCurrentItem(first_failed)

    def result_rows(self) -> list[tuple[str, str, str]]:
        """(name, outcome text, reason) of every displayed check, in order; what the agent reads."""
        rows = []
        for index in range(self.results.topLevelItemCount()):
            parent = self.results.topLevelItem(index)
            for child_index in range(parent.childCount()):
                child = parent.child(child_index)
                rows.append((child.data(0, Qt.ItemDataRole.UserRole), child.text(1), child.text(2)))
        return rows


def create(ctx: AppContext) -> QWidget:
    return VerificationPage(ctx)


def open_verification_for(ctx: AppContext, customer_id: int) -> None:
    """Entry point for the customer file: show this area with the customer loaded."""
    show_area = ctx.services.get("show_area")
    page = show_area("verification") if show_area is not None else None
    if isinstance(page, VerificationPage):
        page.load_customer(customer_id)
