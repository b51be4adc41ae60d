"""The phone declaration form: what the customer tells the agent, checked by ``claims.declare_claim``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.clock import paris_today
from backoffice.errors import InvalidInput
from backoffice.models import ClaimType, DeclarationChannel
from backoffice.models.claims import CLAIM_TYPE_LABELS
from backoffice.ui.claims_detail import parse_amount
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.workflows import claims
from backoffice.workflows.claims import ClaimRef, Declaration, Photo
from backoffice.workflows.documents import size_text


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def read_photos(paths: tuple[Path, ...]) -> tuple[Photo, ...]:
    photos = []
    for path in paths:
        try:
            photos.append(Photo(path.name, path.read_bytes()))
        except OSError as exc:
            raise InvalidInput(
                f"La photo « {path.name} » n'a pas pu être lue ({exc.strerror or exc}) : ajoutez-la de nouveau.",
                "photos",
            ) from exc
    return tuple(photos)


def _pair(first: QWidget, label: str, second: QWidget) -> QHBoxLayout:
    """Two fields on one line; after a check box (no label between), the second field takes the room."""
    row = QHBoxLayout()
    row.addWidget(first, 1 if label else 0)
    if label:
        row.addWidget(QLabel(label))
    row.addWidget(second, 1)
    return row


class TriState(QComboBox):
    """Yes / no / not said: "not said" matters (keys for a theft must be answered)."""

    def __init__(self) -> None:
        super().__init__()
        self.addItem("— non précisé —", None)
        self.addItem("Oui", True)
        self.addItem("Non", False)

    def value(self) -> bool | None:
        return self.currentData()  # type: ignore[no-any-return]


class DeclarationDialog(QDialog):
    declared = Signal(object)  # ClaimRef

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, contract_number: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Déclaration de sinistre par téléphone")
        self.setMinimumWidth(640)
        today = paris_today(ctx.clock)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.contract = QLineEdit(contract_number)
        self.contract.setObjectName("declContract")
        self.contract.setPlaceholderText("AUT000… ou MOT000…")
        self.claim_type = QComboBox()
        self.claim_type.setObjectName("declType")
        for t in ClaimType:
            self.claim_type.addItem(CLAIM_TYPE_LABELS[t], t)
        self.occurred = _date_edit(today)
        self.known = _date_edit(today)
        self.place = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode.setObjectName("declPostcode")
        self.postcode.setMaxLength(5)
        self.postcode.setInputMask("99999;_")
        self.circumstances = QPlainTextEdit()
        self.circumstances.setObjectName("declCircumstances")
        self.circumstances.setTabChangesFocus(True)
        self.circumstances.setFixedHeight(64)
        self.third_party = QCheckBox("Un tiers est impliqué")
        self.third_party_details = QLineEdit()
        self.third_party_details.setPlaceholderText("Nom, immatriculation, assureur")
        self.police_report = QCheckBox("Plainte déposée / procès-verbal")
        self.keys = TriState()
        self.safety = QCheckBox("Freins, direction, suspension, pneus ou éclairage touchés")
        self.drivable = TriState()
        self.amount = QLineEdit()
        self.amount.setObjectName("declAmount")
        self.amount.setPlaceholderText("estimation de l'assuré, ex. 1 200")
        self.catnat = QCheckBox("Arrêté publié le")
        self.catnat_date = _date_edit(today)
        self.catnat_date.setEnabled(False)
        self.catnat.toggled.connect(self.catnat_date.setEnabled)
        form.addRow("N° de contrat", self.contract)
        form.addRow("Type de sinistre", self.claim_type)
        # Pairs on one line: the form, photos included, fits a 1366×768 laptop screen.
        form.addRow("Date du sinistre", _pair(self.occurred, "connu de l'assuré le", self.known))
        form.addRow("Lieu", _pair(self.place, "code postal", self.postcode))
        form.addRow("Circonstances", self.circumstances)
        form.addRow("", _pair(self.third_party, "", self.third_party_details))
        form.addRow("", self.police_report)
        form.addRow("Vol : toutes les clés remises", self.keys)
        form.addRow("", self.safety)
        form.addRow("Véhicule en état de rouler", self.drivable)
        form.addRow("Montant estimé (€)", self.amount)
        form.addRow("Catastrophe naturelle", _pair(self.catnat, "", self.catnat_date))
        layout.addLayout(form)
        self.photos = QListWidget()
        self.photos.setObjectName("declPhotos")
        self.photos.setFixedHeight(52)
        self.photos.setToolTip("Glissez-déposez ici les photos envoyées par l'assuré")
        self.add_photos = QPushButton("Ajouter des &photos…")
        self.add_photos.setObjectName("declAddPhotos")
        self.add_photos.clicked.connect(self.choose_photos)
        self.remove_photo = QPushButton("Retirer")
        self.remove_photo.setObjectName("declRemovePhoto")
        self.remove_photo.clicked.connect(self.remove_selected_photo)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(self.add_photos)
        photo_buttons.addWidget(self.remove_photo)
        hint = QLabel("ou glissez-les ici")
        hint.setToolTip("Photos JPEG ou PNG, ou PDF")
        hint.setStyleSheet("color: palette(mid);")
        photo_buttons.addWidget(hint, 1)
        photo_box = QVBoxLayout()
        photo_box.addWidget(self.photos)
        photo_box.addLayout(photo_buttons)
        form.addRow("Photos", photo_box)
        self.setAcceptDrops(True)
        self._photo_paths: list[Path] = []
        self.error = QLabel()
        self.error.setObjectName("declError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Enregistrer la déclaration")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._fields = {
            "contract_number": self.contract,
            "occurred_on": self.occurred,
            "known_on": self.known,
            "circumstances": self.circumstances,
            "third_party_details": self.third_party_details,
            "keys_available": self.keys,
            "estimated_amount": self.amount,
            "place_postcode": self.postcode,
            "catnat": self.catnat_date,
            "photos": self.photos,
        }

    # ---- photos: chosen in a file dialog or dropped on the form, read and uploaded on "Enregistrer" ----

    def choose_photos(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Photos du sinistre", "", "Photos et PDF (*.jpg *.jpeg *.png *.pdf);;Tous les fichiers (*)"
        )
        self.add_photo_files([Path(name) for name in names])

    def add_photo_files(self, paths: list[Path]) -> None:
        for path in paths:
            if path in self._photo_paths or not path.is_file():
                continue
            self._photo_paths.append(path)
            item = QListWidgetItem(f"{path.name} — {size_text(path.stat().st_size)}")
            item.setToolTip(str(path))
            self.photos.addItem(item)

    def photo_paths(self) -> tuple[Path, ...]:
        return tuple(self._photo_paths)

    def remove_selected_photo(self) -> None:
        row = self.photos.currentRow()
        if row >= 0:
            self.photos.takeItem(row)
            del self._photo_paths[row]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_photo_files(
            [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        )
        event.acceptProposedAction()

    def declaration(self) -> Declaration:
        postcode = self.postcode.text().strip()
        return Declaration(
            contract_number=self.contract.text(),
            claim_type=self.claim_type.currentData(),
            occurred_on=_day(self.occurred),
            known_on=_day(self.known),
            circumstances=self.circumstances.toPlainText(),
            place=self.place.text(),
            place_postcode=postcode if len(postcode) == 5 else "",
            third_party=self.third_party.isChecked(),
            third_party_details=self.third_party_details.text(),
            police_report=self.police_report.isChecked(),
            keys_available=self.keys.value(),
            safety_parts_declared=self.safety.isChecked(),
            vehicle_drivable=self.drivable.value(),
            estimated_amount=parse_amount(self.amount.text(), "Montant estimé", required=False),
            catnat_decree_published_on=_day(self.catnat_date) if self.catnat.isChecked() else None,
            channel=DeclarationChannel.PHONE,
        )

    def submit(self) -> None:
        try:
            data = self.declaration()
        except InvalidInput as exc:
            self._failed(exc)
            return
        actor, paths = self.ctx.actor, self.photo_paths()
        self.buttons.setEnabled(False)

        def declare(photos: tuple[Photo, ...]) -> None:
            self.ctx.ops.write(
                lambda s: claims.declare_claim(s, actor, data, photos),
                lambda ref: self._done(ref, len(photos)),
                on_error=self._failed,
            )

        # The files are read away from the GUI thread, before the transaction (which stays short).
        self.ctx.ops.run(lambda: read_photos(paths), declare, on_error=self._failed)

    def _done(self, ref: ClaimRef, photo_count: int) -> None:
        self.buttons.setEnabled(True)
        photos = f" avec {photo_count} photo(s)" if photo_count else ""
        self.ctx.notify(f"Sinistre {ref.number} enregistré{photos} ; il attend son tri dans la file.")
        self.declared.emit(ref)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(error_text(exc))
        field = getattr(exc, "field", None)
        widget = self._fields.get(field or "")
        if widget is not None:
            widget.setFocus()
