"""Golden files: each template rendered with fixed data gives the expected text, and the same bytes every time.

Regenerate the expected texts after a deliberate wording change (and bump the template's version):
``BACKOFFICE_UPDATE_GOLDEN=1 pytest tests/letters/test_golden.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from backoffice.letters import current_templates, render
from tests.letters.samples import SAMPLES, sample_input

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parents[2]


def extract(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages) + "\n"


def test_every_template_has_a_sample() -> None:
    assert {t.code for t in current_templates()} == set(SAMPLES)


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_text_matches_the_golden_file(code: str) -> None:
    text = extract(render(sample_input(code)).pdf)
    path = GOLDEN / f"{code}.txt"
    if os.environ.get("BACKOFFICE_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _hashes() -> dict[str, str]:
    return {code: render(sample_input(code)).sha256 for code in sorted(SAMPLES)}


def test_same_inputs_give_the_same_bytes_in_one_process() -> None:
    first = _hashes()
    assert _hashes() == first
    assert len(set(first.values())) == len(first)


def test_same_inputs_give_the_same_bytes_in_another_process() -> None:
    script = (
        "import json; from tests.letters.samples import SAMPLES, sample_input; "
        "from backoffice.letters import render; "
        "print(json.dumps({c: render(sample_input(c)).sha256 for c in sorted(reversed(list(SAMPLES)))}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output) == _hashes()
