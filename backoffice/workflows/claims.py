"""Claims: intake (phone form, portal JSON import), triage, the handlers' queue and the claim lifecycle.

The lifecycle is the table ``TRANSITIONS``; every status change goes through ``_transition`` which refuses an
illegal move, writes a ``ClaimTransition`` row and is audited. "Take next" locks the chosen row with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the ``BEGIN IMMEDIATE`` of ``db.write()`` serialises takers.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import islice
from json.encoder import encode_basestring as encode_string
from typing import TYPE_CHECKING, Any, cast
from uuid import uuid4

from sqlalchemy import (
    ARRAY,
    Boolean,
    Date,
    Enum,
    Integer,
    Numeric,
    Select,
    Table,
    any_,
    bindparam,
    case,
    column,
    func,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.engine import Connection, CursorResult, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.types import TypeEngine

from backoffice.checks.identifiers import normalize_contract_number
from backoffice.clock import to_paris
from backoffice.config import ClaimsSettings, Settings
from backoffice.data.departements import departement_of_postcode
from backoffice.errors import ConcurrentEdit, DatabaseUnavailable, InvalidInput, NotFound, Refused
from backoffice.models import (
    Agent,
    AppraisalMode,
    Claim,
    ClaimStatus,
    ClaimTransition,
    ClaimType,
    Contract,
    Coverage,
    Customer,
    DeclarationChannel,
    Document,
    DocumentKind,
    Priority,
)
from backoffice.models.claims import CLAIM_STATUS_LABELS, CLAIM_TYPE_LABELS, OPEN_CLAIM_STATUSES
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of, today
from backoffice.workflows.documents import upload_document
from backoffice.workflows.permissions import Permission, require
from backoffice.workflows.triage import (
    APPRAISAL_LABELS,
    PRIORITY_LABELS,
    ClaimFacts,
    CoverageFacts,
    TriageResult,
    triage,
)

if TYPE_CHECKING:
    from backoffice.db import Database

S = ClaimStatus
CLAIM_TABLE = cast(Table, Claim.__table__)
#: The lifecycle: from each status, the statuses a claim may move to.
TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DECLARED: frozenset({S.TRIAGED, S.REFUSED, S.CLOSED}),
    S.TRIAGED: frozenset({S.IN_APPRAISAL, S.REFUSED, S.CLOSED}),
    S.IN_APPRAISAL: frozenset({S.INDEMNITY_PROPOSED, S.REFUSED, S.CLOSED}),
    S.INDEMNITY_PROPOSED: frozenset({S.SETTLED, S.IN_APPRAISAL, S.REFUSED, S.CLOSED}),
    S.SETTLED: frozenset({S.TRIAGED}),
    S.REFUSED: frozenset({S.TRIAGED}),
    S.CLOSED: frozenset({S.TRIAGED}),
}
FINAL_STATUSES = frozenset({S.SETTLED, S.REFUSED, S.CLOSED})


# ---- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRef:
    id: int
    number: str
    status: ClaimStatus
    version: int


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    customer_id: int
    customer_name: str
    contract_number: str
    claim_type: ClaimType
    status: ClaimStatus
    priority: Priority | None
    appraisal_mode: AppraisalMode | None
    declared_at: datetime
    occurred_on: date
    late_declaration: bool
    fraud_referral: bool
    flags: tuple[str, ...]
    handler_name: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[ClaimStatus, ...] = (S.DECLARED,)
    priority: Priority | None = None
    claim_type: ClaimType | None = None
    assignment: str = "all"  # "all", "unassigned" or "mine"
    late_only: bool = False
    fraud_only: bool = False
    number: str = ""
    sort: str = "priority"  # a key of SORT_COLUMNS
    descending: bool = False


SORT_COLUMNS: dict[str, Any] = {
    "priority": (Claim.priority, Claim.declared_at, Claim.id),
    "declared_at": (Claim.declared_at, Claim.id),
    "occurred_on": (Claim.occurred_on, Claim.id),
    "number": (Claim.number,),
    "claim_type": (Claim.claim_type, Claim.declared_at, Claim.id),
    "status": (Claim.status, Claim.declared_at, Claim.id),
}


@dataclass(frozen=True)
class TransitionView:
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    at: datetime
    by: str | None
    comment: str | None


@dataclass(frozen=True)
class ClaimDetail:
    id: int
    number: str
    version: int
    status: ClaimStatus
    claim_type: ClaimType
    channel: DeclarationChannel
    customer_id: int
    customer_name: str
    contract_id: int
    contract_number: str
    vehicle: str
    occurred_on: date
    known_on: date
    declared_at: datetime
    place: str | None
    departement: str | None
    circumstances: str
    third_party: bool
    police_report: bool
    keys_available: bool | None
    safety_parts_declared: bool
    vehicle_drivable: bool | None
    estimated_amount: Decimal | None
    priority: Priority | None
    appraisal_mode: AppraisalMode | None
    late_declaration: bool
    fraud_referral: bool
    flags: tuple[str, ...]
    triage: dict[str, Any] | None
    override_reason: str | None
    handler_id: int | None
    handler_name: str | None
    assessed_damage: Decimal | None
    deductible_applied: Decimal | None
    indemnity_amount: Decimal | None
    indemnity_details: dict[str, Any] | None
    photo_count: int
    transitions: tuple[TransitionView, ...]
    allowed: frozenset[ClaimStatus]


@dataclass(frozen=True)
class Declaration:
    """A declaration as typed by an agent on the phone or read from the portal's JSON."""

    contract_number: str
    claim_type: ClaimType
    occurred_on: date
    known_on: date
    circumstances: str
    place: str = ""
    place_postcode: str = ""
    third_party: bool = False
    third_party_details: str = ""
    police_report: bool = False
    keys_available: bool | None = None
    safety_parts_declared: bool = False
    vehicle_drivable: bool | None = None
    estimated_amount: Decimal | None = None
    catnat_decree_published_on: date | None = None
    channel: DeclarationChannel = DeclarationChannel.PHONE
    declared_at: datetime | None = None  # the portal's timestamp; "now" for a phone declaration


@dataclass(frozen=True)
class Photo:
    """A photo the customer sent, attached to the declaration by the agent."""

    filename: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ImportReport:
    imported: tuple[str, ...]  # claim numbers
    errors: tuple[tuple[int, str], ...] = field(
        default_factory=tuple
    )  # (record number from 1, French message)


@dataclass(frozen=True)
class RetriageBatch:
    count: int
    last_id: int
    changed: int
    skipped: int = 0  # changed meanwhile by a handler (version moved on): left as the handler saved it


# ---- intake ----------------------------------------------------------------------------------------------------


