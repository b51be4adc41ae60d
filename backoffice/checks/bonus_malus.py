"""Bonus-malus coefficient (coefficient de réduction-majoration, CRM) under art. A121-1 and its annex.

Arithmetic is done in Decimal and truncated after every step, as the annex requires ("arrêté à la deuxième
décimale et arrondi par défaut"): computing in float or rounding only at the end gives a different coefficient
than the one the customer's relevé d'information shows.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

FLOOR = Decimal("0.50")
CEILING = Decimal("3.50")
NEUTRAL = Decimal("1.00")
CLAIM_FREE_FACTOR = Decimal("0.95")
AT_FAULT_FACTOR = Decimal("1.25")
HALF_FAULT_FACTOR = Decimal("1.125")
YEARS_AT_FLOOR_FOR_FORGIVENESS = 3
CLAIM_FREE_YEARS_TO_CLEAR_MALUS = 2
_CENT = Decimal("0.01")


class Responsibility(StrEnum):
    FULL = "full"
    HALF = "half"
    NONE = "none"


class ClaimCause(StrEnum):
    ACCIDENT = "accident"
    THEFT = "theft"
    FIRE = "fire"
    GLASS_BREAKAGE = "glass_breakage"
    NATURAL_DISASTER = "natural_disaster"


# Art. 9 of the annex: these guarantees neither raise the coefficient nor block the reduction;
# a natural disaster is force majeure (art. 8).
_NEUTRAL_CAUSES = {
    ClaimCause.THEFT: "vol",
    ClaimCause.FIRE: "incendie",
    ClaimCause.GLASS_BREAKAGE: "bris de glace",
    ClaimCause.NATURAL_DISASTER: "catastrophe naturelle",
}


@dataclass(frozen=True, slots=True)
class CrmClaim:
    """A claim of the reference period, in the order it occurred."""

    responsibility: Responsibility
    cause: ClaimCause = ClaimCause.ACCIDENT
    occurred_on: date | None = None

    @property
    def counts(self) -> bool:
        return self.responsibility is not Responsibility.NONE and self.cause not in _NEUTRAL_CAUSES


@dataclass(frozen=True, slots=True)
class CrmResult:
    """The new coefficient with each step in French for the relevé d'information, and the updated counters."""

    previous: Decimal
    coefficient: Decimal
    steps: tuple[str, ...]
    counted_claims: int
    years_at_050: int
    consecutive_claim_free_years: int


