"""Expert assignment (mandates), appraisal reports and counter-appraisals.

Eligible experts serve the loss's département, have the specialty the claim needs and are active; the proposal is
the lowest load (open mandates / capacity), then the shortest distance from the expert's home département. A
handler may choose another eligible expert with a reason. A counter-appraisal always goes to a different expert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.checks.calendar_fr import HolidayRules, add_working_days
from backoffice.data.departements import distance_km
from backoffice.errors import InvalidInput, NotFound, Refused
from backoffice.models import (
    AppraisalAssignment,
    AppraisalMode,
    AssignmentKind,
    AssignmentStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    Contract,
    Coverage,
    Expert,
    ExpertArea,
    ExpertSpecialty,
    Product,
    Specialty,
)
from backoffice.models.experts import SPECIALTY_LABELS
from backoffice.workflows import audit, indemnity
from backoffice.workflows.claims import (
    apply_transition,
    check_claim_version,
    claim_for,
    load_claim,
    touch_claim,
)
from backoffice.workflows.context import Actor, now, settings_of, today
from backoffice.workflows.permissions import Permission, require
from backoffice.workflows.triage import APPRAISAL_LABELS, COVERAGE_FOR_TYPE


@dataclass(frozen=True)
class Candidate:
    expert_id: int
    name: str
    firm: str
    home_departement: str
    open_mandates: int
    capacity: int
    load: float  # open mandates / capacity
    distance_km: float

    @property
    def label(self) -> str:
        return (
            f"{self.name} ({self.firm}) — {self.open_mandates}/{self.capacity} missions, "
            f"{self.distance_km:.0f} km"
        )


@dataclass(frozen=True)
class Proposal:
    claim_id: int
    specialty: Specialty
    departement: str
    proposed: Candidate | None
    alternatives: tuple[Candidate, ...]
    excluded_expert_ids: tuple[int, ...]
    explanation: str


@dataclass(frozen=True)
class AssignmentView:
    id: int
    claim_id: int
    claim_number: str
    expert_id: int
    expert_name: str
    kind: AssignmentKind
    mode: AppraisalMode
    status: AssignmentStatus
    choice: str
    choice_reason: str | None
    mandated_at: datetime
    due_on: date
    overdue: bool
    damage_amount: Decimal | None
    safety_parts_damaged: bool | None
    total_loss: bool | None
    depreciation_rate: Decimal | None
    vehicle_value: Decimal | None
    version: int


@dataclass(frozen=True)
class AppraisalReport:
    damage_amount: Decimal
    safety_parts_damaged: bool
    total_loss: bool
    depreciation_rate: Decimal = Decimal(0)
    vehicle_value: Decimal | None = None
    notes: str = ""


def specialty_for(claim_type: ClaimType, product: Product) -> Specialty:
    """Glass for glass breakage, fire/water for fires and floods, otherwise the vehicle's kind."""
    if claim_type is ClaimType.GLASS:
        return Specialty.GLASS
    if claim_type in (ClaimType.FIRE, ClaimType.WATER, ClaimType.NATURAL_DISASTER):
        return Specialty.FIRE_WATER
    return Specialty.TWO_WHEELER if product is Product.TWO_WHEELER else Specialty.CAR


def _open_mandates(session: Session, expert_ids: list[int]) -> dict[int, int]:
    return dict(
        session.execute(
            select(AppraisalAssignment.expert_id, func.count())
            .where(
                AppraisalAssignment.expert_id.in_(expert_ids),
                AppraisalAssignment.status == AssignmentStatus.MANDATED,
            )
            .group_by(AppraisalAssignment.expert_id)
        ).all()
    )


def _previous_experts(session: Session, claim_id: int) -> tuple[int, ...]:
    return tuple(
        session.execute(
            select(AppraisalAssignment.expert_id).where(
                AppraisalAssignment.claim_id == claim_id,
                AppraisalAssignment.status != AssignmentStatus.CANCELLED,
            )
        ).scalars()
    )