def _validate(session: Session, data: Declaration) -> Contract:
    number = normalize_contract_number(data.contract_number or "")
    if number is None:
        raise InvalidInput(
            f"Numéro de contrat invalide : « {data.contract_number} » (AUT000… ou MOT000…).",
            "contract_number",
        )
    contract = session.execute(select(Contract).where(Contract.number == number)).scalar_one_or_none()
    if contract is None:
        raise InvalidInput(f"Aucun contrat n° {number}.", "contract_number")
    day = today(session)
    if data.occurred_on > day:
        raise InvalidInput("La date du sinistre ne peut pas être dans le futur.", "occurred_on")
    if data.known_on < data.occurred_on:
        raise InvalidInput(
            "La date de connaissance du sinistre ne peut pas précéder la date du sinistre.", "known_on"
        )
    if data.known_on > day:
        raise InvalidInput("La date de connaissance ne peut pas être dans le futur.", "known_on")
    if len(data.circumstances.strip()) < 10:
        raise InvalidInput("Décrivez les circonstances (10 caractères au moins).", "circumstances")
    if data.estimated_amount is not None and data.estimated_amount < 0:
        raise InvalidInput("Le montant estimé ne peut pas être négatif.", "estimated_amount")
    if data.claim_type is ClaimType.THEFT and data.keys_available is None:
        raise InvalidInput("Vol : indiquez si toutes les clés ont été remises.", "keys_available")
    if data.third_party and not data.third_party_details.strip():
        raise InvalidInput("Tiers impliqué : indiquez son identité ou son assureur.", "third_party_details")
    if data.place_postcode and departement_of_postcode(data.place_postcode) is None:
        raise InvalidInput(f"Code postal du lieu inconnu : « {data.place_postcode} ».", "place_postcode")
    if data.catnat_decree_published_on is not None and data.catnat_decree_published_on < data.occurred_on:
        raise InvalidInput("L'arrêté de catastrophe naturelle ne peut pas précéder le sinistre.", "catnat")
    if data.declared_at is not None and to_paris(data.declared_at).date() < data.known_on:
        raise InvalidInput("La déclaration ne peut pas précéder la connaissance du sinistre.", "declared_at")
    return contract


def _insert(
    session: Session, actor: Actor, data: Declaration, contract: Contract, photos: Sequence[Photo] = ()
) -> Claim:
    moment = now(session)
    claim = Claim(
        number=f"tmp{uuid4().hex[:16]}",
        contract_id=contract.id,
        customer_id=contract.customer_id,
        claim_type=data.claim_type,
        channel=data.channel,
        occurred_on=data.occurred_on,
        known_on=data.known_on,
        declared_at=data.declared_at or moment,
        catnat_decree_published_on=data.catnat_decree_published_on,
        circumstances=data.circumstances.strip(),
        place=data.place.strip() or None,
        place_postcode=data.place_postcode.strip() or None,
        departement=departement_of_postcode(data.place_postcode) if data.place_postcode else None,
        third_party=data.third_party,
        third_party_details=data.third_party_details.strip() or None,
        police_report=data.police_report,
        keys_available=data.keys_available,
        safety_parts_declared=data.safety_parts_declared,
        vehicle_drivable=data.vehicle_drivable,
        estimated_amount=data.estimated_amount,
        status=S.DECLARED,
        flags=[],
        created_at=moment,
        updated_at=moment,
    )
    session.add(claim)
    session.flush()
    claim.number = claim_number(claim.id, claim.declared_at)
    session.add(
        ClaimTransition(
            claim_id=claim.id,
            from_status=None,
            to_status=S.DECLARED,
            at=moment,
            by_id=actor.agent_id or None,
            comment=f"Déclaration ({data.channel.value})",
        )
    )
    for photo in photos:  # before the triage, which counts them (remote appraisal needs photos)
        upload_document(
            session,
            actor,
            claim_id=claim.id,
            kind=DocumentKind.CLAIM_PHOTO,
            filename=photo.filename,
            content=photo.content,
        )
    _apply_triage(claim, _compute_one(session, claim.id))
    session.flush()
    return claim


def claim_number(claim_id: int, declared_at: datetime) -> str:
    return f"SIN{to_paris(declared_at).year}{claim_id:09d}"


def declare_claim(
    session: Session, actor: Actor, data: Declaration, photos: Sequence[Photo] = ()
) -> ClaimRef:
    """A phone declaration: validated, numbered, its photos stored (``documents.upload_document``: same checks,
    same French errors), triaged at once (status "déclaré", waiting in the queue).

    One unit of work: a refused photo leaves no claim behind and the agent corrects the form.
    """
    require(session, actor, Permission.CLAIM_DECLARE, target_type="claim")
    contract = _validate(session, data)
    claim = _insert(session, actor, data, contract, photos)
    audit.record(
        session,
        actor,
        "claims.declare",
        f"Déclaration du sinistre {claim.number} ({CLAIM_TYPE_LABELS[claim.claim_type]}) sur le contrat "
        f"{contract.number}, priorité {claim.priority.value if claim.priority else '—'}"
        + (f", {len(photos)} photo(s) jointe(s)" if photos else ""),
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
    )
    return ClaimRef(claim.id, claim.number, claim.status, claim.version)


IMPORT_FIELDS = {
    "contract_number",
    "claim_type",
    "occurred_on",
    "known_on",
    "declared_at",
    "circumstances",
    "place",
    "place_postcode",
    "third_party",
    "third_party_details",
    "police_report",
    "keys_available",
    "safety_parts_declared",
    "vehicle_drivable",
    "estimated_amount",
    "catnat_decree_published_on",
    "channel",
}


def _parse_record(record: Any) -> Declaration:
    """One portal JSON record → a Declaration; any problem is a French InvalidInput naming the field."""
    if not isinstance(record, Mapping):
        raise InvalidInput("l'enregistrement n'est pas un objet JSON")
    unknown = sorted(set(record) - IMPORT_FIELDS)
    if unknown:
        raise InvalidInput(f"champ(s) inconnu(s) : {', '.join(unknown)}")
    for name in ("contract_number", "claim_type", "occurred_on", "known_on", "declared_at", "circumstances"):
        if record.get(name) in (None, ""):
            raise InvalidInput(f"champ obligatoire absent : {name}")

    def text(name: str) -> str:
        value = record.get(name) or ""
        if not isinstance(value, str):
            raise InvalidInput(f"{name} : texte attendu")
        return value

    def day(name: str) -> date | None:
        value = record.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"{name} : date AAAA-MM-JJ attendue, reçu « {value} »") from None

    def flag(name: str, default: bool | None = False) -> bool | None:
        value = record.get(name, default)
        if value is not None and not isinstance(value, bool):
            raise InvalidInput(f"{name} : true ou false attendu")
        return value

    try:
        claim_type = ClaimType(record["claim_type"])
    except ValueError:
        allowed = ", ".join(t.value for t in ClaimType)
        raise InvalidInput(f"claim_type inconnu « {record['claim_type']} » (attendu : {allowed})") from None
    try:
        channel = DeclarationChannel(record.get("channel", "portal"))
    except ValueError:
        raise InvalidInput(f"channel inconnu « {record.get('channel')} »") from None
    try:
        declared_at = datetime.fromisoformat(str(record["declared_at"]))
    except ValueError:
        raise InvalidInput(
            f"declared_at : date-heure ISO 8601 attendue, reçu « {record['declared_at']} »"
        ) from None
    if declared_at.tzinfo is None:
        raise InvalidInput("declared_at : le fuseau horaire est obligatoire (ex. 2026-11-26T09:30:00+01:00)")
    amount = record.get("estimated_amount")
    estimated: Decimal | None = None
    if amount is not None:
        try:
            estimated = Decimal(str(amount))
        except InvalidOperation:
            raise InvalidInput(f"estimated_amount : montant attendu, reçu « {amount} »") from None
        if not estimated.is_finite():
            raise InvalidInput(f"estimated_amount : montant attendu, reçu « {amount} »")
    occurred, known = day("occurred_on"), day("known_on")
    assert occurred is not None and known is not None
    return Declaration(
        contract_number=text("contract_number"),
        claim_type=claim_type,
        occurred_on=occurred,
        known_on=known,
        circumstances=text("circumstances"),
        place=text("place"),
        place_postcode=text("place_postcode"),
        third_party=bool(flag("third_party")),
        third_party_details=text("third_party_details"),
        police_report=bool(flag("police_report")),
        keys_available=flag("keys_available", None),
        safety_parts_declared=bool(flag("safety_parts_declared")),
        vehicle_drivable=flag("vehicle_drivable", None),
        estimated_amount=estimated,
        catnat_decree_published_on=day("catnat_decree_published_on"),
        channel=channel,
        declared_at=declared_at,
    )


