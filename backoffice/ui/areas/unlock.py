"""Area « Déblocage espace assuré »: find the customer, read the state and the rule, ask the questions, unlock.

Supervisors get a second tab with the four-eyes queue. Every database call goes through ``ctx.ops``; the rules
are enforced by the workflows, the screen only explains them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backoffice.clock import PARIS
from backoffice.models import AccountStatus, LockReason
from backoffice.models.accounts import LOCK_REASON_LABELS
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.ui.persist import remember_header
from backoffice.workflows import approvals, unlock
from backoffice.workflows.permissions import Permission
from backoffice.workflows.unlock import AccountState, IdentificationAnswers

Index = QModelIndex | QPersistentModelIndex


def fr_date(value: date) -> str:
    return format_date(value, "d MMMM y", locale="fr_FR")


def fr_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(PARIS), "d MMMM y 'à' HH:mm", tzinfo=PARIS, locale="fr_FR")


def parse_fr_date(text: str) -> date | None:
    """ "17/05/1980", "17.05.1980" or "17 05 1980" as an agent types a birth date heard on the phone."""
    digits = [part for part in text.replace("/", " ").replace(".", " ").replace("-", " ").split() if part]
    if len(digits) != 3:
        return None
    try:
        day, month, year = (int(p) for p in digits)
        return date(year, month, day)
    except ValueError:
        return None


class RowsModel(QAbstractTableModel):
    """A short, bounded list (lock history, approval queue): display text, raw values for sorting."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any], Callable[[Any], str]]]) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        _title, raw, shown = self.columns[index.column()]
        value = raw(self.rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return shown(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        raw = self.columns[column][1]
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(
            key=lambda r: (raw(r) is None, raw(r) or 0), reverse=order == Qt.SortOrder.DescendingOrder
        )
        self.layoutChanged.emit()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(True)
    return view


def history_model() -> RowsModel:
    return RowsModel(
        [
            ("Bloqué le", lambda h: h.occurred_at, fr_datetime),
            ("Motif", lambda h: h.reason_label, _text),
            ("Tentatives", lambda h: h.failed_attempts, _text),
            ("Par", lambda h: h.locked_by or "Portail", _text),
            ("Note", lambda h: h.detail, _text),
            ("Débloqué le", lambda h: h.unlocked_at, fr_datetime),
            ("Débloqué par", lambda h: h.unlocked_by, _text),
        ]
    )


def queue_model() -> RowsModel:
    return RowsModel(
        [
            ("N°", lambda a: a.id, _text),
            ("Demande", lambda a: a.kind_label, _text),
            ("Client", lambda a: f"{a.customer_name} ({a.client_number})", _text),
            ("Demandée par", lambda a: a.requested_by + (" (vous)" if a.own else ""), _text),
            ("Le", lambda a: a.requested_at, fr_datetime),
            ("Détail", lambda a: a.detail, _text),
            ("Motif", lambda a: a.reason, _text),
        ]
    )


class UnlockTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.state: AccountState | None = None

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Numéro client (TI000…) ou de contrat (AUT000…, MOT000…)")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find)
        find_button = QPushButton("&Rechercher")
        find_button.clicked.connect(self.find)
        top = QHBoxLayout()
        top.addWidget(QLabel("Client :"))
        top.addWidget(self.search, 1)
        top.addWidget(find_button)

        self.summary = QLabel("Recherchez le client qui appelle.")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule = QLabel()
        self.rule.setObjectName("rule")
        self.rule.setWordWrap(True)
        rule_box = QGroupBox("Règle applicable")
        QVBoxLayout(rule_box).addWidget(self.rule)

        self.birth_date = QLineEdit()
        self.birth_date.setObjectName("birthDate")
        self.birth_date.setPlaceholderText("JJ/MM/AAAA")
        self.postcode = QLineEdit()
        self.postcode.setObjectName("postcode")
        self.postcode.setMaxLength(10)
        self.contract_number = QLineEdit()
        self.contract_number.setObjectName("contractNumber")
        self.contract_number.setPlaceholderText("AUT000… ou MOT000…")
        self.questions = QGroupBox(
            "Questions d'identification — saisissez ce que dit l'appelant, sans lui souffler"
        )
        form = QFormLayout(self.questions)
        form.addRow("1. Date de &naissance :", self.birth_date)
        form.addRow("2. Code &postal :", self.postcode)
        form.addRow("3. Numéro de &contrat :", self.contract_number)

        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        self.channel.setAccessibleName("Canal d'envoi du code")
        self.unlock_button = QPushButton("&Débloquer et envoyer le code")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setEnabled(False)
        self.unlock_button.clicked.connect(self.unlock)
        send = QHBoxLayout()
        send.addWidget(QLabel("Envoyer le code par (coordonnées du dossier) :"))
        send.addWidget(self.channel, 1)
        send.addWidget(self.unlock_button)

        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)

        self.history = history_model()
        self.history_view = _table(self.history)
        self.history_view.setObjectName("history")
        self.history_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        remember_header(ctx, self.history_view.horizontalHeader(), "unlock/history", fit_to_contents=True)

        self.lock_reason = QComboBox()
        for reason in unlock.STAFF_LOCK_REASONS:
            self.lock_reason.addItem(LOCK_REASON_LABELS[reason], reason)
        self.lock_note = QLineEdit()
        self.lock_note.setObjectName("lockNote")
        self.lock_note.setPlaceholderText("Pourquoi bloquer cet espace ? (obligatoire)")
        self.lock_button = QPushButton("&Bloquer l'espace")
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setEnabled(False)
        self.lock_button.clicked.connect(self.lock)
        lock_box = QGroupBox("Bloquer l'espace assuré (suspicion, demande du client)")
        lock_row = QHBoxLayout(lock_box)
        lock_row.addWidget(self.lock_reason)
        lock_row.addWidget(self.lock_note, 1)
        lock_row.addWidget(self.lock_button)
        lock_box.setVisible(ctx.can(Permission.ACCOUNT_LOCK))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(rule_box)
        layout.addWidget(self.questions)
        layout.addLayout(send)
        layout.addWidget(self.result)
        layout.addWidget(QLabel("Historique des blocages :"))
        layout.addWidget(self.history_view, 1)
        layout.addWidget(lock_box)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Esc"), self, activated=self.clear)
        self.clear()

    def clear(self) -> None:
        self.state = None
        self.summary.setText("Recherchez le client qui appelle.")
        self.rule.setText("")
        self.result.setText("")
        self.channel.clear()
        self.history.set_rows([])
        for field in (self.birth_date, self.postcode, self.contract_number, self.lock_note):
            field.clear()
        self.unlock_button.setEnabled(False)
        self.lock_button.setEnabled(False)
        self.questions.setVisible(False)
        self.search.setFocus()

    def find(self) -> None:
        text = self.search.text()
        if not text.strip():
            return
        self.result.setText("")
        self.ctx.ops.read(
            lambda s: unlock.find_account(s, self.ctx.actor, text),
            self.show_state,
            on_error=self.show_failure,
        )

    def load_customer(self, customer_id: int) -> None:
        self.ctx.ops.read(
            lambda s: unlock.account_state(s, self.ctx.actor, customer_id),
            self.show_state,
            on_error=self.show_failure,
        )

    def reload(self) -> None:
        if self.state is not None:
            self.load_customer(self.state.customer_id)

    def show_failure(self, exc: BaseException) -> None:
        self.result.setText(f"<span style='color:#b00020'>{error_text(exc)}</span>")

    def show_state(self, state: AccountState) -> None:
        self.state = state
        since = f" depuis le {fr_datetime(state.locked_since)}" if state.locked_since else ""
        reason = f" — {state.lock_reason_label}" if state.lock_reason_label else ""
        lines = [
            f"<b>{state.customer_name}</b> — client {state.client_number}",
            f"Espace assuré : <b>{state.status_label}</b>{reason}{since}",
            f"Tentatives de connexion échouées : {state.failed_attempts}",
        ]
        if state.status is AccountStatus.ACTIVE and state.password_reset_required:
            lines.append("Code envoyé : le client doit encore choisir son nouveau mot de passe.")
        if state.pending_request:
            lines.append(
                f"Demande n° {state.pending_request.id} en attente de validation "
                f"(par {state.pending_request.requested_by}, le {fr_datetime(state.pending_request.requested_at)})."
            )
        self.summary.setText("<br>".join(lines))
        rule_lines = [f"<b>{state.rule.title}</b> : {state.rule_text}" if state.rule else state.rule_text]
        if state.verified_case_id and state.verified_case_decided_at:
            rule_lines.append(
                f"Vérification d'identité n° {state.verified_case_id} décidée le "
                f"{fr_datetime(state.verified_case_decided_at)} : valable."
            )
        rule_lines += [f"<span style='color:#b00020'>{b}</span>" for b in state.blockers]
        self.rule.setText("<br>".join(rule_lines))
        self.questions.setVisible(
            bool(state.rule and state.rule.identification_questions and not state.blockers)
        )
        chosen = self.channel.currentData()
        self.channel.clear()
        for contact in state.contacts:
            self.channel.addItem(f"{contact.label} — {contact.masked}", contact.channel)
        if chosen is not None and (kept := self.channel.findData(chosen)) >= 0:
            self.channel.setCurrentIndex(kept)
        if not state.contacts:
            self.channel.addItem("Aucune coordonnée au dossier : envoi impossible", None)
        four_eyes = bool(state.rule and state.rule.four_eyes)
        self.unlock_button.setText(
            "&Demander la validation d'un superviseur" if four_eyes else "&Débloquer et envoyer le code"
        )
        self.unlock_button.setEnabled(
            state.can_unlock and bool(state.contacts) and self.ctx.can(Permission.ACCOUNT_UNLOCK)
        )
        self.lock_button.setEnabled(state.status is not AccountStatus.DISABLED)
        self.history.set_rows(state.history)
        if self.questions.isVisible():
            self.birth_date.setFocus()

    def answers(self) -> IdentificationAnswers:
        return IdentificationAnswers(
            parse_fr_date(self.birth_date.text()) if self.birth_date.text().strip() else None,
            self.postcode.text() or None,
            self.contract_number.text() or None,
        )

    def unlock(self) -> None:
        state = self.state
        channel = self.channel.currentData()
        if state is None or channel is None:
            return
        if self.birth_date.text().strip() and parse_fr_date(self.birth_date.text()) is None:
            self.result.setText(
                "<span style='color:#b00020'>Date de naissance : saisissez JJ/MM/AAAA.</span>"
            )
            return
        answers = self.answers()
        self.unlock_button.setEnabled(False)

        def done(outcome: unlock.UnlockOutcome) -> None:
            self.result.setText(f"<b>{outcome.message}</b>")
            self.ctx.notify(outcome.message)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.show_failure(exc)
            self.reload()

        self.ctx.ops.write(
            lambda s: unlock.unlock_account(
                s,
                self.ctx.actor,
                state.account_id,
                expected_version=state.version,
                channel=channel,
                answers=answers,
            ),
            done,
            on_error=failed,
        )

    def lock(self) -> None:
        state = self.state
        if state is None:
            return
        reason: LockReason = self.lock_reason.currentData()
        note = self.lock_note.text()

        def done(outcome: unlock.LockOutcome) -> None:
            self.lock_note.clear()
            self.result.setText(f"<b>{outcome.message}</b>")
            self.reload()

        self.ctx.ops.write(
            lambda s: unlock.lock_account(
                s, self.ctx.actor, state.account_id, reason=reason, note=note, expected_version=state.version
            ),
            done,
            on_error=self.show_failure,
        )


class ApprovalsTab(QWidget):
    """The supervisors' four-eyes queue: approve or reject someone else's request."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self._last_decision = ""
        self.ctx = ctx
        self.model = queue_model()
        self.view = _table(self.model)
        self.view.setObjectName("queue")
        remember_header(ctx, self.view.horizontalHeader(), "unlock/queue", fit_to_contents=True)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.comment = QLineEdit()
        self.comment.setObjectName("rejectComment")
        self.comment.setPlaceholderText("Motif du refus (obligatoire pour refuser)")
        self.approve_button = QPushButton("&Valider")
        self.approve_button.setObjectName("approveButton")
        self.reject_button = QPushButton("Re&fuser")
        self.reject_button.setObjectName("rejectButton")
        refresh = QPushButton("&Actualiser")
        refresh.setShortcut(QKeySequence("F5"))
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        refresh.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setObjectName("queueStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.comment, 1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Demandes en attente d'une seconde validation. Vous ne pouvez pas valider vos propres demandes."
            )
        )
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._selection_changed()

    def selected(self) -> approvals.ApprovalItem | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _selection_changed(self, *_args: object) -> None:
        item = self.selected()
        can = item is not None and not item.own
        self.approve_button.setEnabled(can)
        self.reject_button.setEnabled(can)
        tip = "C'est votre demande : un autre superviseur doit la valider." if item and item.own else ""
        self.approve_button.setToolTip(tip)

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: approvals.list_pending(s, self.ctx.actor), self._show, on_error=self._failed
        )

    def _show(self, items: list[approvals.ApprovalItem]) -> None:
        self.model.set_rows(items)
        self._selection_changed()
        if not items:
            # The refresh after a decision must not wipe out its confirmation.
            self.status.setText(self._last_decision + "Aucune demande en attente.")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"<span style='color:#b00020'>{error_text(exc)}</span>")
        self.refresh()

    def _decided(self, decision: approvals.Decision) -> None:
        self._last_decision = f"<b>Demande n° {decision.request_id} : {decision.message}</b><br>"
        self.status.setText(self._last_decision)
        self.ctx.notify(decision.message)
        self.comment.clear()
        self.refresh()

    def approve(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.ctx.ops.write(
            lambda s: approvals.approve(s, self.ctx.actor, item.id, expected_version=item.version),
            self._decided,
            on_error=self._failed,
        )

    def reject(self) -> None:
        item = self.selected()
        if item is None:
            return
        comment = self.comment.text()
        self.ctx.ops.write(
            lambda s: approvals.reject(s, self.ctx.actor, item.id, comment, expected_version=item.version),
            self._decided,
            on_error=self._failed,
        )


class UnlockPage(QTabWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.unlock_tab = UnlockTab(ctx)
        self.addTab(self.unlock_tab, "Déblocage")
        self.approvals_tab: ApprovalsTab | None = None
        if ctx.can(Permission.APPROVAL_DECIDE):
            self.approvals_tab = ApprovalsTab(ctx)
            self.addTab(self.approvals_tab, "Validations superviseur")
            self.approvals_tab.refresh()
        if not ctx.can(Permission.ACCOUNT_UNLOCK) and self.approvals_tab is not None:
            self.setCurrentWidget(self.approvals_tab)

    def open_customer(self, customer_id: int) -> None:
        self.setCurrentWidget(self.unlock_tab)
        self.unlock_tab.load_customer(customer_id)


def create(ctx: AppContext) -> QWidget:
    return UnlockPage(ctx)


def open_unlock_for(ctx: AppContext, customer_id: int) -> None:
    """For the customer file: switch to this area with the customer loaded."""
    show_area = ctx.services.get("show_area")
    page = show_area("unlock") if show_area else None
    if isinstance(page, UnlockPage):
        page.open_customer(customer_id)
