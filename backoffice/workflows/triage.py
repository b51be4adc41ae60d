"""The claims triage engine: pure (no database), explainable, every rule in the one table ``RULES`` below.

A claim and its context come in as plain facts; out comes a ``TriageResult`` where each part (declaration delay,
coverage, deductible, red flags, priority, appraisal mode, fraud referral) names the rule that produced it and
says why in French, so the handler sees the reasoning and can override it with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from babel import Locale
from babel.dates import format_date

from backoffice.checks.calendar_fr import (
    HolidayRules,
    add_working_days,
    public_holidays,
    working_days_between,
)
from backoffice.config import ClaimsSettings
from backoffice.models.claims import CLAIM_TYPE_LABELS, AppraisalMode, ClaimType, Priority
from backoffice.models.contracts import COVERAGE_LABELS, ContractStatus, CoverageCode

FRENCH = Locale.parse("fr_FR")
CENT = Decimal("0.01")

#: Which coverages answer for which kind of loss, in order of preference.
COVERAGE_FOR_TYPE: dict[ClaimType, tuple[CoverageCode, ...]] = {
    ClaimType.COLLISION: (CoverageCode.ALL_RISKS_DAMAGE,),
    ClaimType.THEFT: (CoverageCode.THEFT,),
    ClaimType.GLASS: (CoverageCode.GLASS, CoverageCode.ALL_RISKS_DAMAGE),
    ClaimType.FIRE: (CoverageCode.FIRE,),
    ClaimType.WATER: (CoverageCode.CLIMATE_EVENTS, CoverageCode.ALL_RISKS_DAMAGE),
    ClaimType.NATURAL_DISASTER: (CoverageCode.NATURAL_DISASTER,),
    ClaimType.VANDALISM: (CoverageCode.VANDALISM, CoverageCode.ALL_RISKS_DAMAGE),
}

PART_LABELS = {
    "declaration": "Délai de déclaration",
    "contract": "Contrat à la date du sinistre",
    "coverage": "Garantie",
    "deductible": "Franchise",
    "flag": "Signal d'alerte",
    "priority": "Priorité",
    "appraisal": "Mode d'expertise",
    "irsa": "Convention IRSA",
    "fraud": "Service fraude",
}

PRIORITY_LABELS = {
    Priority.P1: "P1 — urgent",
    Priority.P2: "P2 — élevée",
    Priority.P3: "P3 — normale",
    Priority.P4: "P4 — basse",
}
APPRAISAL_LABELS = {AppraisalMode.REMOTE: "À distance (photos)", AppraisalMode.ON_SITE: "Sur place"}


@dataclass(frozen=True, slots=True)
class CoverageFacts:
    code: CoverageCode
    deductible: Decimal
    start_date: date
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the engine needs to know; built from the database by ``claims.py`` or by hand in tests."""

    claim_type: ClaimType
    occurred_on: date
    known_on: date
    declared_on: date
    contract_status: ContractStatus
    contract_start: date
    contract_end: date | None = None  # termination date, or the date a suspended contract was suspended
    coverages: tuple[CoverageFacts, ...] = ()
    departement: str | None = None
    catnat_decree_published_on: date | None = None
    estimated_amount: Decimal | None = None
    safety_parts_declared: bool = False
    keys_available: bool | None = None
    vehicle_drivable: bool | None = None
    third_party: bool = False
    photo_count: int = 0
    other_claim_dates: tuple[date, ...] = ()  # the customer's other claims (loss dates)
    bank_details_changed_on: date | None = None


class Finding(NamedTuple):
    """One part of the result and the rule that produced it (a named tuple: a re-triage makes over a million)."""

    part: str
    rule: str
    title: str
    text: str
    value: Any = None


@dataclass(frozen=True)
class TriageResult:
    findings: tuple[Finding, ...]
    late_declaration: bool
    declaration_deadline: date | None
    covered: bool
    coverage_code: CoverageCode | None
    deductible: Decimal | None
    flags: tuple[str, ...]
    priority: Priority
    appraisal_mode: AppraisalMode
    fraud_referral: bool

    def as_json(self) -> dict[str, Any]:
        """What ``Claim.triage`` stores: enough to show the reasoning again without recomputing it."""
        return {
            "findings": [
                {"part": f.part, "rule": f.rule, "title": f.title, "text": f.text} for f in self.findings
            ],
            **self.decisions_json(),
        }

    def decisions_json(self) -> dict[str, Any]:
        """``as_json`` but the findings."""
        return {
            "late_declaration": self.late_declaration,
            "declaration_deadline": self.declaration_deadline.isoformat()
            if self.declaration_deadline
            else None,
            "covered": self.covered,
            "coverage_code": self.coverage_code.value if self.coverage_code else None,
            "deductible": str(self.deductible) if self.deductible is not None else None,
            "flags": list(self.flags),
            "priority": self.priority.value,
            "appraisal_mode": self.appraisal_mode.value,
            "fraud_referral": self.fraud_referral,
        }


