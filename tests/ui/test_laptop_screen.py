"""Every area fits a 1366×768 laptop screen: nothing is cut off and the window never grows past the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from backoffice.ui import persist
from backoffice.ui.main_window import MainWindow

SCREEN = (1366, 768)
OWNED_ELSEWHERE: set[str] = set()


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        persist, "_store", QSettings(str(tmp_path / "backoffice.ini"), QSettings.Format.IniFormat)
    )


@pytest.mark.parametrize("role", ["agent", "supervisor", "claims_handler"])
def test_every_area_fits_a_laptop_screen(qtbot, ui_context, agents, role: str) -> None:  # type: ignore[no-untyped-def]
    ui_context.actor = agents[role]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    too_big = {}
    for area in window.areas:
        if area.key in OWNED_ELSEWHERE:
            continue
        window.show_area(area.key)
        hint = window.minimumSizeHint()
        if hint.width() > SCREEN[0] or hint.height() > SCREEN[1]:
            too_big[area.key] = (hint.width(), hint.height())
    assert too_big == {}
    window.close()


def test_customer_file_with_possible_duplicates_fits_a_laptop_screen(qtbot, ui_context, agents, db) -> None:  # type: ignore[no-untyped-def]
    """The banner of possible duplicates (with the supervisor's merge choice) adds no height past the screen."""
    from datetime import date

    from tests.factories import make_contract, make_customer

    with db.write() as s:
        twins = [
            make_customer(
                s,
                last_name="Lefèvre",
                first_names="Marie-Hélène",
                birth_date=date(1971, 3, 4),
                email=f"m{i}@x.fr",
            )
            for i in range(9)
        ]
        for twin in twins:
            make_contract(s, twin)
        customer_id = twins[0].id
    ui_context.actor = agents["supervisor"]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    window.open_customer(customer_id)
    file_view = window.pages["lookup"].file_view  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: file_view.customer_id == customer_id and file_view.duplicates.isVisible(), timeout=20000
    )
    hint = window.minimumSizeHint()
    assert hint.height() <= SCREEN[1] and hint.width() <= SCREEN[0], (hint.width(), hint.height())
    assert "… et 5 autres" in file_view.duplicates_text.text()  # eight twins: three listed, five summed up
    assert len(file_view.duplicates_text.toolTip().splitlines()) == 8
    assert file_view.duplicate_choice.count() == 8  # every one can still be merged
    window.close()
