"""Indemnity arithmetic: replacement or depreciated value, total loss, ceiling, deductible, lines in French."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from backoffice.workflows.indemnity import (
    DEPRECIATED_VALUE,
    REPLACEMENT_VALUE,
    IndemnityInput,
    compute,
    months_between,
)

BASE = IndemnityInput(
    damage_amount=Decimal("4000.00"),
    deductible=Decimal("300.00"),
    total_loss=False,
    depreciation_rate=Decimal("25"),
    vehicle_value=Decimal("9000.00"),
    insured_value=Decimal("21000.00"),
    replacement_value_option=True,
    vehicle_first_registration=date(2025, 6, 15),
    loss_date=date(2026, 11, 23),
    max_vehicle_age_months=24,
)


def test_young_vehicle_with_the_option_gets_replacement_value_without_depreciation() -> None:
    result = compute(BASE)
    assert result.basis == REPLACEMENT_VALUE and result.amount == Decimal("3700.00")
    assert "17 mois" in result.basis_reason
    assert [line.label for line in result.lines] == [
        "Dommages évalués par l'expert",
        "Vétusté non déduite (valeur à neuf)",
        "Franchise",
        "Indemnité proposée",
    ]


def test_vehicle_too_old_for_the_option_gets_depreciated_value() -> None:
    old = replace(BASE, vehicle_first_registration=date(2024, 10, 1))
    result = compute(old)
    assert result.basis == DEPRECIATED_VALUE and "24" in result.basis_reason
    assert result.amount == Decimal("2700.00")  # 4000 − 1000 − 300
    assert result.lines[1].text == "− 1\u202f000,00\xa0€"


def test_no_option_means_depreciated_value() -> None:
    result = compute(replace(BASE, replacement_value_option=False))
    assert result.basis == DEPRECIATED_VALUE and "Pas d'option" in result.basis_reason


def test_total_loss_pays_the_insured_new_value_or_the_expert_value() -> None:
    new = compute(replace(BASE, total_loss=True))
    assert new.amount == Decimal("20700.00")
    used = compute(
        replace(BASE, total_loss=True, replacement_value_option=False, depreciation_rate=Decimal(0))
    )
    assert used.amount == Decimal("8700.00")
    assert used.lines[0].label == "Véhicule irréparable : valeur du véhicule à dire d'expert"


def test_ceiling_and_a_deductible_larger_than_the_damage() -> None:
    capped = compute(replace(BASE, ceiling=Decimal("2000")))
    assert capped.amount == Decimal("1700.00")
    small = compute(replace(BASE, damage_amount=Decimal("150")))
    assert small.amount == Decimal("0.00") and small.deductible == Decimal("150.00")


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 3, 15), date(2024, 4, 15), 1),
        (date(2024, 3, 15), date(2024, 4, 14), 0),
        (date(2024, 1, 31), date(2026, 1, 31), 24),
        (date(2024, 12, 31), date(2025, 1, 1), 0),
    ],
)
def test_vehicle_age_in_whole_months(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months
