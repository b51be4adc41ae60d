"""Letters: gather a template's fields from the database, render, preview, archive, re-print, mark as sent, batch.

Other areas produce their letters through ``generate_letter``. The reference of a letter is derived from its
inputs (see ``backoffice.letters.render``), so the preview is exactly what gets archived, archiving the same
letter twice the same day returns the archived one, and regenerating from the stored fields gives the same
SHA-256. The PDF is stored once per SHA-256 in ``blob``, the table uploaded documents use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.checks.address import format_postal_block
from backoffice.checks.identifiers import normalize_client_number, normalize_contract_number
from backoffice.clock import PARIS, to_paris
from backoffice.db import Database
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.letters.render import LetterInput, from_archive, letterhead_from, prepare, render
from backoffice.letters.templates import LetterTemplate, current_templates, get_template
from backoffice.models import (
    Agent,
    AppraisalAssignment,
    AppraisalMode,
    AssignmentKind,
    BankDetailsChange,
    Blob,
    Civility,
    Claim,
    ClaimStatus,
    Contract,
    Customer,
    Expert,
    Letter,
    LockEvent,
    SendMethod,
    VerificationCase,
    VerificationPurpose,
)
from backoffice.models.claims import CLAIM_TYPE_LABELS
from backoffice.models.documents import DOCUMENT_KIND_LABELS
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of, today
from backoffice.workflows.permissions import Permission, require

PDF = "application/pdf"
SEND_METHOD_LABELS = {SendMethod.POST: "par courrier", SendMethod.EMAIL: "par courriel"}
_PURPOSES = {
    VerificationPurpose.UNLOCK: "le déblocage de votre espace assuré",
    VerificationPurpose.BANK_DETAILS_CHANGE: "le changement de vos coordonnées bancaires",
    VerificationPurpose.KYC: "la mise à jour de votre dossier",
}
_BASES = {
    "replacement_value": "valeur à neuf",
    "depreciated_value": "valeur d'usage (vétusté déduite)",
}
_FRENCH = Locale.parse("fr_FR")


@dataclass(frozen=True)
class TemplateInfo:
    code: str
    version: str
    title: str
    recipient: str
    fields: tuple[tuple[str, str, bool], ...]  # name, French label, required


@dataclass(frozen=True)
class LetterResult:
    """A rendered letter; ``letter_id`` is None for a preview that was not archived."""

    letter_id: int | None
    reference: str
    template_code: str
    template_version: str
    title: str
    pdf: bytes
    sha256: str
    page_count: int
    recipient_lines: tuple[str, ...]
    fields: dict[str, Any]
    customer_id: int | None
    claim_id: int | None
    expert_id: int | None
    already_archived: bool = False


@dataclass(frozen=True)
class LetterSummary:
    id: int
    reference: str
    template_code: str
    template_version: str
    title: str
    customer_id: int | None
    claim_id: int | None
    recipient: str
    created_at: datetime
    created_by: str
    page_count: int
    sha256: str
    sent_method: SendMethod | None
    sent_at: datetime | None
    sent_by: str | None
    version: int

    @property
    def status(self) -> str:
        if self.sent_method is None or self.sent_at is None:
            return "À envoyer"
        return f"Envoyé {SEND_METHOD_LABELS[self.sent_method]}"


def templates() -> list[TemplateInfo]:
    """The templates an agent can choose from (newest version of each)."""
    return [
        TemplateInfo(
            t.code, t.version, t.title, t.recipient, tuple((f.name, f.label, f.required) for f in t.fields)
        )
        for t in current_templates()
    ]


# --- Gathering fields from the database ----------------------------------------------------------------


@dataclass
class _Gathered:
    values: dict[str, Any] = field(default_factory=dict)
    recipient: list[str] = field(default_factory=list)
    customer_id: int | None = None
    claim_id: int | None = None
    expert_id: int | None = None
    related: tuple[str, int] | None = None


def _get(session: Session, model: type[Any], key: int | None, what: str) -> Any:
    row = session.get(model, key) if key is not None else None
    if row is None:
        raise NotFound(f"{what} introuvable (n° {key}).")
    return row


def _name_line(customer: Customer) -> str:
    return f"{customer.civility.value} {customer.first_names} {customer.last_name.upper()}"


def _country_name(code: str | None) -> str | None:
    if not code or code.upper() == "FR":
        return None
    return str(_FRENCH.territories.get(code.upper(), code))


def _postal_block(name_lines: Sequence[str], address: Mapping[str, Any]) -> list[str]:
    try:
        return format_postal_block(
            name_lines,
            street=str(address.get("street") or ""),
            complement=str(address.get("complement") or ""),
            postcode=str(address.get("postcode") or ""),
            city=str(address.get("city") or ""),
            country=_country_name(address.get("country")),
        )
    except ValueError as exc:
        raise InvalidInput(
            f"Adresse du destinataire inutilisable pour un courrier : {exc}.", "recipient_lines"
        ) from exc


def _customer_address(customer: Customer) -> dict[str, Any]:
    return {
        "street": customer.address_line,
        "complement": customer.address_complement,
        "postcode": customer.postcode,
        "city": customer.city,
        "country": customer.country,
    }


def _use_customer(g: _Gathered, customer: Customer, address: Mapping[str, Any] | None) -> None:
    g.customer_id = customer.id
    g.values["salutation"] = "Madame" if customer.civility is Civility.MRS else "Monsieur"
    g.values["client_number"] = customer.client_number
    g.recipient = _postal_block([_name_line(customer)], address or _customer_address(customer))


def _use_contract(g: _Gathered, contract: Contract) -> None:
    g.values["contract_number"] = contract.number
    g.values["vehicle_registration"] = contract.vehicle_registration
    g.values["vehicle"] = f"{contract.vehicle_make} {contract.vehicle_model}"


def _use_claim(g: _Gathered, session: Session, claim: Claim) -> Contract:
    g.claim_id = claim.id
    contract = _get(session, Contract, claim.contract_id, "Contrat")
    _use_contract(g, contract)
    g.values.update(
        claim_number=claim.number,
        claim_type=CLAIM_TYPE_LABELS[claim.claim_type],
        occurred_on=claim.occurred_on,
        declared_on=to_paris(claim.declared_at).date(),
    )
    return contract


def _latest_contract(session: Session, customer_id: int) -> Contract:
    contract = session.execute(
        select(Contract)
        .where(Contract.customer_id == customer_id)
        .order_by(Contract.start_date.desc())
        .limit(1)
    ).scalar_one_or_none()
    if contract is None:
        raise NotFound("Ce client n'a aucun contrat : le courrier ne peut pas être établi.")
    return contract


def _gather(
    session: Session,
    template: LetterTemplate,
    customer_id: int | None,
    claim_id: int | None,
    expert_id: int | None,
    related: tuple[str, int] | None,
    address: Mapping[str, Any] | None,
) -> _Gathered:
    g = _Gathered()
    day = today(session)
    settings = settings_of(session)
    related = related or _default_related(session, template.code, customer_id)
    g.related = related
    related_type, related_id = related if related else (None, None)
    claim = _get(session, Claim, claim_id, "Sinistre") if claim_id is not None else None
    if template.code == "appraisal_mandate" and expert_id is None and claim is not None:
        expert_id = session.execute(
            select(AppraisalAssignment.expert_id)
            .where(AppraisalAssignment.claim_id == claim.id)
            .order_by(AppraisalAssignment.mandated_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    contract: Contract | None = None
    if related_type == "verification_case":
        case = _get(session, VerificationCase, related_id, "Vérification d'identité")
        customer_id = customer_id or case.customer_id
    elif related_type == "bank_details_change":
        change = _get(session, BankDetailsChange, related_id, "Changement de coordonnées bancaires")
        customer_id = customer_id or change.customer_id
    elif related_type == "contract":
        contract = _get(session, Contract, related_id, "Contrat")
        customer_id = customer_id or contract.customer_id
    if claim is not None:
        customer_id = customer_id or claim.customer_id
        contract = _use_claim(g, session, claim)
    customer = _get(session, Customer, customer_id, "Client") if customer_id is not None else None
    if customer is not None and template.recipient == "customer":
        _use_customer(g, customer, address)
    elif customer is not None:
        g.customer_id = customer.id
    v = g.values
    code = template.code

    if code == "missing_documents":
        v["reply_by"] = day + timedelta(days=settings.letters.documents_reply_days)
    elif code == "appraisal_mandate":
        expert = _get(session, Expert, expert_id, "Expert")
        if claim is None or customer is None:
            raise InvalidInput("Un ordre de mission se rapporte à un sinistre : indiquez-le.", "claim_id")
        g.expert_id = expert.id
        v.update(expert_name=expert.name, expert_firm=expert.firm)
        name_lines = [expert.firm, f"À l'attention de {expert.name}"]
        if address:
            g.recipient = _postal_block(name_lines, address)
        else:
            g.recipient = name_lines + ([f"Courriel : {expert.email}"] if expert.email else [])
        assignment = session.execute(
            select(AppraisalAssignment)
            .where(AppraisalAssignment.claim_id == claim.id, AppraisalAssignment.expert_id == expert.id)
            .order_by(AppraisalAssignment.mandated_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if assignment is not None:
            v.update(
                mandate_kind="Contre-expertise"
                if assignment.kind is AssignmentKind.COUNTER_APPRAISAL
                else "Expertise initiale",
                mode="Sur place"
                if assignment.mode is AppraisalMode.ON_SITE
                else "À distance (EAD, sur photographies)",
                due_on=assignment.due_on,
            )
        v.update(
            insured_name=_name_line(customer),
            insured_phone=customer.phone_mobile or customer.phone_home,
            place=claim.place,
            circumstances=claim.circumstances,
            safety_parts_declared=claim.safety_parts_declared,
            vehicle_drivable=claim.vehicle_drivable,
            estimated_amount=claim.estimated_amount,
        )
    elif code == "indemnity_proposal" and claim is not None:
        v.update(
            indemnity_amount=claim.indemnity_amount,
            basis=_BASES.get(claim.indemnity_basis or "", claim.indemnity_basis),
            reply_by=day + timedelta(days=settings.letters.indemnity_reply_days),
            payment_days=settings.letters.indemnity_payment_days,
            iban=customer.iban if customer is not None else None,
        )
        details = claim.indemnity_details or {}
        if details.get("lines"):
            v["lines"] = [
                {"label": line["label"], "amount": Decimal(str(line["amount"]))} for line in details["lines"]
            ]
        elif claim.assessed_damage is not None:
            lines: list[dict[str, Any]] = [
                {"label": "Montant des dommages retenu", "amount": claim.assessed_damage}
            ]
            if claim.deductible_applied:
                lines.append({"label": "Franchise contractuelle", "amount": -claim.deductible_applied})
            v["lines"] = lines
    elif code == "claim_refusal":
        v["ombudsman"] = settings.branding.ombudsman
    elif code in ("identity_verified", "identity_rejected") and related_type == "verification_case":
        v.update(
            decided_on=to_paris(case.decided_at).date() if case.decided_at else day,
            purpose=_PURPOSES[case.purpose],
        )
        if code == "identity_verified":
            v["documents"] = list(dict.fromkeys(DOCUMENT_KIND_LABELS[d.kind] for d in case.documents))
        elif case.decision_reason:
            v["reasons"] = [line for line in case.decision_reason.splitlines() if line.strip()]
    elif code == "account_unlocked" and customer is not None:
        unlocked_at = session.execute(
            select(LockEvent.unlocked_at)
            .where(LockEvent.customer_id == customer.id, LockEvent.unlocked_at.is_not(None))
            .order_by(LockEvent.unlocked_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        v["unlocked_on"] = to_paris(unlocked_at).date() if unlocked_at else day
    elif code == "bank_details_changed":
        if related_type == "bank_details_change":
            v.update(
                changed_on=to_paris(change.applied_at or change.requested_at).date(),
                old_iban=change.old_iban,
                new_iban=change.new_iban,
                new_holder=change.new_holder,
            )
        elif customer is not None:
            v.update(
                changed_on=to_paris(customer.iban_changed_at).date() if customer.iban_changed_at else None,
                new_iban=customer.iban,
                new_holder=customer.bank_holder,
            )
    elif code in ("claims_history_statement", "vehicle_memo") and customer is not None:
        contract = contract or _latest_contract(session, customer.id)
        _use_contract(g, contract)
        subscriber = _name_line(customer)
        if code == "vehicle_memo":
            v.pop("client_number", None)
            v.pop("salutation", None)
            v.pop("contract_number", None)
            branding = settings.branding
            v.update(
                insurer_name=branding.insurer_name,
                insurer_address=f"{branding.centre_name}, {branding.street}, {branding.postcode} {branding.city}",
                policy_number=contract.number,
                subscriber=subscriber,
                cover_start=contract.start_date,
                issued_on=day,
            )
        else:
            v.pop("salutation", None)
            start = _years_before(day, 5)
            claims = session.execute(
                select(Claim)
                .where(
                    Claim.contract_id == contract.id,
                    Claim.occurred_on >= start,
                    Claim.status != ClaimStatus.CLOSED,
                )
                .order_by(Claim.occurred_on)
            ).scalars()
            v.update(
                subscriber=subscriber,
                subscription_date=contract.start_date,
                end_date=contract.end_date,
                drivers=[_driver(d) for d in contract.drivers or []],
                period_start=start,
                period_end=day,
                claims=[
                    {
                        "occurred_on": c.occurred_on,
                        "nature": CLAIM_TYPE_LABELS[c.claim_type],
                        "fault_share": c.fault_share,
                    }
                    for c in claims
                ],
                bonus_malus=contract.bonus_malus,
                issued_on=day,
            )
    if template.recipient == "customer" and customer is None:
        raise InvalidInput("Indiquez le client ou le sinistre auquel ce courrier se rapporte.", "customer_id")
    return g


def _default_related(session: Session, code: str, customer_id: int | None) -> tuple[str, int] | None:
    """Without an explicit case, a letter about a verification or an IBAN change uses the customer's latest."""
    if customer_id is None:
        return None
    if code in ("identity_verified", "identity_rejected"):
        case_id = session.execute(
            select(VerificationCase.id)
            .where(VerificationCase.customer_id == customer_id, VerificationCase.decided_at.is_not(None))
            .order_by(VerificationCase.decided_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        return ("verification_case", case_id) if case_id else None
    if code == "bank_details_changed":
        change_id = session.execute(
            select(BankDetailsChange.id)
            .where(BankDetailsChange.customer_id == customer_id)
            .order_by(BankDetailsChange.requested_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        return ("bank_details_change", change_id) if change_id else None
    return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _driver(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in ("name", "birth_date", "licence_date") if entry.get(key)}


@dataclass(frozen=True)
class LetterTarget:
    customer_id: int
    claim_id: int | None
    label: str  # "Mme Marie-Hélène LEFÈVRE — TI0001234567 — sinistre S2026-004211"


def find_target(session: Session, actor: Actor, text: str) -> LetterTarget:
    """The customer (and claim) a letter is for, from what the agent types: client, contract or claim number."""
    require(session, actor, Permission.LETTER_GENERATE)
    typed = " ".join(text.split())
    if not typed:
        raise InvalidInput("Saisissez un numéro client, de contrat ou de sinistre.", "target")
    claim = session.execute(select(Claim).where(Claim.number == typed.upper())).scalar_one_or_none()
    customer: Customer | None = None
    if claim is not None:
        customer = session.get(Customer, claim.customer_id)
    elif (client := normalize_client_number(typed)) is not None:
        customer = session.execute(
            select(Customer).where(Customer.client_number == client)
        ).scalar_one_or_none()
    if customer is None and claim is None and (number := normalize_contract_number(typed)) is not None:
        contract = session.execute(select(Contract).where(Contract.number == number)).scalar_one_or_none()
        customer = session.get(Customer, contract.customer_id) if contract else None
    if customer is None:
        raise NotFound(f"Aucun client, contrat ni sinistre ne correspond à « {typed} ».")
    label = f"{_name_line(customer)} — {customer.client_number}"
    if claim is not None:
        label += f" — sinistre {claim.number}"
    return LetterTarget(customer.id, claim.id if claim else None, label)


def customer_target(session: Session, actor: Actor, customer_id: int) -> LetterTarget:
    require(session, actor, Permission.LETTER_GENERATE, customer_id=customer_id)
    customer = _get(session, Customer, customer_id, "Client")
    return LetterTarget(customer.id, None, f"{_name_line(customer)} — {customer.client_number}")


# --- Generate, preview, archive ------------------------------------------------------------------------


def _build_input(
    session: Session,
    template: LetterTemplate,
    customer_id: int | None,
    claim_id: int | None,
    expert_id: int | None,
    related: tuple[str, int] | None,
    extra_fields: Mapping[str, Any] | None,
) -> tuple[LetterInput, _Gathered]:
    extra = dict(extra_fields or {})
    address = extra.pop("recipient_address", None)
    g = _gather(session, template, customer_id, claim_id, expert_id, related, address)
    wanted = {f.name for f in template.fields}
    values = {k: v for k, v in g.values.items() if v is not None and k in wanted}
    values.update(extra)
    letter_input = prepare(
        template.code,
        values,
        recipient_lines=g.recipient,
        letterhead=letterhead_from(settings_of(session).branding),
        letter_date=today(session),
        template_version=template.version,
        context={
            "customer_id": g.customer_id,
            "claim_id": g.claim_id,
            "expert_id": g.expert_id,
            "related": list(g.related) if g.related else None,
        },
    )
    return letter_input, g


def generate_letter(
    session: Session,
    actor: Actor,
    template_code: str,
    *,
    customer_id: int | None = None,
    claim_id: int | None = None,
    expert_id: int | None = None,
    related: tuple[str, int] | None = None,
    extra_fields: Mapping[str, Any] | None = None,
    archive: bool = True,
) -> LetterResult:
    """Render a letter from the database (plus ``extra_fields``); archive it unless ``archive=False`` (preview).

    ``related`` names the case the letter belongs to: ("verification_case", id), ("bank_details_change", id),
    ("contract", id)… ``extra_fields`` adds or overrides template fields (e.g. ``documents``, ``reasons``);
    its key ``recipient_address`` (street, complement, postcode, city, country) replaces the postal address,
    e.g. the address known before a change.
    """
    template = get_template(template_code)
    require(
        session,
        actor,
        Permission.LETTER_GENERATE,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    prepared = _build_input(session, template, customer_id, claim_id, expert_id, related, extra_fields)
    if not archive:
        return _preview(template, prepared)
    (result,) = _archive(session, actor, template, [prepared])
    if not result.already_archived:
        audit.record(
            session,
            actor,
            "letter.generate",
            f"Courrier « {template.title} » {result.reference} archivé",
            target_type="letter",
            target_id=result.letter_id,
            customer_id=result.customer_id,
            details={
                "template": template.code,
                "version": template.version,
                "sha256": result.sha256,
                "pages": result.page_count,
            },
        )
    return result


def _preview(template: LetterTemplate, prepared: tuple[LetterInput, _Gathered]) -> LetterResult:
    letter_input, g = prepared
    rendered = render(letter_input)
    return _result(None, template, letter_input, rendered.pdf, rendered.sha256, rendered.page_count, g, False)


def _archive(
    session: Session,
    actor: Actor,
    template: LetterTemplate,
    prepared: Sequence[tuple[LetterInput, _Gathered]],
    on_rendered: Callable[[], None] | None = None,
) -> list[LetterResult]:
    """Render and store letters with a few set-based queries (a batch archives a chunk at once).

    A letter already archived (same reference) is returned as archived, not stored twice.
    """
    references = [letter_input.reference for letter_input, _ in prepared]
    existing = {
        letter.reference: letter
        for letter in session.execute(select(Letter).where(Letter.reference.in_(references))).scalars()
    }
    rendered = {}
    for letter_input, _ in prepared:
        if letter_input.reference not in existing:
            rendered[letter_input.reference] = render(letter_input)
        if on_rendered:
            on_rendered()
    hashes = {r.sha256 for r in rendered.values()} | {x.blob_sha256 for x in existing.values()}
    blobs = {
        blob.sha256: blob for blob in session.execute(select(Blob).where(Blob.sha256.in_(hashes))).scalars()
    }
    moment = now(session)
    stored: dict[str, Letter] = {}
    for letter_input, g in prepared:
        made = rendered.get(letter_input.reference)
        if made is None or letter_input.reference in stored:
            continue
        if made.sha256 not in blobs:
            blobs[made.sha256] = Blob(
                sha256=made.sha256, size=len(made.pdf), mime_type=PDF, content=made.pdf, created_at=moment
            )
            session.add(blobs[made.sha256])
        letter = Letter(
            reference=letter_input.reference,
            template_code=template.code,
            template_version=template.version,
            customer_id=g.customer_id,
            claim_id=g.claim_id,
            expert_id=g.expert_id,
            related_type=g.related[0] if g.related else None,
            related_id=g.related[1] if g.related else None,
            recipient_lines=list(letter_input.recipient_lines),
            fields=letter_input.archived_fields(),
            blob_sha256=made.sha256,
            page_count=made.page_count,
            created_by_id=actor.agent_id,
            created_at=moment,
        )
        session.add(letter)
        stored[letter_input.reference] = letter
    session.flush()
    results: list[LetterResult] = []
    for letter_input, g in prepared:
        old = existing.get(letter_input.reference)
        if old is not None:
            blob = blobs[old.blob_sha256]
            results.append(
                _result(
                    old.id, template, letter_input, blob.content, old.blob_sha256, old.page_count, g, True
                )
            )
        else:
            made = rendered[letter_input.reference]
            letter = stored[letter_input.reference]
            results.append(
                _result(letter.id, template, letter_input, made.pdf, made.sha256, made.page_count, g, False)
            )
    return results


def _result(
    letter_id: int | None,
    template: LetterTemplate,
    letter_input: LetterInput,
    pdf: bytes,
    sha256: str,
    pages: int,
    g: _Gathered,
    already: bool,
) -> LetterResult:
    return LetterResult(
        letter_id=letter_id,
        reference=letter_input.reference,
        template_code=template.code,
        template_version=template.version,
        title=template.title,
        pdf=pdf,
        sha256=sha256,
        page_count=pages,
        recipient_lines=letter_input.recipient_lines,
        fields=letter_input.archived_fields(),
        customer_id=g.customer_id,
        claim_id=g.claim_id,
        expert_id=g.expert_id,
        already_archived=already,
    )


# --- Archive: list, re-print, regenerate, mark as sent -------------------------------------------------


def _summary(letter: Letter, names: Mapping[int, str]) -> LetterSummary:
    try:
        title = get_template(letter.template_code, letter.template_version).title
    except NotFound:
        title = letter.template_code
    return LetterSummary(
        id=letter.id,
        reference=letter.reference,
        template_code=letter.template_code,
        template_version=letter.template_version,
        title=title,
        customer_id=letter.customer_id,
        claim_id=letter.claim_id,
        recipient=letter.recipient_lines[0] if letter.recipient_lines else "",
        created_at=letter.created_at,
        created_by=names.get(letter.created_by_id, "?"),
        page_count=letter.page_count,
        sha256=letter.blob_sha256,
        sent_method=letter.sent_method,
        sent_at=letter.sent_at,
        sent_by=names.get(letter.sent_by_id) if letter.sent_by_id else None,
        version=letter.version,
    )


def _agent_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Agent.id, Agent.full_name).where(Agent.id.in_(ids)))
    return {agent_id: name for agent_id, name in rows}


def list_letters(
    session: Session,
    actor: Actor,
    *,
    customer_id: int | None = None,
    claim_id: int | None = None,
    limit: int = 500,
) -> list[LetterSummary]:
    """Letters of a customer or of a claim, newest first (without their PDF)."""
    if customer_id is None and claim_id is None:
        raise InvalidInput("Indiquez un client ou un sinistre.", "customer_id")
    require(
        session,
        actor,
        Permission.CUSTOMER_VIEW if customer_id else Permission.LETTER_GENERATE,
        customer_id=customer_id,
    )
    query = select(Letter).order_by(Letter.created_at.desc(), Letter.id.desc()).limit(limit)
    if customer_id is not None:
        query = query.where(Letter.customer_id == customer_id)
    if claim_id is not None:
        query = query.where(Letter.claim_id == claim_id)
    letters = list(session.execute(query).scalars())
    names = _agent_names(
        session, {x.created_by_id for x in letters} | {x.sent_by_id for x in letters if x.sent_by_id}
    )
    return [_summary(x, names) for x in letters]


def _letter(session: Session, actor: Actor, letter_id: int, permission: Permission) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(f"Courrier introuvable (n° {letter_id}).")
    require(
        session, actor, permission, target_type="letter", target_id=letter_id, customer_id=letter.customer_id
    )
    return letter


def letter_pdf(session: Session, actor: Actor, letter_id: int) -> bytes:
    """Re-print: the archived bytes, never a new rendering."""
    letter = _letter(session, actor, letter_id, Permission.LETTER_GENERATE)
    blob = session.get(Blob, letter.blob_sha256)
    if blob is None:
        raise NotFound(f"Le PDF du courrier {letter.reference} est introuvable.")
    return blob.content


@dataclass(frozen=True)
class Regeneration:
    reference: str
    archived_sha256: str
    regenerated_sha256: str

    @property
    def identical(self) -> bool:
        return self.archived_sha256 == self.regenerated_sha256


def regenerate_letter(session: Session, actor: Actor, letter_id: int) -> Regeneration:
    """Render again from the stored fields and compare the SHA-256 with the archived PDF."""
    letter = _letter(session, actor, letter_id, Permission.LETTER_GENERATE)
    rendered = render(
        from_archive(
            letter.template_code,
            letter.template_version,
            letter.reference,
            letter.recipient_lines,
            letter.fields,
        )
    )
    return Regeneration(letter.reference, letter.blob_sha256, rendered.sha256)


def mark_sent(
    session: Session, actor: Actor, letter_id: int, method: SendMethod, *, expected_version: int | None = None
) -> LetterSummary:
    """Record that the letter left, by post or e-mail; a letter is marked sent once."""
    letter = _letter(session, actor, letter_id, Permission.LETTER_SEND)
    if expected_version is not None and letter.version != expected_version:
        last = audit.last_change(session, "letter", letter_id)
        who = f" par {last.actor_username} à {to_paris(last.at):%H:%M}" if last else ""
        raise ConcurrentEdit(
            f"Le courrier {letter.reference} a été modifié{who} depuis son affichage : rechargez la liste.",
            changed_by=last.actor_username if last else None,
            changed_at=last.at if last else None,
        )
    if letter.sent_at is not None and letter.sent_method is not None:
        raise Refused(
            f"Le courrier {letter.reference} est déjà marqué envoyé {SEND_METHOD_LABELS[letter.sent_method]} "
            f"le {to_paris(letter.sent_at):%d/%m/%Y à %H:%M}.",
            action="letter.send",
            target_type="letter",
            target_id=letter_id,
            customer_id=letter.customer_id,
            actor=actor,
        )
    letter.sent_method = method
    letter.sent_at = now(session)
    letter.sent_by_id = actor.agent_id
    session.flush()
    audit.record(
        session,
        actor,
        "letter.sent",
        f"Courrier {letter.reference} marqué envoyé {SEND_METHOD_LABELS[method]}",
        target_type="letter",
        target_id=letter.id,
        customer_id=letter.customer_id,
    )
    return _summary(letter, _agent_names(session, {letter.created_by_id, actor.agent_id}))


# --- Batches ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchTarget:
    customer_id: int | None = None
    claim_id: int | None = None
    expert_id: int | None = None
    related: tuple[str, int] | None = None
    extra_fields: Mapping[str, Any] | None = None

    def label(self) -> str:
        if self.claim_id is not None:
            return f"sinistre n° {self.claim_id}"
        if self.related:
            return f"{self.related[0]} n° {self.related[1]}"
        return f"client n° {self.customer_id}"


@dataclass(frozen=True)
class BatchFailure:
    target: BatchTarget
    message: str


@dataclass(frozen=True)
class BatchResult:
    template_code: str
    total: int
    letters: tuple[LetterResult, ...]
    failures: tuple[BatchFailure, ...]
    cancelled: bool

    def message(self) -> str:
        text = f"{len(self.letters)} courrier(s) produit(s) sur {self.total}"
        if self.failures:
            text += f", {len(self.failures)} en erreur"
        if self.cancelled:
            text += " — lot interrompu à la demande"
        return text + "."


def claims_declared_on(session: Session, actor: Actor, day: date) -> list[BatchTarget]:
    """The claims declared on a Paris calendar day: the targets of the day's acknowledgements."""
    require(session, actor, Permission.LETTER_BATCH)
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    end = start + timedelta(days=1)
    ids = session.execute(
        select(Claim.id)
        .where(Claim.declared_at >= start, Claim.declared_at < end)
        .order_by(Claim.declared_at, Claim.id)
    ).scalars()
    return [BatchTarget(claim_id=claim_id) for claim_id in ids]


def _preload(session: Session, targets: Sequence[BatchTarget]) -> None:
    """Load a chunk's claims, contracts and customers in three queries instead of three per letter."""
    claim_ids = [t.claim_id for t in targets if t.claim_id is not None]
    claims = (
        list(session.execute(select(Claim).where(Claim.id.in_(claim_ids))).scalars()) if claim_ids else []
    )
    contract_ids = {c.contract_id for c in claims}
    customer_ids = {c.customer_id for c in claims} | {
        t.customer_id for t in targets if t.customer_id is not None
    }
    if contract_ids:
        session.execute(select(Contract).where(Contract.id.in_(contract_ids))).scalars().all()
    if customer_ids:
        session.execute(select(Customer).where(Customer.id.in_(customer_ids))).scalars().all()


def generate_batch(
    db: Database,
    actor: Actor,
    template_code: str,
    targets: Sequence[BatchTarget],
    *,
    archive: bool = True,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> BatchResult:
    """Many letters at once, archived by chunks of short transactions, one audit record per chunk.

    A letter that cannot be produced (a missing field, an unusable address) is reported and the batch goes
    on. Cancelling stops before the next letter; letters already produced in the chunk are archived (they
    exist and are listed in the result, so the ones done can still be printed).
    """
    template = get_template(template_code)
    with db.write() as session:  # a write unit so that a refusal is audited
        require(session, actor, Permission.LETTER_BATCH)
        require(session, actor, Permission.LETTER_GENERATE)
        chunk_size = max(1, settings_of(session).letters.batch_chunk_size)
    total = len(targets)
    letters: list[LetterResult] = []
    failures: list[BatchFailure] = []
    cancelled = False
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    for start in range(0, total, chunk_size):
        chunk = targets[start : start + chunk_size]
        with db.write() as session:
            _preload(session, chunk)
            prepared: list[tuple[LetterInput, _Gathered]] = []
            for target in chunk:
                if is_cancelled and is_cancelled():
                    cancelled = True
                    break
                try:
                    prepared.append(
                        _build_input(
                            session,
                            template,
                            target.customer_id,
                            target.claim_id,
                            target.expert_id,
                            target.related,
                            target.extra_fields,
                        )
                    )
                except (InvalidInput, NotFound) as exc:
                    failures.append(BatchFailure(target, exc.message))
                    tick()
            if not archive:
                for item in prepared:
                    letters.append(_preview(template, item))
                    tick()
            elif prepared:
                made = _archive(session, actor, template, prepared, tick)
                letters += made
                new = [x for x in made if not x.already_archived]
                audit.record(
                    session,
                    actor,
                    "letter.batch",
                    f"Lot « {template.title} » : {len(new)} courrier(s) archivé(s) ({len(made) - len(new)} déjà "
                    f"archivé(s)){' — interrompu' if cancelled else ''}",
                    details={
                        "template": template.code,
                        "version": template.version,
                        "letters": [x.letter_id for x in new],
                        "references": [x.reference for x in new],
                    },
                )
        if cancelled:
            break
    return BatchResult(template.code, total, tuple(letters), tuple(failures), cancelled)


def console_actor(session: Session, username: str) -> Actor:
    """The agent a console batch acts as (the person at the server console is trusted, as for ``agent add``);
    the permission is still checked by each workflow."""
    agent = session.execute(
        select(Agent).where(Agent.username == username.strip().lower())
    ).scalar_one_or_none()
    if agent is None or not agent.active:
        raise NotFound(f"Agent inconnu ou désactivé : « {username} ».")
    return Actor(agent.id, agent.username, agent.full_name, agent.role)
