"""One PDF for the printer from many letters (pypdf)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from pypdf import PdfReader, PdfWriter


def merge_pdfs(pdfs: Iterable[bytes]) -> bytes:
    """Concatenate the letters in order. Every letter embeds byte-identical font subsets (see ``fonts``), so
    identical objects are stored once and a merged batch stays small."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(BytesIO(pdf)))
    writer.compress_identical_objects()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
