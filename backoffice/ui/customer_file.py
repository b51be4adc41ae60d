"""The customer file: identity and contact (editable), contracts, portal account, documents, verifications,
claims, letters and one timeline. Other areas add their buttons to the toolbar through ``CUSTOMER_FILE_ACTIONS``.

A save that races another agent's shows that agent's new values next to what this agent typed; reloading keeps
the typed values in the form, so nothing is lost and nothing is overwritten.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from babel.dates import get_month_names
from babel.numbers import format_currency, format_decimal
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backoffice.checks.phone import format_phone_fr
from backoffice.clock import PARIS
from backoffice.errors import ConcurrentEdit
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.ui.persist import fit_columns, remember_header
from backoffice.ui.warmup import IdleSlices
from backoffice.workflows import customers
from backoffice.workflows.customers import CustomerFile, Identity
from backoffice.workflows.permissions import Permission

#: Possible duplicates listed in the file's banner; the others are in its tooltip.
DUPLICATE_LINES = 3


@dataclass(frozen=True)
class CustomerFileAction:
    """A button another area puts on every customer file (e.g. « Vérifier l'identité », « Débloquer »)."""

    label: str
    permission: Permission
    callback: Callable[[AppContext, int], None]


CUSTOMER_FILE_ACTIONS: list[CustomerFileAction] = []


# Babel's French month names, looked up once: a results page formats a hundred dates per keystroke.
_MONTHS = get_month_names("wide", locale="fr_FR")


def fr_date(value: date | None) -> str:
    """ "26 novembre 2026" (babel's names; formatting by hand is 100 times cheaper than format_date)."""
    return f"{value.day} {_MONTHS[value.month]} {value.year}" if value else ""


def fr_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return f"{fr_date(local.date())} à {local:%H:%M}"


def fr_amount(value: Decimal | None) -> str:
    return format_currency(value, "EUR", locale="fr_FR") if value is not None else ""


def fr_phone(value: str | None) -> str:
    return format_phone_fr(value) if value else ""


EDIT_FIELDS: tuple[tuple[str, str], ...] = (
    ("civility", "Civilité"),
    ("last_name", "Nom"),
    ("birth_name", "Nom de naissance"),
    ("first_names", "Prénoms"),
    ("birth_place", "Lieu de naissance"),
    ("email", "E-mail"),
    ("phone_mobile", "Téléphone mobile"),
    ("phone_home", "Téléphone fixe"),
    ("address_line", "Adresse"),
    ("address_complement", "Complément"),
    ("postcode", "Code postal"),
    ("city", "Ville"),
)


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    fit_columns(table.horizontalHeader())


def _build_page(page: QVBoxLayout, build: Callable[[QVBoxLayout], None]) -> None:
    build(page)
    widget = page.parentWidget()
    if widget is not None:
        widget.ensurePolished()  # now, in its idle slice, rather than when the tab is first opened


class IdentityForm(QWidget):
    """The identity/contact form; a concurrent save shows the other agent's values beside the typed ones."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.identity: Identity | None = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("identitySummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        form = QFormLayout()
        for name, label in EDIT_FIELDS:
            widget: QLineEdit | QComboBox
            if name == "civility":
                widget = QComboBox()
                widget.addItems(["M.", "Mme"])
            else:
                widget = QLineEdit()
            widget.setObjectName(f"edit_{name}")
            widget.setEnabled(ctx.can(Permission.CUSTOMER_EDIT))
            form.addRow(label, widget)
            self.inputs[name] = widget
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Enregistrer les modifications")
        self.save_button.setObjectName("saveIdentity")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.save_button.setVisible(ctx.can(Permission.CUSTOMER_EDIT))  # once parented: never a stray window
        self.error = QLabel()
        self.error.setObjectName("identityError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.conflict = QFrame()
        self.conflict.setObjectName("conflictPanel")
        self.conflict.setFrameShape(QFrame.Shape.StyledPanel)
        conflict_layout = QVBoxLayout(self.conflict)
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        conflict_layout.addWidget(self.conflict_text)
        self.conflict_table = _table(("Champ", "Valeur enregistrée", "Votre saisie"), "conflictTable")
        conflict_layout.addWidget(self.conflict_table)
        remember_header(
            ctx, self.conflict_table.horizontalHeader(), "customer_file/conflict", fit_to_contents=True
        )
        reload_row = QHBoxLayout()
        self.keep_button = QPushButton("Recharger en &gardant mes saisies")
        self.keep_button.setObjectName("reloadKeep")
        self.keep_button.clicked.connect(self._reload_keeping)
        self.drop_button = QPushButton("Recharger et &abandonner mes saisies")
        self.drop_button.setObjectName("reloadDrop")
        self.drop_button.clicked.connect(self._reload_dropping)
        reload_row.addWidget(self.keep_button)
        reload_row.addWidget(self.drop_button)
        reload_row.addStretch(1)
        conflict_layout.addLayout(reload_row)
        self.conflict.setVisible(False)
        layout.addWidget(self.conflict)
        layout.addStretch(1)
        self._theirs: Identity | None = None

    def values(self) -> dict[str, str]:
        out = {}
        for name, widget in self.inputs.items():
            out[name] = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        return out

    def set_values(self, values: dict[str, str]) -> None:
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                widget.setCurrentText(values.get(name, ""))
            else:
                widget.setText(values.get(name, ""))

    def show_identity(self, identity: Identity) -> None:
        self.identity = identity
        self.summary.setText(
            f"<b>{identity.display_name}</b> — n° client {identity.client_number}<br>"
            f"Né(e) le {fr_date(identity.birth_date)}{' à ' + identity.birth_place if identity.birth_place else ''}"
            f"<br>IBAN : {identity.iban_masked or 'non renseigné'}"
            f"{' (changé le ' + fr_datetime(identity.iban_changed_at) + ')' if identity.iban_changed_at else ''}"
            f"<br>Dernière activité : {fr_datetime(identity.last_activity_at)}"
            + (f"<br><b>Dossier fusionné dans {identity.merged_into}</b>" if identity.merged_into else "")
        )
        self.set_values(identity.editable())
        self.error.clear()

    def changes(self) -> dict[str, str]:
        assert self.identity is not None
        loaded = self.identity.editable()
        return {k: v for k, v in self.values().items() if v.strip() != loaded[k].strip()}

    def save(self) -> None:
        if self.identity is None:
            return
        changes = self.changes()
        if not changes:
            self.ctx.notify("Aucune modification à enregistrer.")
            return
        actor, customer_id, version = self.ctx.actor, self.identity.id, self.identity.version
        self.save_button.setEnabled(False)
        self.ctx.ops.write(
            lambda s: customers.update_identity(s, actor, customer_id, version, changes),
            self._saved,
            on_error=self._failed,
            parent=self,
        )

    def _saved(self, identity: Identity) -> None:
        self.save_button.setEnabled(True)
        self.conflict.setVisible(False)
        self.show_identity(identity)
        self.ctx.notify("Dossier enregistré.")
        self.saved.emit(identity)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ConcurrentEdit) and self.identity is not None:
            self.conflict_text.setText(error_text(exc))
            customer_id = self.identity.id
            actor = self.ctx.actor
            self.ctx.ops.read(
                lambda s: customers.open_file(s, actor, customer_id).identity, self._show_theirs
            )
            return
        self.error.setText(error_text(exc))
        field = getattr(exc, "field", None)
        if field in self.inputs:
            self.inputs[field].setFocus()

    def _show_theirs(self, theirs: Identity) -> None:
        """Fields the other agent changed or this agent edited: the saved value beside the typed one."""
        self._theirs = theirs
        assert self.identity is not None
        before = self.identity.editable()
        saved = theirs.editable()
        edits = self.changes()
        labels = dict(EDIT_FIELDS)
        rows = [
            (labels[k], saved[k], edits.get(k, "(non modifié)"))
            for k, _ in EDIT_FIELDS
            if k in edits or saved[k] != before[k]
        ]
        _fill(self.conflict_table, rows)
        self.conflict.setVisible(True)
        self.keep_button.setFocus()

    def _reload_keeping(self) -> None:
        """The other agent's values, with this agent's own edits laid on top, ready to save again."""
        if self._theirs is not None:
            edits = self.changes()
            self.show_identity(self._theirs)
            self.set_values({**self._theirs.editable(), **edits})
        self.conflict.setVisible(False)

    def _reload_dropping(self) -> None:
        if self._theirs is not None:
            self.show_identity(self._theirs)
        self.conflict.setVisible(False)


class CustomerFileView(QWidget):
    """One customer's file. Esc emits ``closed`` (the lookup page goes back to the search)."""

    closed = Signal()
    loaded = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.file: CustomerFile | None = None
        layout = QVBoxLayout(self)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("customerFileToolbar")
        layout.addWidget(self.toolbar)
        self.title = QLabel("Chargement du dossier…")
        self.title.setObjectName("customerFileTitle")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(self.title)
        self.duplicates = QFrame()
        self.duplicates.setObjectName("duplicatesBanner")
        self.duplicates.setStyleSheet(
            "QFrame#duplicatesBanner { background: #fff4d6; border: 1px solid #e0b040; }"
        )
        dup_layout = QHBoxLayout(self.duplicates)
        self.duplicates_text = QLabel()
        self.duplicates_text.setWordWrap(True)
        dup_layout.addWidget(self.duplicates_text, 1)
        self.duplicate_choice = QComboBox()
        self.duplicate_choice.setObjectName("duplicateChoice")
        self.merge_button = QPushButton("Fusionner dans ce dossier…")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.clicked.connect(self._merge)
        can_merge = ctx.can(Permission.CUSTOMER_MERGE)
        dup_layout.addWidget(self.duplicate_choice)
        dup_layout.addWidget(self.merge_button)
        self.duplicate_choice.setVisible(can_merge)  # once parented: never a stray window
        self.merge_button.setVisible(can_merge)
        self.duplicates.setVisible(False)
        layout.addWidget(self.duplicates)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("customerFileTabs")
        self.identity_form = IdentityForm(ctx)
        self.identity_form.saved.connect(lambda _identity: self.reload())
        self.tabs.addTab(self.identity_form, "&Identité et contact")
        # The other tabs: their titles at once, their pages filled in idle slices once the file is on screen,
        # each before the agent can open it (opening the first file took 0.2-0.7 s of the GUI thread).
        steps = []
        for title, build in (
            ("&Contrats", self._build_contracts),
            ("&Espace assuré", self._build_account),
            ("&Documents", self._build_documents),
            ("&Vérifications", self._build_verifications),
            ("&Sinistres", self._build_claims),
            ("Co&urriers", self._build_letters),
            ("&Historique", self._build_timeline),
        ):
            page = QWidget()
            page_layout = QVBoxLayout(page)  # the account page keeps the usual margins, a lone table has none
            if build != self._build_account:
                page_layout.setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(page, title)
            steps.append(partial(_build_page, page_layout, build))
        self.building = IdleSlices(steps, self)
        self.tabs.currentChanged.connect(lambda _index: self.building.finish())
        layout.addWidget(self.tabs, 1)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.closed.emit)
        self._build_toolbar()

    # --- the deferred tabs ------------------------------------------------------------------------------------

    _DEFERRED = frozenset(
        {"contracts", "account_label", "locks", "documents", "verifications", "claims", "letters", "timeline"}
    )

    def __getattr__(self, name: str) -> Any:
        """A tab's widget asked for before its idle slice came: the remaining tabs are built at once."""
        building = self.__dict__.get("building")
        if name in CustomerFileView._DEFERRED and building is not None and not building.done:
            building.finish()
            return self.__dict__[name]
        raise AttributeError(name)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.building.start()

    def _remembered_table(self, headers: Sequence[str], name: str) -> QTableWidget:
        table = _table(headers, name)
        remember_header(self.ctx, table.horizontalHeader(), f"customer_file/{name}", fit_to_contents=True)
        return table

    def _build_contracts(self, page: QVBoxLayout) -> None:
        self.contracts = QTreeWidget()
        self.contracts.setObjectName("contractsTree")
        self.contracts.setHeaderLabels(
            ["Contrat / garantie", "Statut", "Véhicule", "Échéance", "Bonus-malus", "Prime / franchise"]
        )
        remember_header(self.ctx, self.contracts.header(), "customer_file/contracts", fit_to_contents=True)
        page.addWidget(self.contracts)

    def _build_account(self, page: QVBoxLayout) -> None:
        self.account_label = QLabel()
        self.account_label.setObjectName("accountState")
        self.account_label.setWordWrap(True)
        page.addWidget(self.account_label)
        self.locks = self._remembered_table(
            ("Bloqué le", "Motif", "IP d'origine", "Débloqué le", "Par", "Revu"), "locksTable"
        )
        page.addWidget(self.locks)

    def _build_documents(self, page: QVBoxLayout) -> None:
        self.documents = self._remembered_table(
            ("Déposé le", "Type", "Fichier", "Taille", "Par"), "documentsTable"
        )
        page.addWidget(self.documents)

    def _build_verifications(self, page: QVBoxLayout) -> None:
        self.verifications = self._remembered_table(
            ("Ouverte le", "Objet", "Statut", "A vérifié", "Décidée le", "Par", "Motif"), "verificationsTable"
        )
        page.addWidget(self.verifications)

    def _build_claims(self, page: QVBoxLayout) -> None:
        self.claims = self._remembered_table(
            ("Déclaré le", "N°", "Nature", "Statut", "Survenu le", "Estimation"), "claimsTable"
        )
        page.addWidget(self.claims)

    def _build_letters(self, page: QVBoxLayout) -> None:
        self.letters = self._remembered_table(
            ("Créé le", "Référence", "Modèle", "Envoyé le", "Par"), "lettersTable"
        )
        page.addWidget(self.letters)

    def _build_timeline(self, page: QVBoxLayout) -> None:
        self.timeline = self._remembered_table(("Date", "Événement", "Par"), "timelineTable")
        page.addWidget(self.timeline)

    def _build_toolbar(self) -> None:
        back = self.toolbar.addAction("← Retour à la recherche (Échap)")
        back.triggered.connect(self.closed.emit)
        refresh = self.toolbar.addAction("Actualiser (F5)")
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.reload)
        self.toolbar.addSeparator()
        self.action_buttons: list[Any] = []
        for action in CUSTOMER_FILE_ACTIONS:
            if not self.ctx.can(action.permission):
                continue
            qaction = self.toolbar.addAction(action.label)
            qaction.triggered.connect(
                lambda _=False, a=action: (
                    self.customer_id is not None and a.callback(self.ctx, self.customer_id)
                )
            )
            self.action_buttons.append(qaction)

    def load(self, customer_id: int) -> None:
        self.customer_id = customer_id
        self.title.setText("Chargement du dossier…")
        actor = self.ctx.actor
        self.ctx.ops.read(lambda s: customers.open_file(s, actor, customer_id), self._show, parent=self)

    def reload(self) -> None:
        if self.customer_id is not None:
            self.load(self.customer_id)

    def _show(self, file: CustomerFile) -> None:
        if file.identity.id != self.customer_id:
            return
        self.building.finish()
        self.file = file
        ident = file.identity
        self.title.setText(f"{ident.display_name} — {ident.client_number}")
        self.identity_form.show_identity(ident)
        self._show_duplicates(file)
        self._show_contracts(file)
        self._show_account(file)
        _fill(
            self.documents,
            [
                (
                    fr_datetime(d.uploaded_at),
                    d.kind,
                    d.filename,
                    format_decimal(d.size / 1024, "#,##0", locale="fr_FR") + " Ko",
                    d.uploaded_by,
                )
                for d in file.documents.items
            ],
        )
        _fill(
            self.verifications,
            [
                (
                    fr_datetime(v.opened_at),
                    v.purpose,
                    v.status,
                    ", ".join(v.covered),
                    fr_datetime(v.decided_at),
                    v.decided_by or "",
                    v.decision_reason or "",
                )
                for v in file.verifications.items
            ],
        )
        _fill(
            self.claims,
            [
                (
                    fr_datetime(c.declared_at),
                    c.number,
                    c.claim_type,
                    c.status,
                    fr_date(c.occurred_on),
                    fr_amount(c.estimated_amount),
                )
                for c in file.claims.items
            ],
        )
        _fill(
            self.letters,
            [
                (
                    fr_datetime(x.created_at),
                    x.reference,
                    x.template_code,
                    fr_datetime(x.sent_at),
                    x.sent_method or "",
                )
                for x in file.letters.items
            ],
        )
        _fill(self.timeline, [(fr_datetime(e.at), e.text, e.by or "") for e in file.timeline.items])
        self.loaded.emit(file)

    def _show_duplicates(self, file: CustomerFile) -> None:
        self.duplicate_choice.clear()
        if not file.duplicates:
            self.duplicates.setVisible(False)
            return
        lines = [
            f"{d.display_name} ({d.client_number}, né(e) le {fr_date(d.birth_date)}) : {', '.join(d.reasons)}"
            for d in file.duplicates
        ]
        # A few lines at most: the banner must not push the file off a laptop screen; all of them in the tooltip
        # (and in the merge choice for a supervisor).
        shown = lines[:DUPLICATE_LINES]
        if len(lines) > DUPLICATE_LINES:
            rest = len(lines) - DUPLICATE_LINES
            shown.append(f"… et {rest} autre{'s' if rest > 1 else ''} (survolez pour la liste complète)")
        self.duplicates_text.setText("<b>Doublons possibles</b><br>" + "<br>".join(shown))
        self.duplicates_text.setToolTip("\n".join(lines))
        for d in file.duplicates:
            self.duplicate_choice.addItem(f"{d.client_number} — {d.display_name}", d.customer_id)
        self.duplicates.setVisible(True)

    def _show_contracts(self, file: CustomerFile) -> None:
        self.contracts.clear()
        for c in file.contracts.items:
            item = QTreeWidgetItem(
                [
                    f"{c.number} ({c.product})",
                    c.status,
                    f"{c.vehicle} — {c.registration}",
                    fr_date(c.renewal_date) + (" (tacite reconduction)" if c.automatic_renewal else ""),
                    format_decimal(c.bonus_malus, "0.00", locale="fr_FR"),
                    fr_amount(c.annual_premium) + " / an",
                ]
            )
            for cov in c.coverages:
                franchise = f"franchise {fr_amount(cov.deductible)}" if cov.deductible else "sans franchise"
                if cov.ceiling is not None:
                    franchise += f", plafond {fr_amount(cov.ceiling)}"
                QTreeWidgetItem(item, [cov.label, "", "", "", "", franchise])
            self.contracts.addTopLevelItem(item)
            item.setExpanded(c.active)
        fit_columns(self.contracts.header())  # once the active contracts are expanded

    def _show_account(self, file: CustomerFile) -> None:
        account = file.account
        if account is None:
            self.account_label.setText("Pas d'espace assuré ouvert.")
            _fill(self.locks, [])
            return
        text = f"<b>{account.status}</b>"
        if account.locked:
            text += f" — {account.lock_reason} depuis le {fr_datetime(account.locked_at)}"
        text += f"<br>Tentatives échouées : {account.failed_attempts}"
        text += f"<br>Dernière connexion : {fr_datetime(account.last_login_at) or 'jamais'}"
        self.account_label.setText(text)
        _fill(
            self.locks,
            [
                (
                    fr_datetime(lock.occurred_at),
                    lock.reason,
                    lock.origin_ip or "",
                    fr_datetime(lock.unlocked_at),
                    lock.unlocked_by or "",
                    "oui" if lock.reviewed else "non",
                )
                for lock in account.locks
            ],
        )

    def _merge(self) -> None:
        if self.file is None or self.duplicate_choice.currentIndex() < 0:
            return
        absorbed_id = self.duplicate_choice.currentData()
        label = self.duplicate_choice.currentText()
        answer = QMessageBox.question(
            self,
            "Fusionner deux dossiers",
            f"Fusionner le dossier {label} dans {self.file.identity.client_number} ?\n"
            "Contrats, documents, sinistres, courriers et historique seront rattachés à ce dossier.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor, survivor_id = self.ctx.actor, self.file.identity.id
        self.ctx.ops.write(
            lambda s: customers.merge_customers(s, actor, survivor_id, absorbed_id),
            lambda result: (
                self.ctx.notify(f"Dossier {result.absorbed_client_number} fusionné."),
                self.reload(),
            ),
            parent=self,
        )


def _open_in_area(module: str, function: str) -> Callable[[AppContext, int], None]:
    """Resolve the other area lazily: areas import this module, not the other way round."""

    def opener(ctx: AppContext, customer_id: int) -> None:
        getattr(importlib.import_module(module), function)(ctx, customer_id)

    return opener


def _reveal_iban(ctx: AppContext, customer_id: int) -> None:
    """A deliberate, audited look at the full IBAN, shown in a dialog and nowhere else."""
    from PySide6.QtWidgets import QMessageBox

    from backoffice.workflows import sensitive

    actor = ctx.actor

    def shown(value: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "IBAN", f"IBAN : {value or 'non renseigné'}")
        box.setInformativeText("Cet affichage est enregistré dans le journal d'audit.")
        box.setObjectName("ibanBox")
        box.open()

    ctx.ops.write(lambda s: sensitive.reveal(s, actor, customer_id, "iban"), shown)


def _export_gdpr(ctx: AppContext, customer_id: int) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    from backoffice.workflows import gdpr

    folder = QFileDialog.getExistingDirectory(None, "Dossier de l'export RGPD")
    if not folder:
        return
    actor = ctx.actor
    ctx.ops.write(
        lambda s: gdpr.export_customer_by_id(s, actor, customer_id, Path(folder)),
        lambda result: ctx.notify(f"Export RGPD enregistré : {result.path} ({result.files} fichiers)", 15000),
    )


CUSTOMER_FILE_ACTIONS.extend(
    [
        CustomerFileAction("Afficher l'IBAN", Permission.SENSITIVE_REVEAL, _reveal_iban),
        CustomerFileAction("Export RGPD…", Permission.GDPR_EXPORT, _export_gdpr),
        CustomerFileAction(
            "Vérifier l'identité",
            Permission.VERIFICATION_DECIDE,
            _open_in_area("backoffice.ui.areas.verification", "open_verification_for"),
        ),
        CustomerFileAction(
            "Débloquer l'espace assuré",
            Permission.ACCOUNT_UNLOCK,
            _open_in_area("backoffice.ui.areas.unlock", "open_unlock_for"),
        ),
        CustomerFileAction(
            "Générer un courrier",
            Permission.LETTER_GENERATE,
            _open_in_area("backoffice.ui.areas.letters", "open_letters_for"),
        ),
    ]
)
