from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backoffice.checks.phone import (
    _OVERSEAS_PREFIXES,
    _TRUNK_ZERO,
    _french_national,
    format_phone_fr,
    looks_like_phone,
    national_phone,
    national_phone_unchecked,
    normalize_phone,
)


@pytest.mark.parametrize(
    "typed",
    [
        "01 49 15 33 00",
        "0149153300",
        "01.49.15.33.00",
        "01-49-15-33-00",
        "01/49/15/33/00",
        "+33 1 49 15 33 00",
        "+33149153300",
        "+33 (0)1 49 15 33 00",
        "+33(0)149153300",
        "0033 1 49 15 33 00",
        "00 33 1 49 15 33 00",
        "  01 49 15 33 00  ",
        "(01) 49 15 33 00",
    ],
)
def test_centre_number_in_every_format(typed: str) -> None:
    assert normalize_phone(typed) == "+33149153300"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07 81 23 45 67", "+33781234567"),
        ("09 70 12 34 56", "+33970123456"),
        ("0800 12 34 56", "+33800123456"),
        ("0262 12 34 56", "+262262123456"),
        ("0692 12 34 56", "+262692123456"),
        ("+262 692 12 34 56", "+262692123456"),
        ("0269 61 12 34", "+262269611234"),
        ("0590 27 12 34", "+590590271234"),
        ("0690 12 34 56", "+590690123456"),
        ("0596 30 12 34", "+596596301234"),
        ("0696 20 12 34", "+596696201234"),
        ("0639 01 23 45", "+262639012345"),
        ("0594 20 12 34", "+594594201234"),
        ("0694 20 12 34", "+594694201234"),
        ("+687 26 12 34", "+687261234"),
        ("+689 87 12 34 56", "+68987123456"),
        ("+49 30 1234567", "+49301234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0049 30 1234567", "+49301234567"),
    ],
)
def test_french_overseas_and_foreign_numbers(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


def test_other_scripts_digits_read_as_their_ascii_twins() -> None:
    """The overseas prefix is read from the digits phonenumbers reads, whatever script they are typed in."""
    assert normalize_phone("059\u0666 30 12 34") == normalize_phone("0596 30 12 34") == "+596596301234"
    assert normalize_phone("06 \u0661\u0662 34 56 78") == "+33612345678"


@pytest.mark.parametrize(
    "typed", ["", "   ", None, "01 49 15", "1234", "abc", "00 00 00 00 00", "+33 1 49 15 33 00 00"]
)
def test_invalid_numbers_give_none(typed: str | None) -> None:
    assert normalize_phone(typed) is None


def test_other_default_region() -> None:
    assert normalize_phone("030 1234567", default_region="DE") == "+49301234567"
    assert normalize_phone("01 49 15 33 00", default_region="DE") is None


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+33149153300", "01 49 15 33 00"),
        ("+33612345678", "06 12 34 56 78"),
        ("+262692123456", "0692 12 34 56"),
        ("+590590271234", "0590 27 12 34"),
        ("+596596301234", "0596 30 12 34"),
        ("+594694201234", "0694 20 12 34"),
        ("+49301234567", "+49 30 1234567"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+687261234", "+687 26.12.34"),
        ("+68987123456", "+689 87 12 34 56"),
    ],
)
def test_display(e164: str, shown: str) -> None:
    assert format_phone_fr(e164) == shown


def test_display_of_non_numbers_is_unchanged() -> None:
    assert format_phone_fr("inconnu") == "inconnu"
    assert format_phone_fr("") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01 49 15 33 00", True),
        ("+33 6 12 34 56 78", True),
        ("06.12.34.56.78", True),
        ("TI0001234567", False),
        ("AUT0001234567", False),
        ("0001234567", False),
        ("Dupont", False),
        ("06 12", False),
        ("", False),
        (None, False),
    ],
)
def test_looks_like_phone(text: str | None, expected: bool) -> None:
    assert looks_like_phone(text) is expected


@given(st.from_regex(r"0[1-79]\d{8}", fullmatch=True), st.sampled_from([" ", ".", "-", ""]))
def test_french_numbers_survive_any_separator_and_display_round_trip(digits: str, separator: str) -> None:
    e164 = normalize_phone(digits)
    typed = separator.join(digits[i : i + 2] for i in range(0, 10, 2))
    assert normalize_phone(typed) == e164
    if e164 is not None:
        assert normalize_phone(format_phone_fr(e164)) == e164


# --- the fast path for national numbers reads exactly what phonenumbers' full parse reads --------------------


