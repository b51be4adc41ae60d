"""The claims area as a handler uses it: take next, triage, assign the expert, enter the report, see the indemnity."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from backoffice.models import AppraisalMode, Claim, ClaimStatus, ClaimType, Document, DocumentKind
from backoffice.ui.areas.claims import ClaimsArea, create
from backoffice.ui.claims_declaration import DeclarationDialog
from backoffice.ui.claims_queue import ClaimQueueModel
from backoffice.workflows.claims import QueueFilter
from tests.claims.builders import contract_number, declare
from tests.qt_helpers import drop_files
from tests.verification.samples import jpeg

WAIT = 30_000  # ms: generous, the CI machine has 2 shared cores


def _area(qtbot, ui_context) -> ClaimsArea:  # type: ignore[no-untyped-def]
    area = create(ui_context)
    qtbot.addWidget(area)
    area.resize(1200, 900)
    area.show()
    return area  # type: ignore[return-value]


def test_handler_triages_assigns_reports_and_sees_the_indemnity(
    qtbot, ui_context, db, agents, experts
) -> None:  # type: ignore[no-untyped-def]
    ref = declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = _area(qtbot, ui_context)
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=WAIT)
    assert area.count_label.text() == "1 sinistre(s)"

    qtbot.mouseClick(area.take_button, Qt.MouseButton.LeftButton)
    detail = area.detail
    qtbot.waitUntil(
        lambda: detail.loaded is not None and detail.loaded.detail.handler_id is not None, timeout=WAIT
    )
    assert ref.number in detail.title.text()
    rules = [detail.findings.item(r, 1).text() for r in range(detail.findings.rowCount())]
    assert "Délai de déclaration (L113-2)" in rules and "Mode d'expertise" in rules
    texts = [detail.findings.item(r, 2).text() for r in range(detail.findings.rowCount())]
    assert any("jours ouvrés" in t for t in texts)

    qtbot.mouseClick(detail.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.loaded.detail.status is ClaimStatus.TRIAGED, timeout=WAIT)
    detail.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: detail.candidates.count() == 3, timeout=WAIT)
    assert detail.candidates.item(0).text().startswith("Proposé : Paul Garnier")

    qtbot.mouseClick(detail.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.loaded.detail.status is ClaimStatus.IN_APPRAISAL, timeout=WAIT)
    assert detail.report_box.isEnabled()
    assert "Paul Garnier" in detail.mandates.item(0).text()

    qtbot.keyClicks(detail.damage, "3 200,00")
    detail.depreciation.clear()
    qtbot.keyClicks(detail.depreciation, "10")
    qtbot.mouseClick(detail.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.loaded.detail.status is ClaimStatus.INDEMNITY_PROPOSED, timeout=WAIT)
    qtbot.waitUntil(lambda: detail.lines.rowCount() == 4, timeout=WAIT)
    assert detail.tabs.currentIndex() == 2
    assert detail.lines.item(3, 0).text() == "Indemnité proposée"
    assert detail.lines.item(3, 1).text() == "2\u202f580,00\xa0€"
    assert detail.lines.item(1, 1).text() == "− 320,00\xa0€"
    assert "valeur d'usage" in detail.basis.text()
    assert detail.settle_button.isEnabled() and detail.counter_button.isEnabled()
    history = [detail.history.item(i).text() for i in range(detail.history.count())]
    assert history[-1].endswith(
        "Indemnité proposée (Claire Dubois) — Rapport reçu ; indemnité proposée 2\u202f580,00\xa0€"
    )
    area.grab().save(str(qtbot_screenshot_path(db)))


def qtbot_screenshot_path(db) -> str:  # type: ignore[no-untyped-def]
    return f"/tmp/claims-area-{db.dialect}.png"


def test_override_without_reason_is_shown_in_french(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = _area(qtbot, ui_context)
    qtbot.mouseClick(area.take_button, Qt.MouseButton.LeftButton)
    detail = area.detail
    qtbot.waitUntil(lambda: detail.loaded is not None, timeout=WAIT)
    detail.priority.setCurrentIndex(0)  # P1 instead of the engine's P3
    qtbot.mouseClick(detail.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "motif est obligatoire" in detail.message.text(), timeout=WAIT)
    detail.override_reason.setText("Assuré handicapé, véhicule adapté")  # keyClicks is ASCII only
    qtbot.mouseClick(detail.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.loaded.detail.status is ClaimStatus.TRIAGED, timeout=WAIT)
    rows = [detail.findings.item(r, 2).text() for r in range(detail.findings.rowCount())]
    assert "Motif : Assuré handicapé, véhicule adapté" in rows


def test_empty_queue_says_so(qtbot, ui_context, agents) -> None:  # type: ignore[no-untyped-def]
    ui_context.actor = agents["claims_handler"]
    area = _area(qtbot, ui_context)
    qtbot.mouseClick(area.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "file est vide" in area.detail.message.text(), timeout=WAIT)


def test_queue_model_pages_and_passes_the_model_tester(qtbot, ui_context, db, agents, clock) -> None:  # type: ignore[no-untyped-def]
    number = contract_number(db)
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        declare(db, agents["agent"], number)
    ui_context.actor = agents["claims_handler"]
    model = ClaimQueueModel(ui_context)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    from backoffice.ui import claims_queue

    claims_queue.PAGE_SIZE, previous = 2, claims_queue.PAGE_SIZE
    try:
        model.set_filter(QueueFilter(sort="declared_at"))
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT)
        assert model.total == 5 and model.canFetchMore()
        while model.canFetchMore():
            model.fetchMore()
            qtbot.waitUntil(lambda: not model._loading, timeout=WAIT)
        assert model.rowCount() == 5
        declared = [model.index(r, 5).data(Qt.ItemDataRole.UserRole) for r in range(5)]
        assert declared == sorted(declared)
        model.sort(5, Qt.SortOrder.DescendingOrder)
        qtbot.waitUntil(lambda: model.rowCount() == 2 and model.filter.descending, timeout=WAIT)
        assert model.index(0, 5).data(Qt.ItemDataRole.UserRole) == declared[-1]
    finally:
        claims_queue.PAGE_SIZE = previous


def test_phone_declaration_form(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    number = contract_number(db)
    dialog = DeclarationDialog(ui_context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.contract, "aut000 9999999")
    dialog.circumstances.setPlainText("Vitre arrière brisée sur le parking de la gare.")
    dialog.claim_type.setCurrentIndex(dialog.claim_type.findData(ClaimType.GLASS))
    dialog.submit()
    qtbot.waitUntil(lambda: "Aucun contrat" in dialog.error.text(), timeout=WAIT)
    assert dialog.focusWidget() is dialog.contract or not dialog.isActiveWindow()
    dialog.contract.setText(number)
    dialog.postcode.setText("93130")
    qtbot.keyClicks(dialog.amount, "450")
    with qtbot.waitSignal(dialog.declared, timeout=WAIT) as signal:
        dialog.submit()
    with db.read() as s:
        claim = s.execute(select(Claim).where(Claim.id == signal.args[0].id)).scalar_one()
        assert claim.claim_type is ClaimType.GLASS and claim.departement == "93"
        assert str(claim.estimated_amount) == "450.00"


def _glass_declaration(qtbot, ui_context, db) -> DeclarationDialog:  # type: ignore[no-untyped-def]
    dialog = DeclarationDialog(ui_context, contract_number=contract_number(db))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.circumstances.setPlainText("Pare-brise fissuré par un gravillon sur l'A3.")
    dialog.claim_type.setCurrentIndex(dialog.claim_type.findData(ClaimType.GLASS))
    qtbot.keyClicks(dialog.amount, "450")
    return dialog


def test_declaration_with_photos_from_the_file_dialog_and_adrop_files(
    qtbot, ui_context, db, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    front, side = tmp_path / "avant.jpg", tmp_path / "cote.jpg"
    front.write_bytes(jpeg(color="lightblue"))
    side.write_bytes(jpeg(color="gray"))
    dialog = _glass_declaration(qtbot, ui_context, db)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(front)], ""))
    qtbot.mouseClick(dialog.add_photos, Qt.MouseButton.LeftButton)
    drop_files(dialog, [side, front])  # the same file dropped twice is attached once
    assert [dialog.photos.item(r).text().split(" — ")[0] for r in range(dialog.photos.count())] == [
        "avant.jpg",
        "cote.jpg",
    ]
    with qtbot.waitSignal(dialog.declared, timeout=WAIT) as signal:
        dialog.submit()
    with db.read() as s:
        claim = s.get(Claim, signal.args[0].id)
        photos = s.execute(select(Document).where(Document.claim_id == claim.id)).scalars().all()
        assert sorted(d.original_filename for d in photos) == ["avant.jpg", "cote.jpg"]
        assert all(d.kind is DocumentKind.CLAIM_PHOTO and d.mime_type == "image/jpeg" for d in photos)
        # Photos, no safety part, a small estimate: the triage sends it to a remote appraisal at once.
        assert claim.appraisal_mode is AppraisalMode.REMOTE
        assert any("2 photo(s)" in f["text"] for f in claim.triage["findings"])


def test_a_fake_photo_is_refused_in_french_and_nothing_is_declared(qtbot, ui_context, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good, fake = tmp_path / "avant.jpg", tmp_path / "facture.jpg"
    good.write_bytes(jpeg(color="lightblue"))
    fake.write_bytes(b"%PDF-1.4 pas une photo" + b"\0" * 64)
    dialog = _glass_declaration(qtbot, ui_context, db)
    dialog.add_photo_files([good, fake])
    dialog.submit()
    qtbot.waitUntil(lambda: "facture.jpg" in dialog.error.text(), timeout=WAIT)
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    with db.read() as s:
        assert s.execute(select(Claim)).first() is None
        assert s.execute(select(Document)).first() is None
    dialog.photos.setCurrentRow(1)
    qtbot.mouseClick(dialog.remove_photo, Qt.MouseButton.LeftButton)
    assert dialog.photo_paths() == (good,)
    with qtbot.waitSignal(dialog.declared, timeout=WAIT):
        dialog.submit()


def test_agent_sees_only_the_declaration(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    area = _area(qtbot, ui_context)
    assert area.declare_button.isVisible() and not area.take_button.isVisible()
    assert not hasattr(area, "table")


def test_the_claims_area_fits_a_laptop_screen(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    """1366×768 less the taskbar, the title bar, the menu and the status bar: about 1100×640 for the area."""
    declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = _area(qtbot, ui_context)
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=WAIT)
    area.take_next()
    qtbot.waitUntil(lambda: area.detail.loaded is not None, timeout=WAIT)
    assert area.minimumSizeHint().height() <= 640
    area.resize(1100, 640)
    qtbot.waitUntil(lambda: area.detail.confirm_button.isVisible(), timeout=WAIT)
    button = area.detail.confirm_button
    assert area.rect().contains(button.mapTo(area, button.rect().bottomRight()))
