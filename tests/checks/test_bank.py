from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import BBAN

from backoffice.checks.bank import (
    check_iban,
    check_rib,
    format_iban,
    mask_iban,
    normalize_iban,
    rib_key,
)

# Examples of the SWIFT IBAN registry.
REGISTRY_EXAMPLES = [
    "FR1420041010050500013M02606",
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "BE68539007547034",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "MC5811222000010123456789030",
]


def literal_iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits computed here, independently of schwifty, to build test IBANs."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


@pytest.mark.parametrize("iban", REGISTRY_EXAMPLES)
def test_registry_examples_are_valid(iban: str) -> None:
    result = check_iban(iban)
    assert result.valid, result.reason
    assert result.iban == iban
    assert result.country_code == iban[:2]


def test_french_registry_example_embeds_a_valid_rib_with_a_letter() -> None:
    result = check_iban("FR1420041010050500013M02606")
    assert result.rib is not None
    rib = result.rib
    assert (rib.bank_code, rib.branch_code, rib.account_number, rib.key) == (
        "20041",
        "01005",
        "0500013M026",
        "06",
    )
    assert rib.valid and rib.expected_key == "06"
    assert result.bic == "PSSTFRPP"
    assert result.bank_name == "LA BANQUE POSTALE"


def test_foreign_iban_has_no_rib() -> None:
    result = check_iban("DE89370400440532013000")
    assert result.rib is None
    assert result.bic == "COBADEFFXXX"


def test_bank_unknown_to_the_registry_gives_none() -> None:
    result = check_iban("GB82WEST12345698765432")
    assert result.valid
    assert result.bank_name is None or isinstance(result.bank_name, str)


@pytest.mark.parametrize(
    "typed",
    [
        "FR14 2004 1010 0505 0001 3M02 606",
        "fr1420041010050500013m02606",
        "IBAN FR14 2004 1010 0505 0001 3M02 606",
        "iban: FR14-2004-1010-0505-0001-3M02-606",
        "  IBAN : FR14 2004 1010 0505 0001 3M02 606  ",
        "FR14\u00a02004\u00a01010\u00a00505\u00a00001\u00a03M02\u00a0606",
    ],
)
def test_any_spacing_case_and_prefix(typed: str) -> None:
    assert normalize_iban(typed) == "FR1420041010050500013M02606"
    assert check_iban(typed).valid


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "IBAN vide"),
        (None, "IBAN vide"),
        ("XX1420041010050500013M02606", "code pays « XX » inconnu"),
        ("FR142004101005050013M02606", "26 caractères au lieu de 27"),
        ("FR1420041010050500013M026066", "28 caractères au lieu de 27"),
        ("DE8937040044053201300", "21 caractères au lieu de 22"),
        ("FR1520041010050500013M02606", "modulo 97"),
        ("GB82WEST12345698765433", "modulo 97"),
        ("FR14 2004 1010 0505 0001 3M02 60*", "« * »"),
        ("FR14200410100505000130M2606", "modulo 97"),
    ],
)
def test_invalid_ibans_are_explained_in_french(typed: str | None, fragment: str) -> None:
    result = check_iban(typed)
    assert not result.valid
    assert result.reason is not None and fragment in result.reason


def test_iban_valid_mod_97_with_wrong_rib_key_is_refused() -> None:
    bban = "20041010050500013M02607"
    iban = "FR" + literal_iban_check_digits("FR", bban) + bban
    assert int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
    result = check_iban(iban)
    assert not result.valid
    assert result.reason == "clé RIB incorrecte : 07 saisie, 06 attendue pour ce compte — vérifiez la saisie"
    assert result.rib is not None and result.rib.expected_key == "06"


def test_bank_letters_in_structure_are_refused() -> None:
    bban = "2004A010050500013M02606"
    iban = "FR" + literal_iban_check_digits("FR", bban) + bban
    result = check_iban(iban)
    assert not result.valid
    assert result.reason is not None and "format incorrect" in result.reason


# -- RIB key --------------------------------------------------------------------------------------------


def test_rib_key_by_hand() -> None:
    # 89 × 30006 + 15 × 1 + 3 × 12345678901 = 37039707108; mod 97 = 8; key = 89.
    total = 89 * 30006 + 15 * 1 + 3 * 12345678901
    assert total % 97 == 8
    assert rib_key("30006", "00001", "12345678901") == "89"