def _proposal(session: Session, claim: Claim, exclude: tuple[int, ...]) -> Proposal:
    contract = session.get(Contract, claim.contract_id)
    assert contract is not None
    specialty = specialty_for(claim.claim_type, contract.product)
    departement = claim.departement
    if departement is None:
        raise InvalidInput(
            f"Le sinistre {claim.number} n'a pas de lieu (code postal) : impossible de choisir un expert du secteur."
        )
    experts = list(
        session.execute(
            select(Expert)
            .join(ExpertArea, ExpertArea.expert_id == Expert.id)
            .join(ExpertSpecialty, ExpertSpecialty.expert_id == Expert.id)
            .where(
                ExpertArea.departement == departement,
                ExpertSpecialty.specialty == specialty,
                Expert.active.is_(True),
            )
        ).scalars()
    )
    loads = _open_mandates(session, [e.id for e in experts])
    candidates = sorted(
        (
            Candidate(
                e.id,
                e.name,
                e.firm,
                e.home_departement,
                loads.get(e.id, 0),
                e.capacity,
                loads.get(e.id, 0) / e.capacity if e.capacity > 0 else float("inf"),
                distance_km(e.home_departement, departement),
            )
            for e in experts
            if e.id not in exclude
        ),
        key=lambda c: (c.load, c.distance_km, c.expert_id),
    )
    proposed = candidates[0] if candidates else None
    what = f"{SPECIALTY_LABELS[specialty].lower()} dans le département {departement}"
    if proposed is None:
        explanation = f"Aucun expert actif {what}" + (" autre que le(s) précédent(s)." if exclude else ".")
    else:
        explanation = (
            f"{len(candidates)} expert(s) éligible(s) ({what}) ; proposé : la plus faible charge "
            f"({proposed.open_mandates}/{proposed.capacity}), puis la plus courte distance ({proposed.distance_km:.0f} km)."
        )
    return Proposal(claim.id, specialty, departement, proposed, tuple(candidates[1:]), exclude, explanation)


def propose_experts(
    session: Session, actor: Actor, claim_id: int, *, counter_appraisal: bool = False
) -> Proposal:
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_ASSIGN)
    return _proposal(session, claim, _previous_experts(session, claim.id) if counter_appraisal else ())


def _due_on(session: Session, claim: Claim) -> date:
    settings = settings_of(session).claims
    rules = HolidayRules.for_departement(claim.departement or "", whit_monday=settings.whit_monday_is_holiday)
    return add_working_days(today(session), settings.appraisal_sla_days, rules)


def _mandate(
    session: Session,
    actor: Actor,
    claim: Claim,
    *,
    kind: AssignmentKind,
    expert_id: int | None,
    reason: str,
) -> AppraisalAssignment:
    exclude = _previous_experts(session, claim.id) if kind is AssignmentKind.COUNTER_APPRAISAL else ()
    proposal = _proposal(session, claim, exclude)
    eligible = {c.expert_id: c for c in (proposal.proposed, *proposal.alternatives) if c is not None}
    if expert_id is None:
        if proposal.proposed is None:
            raise InvalidInput(proposal.explanation)
        expert_id = proposal.proposed.expert_id
    if expert_id in exclude:
        raise Refused(
            "La contre-expertise doit être confiée à un autre expert que celui de la première expertise.",
            action="claims.counter_appraisal",
            target_type="claim",
            target_id=claim.id,
            customer_id=claim.customer_id,
            actor=actor,
        )
    if expert_id not in eligible:
        raise InvalidInput(
            "Cet expert n'est pas éligible pour ce sinistre (secteur, spécialité ou statut).", "expert_id"
        )
    manual = proposal.proposed is None or expert_id != proposal.proposed.expert_id
    if manual and not reason.strip():
        raise InvalidInput(
            "Un motif est obligatoire pour choisir un autre expert que celui proposé.", "reason"
        )
    moment = now(session)
    assignment = AppraisalAssignment(
        claim_id=claim.id,
        expert_id=expert_id,
        kind=kind,
        mode=claim.appraisal_mode or AppraisalMode.ON_SITE,
        status=AssignmentStatus.MANDATED,
        choice="manual" if manual else "proposed",
        choice_reason=reason.strip() or None,
        assigned_by_id=actor.agent_id,
        mandated_at=moment,
        due_on=_due_on(session, claim),
    )
    session.add(assignment)
    session.flush()
    return assignment