def import_claims(session: Session, actor: Actor, records: Iterable[Any]) -> ImportReport:
    """Portal declarations: each good record imported whole (its own savepoint), each bad one reported by line."""
    require(session, actor, Permission.CLAIM_DECLARE, target_type="claim")
    imported: list[str] = []
    errors: list[tuple[int, str]] = []
    for line, record in enumerate(records, start=1):
        try:
            data = _parse_record(record)
            with session.begin_nested():
                contract = _validate(session, data)
                claim = _insert(session, actor, data, contract)
            imported.append(claim.number)
        except InvalidInput as exc:
            errors.append((line, exc.message))
    audit.record(
        session,
        actor,
        "claims.import",
        f"Import de déclarations du portail : {len(imported)} importée(s), {len(errors)} rejetée(s)",
        target_type="claim",
        details={"imported": len(imported), "rejected_lines": [n for n, _ in errors][:200]},
    )
    return ImportReport(tuple(imported), tuple(errors))


# ---- triage ----------------------------------------------------------------------------------------------------


_PHOTOS = (
    select(func.count())
    .where(Document.claim_id == Claim.id, Document.kind == DocumentKind.CLAIM_PHOTO)
    .correlate(Claim)
    .scalar_subquery()
)
#: What the engine needs from a claim, its contract and its customer, read as one plain row per claim.
FACT_COLUMNS = (
    Claim.id,
    Claim.contract_id,
    Claim.customer_id,
    Claim.claim_type,
    Claim.occurred_on,
    Claim.known_on,
    Claim.declared_at,
    Claim.departement,
    Claim.catnat_decree_published_on,
    Claim.estimated_amount,
    Claim.safety_parts_declared,
    Claim.keys_available,
    Claim.vehicle_drivable,
    Claim.third_party,
    Contract.status.label("contract_status"),
    Contract.start_date.label("contract_start"),
    Contract.end_date.label("contract_end"),
    Customer.iban_changed_at,
    _PHOTOS.label("photo_count"),
)


_FACT_COUNT = len(FACT_COLUMNS)


def _facts_select(*extra: Any) -> Select[Any]:
    return (
        select(*FACT_COLUMNS, *extra)
        .select_from(Claim)
        .join(Contract, Contract.id == Claim.contract_id)
        .join(Customer, Customer.id == Claim.customer_id)
    )


# Built once: a statement object keeps its compiled form's cache key, so a single triage pays no construction.
_FACTS_OF_CLAIM = _facts_select().where(Claim.id == bindparam("claim_id"))
_COVERAGE_COLUMNS = (
    Coverage.contract_id,
    Coverage.code,
    Coverage.deductible,
    Coverage.start_date,
    Coverage.end_date,
)
_CLAIM_DATE_COLUMNS = (Claim.customer_id, Claim.id, Claim.occurred_on)
#: By id lists: on SQLite an IN list (a subquery on the batch's id range was several times slower); on PostgreSQL
#: one array parameter, as an IN list of 2,000 parameters cost more to render and parse than the query.
_COVERAGES_OF = {
    "sqlite": select(*_COVERAGE_COLUMNS).where(Coverage.contract_id.in_(bindparam("ids", expanding=True))),
    "postgresql": select(*_COVERAGE_COLUMNS).where(
        Coverage.contract_id == any_(bindparam("ids", type_=ARRAY(Integer)))
    ),
}
_CLAIM_DATES_OF = {
    "sqlite": select(*_CLAIM_DATE_COLUMNS).where(Claim.customer_id.in_(bindparam("ids", expanding=True))),
    "postgresql": select(*_CLAIM_DATE_COLUMNS).where(
        Claim.customer_id == any_(bindparam("ids", type_=ARRAY(Integer)))
    ),
}


