"""Demo data: realistic, valid and deterministic on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import Enum

import phonenumbers
import pytest
from sqlalchemy import func, select

from backoffice import migrations
from backoffice.checks.bank import check_iban
from backoffice.data.departements import COMMUNES, DEPARTEMENTS
from backoffice.db import Database
from backoffice.demo import (
    DEMO_AGENTS,
    DEMO_PASSWORD,
    DatabaseNotEmpty,
    build,
    build_demo_data,
    ensure_first_run_demo,
)
from backoffice.demo import generate as gen
from backoffice.models import (
    Agent,
    AuditRecord,
    Claim,
    ClaimStatus,
    ClaimType,
    Contract,
    Customer,
    Expert,
    ExpertArea,
    ExpertSpecialty,
    LockEvent,
    LockReason,
    PortalAccount,
)
from backoffice.workflows.staff import authenticate
from tests.conftest import NOW
from tests.factories import make_contract, make_customer

SEED = 7
KNOWN_POSTCODES = {(c.postcode, c.name) for c in COMMUNES}


def _digest(rows: list[tuple[object, ...]]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _customer_digest(db: Database) -> str:
    with db.read() as s:
        customers = s.execute(
            select(
                Customer.client_number,
                Customer.last_name,
                Customer.first_names,
                Customer.birth_date,
                Customer.email,
                Customer.phone_mobile,
                Customer.iban,
                Customer.postcode,
            ).order_by(Customer.id)
        ).all()
        contracts = s.execute(
            select(
                Contract.number,
                Contract.customer_id,
                Contract.status,
                Contract.bonus_malus,
                Contract.vehicle_registration,
                Contract.annual_premium,
            ).order_by(Contract.id)
        ).all()
    return _digest(
        [tuple(str(v.value if isinstance(v, Enum) else v) for v in r) for r in customers + contracts]
    )


def _expected_digest(customers: int, seed: int, chunk_size: int | None = None) -> str:
    """What the generator alone produces, with no database involved."""
    chunk_size = chunk_size or customers
    tt = gen.TimeText(NOW)
    experts = gen.generate_experts(seed, tt)
    slots, cum = gen.make_lock_rhythm(tt)
    plan = gen.Plan(
        seed,
        customers,
        chunk_size,
        NOW,
        gen.make_bursts(seed, tt, customers),
        gen.experts_by_area(*experts),
        1.0,
        slots,
        cum,
    )
    chunks = [
        gen.generate_chunk(plan, gen.build_pools(seed), tt, i) for i in range(-(-customers // chunk_size))
    ]
    rows = {table: [row for chunk in chunks for row in chunk[table]] for table in gen.CHUNK_TABLES}
    columns = gen.COLUMNS
    c_idx = [
        columns["customer"].index(n)
        for n in (
            "client_number",
            "last_name",
            "first_names",
            "birth_date",
            "email",
            "phone_mobile",
            "iban",
            "postcode",
        )
    ]
    k_idx = [
        columns["contract"].index(n)
        for n in ("number", "customer_id", "status", "bonus_malus", "vehicle_registration", "annual_premium")
    ]
    out = [tuple(str(r[i]) for i in c_idx) for r in rows["customer"]]
    out += [tuple(str(r[i]) for i in k_idx) for r in rows["contract"]]
    return _digest(out)


def test_same_seed_gives_same_rows_in_memory() -> None:
    assert _expected_digest(300, SEED) == _expected_digest(300, SEED)
    assert _expected_digest(300, SEED) != _expected_digest(300, SEED + 1)


def test_database_holds_exactly_the_generated_rows(db: Database) -> None:
    build_demo_data(db, 300, SEED, now=NOW)
    assert _customer_digest(db) == _expected_digest(300, SEED)


def test_parallel_bulk_build_holds_the_same_rows(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes, dropped and rebuilt indexes: the rows still only depend on the seed and now."""
    monkeypatch.setattr(build, "CHUNK_SIZE", 150)
    monkeypatch.setattr(build, "BULK_THRESHOLD", 0)
    build_demo_data(db, 400, SEED, now=NOW, parallel=True)
    assert _customer_digest(db) == _expected_digest(400, SEED, chunk_size=150)
    if db.dialect == "sqlite":  # indexes kept during the load and copied from the chunk images are sound
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_demo_data_are_valid_and_cover_every_case(db: Database) -> None:
    report = build_demo_data(db, 3000, SEED)
    assert report.row_counts["customer"] == 3000
    with db.read() as s:
        customers = s.execute(select(Customer)).scalars().all()
        assert customers[0].client_number == "TI0000000001"
        for c in customers:
            for phone in (c.phone_mobile, c.phone_home):
                if phone:
                    assert phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
            if c.iban:
                check = check_iban(c.iban)
                assert check.valid, (c.iban, check.reason)
                assert c.iban_last4 == c.iban[-4:]
            assert (c.postcode, c.city) in KNOWN_POSTCODES
            assert c.last_activity_at.tzinfo is not None
        assert any("-" in c.first_names for c in customers)
        assert any(c.email is None for c in customers)
        assert any(c.relationship_ended_on for c in customers)
        assert sum(c.iban is not None for c in customers) / len(customers) > 0.75
        lock_reasons = set(s.execute(select(PortalAccount.lock_reason).distinct()).scalars()) - {None}
        assert lock_reasons == set(LockReason)
        assert set(s.execute(select(LockEvent.reason).distinct()).scalars()) == set(LockReason)
        assert set(s.execute(select(Claim.status).distinct()).scalars()) == set(ClaimStatus)
        assert set(s.execute(select(Claim.claim_type).distinct()).scalars()) == set(ClaimType)
        for claim in s.execute(select(Claim).where(Claim.status == ClaimStatus.DECLARED)).scalars():
            assert claim.priority is None and claim.triage is None and claim.triaged_at is None
        bm = s.execute(select(func.min(Contract.bonus_malus), func.max(Contract.bonus_malus))).one()
        assert bm[0] >= 0.5 and bm[1] <= 3.5
        car_experts = (
            select(ExpertArea.departement, func.count())
            .join(Expert, Expert.id == ExpertArea.expert_id)
            .join(ExpertSpecialty, ExpertSpecialty.expert_id == Expert.id)
            .where(Expert.active.is_(True), ExpertSpecialty.specialty == "car")
            .group_by(ExpertArea.departement)
        )
        served = {dep: n for dep, n in s.execute(car_experts).all()}
        assert all(served.get(d.code, 0) >= 2 for d in DEPARTEMENTS)
        assert s.execute(select(func.count()).select_from(AuditRecord)).scalar_one() == 1
    for agent in DEMO_AGENTS:
        with db.write() as s:
            assert authenticate(s, agent.username, DEMO_PASSWORD).actor is not None
    with db.write() as s:  # sequences were reset: the ORM can add rows after the bulk load
        make_contract(s, make_customer(s))


