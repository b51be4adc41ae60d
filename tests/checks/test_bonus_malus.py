"""The coefficient printed on a relevé d'information must match the regulator's arithmetic to the cent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks.bonus_malus import (
    CEILING,
    FLOOR,
    ClaimCause,
    CrmClaim,
    CrmResult,
    ReferencePeriod,
    Responsibility,
    format_coefficient,
    next_coefficient,
    reference_period,
    truncate,
)

D = Decimal
AT_FAULT = CrmClaim(Responsibility.FULL)
HALF_FAULT = CrmClaim(Responsibility.HALF)
NOT_AT_FAULT = CrmClaim(Responsibility.NONE)


def run_years(start: str, years: list[list[CrmClaim]]) -> list[CrmResult]:
    """Chains periods the way renewals do, carrying the counters forward."""
    results: list[CrmResult] = []
    coefficient, at_floor, claim_free = D(start), 0, 0
    for claims in years:
        result = next_coefficient(coefficient, claims, at_floor, claim_free)
        results.append(result)
        coefficient, at_floor, claim_free = (
            result.coefficient,
            result.years_at_050,
            result.consecutive_claim_free_years,
        )
    return results


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.9025", "0.90"),
        ("1.5625", "1.56"),
        ("0.4845", "0.48"),
        ("1.1875", "1.18"),
        ("1.25", "1.25"),
        ("0.999", "0.99"),
    ],
)
def test_truncate_never_rounds_up(value: str, expected: str) -> None:
    assert truncate(D(value)) == D(expected)


def test_format_coefficient_is_french() -> None:
    assert format_coefficient(D("0.5")) == "0,50"
    assert format_coefficient(D("1.25")) == "1,25"


def test_claim_free_year_from_one() -> None:
    result = next_coefficient(D("1.00"))
    assert result.coefficient == D("0.95")
    assert result.counted_claims == 0
    assert result.consecutive_claim_free_years == 1


def test_two_claim_free_years_give_090_not_0_9025() -> None:
    assert [r.coefficient for r in run_years("1.00", [[], []])] == [D("0.95"), D("0.90")]


def test_thirteen_claim_free_years_reach_the_floor() -> None:
    results = run_years("1.00", [[]] * 14)
    expected = [
        "0.95",
        "0.90",
        "0.85",
        "0.80",
        "0.76",
        "0.72",
        "0.68",
        "0.64",
        "0.60",
        "0.57",
        "0.54",
        "0.51",
        "0.50",
        "0.50",
    ]
    assert [r.coefficient for r in results] == [D(x) for x in expected]
    assert results[11].coefficient > FLOOR
    assert results[12].steps[-2] == "Plancher atteint : le coefficient ne descend pas sous 0,50."


def test_one_at_fault_claim_from_one() -> None:
    result = next_coefficient(D("1.00"), [AT_FAULT])
    assert result.coefficient == D("1.25")
    assert result.counted_claims == 1
    assert result.consecutive_claim_free_years == 0


def test_two_at_fault_claims_in_the_same_year() -> None:
    result = next_coefficient(D("1.00"), [AT_FAULT, AT_FAULT])
    assert result.coefficient == D("1.56")
    assert result.steps == (
        "Coefficient de départ : 1,00",
        "Sinistre responsable : 1,00 × 1,25 = 1,25",
        "Sinistre responsable : 1,25 × 1,25 = 1,5625, arrêté à 1,56",
        "Nouveau coefficient : 1,56",
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1.25"), (2, "1.56"), (3, "1.95"), (4, "2.43"), (5, "3.03"), (6, "3.50"), (10, "3.50")],
)
def test_several_at_fault_claims_are_chained_and_capped(count: int, expected: str) -> None:
    result = next_coefficient(D("1.00"), [AT_FAULT] * count)
    assert result.coefficient == D(expected)


def test_ceiling_is_stated() -> None:
    result = next_coefficient(D("3.50"), [AT_FAULT])
    assert result.coefficient == CEILING
    assert "Plafond atteint : le coefficient ne dépasse pas 3,50." in result.steps


def test_half_fault_claim() -> None:
    result = next_coefficient(D("1.00"), [HALF_FAULT])
    assert result.coefficient == D("1.12")
    assert result.steps[1] == "Sinistre partiellement responsable : 1,00 × 1,125 = 1,125, arrêté à 1,12"


def test_mixed_claims_in_order() -> None:
    assert next_coefficient(D("1.00"), [AT_FAULT, HALF_FAULT]).coefficient == D("1.40")  # 1.40625
    assert next_coefficient(D("1.00"), [HALF_FAULT, AT_FAULT]).coefficient == D("1.40")  # 1.12 × 1.25


def test_bonus_then_at_fault_claim() -> None:
    assert next_coefficient(D("0.95"), [AT_FAULT]).coefficient == D("1.18")
    assert next_coefficient(D("0.50"), [AT_FAULT]).coefficient == D("0.62")


@pytest.mark.parametrize(
    "cause", [ClaimCause.THEFT, ClaimCause.FIRE, ClaimCause.GLASS_BREAKAGE, ClaimCause.NATURAL_DISASTER]
)
def test_theft_fire_glass_and_natural_disaster_do_not_count_nor_block_the_bonus(cause: ClaimCause) -> None:
    claim = CrmClaim(Responsibility.FULL, cause)
    assert not claim.counts
    result = next_coefficient(D("1.00"), [claim])
    assert result.coefficient == D("0.95")
    assert result.counted_claims == 0
    assert any("sans effet" in step for step in result.steps)


def test_not_at_fault_claim_does_not_count() -> None:
    result = next_coefficient(D("1.00"), [NOT_AT_FAULT, NOT_AT_FAULT])
    assert result.coefficient == D("0.95")
    assert "Sinistre non responsable : sans effet sur le coefficient." in result.steps


def test_first_claim_after_three_years_at_050_is_forgiven() -> None:
    result = next_coefficient(D("0.50"), [AT_FAULT], years_at_050=3)
    assert result.coefficient == D("0.50")
    assert result.counted_claims == 1
    assert result.years_at_050 == 0
    assert result.consecutive_claim_free_years == 0
    assert any("aucune majoration" in step for step in result.steps)


def test_only_the_first_claim_is_forgiven() -> None:
    assert next_coefficient(D("0.50"), [AT_FAULT, AT_FAULT], years_at_050=5).coefficient == D("0.62")
    assert next_coefficient(D("0.50"), [HALF_FAULT, AT_FAULT], years_at_050=3).coefficient == D("0.62")
    assert next_coefficient(D("0.50"), [AT_FAULT, HALF_FAULT], years_at_050=3).coefficient == D("0.56")


def test_no_forgiveness_before_three_years_at_050() -> None:
    assert next_coefficient(D("0.50"), [AT_FAULT], years_at_050=2).coefficient == D("0.62")


def test_forgiveness_reached_by_chaining_years() -> None:
    results = run_years("1.00", [[]] * 16 + [[AT_FAULT], [AT_FAULT]])
    assert [r.years_at_050 for r in results[12:16]] == [0, 1, 2, 3]
    assert results[16].coefficient == D("0.50")  # forgiven
    assert results[17].coefficient == D("0.62")  # the counter started again


def test_two_claim_free_years_clear_the_malus() -> None:
    results = run_years("1.00", [[AT_FAULT, AT_FAULT], [], []])
    assert [r.coefficient for r in results] == [D("1.56"), D("1.48"), D("1.00")]
    assert "art. 7" in results[2].steps[-2]


def test_two_claim_free_years_clear_even_the_ceiling() -> None:
    results = run_years("3.50", [[], []])
    assert [r.coefficient for r in results] == [D("3.32"), D("1.00")]


def test_claim_free_years_counter_comes_from_the_caller() -> None:
    assert next_coefficient(D("1.48"), [], consecutive_claim_free_years=1).coefficient == D("1.00")
    assert next_coefficient(D("1.48"), [], consecutive_claim_free_years=0).coefficient == D("1.40")


def test_string_coefficient_is_accepted() -> None:
    assert next_coefficient("0.95").coefficient == D("0.90")


@pytest.mark.parametrize("bad", ["0.49", "3.51", "0.955", "abc", "NaN", "Infinity", "-1", ""])
def test_invalid_coefficients_are_refused_in_french(bad: str) -> None:
    with pytest.raises(ValueError, match="Coefficient"):
        next_coefficient(bad)


def test_float_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        next_coefficient(0.95)  # type: ignore[arg-type]


def test_negative_counters_and_inconsistent_years_at_floor_are_refused() -> None:
    with pytest.raises(ValueError, match="négatif"):
        next_coefficient(D("1.00"), [], consecutive_claim_free_years=-1)
    with pytest.raises(ValueError, match="0,50"):
        next_coefficient(D("0.80"), [], years_at_050=2)


coefficients = st.integers(min_value=50, max_value=350).map(lambda n: D(n) / 100)
claims = st.lists(
    st.builds(CrmClaim, st.sampled_from(list(Responsibility)), st.sampled_from(list(ClaimCause))), max_size=6
)


@given(coefficients, claims, st.integers(0, 10), st.integers(0, 10))
def test_result_is_always_within_bounds_with_two_decimals(
    current: Decimal, period_claims: list[CrmClaim], years_at_floor: int, claim_free: int
) -> None:
    years_at_floor = years_at_floor if current == FLOOR else 0
    result = next_coefficient(current, period_claims, years_at_floor, claim_free)
    assert FLOOR <= result.coefficient <= CEILING
    assert result.coefficient == truncate(result.coefficient)
    assert result.steps[0] == f"Coefficient de départ : {format_coefficient(current)}"
    assert result.steps[-1] == f"Nouveau coefficient : {format_coefficient(result.coefficient)}"
    counted = sum(1 for c in period_claims if c.counts)
    assert result.counted_claims == counted
    if counted:
        assert result.coefficient >= current
        assert result.consecutive_claim_free_years == 0
    else:
        assert result.coefficient <= current
        assert result.consecutive_claim_free_years == claim_free + 1


@given(coefficients, st.integers(0, 4))
def test_more_at_fault_claims_never_lower_the_coefficient(current: Decimal, extra: int) -> None:
    fewer = next_coefficient(current, [AT_FAULT] * extra).coefficient
    more = next_coefficient(current, [AT_FAULT] * (extra + 1)).coefficient
    assert more >= fewer


@pytest.mark.parametrize(
    ("renewal", "start", "end"),
    [
        (date(2025, 4, 1), date(2024, 2, 1), date(2025, 1, 31)),
        (date(2025, 1, 1), date(2023, 11, 1), date(2024, 10, 31)),
        (date(2025, 3, 15), date(2024, 1, 15), date(2025, 1, 14)),
        (date(2024, 4, 30), date(2023, 2, 28), date(2024, 2, 28)),  # clamped to February's end
        (date(2025, 4, 30), date(2024, 2, 29), date(2025, 2, 27)),
    ],
)
def test_reference_period(renewal: date, start: date, end: date) -> None:
    period = reference_period(renewal)
    assert period == ReferencePeriod(start, end)
    assert start in period and end in period
    assert start - timedelta(days=1) not in period and end + timedelta(days=1) not in period
    assert renewal not in period
    assert "2025-01-01" not in period


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 28)))
def test_reference_periods_of_consecutive_renewals_tile_without_gap(renewal: date) -> None:
    renewal = renewal.replace(day=min(renewal.day, 28))
    following = renewal.replace(year=renewal.year + 1)
    assert reference_period(following).start == reference_period(renewal).end + timedelta(days=1)
    period = reference_period(renewal)
    assert 365 <= (period.end - period.start).days + 1 <= 366