def _plain_rows(
    conn: Connection, stmt: Select[*tuple[Any, ...]], params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """A bulk read's rows as plain tuples, each value converted as the engine converts it, but through a cache
    per column for the kinds whose values recur (SQLite hands dates, flags and amounts back as text, integers
    and floats, and a batch meets the same few hundred dates again and again): half the cost of engine rows."""
    result = cast(CursorResult[Any], conn.execute(stmt, params))
    try:
        converters = [
            (position, convert)
            for position, (column, described) in enumerate(
                zip(stmt.selected_columns, result.cursor.description, strict=True)
            )
            if (convert := _converter(conn.dialect, column.type, cast(Any, described)[1])) is not None
        ]
        raw = cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()
    if not converters:
        return raw
    rows = []
    for values in raw:
        row = list(values)
        for position, convert in converters:
            row[position] = convert(row[position])
        rows.append(tuple(row))
    return rows


@lru_cache(maxsize=256)
def _converter(dialect: Dialect, type_: TypeEngine[Any], described: Any) -> Callable[[Any], Any] | None:
    process = type_.dialect_impl(dialect).result_processor(dialect, described)
    if process is None or not isinstance(type_, Enum | Date | Boolean | Numeric):
        return process
    return lru_cache(maxsize=65536)(process)


@lru_cache(maxsize=8)
def _coverage_facts(
    dialect: Dialect, described: tuple[Any, ...]
) -> Callable[[tuple[Any, ...]], CoverageFacts]:
    """A coverage row as the driver gives it (code, deductible, start, end) into the engine's facts, as the engine
    would convert it, cached on the raw values: a batch reads some 13,000 coverages, most of them alike, and the
    facts are immutable, so contracts share them."""
    converters = [
        _converter(dialect, column.type, kind)
        for column, kind in zip(_COVERAGE_COLUMNS[1:], described[1:], strict=True)
    ]

    code_of, deductible_of, start_of, end_of = (convert or _unchanged for convert in converters)

    @lru_cache(maxsize=65536)
    def facts_of(raw: tuple[Any, ...]) -> CoverageFacts:
        code, deductible, start, end = raw
        return CoverageFacts(code_of(code), deductible_of(deductible), start_of(start), end_of(end))

    return facts_of


def _unchanged(value: Any) -> Any:
    return value


def _facts_of(session: Session, claim_id: int) -> Any:
    session.flush()  # read on the connection, past the ORM's autoflush: the caller's changes must be there
    row = session.connection().execute(_FACTS_OF_CLAIM, {"claim_id": claim_id}).first()
    if row is None:
        raise NotFound(f"Sinistre introuvable (n° interne {claim_id}).")
    return row


@dataclass(frozen=True)
class _Facts:
    """Claims read as ``_facts_select`` rows, with their contracts' coverages and their customers' claim dates."""

    rows: Sequence[Any]
    coverages: dict[int, tuple[CoverageFacts, ...]]
    history: dict[int, list[tuple[int, date]]]


def _gather(session: Session, rows: Sequence[Any]) -> _Facts:
    """The coverages and the customers' other claims of a set of claims, in two set-based queries."""
    conn = session.connection()
    dialect = conn.dialect.name
    contract_ids = list({r[1] for r in rows})  # FACT_COLUMNS order: id, contract_id, customer_id, …
    customer_ids = list({r[2] for r in rows})
    coverages: dict[int, list[CoverageFacts]] = defaultdict(list)
    result = cast(CursorResult[Any], conn.execute(_COVERAGES_OF[dialect], {"ids": contract_ids}))
    try:
        facts_of = _coverage_facts(conn.dialect, tuple(d[1] for d in result.cursor.description))
        raw = cast(list[tuple[Any, ...]], result.cursor.fetchall())  # at once: row by row costs more
    finally:
        result.close()
    for row in raw:
        coverages[row[0]].append(facts_of(row[1:]))
    history: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for customer_id, other_id, occurred_on in _plain_rows(
        conn, _CLAIM_DATES_OF[dialect], {"ids": customer_ids}
    ):
        history[customer_id].append((other_id, occurred_on))
    return _Facts(rows, {contract_id: tuple(found) for contract_id, found in coverages.items()}, history)


def _compute(session: Session, rows: Sequence[Any]) -> dict[int, TriageResult]:
    """Run the pure engine on claims read as ``_facts_select`` rows."""
    if not rows:
        return {}
    return _run_rules(_gather(session, rows), settings_of(session).claims)


def _run_rules(gathered: _Facts, settings: ClaimsSettings) -> dict[int, TriageResult]:
    coverage_facts, history = gathered.coverages, gathered.history
    results = {}
    # Rows unpacked by position (in FACT_COLUMNS order): far cheaper than 19 attribute lookups per claim.
    for (
        claim_id,
        contract_id,
        customer_id,
        claim_type,
        occurred_on,
        known_on,
        declared_at,
        departement,
        catnat,
        amount,
        safety_parts,
        keys_available,
        drivable,
        third_party,
        contract_status,
        contract_start,
        contract_end,
        iban_changed_at,
        photo_count,
    ) in (tuple(row[:_FACT_COUNT]) for row in gathered.rows):
        facts = ClaimFacts(
            claim_type=claim_type,
            occurred_on=occurred_on,
            known_on=known_on,
            declared_on=to_paris(declared_at).date(),
            contract_status=contract_status,
            contract_start=contract_start,
            contract_end=contract_end,
            coverages=coverage_facts.get(contract_id, ()),
            departement=departement,
            catnat_decree_published_on=catnat,
            estimated_amount=amount,
            safety_parts_declared=safety_parts,
            keys_available=keys_available,
            vehicle_drivable=drivable,
            third_party=third_party,
            photo_count=photo_count,
            other_claim_dates=tuple(d for i, d in history[customer_id] if i != claim_id),
            bank_details_changed_on=to_paris(iban_changed_at).date() if iban_changed_at else None,
        )
        results[claim_id] = triage(facts, settings)
    return results


def _compute_one(session: Session, claim_id: int) -> TriageResult:
    return _compute(session, [_facts_of(session, claim_id)])[claim_id]


def _encode_triage(result: TriageResult, override: Mapping[str, Any] | None) -> tuple[str, str]:
    """The stored triage as compact UTF-8 JSON, and its fingerprint: a short digest of that text, stored beside it
    so a re-triage tells whether a result changed by comparing two short strings (the text encoded once serves
    both the comparison and the write)."""
    # The same text as json.dumps(_stored_triage(…)), each finding's part encoded once for all the claims
    # that share it (most explanations recur); a third of the cost.
    if override:
        decisions = result.decisions_json()
        decisions["override"] = dict(sorted(override.items()))
        tail = json.dumps(decisions, ensure_ascii=False, separators=(",", ":"))[1:]
    else:
        tail = _decisions_json(
            result.late_declaration,
            result.declaration_deadline,
            result.covered,
            result.coverage_code,
            None if result.deductible is None else str(result.deductible),  # "300" and "300.00" are equal
            result.flags,
            result.priority,
            result.appraisal_mode,
            result.fraud_referral,
        )
    text = (
        '{"findings":['
        + ",".join(
            [
                _FINDING_JSON % (_string(f.part), _string(f.rule), _string(f.title), encode_string(f.text))
                for f in result.findings
            ]
        )
        + "],"
        + tail
    )
    return text, hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


#: A finding as ``json.dumps(…, ensure_ascii=False, separators=(",", ":"))`` writes it: ``encode_string`` is the
#: json module's own string encoder (in C), so the text is the same, without building a dictionary per finding.
_FINDING_JSON = '{"part":%s,"rule":%s,"title":%s,"text":%s}'
_string = lru_cache(maxsize=256)(encode_string)  # the parts, rules and titles recur


@lru_cache(maxsize=65536)
def _decisions_json(*decided: Any) -> str:
    """The decisions' part of the stored JSON after the findings (``TriageResult.decisions_json`` in
    ``TriageResult`` order, the deductible as text), closing brace included: most claims share one."""
    late, deadline, covered, code, deductible, flags, priority, mode, fraud = decided
    return json.dumps(
        {
            "late_declaration": late,
            "declaration_deadline": deadline.isoformat() if deadline else None,
            "covered": covered,
            "coverage_code": code.value if code else None,
            "deductible": deductible,
            "flags": list(flags),
            "priority": priority.value,
            "appraisal_mode": mode.value,
            "fraud_referral": fraud,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )[1:]


def _fingerprint(result: TriageResult, override: Mapping[str, Any] | None) -> str:
    return _encode_triage(result, override)[1]


def _decided(result: TriageResult, override: Mapping[str, Any] | None) -> dict[str, Any]:
    """The decision columns: the engine's, except where a handler's override (kept in the JSON) says otherwise."""
    values = {
        "priority": result.priority,
        "appraisal_mode": result.appraisal_mode,
        "fraud_referral": result.fraud_referral,
        "late_declaration": result.late_declaration,
        "deductible_applied": result.deductible,
    }
    if override:
        if "priority" in override:
            values["priority"] = Priority(override["priority"])
        if "appraisal_mode" in override:
            values["appraisal_mode"] = AppraisalMode(override["appraisal_mode"])
        if "fraud_referral" in override:
            values["fraud_referral"] = bool(override["fraud_referral"])
    return values


def _stored_triage(result: TriageResult, override: Mapping[str, Any] | None) -> dict[str, Any]:
    """What ``Claim.triage`` holds: the explained result and a handler's override."""
    stored = result.as_json()
    if override:
        stored["override"] = dict(
            sorted(override.items())
        )  # one text, one fingerprint, whatever the key order
    return stored


def _triage_values(
    result: TriageResult, override: dict[str, Any] | None, fingerprint: str | None = None
) -> dict[str, Any]:
    """The columns a triage sets; a handler's override (kept in the JSON) wins over the engine."""
    return {
        **_decided(result, override),
        "triage": _stored_triage(result, override),
        "triage_fingerprint": fingerprint or _fingerprint(result, override),
        "flags": list(result.flags),
    }


def _apply_triage(claim: Claim, result: TriageResult) -> None:
    override = (claim.triage or {}).get("override")
    for name, value in _triage_values(result, override).items():
        setattr(claim, name, value)


def load_claim(session: Session, claim_id: int, *, lock: bool = False) -> Claim:
    stmt = select(Claim).where(Claim.id == claim_id)
    if lock:
        stmt = stmt.with_for_update()
    claim = session.execute(stmt).scalar_one_or_none()
    if claim is None:
        raise NotFound(f"Sinistre introuvable (n° interne {claim_id}).")
    return claim


def check_claim_version(session: Session, claim: Claim, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        last = audit.last_change(session, "claim", claim.id)
        who = f" par {last.actor_username} le {to_paris(last.at):%d/%m/%Y à %H:%M}" if last else ""
        raise ConcurrentEdit(
            f"Le sinistre {claim.number} a été modifié{who} depuis que vous l'avez ouvert. Rechargez-le.",
            changed_by=last.actor_username if last else None,
            changed_at=last.at if last else None,
        )


def claim_for(
    session: Session,
    actor: Actor,
    claim_id: int,
    permission: Permission,
    *,
    expected_version: int | None = None,
) -> Claim:
    """The claim an action is about: loaded, the actor's right checked on it (a refusal is audited), and still at
    the version the caller's screen loaded (``ConcurrentEdit`` naming who changed it otherwise)."""
    claim = load_claim(session, claim_id)
    require(
        session, actor, permission, target_type="claim", target_id=claim.id, customer_id=claim.customer_id
    )
    check_claim_version(session, claim, expected_version)
    return claim


def compute_triage(session: Session, actor: Actor, claim_id: int) -> TriageResult:
    """Run the engine on one claim without storing anything (what the handler sees before confirming)."""
    # The right first: a refused actor reads nothing of the claim's contract or customer.
    require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim", target_id=claim_id)
    row = _facts_of(session, claim_id)
    return _compute(session, [row])[row.id]


def confirm_triage(
    session: Session,
    actor: Actor,
    claim_id: int,
    *,
    expected_version: int | None = None,
    priority: Priority | None = None,
    appraisal_mode: AppraisalMode | None = None,
    fraud_referral: bool | None = None,
    reason: str = "",
) -> ClaimRef:
    """The handler validates the engine's triage (déclaré → trié), overriding any part with a mandatory reason."""
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_TRIAGE, expected_version=expected_version)
    result = _compute_one(session, claim.id)
    override: dict[str, Any] = {}
    changes = []
    if priority is not None and priority is not result.priority:
        override["priority"] = priority.value
        changes.append(f"priorité {result.priority.value} → {priority.value}")
    if appraisal_mode is not None and appraisal_mode is not result.appraisal_mode:
        override["appraisal_mode"] = appraisal_mode.value
        changes.append(
            f"expertise {APPRAISAL_LABELS[result.appraisal_mode].lower()} → {APPRAISAL_LABELS[appraisal_mode].lower()}"
        )
    if fraud_referral is not None and fraud_referral is not result.fraud_referral:
        override["fraud_referral"] = fraud_referral
        changes.append("transmission au service fraude " + ("ajoutée" if fraud_referral else "retirée"))
    if override and not reason.strip():
        raise InvalidInput("Un motif est obligatoire pour modifier le résultat du tri.", "reason")
    if override:
        override.update(reason=reason.strip(), by=actor.username, at=now(session).isoformat())
    for name, value in _triage_values(result, override or None).items():
        setattr(claim, name, value)
    claim.override_reason = reason.strip() if override else None
    claim.triaged_at = now(session)
    touch_claim(session, claim, actor)
    comment = "Tri validé" + (
        f" avec modification ({', '.join(changes)}) : {reason.strip()}" if override else ""
    )
    apply_transition(session, actor, claim, S.TRIAGED, comment)
    audit.record(
        session,
        actor,
        "claims.override" if override else "claims.triage",
        f"Sinistre {claim.number} trié : {PRIORITY_LABELS[claim.priority or Priority.P4]}, "
        f"{APPRAISAL_LABELS[claim.appraisal_mode or AppraisalMode.ON_SITE].lower()}"
        + (f" ; modifié ({', '.join(changes)}), motif : {reason.strip()}" if override else ""),
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
        details={"override": {k: v for k, v in override.items() if k not in ("by", "at")}}
        if override
        else None,
    )
    return ClaimRef(claim.id, claim.number, claim.status, claim.version)


#: The stored triage columns a re-triage compares with the new result (the JSON by its fingerprint), in the
#: order of ``_decided``'s values after the version.
_STORED_TRIAGE = (
    Claim.version,
    Claim.priority,
    Claim.appraisal_mode,
    Claim.fraud_referral,
    Claim.late_declaration,
    Claim.deductible_applied,
    Claim.triage_fingerprint,
    # Only the overridden claims (they carry a reason) have their JSON read.
    case((Claim.override_reason.is_not(None), Claim.triage["override"])).label("override"),
)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Bulk work: a batch allocates a million short-lived containers and no cycles, and the collector's passes over
    every live object cost a third of the re-triage; reference counting still frees everything at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _RetriagePlan:
    """One batch read and computed: its id range and the changed claims, each a row of ``_CHANGE_COLUMNS``
    values ready for the database (id and version read first)."""

    count: int
    first_id: int
    last_id: int
    changes: list[tuple[Any, ...]]
    requeued: set[int]  # the changed claims whose priority changed (their place in the queue indexes moves)


#: What a re-triage writes to a changed claim, in the order of ``_RetriagePlan.changes`` after id and version.
_CHANGE_COLUMNS = (
    "priority",
    "appraisal_mode",
    "fraud_referral",
    "late_declaration",
    "deductible_applied",
    "triage",
    "triage_fingerprint",
    "flags",
)


def _open_claims_after(status: Any) -> Select[Any]:
    return (
        _facts_select(*_STORED_TRIAGE)
        .where(
            status.in_(OPEN_CLAIM_STATUSES), Claim.id > bindparam("after_id"), Claim.id <= bindparam("upto")
        )
        .order_by(Claim.id)
        .limit(bindparam("size"))
    )


#: Batches walk the primary key. SQLite, whose statistics can take the status for selective, would otherwise
#: fetch every open claim through a status index and sort them all for each batch (2 s a batch on the million
#: customer database); ``+status`` keeps it on the primary key.
_OPEN_CLAIMS_AFTER = {
    "sqlite": _open_claims_after(
        UnaryExpression(CLAIM_TABLE.c.status, operator=custom_op("+"), type_=Claim.status.type)
    ),
    "postgresql": _open_claims_after(Claim.status),
}


#: The largest claim id (an INTEGER column): a batch without an upper bound, or without a size limit.
_LAST_ID = 2**31 - 1


def _next_open_claims(session: Session, after_id: int, size: int, upto: int = _LAST_ID) -> Sequence[Any]:
    """The next batch of open claims after ``after_id`` (up to ``upto``): their facts and their stored triage, as
    plain rows."""
    conn = session.connection()
    return _plain_rows(
        conn, _OPEN_CLAIMS_AFTER[conn.dialect.name], {"after_id": after_id, "size": size, "upto": upto}
    )


def _plan_retriage(rows: Sequence[Any], results: dict[int, TriageResult], dialect: Any) -> _RetriagePlan:
    """Compare each claim's new result with the stored one; the changed claims' values, ready to write."""
    encode = [_bind_processor(dialect, name) for name in _CHANGE_COLUMNS[:5]]
    changes, requeued = [], set()
    for row in rows:
        claim_id = row[0]
        version, priority, mode, fraud, late, deductible, fingerprint, override = row[_FACT_COUNT:]
        result = results[claim_id]
        stored = (priority, mode, fraud, late, deductible)
        text, new_fingerprint = _encode_triage(result, override)
        decided = tuple(_decided(result, override).values())
        if new_fingerprint == fingerprint and stored == decided:
            continue
        if priority is not decided[0]:
            requeued.add(claim_id)
        changes.append(
            (
                claim_id,
                version,
                *(
                    value if process is None else process(value)
                    for process, value in zip(encode, decided, strict=True)
                ),
                text,  # compact and in UTF-8: a third smaller than the engine's default encoding
                new_fingerprint,
                _flags_json(result.flags),
            )
        )
    return _RetriagePlan(len(rows), rows[0][0], rows[-1][0], changes, requeued)


def _bind_processor(dialect: Any, name: str) -> Callable[[Any], Any] | None:
    """How the engine would turn a Python value of this claim column into the driver's (an enum into its value,
    a Decimal into a float on SQLite…): the changes are sent below the ORM."""
    return cast(Callable[[Any], Any] | None, CLAIM_TABLE.c[name].type.bind_processor(dialect))


@lru_cache(maxsize=256)
def _flags_json(flags: tuple[str, ...]) -> str:
    return json.dumps(list(flags))


#: PostgreSQL: the changes go by COPY into a temporary table, then one UPDATE joins it (rows compared by id and by
#: the version read: a claim saved meanwhile is not matched, so it is not overwritten).
_CHANGES_TABLE = "retriage_change"
_CHANGES = table(_CHANGES_TABLE, *(column(name) for name in ("id", "version", *_CHANGE_COLUMNS)))


def _write_retriage(session: Session, actor: Actor, plan: _RetriagePlan) -> RetriageBatch:
    """Write a batch's changes, each only if the claim is still at the version read; audit the batch."""
    written = 0
    if plan.changes:
        conn = session.connection()
        moment = now(session)
        if conn.dialect.name == "postgresql":
            names = ", ".join(("id", "version", *_CHANGE_COLUMNS))
            conn.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {_CHANGES_TABLE} ON COMMIT DROP AS "
                f"SELECT {names} FROM claim WITH NO DATA"
            )
            driver = cast(Any, conn.connection.driver_connection)
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {_CHANGES_TABLE} ({names}) FROM STDIN") as copy,
            ):
                for change in plan.changes:
                    copy.write_row(change)
            written = conn.execute(
                update(CLAIM_TABLE)
                .where(CLAIM_TABLE.c.id == _CHANGES.c.id, CLAIM_TABLE.c.version == _CHANGES.c.version)
                .values(
                    **{name: _CHANGES.c[name] for name in _CHANGE_COLUMNS},
                    version=CLAIM_TABLE.c.version + 1,
                    updated_at=moment,
                )
            ).rowcount
            conn.exec_driver_sql(f"DROP TABLE {_CHANGES_TABLE}")
        else:
            stamp = _bind_processor(conn.dialect, "updated_at")
            stamped = stamp(moment) if stamp else moment
            # SQLite rewrites the entries of every index holding a column the SET names, even to the same value:
            # the priority (in three queue indexes) is set only where it changed.
            with _sqlite_page_cache(conn, _RETRIAGE_CACHE_KIB):
                for columns, first, changes in (
                    (_CHANGE_COLUMNS, 2, [c for c in plan.changes if c[0] in plan.requeued]),
                    (_CHANGE_COLUMNS[1:], 3, [c for c in plan.changes if c[0] not in plan.requeued]),
                ):
                    if changes:
                        assignments = ", ".join(f"{name} = ?" for name in columns)
                        written += conn.exec_driver_sql(
                            f"UPDATE claim SET {assignments}, version = version + 1, updated_at = ? "
                            "WHERE id = ? AND version = ?",
                            [(*change[first:], stamped, change[0], change[1]) for change in changes],
                        ).rowcount
    skipped = len(plan.changes) - written
    audit.record(
        session,
        actor,
        "claims.retriage",
        f"Nouveau tri de {plan.count} sinistre(s) ouvert(s) (n° interne {plan.first_id} à {plan.last_id}) : "
        f"{written} résultat(s) changé(s)"
        + (
            f", {skipped} modifié(s) entre-temps par un gestionnaire et laissé(s) tel(s) quel(s)"
            if skipped
            else ""
        ),
        target_type="claim",
        details={
            "first_id": plan.first_id,
            "last_id": plan.last_id,
            "count": plan.count,
            "changed": written,
            "skipped": skipped,
        },
    )
    return RetriageBatch(plan.count, plan.last_id, written, skipped)