@dataclass
class _State:
    """What the rules have found so far (the later rules read the earlier ones)."""

    facts: ClaimFacts
    settings: ClaimsSettings
    findings: list[Finding] = field(default_factory=list)
    late: bool = False
    deadline: date | None = None
    contract_in_force: bool = True
    covered: bool = False
    coverage: CoverageFacts | None = None
    flags: list[str] = field(default_factory=list)
    priority: Priority = Priority.P4
    mode: AppraisalMode = AppraisalMode.ON_SITE
    fraud: bool = False

    def add(self, part: str, rule: Rule, text: str, value: Any = None) -> None:
        self.findings.append(Finding(part, rule.key, rule.title, text, value))

    def flag(self, rule: Rule, text: str) -> None:
        self.flags.append(rule.key)
        self.add("flag", rule, text, True)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    apply: Callable[[_State, Rule], None]


@lru_cache(maxsize=8192)
def fr_date(day: date) -> str:
    """ "26 novembre 2026" (cached: re-triaging 200,000 claims formats the same few hundred dates)."""
    return format_date(day, "d MMMM y", locale=FRENCH)


@lru_cache(maxsize=8192)
def fr_amount(amount: Decimal) -> str:
    """ "1 234,56 €" exactly as babel writes it for fr_FR (tested against it), without its cost per call."""
    cents = amount.quantize(CENT, ROUND_HALF_UP)
    whole, _, frac = f"{abs(cents):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{'-' if cents < 0 else ''}{grouped},{frac}\xa0€"


def _holiday_rules(state: _State) -> HolidayRules:
    return _rules_for(state.facts.departement or "", state.settings.whit_monday_is_holiday)


@lru_cache(maxsize=256)
def _rules_for(departement: str, whit_monday: bool) -> HolidayRules:
    return HolidayRules.for_departement(departement, whit_monday=whit_monday)


@lru_cache(maxsize=16384)
def _working_deadline(known_on: date, days: int, rules: HolidayRules) -> tuple[date, tuple[str, ...]]:
    """The last day on time and the weekday holidays skipped to reach it (cached: many claims share a date)."""
    deadline = add_working_days(known_on, days, rules)
    skipped = tuple(
        h.name
        for year in range(known_on.year, deadline.year + 1)
        for h in public_holidays(year, rules)
        if known_on < h.day <= deadline and h.day.weekday() < 5
    )
    return deadline, skipped


def _declaration_days(state: _State) -> tuple[int, str]:
    if state.facts.claim_type is ClaimType.THEFT:
        return state.settings.theft_declaration_working_days, "vol"
    return state.settings.declaration_working_days, "cas général"


# ---- the rules, in the order they run -------------------------------------------------------------------------


def rule_declaration_delay(state: _State, rule: Rule) -> None:
    f, s = state.facts, state.settings
    if f.claim_type is ClaimType.NATURAL_DISASTER:
        if f.catnat_decree_published_on is None:
            state.add(
                "declaration",
                rule,
                "Catastrophe naturelle : l'arrêté n'est pas encore publié, le délai de "
                f"{s.natural_disaster_days_after_decree} jours n'a pas commencé.",
                False,
            )
            return
        state.deadline = f.catnat_decree_published_on + timedelta(days=s.natural_disaster_days_after_decree)
        state.late = f.declared_on > state.deadline
        verdict = "en retard" if state.late else "dans le délai"
        state.add(
            "declaration",
            rule,
            f"Catastrophe naturelle : {s.natural_disaster_days_after_decree} jours après la publication de "
            f"l'arrêté le {fr_date(f.catnat_decree_published_on)}, soit jusqu'au {fr_date(state.deadline)} ; "
            f"déclaré le {fr_date(f.declared_on)} : {verdict}.",
            state.late,
        )
        return
    days, which = _declaration_days(state)
    state.deadline, state.late, text = _working_days_verdict(
        f.known_on, f.declared_on, days, which, _holiday_rules(state)
    )
    state.add("declaration", rule, text, state.late)


