"""Client and contract numbers as agents type them ("ti 000 1234567", "aut1234567") turned canonical.

Lookups only ever use the canonical form, so one customer is never found under two spellings.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import NamedTuple

CLIENT_PREFIX = "TI"
FILLER = "000"
SERIAL_DIGITS = 7
MAX_SERIAL = 10**SERIAL_DIGITS - 1
# Longer input is not an identifier typed by hand; refusing it early keeps pasted documents cheap.
_MAX_INPUT_LENGTH = 64

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_./]+")
# The same characters as a table for ``str.translate`` (a third of the pattern's cost on what agents type):
# ``\s`` is what ``str.isspace`` holds, all of it below U+3001 (tests/checks/test_identifiers.py checks every
# code point).
_SEPARATOR_TABLE = str.maketrans(
    "", "", "-‐‑‒–—_./" + "".join(c for c in map(chr, range(0x3001)) if c.isspace())
)
_CLIENT = re.compile(r"(?:TI)?(?:000)?([0-9]{7})")
_CONTRACT = re.compile(r"(AUT|MOT)(?:000)?([0-9]{7})")
# Every form at once, for the search box: product (a contract), "TI" (a client), the filler, the serial.
_ANY = re.compile(r"(?:(AUT|MOT)|(TI))?(?:000)?([0-9]{7})")


class ContractProduct(StrEnum):
    CAR = "AUT"
    TWO_WHEELER = "MOT"


class IdentifierKind(StrEnum):
    CLIENT_NUMBER = "client_number"
    CAR_CONTRACT = "car_contract"
    TWO_WHEELER_CONTRACT = "two_wheeler_contract"


_KIND_OF_PRODUCT = {
    ContractProduct.CAR: IdentifierKind.CAR_CONTRACT,
    ContractProduct.TWO_WHEELER: IdentifierKind.TWO_WHEELER_CONTRACT,
}


class IdentifierCandidate(NamedTuple):
    """One thing the typed text could be, in canonical form, ready for an exact lookup (a named tuple: the
    search box builds one at each keystroke)."""

    kind: IdentifierKind
    value: str


def _compact(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > _MAX_INPUT_LENGTH:
        return None
    folded = (text if text.isascii() else unicodedata.normalize("NFKC", text)).upper()  # NFKC keeps ASCII
    compact = folded.translate(_SEPARATOR_TABLE)
    return compact if compact.isascii() else None


def _check_serial(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_SERIAL:
        raise ValueError(f"Numéro hors limites : {n!r} (attendu de 0 à {MAX_SERIAL}).")


def format_client_number(n: int) -> str:
    """12 characters: TI + 000 + 7 digits."""
    _check_serial(n)
    return f"{CLIENT_PREFIX}{FILLER}{n:0{SERIAL_DIGITS}d}"


def format_contract_number(product: ContractProduct | str, n: int) -> str:
    """AUT or MOT + 000 + 7 digits."""
    try:
        prefix = ContractProduct(product.strip().upper() if isinstance(product, str) else product)
    except ValueError:
        raise ValueError(f"Produit inconnu : {product!r} (attendu AUT ou MOT).") from None
    _check_serial(n)
    return f"{prefix.value}{FILLER}{n:0{SERIAL_DIGITS}d}"


def normalize_client_number(text: str) -> str | None:
    """Canonical client number, or None when the text cannot be one.

    Accepts lower case, spaces, dashes and a missing "TI" or "000": "1234567", "ti 000 1234567".
    """
    compact = _compact(text)
    return _client_number(compact) if compact else None


def _client_number(compact: str) -> str | None:
    match = _CLIENT.fullmatch(compact)
    return f"{CLIENT_PREFIX}{FILLER}{match.group(1)}" if match else None


def normalize_contract_number(text: str) -> str | None:
    """Canonical contract number, or None. The product prefix is required: bare digits could be either."""
    compact = _compact(text)
    return _contract_number(compact) if compact else None


def _contract_number(compact: str) -> str | None:
    match = _CONTRACT.fullmatch(compact)
    return f"{match.group(1)}{FILLER}{match.group(2)}" if match else None


def classify_identifier(text: str) -> tuple[IdentifierCandidate, ...]:
    """Every identifier the text could be; bare digits could be a client or either kind of contract."""
    compact = _compact(text)
    if not compact:
        return ()
    match = _ANY.fullmatch(compact)  # the forms ``_CLIENT`` and ``_CONTRACT`` read, in one pass
    if match is None:
        return ()
    product, client_prefix, serial = match.groups()
    if product is not None:
        return (
            IdentifierCandidate(_KIND_OF_PRODUCT[ContractProduct(product)], f"{product}{FILLER}{serial}"),
        )
    client = IdentifierCandidate(IdentifierKind.CLIENT_NUMBER, f"{CLIENT_PREFIX}{FILLER}{serial}")
    if client_prefix is not None:
        return (client,)
    return (
        client,
        *(IdentifierCandidate(_KIND_OF_PRODUCT[p], f"{p.value}{FILLER}{serial}") for p in ContractProduct),
    )
