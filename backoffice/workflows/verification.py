"""Identity verification cases: documents, stored checks and the agent's decision.

One case per request (an unlock, a change of bank details, a KYC review). The checks are computed here from what
the agent read on the documents and stored with their French reasons, so a later reader sees exactly what was
checked. A decided case is frozen; deciding a newer case for the same customer supersedes the older decision,
so at most one decision per customer is current (the unlock workflow relies on it).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from backoffice.checks import bank, identifiers
from backoffice.checks.address import addresses_match
from backoffice.checks.mrz import CheckStatus, MrzFormatError, MrzResult, compare_identity, parse_mrz
from backoffice.checks.names import HolderMatch, holder_matches_customer
from backoffice.clock import to_paris
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models import (
    Agent,
    CheckOutcome,
    Civility,
    Contract,
    Customer,
    Document,
    DocumentKind,
    VerificationCase,
    VerificationCheck,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.models.documents import VERIFICATION_STATUS_LABELS, ProofOfAddressKind
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of, today
from backoffice.workflows.documents import DocumentInfo, document_infos, store_document, upload_details
from backoffice.workflows.permissions import AgentCheck, Permission, require

IDENTITY = "identity"
ADDRESS = "address"
BANK_DETAILS = "bank_details"
GROUPS = (IDENTITY, ADDRESS, BANK_DETAILS)
GROUP_LABELS = {IDENTITY: "identité", ADDRESS: "adresse", BANK_DETAILS: "coordonnées bancaires"}
GROUP_DOCUMENT_KIND = {
    IDENTITY: DocumentKind.IDENTITY_DOCUMENT,
    ADDRESS: DocumentKind.PROOF_OF_ADDRESS,
    BANK_DETAILS: DocumentKind.BANK_DETAILS,
}
_GROUP_PREFIX = {IDENTITY: "identity.", ADDRESS: "address.", BANK_DETAILS: "bank."}
BANK_CHANGE_CHECK = "bank.change"
# One check before it is stored: name, French label, outcome, French reason, details (never a full number).
Row = tuple[str, str, CheckOutcome, str | None, dict[str, Any]]

PURPOSE_LABELS = {
    VerificationPurpose.UNLOCK: "Déblocage de l'espace assuré",
    VerificationPurpose.BANK_DETAILS_CHANGE: "Changement de coordonnées bancaires",
    VerificationPurpose.KYC: "Contrôle d'identité (connaissance client)",
}
PROOF_KIND_LABELS = {
    ProofOfAddressKind.UTILITY_BILL: "Facture (énergie, eau, téléphone, internet)",
    ProofOfAddressKind.TAX_NOTICE: "Avis d'imposition ou de taxe",
    ProofOfAddressKind.RENT_RECEIPT: "Quittance de loyer",
    ProofOfAddressKind.OTHER: "Autre justificatif",
}
_MRZ_CHECK_LABELS = {
    "document_number": "Clé du n° de document",
    "birth_date": "Clé date de naissance",
    "expiry_date": "Clé date d'expiration",
    "optional_data": "Clé données facultatives",
    "composite": "Clé composite",
}


class Decision(enum.Enum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    MORE_DOCUMENTS_NEEDED = "more_documents_needed"


DECISION_STATUS = {
    Decision.VERIFIED: VerificationStatus.VERIFIED,
    Decision.REJECTED: VerificationStatus.REJECTED,
    Decision.MORE_DOCUMENTS_NEEDED: VerificationStatus.MORE_DOCUMENTS_NEEDED,
}


class RejectionReason(enum.Enum):
    """The fixed list an agent picks from: reasons are compared across agents, so they are not free text."""

    UNREADABLE = "unreadable"
    EXPIRED = "expired"
    IDENTITY_MISMATCH = "identity_mismatch"
    ADDRESS_PROOF_TOO_OLD = "address_proof_too_old"
    ADDRESS_MISMATCH = "address_mismatch"
    HOLDER_MISMATCH = "holder_mismatch"
    SUSPECTED_FORGERY = "suspected_forgery"
    DOCUMENT_NOT_ACCEPTED = "document_not_accepted"

    @property
    def label(self) -> str:
        return REJECTION_REASON_LABELS[self]


REJECTION_REASON_LABELS = {
    RejectionReason.UNREADABLE: "Document illisible ou incomplet",
    RejectionReason.EXPIRED: "Pièce d'identité expirée",
    RejectionReason.IDENTITY_MISMATCH: "Identité différente de celle du dossier",
    RejectionReason.ADDRESS_PROOF_TOO_OLD: "Justificatif de domicile trop ancien",
    RejectionReason.ADDRESS_MISMATCH: "Adresse différente de celle du dossier",
    RejectionReason.HOLDER_MISMATCH: "Titulaire du compte différent du client",
    RejectionReason.SUSPECTED_FORGERY: "Document suspect (falsification possible)",
    RejectionReason.DOCUMENT_NOT_ACCEPTED: "Type de pièce non recevable",
}


@dataclass(frozen=True)
class CheckResult:
    id: int
    group: str
    name: str
    label: str
    outcome: CheckOutcome
    reason: str | None
    document_id: int | None
    details: dict[str, Any]


@dataclass(frozen=True)
class CustomerBrief:
    """What the verification screen shows of the file: enough to compare, never a full IBAN."""

    id: int
    client_number: str
    display_name: str
    last_name: str
    birth_name: str | None
    first_names: str
    birth_date: date
    address_lines: tuple[str, ...]
    iban_masked: str | None
    bank_holder: str | None


@dataclass(frozen=True)
class CaseView:
    id: int
    version: int
    customer: CustomerBrief
    purpose: VerificationPurpose
    purpose_label: str
    status: VerificationStatus
    status_label: str
    covered: tuple[str, ...]
    decision_reason: str | None
    opened_by: str
    opened_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    superseded_by_id: int | None
    documents: tuple[DocumentInfo, ...]
    checks: tuple[CheckResult, ...]
    proposed_iban_masked: str | None
    proposed_bic: str | None
    proposed_holder: str | None

    @property
    def is_open(self) -> bool:
        return self.status is VerificationStatus.OPEN

    @property
    def bank_details_change(self) -> bool:
        return self.proposed_iban_masked is not None

    def checks_of(self, group: str) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.group == group)


@dataclass(frozen=True)
class IdentityCheckRun:
    """The stored case after an MRZ check, plus a corrected MRZ to offer when look-alikes explain a failure.

    The correction is returned to the screen only; an MRZ is never stored.
    """

    case: CaseView
    suggested_mrz: str | None


@dataclass(frozen=True)
class VerificationSummary:
    """The customer's current verification, for the customer file and the unlock screen."""

    case_id: int
    customer_id: int
    status: VerificationStatus
    status_label: str
    purpose: VerificationPurpose
    covered: tuple[str, ...]
    opened_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    valid_until: date | None
    bank_details_change: bool

    @property
    def covered_text(self) -> str:
        return (
            ", ".join(GROUP_LABELS[g] for g in self.covered if g in GROUP_LABELS) or "aucun contrôle validé"
        )

    def is_current(self, on: date) -> bool:
        return (
            self.status is VerificationStatus.VERIFIED
            and self.valid_until is not None
            and on <= self.valid_until
        )


