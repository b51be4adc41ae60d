"""Indemnity arithmetic (pure, Decimal): assessed damage less depreciation when it applies, less the deductible.

Replacement value ("valeur à neuf") applies when the contract has the option and the vehicle is young enough
(``settings.claims.replacement_value_max_vehicle_age_months``); otherwise the depreciated value ("valeur
d'usage", vétusté) applies. Each step is a French line the handler and the customer can follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_currency

CENT = Decimal("0.01")
REPLACEMENT_VALUE = "replacement_value"
DEPRECIATED_VALUE = "depreciated_value"
BASIS_LABELS = {REPLACEMENT_VALUE: "Valeur à neuf", DEPRECIATED_VALUE: "Valeur d'usage (vétusté déduite)"}


@dataclass(frozen=True)
class IndemnityInput:
    damage_amount: Decimal
    deductible: Decimal
    total_loss: bool
    depreciation_rate: Decimal  # percent, from the expert's report
    vehicle_value: Decimal | None  # the expert's value of the vehicle before the loss
    insured_value: Decimal | None  # the value declared in the contract (new value for replacement)
    replacement_value_option: bool
    vehicle_first_registration: date
    loss_date: date
    max_vehicle_age_months: int
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class IndemnityLine:
    label: str
    amount: Decimal
    text: str  # the amount in French, signed when it is deducted


@dataclass(frozen=True)
class Indemnity:
    basis: str
    basis_reason: str
    lines: tuple[IndemnityLine, ...]
    amount: Decimal
    deductible: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "basis_reason": self.basis_reason,
            "lines": [{"label": x.label, "amount": str(x.amount), "text": x.text} for x in self.lines],
            "amount": str(self.amount),
            "deductible": str(self.deductible),
        }


def euros(amount: Decimal) -> str:
    return format_currency(amount, "EUR", locale="fr_FR")


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (a vehicle registered on 15 March is 1 month old on 15 April)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def compute(data: IndemnityInput) -> Indemnity:
    if data.damage_amount < 0 or data.deductible < 0:
        raise ValueError("montants négatifs")
    age = months_between(data.vehicle_first_registration, data.loss_date)
    qualifies = age <= data.max_vehicle_age_months
    if data.replacement_value_option and qualifies:
        basis = REPLACEMENT_VALUE
        reason = f"Option valeur à neuf au contrat et véhicule de {age} mois (au plus {data.max_vehicle_age_months})."
    elif data.replacement_value_option:
        basis = DEPRECIATED_VALUE
        reason = (
            f"Option valeur à neuf au contrat, mais véhicule de {age} mois (plus de "
            f"{data.max_vehicle_age_months}) : valeur d'usage."
        )
    else:
        basis = DEPRECIATED_VALUE
        reason = "Pas d'option valeur à neuf au contrat : valeur d'usage."

    lines: list[IndemnityLine] = []

    def line(label: str, amount: Decimal, deducted: bool = False) -> Decimal:
        amount = amount.quantize(CENT, ROUND_HALF_UP)
        lines.append(IndemnityLine(label, amount, ("− " if deducted else "") + euros(amount)))
        return amount

    if data.total_loss:
        if basis == REPLACEMENT_VALUE and data.insured_value is not None:
            base = line("Véhicule irréparable : valeur à neuf garantie", data.insured_value)
        else:
            value = data.vehicle_value if data.vehicle_value is not None else data.insured_value or Decimal(0)
            base = line("Véhicule irréparable : valeur du véhicule à dire d'expert", value)
            if basis == DEPRECIATED_VALUE and data.depreciation_rate:
                base -= line(
                    f"Vétusté {data.depreciation_rate.normalize():f} %",
                    base * data.depreciation_rate / 100,
                    True,
                )
    else:
        base = line("Dommages évalués par l'expert", data.damage_amount)
        if basis == DEPRECIATED_VALUE and data.depreciation_rate:
            base -= line(
                f"Vétusté {data.depreciation_rate.normalize():f} %", base * data.depreciation_rate / 100, True
            )
        elif basis == REPLACEMENT_VALUE and data.depreciation_rate:
            line("Vétusté non déduite (valeur à neuf)", Decimal(0))
    if data.ceiling is not None and base > data.ceiling:
        base -= line(f"Plafond de la garantie {euros(data.ceiling)}", base - data.ceiling, True)
    deductible = min(data.deductible, max(base, Decimal(0)))
    base -= line("Franchise", data.deductible, True)
    amount = max(base, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    lines.append(IndemnityLine("Indemnité proposée", amount, euros(amount)))
    return Indemnity(basis, reason, tuple(lines), amount, deductible.quantize(CENT))
