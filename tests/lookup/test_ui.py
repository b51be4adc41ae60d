"""The search page and the customer file, driven by the keyboard as an agent would."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from backoffice.models import LockReason
from backoffice.ui.areas.lookup import LookupPage, SearchResultsModel, create
from backoffice.ui.customer_file import CUSTOMER_FILE_ACTIONS, CustomerFileAction
from backoffice.workflows.customers import update_identity
from backoffice.workflows.lookup import search
from backoffice.workflows.permissions import Permission
from tests.factories import make_account, make_contract, make_customer


def _people(db):  # type: ignore[no-untyped-def]
    with db.write() as s:
        ids = []
        for n, first in enumerate(("Marie", "Paul", "Zoé")):
            c = make_customer(s, last_name="Dupont", first_names=first, client_number=f"TI000765432{n}")
            make_contract(s, c)
            ids.append(c.id)
        make_account(s, s.get(type(c), ids[0]), locked=LockReason.SECURITY)
    return ids


def _page(qtbot, ui_context) -> LookupPage:  # type: ignore[no-untyped-def]
    page = create(ui_context)
    assert isinstance(page, LookupPage)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def test_typing_searches_after_debounce_and_enter_opens(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    ids = _people(db)
    page = _page(qtbot, ui_context)
    with qtbot.waitSignal(page.result_painted, timeout=5000) as painted:
        qtbot.keyClicks(page.search_box, "dupnt")
    assert [h.customer_id for h in painted.args[0].hits] == ids  # one typo, explained
    assert page.model.rowCount() == 3
    assert "lettre près" in page.model.data(page.model.index(0, 6))
    with qtbot.waitSignal(page.file_view.loaded, timeout=5000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.file_view
    assert "DUPONT" in page.file_view.title.text()
    assert page.file_view.contracts.topLevelItemCount() == 1
    assert "Blocage de sécurité" in page.file_view.account_label.text()
    assert page.recent_list.count() == 1
    qtbot.keyClick(page.file_view.tabs, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0


def test_exact_client_number_jumps_to_the_file(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    ids = _people(db)
    page = _page(qtbot, ui_context)
    with qtbot.waitSignal(page.file_view.loaded, timeout=5000) as loaded:
        qtbot.keyClicks(page.search_box, "ti 000 7654321")
    assert loaded.args[0].identity.id == ids[1]


def test_hostile_text_shows_a_message_not_everything(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    page = _page(qtbot, ui_context)
    with qtbot.waitSignal(page.result_painted, timeout=5000):
        qtbot.keyClicks(page.search_box, "%")
    assert page.model.rowCount() == 0 and page.message.text()


def test_results_model_is_consistent(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    with db.read() as s:
        result = search(s, ui_context.actor, "dupont", limit=2)
    model = SearchResultsModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_result(result.hits, result.more)
    assert model.canFetchMore()
    with qtbot.waitSignal(model.more_requested):
        model.fetchMore()
    assert isinstance(model.data(model.index(0, 5), Qt.ItemDataRole.UserRole), float)  # raw time
    assert model.data(model.index(0, 6), Qt.ItemDataRole.UserRole) == "name_exact"


def test_concurrent_edit_shows_both_values_and_keeps_typing(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    ids = _people(db)
    page = _page(qtbot, ui_context)
    with qtbot.waitSignal(page.file_view.loaded, timeout=5000):
        page.open_customer(ids[0])
    form = page.file_view.identity_form
    form.inputs["city"].setText("Bobigny")
    form.inputs["postcode"].setText("93000")
    with db.write() as s:  # meanwhile, Bruno changes the e-mail
        update_identity(s, agents["agent2"], ids[0], 1, {"email": "nouvelle@example.fr"})
    db.clock.advance(timedelta(minutes=1))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.conflict_table.rowCount() > 0, timeout=5000)
    assert "Bruno Petit" in form.conflict_text.text()
    rows = {
        form.conflict_table.item(r, 0).text(): (
            form.conflict_table.item(r, 1).text(),
            form.conflict_table.item(r, 2).text(),
        )
        for r in range(form.conflict_table.rowCount())
    }
    assert rows["E-mail"][0] == "nouvelle@example.fr"
    assert rows["E-mail"][1] == "(non modifié)"
    assert rows["Ville"] == ("Noisy-le-Sec", "Bobigny")
    qtbot.mouseClick(form.keep_button, Qt.MouseButton.LeftButton)
    assert form.inputs["city"].text() == "Bobigny"
    assert form.identity is not None and form.identity.version == 2
    with qtbot.waitSignal(page.file_view.loaded, timeout=5000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert page.file_view.file is not None and page.file_view.file.identity.city == "Bobigny"
    assert page.file_view.file.identity.email == "nouvelle@example.fr"


def test_other_areas_add_toolbar_actions(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    ids = _people(db)
    called: list[int] = []
    extra = [
        CustomerFileAction("Action de test", Permission.ACCOUNT_UNLOCK, lambda ctx, cid: called.append(cid)),
        CustomerFileAction(
            "Réservé superviseur", Permission.CUSTOMER_MERGE, lambda ctx, cid: called.append(-1)
        ),
    ]
    CUSTOMER_FILE_ACTIONS.extend(extra)
    try:
        page = _page(qtbot, ui_context)
        with qtbot.waitSignal(page.file_view.loaded, timeout=5000):
            page.open_customer(ids[2])
        labels = [a.text() for a in page.file_view.action_buttons]
        assert labels == [
            "Afficher l'IBAN",
            "Vérifier l'identité",
            "Débloquer l'espace assuré",
            "Générer un courrier",
            "Action de test",
        ]
        page.file_view.action_buttons[-1].trigger()
        assert called == [ids[2]]
    finally:
        for action in extra:
            CUSTOMER_FILE_ACTIONS.remove(action)


def test_enter_before_the_debounce_opens_the_best_hit(qtbot, ui_context, db) -> None:  # type: ignore[no-untyped-def]
    ids = _people(db)
    page = _page(qtbot, ui_context)
    with qtbot.waitSignal(page.file_view.loaded, timeout=5000) as loaded:
        qtbot.keyClicks(page.search_box, "dupont paul")
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert loaded.args[0].identity.id == ids[1]
