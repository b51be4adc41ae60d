"""Render the application icon (backoffice/resources/icons/app.svg) to the raster files installers need.

Run at build time by backoffice.spec so no binary image is committed: a 256×256 PNG (Linux menus, Inno Setup
wizard) and a multi-size ICO (Windows executable and shortcuts).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent.parent / "backoffice" / "resources" / "icons" / "app.svg"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def render(out_dir: Path, size: int = 256) -> tuple[Path, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"icône illisible : {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out_dir.mkdir(parents=True, exist_ok=True)
    png = out_dir / "backoffice.png"
    if not image.save(str(png), "PNG"):
        raise SystemExit(f"impossible d'écrire {png}")
    ico = out_dir / "backoffice.ico"
    Image.open(png).save(ico, format="ICO", sizes=ICO_SIZES)
    return png, ico


if __name__ == "__main__":
    for path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")):
        print(path)
