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