def test_models_and_migrations_still_agree_after_a_bulk_build(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    monkeypatch.setattr(build, "BULK_THRESHOLD", 0)  # indexes and constraints dropped, then re-created
    build_demo_data(db, 200, SEED)
    cfg = migrations.alembic_config(db.engine)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)


def test_first_run_demo_is_built_once(db: Database) -> None:
    db.settings.database.demo_customers_on_first_run = 200
    assert ensure_first_run_demo(db) is True
    assert ensure_first_run_demo(db) is False
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Customer)).scalar_one() == 200
        assert s.execute(select(func.count()).select_from(Agent)).scalar_one() == len(DEMO_AGENTS)


def test_a_database_with_customers_is_refused(db: Database) -> None:
    with db.write() as s:
        make_customer(s)
    with pytest.raises(DatabaseNotEmpty, match="vide"):
        build_demo_data(db, 10, SEED)


def test_times_are_relative_to_the_injected_now(db: Database) -> None:
    now = datetime(2030, 1, 15, 12, tzinfo=UTC)
    build_demo_data(db, 100, SEED, now=now)
    with db.read() as s:
        latest = s.execute(select(func.max(Customer.last_activity_at))).scalar_one()
    assert latest <= now


def test_bulk_build_fills_the_name_vocabulary_and_keeps_its_triggers(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vocabulary triggers are off during a bulk load: the typo lookup must still know every name after it."""
    from backoffice.models import CustomerNameDeletion, CustomerNameTerm

    monkeypatch.setattr(build, "BULK_THRESHOLD", 0)
    build_demo_data(db, 200, SEED)
    with db.read() as s:
        names = set(s.execute(select(Customer.last_name_key).distinct()).scalars())
        terms = set(s.execute(select(CustomerNameTerm.term)).scalars())
        variants = set(s.execute(select(CustomerNameDeletion.variant)).scalars())
    assert names and names <= terms
    # The deletion neighbourhood: each name, and each name less one character.
    assert all(n in variants and n[1:] in variants for n in names)
    with db.write() as s:
        make_customer(s, last_name="Zyxwvutsrq")
    with db.read() as s:
        assert s.execute(select(CustomerNameTerm).where(CustomerNameTerm.term == "zyxwvutsrq")).first()