def test_rib_key_with_letters_by_hand() -> None:
    # M -> 4: account 0500013M026 reads 05000134026.
    total = 89 * 20041 + 15 * 1005 + 3 * 5000134026
    assert rib_key("20041", "01005", "0500013M026") == f"{97 - total % 97:02d}" == "06"
    assert rib_key("20041", "01005", "0500013m026") == "06"


def test_letters_map_as_published() -> None:
    for letters, digit in [("AJ", "1"), ("BKS", "2"), ("CLT", "3"), ("DMU", "4"), ("ENV", "5")]:
        for letter in letters:
            assert rib_key("12345", "67890", "0000000000" + letter) == rib_key(
                "12345", "67890", "0000000000" + digit
            )
    for letters, digit in [("FOW", "6"), ("GPX", "7"), ("HQY", "8"), ("IRZ", "9")]:
        for letter in letters:
            assert rib_key("12345", "67890", letter + "0000000000") == rib_key(
                "12345", "67890", digit + "0000000000"
            )


def test_rib_key_can_be_97() -> None:
    # 89 × 97 + 15 × 0 + 3 × 0 is a multiple of 97: the key is 97, never 00.
    assert rib_key("00097", "00000", "00000000000") == "97"


def test_malformed_rib_parts_are_refused() -> None:
    with pytest.raises(ValueError, match="RIB mal formé"):
        rib_key("2004", "01005", "0500013M026")


def test_check_rib_typed_field_by_field() -> None:
    assert check_rib("30006", "00001", "12345678901", "89").valid
    wrong = check_rib("30006", "00001", "12345678901", "88")
    assert wrong.reason == "clé RIB incorrecte : 88 saisie, 89 attendue pour ce compte — vérifiez la saisie"
    malformed = check_rib("3000", "0000A", "123", "8")
    assert malformed.reason is not None
    for fragment in ("code banque", "code guichet", "numéro de compte", "clé RIB"):
        assert fragment in malformed.reason
    assert malformed.expected_key is None


_ACCOUNT_CHARS = string.digits + string.ascii_uppercase


@given(
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=_ACCOUNT_CHARS, min_size=11, max_size=11),
)
def test_rib_key_agrees_with_schwifty_national_checksum(bank: str, branch: str, account: str) -> None:
    bban = BBAN("FR", bank + branch + account + rib_key(bank, branch, account))
    assert bban.validate_national_checksum()


@given(
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=string.digits, min_size=11, max_size=11),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(string.digits),
)
def test_one_wrong_digit_breaks_the_rib_key(
    bank: str, branch: str, account: str, position: int, digit: str
) -> None:
    rib = bank + branch + account
    if rib[position] == digit:
        return
    altered = rib[:position] + digit + rib[position + 1 :]
    assert rib_key(altered[:5], altered[5:10], altered[10:]) != rib_key(bank, branch, account)


@given(
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=string.digits, min_size=5, max_size=5),
    st.text(alphabet=_ACCOUNT_CHARS, min_size=11, max_size=11),
)
def test_any_french_iban_built_from_a_good_rib_is_valid(bank: str, branch: str, account: str) -> None:
    bban = bank + branch + account + rib_key(bank, branch, account)
    iban = "FR" + literal_iban_check_digits("FR", bban) + bban
    result = check_iban(format_iban(iban).lower())
    assert result.valid, result.reason


# -- display --------------------------------------------------------------------------------------------


def test_format_iban_groups_of_four() -> None:
    assert format_iban("fr7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert format_iban("IBAN DE89 3704 0044 0532 0130 00") == "DE89 3704 0044 0532 0130 00"


def test_mask_iban_shows_only_the_last_four() -> None:
    assert mask_iban("FR76 3000 6000 0112 3456 7890 189") == "•••• •••• •••• •••• •••• •••0 189"
    assert mask_iban("DE89370400440532013000") == "•••• •••• •••• •••• ••30 00"


def test_mask_iban_short_input_never_shows_more_than_half() -> None:
    assert mask_iban("12345678") == "•••• 5678"
    assert mask_iban("1234") == "••34"
    assert mask_iban("") == ""


@given(st.text(alphabet=_ACCOUNT_CHARS, min_size=9, max_size=34))
def test_mask_hides_all_but_four_characters(iban: str) -> None:
    masked = mask_iban(iban).replace(" ", "")
    assert len(masked) == len(iban)
    assert sum(c != "•" for c in masked) == 4
    assert masked[-4:] == iban[-4:]