@dataclass(frozen=True)
class CustomerChoice:
    id: int
    client_number: str
    display_name: str
    postcode: str
    city: str


def group_of(check_name: str) -> str:
    for group, prefix in _GROUP_PREFIX.items():
        if check_name.startswith(prefix):
            return group
    return "other"


def sex_of(civility: Civility) -> str:
    """The file holds a civility, not a sex: the closest reading for the MRZ comparison."""
    return "M" if civility is Civility.MR else "F"


def _brief(customer: Customer) -> CustomerBrief:
    lines = [customer.address_line]
    if customer.address_complement:
        lines.append(customer.address_complement)
    lines.append(f"{customer.postcode} {customer.city}")
    return CustomerBrief(
        id=customer.id,
        client_number=customer.client_number,
        display_name=customer.display_name,
        last_name=customer.last_name,
        birth_name=customer.birth_name,
        first_names=customer.first_names,
        birth_date=customer.birth_date,
        address_lines=tuple(lines),
        iban_masked=bank.mask_iban(customer.iban) if customer.iban else None,
        bank_holder=customer.bank_holder,
    )


def _agent_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Agent.id, Agent.full_name).where(Agent.id.in_(wanted)))
    return {agent_id: name for agent_id, name in rows}


def _view(session: Session, case: VerificationCase) -> CaseView:
    customer = session.get(Customer, case.customer_id)
    assert customer is not None  # foreign key
    names = _agent_names(session, {case.opened_by_id, case.decided_by_id})
    documents = sorted(case.documents, key=lambda d: (d.uploaded_at, d.id))
    checks = tuple(
        CheckResult(
            c.id, group_of(c.name), c.name, c.label, c.outcome, c.reason, c.document_id, dict(c.details or {})
        )
        for c in case.checks
    )
    return CaseView(
        id=case.id,
        version=case.version,
        customer=_brief(customer),
        purpose=case.purpose,
        purpose_label=PURPOSE_LABELS[case.purpose],
        status=case.status,
        status_label=VERIFICATION_STATUS_LABELS[case.status],
        covered=tuple(case.covered or ()),
        decision_reason=case.decision_reason,
        opened_by=names.get(case.opened_by_id, "?"),
        opened_at=case.opened_at,
        decided_by=names.get(case.decided_by_id) if case.decided_by_id else None,
        decided_at=case.decided_at,
        superseded_by_id=case.superseded_by_id,
        documents=tuple(document_infos(session, documents)),
        checks=checks,
        proposed_iban_masked=bank.mask_iban(case.proposed_iban) if case.proposed_iban else None,
        proposed_bic=case.proposed_bic,
        proposed_holder=case.proposed_holder,
    )


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"Client n° {customer_id} introuvable.")
    return customer


