"""The one search box, on SQLite and PostgreSQL: every kind of input, hostile ones included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import ContractStatus, Customer, LockReason, Product
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import (
    MatchKind,
    QueryKind,
    SearchFilters,
    classify,
    name_readings,
    search,
    within_one_edit,
)
from tests.factories import make_account, make_contract, make_customer


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    """A small town: namesakes, accents, hyphens, a typo away from each other."""
    with db.write() as s:
        now = db.clock.now()
        ids = {
            "marie": make_customer(
                s,
                client_number="TI0001234567",
                last_name="Dupont",
                first_names="Marie",
                email="Marie.Dupont@Example.fr",
                phone_mobile="+33612345678",
                phone_home="+33149153300",
                postcode="93130",
                iban="FR1420041010050500013M02606",
                last_activity_at=now - timedelta(days=3),
            ).id,
            "marie_recent": make_customer(
                s,
                last_name="Dupont",
                first_names="Marie",
                birth_date=date(1990, 1, 2),
                phone_mobile="+33611111111",
                postcode="75011",
                iban=None,
                last_activity_at=now - timedelta(hours=1),
            ).id,
            "jp": make_customer(
                s,
                last_name="Dupont",
                first_names="Jean-Pierre",
                phone_mobile="+33622222222",
                postcode="75011",
                iban=None,
            ).id,
            "lefevre": make_customer(
                s, last_name="Lefèvre", first_names="Hélène", phone_mobile="+33633333333", iban=None
            ).id,
            "dupontel": make_customer(
                s, last_name="Dupontel", first_names="Albert", phone_mobile="+33644444444", iban=None
            ).id,
            "percent": make_customer(
                s, last_name="Martin", first_names="Paul", phone_mobile="+33655555555", iban=None
            ).id,
        }
        make_contract(s, s.get_one(Customer, ids["marie"]), number="AUT0007654321")
        jp = s.get_one(Customer, ids["jp"])
        make_contract(s, jp, product=Product.TWO_WHEELER, status=ContractStatus.TERMINATED)
        make_account(s, s.get_one(Customer, ids["lefevre"]), locked=LockReason.FAILED_LOGINS)
    return ids


def run(db: Database, actor: Actor, text: str, **kw):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return search(s, actor, text, **kw)


def ids_of(result) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.customer_id for h in result.hits]


@pytest.mark.parametrize(
    "typed", ["TI0001234567", "ti 000 1234567", "1234567", "TI 1234567", " ti0001234567 "]
)
def test_client_number_in_any_spelling_opens_the_file(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert result.open_directly == people["marie"]
    assert result.hits[0].reason == "Numéro client"


def test_contract_number_finds_its_holder(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "aut 000 7654321")
    assert result.open_directly == people["marie"]
    assert result.hits[0].match is MatchKind.CONTRACT_NUMBER
    assert "AUT0007654321" in result.hits[0].reason


def test_email_is_case_insensitive(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "  MARIE.dupont@example.FR ")
    assert result.open_directly == people["marie"]
    assert result.hits[0].reason == "E-mail"


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78"])
def test_mobile_phone_in_any_format(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert result.open_directly == people["marie"]
    assert result.hits[0].reason == "Téléphone mobile"


def test_home_phone(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "01 49 15 33 00")
    assert ids_of(result) == [people["marie"]]
    assert result.hits[0].reason == "Téléphone fixe"


def test_postcode_lists_its_residents_by_name(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "75011")
    assert result.kind is QueryKind.POSTCODE
    assert ids_of(result) == [people["jp"], people["marie_recent"]]


@pytest.mark.parametrize("typed", ["2606", "iban 2606", "*2606", "FR14 2004 1010 0505 0001 3M02 606"])
def test_end_of_iban(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert ids_of(result) == [people["marie"]]
    assert "IBAN" in result.hits[0].reason
    assert "FR14" not in result.hits[0].reason


def test_name_finds_namesakes_newest_activity_first_then_longer_names(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "dupont")
    assert ids_of(result) == [people["jp"], people["marie_recent"], people["marie"], people["dupontel"]]
    assert [h.match for h in result.hits][-1] is MatchKind.NAME_PREFIX
    assert result.hits[0].reason == "Nom"
    assert result.hits[-1].reason == "Début du nom"


@pytest.mark.parametrize("typed", ["DUPONT Marie", "marie dupont", "Dupont  mar"])
def test_last_and_first_names_in_either_order(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert ids_of(result) == [people["marie_recent"], people["marie"]]
    assert result.hits[0].reason == "Nom et prénom"


def test_hyphenated_first_names(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    for typed in ("jean-pierre dupont", "Jean Pierre DUPONT", "dupont jean-p"):
        assert ids_of(run(db, agents["agent"], typed)) == [people["jp"]]


@pytest.mark.parametrize("typed", ["Lefevre", "LEFÈVRE", "lefèv", "lefevre helene"])
def test_accents_and_case_do_not_matter(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    assert ids_of(run(db, agents["agent"], typed)) == [people["lefevre"]]


@pytest.mark.parametrize("typed", ["Dupond", "Dupnot", "Dupontt", "Lefebvre", "lefvre"])
def test_one_typo_is_tolerated_and_explained(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert result.hits, typed
    assert all(h.match is MatchKind.NAME_TYPO for h in result.hits)
    assert "une lettre près" in result.hits[0].reason


def test_typo_keeps_the_first_name_filter(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    assert ids_of(run(db, agents["agent"], "dupond marie")) == [people["marie_recent"], people["marie"]]


def test_two_typos_find_nothing(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    assert run(db, agents["agent"], "Dupanx").hits == ()


def test_renamed_customer_is_found_under_the_new_name_with_a_typo(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        c = s.get_one(Customer, people["percent"])
        c.last_name, c.last_name_key = "Schœlcher", "schoelcher"
    assert ids_of(run(db, agents["agent"], "Schoelcer")) == [people["percent"]]


def test_filters(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    agent = agents["agent"]
    assert ids_of(run(db, agent, "dupont", filters=SearchFilters(product=Product.TWO_WHEELER))) == [
        people["jp"]
    ]
    assert ids_of(run(db, agent, "dupont", filters=SearchFilters(contract_status=ContractStatus.ACTIVE))) == [
        people["marie"]
    ]
    assert ids_of(run(db, agent, "lef", filters=SearchFilters(locked_account=True))) == [people["lefevre"]]
    assert run(db, agent, "dupont", filters=SearchFilters(locked_account=True)).hits == ()


def test_limit_says_there_is_more(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], "dupont", limit=2)
    assert len(result.hits) == 2 and result.more


HOSTILE = [
    "",
    "   ",
    "\t\n",
    "x" * 500,
    "' OR 1=1 --",
    "%",
    "_",
    "%%",
    "dup%",
    "d_pont",
    "🙂",
    "Dupont 🙂",
    "'; DROP TABLE customer; --",
    "\\",
    "@",
    "a" * 81,
    "\x00",
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_input_finds_nothing_and_never_fails(db, agents, people, typed) -> None:  # type: ignore[no-untyped-def]
    result = run(db, agents["agent"], typed)
    assert result.hits == ()
    assert result.message


def test_literal_underscore_name_is_not_a_wildcard(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    """ "d_pont" is read as the words "d pont", never as the LIKE pattern d?pont."""
    assert run(db, agents["agent"], "d_pont").hits == ()


def test_search_needs_the_right(db, agents, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied), db.read() as s:
        search(s, agents["admin"], "dupont")


def test_classification_is_pure() -> None:
    assert classify("dupont").kind is QueryKind.NAME
    assert classify("93130").kind is QueryKind.POSTCODE
    assert classify("06 12 34 56 78").kind is QueryKind.PHONE
    assert classify("a@b.fr").kind is QueryKind.EMAIL
    assert classify("x" * 500).kind is QueryKind.TOO_LONG
    assert classify("' OR 1=1 --").kind is QueryKind.UNRECOGNISED
    assert len(name_readings(["jean", "pierre", "dupont"])) == 5


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("dupont", "dupond", True),
        ("dupont", "dupnot", True),
        ("dupont", "dupon", True),
        ("dupont", "duppont", True),
        ("dupont", "dupont", True),
        ("dupont", "dupanx", False),
        ("xab", "abx", False),
        ("dupont", "dupontel", False),
    ],
)
def test_within_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


def test_start_of_a_name_with_first_names_puts_the_exact_name_first(db, agents) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        longer = make_customer(s, last_name="Dupontel", first_names="Marie", iban=None).id
        exact = make_customer(s, last_name="Dupont", first_names="Marie-Claire", iban=None).id
        other = make_customer(s, last_name="Dupont", first_names="Paul", iban=None).id
        breton = make_customer(s, last_name="Le Bihan", first_names="Patricia", iban=None).id
    result = run(db, agents["agent"], "DUPONT marie")
    assert ids_of(result) == [exact, longer]
    assert [h.match for h in result.hits] == [MatchKind.NAME_EXACT, MatchKind.NAME_PREFIX]
    assert ids_of(run(db, agents["agent"], "dup marie")) == [exact, longer]
    assert other not in ids_of(run(db, agents["agent"], "dupont ma"))
    assert ids_of(run(db, agents["agent"], "LE BIHAN Patricia")) == [breton]
    assert ids_of(run(db, agents["agent"], "patricia le bihan")) == [breton]
