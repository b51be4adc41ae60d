"""Help → Guide: each role's French guide exists, renders, and every screenshot it shows is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backoffice.models import Role
from backoffice.ui.guide import GUIDE_FILES, GuideDialog, guide_dir

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_its_guide_with_every_image_present(qtbot, role: Role) -> None:  # type: ignore[no-untyped-def]
    folder = guide_dir()
    assert folder is not None
    path = folder / GUIDE_FILES[role]
    assert path.is_file(), f"guide manquant : {path}"
    dialog = GuideDialog(role)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert len(text) > 500
    assert "Guide indisponible" not in text
    images = IMAGE.findall(path.read_text(encoding="utf-8"))
    assert images, "un guide montre les écrans"
    missing = [i for i in images if not (folder / i).resolve().is_file()]
    assert not missing, f"images absentes : {missing}"


def test_the_guide_index_links_to_existing_pages() -> None:
    folder = guide_dir()
    assert folder is not None
    readme = (folder / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+\.md)\)", readme)
    assert set(GUIDE_FILES.values()) <= set(links)
    assert all((folder / link).is_file() for link in links)


def test_readme_shows_every_screen() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"docs/screens/([\w-]+\.png)", readme))
    assert shown, "la section « Écrans » du README montre les captures"
    assert all((root / "docs" / "screens" / name).is_file() for name in shown)