def assign_expert(
    session: Session,
    actor: Actor,
    claim_id: int,
    *,
    expert_id: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> AssignmentView:
    """Mandate the proposed expert (or another eligible one, with a reason): trié → en expertise."""
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_ASSIGN, expected_version=expected_version)
    assignment = _mandate(
        session, actor, claim, kind=AssignmentKind.INITIAL, expert_id=expert_id, reason=reason
    )
    expert = session.get(Expert, assignment.expert_id)
    assert expert is not None
    touch_claim(session, claim, actor)
    apply_transition(
        session, actor, claim, ClaimStatus.IN_APPRAISAL, f"Expert missionné : {expert.name} ({expert.firm})"
    )
    audit.record(
        session,
        actor,
        "claims.assign",
        f"Sinistre {claim.number} : mission à {expert.name} ({expert.firm}), "
        f"{APPRAISAL_LABELS[assignment.mode].lower()}, échéance {assignment.due_on:%d/%m/%Y}"
        + (f" ; choix manuel : {assignment.choice_reason}" if assignment.choice == "manual" else ""),
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
        details={"expert_id": expert.id, "choice": assignment.choice},
    )
    return _view(session, assignment)


def request_counter_appraisal(
    session: Session,
    actor: Actor,
    claim_id: int,
    *,
    expert_id: int | None = None,
    reason: str,
    expected_version: int | None = None,
) -> AssignmentView:
    """The customer disputes the report: a second, different expert (indemnité proposée → en expertise)."""
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_ASSIGN, expected_version=expected_version)
    if not reason.strip():
        raise InvalidInput("Indiquez la demande de l'assuré (motif de la contre-expertise).", "reason")
    if claim.status is not ClaimStatus.INDEMNITY_PROPOSED:
        raise Refused(
            "Une contre-expertise se demande après le rapport d'expertise et la proposition d'indemnité.",
            action="claims.counter_appraisal",
            target_type="claim",
            target_id=claim.id,
            customer_id=claim.customer_id,
            actor=actor,
        )
    proposal_reason = reason.strip()
    assignment = _mandate(
        session,
        actor,
        claim,
        kind=AssignmentKind.COUNTER_APPRAISAL,
        expert_id=expert_id,
        reason=proposal_reason,
    )
    expert = session.get(Expert, assignment.expert_id)
    assert expert is not None
    touch_claim(session, claim, actor)
    apply_transition(
        session,
        actor,
        claim,
        ClaimStatus.IN_APPRAISAL,
        f"Contre-expertise demandée par l'assuré ({proposal_reason}) : {expert.name}",
    )
    audit.record(
        session,
        actor,
        "claims.counter_appraisal",
        f"Sinistre {claim.number} : contre-expertise confiée à {expert.name} ({expert.firm}) : {proposal_reason}",
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
        details={"expert_id": expert.id},
    )
    return _view(session, assignment)


