"""What a fresh Python process imports: start-up costs are decided by imports, and a test process has them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fresh_output(code: str) -> list[str]:
    """Run ``code`` in a new interpreter from the project root; its printed words."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return result.stdout.split()
