"""Entry point of the desktop application (``backoffice``)."""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox
from shiboken6 import isValid
from sqlalchemy.exc import DBAPIError

from backoffice import logs
from backoffice.clock import SystemClock
from backoffice.config import Settings, load_settings
from backoffice.db import Database
from backoffice.errors import BackofficeError
from backoffice.ui.login import LoginDialog
from backoffice.ui.operations import OperationRunner
from backoffice.ui.resources import icon, stylesheet
from backoffice.ui.warmup import QtWarmup, freeze_long_lived

if TYPE_CHECKING:
    from backoffice.ui.main_window import MainWindow
    from backoffice.workflows.context import Actor

#: Loaded on the thread pool while the agent types their password, so the main window opens at once.
PRELOADED = ("backoffice.workflows.staff", "backoffice.ui.main_window", "backoffice.ui.areas.lookup")

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


_REVISION = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:[\"']([^\"']+)[\"']|None)", re.MULTILINE
)


def shipped_head() -> str | None:
    """The newest migration shipped with the app, read from the files (alembic costs ~0.6 s to import)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (Path(__file__).resolve().parents[1] / "migrations" / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def schema_is_current(db: Database) -> bool:
    """A quick look at the revision stamp; any doubt answers False and the full migration check runs."""
    head = shipped_head()
    if head is None:
        return False
    try:
        with db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [head]
    except DBAPIError:
        return False


def has_agents(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.exec_driver_sql("SELECT count(*) FROM agent").scalar())


def open_database(settings: Settings, url_override: str | None, allow_demo: bool) -> tuple[Database, bool]:
    db = Database(
        url_override or settings.database_url(),
        settings,
        SystemClock(),
        readonly_url=settings.database.readonly_url or None,
    )
    db.check_connection()
    if not schema_is_current(db):
        from backoffice import migrations

        migrations.upgrade(db)
    demo = False
    if allow_demo and db.dialect == "sqlite" and not has_agents(db):
        from backoffice import demo as demo_data  # Faker and the generators: only for a first start

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


def login_dialog(db: Database, ops: OperationRunner) -> LoginDialog:
    """The login window at once; the demo hint and the main window's modules follow in the background.

    The main window's modules are imported once PySide6's types are warmed up on the GUI thread (importing them
    creates PySide6 types too: never on two threads at once) and the hint is in, so that a single background
    thread competes with the GUI thread while the agent types.
    """
    dialog = LoginDialog(ops, _describe(db))
    freeze_long_lived("start")  # what the process has loaded so far, then PySide6's types, then the modules
    waiting = {"hint", "warmup"}

    def ready(step: str) -> None:
        if step == "warmup":
            freeze_long_lived("qt types")
        waiting.discard(step)
        if not waiting:
            ops.run(
                _preload,
                lambda _result: freeze_long_lived("main window modules"),
                on_error=lambda _exc: None,  # an import error shows again, in full, at login
            )

    def show_hint(hint: str | None) -> None:
        if isValid(dialog):
            dialog.set_hint(hint)
        ready("hint")

    ops.run(lambda: login_hint(db), show_hint, on_error=lambda _exc: ready("hint"))  # a hint is only a help
    QtWarmup.then(lambda: ready("warmup"))
    return dialog


def _preload() -> None:
    for module in PRELOADED:
        importlib.import_module(module)


def main_window(db: Database, ops: OperationRunner, actor: Actor) -> MainWindow:
    from backoffice.ui.context import AppContext
    from backoffice.ui.main_window import MainWindow

    return MainWindow(AppContext(db=db, settings=db.settings, actor=actor, ops=ops, clock=db.clock))


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
        dialog = login_dialog(db, ops)
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
        window = main_window(db, ops, dialog.actor)
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
