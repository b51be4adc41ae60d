"""French postal addresses (AFNOR NF Z10-011): comparison for proofs of address, and the letter block.

A proof of address says "6 bd de la République" where the file says "6 boulevard de la Republique": both
are read into one comparison form. Letters must fit the 6 × 38 block La Poste's sorting machines read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from backoffice.checks.text import fold

MAX_LINES = 6
MAX_WIDTH = 38
FRANCE = "FRANCE"

# Abbreviation -> full word, for comparison (folded forms).
_ABBREVIATIONS = {
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "avn": "avenue",
    "r": "rue",
    "pl": "place",
    "chem": "chemin",
    "ch": "chemin",
    "che": "chemin",
    "all": "allee",
    "imp": "impasse",
    "rte": "route",
    "fg": "faubourg",
    "fbg": "faubourg",
    "st": "saint",
    "ste": "sainte",
    "apt": "appartement",
    "app": "appartement",
    "appt": "appartement",
    "bat": "batiment",
    "bt": "batiment",
    "bat.": "batiment",
    "res": "residence",
    "resid": "residence",
    "sq": "square",
    "crs": "cours",
    "qu": "quai",
    "qua": "quai",
    "pass": "passage",
    "lot": "lotissement",
    "lotis": "lotissement",
    "ham": "hameau",
    "esc": "escalier",
    "etg": "etage",
    "prom": "promenade",
    "carr": "carrefour",
    "rpt": "rond point",
    "sen": "sentier",
    "vla": "villa",
    "za": "zone d activite",
    "zi": "zone industrielle",
    "gal": "general",
    "mal": "marechal",
    "pdt": "president",
    "pr": "professeur",
    "dr": "docteur",
}
# Full word -> AFNOR abbreviation, used only when a street line does not fit in 38 characters.
_SHORTENINGS = (
    ("BOULEVARD", "BD"),
    ("AVENUE", "AV"),
    ("FAUBOURG", "FG"),
    ("IMPASSE", "IMP"),
    ("RESIDENCE", "RES"),
    ("BATIMENT", "BAT"),
    ("APPARTEMENT", "APT"),
    ("LOTISSEMENT", "LOT"),
    ("PROMENADE", "PROM"),
    ("CHEMIN", "CHEM"),
    ("ROUTE", "RTE"),
    ("PLACE", "PL"),
    ("SQUARE", "SQ"),
    ("GENERAL", "GAL"),
    ("MARECHAL", "MAL"),
    ("PRESIDENT", "PDT"),
    ("SAINTE", "STE"),
    ("SAINT", "ST"),
)
_REPETITIONS = {
    "b": "bis",
    "bis": "bis",
    "t": "ter",
    "ter": "ter",
    "q": "quater",
    "qua": "quater",
    "quater": "quater",
}
_NUMBER_WITH_SUFFIX = re.compile(r"^(\d+)(bis|ter|quater|b|t|q)$")
_NUMBER_SIGN = re.compile(r"\bn\s*[°º]\s*", re.IGNORECASE)
_POSTCODE_CITY = re.compile(r"^(?:F\s*-\s*)?(\d{5})\s+(.+)$", re.IGNORECASE)
_HOUSE_NUMBER_ONLY = re.compile(r"\s*\d+\s*(?:bis|ter|quater|[btq])?\s*", re.IGNORECASE)
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$")
_FRANCE_NAMES = frozenset({"", "fr", "fra", "france", "france metropolitaine"})


def normalize_address_line(line: str | None) -> str:
    """Comparison form of an address line: folded, abbreviations expanded, "6B" and "6 b" read as "6 bis"."""
    text = fold(_NUMBER_SIGN.sub(" ", line or ""))
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words: list[str] = []
    for token in text.split():
        match = _NUMBER_WITH_SUFFIX.match(token)
        if match:
            words += [match.group(1), _REPETITIONS[match.group(2)]]
        elif words and words[-1].isdigit() and token in _REPETITIONS:
            words.append(_REPETITIONS[token])
        else:
            words.append(_ABBREVIATIONS.get(token, token))
    return " ".join(words)


@dataclass(frozen=True)
class AddressMatch:
    matched: bool
    reason: str | None = None


@dataclass(frozen=True)
class _ParsedAddress:
    street_lines: tuple[str, ...]
    postcode: str | None
    city: str | None


def _parse(address: str | Sequence[str]) -> _ParsedAddress:
    raw_lines = [part for line in _lines(address) for part in _split_commas(line)]
    street: list[str] = []
    postcode = city = None
    for raw in raw_lines:
        match = _POSTCODE_CITY.match(raw.strip())
        if match and postcode is None:
            postcode, city = match.group(1), _normalize_city(match.group(2))
            continue
        line = normalize_address_line(raw)
        if line and line not in _FRANCE_NAMES:
            street.append(line)
    return _ParsedAddress(tuple(street), postcode, city)


def _lines(address: str | Sequence[str]) -> list[str]:
    return address.splitlines() if isinstance(address, str) else list(address)


def _split_commas(line: str) -> list[str]:
    """Commas separate address lines typed on one line, except the one after a house number ("6, rue")."""
    parts: list[str] = []
    for part in line.split(","):
        if parts and _HOUSE_NUMBER_ONLY.fullmatch(parts[-1]):
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return parts


def _normalize_city(city: str) -> str:
    return _CEDEX.sub("", normalize_address_line(city))


def addresses_match(a: str | Sequence[str], b: str | Sequence[str]) -> AddressMatch:
    """Compare two addresses (text with lines or commas, or a list of lines), postcode and city included.

    Complement lines (building, flat) present on one side only do not prevent a match: proofs of address
    often omit them. The street line itself must be the same once abbreviations are expanded.
    """
    left, right = _parse(a), _parse(b)
    if left.postcode is None or right.postcode is None:
        return AddressMatch(
            False, "code postal introuvable dans l'une des adresses (5 chiffres suivis de la ville)"
        )
    if left.postcode != right.postcode:
        return AddressMatch(False, f"code postal différent : {left.postcode} / {right.postcode}")
    if left.city != right.city:
        return AddressMatch(False, f"ville différente : « {left.city} » / « {right.city} »")
    if not left.street_lines or not right.street_lines:
        return AddressMatch(False, "numéro et voie absents de l'une des adresses")
    if set(left.street_lines) & set(right.street_lines):
        return AddressMatch(True)
    if "".join(left.street_lines).replace(" ", "") == "".join(right.street_lines).replace(" ", ""):
        return AddressMatch(True)
    return AddressMatch(
        False,
        f"voie différente : « {' / '.join(left.street_lines)} » / « {' / '.join(right.street_lines)} »",
    )


def afnor_upper(value: str) -> str:
    """Upper case without accents, hyphens or apostrophes, as on the last lines of an AFNOR block."""
    return fold(value).upper()


def _clean_line(value: str) -> str:
    value = re.sub(r"(\d)\s*,", r"\1", value)
    return " ".join(value.split())


def _shorten(line: str) -> str:
    """Apply AFNOR abbreviations word by word, longest words first, until the line fits."""
    words = line.split()
    for full, short in _SHORTENINGS:
        if len(" ".join(words)) <= MAX_WIDTH:
            break
        words = [short if fold(word).upper() == full else word for word in words]
    return " ".join(words)


def _is_france(country: str | None) -> bool:
    return fold(country) in _FRANCE_NAMES


def format_postal_block(
    recipient_lines: Sequence[str],
    street: str,
    complement: str = "",
    postcode: str = "",
    city: str = "",
    country: str | None = None,
    *,
    delivery_point: str = "",
) -> list[str]:
    """Lines of an NF Z10-011 address block: at most 6 lines of 38 characters.

    Order: recipient lines, complement (flat, building), number and street, delivery point (BP, lieu-dit),
    postcode and city, country when abroad. Raises ValueError with a French message when it cannot fit.
    """
    abroad = not _is_france(country)
    if not abroad and not re.fullmatch(r"\d{5}", postcode.strip()):
        raise ValueError(
            f"code postal « {postcode} » invalide : 5 chiffres attendus pour une adresse en France"
        )
    if not city.strip():
        raise ValueError("ville manquante : l'adresse ne peut pas être distribuée")
    if not street.strip() and not delivery_point.strip():
        raise ValueError("voie manquante : indiquez le numéro et le nom de la voie (ou une boîte postale)")
    body = [_clean_line(line) for line in (*recipient_lines, complement, street, delivery_point)]
    body = [line for line in body if line]
    city_line = afnor_upper(f"{postcode} {city}")
    if len(city_line) > MAX_WIDTH:
        city_line = _shorten(city_line)
    last = [city_line]
    if abroad and country is not None:
        last.append(afnor_upper(country))
    lines = [_shorten(line) if len(line) > MAX_WIDTH else line for line in body] + last
    too_long = [line for line in lines if len(line) > MAX_WIDTH]
    if too_long:
        raise ValueError(
            f"la ligne « {too_long[0]} » compte {len(too_long[0])} caractères : {MAX_WIDTH} au maximum "
            "(norme NF Z10-011) ; abrégez-la"
        )
    if len(lines) > MAX_LINES:
        raise ValueError(
            f"l'adresse compte {len(lines)} lignes : {MAX_LINES} au maximum (norme NF Z10-011) ; "
            "regroupez ou supprimez un complément"
        )
    return lines