#: SQLite page cache while a batch is written: a batch moving a thousand claims in the queue indexes dirties
#: some 4,000 index pages scattered over them, more than the default 2 MB cache holds, and a page spilled to the
#: log before the commit is read and written again when touched again (15–20 % of the write's CPU).
_RETRIAGE_CACHE_KIB = 65536


@contextmanager
def _sqlite_page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """A larger page cache on this connection for a while (freed after: the connection goes back to the pool)."""
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def retriage_open_claims(
    session: Session, actor: Actor, *, after_id: int = 0, limit: int | None = None
) -> RetriageBatch:
    """Re-run the engine on one batch of open claims (by id), e.g. after a rule or setting changed.

    The batch is read as plain rows (no ORM objects), its facts in a few set-based queries; only the claims whose
    result changed are written, below the ORM (COPY and one joined UPDATE on PostgreSQL, one executemany on
    SQLite), bumping their version, and only if their version is still the one read (a claim a handler saved
    meanwhile keeps the handler's triage and counts as skipped). Handler overrides are kept. One audit record
    sums the batch up. ``retriage_all`` runs every batch, planned in other processes while the calling one writes.
    """
    require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim")
    with _without_cyclic_gc():
        rows = _next_open_claims(session, after_id, limit or settings_of(session).claims.retriage_batch_size)
        if not rows:
            return RetriageBatch(0, after_id, 0)
        plan = _plan_retriage(rows, _compute(session, rows), session.connection().dialect)
        return _write_retriage(session, actor, plan)