@lru_cache(maxsize=65536)
def _working_days_verdict(
    known_on: date, declared_on: date, days: int, which: str, rules: HolidayRules
) -> tuple[date, bool, str]:
    """Deadline, lateness and the explanation (cached: a re-triage meets the same pair of dates again and again)."""
    deadline, skipped = _working_deadline(known_on, days, rules)
    elapsed = working_days_between(known_on, declared_on, rules)
    late = declared_on > deadline
    holidays = f" (jours fériés non comptés : {', '.join(skipped)})" if skipped else ""
    verdict = (
        "en retard — signalé, jamais refusé pour ce seul motif (il faut une clause et un préjudice prouvé)"
        if late
        else "dans le délai"
    )
    text = (
        f"Délai légal ({which}) : {days} jours ouvrés après la connaissance du sinistre le "
        f"{fr_date(known_on)}, soit jusqu'au {fr_date(deadline)}{holidays} ; déclaré le "
        f"{fr_date(declared_on)}, {elapsed} jour(s) ouvré(s) après : {verdict}."
    )
    return deadline, late, text


def rule_contract_in_force(state: _State, rule: Rule) -> None:
    f = state.facts
    state.contract_in_force, text = _contract_verdict(
        f.occurred_on, f.contract_start, f.contract_status, f.contract_end
    )
    state.add("contract", rule, text, state.contract_in_force)


@lru_cache(maxsize=65536)
def _contract_verdict(
    occurred_on: date, start: date, status: ContractStatus, end: date | None
) -> tuple[bool, str]:
    loss = fr_date(occurred_on)
    if occurred_on < start:
        return False, f"Sinistre du {loss} antérieur à la prise d'effet du contrat le {fr_date(start)}."
    if status is ContractStatus.TERMINATED and (end is None or occurred_on > end):
        when = f" le {fr_date(end)}" if end else ""
        return False, f"Contrat résilié{when} : il n'était plus en vigueur le {loss}."
    if status is ContractStatus.SUSPENDED and (end is None or occurred_on >= end):
        since = f" depuis le {fr_date(end)}" if end else ""
        return False, f"Contrat suspendu{since} : garanties sans effet le {loss}."
    return True, f"Contrat en vigueur le {loss} (effet au {fr_date(start)})."


def _coverage_on(facts: ClaimFacts, code: CoverageCode) -> CoverageFacts | None:
    for cov in facts.coverages:
        if (
            cov.code is code
            and cov.start_date <= facts.occurred_on
            and (cov.end_date is None or facts.occurred_on <= cov.end_date)
        ):
            return cov
    return None


def rule_coverage(state: _State, rule: Rule) -> None:
    f = state.facts
    wanted = COVERAGE_FOR_TYPE[f.claim_type]
    state.coverage = next((c for code in wanted if (c := _coverage_on(f, code)) is not None), None)
    state.covered = state.coverage is not None and state.contract_in_force
    code = state.coverage.code if state.coverage else None
    state.add("coverage", rule, _coverage_text(f.claim_type, code, state.contract_in_force), state.covered)


@lru_cache(maxsize=256)
def _coverage_text(claim_type: ClaimType, code: CoverageCode | None, in_force: bool) -> str:
    if code is None:
        names = " ou ".join(f"« {COVERAGE_LABELS[c]} »" for c in COVERAGE_FOR_TYPE[claim_type])
        kind = CLAIM_TYPE_LABELS[claim_type].lower()
        return f"Aucune garantie {names} à la date du sinistre : {kind} non couvert par le contrat."
    if not in_force:
        return f"Garantie « {COVERAGE_LABELS[code]} » souscrite, mais le contrat n'était pas en vigueur."
    return f"{CLAIM_TYPE_LABELS[claim_type]} couvert par la garantie « {COVERAGE_LABELS[code]} »."


def rule_deductible(state: _State, rule: Rule) -> None:
    if state.coverage is None:
        state.add("deductible", rule, "Pas de franchise : le sinistre n'est pas couvert.", None)
        return
    amount = state.coverage.deductible
    state.add(
        "deductible",
        rule,
        f"Franchise de la garantie « {COVERAGE_LABELS[state.coverage.code]} » : {fr_amount(amount)}.",
        amount,
    )


