"""A phone number in the search box, on SQLite and PostgreSQL: mobile and home phones in one statement."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backoffice.db import Database
from backoffice.models import ContractStatus, Customer, LockReason, Product
from backoffice.workflows import lookup
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import MatchKind, QueryKind, SearchFilters, SearchResult, classify, search
from tests.factories import make_account, make_contract, make_customer

SHARED = "+33145678901"  # a family's landline, also the mobile some relatives gave


@pytest.fixture
def household(db: Database) -> dict[str, int]:
    """Four customers behind one number, as mobile, home phone or both; one file merged into another."""
    with db.write() as s:
        now = db.clock.now()
        ids = {
            "mobile": make_customer(
                s, phone_mobile=SHARED, phone_home=None, last_activity_at=now - timedelta(days=2)
            ).id,
            "home": make_customer(
                s, phone_mobile="+33600000001", phone_home=SHARED, last_activity_at=now - timedelta(hours=1)
            ).id,
            "both": make_customer(
                s, phone_mobile=SHARED, phone_home=SHARED, last_activity_at=now - timedelta(days=9)
            ).id,
            "home_old": make_customer(
                s, phone_mobile="+33600000002", phone_home=SHARED, last_activity_at=now - timedelta(days=30)
            ).id,
            "other": make_customer(s, phone_mobile="+33600000003", phone_home="+33145678902").id,
        }
        survivor = s.get_one(Customer, ids["other"])
        make_customer(s, phone_mobile=SHARED, phone_home=SHARED, merged_into_id=survivor.id)
        make_contract(s, s.get_one(Customer, ids["home"]), product=Product.TWO_WHEELER)
        make_contract(s, s.get_one(Customer, ids["both"]), status=ContractStatus.TERMINATED)
        make_account(s, s.get_one(Customer, ids["mobile"]), locked=LockReason.FAILED_LOGINS)
    return ids


def run(db: Database, actor: Actor, text: str, **kw) -> SearchResult:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return search(s, actor, text, **kw)


def found(result: SearchResult) -> list[tuple[int, str]]:
    return [(hit.customer_id, hit.reason) for hit in result.hits]


def test_mobile_and_home_phones_newest_activity_first(db, agents, household) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "01 45 67 89 01")
    assert result.kind is QueryKind.PHONE
    assert found(result) == [
        (household["home"], "Téléphone fixe"),
        (household["mobile"], "Téléphone mobile"),
        (household["both"], "Téléphone mobile"),  # found by both columns: once, as its mobile
        (household["home_old"], "Téléphone fixe"),
    ]
    assert all(hit.match is MatchKind.PHONE for hit in result.hits)
    assert result.open_directly is None  # four files: the agent chooses


@pytest.mark.parametrize(
    "typed", ["+33 1 45 67 89 01", "0033145678901", "01.45.67.89.01", "(01) 45-67-89-01"]
)
def test_every_spelling_finds_the_same_files(db, agents, household, typed) -> None:  # type: ignore[no-untyped-def]
    assert found(run(db, agents["agent"], typed)) == found(run(db, agents["agent"], "0145678901"))


def test_a_number_found_once_opens_its_file(db, agents, household) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "01 45 67 89 02")
    assert result.open_directly == household["other"]
    assert found(result) == [(household["other"], "Téléphone fixe")]


def test_filters_apply_to_both_phones(db, agents, household) -> None:  # type: ignore[no-untyped-def]
    agent = agents["agent"]
    two_wheeler = run(db, agent, "0145678901", filters=SearchFilters(product=Product.TWO_WHEELER))
    assert found(two_wheeler) == [(household["home"], "Téléphone fixe")]
    terminated = run(
        db, agent, "0145678901", filters=SearchFilters(contract_status=ContractStatus.TERMINATED)
    )
    assert found(terminated) == [(household["both"], "Téléphone mobile")]
    locked = run(db, agent, "0145678901", filters=SearchFilters(locked_account=True))
    assert found(locked) == [(household["mobile"], "Téléphone mobile")]
    nothing = run(db, agent, "0145678902", filters=SearchFilters(locked_account=True))
    assert nothing.hits == ()
    assert nothing.message == "Aucun dossier ne correspond."


@pytest.mark.parametrize("typed", ["01 45 67 89", "01 45 67 89 01 23", "00 45 67 89 01", "01\t45 67 89 01"])
def test_invalid_numbers_are_not_searched_as_phones(db, agents, household, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert result.kind is not QueryKind.PHONE
    assert result.hits == ()


def test_an_invalid_national_number_reads_as_unrecognised_once_it_found_nobody(db, agents, household) -> None:  # type: ignore[no-untyped-def]
    """The search box looks a national number up before asking phonenumbers whether it is valid: an invalid
    one that found nobody comes back exactly as if it had been checked first."""
    typed = "07 00 00 00 00"  # the national form, but no valid number
    with db.read(snapshot=False) as s:
        result = search(s, agents["agent"], typed)
    assert classify(typed).kind is QueryKind.UNRECOGNISED
    assert result.kind is QueryKind.UNRECOGNISED
    assert result.hits == ()
    assert result.message == lookup._MESSAGES[QueryKind.UNRECOGNISED]
    valid_but_unknown = run(db, agents["agent"], "06 99 99 99 98")
    assert (valid_but_unknown.kind, valid_but_unknown.message) == (
        QueryKind.PHONE,
        "Aucun dossier ne correspond.",
    )


def test_a_valid_number_is_not_checked_when_it_found_its_files(db, agents, household) -> None:  # type: ignore[no-untyped-def]
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("validity checked")

    with patch("phonenumbers.is_valid_number", refused):
        result = run(db, agents["agent"], "01 45 67 89 02")
    assert found(result) == [(household["other"], "Téléphone fixe")]


@settings(max_examples=300)
@given(
    st.from_regex(r"0?[0-9]{9}", fullmatch=True),
    st.lists(
        st.sampled_from(["", "", " ", ".", "-", "/", "(", ")", "\t", "_", "+"]), min_size=10, max_size=10
    ),
    st.sampled_from(["", " ", "(0)", "( 0 )", "+33 (0)", "00"]),
)
@example(digits="692123456", separators=[""] * 10, before="(0)")  # "0692…" would be La Réunion
@example(digits="0692123456", separators=[" ", "", " "] * 3 + [""], before="( 0 )")
@example(digits="0001234567", separators=[""] * 10, before="")  # a client number
def test_national_numbers_read_first_classify_as_before(
    digits: str, separators: list[str], before: str
) -> None:
    """Reading a national number before anything else changes no classification: no client or contract
    number, postcode, IBAN end or name is written that way."""
    typed = before + "".join(d + s for d, s in zip(digits, separators, strict=False))
    with patch("backoffice.workflows.lookup.national_phone", lambda text: None):
        in_full_order = classify(typed)
    assert classify(typed) == in_full_order


def test_search_filters_refuse_a_union_they_would_not_filter() -> None:
    """A WHERE added to a union filters nothing: a union must take the filters into each of its parts."""
    with pytest.raises(TypeError):
        lookup._filtered((lookup._BY_PHONE, {"v": "+33612345678"}), SearchFilters(locked_account=True))