def _read_retriage(db: Database, after_id: int, size: int, upto: int = _LAST_ID) -> _Facts | None:
    with db.read() as session:
        rows = _next_open_claims(session, after_id, size, upto)
        return _gather(session, rows) if rows else None


def _write_retriage_apart(db: Database, actor: Actor, plan: _RetriagePlan) -> RetriageBatch:
    with db.write() as session:
        require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim")
        return _write_retriage(session, actor, plan)


#: A planning process's own database handle.
_planner_db: list[Database] = []
#: Planning processes: the rules, reading and encoding are pure Python, and one process runs Python on one core
#: at a time; two of them keep the writes (in the calling process) fed on a machine with two cores or more.
RETRIAGE_PLANNERS = 2
#: Batches planned ahead of the writes (each holds its changes' JSON: a few megabytes).
_PLANNED_AHEAD = 4


def _start_planner(url: str, settings: Settings) -> None:
    """In a planning process: a database handle of its own (a forked child must never use the connections it
    inherited), closed when the process ends. The process lives for one re-triage and makes no reference cycles,
    so the cyclic collector stays off."""
    from backoffice.db import Database

    gc.disable()
    db = Database(url, settings, pool_size=1)
    _planner_db.append(db)
    multiprocessing.util.Finalize(None, db.dispose, exitpriority=10)


def _plan_range(after_id: int, upto: int, settings: ClaimsSettings) -> _RetriagePlan | None:
    """In a planning process: the open claims of an id range read, the rules run and the changes prepared as
    plain values, ready for the database."""
    db = _planner_db[0]
    gathered = _read_retriage(db, after_id, _LAST_ID, upto)
    if gathered is None:
        return None
    return _plan_retriage(gathered.rows, _run_rules(gathered, settings), db.engine.dialect)


#: How the planning processes start: forked on Linux (cheap, nothing imported again); spawned elsewhere (Windows
#: has no fork), where each imports this module afresh and gets the URL and settings pickled.
PLANNER_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