def rule_early_loss(state: _State, rule: Rule) -> None:
    f, days = state.facts, state.settings.early_loss_days
    since_start = (f.occurred_on - f.contract_start).days
    if 0 <= since_start <= days:
        state.flag(rule, f"Sinistre {since_start} jour(s) après la souscription (seuil : {days} jours).")
        return
    raised = [
        c
        for c in f.coverages
        if c.start_date > f.contract_start and 0 <= (f.occurred_on - c.start_date).days <= days
    ]
    if raised:
        newest = max(raised, key=lambda c: c.start_date)
        state.flag(
            rule,
            f"Sinistre {(f.occurred_on - newest.start_date).days} jour(s) après l'ajout de la garantie "
            f"« {COVERAGE_LABELS[newest.code]} » le {fr_date(newest.start_date)} (seuil : {days} jours).",
        )


def rule_repeated_claims(state: _State, rule: Rule) -> None:
    f, limit = state.facts, state.settings.claims_in_12_months_flag
    window_start = f.occurred_on - timedelta(days=365)
    recent = sum(1 for d in f.other_claim_dates if window_start <= d <= f.occurred_on)
    if recent >= limit:
        state.flag(rule, f"{recent} autre(s) sinistre(s) dans les 12 mois précédents (seuil : {limit}).")


def rule_late_theft(state: _State, rule: Rule) -> None:
    if state.facts.claim_type is ClaimType.THEFT and state.late:
        state.flag(rule, "Vol déclaré hors délai.")


def rule_theft_without_keys(state: _State, rule: Rule) -> None:
    if state.facts.claim_type is ClaimType.THEFT and state.facts.keys_available is False:
        state.flag(rule, "Vol sans remise de toutes les clés du véhicule.")


def rule_bank_change(state: _State, rule: Rule) -> None:
    f, days = state.facts, state.settings.bank_change_before_claim_days
    changed = f.bank_details_changed_on
    if changed is not None and 0 <= (f.declared_on - changed).days <= days:
        state.flag(
            rule,
            f"Coordonnées bancaires modifiées le {fr_date(changed)}, {(f.declared_on - changed).days} jour(s) "
            f"avant la déclaration (seuil : {days} jours).",
        )


def rule_high_amount(state: _State, rule: Rule) -> None:
    f, limit = state.facts, state.settings.high_amount_flag
    if f.estimated_amount is not None and f.estimated_amount > limit:
        state.flag(
            rule, f"Montant estimé {fr_amount(f.estimated_amount)} au-dessus du seuil de {fr_amount(limit)}."
        )


def rule_fraud_referral(state: _State, rule: Rule) -> None:
    strong = sorted(set(state.flags) & STRONG_FLAGS)
    minimum = state.settings.fraud_referral_min_flags
    state.fraud = bool(strong) or len(state.flags) >= minimum
    if strong:
        text = (
            "Transmission au service fraude : signal fort ("
            + ", ".join(RULE_TITLES[k] for k in strong)
            + ")."
        )
    elif state.fraud:
        text = f"Transmission au service fraude : {len(state.flags)} signaux d'alerte (seuil : {minimum})."
    else:
        text = f"Pas de transmission au service fraude ({len(state.flags)} signal(aux), seuil : {minimum})."
    state.add("fraud", rule, text, state.fraud)


def rule_priority(state: _State, rule: Rule) -> None:
    f, s = state.facts, state.settings
    kind = CLAIM_TYPE_LABELS[f.claim_type].lower()
    if f.vehicle_drivable is False or f.claim_type in (ClaimType.THEFT, ClaimType.NATURAL_DISASTER):
        state.priority = Priority.P1
        why = (
            "véhicule immobilisé"
            if f.vehicle_drivable is False
            else f"{kind} (assuré privé de véhicule ou délai légal d'offre)"
        )
    elif (
        state.fraud
        or f.safety_parts_declared
        or (f.estimated_amount is not None and f.estimated_amount >= s.on_site_amount_threshold)
    ):
        state.priority = Priority.P2
        why = (
            "transmis au service fraude"
            if state.fraud
            else "pièces de sécurité touchées"
            if f.safety_parts_declared
            else f"montant estimé ≥ {fr_amount(s.on_site_amount_threshold)}"
        )
    elif not state.covered:
        state.priority = Priority.P4
        why = "sinistre non couvert : réponse à faire, sans expertise"
    elif f.third_party or f.claim_type in (ClaimType.COLLISION, ClaimType.FIRE, ClaimType.WATER):
        state.priority = Priority.P3
        why = "tiers impliqué" if f.third_party else kind
    else:
        state.priority = Priority.P4
        why = kind
    state.add("priority", rule, f"{PRIORITY_LABELS[state.priority]} : {why}.", state.priority.value)


