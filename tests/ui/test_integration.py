"""The areas work together inside the main window: a customer file leads to the other areas."""

from __future__ import annotations

from backoffice.models import LockReason
from backoffice.ui.areas.unlock import UnlockPage
from backoffice.ui.main_window import MainWindow
from tests.factories import make_account, make_contract, make_customer


def test_customer_file_leads_to_unlock_with_the_customer_loaded(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        customer = make_customer(s, last_name="Bernard", first_names="Chloé")
        make_contract(s, customer)
        make_account(s, customer, locked=LockReason.FAILED_LOGINS, failed_attempts=5)
        customer_id = customer.id
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    window.open_customer(customer_id)
    lookup = window.pages["lookup"]
    file_view = lookup.file_view  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: file_view.customer_id == customer_id and bool(file_view.action_buttons), timeout=20000
    )
    unlock_action = next(a for a in file_view.action_buttons if a.text() == "Débloquer l'espace assuré")
    unlock_action.trigger()
    page = window.stack.currentWidget()
    assert isinstance(page, UnlockPage)
    qtbot.waitUntil(lambda: page.unlock_tab.state is not None, timeout=20000)
    assert page.unlock_tab.state.customer_id == customer_id
    window.close()


def test_revealing_the_iban_from_the_file_is_audited(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from backoffice.models import AuditRecord
    from backoffice.ui.customer_file import CUSTOMER_FILE_ACTIONS

    with db.write() as s:
        customer_id = make_customer(s).id
    action = next(a for a in CUSTOMER_FILE_ACTIONS if a.label == "Afficher l'IBAN")
    action.callback(ui_context, customer_id)
    ui_context.ops.wait()
    with db.read() as s:
        qtbot.waitUntil(
            lambda: (
                s.execute(select(AuditRecord.action).order_by(AuditRecord.seq.desc()).limit(1)).scalar()
                == "sensitive.reveal"
            ),
            timeout=20000,
        )


def test_supervisor_exports_the_customer_data_from_the_file(
    qtbot, ui_context, db, agents, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from backoffice.ui.customer_file import CUSTOMER_FILE_ACTIONS

    with db.write() as s:
        customer_id = make_customer(s).id
    ui_context.actor = agents["supervisor"]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    action = next(a for a in CUSTOMER_FILE_ACTIONS if a.label == "Export RGPD…")
    action.callback(ui_context, customer_id)
    qtbot.waitUntil(lambda: any(tmp_path.glob("export-rgpd-*.zip")), timeout=20000)
