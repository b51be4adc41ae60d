"""The customer file: everything an agent needs about one customer on one screen, its editing and merging.

The read model is built from a handful of index-backed queries (one per section, each capped to its first page)
and returned as frozen dataclasses. Editing checks the version the agent loaded, so two agents never overwrite
each other; a merge moves every dependent row to the survivor in one audited transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, String, Table, and_, bindparam, literal, or_, select, union_all, update
from sqlalchemy.orm import Session

from backoffice.checks.bank import mask_iban
from backoffice.checks.phone import format_phone_fr, normalize_phone
from backoffice.checks.text import fold
from backoffice.clock import PARIS
from backoffice.data.departements import COMMUNES, departement_of_postcode, get_departement
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models import (
    Agent,
    ApprovalRequest,
    AuditRecord,
    BankDetailsChange,
    Civility,
    Claim,
    ClaimTransition,
    Contract,
    Coverage,
    Customer,
    Document,
    Letter,
    LockEvent,
    OutboxMessage,
    PortalAccount,
    VerificationCase,
)
from backoffice.models.accounts import ACCOUNT_STATUS_LABELS, LOCK_REASON_LABELS, AccountStatus
from backoffice.models.claims import CLAIM_STATUS_LABELS, CLAIM_TYPE_LABELS
from backoffice.models.contracts import COVERAGE_LABELS, ContractStatus, Product
from backoffice.models.customers import display_name
from backoffice.models.documents import DOCUMENT_KIND_LABELS, VERIFICATION_STATUS_LABELS, VerificationPurpose
from backoffice.prepared import Prepared, PreparedIn, Query, fetch
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now
from backoffice.workflows.lookup import SUMMARY_COLUMNS
from backoffice.workflows.permissions import Permission, require

PAGE_SIZE = 20
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_POSTCODE_FR = re.compile(r"\d{5}")

PRODUCT_LABELS = {Product.CAR: "Automobile", Product.TWO_WHEELER: "Deux-roues"}
CONTRACT_STATUS_LABELS = {
    ContractStatus.ACTIVE: "En cours",
    ContractStatus.SUSPENDED: "Suspendu",
    ContractStatus.TERMINATED: "Résilié",
}
VERIFICATION_PURPOSE_LABELS = {
    VerificationPurpose.UNLOCK: "Déblocage de l'espace assuré",
    VerificationPurpose.BANK_DETAILS_CHANGE: "Changement de RIB",
    VerificationPurpose.KYC: "Connaissance client",
}
COVERED_LABELS = {"identity": "identité", "address": "domicile", "bank_details": "coordonnées bancaires"}
FIELD_LABELS = {
    "civility": "civilité",
    "last_name": "nom",
    "birth_name": "nom de naissance",
    "first_names": "prénoms",
    "birth_place": "lieu de naissance",
    "email": "e-mail",
    "phone_mobile": "téléphone mobile",
    "phone_home": "téléphone fixe",
    "address_line": "adresse",
    "address_complement": "complément d'adresse",
    "postcode": "code postal",
    "city": "ville",
}


# --- read model ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    id: int
    client_number: str
    civility: str
    last_name: str
    birth_name: str | None
    first_names: str
    birth_date: date
    birth_place: str | None
    email: str | None
    phone_mobile: str | None
    phone_home: str | None
    address_line: str
    address_complement: str | None
    postcode: str
    city: str
    country: str
    iban_masked: str | None
    bic: str | None
    bank_holder: str | None
    iban_changed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    version: int
    merged_into: str | None  # client number of the file this one was merged into

    @property
    def display_name(self) -> str:
        return f"{self.civility} {self.first_names} {self.last_name.upper()}"

    def editable(self) -> dict[str, str]:
        """The editable fields as the form shows them (phones in French format)."""
        return {
            "civility": self.civility,
            "last_name": self.last_name,
            "birth_name": self.birth_name or "",
            "first_names": self.first_names,
            "birth_place": self.birth_place or "",
            "email": self.email or "",
            "phone_mobile": format_phone_fr(self.phone_mobile) if self.phone_mobile else "",
            "phone_home": format_phone_fr(self.phone_home) if self.phone_home else "",
            "address_line": self.address_line,
            "address_complement": self.address_complement or "",
            "postcode": self.postcode,
            "city": self.city,
        }


@dataclass(frozen=True)
class CoverageView:
    label: str
    deductible: Decimal
    ceiling: Decimal | None


@dataclass(frozen=True)
class ContractView:
    id: int
    number: str
    product: str
    status: str
    active: bool
    start_date: date
    end_date: date | None
    renewal_date: date
    automatic_renewal: bool
    annual_premium: Decimal
    bonus_malus: Decimal
    vehicle: str
    registration: str
    coverages: tuple[CoverageView, ...]


@dataclass(frozen=True)
class LockView:
    id: int
    occurred_at: datetime
    reason: str
    origin_ip: str | None
    unlocked_at: datetime | None
    unlocked_by: str | None
    reviewed: bool


@dataclass(frozen=True)
class AccountView:
    id: int
    status: str
    locked: bool
    lock_reason: str | None
    locked_at: datetime | None
    failed_attempts: int
    last_login_at: datetime | None
    locks: tuple[LockView, ...]


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: str
    filename: str
    mime_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class VerificationView:
    id: int
    purpose: str
    status: str
    covered: tuple[str, ...]
    opened_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


@dataclass(frozen=True)
class ClaimView:
    id: int
    number: str
    claim_type: str
    status: str
    occurred_on: date
    declared_at: datetime
    estimated_amount: Decimal | None
    indemnity_amount: Decimal | None


@dataclass(frozen=True)
class LetterView:
    id: int
    reference: str
    template_code: str
    created_at: datetime
    sent_at: datetime | None
    sent_method: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    source: str  # "audit", "lock", "claim", "letter"
    text: str
    by: str | None


@dataclass(frozen=True)
class Duplicate:
    customer_id: int
    client_number: str
    display_name: str
    birth_date: date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """The first page of one section; ``more`` tells the view to offer the next page."""

    items: tuple[Any, ...]
    more: bool


@dataclass(frozen=True)
class CustomerFile:
    identity: Identity
    contracts: Section
    account: AccountView | None
    documents: Section
    verifications: Section
    claims: Section
    letters: Section
    timeline: Section
    duplicates: tuple[Duplicate, ...] = field(default=())


_c = Customer.__table__.c
_CUSTOMER = select(Customer).where(Customer.id == bindparam("customer_id"))
_CUSTOMER_FOR_UPDATE = _CUSTOMER.with_for_update()


def _customer(session: Session, customer_id: int, *, for_update: bool = False) -> Customer:
    stmt = _CUSTOMER_FOR_UPDATE if for_update else _CUSTOMER
    customer = session.execute(stmt, {"customer_id": customer_id}).scalar_one_or_none()
    if customer is None:
        raise NotFound("Ce dossier client n'existe pas (ou plus).")
    return customer


def _identity(c: Customer, merged_into: str | None) -> Identity:
    return Identity(
        c.id,
        c.client_number,
        c.civility.value,
        c.last_name,
        c.birth_name,
        c.first_names,
        c.birth_date,
        c.birth_place,
        c.email,
        c.phone_mobile,
        c.phone_home,
        c.address_line,
        c.address_complement,
        c.postcode,
        c.city,
        c.country,
        mask_iban(c.iban) if c.iban else None,
        c.bic,
        c.bank_holder,
        c.iban_changed_at,
        c.created_at,
        c.updated_at,
        c.last_activity_at,
        c.version,
        merged_into,
    )


_AGENT_NAMES = PreparedIn(lambda ids: select(Agent.id, Agent.full_name).where(Agent.id.in_(ids)))


def _agent_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    (rows,) = fetch(session, _AGENT_NAMES.query(wanted))
    return {r.id: r.full_name for r in rows}


_ABSORBED = Prepared(select(_c.id).where(_c.merged_into_id == bindparam("customer_id")))
_CUSTOMER_ROW = Prepared(select(Customer.__table__).where(_c.id == bindparam("customer_id")))
_CLIENT_NUMBER = Prepared(select(_c.client_number).where(_c.id == bindparam("customer_id")))


def _merged_ids(session: Session, customer_id: int) -> list[int]:
    """The file and the files merged into it: their history is the survivor's history."""
    (absorbed,) = fetch(session, (_ABSORBED, {"customer_id": customer_id}))
    return [customer_id, *(row.id for row in absorbed)]


