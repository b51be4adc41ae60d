from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from backoffice.ui.areas import letters as area
from backoffice.ui.context import AppContext
from backoffice.ui.pdf_preview import PdfPreview
from tests.letters.conftest import Case
from tests.letters.samples import sample_input


def test_pdf_preview_pages_and_zoom(qtbot) -> None:  # type: ignore[no-untyped-def]
    from backoffice.letters import merge_pdfs, render

    preview = PdfPreview()
    qtbot.addWidget(preview)
    assert preview.page_label.text() == "Aucun document" and not preview.next_button.isEnabled()
    two_pages = merge_pdfs([render(sample_input("ack_claim")).pdf, render(sample_input("vehicle_memo")).pdf])
    preview.set_pdf(two_pages)
    assert preview.page_count() == 2 and preview.page_label.text() == "Page 1/2"
    preview.next_button.click()
    assert preview.current_page() == 1 and preview.page_label.text() == "Page 2/2"
    assert not preview.next_button.isEnabled() and preview.previous_button.isEnabled()
    before = preview.view.zoomFactor()
    preview.zoom_in_button.click()
    assert preview.view.zoomFactor() > before


def test_preview_then_archive_then_mark_sent(qtbot, ui_context: AppContext, case: Case) -> None:  # type: ignore[no-untyped-def]
    page = area.create(ui_context)
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.target_edit.setText("ti 000 1234567")
    page.find_button.click()
    qtbot.waitUntil(lambda: page.target is not None, timeout=10000)
    assert "TI0001234567" in page.target_label.text()
    assert not page.archive_button.isEnabled()
    page.template_combo.setCurrentIndex(page.template_combo.findData("missing_documents"))
    assert page.list_edit.isVisible() or not page.isVisible()
    page.list_edit.setPlainText("Le constat amiable\nDeux photographies des dommages")
    page.preview_button.click()
    qtbot.waitUntil(lambda: page.previewed is not None, timeout=10000)
    assert page.preview_widget.page_count() == 1 and page.archive_button.isEnabled()
    assert page.model.rowCount() == 0
    page.archive_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert "archivé" in page.message.text()
    assert page.model.data(page.model.index(0, 5), Qt.ItemDataRole.DisplayRole) == "À envoyer"
    page.table.selectRow(0)
    assert page.post_button.isEnabled()
    page.post_button.click()
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 1 and page.model.rows[0].status == "Envoyé par courrier",
        timeout=10000,
    )
    page.table.selectRow(0)
    assert not page.post_button.isEnabled()
    page.reprint_button.click()
    qtbot.waitUntil(lambda: "Courrier archivé" in page.message.text(), timeout=10000)


def test_missing_list_is_reported_in_french(qtbot, ui_context: AppContext, case: Case) -> None:  # type: ignore[no-untyped-def]
    page = area.create(ui_context)
    qtbot.addWidget(page)
    page.open_customer(case.customer_id)
    qtbot.waitUntil(lambda: page.target is not None, timeout=10000)
    page.template_combo.setCurrentIndex(page.template_combo.findData("missing_documents"))
    page.preview_button.click()
    qtbot.waitUntil(lambda: "Pièces demandées" in page.message.text(), timeout=10000)
    assert page.previewed is None


def test_batch_dialog_with_progress_writes_the_merged_pdf(  # type: ignore[no-untyped-def]
    qtbot, ui_context: AppContext, case: Case, agents, tmp_path: Path
) -> None:
    ui_context.actor = agents["claims_handler"]
    dialog = area.BatchDialog(ui_context)
    qtbot.addWidget(dialog)
    target = tmp_path / "lot.pdf"
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert dialog.result.message() == "1 courrier(s) produit(s) sur 1."
    assert len(PdfReader(target).pages) == 1
    assert "1 courrier(s) produit(s) sur 1." in dialog.status.text()


def test_batch_dialog_cancel_stops_the_batch(
    qtbot, ui_context: AppContext, case: Case, agents, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ui_context.actor = agents["claims_handler"]
    dialog = area.BatchDialog(ui_context)
    qtbot.addWidget(dialog)
    dialog.separate.setChecked(True)
    dialog.path.setText(str(tmp_path / "lot"))
    dialog.cancel_event.set()
    dialog.cancel_event.clear = lambda: None  # the agent pressed « Annuler » before the first letter
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert dialog.result.cancelled and not dialog.result.letters
    assert "interrompu" in dialog.status.text()
