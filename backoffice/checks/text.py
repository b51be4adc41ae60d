"""Text folding shared by search keys and identity comparisons."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`´.,;/_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(value: str | None) -> str:
    """Lower-case, accent-free, separators turned into single spaces: "Lefèvre-D'Arc" -> "lefevre d arc"."""
    if not value:
        return ""
    folded = strip_accents(value).lower()
    return _SEPARATORS.sub(" ", folded).strip()
