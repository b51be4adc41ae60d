"""An agent walks through a full verification on screen, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from backoffice.models import Customer, VerificationCase, VerificationPurpose, VerificationStatus
from backoffice.ui.areas.verification import VerificationPage, create
from backoffice.ui.document_viewer import DocumentViewer
from tests.qt_helpers import drop_files
from tests.verification.helpers import td3
from tests.verification.samples import jpeg, pdf, png


def test_agent_walks_through_a_full_verification(qtbot, ui_context, customer_id, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = create(ui_context)
    assert isinstance(page, VerificationPage)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    with ui_context.db.read() as s:
        client_number = s.get(Customer, customer_id).client_number  # type: ignore[union-attr]

    # The agent types the client number the way customers dictate it.
    qtbot.keyClicks(page.search, f"ti 000 {client_number[-7:]}")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ERIKSSON" in page.customer_label.text(), timeout=20000)
    assert "jamais vérifié" in page.customer_label.text()

    page.purpose.setCurrentIndex(page.purpose.findData(VerificationPurpose.BANK_DETAILS_CHANGE))
    qtbot.mouseClick(page.new_case_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.case is not None, timeout=20000)
    assert "En cours" in page.case_label.text()

    # Upload: the identity document through the file list (drop), proof and RIB the same way.
    identity = tmp_path / "cni.jpg"
    identity.write_bytes(jpeg(640, 400))
    proof = tmp_path / "facture EDF.pdf"
    proof.write_bytes(pdf(2))
    rib = tmp_path / "rib.png"
    rib.write_bytes(png(500, 300))
    for kind_index, path in enumerate((identity, proof, rib)):
        page.upload_kind.setCurrentIndex(kind_index)
        drop_files(page, [path])
        qtbot.waitUntil(lambda n=kind_index + 1: page.documents.count() == n, timeout=20000)
    # The viewer ends on the last upload; the identity document's image may show first while the RIB loads.
    qtbot.waitUntil(lambda: "rib.png" in page.viewer.title.text(), timeout=20000)
    qtbot.waitUntil(lambda: page.viewer.showing_image, timeout=20000)

    # The PDF opens in the viewer with page navigation.
    page.documents.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.viewer.showing_pdf, timeout=20000)
    assert page.viewer.page_count == 2
    page.viewer.setFocus()
    qtbot.keyClick(page.viewer, Qt.Key.Key_PageDown)
    assert page.viewer.current_page == 1

    # A bad upload is refused in French and nothing is attached.
    hostile = tmp_path / "scan.png"
    hostile.write_bytes(pdf())
    drop_files(page, [hostile])
    qtbot.waitUntil(lambda: "renommé" in page.message.text(), timeout=20000)
    assert page.documents.count() == 3

    # MRZ pasted, checks shown.
    page.documents.setCurrentRow(0)
    qtbot.waitUntil(
        lambda: page.viewer.showing_image and "cni.jpg" in page.viewer.title.text(), timeout=20000
    )
    QApplication.clipboard().setText(td3())
    page.mrz.setFocus()
    page.mrz.paste()
    qtbot.keyClick(page.mrz, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(r[0] == "identity.surname" for r in page.result_rows()), timeout=20000)
    identity_rows = {name: (outcome, reason) for name, outcome, reason in page.result_rows()}
    assert identity_rows["identity.mrz.composite"][0] == "Réussi"
    assert identity_rows["identity.birth_date"][0] == "Réussi"
    assert identity_rows["identity.expiry"][0] == "Réussi"

    # Proof of address typed with abbreviations.
    page.proof_date.setDate(QDate(2026, 10, 2))
    qtbot.keyClicks(page.proof_name, "MME ERIKSSON ANNA")
    page.proof_address.setPlainText("6B bd de la Republique\n93130 NOISY LE SEC")
    qtbot.mouseClick(page.check_proof_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r[0] == "address.address" for r in page.result_rows()), timeout=20000)

    # RIB: a new IBAN, typed with spaces.
    qtbot.keyClicks(page.iban, "fr76 3000 6000 0112 3456 7890 189")
    qtbot.keyClicks(page.holder, "MME ANNA ERIKSSON")
    qtbot.keyClick(page.holder, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(r[0] == "bank.change" for r in page.result_rows()), timeout=20000)
    rows = {name: (outcome, reason) for name, outcome, reason in page.result_rows()}
    assert all(outcome != "Échoué" for outcome, _ in rows.values()), rows
    assert rows["bank.change"][0] == "À noter"
    assert "changement de coordonnées bancaires" in page.message.text()
    assert "FR76" not in " ".join(reason for _, reason in rows.values())

    qtbot.mouseClick(page.verified_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.case is not None and not page.case.is_open, timeout=20000)
    qtbot.waitUntil(lambda: "Vérifiée le" in page.customer_label.text(), timeout=20000)
    assert "identité, adresse, coordonnées bancaires" in page.customer_label.text()
    assert not page.verified_button.isEnabled() and not page.check_mrz_button.isEnabled()
    page.grab().save(str(tmp_path / "verification.png"))

    # Coming back to the customer later shows the decided case, read-only.
    other = create(ui_context)
    qtbot.addWidget(other)
    other.load_customer(customer_id)
    qtbot.waitUntil(lambda: "est close" in other.message.text(), timeout=20000)
    assert len(other.result_rows()) == len(page.result_rows()) and other.documents.count() == 3
    assert not other.verified_button.isEnabled() and other.new_case_button.isEnabled()

    with ui_context.db.read() as s:
        case = s.execute(select(VerificationCase)).scalar_one()
        assert case.status is VerificationStatus.VERIFIED
        assert case.covered == ["identity", "address", "bank_details"]
        assert case.proposed_iban == "FR7630006000011234567890189"
        assert case.decided_at is not None


def test_unknown_client_number_is_explained(qtbot, ui_context, customer_id) -> None:  # type: ignore[no-untyped-def]
    page = create(ui_context)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.search, "TI0009999999")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Aucun client" in page.message.text(), timeout=20000)
    assert not page.new_case_button.isEnabled() or page.customer is None


def test_viewer_keyboard_zoom_rotate_fit(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.resize(600, 500)
    viewer.show()
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    viewer.show_image(QImage.fromData(png(1200, 800)), "photo")
    viewer.setFocus()
    viewer.fit()
    fitted = viewer.zoom
    assert fitted < 1
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert abs(viewer.zoom - fitted * 1.25) < 1e-6
    qtbot.keyClick(viewer, Qt.Key.Key_Minus)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus)
    assert viewer.zoom < fitted
    qtbot.keyClick(viewer, Qt.Key.Key_R)
    assert viewer.rotation == 90
    qtbot.keyClick(viewer, Qt.Key.Key_0)
    assert (
        viewer.fit_mode
        and abs(
            viewer.zoom
            - min(viewer.image_view.viewport().width() / 800, viewer.image_view.viewport().height() / 1200)
        )
        < 1e-6
    )
    assert viewer.show_pdf(pdf(3), "avis")
    assert viewer.page_label.text() == "Page 1 / 3"
    qtbot.keyClick(viewer, Qt.Key.Key_PageDown)
    qtbot.keyClick(viewer, Qt.Key.Key_PageDown)
    qtbot.keyClick(viewer, Qt.Key.Key_PageDown)
    assert viewer.current_page == 2 and viewer.page_label.text() == "Page 3 / 3"
    qtbot.keyClick(viewer, Qt.Key.Key_PageUp)
    assert viewer.current_page == 1
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert not viewer.fit_mode and viewer.pdf_view.zoomFactor() > 0
    assert not viewer.rotate_action.isEnabled()


def test_customer_file_opens_the_area_on_a_customer(qtbot, ui_context, customer_id) -> None:  # type: ignore[no-untyped-def]
    from backoffice.ui.areas.verification import open_verification_for
    from backoffice.ui.main_window import MainWindow

    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    open_verification_for(ui_context, customer_id)
    page = window.pages["verification"]
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: "ERIKSSON" in page.customer_label.text(), timeout=20000)


def test_without_an_open_case_nothing_is_uploaded_and_the_agent_is_told(  # type: ignore[no-untyped-def]
    qtbot, ui_context, customer_id, tmp_path: Path
) -> None:
    from backoffice.errors import InvalidInput
    from backoffice.ui.areas.verification import read_upload

    page = create(ui_context)
    qtbot.addWidget(page)
    page.load_customer(customer_id)
    qtbot.waitUntil(lambda: page.customer is not None, timeout=20000)
    photo = tmp_path / "cni.png"
    photo.write_bytes(png())
    drop_files(page, [photo])
    assert "Ouvrez d'abord une vérification" in page.message.text()
    qtbot.mouseClick(page.new_case_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.case is not None, timeout=20000)
    qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "motif du refus" in page.message.text(), timeout=20000)
    assert page.case.is_open  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match=r"Impossible de lire le fichier « absent\.pdf »"):
        read_upload(tmp_path / "absent.pdf", 100)