def _editable_case(
    session: Session, actor: Actor, case_id: int, action: str, expected_version: int | None
) -> tuple[AgentCheck, VerificationCase]:
    """Load an open case for a change; a decided case is frozen, a stale screen is told who changed it."""
    agent = require(
        session, actor, Permission.VERIFICATION_DECIDE, target_type="verification_case", target_id=case_id
    )
    case = session.get(VerificationCase, case_id, with_for_update=True)
    if case is None:
        raise NotFound(f"Vérification n° {case_id} introuvable.")
    if case.status is not VerificationStatus.OPEN:
        decided = f" le {to_paris(case.decided_at):%d/%m/%Y}" if case.decided_at else ""
        raise Refused(
            f"La vérification n° {case.id} est close ({VERIFICATION_STATUS_LABELS[case.status].lower()}{decided}) : "
            "elle ne peut plus être modifiée. Ouvrez une nouvelle vérification pour la remplacer.",
            action=action,
            target_type="verification_case",
            target_id=case.id,
            customer_id=case.customer_id,
            actor=actor,
        )
    if expected_version is not None and case.version != expected_version:
        last = audit.last_change(session, "verification_case", case.id)
        who = f" par {last.actor_username} à {to_paris(last.at):%H:%M}" if last else ""
        raise ConcurrentEdit(
            f"La vérification n° {case.id} a été modifiée{who} pendant que vous la consultiez. Rechargez-la : "
            "vos saisies sont conservées à l'écran.",
            changed_by=last.actor_username if last else None,
            changed_at=last.at if last else None,
        )
    return agent, case


def find_customers(session: Session, actor: Actor, text: str) -> list[CustomerChoice]:
    """Customers whose client number (or contract number) is the typed text, however it was spaced."""
    require(session, actor, Permission.CUSTOMER_VIEW)
    ids: list[int] = []
    for candidate in identifiers.classify_identifier(text):
        if candidate.kind is identifiers.IdentifierKind.CLIENT_NUMBER:
            found = session.execute(
                select(Customer.id).where(Customer.client_number == candidate.value)
            ).scalar_one_or_none()
        else:
            found = session.execute(
                select(Contract.customer_id).where(Contract.number == candidate.value)
            ).scalar_one_or_none()
        if found is not None and found not in ids:
            ids.append(found)
    customers = [_customer(session, i) for i in ids]
    return [CustomerChoice(c.id, c.client_number, c.display_name, c.postcode, c.city) for c in customers]


def customer_brief(session: Session, actor: Actor, customer_id: int) -> CustomerBrief:
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    return _brief(_customer(session, customer_id))


