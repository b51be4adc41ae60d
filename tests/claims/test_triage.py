"""The triage engine rule by rule, with dated examples across public holidays, weekends and year ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backoffice.config import ClaimsSettings
from backoffice.models import AppraisalMode, ClaimType, ContractStatus, CoverageCode, Priority
from backoffice.workflows.triage import RULES, ClaimFacts, CoverageFacts, TriageResult, triage

START = date(2022, 3, 1)
ALL_COVERAGES = tuple(
    CoverageFacts(code, Decimal("0") if code is CoverageCode.CIVIL_LIABILITY else Decimal("300"), START)
    for code in CoverageCode
)


def facts(**overrides: Any) -> ClaimFacts:
    base = ClaimFacts(
        claim_type=ClaimType.COLLISION,
        occurred_on=date(2026, 11, 23),
        known_on=date(2026, 11, 23),
        declared_on=date(2026, 11, 24),
        contract_status=ContractStatus.ACTIVE,
        contract_start=START,
        coverages=ALL_COVERAGES,
        departement="93",
        estimated_amount=Decimal("2400"),
        photo_count=3,
    )
    return replace(base, **overrides)


def run(settings: ClaimsSettings | None = None, **overrides: Any) -> TriageResult:
    return triage(facts(**overrides), settings or ClaimsSettings())


def finding(result: TriageResult, rule: str) -> str:
    return next(f.text for f in result.findings if f.rule == rule)


# ---- declaration delay: 5 working days, theft 2, cat nat 30 days after the arrêté ---------------------------

DELAYS = [
    # (type, known on, last day on time, why)
    (ClaimType.COLLISION, date(2026, 4, 30), date(2026, 5, 11), "1 May (Fri) and 8 May (Fri) are holidays"),
    (ClaimType.COLLISION, date(2026, 5, 12), date(2026, 5, 20), "Ascension, Thursday 14 May 2026"),
    (ClaimType.COLLISION, date(2026, 5, 22), date(2026, 6, 1), "Whit Monday 25 May and a weekend"),
    (ClaimType.THEFT, date(2026, 7, 13), date(2026, 7, 16), "14 July (Tue), theft: 2 working days"),
    (ClaimType.COLLISION, date(2026, 12, 23), date(2026, 12, 31), "Christmas (Fri) and a weekend"),
    (ClaimType.COLLISION, date(2026, 12, 31), date(2027, 1, 8), "year end: 1 January (Fri)"),
    (ClaimType.THEFT, date(2027, 12, 24), date(2027, 12, 28), "Christmas on a Saturday, year end"),
    (ClaimType.COLLISION, date(2026, 11, 6), date(2026, 11, 16), "Friday, weekend, 11 November (Wed)"),
    (ClaimType.COLLISION, date(2026, 11, 20), date(2026, 11, 27), "a plain week with one weekend"),
    (ClaimType.THEFT, date(2026, 11, 27), date(2026, 12, 1), "theft known on a Friday"),
    (ClaimType.GLASS, date(2027, 5, 5), date(2027, 5, 13), "2027: Ascension 6 May, 8 May on a Saturday"),
]


@pytest.mark.parametrize(("claim_type", "known", "deadline", "why"), DELAYS, ids=[d[3] for d in DELAYS])
def test_declaration_deadline_counts_french_working_days(claim_type, known, deadline, why) -> None:
    on_time = run(
        claim_type=claim_type, occurred_on=known, known_on=known, declared_on=deadline, keys_available=True
    )
    assert on_time.declaration_deadline == deadline
    assert not on_time.late_declaration
    late = run(
        claim_type=claim_type,
        occurred_on=known,
        known_on=known,
        declared_on=date.fromordinal(deadline.toordinal() + 1),
        keys_available=True,
    )
    assert late.late_declaration
    assert "en retard" in finding(late, "declaration_delay")


def test_the_explanation_names_the_holidays_it_skipped() -> None:
    text = finding(
        run(occurred_on=date(2026, 4, 30), known_on=date(2026, 4, 30), declared_on=date(2026, 5, 4)),
        "declaration_delay",
    )
    assert "jusqu'au 11 mai 2026" in text
    assert "Fête du Travail" in text and "Victoire 1945" in text
    assert "dans le délai" in text


def test_whit_monday_is_a_setting() -> None:
    worked = ClaimsSettings(whit_monday_is_holiday=False)
    assert run(
        worked, known_on=date(2026, 5, 22), occurred_on=date(2026, 5, 22)
    ).declaration_deadline == date(2026, 5, 29)


def test_alsace_moselle_has_good_friday() -> None:
    elsewhere = run(known_on=date(2026, 4, 2), occurred_on=date(2026, 4, 2), declared_on=date(2026, 4, 13))
    alsace = run(
        known_on=date(2026, 4, 2),
        occurred_on=date(2026, 4, 2),
        declared_on=date(2026, 4, 13),
        departement="67",
    )
    assert elsewhere.declaration_deadline == date(2026, 4, 10) and elsewhere.late_declaration
    assert alsace.declaration_deadline == date(2026, 4, 13) and not alsace.late_declaration


def test_natural_disaster_counts_30_days_after_the_decree() -> None:
    common = {
        "claim_type": ClaimType.NATURAL_DISASTER,
        "occurred_on": date(2026, 9, 10),
        "known_on": date(2026, 9, 10),
    }
    pending = run(**common, declared_on=date(2026, 11, 24))
    assert not pending.late_declaration and "pas encore publié" in finding(pending, "declaration_delay")
    on_time = run(**common, catnat_decree_published_on=date(2026, 10, 1), declared_on=date(2026, 10, 31))
    assert on_time.declaration_deadline == date(2026, 10, 31) and not on_time.late_declaration
    late = run(**common, catnat_decree_published_on=date(2026, 10, 1), declared_on=date(2026, 11, 2))
    assert late.late_declaration


def test_late_is_flagged_never_refused() -> None:
    late = run(known_on=date(2026, 10, 1), occurred_on=date(2026, 10, 1), declared_on=date(2026, 11, 24))
    assert late.late_declaration and late.covered
    assert "jamais refusé" in finding(late, "declaration_delay")


# ---- coverage at the date of the loss ----------------------------------------------------------------------


def test_contract_terminated_before_the_loss_does_not_cover() -> None:
    result = run(contract_status=ContractStatus.TERMINATED, contract_end=date(2026, 10, 31))
    assert not result.covered and "résilié le 31 octobre 2026" in finding(result, "contract_in_force")
    assert result.priority is Priority.P4


def test_contract_terminated_after_the_loss_still_covers_it() -> None:
    assert run(contract_status=ContractStatus.TERMINATED, contract_end=date(2026, 11, 30)).covered


def test_suspended_contract_and_loss_before_start() -> None:
    assert not run(contract_status=ContractStatus.SUSPENDED, contract_end=date(2026, 11, 1)).covered
    assert run(contract_status=ContractStatus.SUSPENDED, contract_end=date(2026, 11, 24)).covered
    before = run(contract_start=date(2026, 11, 24), coverages=())
    assert not before.covered and "antérieur à la prise d'effet" in finding(before, "contract_in_force")


def test_claim_type_needs_its_coverage_and_gives_its_deductible() -> None:
    third_party_only = (CoverageFacts(CoverageCode.CIVIL_LIABILITY, Decimal(0), START),)
    result = run(coverages=third_party_only)
    assert not result.covered and result.deductible is None
    assert "Dommages tous accidents" in finding(result, "coverage")
    glass = run(
        claim_type=ClaimType.GLASS,
        coverages=(CoverageFacts(CoverageCode.GLASS, Decimal("75"), START),),
    )
    assert glass.covered and glass.coverage_code is CoverageCode.GLASS and glass.deductible == Decimal("75")
    assert "75,00" in finding(glass, "deductible")


def test_coverage_added_after_the_loss_does_not_count() -> None:
    late_theft_cover = (CoverageFacts(CoverageCode.THEFT, Decimal(300), date(2026, 11, 24)),)
    result = run(claim_type=ClaimType.THEFT, keys_available=True, coverages=late_theft_cover)
    assert not result.covered


# ---- red flags -------------------------------------------------------------------------------------------------


def test_loss_soon_after_subscription() -> None:
    assert "early_loss" in run(contract_start=date(2026, 10, 1), coverages=()).flags
    assert "early_loss" not in run(contract_start=date(2026, 9, 1)).flags


def test_loss_soon_after_a_coverage_increase() -> None:
    raised = (
        *ALL_COVERAGES[:1],
        CoverageFacts(CoverageCode.ALL_RISKS_DAMAGE, Decimal(300), date(2026, 10, 15)),
    )
    result = run(coverages=raised)
    assert "early_loss" in result.flags
    assert "ajout de la garantie « Dommages tous accidents » le 15 octobre 2026" in finding(
        result, "early_loss"
    )


def test_several_claims_in_twelve_months() -> None:
    two = (date(2026, 2, 1), date(2026, 6, 1))
    assert "repeated_claims" in run(other_claim_dates=two).flags
    assert "repeated_claims" not in run(other_claim_dates=(date(2025, 11, 1), date(2026, 6, 1))).flags


def test_theft_late_and_without_keys() -> None:
    result = run(
        claim_type=ClaimType.THEFT,
        occurred_on=date(2026, 11, 16),
        known_on=date(2026, 11, 16),
        declared_on=date(2026, 11, 24),
        keys_available=False,
    )
    assert {"late_theft", "theft_without_keys"} <= set(result.flags)
    assert result.fraud_referral and result.priority is Priority.P1


def test_bank_details_changed_shortly_before() -> None:
    result = run(bank_details_changed_on=date(2026, 11, 10))
    assert result.flags == ("bank_details_changed",) and result.fraud_referral
    assert "14 jour(s) avant" in finding(result, "bank_details_changed")
    assert "bank_details_changed" not in run(bank_details_changed_on=date(2026, 9, 1)).flags


def test_amount_above_threshold() -> None:
    result = run(estimated_amount=Decimal("15000.01"))
    assert "high_amount" in result.flags and not result.fraud_referral
    assert "high_amount" not in run(estimated_amount=Decimal("15000.00")).flags


def test_two_weak_flags_refer_to_the_fraud_team() -> None:
    result = run(estimated_amount=Decimal("20000"), contract_start=date(2026, 10, 1), coverages=())
    assert result.fraud_referral and "2 signaux" in finding(result, "fraud_referral")
    assert result.priority is Priority.P1 or result.priority is Priority.P2


# ---- priority, appraisal mode, IRSA -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "priority"),
    [
        ({"vehicle_drivable": False}, Priority.P1),
        ({"claim_type": ClaimType.THEFT, "keys_available": True}, Priority.P1),
        ({"safety_parts_declared": True}, Priority.P2),
        ({"estimated_amount": Decimal("6500")}, Priority.P2),
        ({}, Priority.P3),
        ({"claim_type": ClaimType.GLASS}, Priority.P4),
        ({"claim_type": ClaimType.VANDALISM, "third_party": True}, Priority.P3),
    ],
)
def test_priority(overrides, priority) -> None:
    result = run(**overrides)
    assert result.priority is priority
    assert finding(result, "priority").startswith(priority.value)


def test_remote_appraisal_only_with_photos_no_safety_part_and_a_small_estimate() -> None:
    assert run().appraisal_mode is AppraisalMode.REMOTE
    assert "3 photo(s)" in finding(run(), "appraisal_mode")
    assert run(photo_count=0).appraisal_mode is AppraisalMode.ON_SITE
    safety = run(safety_parts_declared=True)
    assert safety.appraisal_mode is AppraisalMode.ON_SITE and "freins" in finding(safety, "appraisal_mode")
    assert run(estimated_amount=Decimal("6500")).appraisal_mode is AppraisalMode.ON_SITE
    assert run(estimated_amount=Decimal("6499.99")).appraisal_mode is AppraisalMode.REMOTE
    assert run(estimated_amount=None).appraisal_mode is AppraisalMode.ON_SITE
    stricter = ClaimsSettings(on_site_amount_threshold=Decimal("2000"))
    assert run(stricter).appraisal_mode is AppraisalMode.ON_SITE


def test_irsa_threshold_depends_on_the_loss_date() -> None:
    before = run(
        third_party=True,
        occurred_on=date(2025, 2, 28),
        known_on=date(2025, 2, 28),
        declared_on=date(2025, 3, 3),
    )
    after = run(
        third_party=True,
        occurred_on=date(2025, 3, 1),
        known_on=date(2025, 3, 1),
        declared_on=date(2025, 3, 3),
    )
    assert "6\u202f500,00" in finding(before, "irsa_threshold")
    assert "19\u202f500,00" in finding(after, "irsa_threshold")
    assert not any(f.rule == "irsa_threshold" for f in run().findings)


def test_every_part_names_its_rule_in_french() -> None:
    result = run(bank_details_changed_on=date(2026, 11, 20), third_party=True)
    keys = {r.key for r in RULES}
    assert all(f.rule in keys and f.title and f.text.endswith(".") for f in result.findings)
    parts = {f.part for f in result.findings}
    assert {
        "declaration",
        "contract",
        "coverage",
        "deductible",
        "flag",
        "priority",
        "appraisal",
        "fraud",
    } <= parts
    stored = result.as_json()
    assert stored["priority"] == result.priority.value and len(stored["findings"]) == len(result.findings)


@pytest.mark.parametrize(
    "value", ["0", "0.5", "999.99", "1000", "12345.678", "1234567.5", "-1500.2", "19500"]
)
def test_fast_amount_format_matches_babel(value: str) -> None:
    from babel.numbers import format_currency

    from backoffice.workflows.triage import fr_amount

    assert fr_amount(Decimal(value)) == format_currency(Decimal(value), "EUR", locale="fr_FR")