def _page(rows: list[Any], limit: int) -> tuple[list[Any], bool]:
    return rows[:limit], len(rows) > limit


_OWNED_ORDER: dict[Any, tuple[Any, ...]] = {
    Contract: (Contract.status, Contract.start_date.desc(), Contract.id),
    Document: (Document.uploaded_at.desc(), Document.id.desc()),
    VerificationCase: (VerificationCase.opened_at.desc(), VerificationCase.id.desc()),
    Claim: (Claim.declared_at.desc(), Claim.id.desc()),
    Letter: (Letter.created_at.desc(), Letter.id.desc()),
}
# Prepared once: opening a file runs a dozen of these, and building a statement costs more than running it.
# Plain rows (every column of the table), not ORM entities: a read model has no use for identity or tracking.
_OWNED_PAGE: dict[Any, Prepared] = {
    model: Prepared(
        select(model.__table__)
        .where(model.customer_id == bindparam("customer_id"))
        .order_by(*order)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    for model, order in _OWNED_ORDER.items()
}


def _owned_query(model: Any, customer_id: int, offset: int, limit: int) -> Query:
    """One page of a customer's rows of ``model`` (one more is read to know whether a next page exists)."""
    return (_OWNED_PAGE[model], {"customer_id": customer_id, "offset": offset, "limit": limit + 1})


def _owned_rows(
    session: Session, model: Any, customer_id: int, offset: int, limit: int
) -> tuple[list[Any], bool]:
    (rows,) = fetch(session, _owned_query(model, customer_id, offset, limit))
    return _page(rows, limit)


_COVERAGES = PreparedIn(
    lambda ids: (
        select(Coverage.__table__)
        .where(Coverage.contract_id.in_(ids))
        .order_by(Coverage.contract_id, Coverage.id)
    )
)


def _contract_views(contracts: list[Any], coverage_rows: list[Any]) -> tuple[ContractView, ...]:
    coverages: dict[int, list[CoverageView]] = {}
    for cov in coverage_rows:
        coverages.setdefault(cov.contract_id, []).append(
            CoverageView(COVERAGE_LABELS[cov.code], cov.deductible, cov.ceiling)
        )
    return tuple(
        ContractView(
            c.id,
            c.number,
            PRODUCT_LABELS[c.product],
            CONTRACT_STATUS_LABELS[c.status],
            c.status is ContractStatus.ACTIVE,
            c.start_date,
            c.end_date,
            c.renewal_date,
            c.automatic_renewal,
            c.annual_premium,
            c.bonus_malus,
            f"{c.vehicle_make} {c.vehicle_model}",
            c.vehicle_registration,
            tuple(coverages.get(c.id, ())),
        )
        for c in contracts
    )


def contracts_section(session: Session, customer_id: int, offset: int = 0, limit: int = PAGE_SIZE) -> Section:
    contracts, more = _owned_rows(session, Contract, customer_id, offset, limit)
    coverages = fetch(session, _COVERAGES.query([c.id for c in contracts]))[0] if contracts else []
    return Section(_contract_views(contracts, coverages), more)


_ACCOUNT = Prepared(
    select(PortalAccount.__table__).where(PortalAccount.customer_id == bindparam("customer_id"))
)
_LOCKS = PreparedIn(
    lambda ids: (
        select(LockEvent.__table__)
        .where(LockEvent.customer_id.in_(ids))
        .order_by(LockEvent.occurred_at.desc(), LockEvent.id.desc())
        .limit(PAGE_SIZE)
    )
)


def _account_view(account: Any, locks: list[Any], names: dict[int, str]) -> AccountView:
    return AccountView(
        account.id,
        ACCOUNT_STATUS_LABELS[account.status],
        account.status is AccountStatus.LOCKED,
        LOCK_REASON_LABELS[account.lock_reason] if account.lock_reason else None,
        account.locked_at,
        account.failed_attempts,
        account.last_login_at,
        tuple(
            LockView(
                lock.id,
                lock.occurred_at,
                LOCK_REASON_LABELS[lock.reason],
                lock.origin_ip,
                lock.unlocked_at,
                names.get(lock.unlocked_by_id) if lock.unlocked_by_id else None,
                lock.reviewed_at is not None,
            )
            for lock in locks
        ),
    )


def _document_views(rows: list[Any], names: dict[int, str]) -> tuple[DocumentView, ...]:
    return tuple(
        DocumentView(
            d.id,
            DOCUMENT_KIND_LABELS[d.kind],
            d.original_filename,
            d.mime_type,
            d.size,
            d.uploaded_at,
            names.get(d.uploaded_by_id, ""),
        )
        for d in rows
    )


def documents_section(session: Session, customer_id: int, offset: int = 0, limit: int = PAGE_SIZE) -> Section:
    rows, more = _owned_rows(session, Document, customer_id, offset, limit)
    return Section(_document_views(rows, _agent_names(session, {d.uploaded_by_id for d in rows})), more)


def _verification_views(rows: list[Any], names: dict[int, str]) -> tuple[VerificationView, ...]:
    return tuple(
        VerificationView(
            v.id,
            VERIFICATION_PURPOSE_LABELS[v.purpose],
            VERIFICATION_STATUS_LABELS[v.status],
            tuple(COVERED_LABELS.get(c, c) for c in v.covered or ()),
            v.opened_at,
            v.decided_at,
            names.get(v.decided_by_id) if v.decided_by_id else None,
            v.decision_reason,
        )
        for v in rows
    )


def verifications_section(
    session: Session, customer_id: int, offset: int = 0, limit: int = PAGE_SIZE
) -> Section:
    rows, more = _owned_rows(session, VerificationCase, customer_id, offset, limit)
    return Section(_verification_views(rows, _agent_names(session, {v.decided_by_id for v in rows})), more)


def _claim_views(rows: list[Any], _names: dict[int, str]) -> tuple[ClaimView, ...]:
    return tuple(
        ClaimView(
            c.id,
            c.number,
            CLAIM_TYPE_LABELS[c.claim_type],
            CLAIM_STATUS_LABELS[c.status],
            c.occurred_on,
            c.declared_at,
            c.estimated_amount,
            c.indemnity_amount,
        )
        for c in rows
    )


def claims_section(session: Session, customer_id: int, offset: int = 0, limit: int = PAGE_SIZE) -> Section:
    rows, more = _owned_rows(session, Claim, customer_id, offset, limit)
    return Section(_claim_views(rows, {}), more)


def _letter_views(rows: list[Any], _names: dict[int, str]) -> tuple[LetterView, ...]:
    return tuple(
        LetterView(
            x.id,
            x.reference,
            x.template_code,
            x.created_at,
            x.sent_at,
            "courrier" if x.sent_method and x.sent_method.value == "post" else x.sent_method and "e-mail",
        )
        for x in rows
    )


def letters_section(session: Session, customer_id: int, offset: int = 0, limit: int = PAGE_SIZE) -> Section:
    rows, more = _owned_rows(session, Letter, customer_id, offset, limit)
    return Section(_letter_views(rows, {}), more)


def _history(base: Select[*tuple[Any, ...]], owner: Any, at: Any, before: bool) -> PreparedIn:
    """One history of a file (and of the files merged into it), newest first, optionally before a moment."""
    older = (at < bindparam("before"),) if before else ()
    return PreparedIn(
        lambda ids: base.where(owner.in_(ids), *older).order_by(at.desc()).limit(bindparam("limit"))
    )


def _timeline_statements(before: bool) -> tuple[PreparedIn, ...]:
    transitions = select(ClaimTransition.at, ClaimTransition.to_status, Claim.number).join(
        Claim, Claim.id == ClaimTransition.claim_id
    )
    return (
        _history(
            select(AuditRecord.at, AuditRecord.summary, AuditRecord.actor_username),
            AuditRecord.customer_id,
            AuditRecord.at,
            before,
        ),
        _history(
            select(LockEvent.occurred_at, LockEvent.reason, LockEvent.unlocked_at),
            LockEvent.customer_id,
            LockEvent.occurred_at,
            before,
        ),
        _history(transitions, Claim.customer_id, ClaimTransition.at, before),
        _history(select(Letter.created_at, Letter.reference), Letter.customer_id, Letter.created_at, before),
    )


_TIMELINE = {before: _timeline_statements(before) for before in (False, True)}


def _timeline_queries(ids: list[int], before: datetime | None, limit: int) -> list[Query]:
    params: dict[str, Any] = {"limit": limit + 1}
    if before is not None:
        params["before"] = before
    return [family.query(ids, params) for family in _TIMELINE[before is not None]]


def _timeline(fetched: list[list[Any]], before: datetime | None, limit: int) -> Section:
    audits, locks, transitions, letters = fetched
    entries = [TimelineEntry(rec.at, "audit", rec.summary, rec.actor_username) for rec in audits]
    for lock in locks:
        entries.append(
            TimelineEntry(
                lock.occurred_at, "lock", f"Espace assuré bloqué : {LOCK_REASON_LABELS[lock.reason]}", None
            )
        )
        if lock.unlocked_at is not None and (before is None or lock.unlocked_at < before):
            entries.append(TimelineEntry(lock.unlocked_at, "lock", "Espace assuré débloqué", None))
    for transition in transitions:
        text = f"Sinistre {transition.number} : {CLAIM_STATUS_LABELS[transition.to_status]}"
        entries.append(TimelineEntry(transition.at, "claim", text, None))
    for letter in letters:
        entries.append(
            TimelineEntry(letter.created_at, "letter", f"Courrier {letter.reference} généré", None)
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    page, more = _page(entries, limit)
    return Section(tuple(page), more)


def timeline_section(
    session: Session, ids: list[int], before: datetime | None = None, limit: int = PAGE_SIZE
) -> Section:
    """One history, newest first: the audit trail, portal locks and unlocks, claim transitions and letters."""
    return _timeline(fetch(session, *_timeline_queries(ids, before, limit)), before, limit)


def _duplicates_by(condition: Any, reason: str) -> Any:
    return (
        select(*SUMMARY_COLUMNS, literal(reason, String).label("reason"))
        .where(condition)
        .limit(20)
        .subquery()
    )


# One statement, one round trip: the four ways a file can double another one.
_DUPLICATES = Prepared(
    union_all(
        *(
            select(member)
            for member in (
                _duplicates_by(
                    and_(
                        _c.last_name_key == bindparam("last"),
                        _c.first_names_key == bindparam("first"),
                        _c.birth_date == bindparam("birth"),
                    ),
                    "même nom et même date de naissance",
                ),
                _duplicates_by(_c.email_key == bindparam("email"), "même e-mail"),
                _duplicates_by(
                    or_(_c.phone_mobile == bindparam("mobile"), _c.phone_home == bindparam("mobile")),
                    "même téléphone",
                ),
                _duplicates_by(
                    or_(_c.phone_mobile == bindparam("home"), _c.phone_home == bindparam("home")),
                    "même téléphone",
                ),
            )
        )
    )
)


def _duplicates_query(customer: Any) -> Query:
    return (
        _DUPLICATES,
        {
            "last": customer.last_name_key,
            "first": customer.first_names_key,
            "birth": customer.birth_date,
            "email": customer.email_key,  # None matches nothing
            "mobile": customer.phone_mobile,
            "home": customer.phone_home,
        },
    )


def _duplicates(customer: Any, rows: list[Any]) -> tuple[Duplicate, ...]:
    found: dict[int, tuple[Any, list[str]]] = {}
    for other in rows:
        if other.id != customer.id and other.merged_into_id is None:
            found.setdefault(other.id, (other, []))[1].append(other.reason)
    return tuple(
        Duplicate(
            o.id,
            o.client_number,
            display_name(o.civility, o.first_names, o.last_name),
            o.birth_date,
            tuple(dict.fromkeys(reasons)),
        )
        for o, reasons in found.values()
    )


def possible_duplicates(session: Session, customer: Any) -> tuple[Duplicate, ...]:
    """Other live files with the same name and birth date, or the same e-mail or phone."""
    (rows,) = fetch(session, _duplicates_query(customer))
    return _duplicates(customer, rows)


_FILE_SECTIONS = (Contract, Document, VerificationCase, Claim, Letter)


def open_file(session: Session, actor: Actor, customer_id: int) -> CustomerFile:
    """The whole file, each section's first page, in three round trips after the permission check: the
    customer and every section's rows, then what depends on them (coverages, lock history, timeline, possible
    duplicates), then the agents' names.
    """
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    first = {"customer_id": customer_id}
    found, absorbed, accounts, *owned = fetch(
        session,
        (_CUSTOMER_ROW, first),
        (_ABSORBED, first),
        (_ACCOUNT, first),
        *(_owned_query(model, customer_id, 0, PAGE_SIZE) for model in _FILE_SECTIONS),
    )
    if not found:
        raise NotFound("Ce dossier client n'existe pas (ou plus).")
    customer, account = found[0], (accounts[0] if accounts else None)
    ids = [customer_id, *(row.id for row in absorbed)]
    (contracts, more_contracts), (documents, more_documents), (verifications, more_verifications), *rest = (
        _page(rows, PAGE_SIZE) for rows in owned
    )
    (claims, more_claims), (letters, more_letters) = rest
    then: list[Query] = [_duplicates_query(customer), *_timeline_queries(ids, None, PAGE_SIZE)]
    if account is not None:
        then.append(_LOCKS.query(ids))
    if contracts:
        then.append(_COVERAGES.query([c.id for c in contracts]))
    if customer.merged_into_id is not None:
        then.append((_CLIENT_NUMBER, {"customer_id": customer.merged_into_id}))
    duplicates, *fetched = fetch(session, *then)
    timeline, fetched = fetched[:4], fetched[4:]
    locks = fetched.pop(0) if account is not None else []
    coverages = fetched.pop(0) if contracts else []
    merged_into = fetched.pop(0)[0].client_number if customer.merged_into_id is not None else None
    names = _agent_names(
        session,
        {lock.unlocked_by_id for lock in locks}
        | {d.uploaded_by_id for d in documents}
        | {v.decided_by_id for v in verifications},
    )
    return CustomerFile(
        identity=_identity(customer, merged_into),
        contracts=Section(_contract_views(contracts, coverages), more_contracts),
        account=_account_view(account, locks, names) if account is not None else None,
        documents=Section(_document_views(documents, names), more_documents),
        verifications=Section(_verification_views(verifications, names), more_verifications),
        claims=Section(_claim_views(claims, names), more_claims),
        letters=Section(_letter_views(letters, names), more_letters),
        timeline=_timeline(timeline, None, PAGE_SIZE),
        duplicates=_duplicates(customer, duplicates),
    )


_SECTIONS = {
    "contracts": contracts_section,
    "documents": documents_section,
    "verifications": verifications_section,
    "claims": claims_section,
    "letters": letters_section,
}


def section_page(
    session: Session, actor: Actor, customer_id: int, section: str, offset: int, limit: int = PAGE_SIZE
) -> Section:
    """The next page of one list of the file ("contracts", "documents", "verifications", "claims", "letters")."""
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    if section not in _SECTIONS:
        raise InvalidInput(f"Rubrique inconnue : {section}.")
    return _SECTIONS[section](session, customer_id, offset, limit)


def timeline_page(
    session: Session, actor: Actor, customer_id: int, before: datetime, limit: int = PAGE_SIZE
) -> Section:
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    return timeline_section(session, _merged_ids(session, customer_id), before, limit)


# --- editing ------------------------------------------------------------------------------------------------


def _communes_by_name() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for commune in COMMUNES:
        index.setdefault(fold(commune.name), set()).add(commune.departement)
    return index


_COMMUNE_DEPARTEMENTS = _communes_by_name()


def check_postcode_city(postcode: str, city: str, country: str = "FR") -> None:
    """A French postcode must exist and agree with a known commune's département ("93130 Paris" is refused)."""
    if country != "FR":
        return
    if not _POSTCODE_FR.fullmatch(postcode):
        raise InvalidInput("Le code postal doit compter 5 chiffres.", "postcode")
    departement = departement_of_postcode(postcode)
    if departement is None:
        raise InvalidInput(f"Le code postal {postcode} n'existe pas.", "postcode")
    known = _COMMUNE_DEPARTEMENTS.get(fold(city))
    if known and departement not in known:
        name = get_departement(departement).name
        raise InvalidInput(
            f"Le code postal {postcode} ({name}) ne correspond pas à la commune {city}.", "postcode"
        )


def _clean(values: dict[str, str]) -> dict[str, Any]:
    """Validate and normalise the form's values; a French message names the first wrong field."""
    unknown = set(values) - set(FIELD_LABELS)
    if unknown:
        raise InvalidInput(f"Champ non modifiable : {', '.join(sorted(unknown))}.")
    out: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    for required in ("last_name", "first_names", "address_line", "postcode", "city"):
        if required in out and not out[required]:
            raise InvalidInput(f"Le champ « {FIELD_LABELS[required]} » est obligatoire.", required)
    for name_field in ("last_name", "first_names", "birth_name"):
        if out.get(name_field) and any(ch.isdigit() for ch in out[name_field]):
            raise InvalidInput(
                f"Le champ « {FIELD_LABELS[name_field]} » ne peut contenir de chiffres.", name_field
            )
    if "civility" in out and out["civility"] not in ("M.", "Mme"):
        raise InvalidInput("Civilité attendue : « M. » ou « Mme ».", "civility")
    if "email" in out:
        if out["email"] and not _EMAIL.fullmatch(out["email"]):
            raise InvalidInput(f"Adresse e-mail invalide : « {out['email']} ».", "email")
        out["email"] = out["email"] or None
    for phone_field in ("phone_mobile", "phone_home"):
        if phone_field in out:
            if out[phone_field]:
                e164 = normalize_phone(out[phone_field])
                if e164 is None:
                    raise InvalidInput(f"Numéro de téléphone invalide : « {out[phone_field]} ».", phone_field)
                out[phone_field] = e164
            else:
                out[phone_field] = None
    for optional in ("birth_name", "birth_place", "address_complement"):
        if optional in out:
            out[optional] = out[optional] or None
    for text_field in ("last_name", "first_names", "birth_name", "birth_place", "address_line", "city"):
        if out.get(text_field) and len(out[text_field]) > 120:
            raise InvalidInput(f"Le champ « {FIELD_LABELS[text_field]} » est trop long.", text_field)
    return out


def sync_search_keys(customer: Customer) -> None:
    """The folded keys the lookup reads; the name vocabulary follows through the database triggers."""
    customer.last_name_key = fold(customer.last_name)
    customer.first_names_key = fold(customer.first_names)
    customer.email_key = customer.email.strip().lower() if customer.email else None
    customer.iban_last4 = customer.iban[-4:].upper() if customer.iban else None


def _concurrent_edit(session: Session, customer_id: int) -> ConcurrentEdit:
    change = audit.last_change(session, "customer", customer_id)
    if change is None:
        return ConcurrentEdit(
            "Ce dossier a été modifié entre-temps. Rechargez-le : vos saisies sont conservées."
        )
    full_name = session.execute(
        select(Agent.full_name).where(Agent.username == change.actor_username)
    ).scalar_one_or_none()
    who = full_name or change.actor_username
    moment = change.at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
    return ConcurrentEdit(
        f"{who} a modifié ce dossier le {moment}, après que vous l'avez ouvert. Rien n'a été écrasé : "
        "comparez ses valeurs aux vôtres, puis rechargez (vos saisies sont conservées).",
        changed_by=who,
        changed_at=change.at,
    )


def update_identity(
    session: Session, actor: Actor, customer_id: int, expected_version: int, values: dict[str, str]
) -> Identity:
    """Save the identity/contact form; refused with who and when if someone saved since it was loaded."""
    require(session, actor, Permission.CUSTOMER_EDIT, target_type="customer", target_id=customer_id)
    customer = _customer(session, customer_id, for_update=True)
    if customer.merged_into_id is not None:
        raise InvalidInput("Ce dossier a été fusionné dans un autre : modifiez le dossier conservé.")
    if customer.version != expected_version:
        raise _concurrent_edit(session, customer_id)
    clean = _clean(values)
    check_postcode_city(
        clean.get("postcode", customer.postcode), clean.get("city", customer.city), customer.country
    )
    changed = []
    for name, value in clean.items():
        current = getattr(customer, name)
        current = current.value if name == "civility" else current
        if value != current:
            changed.append(name)
    if not changed:
        return _identity(customer, None)
    for name in changed:
        setattr(customer, name, Civility(clean[name]) if name == "civility" else clean[name])
    sync_search_keys(customer)
    moment = now(session)
    customer.updated_at = moment
    customer.last_activity_at = moment
    session.flush()
    labels = ", ".join(FIELD_LABELS[n] for n in changed)
    audit.record(
        session,
        actor,
        "customer.update",
        f"Dossier {customer.client_number} modifié : {labels}",
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
        details={"fields": changed},
    )
    return _identity(customer, None)


# --- merging ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    survivor_id: int
    survivor_client_number: str
    absorbed_client_number: str
    moved: dict[str, int]


# Tables whose rows follow a customer into the survivor, and whether they carry a version column.
_MOVABLE: tuple[tuple[Table, bool], ...] = tuple(
    (cast(Table, model.__table__), "version" in model.__table__.c)
    for model in (
        Contract,
        Document,
        Claim,
        Letter,
        VerificationCase,
        LockEvent,
        BankDetailsChange,
        ApprovalRequest,
        OutboxMessage,
    )
)


def merge_customers(session: Session, actor: Actor, survivor_id: int, absorbed_id: int) -> MergeResult:
    """Move everything of ``absorbed`` to ``survivor`` (supervisor only; refused if birth dates differ)."""
    require(session, actor, Permission.CUSTOMER_MERGE, target_type="customer", target_id=survivor_id)

    def refuse(message: str) -> Refused:
        return Refused(
            message,
            action="customer.merge",
            target_type="customer",
            target_id=survivor_id,
            customer_id=survivor_id,
        )

    if survivor_id == absorbed_id:
        raise InvalidInput("Choisissez deux dossiers différents.")
    survivor = _customer(session, survivor_id, for_update=True)
    absorbed = _customer(session, absorbed_id, for_update=True)
    if survivor.merged_into_id is not None or absorbed.merged_into_id is not None:
        raise refuse("Un de ces dossiers a déjà été fusionné.")
    if survivor.birth_date != absorbed.birth_date:
        raise refuse(
            f"Fusion refusée : les dates de naissance diffèrent ({survivor.birth_date:%d/%m/%Y} et "
            f"{absorbed.birth_date:%d/%m/%Y}). Ce ne sont pas la même personne."
        )
    moved: dict[str, int] = {}
    for table, versioned in _MOVABLE:
        values: dict[str, Any] = {"customer_id": survivor_id}
        if versioned:
            values["version"] = table.c.version + 1
        result = session.execute(
            update(table).where(table.c.customer_id == absorbed_id).values(**values),
            execution_options={"synchronize_session": False},
        )
        moved[table.name] = result.rowcount  # type: ignore[attr-defined]
    account_table = cast(Table, PortalAccount.__table__)
    survivor_has_account = session.execute(
        select(account_table.c.id).where(account_table.c.customer_id == survivor_id)
    ).first()
    if survivor_has_account is None:
        result = session.execute(
            update(account_table)
            .where(account_table.c.customer_id == absorbed_id)
            .values(customer_id=survivor_id, version=account_table.c.version + 1),
            execution_options={"synchronize_session": False},
        )
        moved["portal_account"] = result.rowcount  # type: ignore[attr-defined]
    moment = now(session)
    absorbed.merged_into_id = survivor_id
    absorbed.updated_at = moment
    survivor.updated_at = moment
    survivor.last_activity_at = moment
    session.flush()
    summary = f"Dossier {absorbed.client_number} fusionné dans {survivor.client_number}"
    details = {"absorbed": absorbed.client_number, "moved": {k: v for k, v in moved.items() if v}}
    audit.record(
        session,
        actor,
        "customer.merge",
        summary,
        target_type="customer",
        target_id=absorbed_id,
        customer_id=absorbed_id,
        details=details,
    )
    audit.record(
        session,
        actor,
        "customer.merge",
        summary,
        target_type="customer",
        target_id=survivor_id,
        customer_id=survivor_id,
        details=details,
    )
    return MergeResult(survivor_id, survivor.client_number, absorbed.client_number, moved)