def _parsed_in_full(raw: str) -> str | None:
    """normalize_phone as it was before its fast path: always phonenumbers' generic parse."""
    if not raw.strip():
        return None
    text = re.sub(r"\(\s*0\s*\)", "", raw.strip())
    region = "FR"
    national = re.sub(r"\D", "", text)
    if not text.startswith("+") and re.fullmatch(r"0\d{9}", national):
        region = _OVERSEAS_PREFIXES.get(national[1:4], "FR")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Separators the fast path takes, and characters it leaves to the full parse (tab, no-break space, letters…).
_SEPARATORS = st.sampled_from(
    ["", "", " ", "  ", ".", "-", "/", "(", ")", " - ", "\t", "\u00a0", "x", "+", "*"]
)


# What agents type around a national number's digits.
_AROUND = st.sampled_from([("", ""), ("  ", " "), ("(", ")"), ("(0)", ""), ("+33 (0)", "")])


def _national_e164(typed: str) -> str | None:
    """What reading the whole text as a national number gives, formatted by phonenumbers itself."""
    number = _french_national(_TRUNK_ZERO.sub("", typed.strip()))
    return None if number is None else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _typed(digits: str, separators: list[str]) -> str:
    return "".join(d + s for d, s in zip(digits, [*separators, ""], strict=False))


@settings(max_examples=400)
@given(
    st.from_regex(r"0[0-9]{9}", fullmatch=True),
    st.lists(_SEPARATORS, min_size=9, max_size=9),
    _AROUND,
)
def test_fast_path_reads_every_national_number_as_the_full_parse(
    digits: str, separators: list[str], around: tuple[str, str]
) -> None:
    typed = around[0] + _typed(digits, separators) + around[1]
    assert normalize_phone(typed) == _parsed_in_full(typed)


def test_fast_path_reads_every_prefix_as_the_full_parse() -> None:
    """Every "0x yz" prefix (overseas departments included), each with a few endings, every usual separator."""
    endings = ["000000", "123456", "999999", "270123"]
    for prefix in range(1000):
        for ending in endings:
            digits = f"0{prefix:03d}{ending}"
            for separator in ("", " ", ".", "\t", "\u00a0"):
                typed = _typed(digits, [separator, "", separator, "", separator, "", separator, "", ""])
                assert normalize_phone(typed) == _parsed_in_full(typed), typed
    for prefix in _OVERSEAS_PREFIXES:
        for typed in (
            f"0{prefix} 12 34 56",
            f"0{prefix}.27.12.34",
            f"(0{prefix}) 20-12-34",
            f"+33 (0){prefix}123456",
        ):
            assert normalize_phone(typed) == _parsed_in_full(typed), typed


def test_national_numbers_skip_the_generic_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common form costs a lookup no generic parse; the others still get it."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("phonenumbers.parse called")

    monkeypatch.setattr(phonenumbers, "parse", refused)
    assert normalize_phone("06 12 34 56 78") == "+33612345678"
    assert normalize_phone("0692.12.34.56") == "+262692123456"
    with pytest.raises(AssertionError):
        normalize_phone("+33 6 12 34 56 78")


@settings(max_examples=400)
@given(
    st.from_regex(r"0?[0-9]{9,10}", fullmatch=True),
    st.lists(_SEPARATORS, min_size=10, max_size=10),
    _AROUND,
)
def test_unchecked_national_form_is_the_checked_one_whenever_the_number_is_valid(
    digits: str, separators: list[str], around: tuple[str, str]
) -> None:
    """Without phonenumbers' validity check, the same E.164 text for every valid number, and some text exactly
    when the checked reading also reads the national form (valid or not)."""
    typed = around[0] + _typed(digits, separators) + around[1]
    unchecked = national_phone_unchecked(typed)
    checked = national_phone(typed)
    if checked is not None:
        assert unchecked == checked
    assert unchecked == _national_e164(typed)  # None exactly when the national form is not read


def test_unchecked_national_form_of_every_prefix() -> None:
    for prefix in range(1000):
        typed = f"0{prefix:03d} 12 34 56"
        assert national_phone_unchecked(typed) == _national_e164(typed), typed
    assert national_phone_unchecked("0692 12 34 56") == "+262692123456"
    assert national_phone_unchecked("0812345678") == "+33812345678"
    assert national_phone_unchecked("+33 6 12 34 56 78") is None  # not the national form
    assert national_phone_unchecked("00 12 34 56 78") is None


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("0123456789 .-/()+\tabT\u00a0"), max_size=20))
@example("(0)0612345678")
@example(".06 12 34 56 78")
@example("-0612345678")
@example(")0612345678")
@example("/06/12/34/56/78")
@example("  06 12 34 56 78  ")
@example("+33 (0)6 12 34 56 78")
@example("\t0612345678")
def test_unchecked_national_form_skips_only_text_that_cannot_be_one(typed: str) -> None:
    """The first-character shortcut changes nothing: the same as reading every text in full."""
    assert national_phone_unchecked(typed) == _national_e164(typed)
