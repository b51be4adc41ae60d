"""Render every template with the fixed sample data and write docs/letters/<template>.png (pdftoppm -r 60).

Run from the repository root: ``python scripts/letters_pngs.py``. Needs Debian's poppler-utils (pdftoppm).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backoffice.letters import render  # noqa: E402
from tests.letters.samples import SAMPLES, sample_input  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "letters"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for code in SAMPLES:
            pdf = Path(tmp) / f"{code}.pdf"
            pdf.write_bytes(render(sample_input(code)).pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-singlefile", str(pdf), str(out / code)],
                check=True,
            )
            print(out / f"{code}.png")


if __name__ == "__main__":
    main()
