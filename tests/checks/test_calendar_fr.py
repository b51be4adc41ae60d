"""Deadlines a handler sees: a wrong holiday shifts a "late declaration" flag by days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks.calendar_fr import (
    DECLARATION_WORKING_DAYS,
    DEFAULT_RULES,
    THEFT_DECLARATION_WORKING_DAYS,
    HolidayRules,
    add_working_days,
    declaration_deadline,
    easter_sunday,
    holiday_name,
    is_declaration_late,
    is_public_holiday,
    is_working_day,
    natural_disaster_declaration_deadline,
    public_holidays,
    working_days_between,
)

ALSACE = HolidayRules(alsace_moselle=True)
NO_WHIT_MONDAY = HolidayRules(whit_monday=False)

# Western (Gregorian) Easter Sundays, from the published tables.
EASTER = [
    "2000-04-23",
    "2001-04-15",
    "2002-03-31",
    "2003-04-20",
    "2004-04-11",
    "2005-03-27",
    "2006-04-16",
    "2007-04-08",
    "2008-03-23",
    "2009-04-12",
    "2010-04-04",
    "2011-04-24",
    "2012-04-08",
    "2013-03-31",
    "2014-04-20",
    "2015-04-05",
    "2016-03-27",
    "2017-04-16",
    "2018-04-01",
    "2019-04-21",
    "2020-04-12",
    "2021-04-04",
    "2022-04-17",
    "2023-04-09",
    "2024-03-31",
    "2025-04-20",
    "2026-04-05",
    "2027-03-28",
    "2028-04-16",
    "2029-04-01",
    "2030-04-21",
    "2031-04-13",
    "2032-03-28",
    "2033-04-17",
    "2034-04-09",
    "2035-03-25",
    "2036-04-13",
    "2037-04-05",
    "2038-04-25",
    "2039-04-10",
    "2040-04-01",
]


@pytest.mark.parametrize("iso", EASTER)
def test_easter_2000_to_2040(iso: str) -> None:
    expected = date.fromisoformat(iso)
    assert easter_sunday(expected.year) == expected


def test_easter_table_covers_every_year_2000_to_2040() -> None:
    assert [date.fromisoformat(iso).year for iso in EASTER] == list(range(2000, 2041))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1583, date(1583, 4, 10)),
        (1818, date(1818, 3, 22)),
        (1943, date(1943, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_extremes(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


@given(st.integers(min_value=1583, max_value=9999))
def test_easter_is_a_sunday_between_22_march_and_25_april(year: int) -> None:
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_easter_before_gregorian_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="grégorien"):
        easter_sunday(1582)


def test_holidays_2024() -> None:
    assert [(h.day, h.name) for h in public_holidays(2024)] == [
        (date(2024, 1, 1), "Jour de l'an"),
        (date(2024, 4, 1), "Lundi de Pâques"),
        (date(2024, 5, 1), "Fête du Travail"),
        (date(2024, 5, 8), "Victoire 1945"),
        (date(2024, 5, 9), "Ascension"),
        (date(2024, 5, 20), "Lundi de Pentecôte"),
        (date(2024, 7, 14), "Fête nationale"),
        (date(2024, 8, 15), "Assomption"),
        (date(2024, 11, 1), "Toussaint"),
        (date(2024, 11, 11), "Armistice 1918"),
        (date(2024, 12, 25), "Noël"),
    ]


def test_holidays_2026_easter_based() -> None:
    days = {h.name: h.day for h in public_holidays(2026)}
    assert days["Lundi de Pâques"] == date(2026, 4, 6)
    assert days["Ascension"] == date(2026, 5, 14)
    assert days["Lundi de Pentecôte"] == date(2026, 5, 25)


def test_whit_monday_is_optional() -> None:
    assert len(public_holidays(2025, NO_WHIT_MONDAY)) == 10
    assert not is_public_holiday(date(2025, 6, 9), NO_WHIT_MONDAY)
    assert is_public_holiday(date(2025, 6, 9))
    assert is_working_day(date(2025, 6, 9), NO_WHIT_MONDAY)


def test_alsace_moselle_adds_good_friday_and_26_december() -> None:
    days = {h.name: h.day for h in public_holidays(2025, ALSACE)}
    assert days["Vendredi saint"] == date(2025, 4, 18)
    assert days["Saint-Étienne"] == date(2025, 12, 26)
    assert len(days) == 13
    assert not is_public_holiday(date(2025, 4, 18))
    assert not is_public_holiday(date(2025, 12, 26))


@pytest.mark.parametrize(
    ("code", "alsace"), [("57", True), ("67", True), ("68", True), ("93", False), ("2A", False)]
)
def test_rules_for_departement(code: str, alsace: bool) -> None:
    assert HolidayRules.for_departement(code).alsace_moselle is alsace
    assert HolidayRules.for_departement(code, whit_monday=False).whit_monday is False


def test_ascension_on_may_day_2008_is_one_day_two_names() -> None:
    assert holiday_name(date(2008, 5, 1)) == "Fête du Travail et Ascension"
    assert len({h.day for h in public_holidays(2008)}) == 10


@pytest.mark.parametrize(
    ("day", "name"),
    [(date(2024, 7, 14), "Fête nationale"), (date(2024, 12, 25), "Noël"), (date(2024, 12, 24), None)],
)
def test_holiday_name(day: date, name: str | None) -> None:
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 5, 1), False),  # Wednesday, Fête du Travail
        (date(2024, 5, 2), True),
        (date(2024, 5, 9), False),  # Ascension
        (date(2025, 7, 14), False),  # Monday
        (date(2025, 7, 15), True),
        (date(2024, 12, 25), False),
        (date(2024, 12, 26), True),
        (date(2024, 1, 6), False),  # Saturday
        (date(2024, 1, 7), False),  # Sunday
        (date(2024, 1, 8), True),  # Monday
        (date(2026, 8, 15), False),  # Saturday and a holiday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("known_on", "n", "rules", "expected"),
    [
        (date(2023, 12, 29), 5, DEFAULT_RULES, date(2024, 1, 8)),  # Friday, then 1 January
        (date(2024, 4, 30), 1, DEFAULT_RULES, date(2024, 5, 2)),  # over 1 May
        (date(2024, 5, 7), 5, DEFAULT_RULES, date(2024, 5, 16)),  # 8 May and Ascension 9 May
        (date(2024, 5, 15), 5, DEFAULT_RULES, date(2024, 5, 23)),  # Whit Monday 20 May
        (date(2024, 5, 15), 5, NO_WHIT_MONDAY, date(2024, 5, 22)),
        (date(2025, 7, 11), 2, DEFAULT_RULES, date(2025, 7, 16)),  # theft, over 14 July
        (date(2024, 12, 23), 5, DEFAULT_RULES, date(2024, 12, 31)),  # Christmas
        (date(2024, 12, 23), 5, ALSACE, date(2025, 1, 2)),  # plus 26 December
        (date(2024, 3, 28), 2, DEFAULT_RULES, date(2024, 4, 2)),  # Easter Monday
        (date(2024, 3, 28), 2, ALSACE, date(2024, 4, 3)),  # plus Good Friday
        (date(2024, 1, 6), 1, DEFAULT_RULES, date(2024, 1, 8)),  # known on a Saturday
        (date(2024, 1, 7), 5, DEFAULT_RULES, date(2024, 1, 12)),  # known on a Sunday
        (date(2024, 1, 8), 5, DEFAULT_RULES, date(2024, 1, 15)),  # an ordinary week
        (date(2024, 10, 31), 5, DEFAULT_RULES, date(2024, 11, 8)),  # Toussaint on Friday
        (date(2024, 11, 8), 2, DEFAULT_RULES, date(2024, 11, 13)),  # Armistice on Monday
    ],
)
def test_declaration_deadline(known_on: date, n: int, rules: HolidayRules, expected: date) -> None:
    assert declaration_deadline(known_on, n, rules) == expected
    assert working_days_between(known_on, expected, rules) == n


def test_declaration_deadline_constants() -> None:
    assert (DECLARATION_WORKING_DAYS, THEFT_DECLARATION_WORKING_DAYS) == (5, 2)


def test_declaration_deadline_refuses_negative_delay() -> None:
    with pytest.raises(ValueError, match="négatif"):
        declaration_deadline(date(2024, 1, 8), -1)


def test_late_declaration_is_flagged_only_after_the_deadline() -> None:
    known = date(2023, 12, 29)
    assert not is_declaration_late(known, date(2024, 1, 8), DECLARATION_WORKING_DAYS)
    assert is_declaration_late(known, date(2024, 1, 9), DECLARATION_WORKING_DAYS)
    assert not is_declaration_late(known, known, DECLARATION_WORKING_DAYS)


def test_natural_disaster_deadline_is_30_calendar_days() -> None:
    assert natural_disaster_declaration_deadline(date(2024, 12, 20)) == date(2025, 1, 19)


def test_add_working_days_zero_and_negative() -> None:
    saturday = date(2024, 1, 6)
    assert add_working_days(saturday, 0) == saturday
    assert add_working_days(date(2024, 1, 8), -1) == date(2024, 1, 5)
    assert add_working_days(date(2024, 1, 2), -1) == date(2023, 12, 29)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 1, 8), date(2024, 1, 8), 0),
        (date(2024, 1, 5), date(2024, 1, 8), 1),  # Friday to Monday
        (date(2024, 1, 5), date(2024, 1, 7), 0),  # the weekend only
        (date(2024, 1, 8), date(2024, 1, 5), -1),
        (date(2023, 12, 31), date(2024, 12, 31), 252),
        (date(2025, 12, 31), date(2026, 12, 31), 252),
        (date(2023, 12, 31), date(2025, 12, 31), 252 + 251),
        (date(2024, 4, 30), date(2024, 5, 31), 19),  # May 2024: 23 weekdays minus 4 holidays
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_working_days_in_2026_without_whit_monday() -> None:
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), NO_WHIT_MONDAY) == 253


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
all_rules = st.sampled_from([DEFAULT_RULES, NO_WHIT_MONDAY, ALSACE, HolidayRules(False, True)])


@given(dates, st.integers(min_value=-40, max_value=40), all_rules)
def test_add_then_count_gives_back_n(day: date, n: int, rules: HolidayRules) -> None:
    result = add_working_days(day, n, rules)
    if n:
        assert is_working_day(result, rules)
        assert (result > day) == (n > 0)
    if is_working_day(day, rules) or n > 0:
        assert working_days_between(day, result, rules) == n


@given(dates, st.integers(min_value=0, max_value=800), all_rules)
def test_fast_count_matches_day_by_day_count(start: date, span: int, rules: HolidayRules) -> None:
    end = start + timedelta(days=span)
    naive = sum(1 for i in range(1, span + 1) if is_working_day(start + timedelta(days=i), rules))
    assert working_days_between(start, end, rules) == naive


@given(dates, all_rules)
def test_weekends_are_never_working_days(day: date, rules: HolidayRules) -> None:
    if day.weekday() >= 5:
        assert not is_working_day(day, rules)


@given(st.integers(min_value=1990, max_value=2090))
def test_every_year_has_about_252_working_days(year: int) -> None:
    count = working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
    assert 248 <= count <= 256
