"""Whatever an agent types for a client or contract number, lookup gets one canonical form or nothing."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks import identifiers
from backoffice.checks.identifiers import (
    ContractProduct,
    IdentifierCandidate,
    IdentifierKind,
    classify_identifier,
    format_client_number,
    format_contract_number,
    normalize_client_number,
    normalize_contract_number,
)

GARBAGE = [
    "",
    "   ",
    "TI",
    "AUT",
    "123456",
    "12345678",
    "123456789",
    "1234567890",  # 10 digits without the 000 filler
    "TI00012345678",
    "TI000123456",
    "TI0011234567",
    "XX0001234567",
    "IT0001234567",
    "TI000123456A",
    "TIO001234567",
    "AUT00012345678",
    "AUTO0001234567",
    "CAR0001234567",
    "1234567TI",
    "TI 000 1234567 TI",
    "🚗",
    "TI000🚗1234567",
    "TI000١٢٣٤٥٦٧",  # Arabic-Indic digits
    "TI0001234567\x00",
    "'; DROP TABLE customers; --",
    "1234567' OR '1'='1",
    "TI0001234567; DELETE FROM contracts",
    "%",
    "TI000%",
    "*",
    "1" * 500,
    "TI0001234567" + " " * 500,
    "a" * 500,
    "<script>alert(1)</script>",
    "N° TI0001234567",
]


@pytest.mark.parametrize(
    "typed",
    [
        "TI0001234567",
        "ti0001234567",
        "1234567",
        "0001234567",
        "TI1234567",
        "ti 000 1234567",
        "TI 000 123 45 67",
        "TI-000-1234567",
        "ti.000.1234567",
        "  TI0001234567  ",
        "TI\u00a0000\u202f1234567",  # no-break spaces pasted from a letter
        "TI\t000\n1234567",
        "ＴＩ０００１２３４５６７",  # full-width, pasted from a PDF
        "Ti000 1234567",
        "123-45-67",
    ],
)
def test_client_number_spellings(typed: str) -> None:
    assert normalize_client_number(typed) == "TI0001234567"


@pytest.mark.parametrize("garbage", GARBAGE)
def test_client_number_garbage(garbage: str) -> None:
    assert normalize_client_number(garbage) is None


def test_client_number_filler_zeros_are_kept_apart_from_the_serial() -> None:
    assert normalize_client_number("0000001") == "TI0000000001"
    assert normalize_client_number("0000000001") == "TI0000000001"
    assert normalize_client_number("TI0000000000") == "TI0000000000"


def test_contract_numbers_are_not_client_numbers() -> None:
    assert normalize_client_number("AUT0001234567") is None
    assert normalize_client_number("MOT0001234567") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AUT0001234567", "AUT0001234567"),
        ("aut0001234567", "AUT0001234567"),
        ("AUT1234567", "AUT0001234567"),
        ("aut 000 123 45 67", "AUT0001234567"),
        ("AUT-000-1234567", "AUT0001234567"),
        ("  aut1234567 ", "AUT0001234567"),
        ("MOT0007654321", "MOT0007654321"),
        ("mot 7654321", "MOT0007654321"),
        ("Mot-000-765-43-21", "MOT0007654321"),
        ("ＡＵＴ０００１２３４５６７", "AUT0001234567"),
    ],
)
def test_contract_number_spellings(typed: str, expected: str) -> None:
    assert normalize_contract_number(typed) == expected


@pytest.mark.parametrize("ambiguous", ["1234567", "0001234567", "TI0001234567", "000 123 45 67"])
def test_contract_number_needs_its_product_prefix(ambiguous: str) -> None:
    assert normalize_contract_number(ambiguous) is None


@pytest.mark.parametrize("garbage", GARBAGE)
def test_contract_number_garbage(garbage: str) -> None:
    assert normalize_contract_number(garbage) is None


def test_non_string_input_is_not_an_identifier() -> None:
    assert normalize_client_number(None) is None  # type: ignore[arg-type]
    assert normalize_contract_number(1234567) is None  # type: ignore[arg-type]
    assert classify_identifier(b"TI0001234567") == ()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "expected"), [(1234567, "TI0001234567"), (1, "TI0000000001"), (0, "TI0000000000")]
)
def test_format_client_number(n: int, expected: str) -> None:
    assert format_client_number(n) == expected
    assert len(expected) == 12


@pytest.mark.parametrize(
    ("product", "n", "expected"),
    [
        (ContractProduct.CAR, 1234567, "AUT0001234567"),
        (ContractProduct.TWO_WHEELER, 42, "MOT0000000042"),
        ("AUT", 9_999_999, "AUT0009999999"),
        ("mot", 1, "MOT0000000001"),
    ],
)
def test_format_contract_number(product: ContractProduct | str, n: int, expected: str) -> None:
    assert format_contract_number(product, n) == expected


@pytest.mark.parametrize("n", [-1, 10_000_000, True, 1.0, "1234567"])
def test_format_refuses_out_of_range_or_non_integer(n: object) -> None:
    with pytest.raises(ValueError, match="hors limites"):
        format_client_number(n)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hors limites"):
        format_contract_number(ContractProduct.CAR, n)  # type: ignore[arg-type]


@pytest.mark.parametrize("product", ["VEL", "", "AUTO", "TI"])
def test_format_contract_refuses_unknown_product(product: str) -> None:
    with pytest.raises(ValueError, match="Produit inconnu"):
        format_contract_number(product, 1)


def test_classify_bare_digits_could_be_anything() -> None:
    expected = (
        IdentifierCandidate(IdentifierKind.CLIENT_NUMBER, "TI0001234567"),
        IdentifierCandidate(IdentifierKind.CAR_CONTRACT, "AUT0001234567"),
        IdentifierCandidate(IdentifierKind.TWO_WHEELER_CONTRACT, "MOT0001234567"),
    )
    assert classify_identifier("1234567") == expected
    assert classify_identifier("000 123 45 67") == expected


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("ti 000 1234567", IdentifierKind.CLIENT_NUMBER, "TI0001234567"),
        ("TI1234567", IdentifierKind.CLIENT_NUMBER, "TI0001234567"),
        ("aut1234567", IdentifierKind.CAR_CONTRACT, "AUT0001234567"),
        ("MOT 000 1234567", IdentifierKind.TWO_WHEELER_CONTRACT, "MOT0001234567"),
    ],
)
def test_classify_prefixed_identifiers_are_unambiguous(typed: str, kind: IdentifierKind, value: str) -> None:
    assert classify_identifier(typed) == (IdentifierCandidate(kind, value),)


@pytest.mark.parametrize("garbage", GARBAGE)
def test_classify_garbage(garbage: str) -> None:
    assert classify_identifier(garbage) == ()


serials = st.integers(min_value=0, max_value=9_999_999)


@given(serials)
def test_formatted_numbers_are_fixed_points_of_normalisation(n: int) -> None:
    client = format_client_number(n)
    assert re.fullmatch(r"TI000[0-9]{7}", client)
    assert normalize_client_number(client) == client
    assert normalize_client_number(client.lower()) == client
    for product in ContractProduct:
        contract = format_contract_number(product, n)
        assert len(contract) == 13
        assert normalize_contract_number(contract) == contract
        assert normalize_contract_number(" ".join(contract.lower())) == contract
        assert normalize_client_number(contract) is None


@given(st.text(max_size=80))
def test_arbitrary_text_never_raises_and_results_are_canonical(text: str) -> None:
    client = normalize_client_number(text)
    contract = normalize_contract_number(text)
    assert client is None or re.fullmatch(r"TI000[0-9]{7}", client)
    assert contract is None or re.fullmatch(r"(AUT|MOT)000[0-9]{7}", contract)
    assert not (client and contract)
    candidates = classify_identifier(text)
    assert bool(candidates) == bool(client or contract)
    assert all(re.fullmatch(r"(TI|AUT|MOT)000[0-9]{7}", c.value) for c in candidates)


@given(st.text(alphabet="0123456789 -.tiTIautAUTmotMOT", max_size=30))
def test_classification_agrees_with_normalisation(text: str) -> None:
    kinds = {c.kind for c in classify_identifier(text)}
    assert (IdentifierKind.CLIENT_NUMBER in kinds) == (normalize_client_number(text) is not None)
    contract = normalize_contract_number(text)
    if contract is not None:
        assert [c.value for c in classify_identifier(text)] == [contract]


def test_separator_table_removes_exactly_what_the_separator_pattern_matches() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert every.translate(identifiers._SEPARATOR_TABLE) == identifiers._SEPARATORS.sub("", every)
