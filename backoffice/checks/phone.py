"""Phone numbers: one stored form (E.164) whatever the agent typed, French display for French numbers.

Overseas departments share the French national numbering plan ("0692…" reaches La Réunion from Paris) but
have their own country codes, so a national number is read with the region its prefix belongs to.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

# Overseas departments dialled from France with a leading 0 (ARCEP plan): the prefix says which one.
# phonenumbers cannot tell, as some of these ranges also read as valid +33 numbers.
_OVERSEAS_PREFIXES = {
    **dict.fromkeys(("262", "263", "692", "693"), "RE"),
    **dict.fromkeys(("269", "639"), "YT"),
    **dict.fromkeys(("590", "690", "691"), "GP"),
    **dict.fromkeys(("596", "696", "697"), "MQ"),
    **dict.fromkeys(("594", "694"), "GF"),
}
_FRENCH_PLAN_COUNTRY_CODES = frozenset({33, 262, 590, 594, 596})
_COUNTRY_CODES = {
    region: phonenumbers.country_code_for_region(region) for region in {"FR", *_OVERSEAS_PREFIXES.values()}
}
_PHONE_CHARACTERS = re.compile(r"[+\d\s.\-/()]+")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_NATIONAL = re.compile(r"0[0-9]{9}")
# What separates the digits of a national number as agents type it, and only that: phonenumbers reads other
# characters (tabs, letters, "+") its own way, so those numbers take its full parse.
_PLAIN_SEPARATORS = str.maketrans("", "", " .-/()")
# How "06 12 34 56 78" can start once stripped: its trunk 0, or a separator the digits are read without. Text
# starting otherwise (a letter, "+", another digit) is no national number: the search box skips reading it.
_NATIONAL_FIRST = frozenset("0.-/()")


def normalize_phone(raw: str | None, default_region: str = "FR") -> str | None:
    """E.164 form ("+33149153300") of a typed number, or None when it is not a valid number."""
    if not raw or not raw.strip():
        return None
    text = _without_trunk_zero(raw.strip())
    if default_region == "FR" and (number := _french_national(text)) is not None:
        return _e164(number)
    region = default_region
    # The digits as phonenumbers reads them, whatever their script ("٠٦" is "06").
    national = phonenumbers.normalize_digits_only(text)
    if default_region == "FR" and not text.startswith("+") and _NATIONAL.fullmatch(national):
        region = _OVERSEAS_PREFIXES.get(national[1:4], "FR")
    try:
        return _e164(phonenumbers.parse(text, region))
    except NumberParseException:
        return None


def national_phone(text: str) -> str | None:
    """E.164 form of a French national number as agents type it ("06 12 34 56 78"), None for any other text
    (which ``normalize_phone`` may still read) or an invalid number.

    The search box asks it first: such text can be nothing else (no client or contract number, postcode, IBAN
    end or name is written that way), and skipping the other readings matters at every keystroke.
    """
    number = _french_national(_without_trunk_zero(text.strip()))
    return None if number is None else _e164(number)


def national_phone_unchecked(text: str) -> str | None:
    """The E.164 form of text written as a French national number ("06 12 34 56 78"), without asking
    phonenumbers whether the number is valid (``national_phone`` does; that costs more than the search box's
    whole exact lookup). For a search, which checks only when nothing matched: a stored number is valid."""
    text = text.strip()
    if text[:1] not in _NATIONAL_FIRST:
        return None
    digits = _national_digits(_without_trunk_zero(text))
    if digits is None:
        return None
    return f"+{_COUNTRY_CODES[_OVERSEAS_PREFIXES.get(digits[1:4], 'FR')]}{digits[1:]}"


def _without_trunk_zero(text: str) -> str:
    """The text without the "(0)" of "+33 (0)6 12…" (only text with a parenthesis can hold one: most is spared
    the pattern)."""
    return _TRUNK_ZERO.sub("", text) if "(" in text else text


def _national_digits(text: str) -> str | None:
    """The ten digits of "06 12 34 56 78": a trunk 0 then the national significant number; None otherwise."""
    digits = text.translate(_PLAIN_SEPARATORS)
    if (
        len(digits) != 10
        or digits[0] != "0"
        or digits[1] == "0"
        or not (digits.isascii() and digits.isdigit())
    ):
        return None  # "00…" is an international prefix to phonenumbers
    return digits


def _french_national(text: str) -> phonenumbers.PhoneNumber | None:
    """The number of "06 12 34 56 78", the form agents type most, read without phonenumbers' generic parse
    (22 µs of the 42 a number cost): ten digits, a trunk 0 then the national significant number, whose region
    the prefix says. It is exactly what ``phonenumbers.parse`` reads (tests/checks/test_phone.py proves it);
    anything else returns None and takes the full parse.
    """
    digits = _national_digits(text)
    if digits is None:
        return None
    region = _OVERSEAS_PREFIXES.get(digits[1:4], "FR")
    return phonenumbers.PhoneNumber(country_code=_COUNTRY_CODES[region], national_number=int(digits[1:]))


def _e164(number: phonenumbers.PhoneNumber) -> str | None:
    """The number's E.164 form when phonenumbers holds it valid."""
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone_fr(e164: str) -> str:
    """How a French agent reads a number: "01 49 15 33 00" in the national plan, "+49 30 123456" abroad.

    Text that is not a phone number is returned unchanged, so a display never fails on old data.
    """
    try:
        number = phonenumbers.parse(e164, "FR")
    except NumberParseException:
        return e164
    if not phonenumbers.is_possible_number(number):
        return e164
    if number.country_code in _FRENCH_PLAN_COUNTRY_CODES:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def searched_phone(text: str | None) -> str | None:
    """The E.164 number a search text is, or None when it is a name, a client or contract number…"""
    if not text or not _PHONE_CHARACTERS.fullmatch(text.strip()):
        return None
    return normalize_phone(text)


def looks_like_phone(text: str | None) -> bool:
    """Whether a search text is a phone number rather than a name, client or contract number."""
    return searched_phone(text) is not None