def get_case(session: Session, actor: Actor, case_id: int) -> CaseView:
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="verification_case", target_id=case_id)
    case = session.get(VerificationCase, case_id)
    if case is None:
        raise NotFound(f"Vérification n° {case_id} introuvable.")
    return _view(session, case)


def open_case(session: Session, actor: Actor, customer_id: int, purpose: VerificationPurpose) -> CaseView:
    """Start a new request. A case still open for the customer was abandoned: it is superseded by this one."""
    agent = require(
        session,
        actor,
        Permission.VERIFICATION_DECIDE,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    _customer(session, customer_id)
    moment = now(session)
    case = VerificationCase(
        customer_id=customer_id,
        purpose=purpose,
        status=VerificationStatus.OPEN,
        covered=[],
        opened_by_id=agent.id,
        opened_at=moment,
    )
    session.add(case)
    session.flush()
    abandoned = session.execute(
        select(VerificationCase)
        .where(VerificationCase.customer_id == customer_id)
        .where(VerificationCase.status == VerificationStatus.OPEN)
        .where(VerificationCase.id != case.id)
        .with_for_update()
    ).scalars()
    replaced = []
    for old in abandoned:
        old.status = VerificationStatus.SUPERSEDED
        old.superseded_by_id = case.id
        replaced.append(old.id)
    session.flush()
    view = _view(session, case)
    summary = f"Vérification n° {case.id} ouverte : {PURPOSE_LABELS[purpose]}"
    if replaced:
        summary += f" (remplace la vérification en cours n° {', '.join(map(str, replaced))})"
    audit.record(
        session,
        actor,
        "verification.open",
        summary,
        target_type="verification_case",
        target_id=case.id,
        customer_id=customer_id,
        details={"purpose": purpose.value, "superseded": replaced},
    )
    return view


def attach_document(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    kind: DocumentKind,
    filename: str,
    content: bytes,
    expected_version: int | None = None,
) -> CaseView:
    """Upload a document into an open case (inspected like every upload; refused uploads leave no trace)."""
    require(session, actor, Permission.DOCUMENT_UPLOAD, target_type="verification_case", target_id=case_id)
    agent, case = _editable_case(session, actor, case_id, "verification.attach", expected_version)
    _document, info = store_document(
        session,
        agent,
        customer_id=case.customer_id,
        claim_id=None,
        kind=kind,
        filename=filename,
        content=content,
    )
    case.documents.append(session.get_one(Document, info.id))
    _touch(case)
    session.flush()
    view = _view(session, case)
    audit.record(
        session,
        actor,
        "document.upload",
        f"{info.kind_label} ajouté(e) à la vérification n° {case.id} ({info.size_text})",
        target_type="verification_case",
        target_id=case.id,
        customer_id=case.customer_id,
        details={**upload_details(info), "case_id": case.id},
    )
    return view


def _touch(case: VerificationCase) -> None:
    """Bump the version when only child rows changed, so another screen holding the case sees it is stale."""
    flag_modified(case, "covered")


def _pick_document(case: VerificationCase, group: str, document_id: int | None) -> int | None:
    if document_id is not None:
        if not any(d.id == document_id for d in case.documents):
            raise InvalidInput(f"Le document n° {document_id} n'est pas joint à cette vérification.")
        return document_id
    wanted = GROUP_DOCUMENT_KIND[group]
    candidates = [d for d in case.documents if d.kind is wanted]
    return max(candidates, key=lambda d: (d.uploaded_at, d.id)).id if candidates else None


def _store_checks(
    session: Session,
    actor: Actor,
    case: VerificationCase,
    group: str,
    rows: list[Row],
    document_id: int | None,
    what: str,
    details: dict[str, Any],
) -> CaseView:
    """Replace the group's previous results (a re-run supersedes them), then audit the run without its data."""
    document = _pick_document(case, group, document_id)
    prefix = _GROUP_PREFIX[group]
    case.checks[:] = [c for c in case.checks if not c.name.startswith(prefix)]
    session.flush()
    moment = now(session)
    for name, label, outcome, reason, row_details in rows:
        case.checks.append(
            VerificationCheck(
                document_id=document,
                name=name,
                label=label,
                outcome=outcome,
                reason=reason[:500] if reason else None,
                details=row_details,
                checked_at=moment,
            )
        )
    _touch(case)
    session.flush()
    view = _view(session, case)
    audit.record(
        session,
        actor,
        "verification.check",
        f"Contrôle {what} (vérification n° {case.id}) : {_tally(rows)}",
        target_type="verification_case",
        target_id=case.id,
        customer_id=case.customer_id,
        details={"group": group, "document_id": document, **details},
    )
    return view


_OUTCOME = {
    CheckStatus.PASSED: CheckOutcome.PASSED,
    CheckStatus.FAILED: CheckOutcome.FAILED,
    CheckStatus.NOT_APPLICABLE: CheckOutcome.NOT_APPLICABLE,
}


def _tally(rows: list[Row]) -> str:
    counts = {o: sum(1 for r in rows if r[2] is o) for o in CheckOutcome}
    return (
        f"{counts[CheckOutcome.PASSED]} réussi(s), {counts[CheckOutcome.FAILED]} échoué(s), "
        f"{counts[CheckOutcome.NOT_APPLICABLE]} sans objet"
    )


def _identity_rows(result: MrzResult, customer: Customer, on: date) -> list[Row]:
    document_details: dict[str, Any] = {
        "format": result.format.value,
        "document_type": result.document_type,
        "issuing_country": result.issuing_country,
        "number_last4": result.document_number[-4:] if len(result.document_number) > 4 else "",
    }
    rows: list[Row] = [
        (
            f"identity.mrz.{check.name}",
            _MRZ_CHECK_LABELS.get(check.name, check.label),
            _OUTCOME[check.status],
            check.reason,
            document_details if index == 0 else {},
        )
        for index, check in enumerate(result.checks)
    ]
    comparisons = compare_identity(
        result,
        customer.last_name,
        customer.first_names,
        customer.birth_date,
        sex_of(customer.civility),
        on,
        birth_surname=customer.birth_name,
    )
    for check in comparisons:
        details: dict[str, Any] = {}
        if check.name == "expiry" and result.expiry_date is not None:
            details["expiry_date"] = result.expiry_date.isoformat()
        rows.append((f"identity.{check.name}", check.label, _OUTCOME[check.status], check.reason, details))
    return rows


def check_identity(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    mrz_text: str,
    document_id: int | None = None,
    expected_version: int | None = None,
) -> IdentityCheckRun:
    """Read the typed MRZ, check every digit and compare with the file. The MRZ itself is never stored."""
    _agent, case = _editable_case(session, actor, case_id, "verification.check", expected_version)
    customer = _customer(session, case.customer_id)
    on = today(session)
    extension = settings_of(session).verification.old_french_id_card_extension_years
    try:
        result = parse_mrz(mrz_text, on, old_id_extension_years=extension)
    except MrzFormatError as exc:
        raise InvalidInput(str(exc), field="mrz") from exc
    rows = _identity_rows(result, customer, on)
    view = _store_checks(
        session,
        actor,
        case,
        IDENTITY,
        rows,
        document_id,
        "de la pièce d'identité",
        {"format": result.format.name},
    )
    suggested = "\n".join(result.corrected_lines) if result.corrected_lines else None
    return IdentityCheckRun(view, suggested)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (31 May minus 3 months is 28/29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_proof_of_address(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    proof_kind: ProofOfAddressKind,
    document_date: date,
    name_on_document: str,
    address_on_document: str,
    document_id: int | None = None,
    expected_version: int | None = None,
) -> CaseView:
    """Age of the proof (3 months, tax notice 12: settings), then the name and the address against the file."""
    _agent, case = _editable_case(session, actor, case_id, "verification.check", expected_version)
    customer = _customer(session, case.customer_id)
    settings = settings_of(session).verification
    on = today(session)
    max_months = (
        settings.tax_notice_max_age_months
        if proof_kind is ProofOfAddressKind.TAX_NOTICE
        else settings.proof_of_address_max_age_months
    )
    oldest = months_before(on, max_months)
    rows: list[Row] = []
    age_details = {
        "proof_kind": proof_kind.value,
        "document_date": document_date.isoformat(),
        "max_months": max_months,
    }
    if document_date > on:
        rows.append(
            (
                "address.age",
                "Date du justificatif",
                CheckOutcome.FAILED,
                f"date du justificatif ({document_date:%d/%m/%Y}) postérieure à aujourd'hui : vérifiez la saisie",
                age_details,
            )
        )
    elif document_date <= oldest:
        rows.append(
            (
                "address.age",
                "Date du justificatif",
                CheckOutcome.FAILED,
                f"justificatif du {document_date:%d/%m/%Y} trop ancien : il doit dater de moins de {max_months} mois "
                f"(après le {oldest:%d/%m/%Y})",
                age_details,
            )
        )
    else:
        rows.append(("address.age", "Date du justificatif", CheckOutcome.PASSED, None, age_details))
    rows.append(_name_row(customer, name_on_document))
    file_address = list(_brief(customer).address_lines)
    if not address_on_document.strip():
        rows.append(
            ("address.address", "Adresse", CheckOutcome.FAILED, "adresse du justificatif non saisie", {})
        )
    else:
        match = addresses_match(address_on_document, file_address)
        rows.append(
            (
                "address.address",
                "Adresse",
                CheckOutcome.PASSED if match.matched else CheckOutcome.FAILED,
                match.reason,
                {},
            )
        )
    return _store_checks(
        session,
        actor,
        case,
        ADDRESS,
        rows,
        document_id,
        "du justificatif de domicile",
        {"proof_kind": proof_kind.value},
    )


def _holder_match(customer: Customer, text: str) -> HolderMatch:
    """The customer named on a document, under the usage name or the birth name; a full match wins."""
    matches = [
        holder_matches_customer(text, surname, customer.first_names)
        for surname in (customer.last_name, customer.birth_name)
        if surname
    ]
    return next((m for m in matches if m.matched and m.reason is None), None) or next(
        (m for m in matches if m.matched), matches[0]
    )


def _name_row(customer: Customer, name: str) -> Row:
    label = "Nom sur le justificatif"
    if not name.strip():
        return ("address.name", label, CheckOutcome.FAILED, "nom du justificatif non saisi", {})
    match = _holder_match(customer, name)
    if not match.matched:
        reason = (
            f"« {name.strip()} » ne correspond pas au client « {customer.first_names} {customer.last_name} »"
        )
        return ("address.name", label, CheckOutcome.FAILED, reason, {})
    partial = "prénom absent du justificatif : seul le nom a été vérifié" if match.reason else None
    return ("address.name", label, CheckOutcome.PASSED, partial, {})


def check_bank_details(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    iban: str,
    holder: str,
    document_id: int | None = None,
    expected_version: int | None = None,
) -> CaseView:
    """IBAN (and RIB key for French accounts), BIC and bank from schwifty, holder against the customer.

    A valid IBAN different from the stored one is recorded on the case as a proposed change of bank details;
    applying it is the unlock/bank-details workflow's job, with its approval rule.
    """
    _agent, case = _editable_case(session, actor, case_id, "verification.check", expected_version)
    customer = _customer(session, case.customer_id)
    result = bank.check_iban(iban)
    masked = bank.mask_iban(result.iban) if result.iban else ""
    rows: list[Row] = []
    iban_ok = result.valid or result.rib is not None  # the RIB key has its own row below
    rows.append(
        (
            "bank.iban",
            "IBAN",
            CheckOutcome.PASSED if iban_ok else CheckOutcome.FAILED,
            None if iban_ok else result.reason,
            {"iban_masked": masked, "country": result.country_code},
        )
    )
    if result.rib is not None:
        rows.append(
            (
                "bank.rib_key",
                "Clé RIB",
                CheckOutcome.PASSED if result.rib.valid else CheckOutcome.FAILED,
                result.rib.reason,
                {},
            )
        )
    elif result.country_code is not None and result.reason is None:
        rows.append(
            (
                "bank.rib_key",
                "Clé RIB",
                CheckOutcome.NOT_APPLICABLE,
                "compte hors de France : pas de clé RIB",
                {},
            )
        )
    else:
        rows.append(("bank.rib_key", "Clé RIB", CheckOutcome.NOT_APPLICABLE, "IBAN non valide", {}))
    if result.valid and result.bic:
        bank_text = f"BIC {result.bic}" + (f" — {result.bank_name}" if result.bank_name else "")
        rows.append(
            (
                "bank.bic",
                "Banque",
                CheckOutcome.PASSED,
                bank_text,
                {"bic": result.bic, "bank_name": result.bank_name},
            )
        )
    else:
        reason = (
            "IBAN non valide"
            if not result.valid
            else "banque absente du registre : vérifiez le BIC sur le RIB"
        )
        rows.append(("bank.bic", "Banque", CheckOutcome.NOT_APPLICABLE, reason, {}))
    holder_match = _holder_match(customer, holder)
    rows.append(
        (
            "bank.holder",
            "Titulaire du compte",
            CheckOutcome.PASSED if holder_match.matched else CheckOutcome.FAILED,
            holder_match.reason,
            {},
        )
    )
    case.proposed_iban = case.proposed_bic = case.proposed_holder = None
    if result.valid:
        stored = bank.normalize_iban(customer.iban)
        if stored == result.iban:
            rows.append(
                (
                    BANK_CHANGE_CHECK,
                    "Changement de RIB",
                    CheckOutcome.PASSED,
                    "IBAN identique à celui du dossier",
                    {},
                )
            )
        else:
            before = f"celui du dossier se termine par {stored[-4:]}" if stored else "aucun IBAN au dossier"
            rows.append(
                (
                    BANK_CHANGE_CHECK,
                    "Changement de RIB",
                    CheckOutcome.NOT_APPLICABLE,
                    f"nouvel IBAN ({before}) : changement de coordonnées bancaires, soumis à la règle de validation",
                    {"iban_masked": masked, "previous_last4": stored[-4:] if stored else None},
                )
            )
            case.proposed_iban = result.iban
            case.proposed_bic = result.bic
            case.proposed_holder = holder.strip()[:120] or None
    change = bool(case.proposed_iban)
    return _store_checks(
        session,
        actor,
        case,
        BANK_DETAILS,
        rows,
        document_id,
        f"du RIB, IBAN {masked or 'vide'}" + (" — changement de coordonnées bancaires" if change else ""),
        {"bank_details_change": change},
    )


def _covered(case: VerificationCase) -> tuple[list[str], list[str]]:
    """Groups checked with no failure and backed by a document of their kind; and the groups that failed."""
    covered, failed = [], []
    kinds = {d.kind for d in case.documents}
    for group in GROUPS:
        checks = [c for c in case.checks if group_of(c.name) == group]
        if not checks:
            continue
        if any(c.outcome is CheckOutcome.FAILED for c in checks):
            failed.append(group)
        elif GROUP_DOCUMENT_KIND[group] in kinds:
            covered.append(group)
    return covered, failed


def decide(
    session: Session,
    actor: Actor,
    case_id: int,
    decision: Decision,
    *,
    reason: RejectionReason | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> CaseView:
    """Close the case. "Verified" needs checks that all passed, each backed by its document."""
    agent, case = _editable_case(session, actor, case_id, "verification.decide", expected_version)
    comment = (comment or "").strip() or None
    covered, failed = _covered(case)

    def refuse(message: str) -> Refused:
        return Refused(
            message,
            action="verification.decide",
            target_type="verification_case",
            target_id=case.id,
            customer_id=case.customer_id,
            actor=actor,
        )

    if decision is Decision.VERIFIED:
        if failed:
            shown = ", ".join(GROUP_LABELS[g] for g in failed)
            raise refuse(
                f"La vérification ne peut pas être validée : des contrôles ont échoué ({shown}). Refusez-la ou "
                "demandez des pièces complémentaires."
            )
        unbacked = [g for g in GROUPS if g not in covered and any(group_of(c.name) == g for c in case.checks)]
        if unbacked:
            shown = ", ".join(GROUP_LABELS[g] for g in unbacked)
            raise InvalidInput(
                f"Joignez le document correspondant avant de valider ({shown}) : un contrôle sans pièce ne prouve rien."
            )
        if not covered:
            raise InvalidInput(
                "Aucun contrôle n'a été effectué : contrôlez au moins une pièce avant de valider."
            )
        decision_reason = comment
    elif decision is Decision.REJECTED:
        if reason is None:
            raise InvalidInput("Choisissez le motif du refus dans la liste.", field="reason")
        decision_reason = reason.label + (f" — {comment}" if comment else "")
    else:
        if comment is None:
            raise InvalidInput("Précisez les pièces complémentaires à demander au client.", field="comment")
        decision_reason = comment
    moment = now(session)
    case.status = DECISION_STATUS[decision]
    case.covered = covered if decision is Decision.VERIFIED else []
    case.decision_reason = decision_reason[:500] if decision_reason else None
    case.decided_by_id = agent.id
    case.decided_at = moment
    superseded = []
    earlier = session.execute(
        select(VerificationCase)
        .where(VerificationCase.customer_id == case.customer_id)
        .where(VerificationCase.id != case.id)
        .where(
            VerificationCase.status.in_(
                [
                    VerificationStatus.VERIFIED,
                    VerificationStatus.REJECTED,
                    VerificationStatus.MORE_DOCUMENTS_NEEDED,
                ]
            )
        )
        .with_for_update()
    ).scalars()
    for old in earlier:
        old.status = VerificationStatus.SUPERSEDED
        old.superseded_by_id = case.id
        superseded.append(old.id)
    session.flush()
    view = _view(session, case)
    label = VERIFICATION_STATUS_LABELS[case.status]
    summary = f"Vérification n° {case.id} : {label.lower()}"
    if decision is Decision.VERIFIED:
        summary += f" ({', '.join(GROUP_LABELS[g] for g in covered)})"
    elif decision is Decision.REJECTED and reason is not None:
        summary += f" — {reason.label}"
    audit.record(
        session,
        actor,
        "verification.decide",
        summary,
        target_type="verification_case",
        target_id=case.id,
        customer_id=case.customer_id,
        details={
            "decision": decision.value,
            "covered": covered if decision is Decision.VERIFIED else [],
            "reason": reason.value if reason else None,
            "bank_details_change": bool(case.proposed_iban),
            "superseded": superseded,
        },
    )
    return view


def _summary(session: Session, case: VerificationCase) -> VerificationSummary:
    names = _agent_names(session, {case.decided_by_id})
    valid_days = settings_of(session).verification.verification_valid_days
    valid_until = None
    if case.status is VerificationStatus.VERIFIED and case.decided_at is not None:
        valid_until = to_paris(case.decided_at).date() + timedelta(days=valid_days)
    return VerificationSummary(
        case_id=case.id,
        customer_id=case.customer_id,
        status=case.status,
        status_label=VERIFICATION_STATUS_LABELS[case.status],
        purpose=case.purpose,
        covered=tuple(case.covered or ()),
        opened_at=case.opened_at,
        decided_at=case.decided_at,
        decided_by=names.get(case.decided_by_id) if case.decided_by_id else None,
        decision_reason=case.decision_reason,
        valid_until=valid_until,
        bank_details_change=case.proposed_iban is not None,
    )


def latest_verification(session: Session, actor: Actor, customer_id: int) -> VerificationSummary | None:
    """The customer's current verification: the open case if any, else the last decision; None if never."""
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    case = session.execute(
        select(VerificationCase)
        .where(VerificationCase.customer_id == customer_id)
        .where(VerificationCase.status != VerificationStatus.SUPERSEDED)
        .order_by(VerificationCase.opened_at.desc(), VerificationCase.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _summary(session, case) if case is not None else None


def cases_for_customer(
    session: Session, actor: Actor, customer_id: int, limit: int = 50
) -> list[VerificationSummary]:
    """History of the customer's cases, newest first (superseded ones included)."""
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    cases = session.execute(
        select(VerificationCase)
        .where(VerificationCase.customer_id == customer_id)
        .order_by(VerificationCase.opened_at.desc(), VerificationCase.id.desc())
        .limit(limit)
    ).scalars()
    return [_summary(session, c) for c in cases]


def open_case_of(session: Session, actor: Actor, customer_id: int) -> CaseView | None:
    """The case still open for this customer, to resume it rather than start over."""
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    case = session.execute(
        select(VerificationCase)
        .where(VerificationCase.customer_id == customer_id)
        .where(VerificationCase.status == VerificationStatus.OPEN)
        .order_by(VerificationCase.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _view(session, case) if case is not None else None