@dataclass(frozen=True, slots=True)
class ReferencePeriod:
    """Inclusive dates of the 12 months whose claims decide the coefficient at a renewal."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def truncate(value: Decimal) -> Decimal:
    """Cut to two decimals, never rounding up (0.9025 -> 0.90, 1.5625 -> 1.56)."""
    return value.quantize(_CENT, rounding=ROUND_DOWN)


def format_coefficient(value: Decimal) -> str:
    """French notation: "0,95"."""
    return f"{value:.2f}".replace(".", ",")


def _fr(value: Decimal) -> str:
    """All significant decimals, at least two: 1,25 / 1,5625 / 0,475."""
    text = f"{value.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole},{decimals.ljust(2, '0')}"


def _apply(coefficient: Decimal, factor: Decimal, label: str) -> tuple[Decimal, str]:
    product = coefficient * factor
    result = truncate(product)
    text = f"{label} : {format_coefficient(coefficient)} × {_fr(factor)} = {_fr(product)}"
    if product != result:
        text += f", arrêté à {format_coefficient(result)}"
    return result, text


def _check_inputs(current: Decimal | str, years_at_050: int, consecutive_claim_free_years: int) -> Decimal:
    if not isinstance(current, Decimal | str):
        raise TypeError("Le coefficient doit être un Decimal, jamais un nombre à virgule flottante.")
    try:
        value = Decimal(current)
    except ArithmeticError:
        raise ValueError(f"Coefficient illisible : {current!r}") from None
    if not value.is_finite() or not (FLOOR <= value <= CEILING) or truncate(value) != value:
        raise ValueError(f"Coefficient invalide : {current} (attendu entre 0,50 et 3,50, deux décimales).")
    if years_at_050 < 0 or consecutive_claim_free_years < 0:
        raise ValueError("Le nombre d'années ne peut pas être négatif.")
    if years_at_050 and value != FLOOR:
        raise ValueError("Des années à 0,50 sont indiquées alors que le coefficient n'est pas de 0,50.")
    return value


def next_coefficient(
    current: Decimal | str,
    claims_in_period: Sequence[CrmClaim] = (),
    years_at_050: int = 0,
    consecutive_claim_free_years: int = 0,
) -> CrmResult:
    """Coefficient for the next annual period.

    `years_at_050`: completed annual periods already run at 0.50 before this one (the first claim after at
    least 3 such years is forgiven, after which the count starts again). `consecutive_claim_free_years`:
    claim-free periods just before this one. Claims are taken in the order given (chronological).
    """
    previous = coefficient = _check_inputs(current, years_at_050, consecutive_claim_free_years)
    steps: list[str] = [f"Coefficient de départ : {format_coefficient(coefficient)}"]
    counted = [claim for claim in claims_in_period if claim.counts]
    for claim in claims_in_period:
        if claim.cause in _NEUTRAL_CAUSES:
            steps.append(
                f"Sinistre {_NEUTRAL_CAUSES[claim.cause]} : sans effet sur le coefficient (art. 8 et 9)."
            )
        elif claim.responsibility is Responsibility.NONE:
            steps.append("Sinistre non responsable : sans effet sur le coefficient.")

    forgiven = False
    if counted and coefficient == FLOOR and years_at_050 >= YEARS_AT_FLOOR_FOR_FORGIVENESS:
        forgiven = True
        steps.append(
            f"Premier sinistre après {years_at_050} ans à 0,50 : aucune majoration (art. 6 de l'annexe)."
        )

    if not counted:
        coefficient, text = _apply(coefficient, CLAIM_FREE_FACTOR, "Année sans sinistre responsable")
        steps.append(text)
    for claim in counted[1:] if forgiven else counted:
        if claim.responsibility is Responsibility.FULL:
            coefficient, text = _apply(coefficient, AT_FAULT_FACTOR, "Sinistre responsable")
        else:
            coefficient, text = _apply(coefficient, HALF_FAULT_FACTOR, "Sinistre partiellement responsable")
        steps.append(text)

    if coefficient < FLOOR:
        coefficient = FLOOR
        steps.append("Plancher atteint : le coefficient ne descend pas sous 0,50.")
    if coefficient > CEILING:
        coefficient = CEILING
        steps.append("Plafond atteint : le coefficient ne dépasse pas 3,50.")

    claim_free_years = 0 if counted else consecutive_claim_free_years + 1
    if claim_free_years >= CLAIM_FREE_YEARS_TO_CLEAR_MALUS and coefficient > NEUTRAL:
        coefficient = NEUTRAL
        steps.append(
            f"{claim_free_years} années consécutives sans sinistre responsable : le coefficient est ramené"
            " à 1,00 (art. 7 de l'annexe)."
        )

    if forgiven:
        next_years_at_050 = 0
    else:
        next_years_at_050 = years_at_050 + 1 if previous == FLOOR and coefficient == FLOOR else 0
    steps.append(f"Nouveau coefficient : {format_coefficient(coefficient)}")
    return CrmResult(
        previous=previous,
        coefficient=coefficient,
        steps=tuple(steps),
        counted_claims=len(counted),
        years_at_050=next_years_at_050,
        consecutive_claim_free_years=claim_free_years,
    )


def _shift_months(day: date, months: int) -> date:
    """Same day `months` later (earlier if negative), clamped to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference_period(renewal_date: date) -> ReferencePeriod:
    """The 12 consecutive months ending 2 months before the annual renewal (art. 2 of the annex)."""
    return ReferencePeriod(
        start=_shift_months(renewal_date, -14),
        end=_shift_months(renewal_date, -2) - timedelta(days=1),
    )
