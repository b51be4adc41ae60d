"""Main window: navigation between the areas the agent's role may use, status bar, menus and shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from backoffice.ui.areas import Area, visible_areas
from backoffice.ui.context import AppContext
from backoffice.ui.guide import GuideDialog
from backoffice.ui.notifications import WorkNotifier
from backoffice.ui.persist import restore_geometry, save_geometry
from backoffice.ui.resources import icon
from backoffice.ui.session_guard import ChangePasswordDialog, IdleGuard, LockScreen
from backoffice.ui.warmup import AreaPreloader
from backoffice.workflows.notifications import WorkSummary

#: After the window is on screen, the other areas' modules are loaded so that their first opening is quick.
PRELOAD_DELAY_MS = 50
#: An operation shows the status bar's busy indicator once it has run this long.
BUSY_DELAY_MS = 400


def database_label(ctx: AppContext) -> str:
    url = ctx.db.url
    if ctx.db.dialect == "sqlite":
        return f"SQLite locale ({url.database})"
    return f"PostgreSQL {url.host}/{url.database}"


class MainWindow(QMainWindow):
    logout_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Back-office Centre Courriers — {ctx.actor.full_name}")
        self.setWindowIcon(icon("app"))
        self.resize(1280, 800)
        self.areas: list[Area] = visible_areas(ctx)
        self.pages: dict[str, QWidget] = {}
        self._shown = False
        ctx.services["open_customer"] = self.open_customer
        ctx.services["notify"] = self.notify
        ctx.services["show_area"] = self.show_area

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(22, 22))
        self.navigation.setFixedWidth(240)
        self.stack = QStackedWidget()  # an area's page is built the first time it is shown
        for area in self.areas:
            item = QListWidgetItem(icon(area.icon), area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._select_row)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)

        self.lock_screen = LockScreen(ctx)
        self.lock_screen.unlocked.connect(self.unlock_session)
        self.lock_screen.logout.connect(self._logout)
        self.content = QStackedWidget()
        self.content.addWidget(central)
        self.content.addWidget(self.lock_screen)
        self.setCentralWidget(self.content)
        self.idle_guard = IdleGuard(ctx, self)
        self.idle_guard.idle.connect(self.lock_session)

        self._build_status_bar()
        self._build_menus()
        self.notifier = WorkNotifier(ctx, self)
        self.notifier.summary_changed.connect(self._show_work)
        self.notifier.news.connect(self.toast)
        restore_geometry(ctx, self, "main_window")
        self.preloader = AreaPreloader(ctx.ops, [area.module for area in self.areas], self)
        if self.areas:
            self.navigation.setCurrentRow(0)
            self.stack.currentWidget().setFocus()  # the agent types at once (the lookup page: its search box)

    @property
    def is_locked(self) -> bool:
        return self.content.currentWidget() is self.lock_screen

    def lock_session(self) -> None:
        """Hide every customer datum behind the lock screen; the work in progress stays where it was."""
        self.idle_guard.locked = True
        self.content.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.password.setFocus()

    def unlock_session(self) -> None:
        self.idle_guard.resume()
        self.menuBar().setEnabled(True)
        self.content.setCurrentIndex(0)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.agent_label = QLabel(f"Connecté : {self.ctx.actor.full_name} ({self.ctx.actor.role.label})")
        self.agent_label.setObjectName("agentLabel")
        self.db_label = QLabel(f"Base : {database_label(self.ctx)}")
        self.db_label.setObjectName("databaseLabel")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.busy.setAccessibleName("Opération en cours")
        self.work_label = QLabel("")
        self.work_label.setObjectName("workLabel")
        bar.addPermanentWidget(self.work_label)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.agent_label)
        bar.addPermanentWidget(self.db_label)
        # Shown only for an operation still running after a moment: the queue's page loads (50–200 ms each while
        # scrolling) showed and hid it every time, each a layout of the status bar and an animation.
        self.busy_delay = QTimer(self)
        self.busy_delay.setSingleShot(True)
        self.busy_delay.setInterval(BUSY_DELAY_MS)
        self.busy_delay.timeout.connect(self.busy.show)
        self.ctx.ops.busy_changed.connect(self._busy_changed)

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self.busy_delay.start()
        else:
            self.busy_delay.stop()
            self.busy.hide()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        change_password = QAction("Changer mon &mot de passe…", self)
        change_password.triggered.connect(lambda: ChangePasswordDialog(self.ctx, self).open())
        file_menu.addAction(change_password)
        lock = QAction("&Verrouiller la session", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock_session)
        file_menu.addAction(lock)
        logout = QAction("Se &déconnecter", self)
        logout.triggered.connect(self._logout)
        file_menu.addAction(logout)
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&Affichage")
        for index, area in enumerate(self.areas, start=1):
            action = QAction(area.title, self)
            action.setIcon(icon(area.icon))
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.triggered.connect(lambda _=False, key=area.key: self.show_area(key))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu("A&ide")
        guide = QAction("&Guide d'utilisation", self)
        guide.setShortcut(QKeySequence("Shift+F1"))
        guide.triggered.connect(lambda: GuideDialog(self.ctx.actor.role, self).open())
        help_menu.addAction(guide)
        shortcuts = QAction("&Raccourcis clavier", self)
        shortcuts.setShortcut(QKeySequence("F1"))
        shortcuts.triggered.connect(self._show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("À &propos", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        area = self.areas[row]
        page = self.pages.get(area.key)
        if page is None:
            page = area.factory()(self.ctx)
            page.setObjectName(f"area_{area.key}")
            self.stack.addWidget(page)
            self.pages[area.key] = page
        self.stack.setCurrentWidget(page)

    def show_area(self, key: str) -> QWidget | None:
        for row, area in enumerate(self.areas):
            if area.key == key:
                self.navigation.setCurrentRow(row)
                return self.pages.get(key)
        return None

    def open_customer(self, customer_id: int) -> None:
        page = self.show_area("lookup")
        opener = getattr(page, "open_customer", None)
        if callable(opener):
            opener(customer_id)

    def notify(self, message: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def _show_work(self, summary: WorkSummary) -> None:
        parts = []
        if summary.pending_approvals:
            parts.append(
                f"{summary.pending_approvals} approbation{'s' if summary.pending_approvals > 1 else ''}"
            )
        if summary.queued_claims:
            parts.append(
                f"{summary.queued_claims} sinistre{'s' if summary.queued_claims > 1 else ''} en file"
            )
        if summary.my_claims:
            parts.append(f"{summary.my_claims} à moi")
        self.work_label.setText(("À traiter : " + " · ".join(parts)) if parts else "")

    def toast(self, message: str) -> None:
        """A non-blocking notice in the bottom-right corner that fades after a few seconds."""
        self.notify(message, 8000)
        label = QLabel(message, self)
        label.setObjectName("toast")
        label.setStyleSheet(
            "QLabel#toast { background: #1f3b57; color: white; padding: 10px 16px; border-radius: 6px; }"
        )
        label.adjustSize()
        label.move(self.width() - label.width() - 24, self.height() - label.height() - 48)
        label.show()
        QTimer.singleShot(6000, label.deleteLater)

    def _show_shortcuts(self) -> None:
        lines = [
            f"<tr><td><b>Ctrl+{i}</b></td><td>{a.title}</td></tr>" for i, a in enumerate(self.areas, start=1)
        ]
        lines += [
            "<tr><td><b>Ctrl+F</b></td><td>Rechercher un client</td></tr>",
            "<tr><td><b>Entrée</b></td><td>Ouvrir l'élément sélectionné</td></tr>",
            "<tr><td><b>Échap</b></td><td>Revenir / fermer</td></tr>",
            "<tr><td><b>Ctrl+L</b></td><td>Verrouiller la session</td></tr>",
            "<tr><td><b>F1</b></td><td>Cette aide</td></tr>",
            "<tr><td><b>Maj+F1</b></td><td>Guide d'utilisation de votre rôle</td></tr>",
            "<tr><td><b>Ctrl+Q</b></td><td>Quitter</td></tr>",
        ]
        box = QMessageBox(self)
        box.setWindowTitle("Raccourcis clavier")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText("<table cellspacing=6>" + "".join(lines) + "</table>")
        box.open()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "À propos",
            f"<b>Back-office assurance auto</b><br>{self.ctx.settings.branding.centre_name}, "
            f"{self.ctx.settings.branding.street}, {self.ctx.settings.branding.postcode} "
            f"{self.ctx.settings.branding.city}",
        )

    def _logout(self) -> None:
        self.logout_requested.emit()
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:  # once painted: the first paint comes before
            self._shown = True
            QTimer.singleShot(PRELOAD_DELAY_MS, self.preloader.start)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self.ctx, self, "main_window")
        self.notifier.stop()
        self.idle_guard.stop()
        self.ctx.ops.wait(5000)
        super().closeEvent(event)