def _planners(db: Database, settings: Settings, batches: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context(PLANNER_START_METHOD)
    return ProcessPoolExecutor(
        max_workers=max(1, min(RETRIAGE_PLANNERS, os.cpu_count() or 1, batches)),
        mp_context=context,
        initializer=_start_planner,
        initargs=(db.engine.url.render_as_string(hide_password=False), settings),
    )


def _retriage_ranges(db: Database, size: int) -> list[tuple[int, int]]:
    """The open claims cut into id ranges of ``size`` claims each, so that batches are planned independently; the
    last range has no upper bound (claims declared during the run are triaged too)."""
    with db.read() as session:
        ids = session.execute(
            select(Claim.id).where(Claim.status.in_(OPEN_CLAIM_STATUSES)).order_by(Claim.id)
        ).scalars()
        ends = list(ids)[size - 1 :: size]
    return list(zip([0, *ends], [*ends, _LAST_ID], strict=True))


def retriage_all(db: Database, actor: Actor, progress: Callable[[int], None] | None = None) -> int:
    """Every open claim, batch after batch (id ranges of ``retriage_batch_size`` claims), as a pipeline over
    processes: planning processes each read a batch (their own read transactions) and run the rules, while this
    process writes the batches planned, in order, each in its own short write transaction (in a thread, so the
    next plan is received meanwhile). Only plain values cross between the processes: the changes, ready for the
    database. The version check covers a claim saved between the read and the write."""
    with db.write() as session:  # the right first, before reading anything (a refusal is audited)
        require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim")
        settings = settings_of(session)
    ranges = iter(_retriage_ranges(db, settings.claims.retriage_batch_size))
    total = 0
    written: Future[RetriageBatch] | None = None
    planned: deque[Future[_RetriagePlan | None]] = deque()
    planners = _planners(db, settings, RETRIAGE_PLANNERS)
    try:
        # The first submissions fork the planners: before this function starts a thread of its own (a child forked
        # while another thread holds a lock, SQLite's included, would find it held forever).
        planned.extend(
            planners.submit(_plan_range, *bounds, settings.claims)
            for bounds in islice(ranges, _PLANNED_AHEAD)
        )
        with _without_cyclic_gc(), ThreadPoolExecutor(1, thread_name_prefix="retriage-write") as writer:
            while planned:
                plan = planned.popleft().result()
                planned.extend(
                    planners.submit(_plan_range, *bounds, settings.claims) for bounds in islice(ranges, 1)
                )
                if plan is None:
                    continue
                if written is not None:
                    total += written.result().count  # a failed write stops the run here, with its error
                    if progress is not None:
                        progress(total)
                written = writer.submit(_write_retriage_apart, db, actor, plan)
            if written is not None:
                total += written.result().count
                if progress is not None:
                    progress(total)
            return total
    finally:
        planners.shutdown(cancel_futures=True)


# ---- the queue -------------------------------------------------------------------------------------------------


def _queue_filter(stmt: Select[Any], flt: QueueFilter, actor: Actor, cutoff: datetime) -> Select[Any]:
    if flt.statuses:
        stmt = stmt.where(Claim.status.in_(flt.statuses))
    if flt.priority is not None:
        stmt = stmt.where(Claim.priority == flt.priority)
    if flt.claim_type is not None:
        stmt = stmt.where(Claim.claim_type == flt.claim_type)
    if flt.assignment == "mine":
        stmt = stmt.where(Claim.handler_id == actor.agent_id)
    elif flt.assignment == "unassigned":
        stmt = stmt.where(or_(Claim.handler_id.is_(None), Claim.taken_at < cutoff))
    if flt.late_only:
        stmt = stmt.where(Claim.late_declaration.is_(True))
    if flt.fraud_only:
        stmt = stmt.where(Claim.fraud_referral.is_(True))
    if flt.number.strip():
        stmt = stmt.where(Claim.number.startswith(flt.number.strip().upper()))
    return stmt


def queue_page(
    session: Session, actor: Actor, flt: QueueFilter, *, offset: int = 0, limit: int = 100
) -> QueuePage:
    require(session, actor, Permission.CLAIM_TRIAGE)
    if flt.sort not in SORT_COLUMNS:
        raise InvalidInput(f"Tri inconnu : {flt.sort}")
    cutoff = now(session) - timedelta(minutes=settings_of(session).claims.queue_lock_timeout_minutes)
    keys = [c.desc() if flt.descending else c.asc() for c in SORT_COLUMNS[flt.sort]]
    ids = select(Claim.id)
    ids = _queue_filter(ids, flt, actor, cutoff).order_by(*keys).offset(offset).limit(limit)
    page_ids = list(session.execute(ids).scalars())
    total = session.execute(
        _queue_filter(select(func.count()).select_from(Claim), flt, actor, cutoff)
    ).scalar_one()
    rows = []
    if page_ids:
        # Plain columns, not Claim entities: a page never decodes the triage and indemnity JSON it does not show.
        stmt = (
            select(
                Claim.id,
                Claim.number,
                Claim.customer_id,
                Customer.civility,
                Customer.first_names,
                Customer.last_name,
                Contract.number.label("contract_number"),
                Claim.claim_type,
                Claim.status,
                Claim.priority,
                Claim.appraisal_mode,
                Claim.declared_at,
                Claim.occurred_on,
                Claim.late_declaration,
                Claim.fraud_referral,
                Claim.flags,
                Claim.handler_id,
                Claim.taken_at,
                Agent.full_name,
            )
            .join(Customer, Customer.id == Claim.customer_id)
            .join(Contract, Contract.id == Claim.contract_id)
            .outerjoin(Agent, Agent.id == Claim.handler_id)
            .where(Claim.id.in_(page_ids))
        )
        by_id = {}
        for r in session.connection().execute(stmt):
            held = r.handler_id is not None and (
                r.status is not S.DECLARED or (r.taken_at is not None and r.taken_at >= cutoff)
            )
            by_id[r.id] = QueueRow(
                r.id,
                r.number,
                r.customer_id,
                f"{r.civility.value} {r.first_names} {r.last_name.upper()}",
                r.contract_number,
                r.claim_type,
                r.status,
                r.priority,
                r.appraisal_mode,
                r.declared_at,
                r.occurred_on,
                r.late_declaration,
                r.fraud_referral,
                tuple(r.flags or ()),
                r.full_name if held else None,
            )
        rows = [by_id[i] for i in page_ids]
    return QueuePage(tuple(rows), total, offset)


def take_next(session: Session, actor: Actor) -> ClaimRef | None:
    """The highest-priority, oldest claim waiting for triage, locked for this handler; None when the queue is empty.

    A claim taken by someone who left it untouched for ``queue_lock_timeout_minutes`` is back in the queue.
    """
    require(session, actor, Permission.CLAIM_TRIAGE, target_type="claim")
    moment = now(session)
    cutoff = moment - timedelta(minutes=settings_of(session).claims.queue_lock_timeout_minutes)
    columns = (
        Claim.id,
        Claim.number,
        Claim.customer_id,
        Claim.version,
        Claim.handler_id,
        Claim.priority,
        Claim.declared_at,
    )
    order = (Claim.priority, Claim.declared_at, Claim.id)
    waiting = Claim.status == S.DECLARED
    unassigned = select(*columns).where(waiting, Claim.handler_id.is_(None)).order_by(*order).limit(1)
    abandoned = (
        select(*columns)
        .where(waiting, Claim.taken_at < cutoff, Claim.handler_id.is_not(None))
        .order_by(*order)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        unassigned = unassigned.with_for_update(skip_locked=True)
        abandoned = abandoned.with_for_update(skip_locked=True)
    candidates = [
        row for stmt in (unassigned, abandoned) if (row := session.execute(stmt).first()) is not None
    ]
    if not candidates:
        return None
    row = min(candidates, key=lambda r: (r.priority.value if r.priority else "P9", r.declared_at, r.id))
    session.execute(
        update(Claim)
        .where(Claim.id == row.id)
        .values(handler_id=actor.agent_id, taken_at=moment, updated_at=moment, version=Claim.version + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor,
        "claims.take",
        f"Sinistre {row.number} pris en charge"
        + (" (rendu à la file après inactivité de son précédent gestionnaire)" if row.handler_id else ""),
        target_type="claim",
        target_id=row.id,
        customer_id=row.customer_id,
    )
    return ClaimRef(row.id, row.number, S.DECLARED, row.version + 1)


def take_next_retrying(db: Database, actor: Actor, *, attempts: int = 5) -> ClaimRef | None:
    """``take_next`` in its own transaction, tried again when SQLite stayed busy past its timeout.

    When many handlers drain the queue at once on one SQLite file, a writer can lose the lock race for longer than
    the busy timeout; the failed transaction rolled back whole, so trying again is safe and the handler never sees
    "database locked" for a click on "Prendre le suivant".
    """
    for attempt in range(1, attempts + 1):
        try:
            with db.write() as session:
                return take_next(session, actor)
        except DatabaseUnavailable as exc:
            busy = db.dialect == "sqlite" and "locked" in str(exc.__cause__ or "")
            if not busy or attempt == attempts:
                raise
    return None


def release_claim(session: Session, actor: Actor, claim_id: int) -> ClaimRef:
    """Put a claim the handler took back into the queue."""
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_TRIAGE)
    if claim.handler_id != actor.agent_id:
        raise InvalidInput(f"Le sinistre {claim.number} ne vous est pas attribué.")
    claim.handler_id = None
    claim.taken_at = None
    session.flush()
    audit.record(
        session,
        actor,
        "claims.release",
        f"Sinistre {claim.number} rendu à la file",
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
    )
    return ClaimRef(claim.id, claim.number, claim.status, claim.version)


def touch_claim(session: Session, claim: Claim, actor: Actor) -> None:
    """Any action on a claim makes it the actor's and restarts the queue-lock clock."""
    moment = now(session)
    claim.handler_id = actor.agent_id
    claim.taken_at = moment
    claim.updated_at = moment


# ---- lifecycle -------------------------------------------------------------------------------------------------


def apply_transition(
    session: Session, actor: Actor, claim: Claim, to: ClaimStatus, comment: str | None
) -> None:
    """The one way a claim changes status: illegal moves are refused, legal ones leave a ClaimTransition."""
    if to not in TRANSITIONS[claim.status]:
        raise Refused(
            f"Le sinistre {claim.number} est « {CLAIM_STATUS_LABELS[claim.status]} » : il ne peut pas passer à "
            f"« {CLAIM_STATUS_LABELS[to]} ».",
            action="claims.transition",
            target_type="claim",
            target_id=claim.id,
            customer_id=claim.customer_id,
            actor=actor,
        )
    moment = now(session)
    session.add(
        ClaimTransition(
            claim_id=claim.id,
            from_status=claim.status,
            to_status=to,
            at=moment,
            by_id=actor.agent_id or None,
            comment=comment,
        )
    )
    claim.status = to
    claim.updated_at = moment
    claim.closed_at = moment if to in FINAL_STATUSES else None
    session.flush()


def _change_status(
    session: Session,
    actor: Actor,
    claim_id: int,
    to: ClaimStatus,
    *,
    permission: Permission,
    verb: str,
    summary: str,
    reason: str,
    reason_required: bool,
    expected_version: int | None,
) -> ClaimRef:
    claim = claim_for(session, actor, claim_id, permission, expected_version=expected_version)
    if reason_required and not reason.strip():
        raise InvalidInput("Un motif est obligatoire.", "reason")
    touch_claim(session, claim, actor)
    apply_transition(session, actor, claim, to, reason.strip() or None)
    audit.record(
        session,
        actor,
        f"claims.{verb}",
        f"Sinistre {claim.number} {summary}" + (f" : {reason.strip()}" if reason.strip() else ""),
        target_type="claim",
        target_id=claim.id,
        customer_id=claim.customer_id,
    )
    return ClaimRef(claim.id, claim.number, claim.status, claim.version)


def settle_claim(
    session: Session, actor: Actor, claim_id: int, *, expected_version: int | None = None, comment: str = ""
) -> ClaimRef:
    """The customer accepted the proposed indemnity: settled."""
    return _change_status(
        session,
        actor,
        claim_id,
        S.SETTLED,
        permission=Permission.CLAIM_SETTLE,
        verb="settle",
        summary="réglé",
        reason=comment,
        reason_required=False,
        expected_version=expected_version,
    )


def refuse_claim(
    session: Session, actor: Actor, claim_id: int, *, reason: str, expected_version: int | None = None
) -> ClaimRef:
    return _change_status(
        session,
        actor,
        claim_id,
        S.REFUSED,
        permission=Permission.CLAIM_SETTLE,
        verb="refuse",
        summary="refusé",
        reason=reason,
        reason_required=True,
        expected_version=expected_version,
    )


def close_claim(
    session: Session, actor: Actor, claim_id: int, *, reason: str, expected_version: int | None = None
) -> ClaimRef:
    """Closed without follow-up (the customer withdrew, no damage…)."""
    return _change_status(
        session,
        actor,
        claim_id,
        S.CLOSED,
        permission=Permission.CLAIM_TRIAGE,
        verb="close",
        summary="classé sans suite",
        reason=reason,
        reason_required=True,
        expected_version=expected_version,
    )


def reopen_claim(
    session: Session, actor: Actor, claim_id: int, *, reason: str, expected_version: int | None = None
) -> ClaimRef:
    """A settled, refused or closed claim back to "trié" (new fact, customer's appeal)."""
    return _change_status(
        session,
        actor,
        claim_id,
        S.TRIAGED,
        permission=Permission.CLAIM_TRIAGE,
        verb="reopen",
        summary="rouvert",
        reason=reason,
        reason_required=True,
        expected_version=expected_version,
    )


# ---- detail ----------------------------------------------------------------------------------------------------


def claim_detail(session: Session, actor: Actor, claim_id: int) -> ClaimDetail:
    claim = claim_for(session, actor, claim_id, Permission.CLAIM_TRIAGE)
    customer = session.get(Customer, claim.customer_id)
    contract = session.get(Contract, claim.contract_id)
    assert customer is not None and contract is not None
    handler = session.get(Agent, claim.handler_id) if claim.handler_id else None
    names = dict(session.execute(select(Agent.id, Agent.full_name)).all())
    transitions = tuple(
        TransitionView(t.from_status, t.to_status, t.at, names.get(t.by_id) if t.by_id else None, t.comment)
        for t in session.execute(
            select(ClaimTransition).where(ClaimTransition.claim_id == claim.id).order_by(ClaimTransition.id)
        ).scalars()
    )
    photos = session.execute(
        select(func.count()).where(Document.claim_id == claim.id, Document.kind == DocumentKind.CLAIM_PHOTO)
    ).scalar_one()
    return ClaimDetail(
        id=claim.id,
        number=claim.number,
        version=claim.version,
        status=claim.status,
        claim_type=claim.claim_type,
        channel=claim.channel,
        customer_id=customer.id,
        customer_name=customer.display_name,
        contract_id=contract.id,
        contract_number=contract.number,
        vehicle=f"{contract.vehicle_make} {contract.vehicle_model} ({contract.vehicle_registration})",
        occurred_on=claim.occurred_on,
        known_on=claim.known_on,
        declared_at=claim.declared_at,
        place=claim.place,
        departement=claim.departement,
        circumstances=claim.circumstances,
        third_party=claim.third_party,
        police_report=claim.police_report,
        keys_available=claim.keys_available,
        safety_parts_declared=claim.safety_parts_declared,
        vehicle_drivable=claim.vehicle_drivable,
        estimated_amount=claim.estimated_amount,
        priority=claim.priority,
        appraisal_mode=claim.appraisal_mode,
        late_declaration=claim.late_declaration,
        fraud_referral=claim.fraud_referral,
        flags=tuple(claim.flags or ()),
        triage=claim.triage,
        override_reason=claim.override_reason,
        handler_id=claim.handler_id,
        handler_name=handler.full_name if handler else None,
        assessed_damage=claim.assessed_damage,
        deductible_applied=claim.deductible_applied,
        indemnity_amount=claim.indemnity_amount,
        indemnity_details=claim.indemnity_details,
        photo_count=photos,
        transitions=transitions,
        allowed=TRANSITIONS[claim.status],
    )