def rule_appraisal_mode(state: _State, rule: Rule) -> None:
    f, limit = state.facts, state.settings.on_site_amount_threshold
    reasons = []
    if f.photo_count == 0:
        reasons.append("aucune photo")
    if f.safety_parts_declared:
        reasons.append("pièces de sécurité touchées (freins, direction, suspension, pneus, éclairage)")
    if f.estimated_amount is None:
        reasons.append("montant non estimé")
    elif f.estimated_amount >= limit:
        reasons.append(f"estimation {fr_amount(f.estimated_amount)} ≥ seuil de {fr_amount(limit)}")
    if f.claim_type is ClaimType.THEFT:
        reasons.append("vol : constat du véhicule retrouvé")
    state.mode = AppraisalMode.ON_SITE if reasons else AppraisalMode.REMOTE
    if reasons:
        text = "Expertise sur place : " + " ; ".join(reasons) + "."
    else:
        text = (
            f"Expertise à distance : {f.photo_count} photo(s), aucune pièce de sécurité, estimation "
            f"{fr_amount(f.estimated_amount or Decimal(0))} sous le seuil de {fr_amount(limit)}."
        )
    state.add("appraisal", rule, text, state.mode.value)


def rule_irsa_threshold(state: _State, rule: Rule) -> None:
    f, s = state.facts, state.settings
    if f.claim_type is not ClaimType.COLLISION or not f.third_party:
        return
    change = date(2025, 3, 1)
    threshold = (
        s.irsa_threshold_from_2025_03_01 if f.occurred_on >= change else s.irsa_threshold_before_2025_03_01
    )
    state.add(
        "irsa",
        rule,
        f"Collision avec tiers : seuil de la convention IRSA applicable au {fr_date(f.occurred_on)} : "
        f"{fr_amount(threshold)} HT.",
        str(threshold),
    )


RULES: tuple[Rule, ...] = (
    Rule("declaration_delay", "Délai de déclaration (L113-2)", rule_declaration_delay),
    Rule("contract_in_force", "Contrat en vigueur à la date du sinistre", rule_contract_in_force),
    Rule("coverage", "Garantie couvrant ce type de sinistre", rule_coverage),
    Rule("deductible", "Franchise applicable", rule_deductible),
    Rule("early_loss", "Sinistre peu après la souscription ou une hausse de garanties", rule_early_loss),
    Rule("repeated_claims", "Plusieurs sinistres en 12 mois", rule_repeated_claims),
    Rule("late_theft", "Vol déclaré tardivement", rule_late_theft),
    Rule("theft_without_keys", "Vol sans les clés", rule_theft_without_keys),
    Rule("bank_details_changed", "RIB modifié peu avant", rule_bank_change),
    Rule("high_amount", "Montant élevé", rule_high_amount),
    Rule("fraud_referral", "Transmission au service fraude", rule_fraud_referral),
    Rule("priority", "Priorité de traitement", rule_priority),
    Rule("appraisal_mode", "Mode d'expertise", rule_appraisal_mode),
    Rule("irsa_threshold", "Seuil de la convention IRSA", rule_irsa_threshold),
)

RULE_TITLES = {r.key: r.title for r in RULES}
#: A single one of these sends the claim to the fraud team.
STRONG_FLAGS = frozenset({"theft_without_keys", "bank_details_changed"})
FLAG_RULES = (
    "early_loss",
    "repeated_claims",
    "late_theft",
    "theft_without_keys",
    "bank_details_changed",
    "high_amount",
)


def triage(facts: ClaimFacts, settings: ClaimsSettings) -> TriageResult:
    state = _State(facts, settings)
    for rule in RULES:
        rule.apply(state, rule)
    return TriageResult(
        findings=tuple(state.findings),
        late_declaration=state.late,
        declaration_deadline=state.deadline,
        covered=state.covered,
        coverage_code=state.coverage.code if state.coverage else None,
        deductible=state.coverage.deductible if state.coverage else None,
        flags=tuple(state.flags),
        priority=state.priority,
        appraisal_mode=state.mode,
        fraud_referral=state.fraud,
    )
