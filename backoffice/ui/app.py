"""Entry point of the desktop application (``backoffice``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from backoffice import logs, migrations
from backoffice.clock import SystemClock
from backoffice.config import Settings, load_settings
from backoffice.db import Database
from backoffice.errors import BackofficeError
from backoffice.ui.context import AppContext
from backoffice.ui.login import LoginDialog
from backoffice.ui.main_window import MainWindow
from backoffice.ui.operations import OperationRunner
from backoffice.ui.resources import icon, stylesheet

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="backoffice")
    parser.add_argument("--database-url", help="URL de la base de données")
    parser.add_argument("--smoke", action="store_true", help="ouvrir la fenêtre de connexion puis quitter")
    parser.add_argument("--no-demo", action="store_true", help="ne pas créer de données de démonstration")
    return parser.parse_args(argv)


def make_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("backoffice")
    app.setApplicationDisplayName("Back-office Centre Courriers")
    app.setOrganizationName("CentreCourriers")
    app.setWindowIcon(icon("app"))
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
    return app


def fatal(message: str) -> int:
    box = QMessageBox(QMessageBox.Icon.Critical, "Démarrage impossible", message)
    if "offscreen" not in (QApplication.platformName() or ""):
        box.exec()
    print(f"Démarrage impossible : {message}", file=sys.stderr)
    return 1


def open_database(settings: Settings, url_override: str | None, allow_demo: bool) -> tuple[Database, bool]:
    db = Database(
        url_override or settings.database_url(),
        settings,
        SystemClock(),
        readonly_url=settings.database.readonly_url or None,
    )
    db.check_connection()
    migrations.upgrade(db)
    demo = False
    if allow_demo and db.dialect == "sqlite":
        from backoffice import demo as demo_data

        demo = demo_data.ensure_first_run_demo(db)
    return db, demo


def login_hint(db: Database) -> str | None:
    if db.dialect != "sqlite":
        return None
    try:
        from backoffice.demo import DEMO_AGENTS, DEMO_PASSWORD
    except ImportError:
        return None
    with db.read() as session:
        from backoffice.workflows.staff import list_agents

        names = {a.username for a in list_agents(session)}
    demo = [agent.username for agent in DEMO_AGENTS if agent.username in names]
    if not demo:
        return None
    return f"Base de démonstration — comptes : {', '.join(demo)} ; mot de passe : {DEMO_PASSWORD}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = make_application(sys.argv[:1])
    try:
        settings = load_settings()
        logs.configure(settings.paths.log_dir)
        db, _ = open_database(settings, args.database_url, not args.no_demo)
    except BackofficeError as exc:
        return fatal(exc.message)
    ops = OperationRunner(db)
    while True:
        dialog = LoginDialog(ops, _describe(db), login_hint(db))
        if args.smoke:
            dialog.show()
            QTimer.singleShot(300, app.quit)
            app.exec()
            ops.wait()
            print("smoke: fenêtre de connexion affichée")
            db.dispose()
            return 0
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            ops.wait()
            db.dispose()
            return 0
        ctx = AppContext(db=db, settings=db.settings, actor=dialog.actor, ops=ops, clock=db.clock)
        window = MainWindow(ctx)
        logged_out: list[bool] = []
        window.logout_requested.connect(lambda flag=logged_out: flag.append(True))
        window.show()
        app.exec()
        ops.wait()
        if not logged_out:
            db.dispose()
            return 0


def _describe(db: Database) -> str:
    if db.dialect == "sqlite":
        return f"SQLite locale ({db.url.database})"
    return f"PostgreSQL {db.url.host}/{db.url.database}"


if __name__ == "__main__":
    sys.exit(main())
