"""One claim for the handler: the triage rule by rule (with override), expert assignment, report, indemnity, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from babel.dates import format_date, format_datetime
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.clock import to_paris
from backoffice.errors import InvalidInput
from backoffice.models import AppraisalMode, AssignmentStatus, ClaimStatus, DeclarationChannel, Priority
from backoffice.models.claims import CLAIM_STATUS_LABELS, CLAIM_TYPE_LABELS
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.ui.warmup import IdleSlices
from backoffice.workflows import assignment, claims
from backoffice.workflows.assignment import AppraisalReport, AssignmentView, Proposal
from backoffice.workflows.claims import ClaimDetail
from backoffice.workflows.permissions import Permission
from backoffice.workflows.triage import APPRAISAL_LABELS, PART_LABELS, PRIORITY_LABELS

CHANNEL_LABELS = {
    DeclarationChannel.PORTAL: "Espace assuré",
    DeclarationChannel.MOBILE_APP: "Application mobile",
    DeclarationChannel.PHONE: "Téléphone",
    DeclarationChannel.MAIL: "Courrier",
}


def parse_amount(text: str, field: str, *, required: bool = True) -> Decimal | None:
    """French input: "1 234,56", "1234.56", "1234" (spaces and the euro sign are ignored)."""
    cleaned = (
        text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    )
    if not cleaned:
        if required:
            raise InvalidInput(f"{field} : montant obligatoire.")
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{field} : « {text} » n'est pas un montant.") from None
    if not value.is_finite():
        raise InvalidInput(f"{field} : « {text} » n'est pas un montant.")
    return value


def long_date(day: Any) -> str:
    return format_date(day, "d MMMM y", locale="fr_FR")


def long_datetime(moment: Any) -> str:
    return format_datetime(to_paris(moment), "d MMMM y 'à' HH:mm", locale="fr_FR")


@dataclass(frozen=True)
class Loaded:
    detail: ClaimDetail
    assignments: tuple[AssignmentView, ...]
    proposal: Proposal | None
    proposal_error: str | None


def load(session: Session, ctx: AppContext, claim_id: int) -> Loaded:
    actor = ctx.actor
    detail = claims.claim_detail(session, actor, claim_id)
    mandates = assignment.assignments_of_claim(session, actor, claim_id)
    proposal, problem = None, None
    if detail.status in (ClaimStatus.TRIAGED, ClaimStatus.INDEMNITY_PROPOSED) and ctx.can(
        Permission.CLAIM_ASSIGN
    ):
        try:
            proposal = assignment.propose_experts(
                session, actor, claim_id, counter_appraisal=detail.status is ClaimStatus.INDEMNITY_PROPOSED
            )
        except InvalidInput as exc:
            problem = exc.message
    return Loaded(detail, mandates, proposal, problem)


def _scrolling(page: QWidget) -> QScrollArea:
    """A tab page that scrolls when the screen is short (1366×768 laptops) instead of squeezing the queue."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class ClaimDetailView(QWidget):
    """Shows the claim loaded last; every action reloads it and tells the area (``changed``) to refresh the queue."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded: Loaded | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel(
            "Aucun sinistre sélectionné. Prenez le suivant (Ctrl+N) ou choisissez-en un dans la file."
        )
        self.title.setObjectName("claimTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.message = QLabel()
        self.message.setObjectName("claimMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)  # takes no room until there is something to say
        layout.addWidget(self.message)
        # The claim's tabs and actions: nothing to show before a claim is chosen, so they are built in idle
        # slices once the view is on screen (opening the area stays quick) and shown with the first claim.
        self.tabs = QTabWidget()
        self.body = QWidget()
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.tabs, 1)
        self.body.setVisible(False)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)  # keeps the sentence at the top while no claim is shown
        # Each tab in two slices (its widgets, then its place in the window, where the style sheet polishes them):
        # a slice is what the window cannot answer in, 30–40 ms for the triage tab in one.
        self._built: list[QWidget] = []
        self.building = IdleSlices(
            [
                partial(self._build_page, self._triage_tab),
                partial(self._add_tab, "&Tri"),
                self._add_findings,
                partial(self._build_page, self._appraisal_tab),
                partial(self._add_tab, "&Expertise"),
                partial(self._build_page, self._indemnity_tab),
                partial(self._add_tab, "&Indemnité"),
                partial(self._build_page, self._history_tab),
                partial(self._add_tab, "&Historique"),
                self._add_actions_bar,
            ],
            self,
        )
        self.setEnabled(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.building.start()

    def _build_page(self, build: Callable[[], QWidget]) -> None:
        self._built.append(_scrolling(build()))

    def _add_tab(self, title: str) -> None:
        page = self._built.pop()
        self.tabs.addTab(page, title)
        page.ensurePolished()  # now, in its idle slice, rather than when the tab is first shown

    def _add_actions_bar(self) -> None:
        bar = self._actions_bar()
        self.body.layout().addWidget(bar)
        bar.ensurePolished()

    # ---- construction ------------------------------------------------------------------------------------------
    def _triage_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("Valider le tri (modifier un résultat demande un motif)")
        form = QFormLayout(box)
        self.priority = QComboBox()
        for p in Priority:
            self.priority.addItem(PRIORITY_LABELS[p], p)
        self.mode = QComboBox()
        for m in AppraisalMode:
            self.mode.addItem(APPRAISAL_LABELS[m], m)
        self.fraud = QCheckBox("Transmettre au service fraude")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText(
            "Motif de la modification (obligatoire si vous changez un résultat)"
        )
        self.confirm_button = QPushButton("&Valider le tri")
        self.confirm_button.setObjectName("confirmTriage")
        self.confirm_button.clicked.connect(self._confirm)
        self.release_button = QPushButton("Rendre à la file")
        self.release_button.clicked.connect(self._release)
        choices = QHBoxLayout()  # one line each, so the tab fits a laptop screen
        choices.addWidget(self.priority, 1)
        choices.addWidget(QLabel("Expertise"))
        choices.addWidget(self.mode, 1)
        choices.addWidget(self.fraud)
        form.addRow("Priorité", choices)
        reason = QHBoxLayout()
        reason.addWidget(self.override_reason, 1)
        reason.addWidget(self.confirm_button)
        reason.addWidget(self.release_button)
        form.addRow("Motif", reason)
        # The decision first, the reasons below it: on a laptop screen "Valider le tri" stays in sight.
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(box)
        self.triage_layout = layout
        return page

    def _add_findings(self) -> None:
        """The rules' findings under the decision (built in a slice of its own)."""
        self.findings = QTableWidget(0, 3)
        self.findings.setObjectName("triageFindings")
        self.findings.setHorizontalHeaderLabels(["Partie", "Règle", "Résultat"])
        self.findings.verticalHeader().setVisible(False)
        self.findings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.findings.setWordWrap(True)
        header = self.findings.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.findings.setMinimumHeight(110)  # three findings at least; the tab scrolls on a shorter screen
        self.triage_layout.addWidget(self.findings, 1)
        self.findings.ensurePolished()

    def _appraisal_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.proposal_label = QLabel()
        self.proposal_label.setWordWrap(True)
        layout.addWidget(self.proposal_label)
        self.candidates = QListWidget()
        self.candidates.setObjectName("expertCandidates")
        self.candidates.setMaximumHeight(120)
        layout.addWidget(self.candidates)
        row = QHBoxLayout()
        self.choice_reason = QLineEdit()
        self.choice_reason.setPlaceholderText(
            "Motif (obligatoire si vous ne prenez pas l'expert proposé, ou pour une contre-expertise)"
        )
        self.assign_button = QPushButton("&Missionner l'expert")
        self.assign_button.setObjectName("assignExpert")
        self.assign_button.clicked.connect(self._assign)
        row.addWidget(self.choice_reason, 1)
        row.addWidget(self.assign_button)
        layout.addLayout(row)
        self.mandates = QListWidget()
        self.mandates.setMaximumHeight(90)
        layout.addWidget(QLabel("Missions"))
        layout.addWidget(self.mandates)
        self.report_box = QGroupBox("Rapport d'expertise")
        form = QFormLayout(self.report_box)
        self.damage = QLineEdit()
        self.damage.setObjectName("reportDamage")
        self.damage.setPlaceholderText("ex. 3 200,00")
        self.safety = QCheckBox("Pièces de sécurité endommagées")
        self.total_loss = QCheckBox("Véhicule irréparable (perte totale)")
        self.depreciation = QLineEdit("0")
        self.depreciation.setObjectName("reportDepreciation")
        self.vehicle_value = QLineEdit()
        self.vehicle_value.setPlaceholderText("valeur avant sinistre, à dire d'expert")
        self.report_notes = QLineEdit()
        self.report_button = QPushButton("Enregistrer le &rapport")
        self.report_button.setObjectName("saveReport")
        self.report_button.clicked.connect(self._report)
        form.addRow("Dommages (€)", self.damage)
        form.addRow("", self.safety)
        form.addRow("", self.total_loss)
        form.addRow("Vétusté (%)", self.depreciation)
        form.addRow("Valeur du véhicule (€)", self.vehicle_value)
        form.addRow("Observations", self.report_notes)
        form.addRow("", self.report_button)
        layout.addWidget(self.report_box)
        layout.addStretch(1)
        return page

    def _indemnity_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.basis = QLabel("Pas encore d'indemnité : elle est calculée à la saisie du rapport d'expertise.")
        self.basis.setWordWrap(True)
        layout.addWidget(self.basis)
        self.lines = QTableWidget(0, 2)
        self.lines.setObjectName("indemnityLines")
        self.lines.setHorizontalHeaderLabels(["Calcul", "Montant"])
        self.lines.verticalHeader().setVisible(False)
        self.lines.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.lines, 1)
        return page

    def _history_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history = QListWidget()
        self.history.setObjectName("claimHistory")
        layout.addWidget(self.history)
        return page

    def _actions_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.action_reason = QLineEdit()
        self.action_reason.setObjectName("actionReason")
        self.action_reason.setPlaceholderText(
            "Motif (refus, classement, réouverture, contre-expertise) ou commentaire"
        )
        self.settle_button = QPushButton("Ré&gler")
        self.refuse_button = QPushButton("Re&fuser")
        self.close_button = QPushButton("&Classer sans suite")
        self.reopen_button = QPushButton("R&ouvrir")
        self.counter_button = QPushButton("Contre-e&xpertise")
        self.settle_button.clicked.connect(lambda: self._status(claims.settle_claim, "comment"))
        self.refuse_button.clicked.connect(lambda: self._status(claims.refuse_claim, "reason"))
        self.close_button.clicked.connect(lambda: self._status(claims.close_claim, "reason"))
        self.reopen_button.clicked.connect(lambda: self._status(claims.reopen_claim, "reason"))
        self.counter_button.clicked.connect(self._counter)
        row.addWidget(self.action_reason, 1)
        for button in (
            self.settle_button,
            self.refuse_button,
            self.close_button,
            self.reopen_button,
            self.counter_button,
        ):
            row.addWidget(button)
        return bar

    # ---- loading -----------------------------------------------------------------------------------------------
    def show_claim(self, claim_id: int) -> None:
        ctx = self.ctx
        ctx.ops.read(lambda s: load(s, ctx, claim_id), self._show, on_error=self._error)

    def reload(self) -> None:
        if self.loaded is not None:
            self.show_claim(self.loaded.detail.id)

    def _error(self, exc: BaseException) -> None:
        self.show_message(error_text(exc), error=True)

    def _info(self, text: str) -> None:
        self.show_message(text)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {'#b71c1c' if error else '#1b5e20'};")
        self.message.setVisible(bool(text))

    def _show(self, loaded: Loaded) -> None:
        self.building.finish()
        self.body.setVisible(True)
        self.loaded = loaded
        d = loaded.detail
        self.setEnabled(True)
        alerts = []
        if d.late_declaration:
            alerts.append("<span style='color:#b71c1c'>déclaration hors délai</span>")
        if d.fraud_referral:
            alerts.append("<span style='color:#b71c1c'>transmis au service fraude</span>")
        self.title.setText(
            f"<b>{d.number}</b> — {CLAIM_TYPE_LABELS[d.claim_type]} — <b>{CLAIM_STATUS_LABELS[d.status]}</b>"
            + (f" — {PRIORITY_LABELS[d.priority]}" if d.priority else "")
            + (" — " + ", ".join(alerts) if alerts else "")
        )
        facts = [
            f"Assuré : {d.customer_name} — contrat {d.contract_number} — {d.vehicle}",
            f"Survenu le {long_date(d.occurred_on)}, connu le {long_date(d.known_on)}, déclaré le "
            f"{long_datetime(d.declared_at)} ({CHANNEL_LABELS[d.channel].lower()})"
            + (f" — lieu : {d.place} ({d.departement})" if d.place or d.departement else ""),
            f"Circonstances : {d.circumstances}",
        ]
        extra = []
        if d.third_party:
            extra.append("tiers impliqué")
        if d.police_report:
            extra.append("plainte / PV")
        if d.safety_parts_declared:
            extra.append("pièces de sécurité déclarées")
        if d.vehicle_drivable is False:
            extra.append("véhicule immobilisé")
        if d.keys_available is False:
            extra.append("clés non remises")
        extra.append(f"{d.photo_count} photo(s)")
        if d.handler_name:
            extra.append(f"gestionnaire : {d.handler_name}")
        facts.append(" · ".join(extra))
        self.summary.setText("\n".join(facts))
        self._show_triage(d)
        self._show_appraisal(loaded)
        self._show_indemnity(d)
        self.history.clear()
        for t in d.transitions:
            origin = CLAIM_STATUS_LABELS[t.from_status] if t.from_status else "—"
            text = f"{long_datetime(t.at)} : {origin} → {CLAIM_STATUS_LABELS[t.to_status]}"
            if t.by:
                text += f" ({t.by})"
            if t.comment:
                text += f" — {t.comment}"
            self.history.addItem(text)
        allowed = d.allowed
        self.settle_button.setEnabled(ClaimStatus.SETTLED in allowed)
        self.refuse_button.setEnabled(ClaimStatus.REFUSED in allowed)
        self.close_button.setEnabled(ClaimStatus.CLOSED in allowed)
        self.reopen_button.setEnabled(d.status in claims.FINAL_STATUSES)
        self.counter_button.setEnabled(d.status is ClaimStatus.INDEMNITY_PROPOSED)

    def _show_triage(self, d: ClaimDetail) -> None:
        findings = (d.triage or {}).get("findings", [])
        self.findings.setRowCount(len(findings))
        for i, f in enumerate(findings):
            for j, text in enumerate((PART_LABELS.get(f["part"], f["part"]), f["title"], f["text"])):
                self.findings.setItem(i, j, QTableWidgetItem(text))
        override = (d.triage or {}).get("override")
        if override:
            row = self.findings.rowCount()
            self.findings.setRowCount(row + 1)
            for j, text in enumerate(
                ("Modification", "Décision du gestionnaire", f"Motif : {override.get('reason', '')}")
            ):
                self.findings.setItem(row, j, QTableWidgetItem(text))
        self.findings.resizeRowsToContents()
        if d.priority is not None:
            self.priority.setCurrentIndex(self.priority.findData(d.priority))
        if d.appraisal_mode is not None:
            self.mode.setCurrentIndex(self.mode.findData(d.appraisal_mode))
        self.fraud.setChecked(d.fraud_referral)
        self.override_reason.clear()
        editable = d.status is ClaimStatus.DECLARED
        for widget in (self.priority, self.mode, self.fraud, self.override_reason, self.confirm_button):
            widget.setEnabled(editable)
        self.release_button.setEnabled(editable and d.handler_id == self.ctx.actor.agent_id)

    def _show_appraisal(self, loaded: Loaded) -> None:
        d, proposal = loaded.detail, loaded.proposal
        self.candidates.clear()
        if proposal is not None:
            self.proposal_label.setText(proposal.explanation)
            for n, c in enumerate((proposal.proposed, *proposal.alternatives)):
                if c is None:
                    continue
                item = QListWidgetItem(("Proposé : " if n == 0 else "") + c.label)
                item.setData(Qt.ItemDataRole.UserRole, c.expert_id)
                self.candidates.addItem(item)
            if self.candidates.count():
                self.candidates.setCurrentRow(0)
        else:
            self.proposal_label.setText(
                loaded.proposal_error or "Le choix d'un expert se fait une fois le tri validé."
            )
        self.assign_button.setEnabled(d.status is ClaimStatus.TRIAGED and self.candidates.count() > 0)
        self.mandates.clear()
        for m in loaded.assignments:
            kind = "Contre-expertise" if m.kind.value == "counter_appraisal" else "Expertise"
            status = {
                AssignmentStatus.MANDATED: f"échéance {long_date(m.due_on)}"
                + (" — EN RETARD" if m.overdue else ""),
                AssignmentStatus.REPORT_RECEIVED: "rapport reçu",
                AssignmentStatus.CANCELLED: "annulée",
            }[m.status]
            self.mandates.addItem(f"{kind} — {m.expert_name} — {APPRAISAL_LABELS[m.mode].lower()} — {status}")
        self.report_box.setEnabled(self._open_mandate() is not None)

    def _show_indemnity(self, d: ClaimDetail) -> None:
        details = d.indemnity_details
        if not details:
            self.basis.setText(
                "Pas encore d'indemnité : elle est calculée à la saisie du rapport d'expertise."
            )
            self.lines.setRowCount(0)
            return
        self.basis.setText(details["basis_reason"])
        self.lines.setRowCount(len(details["lines"]))
        for i, line in enumerate(details["lines"]):
            label, amount = QTableWidgetItem(line["label"]), QTableWidgetItem(line["text"])
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if i == len(details["lines"]) - 1:
                font = label.font()
                font.setBold(True)
                label.setFont(font)
                amount.setFont(font)
            self.lines.setItem(i, 0, label)
            self.lines.setItem(i, 1, amount)

    def _open_mandate(self) -> AssignmentView | None:
        if self.loaded is None or self.loaded.detail.status is not ClaimStatus.IN_APPRAISAL:
            return None
        return next(
            (m for m in reversed(self.loaded.assignments) if m.status is AssignmentStatus.MANDATED), None
        )

    # ---- actions -----------------------------------------------------------------------------------------------
    def _write(self, fn: Any, success: str) -> None:
        def done(_: object) -> None:
            self.action_reason.clear()
            self.choice_reason.clear()
            self._info(success)
            self.changed.emit()
            self.reload()

        self.ctx.ops.write(fn, done, on_error=self._error)

    def _confirm(self) -> None:
        assert self.loaded is not None
        d, actor = self.loaded.detail, self.ctx.actor
        priority, mode, fraud = self.priority.currentData(), self.mode.currentData(), self.fraud.isChecked()
        reason = self.override_reason.text()
        self._write(
            lambda s: claims.confirm_triage(
                s,
                actor,
                d.id,
                expected_version=d.version,
                priority=priority,
                appraisal_mode=mode,
                fraud_referral=fraud,
                reason=reason,
            ),
            f"Tri du sinistre {d.number} validé.",
        )

    def _release(self) -> None:
        assert self.loaded is not None
        d, actor = self.loaded.detail, self.ctx.actor
        self._write(lambda s: claims.release_claim(s, actor, d.id), f"Sinistre {d.number} rendu à la file.")

    def _assign(self) -> None:
        assert self.loaded is not None
        d, actor = self.loaded.detail, self.ctx.actor
        item = self.candidates.currentItem()
        expert_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        reason = self.choice_reason.text()
        self._write(
            lambda s: assignment.assign_expert(
                s, actor, d.id, expert_id=expert_id, reason=reason, expected_version=d.version
            ),
            f"Expert missionné pour le sinistre {d.number}.",
        )

    def _report(self) -> None:
        assert self.loaded is not None
        mandate = self._open_mandate()
        if mandate is None:
            return
        try:
            report = AppraisalReport(
                damage_amount=parse_amount(self.damage.text(), "Dommages") or Decimal(0),
                safety_parts_damaged=self.safety.isChecked(),
                total_loss=self.total_loss.isChecked(),
                depreciation_rate=parse_amount(self.depreciation.text(), "Vétusté", required=False)
                or Decimal(0),
                vehicle_value=parse_amount(self.vehicle_value.text(), "Valeur du véhicule", required=False),
                notes=self.report_notes.text(),
            )
        except InvalidInput as exc:
            self._error(exc)
            return
        d, actor = self.loaded.detail, self.ctx.actor

        def done(result: object) -> None:
            self._info(f"Rapport enregistré ; indemnité proposée pour le sinistre {d.number}.")
            self.changed.emit()
            self.reload()
            self.tabs.setCurrentIndex(2)

        self.ctx.ops.write(
            lambda s: assignment.record_report(s, actor, mandate.id, report, expected_version=d.version),
            done,
            on_error=self._error,
        )

    def _counter(self) -> None:
        assert self.loaded is not None
        d, actor = self.loaded.detail, self.ctx.actor
        item = self.candidates.currentItem()
        expert_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        reason = self.action_reason.text()
        self._write(
            lambda s: assignment.request_counter_appraisal(
                s, actor, d.id, expert_id=expert_id, reason=reason, expected_version=d.version
            ),
            f"Contre-expertise demandée pour le sinistre {d.number}.",
        )

    def _status(self, fn: Any, keyword: str) -> None:
        assert self.loaded is not None
        d, actor, text = self.loaded.detail, self.ctx.actor, self.action_reason.text()
        self._write(
            lambda s: fn(s, actor, d.id, expected_version=d.version, **{keyword: text}),
            f"Sinistre {d.number} mis à jour.",
        )
