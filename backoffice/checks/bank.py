"""IBAN and French RIB checks for customers' bank details.

A change of IBAN is a classic fraud vector and a typing mistake sends an indemnity to a stranger, so a
French IBAN must pass both its international mod-97 check and the RIB key of the account it embeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import IBAN
from schwifty import exceptions as iban_errors

MASK = "•"
# Countries whose IBAN embeds a French RIB (bank 5, branch 5, account 11, key 2).
RIB_COUNTRIES = frozenset({"FR", "MC"})
_RIB_LETTER_DIGITS = {
    **dict.fromkeys("AJ", "1"),
    **dict.fromkeys("BKS", "2"),
    **dict.fromkeys("CLT", "3"),
    **dict.fromkeys("DMU", "4"),
    **dict.fromkeys("ENV", "5"),
    **dict.fromkeys("FOW", "6"),
    **dict.fromkeys("GPX", "7"),
    **dict.fromkeys("HQY", "8"),
    **dict.fromkeys("IRZ", "9"),
}
_PREFIX = re.compile(r"^\s*IBAN\s*[:.]?\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-.]+")
_BANK = re.compile(r"\d{5}")
_ACCOUNT = re.compile(r"[0-9A-Z]{11}")
_KEY = re.compile(r"\d{2}")


@dataclass(frozen=True)
class RibCheck:
    bank_code: str
    branch_code: str
    account_number: str
    key: str
    expected_key: str | None
    reason: str | None = None

    @property
    def valid(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class IbanCheck:
    """Outcome of an IBAN check; `reason` (French) is None exactly when the IBAN is valid."""

    iban: str
    reason: str | None
    country_code: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    rib: RibCheck | None = None

    @property
    def valid(self) -> bool:
        return self.reason is None


def normalize_iban(raw: str | None) -> str:
    """Compact upper-case IBAN from what was typed or pasted ("IBAN : fr76 3000 …")."""
    if not raw:
        return ""
    return _SEPARATORS.sub("", _PREFIX.sub("", raw)).upper()


def _rib_number(value: str) -> int:
    return int("".join(_RIB_LETTER_DIGITS.get(c, c) for c in value))


def rib_key(bank_code: str, branch_code: str, account_number: str) -> str:
    """French RIB key: 97 − ((89·bank + 15·branch + 3·account) mod 97), account letters mapped to digits."""
    bank, branch, account = bank_code.upper(), branch_code.upper(), account_number.upper()
    if not (_BANK.fullmatch(bank) and _BANK.fullmatch(branch) and _ACCOUNT.fullmatch(account)):
        raise ValueError(
            "RIB mal formé : code banque et code guichet de 5 chiffres, numéro de compte de 11 caractères"
        )
    total = 89 * _rib_number(bank) + 15 * _rib_number(branch) + 3 * _rib_number(account)
    return f"{97 - total % 97:02d}"


def check_rib(bank_code: str, branch_code: str, account_number: str, key: str) -> RibCheck:
    """Check a RIB typed field by field (a paper RIB or a cheque), with a French reason when it fails."""
    parts = [_SEPARATORS.sub("", part).upper() for part in (bank_code, branch_code, account_number, key)]
    bank, branch, account, typed_key = parts
    problems = []
    if not _BANK.fullmatch(bank):
        problems.append(f"code banque « {bank} » : 5 chiffres attendus")
    if not _BANK.fullmatch(branch):
        problems.append(f"code guichet « {branch} » : 5 chiffres attendus")
    if not _ACCOUNT.fullmatch(account):
        problems.append(f"numéro de compte « {account} » : 11 chiffres ou lettres attendus")
    if not _KEY.fullmatch(typed_key):
        problems.append(f"clé RIB « {typed_key} » : 2 chiffres attendus")
    if problems:
        return RibCheck(bank, branch, account, typed_key, None, "RIB mal formé : " + " ; ".join(problems))
    expected = rib_key(bank, branch, account)
    reason = None
    if typed_key != expected:
        reason = (
            f"clé RIB incorrecte : {typed_key} saisie, {expected} attendue pour ce compte — "
            "vérifiez la saisie"
        )
    return RibCheck(bank, branch, account, typed_key, expected, reason)


def check_iban(raw: str | None) -> IbanCheck:
    """Validate an IBAN with schwifty, then the embedded RIB key for French accounts."""
    compact = normalize_iban(raw)
    if not compact:
        return IbanCheck(compact, "IBAN vide")
    bad = sorted({c for c in compact if not ("0" <= c <= "9" or "A" <= c <= "Z")})
    if bad:
        shown = " ".join(f"« {c} »" for c in bad)
        return IbanCheck(compact, f"caractère(s) non autorisé(s) dans l'IBAN : {shown}")
    country = compact[:2]
    try:
        iban = IBAN(compact)
    except iban_errors.InvalidCountryCode:
        return IbanCheck(
            compact, f"code pays « {country} » inconnu : un IBAN commence par le code du pays (FR…)"
        )
    except iban_errors.InvalidLength:
        return IbanCheck(compact, _length_reason(compact), country)
    except iban_errors.InvalidChecksumDigits:
        return IbanCheck(compact, "clé IBAN incorrecte (contrôle modulo 97) : vérifiez la saisie", country)
    except iban_errors.SchwiftyException:
        return IbanCheck(compact, f"format incorrect pour un IBAN {country} : vérifiez la saisie", country)
    bic = iban.bic
    bank_name = iban.bank_name
    rib = None
    reason = None
    if country in RIB_COUNTRIES:
        bban = compact[4:]
        rib = check_rib(bban[0:5], bban[5:10], bban[10:21], bban[21:23])
        reason = rib.reason
    return IbanCheck(compact, reason, country, str(bic) if bic else None, bank_name or None, rib)


def _length_reason(compact: str) -> str:
    country = compact[:2]
    expected = _expected_length(country)
    if expected is None:
        return f"longueur incorrecte : {len(compact)} caractères"
    return f"longueur incorrecte : {len(compact)} caractères au lieu de {expected} pour un IBAN {country}"


def _expected_length(country: str) -> int | None:
    try:
        return IBAN(f"{country}00", allow_invalid=True).spec.iban_length
    except iban_errors.SchwiftyException:
        return None


def format_iban(iban: str) -> str:
    """Groups of four, the way it is printed on a RIB: "FR76 3000 6000 0112 3456 7890 189"."""
    compact = normalize_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(iban: str) -> str:
    """Only the last 4 characters: enough to tell accounts apart, not to use one.

    "•••• •••• •••• •••• •••• •••1 890". Short or malformed input keeps at most half of its characters.
    """
    compact = normalize_iban(iban)
    head = 0
    tail = min(4, len(compact) // 2) if len(compact) <= 8 else 4
    masked = "".join(c if i < head or i >= len(compact) - tail else MASK for i, c in enumerate(compact))
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))
