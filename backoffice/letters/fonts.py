"""The bundled DejaVu fonts, registered once per process and tuned for many small letters.

Letters must show accents, « », € and the narrow no-break space of French amounts on any workstation, so
the TrueType files ship in ``backoffice/resources/fonts`` (DejaVu's licence permits it) and are embedded.

ReportLab builds a fresh font subset per document, in the order characters first appear: two letters
then embed different subsets, and subsetting dominates the cost of a one-page letter. Every document
here starts with the same fixed alphabet in subset 0, so (a) the subset, its compressed stream and the
character mapping are computed once per process and reused, and (b) every letter embeds byte-identical
font objects, which a merged printer file deduplicates. Characters outside the alphabet still work:
they go through ReportLab's normal path.
"""

from __future__ import annotations

import copy
import zlib
from pathlib import Path
from threading import Lock
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, TTFontFace, makeToUnicodeCMap

FONTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"

REGULAR = "LetterSans"
BOLD = "LetterSans-Bold"
ITALIC = "LetterSans-Oblique"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}

# ASCII is placed by ReportLab itself; this adds printable Latin-1 and French typography.
ALPHABET = "".join(chr(c) for c in range(0xA1, 0x100)) + "€«»‘’“”…–—•œŒŸ\u202f\u2009−№✓"

_registered = False
_lock = Lock()


class _CachingZCompress:
    """FlateDecode with a memo: the same font subset is compressed once per process, not once per letter."""

    pdfname = "FlateDecode"

    def __init__(self) -> None:
        self._memo: dict[bytes, bytes] = {}

    def encode(self, content: bytes | str) -> bytes:
        data = content.encode("utf8") if isinstance(content, str) else content
        compressed = self._memo.get(data)
        if compressed is None:
            compressed = zlib.compress(data)
            if len(self._memo) < 32:
                self._memo[data] = compressed
        return compressed

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


_COMPRESS = _CachingZCompress()


class _CachedFace(TTFontFace):
    """A font face that builds each distinct subset once."""

    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self._subsets: dict[tuple[int, ...], bytes] = {}

    def makeSubset(self, subset: list[int]) -> bytes:
        key = tuple(subset)
        data = self._subsets.get(key)
        if data is None:
            data = super().makeSubset(subset)
            if len(self._subsets) < 16:
                self._subsets[key] = data
        return data

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        reference = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters:
            stream.filters = [_COMPRESS]
        return reference


class _Preformatted(pdfdoc.PDFObject):
    """A PDF value formatted once (the 200-odd glyph widths of a subset) and reused by every letter."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class LetterFont(TTFont):
    """A TrueType font whose documents all start from the same subset 0 (see the module docstring)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.face = _CachedFace(filename)
        self._table: dict[int, int] | None = None
        self._seed_state: Any = None
        self._subset_objects: dict[tuple[int, ...], tuple[bytes, str]] = {}

    def addObjects(self, doc: Any) -> None:
        """ReportLab's TTFont.addObjects, with the widths array and ToUnicode map built once per subset."""
        state = self._assignState(doc)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode(
                "pdfdoc"
            )
            key = (n, *subset)
            cached = self._subset_objects.get(key)
            if cached is None:
                widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset))).format(doc)
                cached = (widths, makeToUnicodeCMap(base_font_name, subset))
                if len(self._subset_objects) < 16:
                    self._subset_objects[key] = cached
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal_name
            font.BaseFont = base_font_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Preformatted(cached[0])
            cmap = pdfdoc.PDFStream()
            cmap.content = cached[1]
            if doc.compression:
                cmap.filters = [_COMPRESS]
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if doc not in self.state:
            self._seed(doc)
        if self._table is not None:
            try:
                return [(0, text.translate(self._table).encode("latin-1"))]
            except UnicodeEncodeError:
                pass  # a character outside the alphabet: ReportLab assigns it a code
        return super().splitString(text, doc, encoding)

    def _seed(self, doc: Any) -> None:
        """Give a new document the fixed subset 0: computed once, then copied (cheaper than re-assigning)."""
        if self._seed_state is None:
            super().splitString(ALPHABET, doc)
            self._seed_state = copy.copy(self.state[doc])
            self._seed_state.assignments = dict(self._seed_state.assignments)
            self._seed_state.subsets = [list(s) for s in self._seed_state.subsets]
            self._table = self._mapping(doc)
            return
        state = copy.copy(self._seed_state)
        state.assignments = dict(self._seed_state.assignments)
        state.subsets = [list(s) for s in self._seed_state.subsets]
        self.state[doc] = state

    def _mapping(self, doc: Any) -> dict[int, int] | None:
        assignments: dict[int, int] = self.state[doc].assignments
        if any(code > 0xFF for code in assignments.values()):
            return None
        table = {char: code for char, code in assignments.items() if char >= 32}
        table[0xA0] = 32  # ReportLab prints a no-break space with the space glyph
        for char in range(0x100):
            table.setdefault(char, 0x100)  # not in the alphabet: force ReportLab's own path
        return table


def register_fonts() -> None:
    """Register the three faces once per process; later calls cost nothing."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(LetterFont(name, str(FONTS_DIR / filename)))
        _registered = True


_widths: dict[tuple[str, str, float], float] = {}


def string_width(text: str, font: str, size: float) -> float:
    """Width in points, memoised: letters of one template measure the same words again and again."""
    key = (text, font, size)
    width = _widths.get(key)
    if width is None:
        width = float(pdfmetrics.stringWidth(text, font, size))
        if len(_widths) < 200_000:
            _widths[key] = width
    return width
