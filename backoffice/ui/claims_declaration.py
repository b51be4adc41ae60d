"""The phone declaration form: what the customer tells the agent, checked by ``claims.declare_claim``."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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
from backoffice.workflows.claims import ClaimRef, Declaration


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


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
        self.setMinimumWidth(560)
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
        self.circumstances.setFixedHeight(80)
        self.third_party = QCheckBox("Un tiers est impliqué")
        self.third_party_details = QLineEdit()
        self.third_party_details.setPlaceholderText("Nom, immatriculation, assureur du tiers")
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
        form.addRow("Date du sinistre", self.occurred)
        form.addRow("Connu de l'assuré le", self.known)
        form.addRow("Lieu", self.place)
        form.addRow("Code postal du lieu", self.postcode)
        form.addRow("Circonstances", self.circumstances)
        form.addRow("", self.third_party)
        form.addRow("Tiers", self.third_party_details)
        form.addRow("", self.police_report)
        form.addRow("Vol : toutes les clés remises", self.keys)
        form.addRow("", self.safety)
        form.addRow("Véhicule en état de rouler", self.drivable)
        form.addRow("Montant estimé (€)", self.amount)
        form.addRow("Catastrophe naturelle", self.catnat)
        form.addRow("", self.catnat_date)
        layout.addLayout(form)
        photos = QLabel(
            "Photos et pièces : à déposer par l'assuré sur son espace ; le tri en tiendra compte au prochain passage."
        )
        photos.setWordWrap(True)
        layout.addWidget(photos)
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
        }

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
        actor = self.ctx.actor
        self.buttons.setEnabled(False)
        self.ctx.ops.write(lambda s: claims.declare_claim(s, actor, data), self._done, on_error=self._failed)

    def _done(self, ref: ClaimRef) -> None:
        self.buttons.setEnabled(True)
        self.ctx.notify(f"Sinistre {ref.number} enregistré ; il attend son tri dans la file.")
        self.declared.emit(ref)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(error_text(exc))
        field = getattr(exc, "field", None)
        widget = self._fields.get(field or "")
        if widget is not None:
            widget.setFocus()
