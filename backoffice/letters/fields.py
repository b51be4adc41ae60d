"""Named, typed template fields, checked before anything is drawn.

A letter that goes out with a blank where the claim number should be is worse than no letter: every
required field must be present and well typed, and the error names the missing ones in French. Values are
normalised to JSON-friendly forms (ISO dates, amounts as strings) because the same values are archived
with the letter and must regenerate the very same PDF later.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from backoffice.checks.bank import normalize_iban
from backoffice.errors import InvalidInput
from backoffice.letters.formatting import french_amount, french_coefficient, french_date, french_percent

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Kind(enum.Enum):
    TEXT = "texte"
    DATE = "date"
    AMOUNT = "montant"
    COEFFICIENT = "coefficient"
    PERCENT = "pourcentage"
    INTEGER = "nombre"
    BOOL = "oui/non"
    TEXT_LIST = "liste"
    ROWS = "tableau"


class MissingFields(InvalidInput):
    """Required fields absent or empty: the letter is not rendered."""

    def __init__(self, template_title: str, missing: Sequence[Field]) -> None:
        names = ", ".join(f"« {f.label} » ({f.name})" for f in missing)
        plural = "s" if len(missing) > 1 else ""
        super().__init__(
            f"Courrier « {template_title} » : champ{plural} obligatoire{plural} manquant{plural} : {names}. "
            "Le courrier n'a pas été produit.",
            missing[0].name,
        )
        self.missing = tuple(f.name for f in missing)


MASKED_PREFIX = "IBAN se terminant par "


def mask_last4(value: str) -> str:
    """An IBAN reduced to its last 4 characters; idempotent, so archived values regenerate the same letter."""
    if value.startswith(MASKED_PREFIX):
        return value
    return MASKED_PREFIX + normalize_iban(value)[-4:]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    columns: tuple[Field, ...] = ()  # for ROWS
    allow_empty: bool = False  # for lists and rows: an empty list is a real answer ("aucun sinistre")
    mask: Callable[[str], str] | None = None  # sensitive: only the masked form is printed and archived


def _text(value: Any) -> str:
    text = _CONTROL.sub(" ", str(value)).replace("\r\n", "\n").replace("\t", " ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _normalize(spec: Field, value: Any, where: str) -> Any:
    """The JSON form of one value, or raise InvalidInput naming the field."""

    def bad(expected: str) -> InvalidInput:
        return InvalidInput(
            f"Champ « {spec.label} » ({where}) : {expected} attendu, reçu {value!r}.", spec.name
        )

    kind = spec.kind
    if kind is Kind.TEXT:
        text = _text(value)
        return spec.mask(text) if spec.mask and text else text
    if kind is Kind.DATE:
        if isinstance(value, datetime):
            raise bad("une date (sans heure)")
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise bad("une date AAAA-MM-JJ") from None
    if kind in (Kind.AMOUNT, Kind.COEFFICIENT):
        if isinstance(value, float | bool):
            raise bad("un nombre décimal exact (jamais à virgule flottante)")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise bad("un montant") from None
        if not number.is_finite():
            raise bad("un montant")
        return str(number.quantize(Decimal("0.01")))
    if kind in (Kind.PERCENT, Kind.INTEGER):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad("un nombre entier")
        try:
            number_int = int(value)
        except ValueError:
            raise bad("un nombre entier") from None
        if kind is Kind.PERCENT and not 0 <= number_int <= 100:
            raise bad("un pourcentage entre 0 et 100")
        return number_int
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise bad("oui ou non")
        return value
    if kind is Kind.TEXT_LIST:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise bad("une liste")
        return [_text(item) for item in value if _text(item)]
    if kind is Kind.ROWS:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise bad("une liste de lignes")
        return [_normalize_row(spec, row, f"{where}[{i}]") for i, row in enumerate(value)]
    raise AssertionError(kind)  # pragma: no cover


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


def _normalize_row(spec: Field, row: Any, where: str) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        raise InvalidInput(
            f"Champ « {spec.label} » ({where}) : une ligne doit être un dictionnaire.", spec.name
        )
    unknown = set(row) - {c.name for c in spec.columns}
    if unknown:
        raise InvalidInput(
            f"Champ « {spec.label} » ({where}) : colonne inconnue {sorted(unknown)[0]!r}.", spec.name
        )
    result: dict[str, Any] = {}
    for column in spec.columns:
        raw = row.get(column.name)
        value = None if raw is None else _normalize(column, raw, f"{where}.{column.name}")
        if _empty(value):
            if column.required:
                raise InvalidInput(
                    f"Champ « {spec.label} » ({where}) : la colonne « {column.label} » est vide.", spec.name
                )
            continue
        result[column.name] = value
    return result


def validate(title: str, specs: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise the values of a template; all missing fields are reported at once."""
    known = {spec.name for spec in specs}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidInput(
            f"Courrier « {title} » : champ inconnu « {unknown[0]} ». Seuls les champs du modèle sont imprimés.",
            unknown[0],
        )
    result: dict[str, Any] = {}
    missing: list[Field] = []
    for spec in specs:
        raw = values.get(spec.name)
        value = None if raw is None else _normalize(spec, raw, spec.name)
        if _empty(value) and not (spec.allow_empty and value == []):
            if spec.required:
                missing.append(spec)
            continue
        result[spec.name] = value
    if missing:
        raise MissingFields(title, missing)
    return result


@dataclass(frozen=True)
class Values:
    """Validated values with French formatting helpers for the template builders."""

    data: Mapping[str, Any]
    specs: Mapping[str, Field] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def date(self, name: str) -> str:
        return french_date(date.fromisoformat(self.data[name]))

    def amount(self, name: str) -> str:
        return french_amount(Decimal(self.data[name]))

    def coefficient(self, name: str) -> str:
        return french_coefficient(Decimal(self.data[name]))


def show(spec: Field, value: Any) -> str:
    """How a value of a table cell is printed."""
    if spec.kind is Kind.DATE:
        return french_date(date.fromisoformat(value))
    if spec.kind is Kind.AMOUNT:
        return french_amount(Decimal(value))
    if spec.kind is Kind.COEFFICIENT:
        return french_coefficient(Decimal(value))
    if spec.kind is Kind.PERCENT:
        return french_percent(value)
    if spec.kind is Kind.BOOL:
        return "oui" if value else "non"
    return str(value)
