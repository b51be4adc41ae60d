"""The customer file read model, its editing with version check, duplicates and merging — on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.db import Database
from backoffice.errors import ConcurrentEdit, InvalidInput, PermissionDenied, Refused
from backoffice.models import AuditRecord, Contract, Customer, LockReason
from backoffice.workflows import audit
from backoffice.workflows.customers import merge_customers, open_file, section_page, update_identity
from backoffice.workflows.lookup import search
from tests.factories import make_account, make_contract, make_customer


@pytest.fixture
def marie(db: Database) -> int:
    with db.write() as s:
        customer = make_customer(
            s, last_name="Lefèvre", first_names="Marie-Hélène", phone_home="+33149153300"
        )
        make_contract(s, customer, number="AUT0001111111")
        make_contract(s, customer, number="AUT0002222222", renewal_date=date(2027, 1, 1))
        make_account(s, customer, locked=LockReason.FAILED_LOGINS, failed_attempts=5)
        audit.record(s, None, "account.lock", "Espace assuré bloqué après 5 échecs", customer_id=customer.id)
        return customer.id


def test_file_shows_identity_contracts_account_and_timeline(db, agents, marie) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        file = open_file(s, agents["agent"], marie)
    assert file.identity.display_name == "Mme Marie-Hélène LEFÈVRE"
    assert file.identity.iban_masked is not None and file.identity.iban_masked.endswith("2 606")
    assert "FR14" not in file.identity.iban_masked
    assert {c.number for c in file.contracts.items} == {"AUT0001111111", "AUT0002222222"}
    first = file.contracts.items[0]
    assert first.bonus_malus and first.renewal_date and first.coverages[0].label == "Responsabilité civile"
    assert any(cov.deductible > 0 for cov in first.coverages)
    assert file.account is not None and file.account.locked
    assert file.account.lock_reason == "Trop de tentatives de connexion"
    assert len(file.account.locks) == 1
    texts = [e.text for e in file.timeline.items]
    assert "Espace assuré bloqué après 5 échecs" in texts
    assert any(t.startswith("Espace assuré bloqué :") for t in texts)
    assert [e.at for e in file.timeline.items] == sorted((e.at for e in file.timeline.items), reverse=True)


def test_sections_page(db, agents, marie) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        page = section_page(s, agents["agent"], marie, "contracts", 1, limit=1)
    assert len(page.items) == 1 and not page.more


def test_edit_validates_and_keeps_search_keys_in_sync(db, agents, marie) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        version = open_file(s, agents["agent"], marie).identity.version
    with db.write() as s:
        identity = update_identity(
            s,
            agents["agent"],
            marie,
            version,
            {"last_name": "Schœlcher", "email": "M.Schoelcher@Example.fr", "phone_mobile": "07 81 23 45 67"},
        )
    assert identity.phone_mobile == "+33781234567" and identity.version == version + 1
    with db.read() as s:
        assert search(s, agents["agent"], "schoelcher").hits[0].customer_id == marie
        assert search(s, agents["agent"], "Schoelcer").hits[0].customer_id == marie  # typo, new name
        assert search(s, agents["agent"], "m.schoelcher@example.fr").open_directly == marie
        assert search(s, agents["agent"], "07 81 23 45 67").open_directly == marie
        record = s.query(AuditRecord).filter_by(action="customer.update").one()
    assert "nom" in record.summary and "@" not in record.summary


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "pas-un-mail"}, "email"),
        ({"phone_mobile": "12"}, "phone_mobile"),
        ({"postcode": "9313"}, "postcode"),
        ({"postcode": "00100"}, "postcode"),
        ({"postcode": "93130", "city": "Lyon"}, "postcode"),
        ({"last_name": "  "}, "last_name"),
        ({"first_names": "R2D2"}, "first_names"),
    ],
)
def test_edit_refuses_invalid_values(db, agents, marie, values, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as error, db.write() as s:
        update_identity(s, agents["agent"], marie, 1, values)
    assert error.value.field == field


def test_concurrent_edit_names_who_and_when(db, agents, clock, marie) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        version = open_file(s, agents["agent"], marie).identity.version
    with db.write() as s:
        update_identity(
            s, agents["agent2"], marie, version, {"city": "Noisy-le-Sec", "address_line": "1 rue Neuve"}
        )
    clock.advance(timedelta(minutes=5))
    with pytest.raises(ConcurrentEdit) as error, db.write() as s:
        update_identity(s, agents["agent"], marie, version, {"address_line": "2 rue Vieille"})
    assert error.value.changed_by == "Bruno Petit"
    assert "Bruno Petit" in error.value.message and "26/11/2026 à 10:00" in error.value.message
    with db.read() as s:
        assert open_file(s, agents["agent"], marie).identity.address_line == "1 rue Neuve"


def test_claims_handler_cannot_edit(db, agents, marie) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied), db.write() as s:
        update_identity(s, agents["claims_handler"], marie, 1, {"city": "Paris"})


def test_duplicates_and_merge(db, agents, marie) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        twin = make_customer(s, last_name="Lefevre", first_names="Marie Hélène", email="autre@example.fr")
        make_contract(s, twin, number="MOT0003333333")
        twin_id = twin.id
        stranger = make_customer(
            s, last_name="Martin", birth_date=date(1970, 1, 1), phone_mobile="+33612345678"
        )
        stranger_id = stranger.id
    with db.read() as s:
        duplicates = {d.customer_id: d.reasons for d in open_file(s, agents["agent"], marie).duplicates}
    assert "même nom et même date de naissance" in duplicates[twin_id]
    assert duplicates[stranger_id] == ("même téléphone",)

    with pytest.raises(PermissionDenied), db.write() as s:
        merge_customers(s, agents["agent"], marie, twin_id)
    with pytest.raises(Refused, match="dates de naissance"), db.write() as s:
        merge_customers(s, agents["supervisor"], marie, stranger_id)
    with db.write() as s:
        result = merge_customers(s, agents["supervisor"], marie, twin_id)
    assert result.moved["contract"] == 1
    with db.read() as s:
        assert s.query(Contract).filter_by(number="MOT0003333333").one().customer_id == marie
        file = open_file(s, agents["agent"], marie)
        assert any("fusionné" in e.text for e in file.timeline.items)
        assert twin_id not in {d.customer_id for d in file.duplicates}
        old_number = s.get_one(Customer, twin_id).client_number
        found = search(s, agents["agent"], old_number)
        assert found.open_directly == marie and "fusionné" in found.hits[0].reason
        assert twin_id not in {h.customer_id for h in search(s, agents["agent"], "lefevre").hits}
        refusals = s.query(AuditRecord).filter_by(action="customer.merge", outcome="refused").count()
    assert refusals == 2  # the agent without the right, then the different birth dates
    with pytest.raises(Refused, match="déjà"), db.write() as s:
        merge_customers(s, agents["supervisor"], marie, twin_id)