def record_report(
    session: Session,
    actor: Actor,
    assignment_id: int,
    report: AppraisalReport,
    *,
    expected_version: int | None = None,
) -> indemnity.Indemnity:
    """The expert's report: stored on the mandate, indemnity computed and proposed (en expertise → indemnité proposée)."""
    require(
        session, actor, Permission.CLAIM_SETTLE, target_type="appraisal_assignment", target_id=assignment_id
    )
    assignment = session.get(AppraisalAssignment, assignment_id)
    if assignment is None:
        raise NotFound(f"Mission d'expertise introuvable (n° {assignment_id}).")
    claim = load_claim(session, assignment.claim_id)
    check_claim_version(session, claim, expected_version)
    if assignment.status is not AssignmentStatus.MANDATED:
        raise InvalidInput("Le rapport de cette mission a déjà été saisi.")
    if report.damage_amount < 0:
        raise InvalidInput("Le montant des dommages ne peut pas être négatif.", "damage_amount")
    if not Decimal(0) <= report.depreciation_rate <= Decimal(100):
        raise InvalidInput("Le taux de vétusté doit être compris entre 0 et 100 %.", "depreciation_rate")
    if report.vehicle_value is not None and report.vehicle_value < 0:
        raise InvalidInput("La valeur du véhicule ne peut pas être négative.", "vehicle_value")
    if report.total_loss and report.vehicle_value is None:
        raise InvalidInput("Véhicule irréparable : indiquez sa valeur à dire d'expert.", "vehicle_value")
    contract = session.get(Contract, claim.contract_id)
    assert contract is not None
    moment = now(session)
    assignment.status = AssignmentStatus.REPORT_RECEIVED
    assignment.report_received_at = moment
    assignment.damage_amount = report.damage_amount
    assignment.safety_parts_damaged = report.safety_parts_damaged
    assignment.total_loss = report.total_loss
    assignment.depreciation_rate = report.depreciation_rate
    assignment.vehicle_value = report.vehicle_value
    assignment.report_notes = report.notes.strip() or None
    result = indemnity.compute(
        indemnity.IndemnityInput(
            damage_amount=report.damage_amount,
            deductible=claim.deductible_applied or Decimal(0),
            total_loss=report.total_loss,
            depreciation_rate=report.depreciation_rate,
            vehicle_value=report.vehicle_value,
            insured_value=contract.vehicle_value,
            replacement_value_option=contract.replacement_value_option,
            vehicle_first_registration=contract.vehicle_first_registration,
            loss_date=claim.occurred_on,
            max_vehicle_age_months=settings_of(session).claims.replacement_value_max_vehicle_age_months,
            ceiling=_ceiling(session, claim),
        )
    )
    claim.assessed_damage = report.damage_amount
    claim.indemnity_amount = result.amount
    claim.indemnity_basis = result.basis
    claim.indemnity_details = result.as_json()
    touch_claim(session, claim, actor)
    apply_transition(
        session,
        actor,
        claim,
        ClaimStatus.INDEMNITY_PROPOSED,
        f"Rapport reçu ; indemnité proposée {indemnity.euros(result.amount)}",
    )
    audit.record(
        session,
        actor,
        "claims.report",
        f"Sinistre {claim.number} : rapport d'expertise saisi (dommages {indemnity.euros(report.damage_amount)}"
        f"{', véhicule irréparable' if report.total_loss else ''}), indemnité proposée {indemnity.euros(result.amount)}",
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
        details={"assignment_id": assignment.id, "basis": result.basis},
    )
    return result


def _ceiling(session: Session, claim: Claim) -> Decimal | None:
    code = (claim.triage or {}).get("coverage_code")
    if code is None:
        codes = COVERAGE_FOR_TYPE[claim.claim_type]
    else:
        codes = tuple(c for c in COVERAGE_FOR_TYPE[claim.claim_type] if c.value == code)
    return session.execute(
        select(Coverage.ceiling)
        .where(Coverage.contract_id == claim.contract_id, Coverage.code.in_(codes))
        .limit(1)
    ).scalar_one_or_none()


def _view(session: Session, a: AppraisalAssignment) -> AssignmentView:
    expert = session.get(Expert, a.expert_id)
    claim = session.get(Claim, a.claim_id)
    assert expert is not None and claim is not None
    return AssignmentView(
        a.id,
        a.claim_id,
        claim.number,
        a.expert_id,
        f"{expert.name} ({expert.firm})",
        a.kind,
        a.mode,
        a.status,
        a.choice,
        a.choice_reason,
        a.mandated_at,
        a.due_on,
        a.status is AssignmentStatus.MANDATED and a.due_on < today(session),
        a.damage_amount,
        a.safety_parts_damaged,
        a.total_loss,
        a.depreciation_rate,
        a.vehicle_value,
        a.version,
    )


def assignments_of_claim(session: Session, actor: Actor, claim_id: int) -> tuple[AssignmentView, ...]:
    require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim", target_id=claim_id)
    rows = session.execute(
        select(AppraisalAssignment)
        .where(AppraisalAssignment.claim_id == claim_id)
        .order_by(AppraisalAssignment.id)
    ).scalars()
    return tuple(_view(session, a) for a in rows)


def overdue_assignments(session: Session, actor: Actor, *, limit: int = 500) -> tuple[AssignmentView, ...]:
    """Mandates past their due date without a report, oldest due first."""
    require(session, actor, Permission.CLAIM_ASSIGN)
    rows = session.execute(
        select(AppraisalAssignment)
        .where(
            AppraisalAssignment.status == AssignmentStatus.MANDATED,
            AppraisalAssignment.due_on < today(session),
        )
        .order_by(AppraisalAssignment.due_on, AppraisalAssignment.id)
        .limit(limit)
    ).scalars()
    return tuple(_view(session, a) for a in rows)
